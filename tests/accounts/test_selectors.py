"""Account selectors: what a user may see of accounts data."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import AnonymousUser

from foster.accounts.choices import Role
from foster.accounts.models import Agency, User
from foster.accounts.selectors import agencies_of, agency_queryset_for, user_queryset_for
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_anonymous_sees_no_agency_and_no_user() -> None:
    AgencyFactory()
    UserFactory()

    assert list(agency_queryset_for(AnonymousUser())) == []
    assert list(agencies_of(AnonymousUser())) == []
    assert list(user_queryset_for(AnonymousUser())) == []


@pytest.mark.parametrize("role", [role.value for role in Role])
def test_signed_in_users_see_every_agency_and_only_themselves(role: str, make_user: Callable[[str], User]) -> None:
    user = make_user(role)
    other = UserFactory()
    AgencyFactory(code="kibo")

    assert set(agency_queryset_for(user)) == set(Agency.objects.all())
    assert list(user_queryset_for(user)) == [user]
    assert other not in user_queryset_for(user)


def test_agencies_of_lists_the_users_agencies(make_user: Callable[[str], User]) -> None:
    official = make_user(Role.AGENCY_OFFICIAL)
    AgencyFactory(code="kibo")

    assert [agency.code for agency in agencies_of(official)] == ["kosme"]
    assert list(agencies_of(make_user(Role.REVIEWER))) == []
