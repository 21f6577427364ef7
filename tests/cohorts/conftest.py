"""Fixtures of the cohort tests: a KISED accelerator call with two selected startups, and a KOSME
AI fund with paid-in government capital."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.utils import translation

from foster.accounts.models import User
from foster.applications.models import Application
from foster.finance.services import fund_capital_call, fund_commit
from foster.programs.choices import ProgramType
from foster.programs.models import Call, Program
from tests.factories import (
    AgencyFactory,
    AgencyMembershipFactory,
    ApplicationFormFactory,
    CallFactory,
    CompanyFactory,
    ProgramFactory,
    UserFactory,
)

BILLION = 1_000_000_000


@dataclass
class Accelerator:
    official: User
    call: Call
    applications: list[Application]


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def accelerator(db: None) -> Accelerator:
    agency = AgencyFactory(code="kised")
    official = AgencyMembershipFactory(agency=agency).user
    program = ProgramFactory(agency=agency, program_type=ProgramType.ACCELERATOR, code="kised-ai-accelerator")
    call = CallFactory(program=program)
    form = ApplicationFormFactory(call=call)
    applications = []
    for index, status in enumerate(["selected", "agreement", "rejected"]):
        company = CompanyFactory(name_ko=f"(주)스타트업{index}", size_class="startup")
        applications.append(
            Application.objects.create(
                call=call, company=company, form=form, applicant=UserFactory(), status=status, title=f"과제 {index}"
            )
        )
    return Accelerator(official=official, call=call, applications=applications)


@pytest.fixture
def fund(db: None) -> tuple[User, Program]:
    agency = AgencyFactory(code="kosme")
    manager = AgencyMembershipFactory(agency=agency).user
    program = ProgramFactory(agency=agency, program_type=ProgramType.FUND_INVESTMENT, code="kosme-ai-fund")
    fund_commit(user=manager, key="commit", program=program, amount_krw=20 * BILLION, source="government")
    fund_capital_call(user=manager, key="call", program=program, amount_krw=5 * BILLION, source="government")
    return manager, program
