"""Fixtures of the learning tests: an SME with its owner, an agency official running courses."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.utils import translation

from foster.accounts.choices import Role
from foster.accounts.models import Agency, User
from foster.registry.models import Company
from tests.factories import AgencyMembershipFactory, CompanyFactory, CompanyMembershipFactory, UserFactory


@dataclass
class Sme:
    user: User
    company: Company


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Services called directly speak English here (the messages asserted are the English ones)."""
    with translation.override("en"):
        yield


@pytest.fixture
def sme(db: None) -> Sme:
    company = CompanyFactory(name_ko="(주)한빛정밀", name_en="Hanbit Precision", ksic_section="C", ksic_division="29")
    user = UserFactory(role=Role.COMPANY_MEMBER, full_name="김대표")
    CompanyMembershipFactory(user=user, company=company)
    return Sme(user=user, company=company)


@pytest.fixture
def official(agency: Agency) -> User:
    return AgencyMembershipFactory(agency=agency, user__full_name="이담당").user
