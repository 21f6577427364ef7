"""API fuzzing (issue 10): Schemathesis generates requests for every operation of ``/api/schema/``
and sends them in-process (Django's WSGI handler, no network) as each role.

Two agencies (A and B), each with a company that applied to its call, a reviewer, a not yet opened
call, a selection scenario, an agreement; each company with a diagnostic, a proposal and a draft
challenge. The private objects carry marker strings (``ZQALPHA…`` for side A, ``ZQBRAVO…`` for
side B). For every response, as every role:

- no 5xx;
- the response conforms to the schema (body, content type, headers) when its status is documented;
- no marker of the other side appears in the body (and none at all for the anonymous visitor).

Besides the generated requests, every ``GET`` operation with an id in its path is called with the
id of each seeded object, so that a detail outside the caller's scope is actually asked for (random
integers seldom hit a real row).

The number of generated examples per operation and role is ``FOSTER_FUZZ_EXAMPLES`` (default 3);
set it higher for a longer run (``FOSTER_FUZZ_EXAMPLES=50 pytest tests/fuzz``).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hypothesis
import pytest
from django.utils import timezone
from hypothesis import strategies
from schemathesis import checks as st_checks
from schemathesis.specs.openapi import checks as openapi_checks

from foster.accounts.choices import Role
from foster.accounts.models import User
from foster.finance.choices import Instrument
from foster.finance.services import agreement_approve, budget_fund
from foster.innovation.models import Challenge, Proposal
from foster.learning.services import diagnostic_submit, enrolment_create
from foster.selection.models import SelectionScenario
from tests.factories import (
    AgencyFactory,
    AgencyMembershipFactory,
    CallFactory,
    CompanyFactory,
    CompanyMembershipFactory,
    ProgramFactory,
    UserFactory,
)
from tests.fuzz.conftest import Credentials, credentials
from tests.learning.factories import CourseFactory, SessionFactory, all_answers
from tests.reviews.factories import ApplicationFactory, ReviewAssignmentFactory, ReviewerProfileFactory

pytestmark = pytest.mark.django_db

REPORTS = Path(__file__).resolve().parents[2] / "artifacts" / "fuzz"
EXAMPLES = int(os.environ.get("FOSTER_FUZZ_EXAMPLES", "3"))
SIDES = ("ALPHA", "BRAVO")
# What a marker names: the side's company (private to its members and the officials), or the side's
# agency's business (private to that agency's officials, and the company's own for its application).
COMPANY_KINDS = ("CO", "DIAG", "PROP", "DRAFTCHAL")
AGENCY_KINDS = ("APP", "DRAFTCALL", "SCN")
MARKER = re.compile(r"ZQ(ALPHA|BRAVO)([A-Z]+)")
ROLES = [
    "anonymous",
    "member_a",
    "member_b",
    "reviewer_a",
    "official_a",
    "official_b",
    "planner",
    "admin",
]


def marker(side: str, kind: str) -> str:
    return f"ZQ{side}{kind}"


def forbidden_markers(role: str) -> set[str]:
    """The markers ``role`` must never receive."""
    every = {marker(side, kind) for side in SIDES for kind in (*COMPANY_KINDS, *AGENCY_KINDS)}
    if role == "anonymous":
        return every
    if role in {"planner", "admin"}:
        return set()
    own = "ALPHA" if role.endswith("_a") else "BRAVO"
    other = "BRAVO" if own == "ALPHA" else "ALPHA"
    if role.startswith("official"):
        # Officials see every company of the registry, but another agency's business is not theirs,
        # and a company's self-assessment, proposals and draft challenges are the company's own.
        return {marker(other, kind) for kind in (*AGENCY_KINDS, "DIAG", "PROP", "DRAFTCHAL")}
    return {marker(other, kind) for kind in (*COMPANY_KINDS, *AGENCY_KINDS)}


def _side(side: str) -> dict[str, Any]:
    """An agency, its official, a funded program with an open call and a not yet opened one; a
    company and its member who applied; a reviewer of the agency assigned to the application; a
    scenario; an agreement; the company's diagnostic, draft challenge, and an enrolment."""
    now = timezone.now()
    agency = AgencyFactory(code=f"agency-{side.lower()}", name_ko=f"{side} 기관")
    official = UserFactory(email=f"official-{side.lower()}@example.kr", role=Role.AGENCY_OFFICIAL)
    AgencyMembershipFactory(user=official, agency=agency)
    program = ProgramFactory(agency=agency, policy_tags=["ai"])
    call = CallFactory(program=program)
    CallFactory(
        program=program,
        title_ko=marker(side, "DRAFTCALL"),
        title_en=marker(side, "DRAFTCALL"),
        opens_at=now + dt.timedelta(days=30),
        closes_at=now + dt.timedelta(days=60),
    )
    company = CompanyFactory(name_ko=marker(side, "CO"), name_en=marker(side, "CO"))
    member = UserFactory(email=f"member-{side.lower()}@example.kr", role=Role.COMPANY_MEMBER)
    CompanyMembershipFactory(user=member, company=company)
    application = ApplicationFactory(
        call=call, company=company, applicant=member, title=marker(side, "APP"), status="under_review"
    )
    reviewer_user = UserFactory(email=f"reviewer-{side.lower()}@example.kr", role=Role.REVIEWER)
    reviewer = ReviewerProfileFactory(user=reviewer_user, agency=agency)
    ReviewAssignmentFactory(application=application, reviewer=reviewer)
    SelectionScenario.objects.create(call=call, name=marker(side, "SCN"), created_by=official)
    budget_fund(user=official, key=f"fund-{side}", program=program, amount_krw=10**10)
    agreement_approve(
        user=official,
        key=f"approve-{side}",
        program=program,
        company=company,
        instrument=Instrument.GRANT,
        amount_krw=100_000_000,
    )
    diagnostic_submit(user=member, company=company, answers=all_answers(2), problem=marker(side, "DIAG"))
    Challenge.objects.create(
        title=marker(side, "DRAFTCHAL"), problem=marker(side, "DRAFTCHAL"), owner_company=company, created_by=member
    )
    session = SessionFactory(course=CourseFactory(agency=agency))
    enrolment_create(user=member, session=session)
    return {"agency": agency, "official": official, "member": member, "reviewer": reviewer_user, "company": company}


@dataclass
class World:
    credentials: dict[str, Credentials] = field(default_factory=dict)  # role -> how it authenticates
    ids: set[int] = field(default_factory=set)


@pytest.fixture
def world(db: None) -> World:
    a, b = _side("ALPHA"), _side("BRAVO")
    # A neutral large company's open challenge, to which both companies proposed.
    neutral = CompanyFactory(name_ko="(주)중립산업", size_class="large")
    challenge = Challenge.objects.create(title="공개 과제", problem="공개 과제", owner_company=neutral, state="open")
    for side, data in (("ALPHA", a), ("BRAVO", b)):
        Proposal.objects.create(
            challenge=challenge,
            company=data["company"],
            approach=marker(side, "PROP"),
            price_krw=1_000_000,
            duration_weeks=8,
        )
    planner = UserFactory(role=Role.MINISTRY_PLANNER)
    AgencyMembershipFactory(user=planner, agency=AgencyFactory(code="mss"))
    admin = UserFactory(role=Role.PUBLIC, is_staff=True, is_superuser=True)
    users: dict[str, User] = {
        "member_a": a["member"],
        "member_b": b["member"],
        "reviewer_a": a["reviewer"],
        "official_a": a["official"],
        "official_b": b["official"],
        "planner": planner,
        "admin": admin,
    }
    found = World(credentials={role: credentials(user) for role, user in users.items()})
    from django.apps import apps

    for model in apps.get_models():
        if model._meta.app_label in {
            "registry",
            "applications",
            "programs",
            "reviews",
            "selection",
            "finance",
            "innovation",
            "learning",
            "accounts",
        }:
            found.ids.update(model.objects.values_list("pk", flat=True)[:200])
    return found


CHECKS = [
    st_checks.not_a_server_error,
    openapi_checks.response_schema_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_headers_conformance,
]


def expected_markers(role: str) -> set[str]:
    """Markers ``role`` must meet somewhere, so that the leak check is not passing on empty answers."""
    own = {"member_a": "ALPHA", "member_b": "BRAVO", "official_a": "ALPHA", "official_b": "BRAVO"}.get(role)
    if role.startswith("member") and own:
        return {marker(own, kind) for kind in (*COMPANY_KINDS, "APP")}
    if role.startswith("official") and own:
        return {marker(own, kind) for kind in (*AGENCY_KINDS, "CO")}
    if role == "planner":
        return {marker(side, kind) for side in SIDES for kind in AGENCY_KINDS}
    return set()


def assert_no_leak(role: str, case: Any, response: Any, seen: set[str]) -> None:
    found = {match.group(0) for match in MARKER.finditer(response.text)}
    seen.update(found)
    leaked = found & forbidden_markers(role)
    assert not leaked, f"{role}: {case.method} {case.formatted_path} returned {sorted(leaked)}"


@pytest.mark.parametrize("role", ROLES)
def test_every_operation_as_every_role(role: str, world: World, api_schema: Any) -> None:
    schema = api_schema
    authenticated = world.credentials.get(role, Credentials())
    headers = {**authenticated.headers, "Accept-Language": "ko"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 40  # the whole API is there, not an empty schema
    failures: list[str] = []
    seen: set[str] = set()
    for operation in operations:

        def send(case: Any, operation: Any = operation) -> None:
            response = case.call(headers=headers, cookies=authenticated.cookies)
            case.validate_response(response, checks=CHECKS, headers=headers)
            assert_no_leak(role, case, response, seen)

        names = [parameter.name for parameter in operation.path_parameters]
        generated = [operation.as_strategy()]
        if len(names) == 1:
            # Writes and actions on real rows too (random integers seldom hit one): the path's id
            # drawn from the seeded objects, whoever's they are; the rest generated.
            ids = strategies.sampled_from(sorted(world.ids))
            generated.append(
                ids.flatmap(lambda pk, op=operation, name=names[0]: op.as_strategy(path_parameters={name: pk}))
            )
        for strategy in generated:

            @hypothesis.given(case=strategy)
            @hypothesis.settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                derandomize=True,
                suppress_health_check=list(hypothesis.HealthCheck),
                phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
            )
            def fuzz(case: Any) -> None:
                send(case)

            try:
                fuzz()
            except (Exception, BaseExceptionGroup) as error:
                failures.append(f"{operation.label}: {error}")
        # Details by id: the id of every seeded object, whoever's it is.
        if operation.method.upper() == "GET" and len(names) == 1:
            for pk in sorted(world.ids):
                case = operation.Case(path_parameters={names[0]: pk})
                try:
                    send(case)
                except (Exception, BaseExceptionGroup) as error:
                    failures.append(f"{operation.label} {names[0]}={pk}: {error}")
    if missing := expected_markers(role) - seen:
        failures.append(f"{role} never received its own {sorted(missing)}: the leak check proves nothing")
    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / f"{role}.txt").write_text("\n\n".join(failures), encoding="utf-8")
    assert not failures, "\n".join(summary(failure) for failure in failures)


def on_seeded_rows(operation: Any, name: str, ids: list[int]) -> Any:
    """Cases of ``operation`` whose path parameter ``name`` is one of ``ids``."""
    return strategies.sampled_from(ids).flatmap(lambda pk: operation.as_strategy(path_parameters={name: pk}))


def summary(failure: str) -> str:
    """One line of a failure: the operation, what failed and the request (the full text is in the report)."""
    lines = [line.strip() for line in failure.splitlines() if line.strip()]
    kinds = [line for line in lines if line.startswith("- ST") or "returned" in line]
    request = [line for line in lines if line.startswith("curl ")]
    return " | ".join([lines[0], *kinds[:2], *request[:1]])
