"""Users of the programs tests: an official of KOSME, one of KODIT, a ministry planner."""

from __future__ import annotations

import pytest

from foster.accounts.choices import Role
from foster.accounts.models import Agency, User
from tests.factories import AgencyFactory, AgencyMembershipFactory, UserFactory


@pytest.fixture
def other_agency(db: None) -> Agency:
    return AgencyFactory(code="kodit", name_ko="신용보증기금", name_en="KODIT")


@pytest.fixture
def official(agency: Agency) -> User:
    """An official of KOSME (the ``agency`` fixture)."""
    return AgencyMembershipFactory(agency=agency).user


@pytest.fixture
def other_official(other_agency: Agency) -> User:
    return AgencyMembershipFactory(agency=other_agency).user


@pytest.fixture
def planner(db: None) -> User:
    user = UserFactory(role=Role.MINISTRY_PLANNER)
    AgencyMembershipFactory(user=user, agency=AgencyFactory(code="mss"))
    return user
