"""Reads of accounts data, scoped to what the asking user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from foster.accounts.models import Agency, User


def agency_queryset_for(user: Any) -> QuerySet[Agency]:
    """Agencies are public reference data for any signed-in user."""
    if not getattr(user, "is_authenticated", False):
        return Agency.objects.none()
    return Agency.objects.all()


def agencies_of(user: Any) -> QuerySet[Agency]:
    """The agencies a user works for."""
    if not getattr(user, "is_authenticated", False):
        return Agency.objects.none()
    return Agency.objects.filter(memberships__user=user)


def user_queryset_for(user: Any) -> QuerySet[User]:
    """A user sees only their own account outside the admin site."""
    if not getattr(user, "is_authenticated", False):
        return User.objects.none()
    return User.objects.filter(pk=user.pk)
