"""Calls with reviewed, scored applications for selection tests (rows created directly)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from foster.accounts.models import Agency
from foster.applications.choices import ApplicationStatus
from foster.applications.models import Application
from foster.programs.models import Call
from foster.reviews.choices import AssignmentStatus
from foster.reviews.models import ReviewAssignment, ScoreSheet
from foster.selection.choices import ScenarioStatus
from foster.selection.models import SelectionScenario
from tests.factories import CompanyFactory, ProgramFactory
from tests.reviews.factories import ApplicationFactory, CallFactory, ReviewerProfileFactory


@dataclass(frozen=True)
class Spec:
    """One application: both reviewers give it ``score``; the company has these facts."""

    score: float
    amount_krw: int
    region: str = "seoul"
    section: str = "C"
    division: str = "29"
    ai_adoption: str = "none"


def scored_call(
    agency: Agency, specs: list[Spec], *, policy_tags: list[str] | None = None, **call_fields: Any
) -> tuple[Call, list[Application]]:
    """A call of ``agency`` whose applications are reviewed, each scored the same by two reviewers
    (so the adjusted score equals ``score``)."""
    program = ProgramFactory(agency=agency, policy_tags=policy_tags if policy_tags is not None else ["ai"])
    call = CallFactory(program=program, **call_fields)
    reviewers = [ReviewerProfileFactory(agency=agency) for _ in range(2)]
    applications = []
    for spec in specs:
        company = CompanyFactory(
            region=spec.region, ksic_section=spec.section, ksic_division=spec.division, ai_adoption=spec.ai_adoption
        )
        application = ApplicationFactory(
            call=call, company=company, status=ApplicationStatus.REVIEWED, requested_amount_krw=spec.amount_krw
        )
        for reviewer in reviewers:
            assignment = ReviewAssignment.objects.create(
                application=application, reviewer=reviewer, status=AssignmentStatus.SUBMITTED
            )
            ScoreSheet.objects.create(assignment=assignment, scores={}, total=spec.score, submitted_at=timezone.now())
        applications.append(application)
    return call, applications


def solved_scenario(call: Call, applications: list[Application], *, selected: int = 1) -> SelectionScenario:
    """A scenario with a stored problem and result (no solve): the first ``selected`` applications
    are selected, the others not."""
    from foster.selection.services import scenario_settings_default

    ids = [str(application.pk) for application in applications]
    problem = {
        "candidates": [
            {
                "id": identifier,
                "value": 80.0 - position,
                "costs": {"amount_krw": application.requested_amount_krw},
                "attributes": {"company": str(application.company_id), "region": "seoul", "ai": "yes"},
            }
            for position, (identifier, application) in enumerate(zip(ids, applications, strict=True))
        ],
        "constraints": [{"name": "budget", "type": "sum", "cost": "amount_krw", "max": call.budget_krw}],
        "seed": 1,
    }
    chosen = ids[:selected]
    explanations = {
        identifier: (
            {"code": "selected", "selected": True, "params": {"value": 80.0}, "text": "Selected"}
            if identifier in chosen
            else {
                "code": "would_not_fit",
                "selected": False,
                "params": {"value": 70.0, "constraints": ["budget"], "rows": ["budget"], "room": 1.0, "needs": 2.0},
                "text": "Not selected",
            }
        )
        for identifier in ids
    }
    return SelectionScenario.objects.create(
        call=call,
        name="기본 시나리오",
        status=ScenarioStatus.SOLVED,
        settings=scenario_settings_default(call).to_json(),
        problem=problem,
        result={"status": "optimal", "selected": chosen, "binding": ["budget"], "explanations": explanations},
        solve_status="optimal",
        objective=80.0,
        bound=80.0,
        gap=0.0,
    )
