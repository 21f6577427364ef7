from __future__ import annotations

import pytest

from foster.accounts.choices import Role
from foster.accounts.models import Agency, User
from foster.programs.models import Call
from tests.factories import AgencyMembershipFactory, ProgramFactory
from tests.reviews.factories import CallFactory


@pytest.fixture
def official(agency: Agency) -> User:
    return AgencyMembershipFactory(agency=agency, user__role=Role.AGENCY_OFFICIAL).user


@pytest.fixture
def call(agency: Agency) -> Call:
    return CallFactory(program=ProgramFactory(agency=agency))
