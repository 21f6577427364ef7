"""Objects and request bodies of the cohort routes for tests/test_authorization.py.

``cohort-call``: an accelerator call with a selected application, of the official's agency (own)
or another agency (other). ``cohort``: a cohort of such a call; ``cohort-startup`` one of its
startups. ``invest-cohort-startup``: a cohort startup while the user's agency runs an AI fund with
paid-in capital (own), or without any fund of the user's agency (other). ``partner``: a partner
organisation (the list is shared: any).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from foster.accounts.models import Agency, User
from foster.applications.models import Application
from foster.cohorts.models import Cohort, CohortStartup, PartnerOrganisation
from foster.finance.services import fund_capital_call, fund_commit
from foster.programs.choices import ProgramType
from foster.programs.models import Call, Program
from tests.factories import (
    AgencyFactory,
    ApplicationFormFactory,
    CallFactory,
    CompanyFactory,
    ProgramFactory,
    UserFactory,
)


def _agency_of(user: User | None) -> Agency | None:
    membership = user.agency_memberships.select_related("agency").first() if user else None
    return membership.agency if membership else None


def cohort_call(user: User | None, variant: str) -> Call | None:
    agency = _agency_of(user) if variant == "own" else AgencyFactory()
    if agency is None:
        return None
    call = CallFactory(program=ProgramFactory(agency=agency, program_type=ProgramType.ACCELERATOR))
    Application.objects.create(
        call=call,
        company=CompanyFactory(),
        form=ApplicationFormFactory(call=call),
        applicant=UserFactory(),
        status="selected",
    )
    return call


def cohort(user: User | None, variant: str) -> Cohort | None:
    call = cohort_call(user, variant)
    if call is None:
        return None
    found = Cohort.objects.create(call=call, name_ko="1기", starts_on=dt.date(2026, 3, 2), ends_on=dt.date(2026, 7, 1))
    CohortStartup.objects.create(cohort=found, company=CompanyFactory())
    return found


def cohort_startup(user: User | None, variant: str) -> CohortStartup | None:
    found = cohort(user, variant)
    return found.startups.first() if found else None


def invest_cohort_startup(user: User | None, variant: str) -> CohortStartup | None:
    startup = cohort_startup(None, "other")
    agency = _agency_of(user)
    if variant == "own" and agency is not None and user is not None:
        fund = ProgramFactory(agency=agency, program_type=ProgramType.FUND_INVESTMENT)
        fund_commit(user=user, key=f"authz-commit-{fund.pk}", program=fund, amount_krw=10**10, source="government")
        fund_capital_call(user=user, key=f"authz-call-{fund.pk}", program=fund, amount_krw=10**10, source="government")
    return startup


OBJECT_BUILDERS = {
    "cohort-call": lambda world, variant: cohort_call(world.user, variant),
    "cohort": lambda world, variant: cohort(world.user, variant),
    "cohort-startup": lambda world, variant: cohort_startup(world.user, variant),
    "invest-cohort-startup": lambda world, variant: invest_cohort_startup(world.user, variant),
    "partner": lambda world, variant: PartnerOrganisation.objects.create(
        name_ko="권한 대학교", name_en="Authorization University", country="US", kind="university"
    ),
}


def _investment_body(user: User | None, obj: Any) -> dict[str, Any]:
    agency = _agency_of(user)
    fund = Program.objects.filter(agency=agency, program_type=ProgramType.FUND_INVESTMENT).first() if agency else None
    return {
        "idempotency_key": "authz-investment",
        "fund_program": fund.pk if fund else 0,
        "source": "government",
        "fund_amount_krw": 100_000_000,
        "round_total_krw": 1_000_000_000,
        "round_name": "Series A",
        "lead_investor": "권한 벤처스",
        "invested_on": timezone.localdate().isoformat(),
    }


PAYLOADS: dict[tuple[str, str], Any] = {
    ("cohorts:cohort-create", "POST"): lambda user, obj: {
        "name_ko": "AI 액셀러레이팅 1기",
        "name_en": "",
        "starts_on": "2026-03-02",
        "ends_on": "2026-07-01",
        "partner": "",
    },
    ("cohorts:cohort-update", "POST"): lambda user, obj: {
        "name_ko": "AI 액셀러레이팅 1기 (수정)",
        "name_en": "AI acceleration, cohort 1",
        "starts_on": "2026-03-02",
        "ends_on": "2026-08-31",
        "partner": "",
    },
    ("cohorts:mentor-add", "POST"): lambda user, obj: {"name": "Dana", "organisation": "MIT", "expertise": "Vision"},
    ("cohorts:demo-day", "POST"): lambda user, obj: {"demo_day_on": "2026-06-30", "venue": "팁스타운"},
    ("cohorts:startup-story", "POST"): lambda user, obj: {"title": "시리즈 A 유치", "story": "데모데이 후 투자 유치"},
    ("cohorts:investment-add", "POST"): _investment_body,
    ("cohorts:partner-update", "POST"): lambda user, obj: {
        "name_ko": "권한 공과대학교",
        "name_en": "Authorization Institute of Technology",
        "country": "us",
        "city": "Cambridge",
        "kind": "university",
        "website": "",
        "program": "",
        "role": "",
    },
    ("cohorts:partner-list", "POST"): lambda user, obj: {
        "name_ko": "권한 대학교",
        "name_en": "Authorization University",
        "country": "US",
        "city": "Boston",
        "kind": "university",
        "website": "",
        "program": "",
        "role": "",
    },
}


def world_payloads() -> dict[tuple[str, str], Any]:
    """``WRITE_PAYLOADS`` entries ``(world, obj) -> body`` for the cohort routes."""
    return {key: (lambda world, obj, key=key: PAYLOADS[key](world.user, obj)) for key in PAYLOADS}
