"""Writes to accounts."""

from __future__ import annotations

from django.db import transaction

from foster.accounts.choices import Role
from foster.accounts.models import Agency, AgencyMembership, User
from foster.accounts.permissions import agency_ids_forget
from foster.core.services import audit_event_record


@transaction.atomic
def user_signup(*, email: str, full_name: str, password: str) -> User:
    """Create a public account (self-service). Roles beyond 'public' are granted by staff or by
    registering a company."""
    user = User.objects.create_user(email=email, password=password, full_name=full_name, role=Role.PUBLIC)
    audit_event_record(actor=user, action="user.signup", target=user)
    return user


@transaction.atomic
def agency_membership_grant(*, actor: User | None, user: User, agency: Agency, title: str = "") -> AgencyMembership:
    """Make ``user`` an official of ``agency``."""
    membership, _created = AgencyMembership.objects.get_or_create(user=user, agency=agency, defaults={"title": title})
    agency_ids_forget(user)
    if user.role != Role.AGENCY_OFFICIAL:
        user.role = Role.AGENCY_OFFICIAL
        user.save(update_fields=["role"])
    audit_event_record(actor=actor, action="agency_membership.grant", target=user, changes={"agency": agency.code})
    return membership
