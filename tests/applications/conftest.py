"""Fixtures of the application tests: an agency's open call, an eligible company and its member,
an official of the agency and one of another agency."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from foster.accounts.choices import Role
from foster.accounts.models import Agency, User
from foster.programs.models import Call
from foster.registry.models import Company
from tests.applications.objects import call_build
from tests.factories import (
    AgencyFactory,
    AgencyMembershipFactory,
    CompanyFactory,
    CompanyMembershipFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Services called directly speak English here (the messages asserted are the English ones)."""
    with translation.override("en"):
        yield


@pytest.fixture
def call(agency: Agency) -> Call:
    return call_build(agency=agency)


@pytest.fixture
def company(db: None) -> Company:
    """Eligible for ``RULES``: small, in Seoul, founded in 2021."""
    return CompanyFactory(size_class="small", region="seoul", founded_on=dt.date(2021, 5, 1))


@pytest.fixture
def member(company: Company) -> User:
    return CompanyMembershipFactory(company=company, user=UserFactory(role=Role.COMPANY_MEMBER)).user


@pytest.fixture
def other_member(db: None) -> User:
    return CompanyMembershipFactory(user=UserFactory(role=Role.COMPANY_MEMBER)).user


@pytest.fixture
def official(agency: Agency) -> User:
    return AgencyMembershipFactory(agency=agency, user=UserFactory(role=Role.AGENCY_OFFICIAL)).user


@pytest.fixture
def other_official(db: None) -> User:
    return AgencyMembershipFactory(agency=AgencyFactory(code="kibo"), user=UserFactory(role=Role.AGENCY_OFFICIAL)).user
