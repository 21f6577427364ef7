"""Account services: sign-up and agency memberships."""

from __future__ import annotations

import pytest

from foster.accounts.choices import Role
from foster.accounts.models import AgencyMembership, User
from foster.accounts.services import agency_membership_grant, user_signup
from foster.core.models import AuditEvent
from tests.factories import PASSWORD, AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_user_signup_creates_a_public_user_with_a_normalised_email() -> None:
    user = user_signup(email="Lee@Example.KR", full_name="이공개", password=PASSWORD)

    assert (user.email, user.full_name, user.role, user.is_staff) == ("lee@example.kr", "이공개", Role.PUBLIC, False)
    assert user.check_password(PASSWORD)
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.object_type, event.object_id) == (
        "user.signup",
        user,
        "accounts.user",
        str(user.pk),
    )


def test_agency_membership_grant_makes_an_official_once() -> None:
    staff = UserFactory(role=Role.MINISTRY_PLANNER)
    user = UserFactory(role=Role.PUBLIC)
    agency = AgencyFactory(code="kodit")

    first = agency_membership_grant(actor=staff, user=user, agency=agency, title="과장")
    second = agency_membership_grant(actor=staff, user=user, agency=agency, title="부장")

    user.refresh_from_db()
    assert first == second
    assert AgencyMembership.objects.get().title == "과장"
    assert user.role == Role.AGENCY_OFFICIAL
    assert list(AuditEvent.objects.values_list("action", "changes")) == [
        ("agency_membership.grant", {"agency": "kodit"}),
        ("agency_membership.grant", {"agency": "kodit"}),
    ]


def test_create_user_requires_an_email() -> None:
    with pytest.raises(ValueError, match="e-mail address is required"):
        User.objects.create_user(email="", password=PASSWORD)


def test_get_by_natural_key_ignores_case() -> None:
    user = UserFactory(email="park@example.kr")

    assert User.objects.get_by_natural_key("PARK@example.KR") == user
