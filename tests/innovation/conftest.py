"""Fixtures of the open-innovation tests: a startup with its member, a large company with its member."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from foster.accounts.choices import Role
from foster.accounts.models import User
from foster.registry.choices import SizeClass
from foster.registry.models import Company
from tests.factories import CompanyFactory, CompanyMembershipFactory, UserFactory


@dataclass
class Side:
    user: User
    company: Company


def side(role: str, size_class: str, **company: Any) -> Side:
    user = UserFactory(role=role)
    membership = CompanyMembershipFactory(user=user, company=CompanyFactory(size_class=size_class, **company))
    return Side(user, membership.company)


@pytest.fixture
def startup(db: None) -> Side:
    return side(Role.COMPANY_MEMBER, SizeClass.STARTUP)


@pytest.fixture
def large(db: None) -> Side:
    return side(Role.LARGE_COMPANY_MEMBER, SizeClass.LARGE, region="gyeongnam")
