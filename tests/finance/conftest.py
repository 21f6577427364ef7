"""Fixtures of the finance tests: a KOSME loan program with a funded budget and its official."""

from __future__ import annotations

import pytest

from foster.accounts.models import Agency, User
from foster.finance.services import budget_fund
from foster.programs.choices import ProgramType
from foster.programs.models import Program
from foster.registry.models import Company
from tests.factories import AgencyMembershipFactory, CompanyFactory, ProgramFactory

BUDGET_KRW = 100_000_000_000


@pytest.fixture
def official(agency: Agency) -> User:
    return AgencyMembershipFactory(agency=agency).user


@pytest.fixture
def loan_program(agency: Agency, official: User) -> Program:
    program = ProgramFactory(agency=agency, program_type=ProgramType.LOAN, policy_tags=["ai"])
    budget_fund(user=official, key="fund-loan-program", program=program, amount_krw=BUDGET_KRW)
    return program


@pytest.fixture
def borrower(db: None) -> Company:
    return CompanyFactory()
