"""Objects and request bodies of the selection routes for tests/test_authorization.py.

``own selection-scenario``: a solved scenario of a call of the official's agency, with reviewed
applications; ``other``: the same at another agency (KODIT).
"""

from __future__ import annotations

from typing import Any

from foster.accounts.models import Agency, User
from foster.selection.models import SelectionScenario
from foster.selection.services import ScenarioSettings
from tests.factories import AgencyFactory
from tests.selection.factories import Spec, scored_call, solved_scenario


def _home_agency(user: User | None) -> Agency:
    membership = user.agency_memberships.select_related("agency").first() if user is not None else None
    return membership.agency if membership else AgencyFactory(code="kosme")


def selection_scenario(user: User | None, variant: str) -> SelectionScenario:
    agency = _home_agency(user) if variant == "own" else AgencyFactory(code="kodit")
    call, applications = scored_call(
        agency, [Spec(score=80, amount_krw=100_000_000), Spec(score=70, amount_krw=200_000_000)]
    )
    return solved_scenario(call, applications)


def scenario_form(scenario: SelectionScenario) -> dict[str, Any]:
    settings = ScenarioSettings.from_json(scenario.settings)
    data: dict[str, Any] = {
        "name": "예산 90%",
        "budget_krw": settings.budget_krw * 9 // 10,
        "ai_share_percent": settings.ai_share_percent or "",
        "strategic_share_percent": "",
        "designation_count": "",
        "company_cap_krw": settings.company_cap_krw or "",
        "tie_band": "0",
        "seed": settings.seed,
        "reserve_count": 3,
        "region_busan": 0,
    }
    return data


PAYLOADS: dict[tuple[str, str], Any] = {
    ("selection:call-scenarios", "POST"): lambda user, obj: {"name": "기본안"},
    ("selection:scenario-detail", "POST"): lambda user, obj: scenario_form(obj),
    ("selection:scenario-override", "POST"): lambda user, obj: {
        "application": obj.problem["candidates"][1]["id"],
        "decision": "in",
        "reason": "위원회: 지역 균형",
    },
    ("selection:scenario-run", "POST"): lambda user, obj: {},
    ("selection:scenario-commit", "POST"): lambda user, obj: {"confirm": "yes"},
}


def world_payloads() -> dict[tuple[str, str], Any]:
    """``WRITE_PAYLOADS`` entries ``(world, obj) -> body`` for the selection routes."""
    return {key: (lambda world, obj, key=key: PAYLOADS[key](world.user, obj)) for key in PAYLOADS}


OBJECT_BUILDERS: dict[str, Any] = {
    "selection-scenario": lambda world, variant: selection_scenario(world.user, variant),
}
