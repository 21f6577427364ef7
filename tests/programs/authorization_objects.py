"""Objects and request bodies of the programs routes for tests/test_authorization.py.

``own agency-program`` / ``own managed-call``: of the agency the user works for (officials and
planners); ``other``: of another agency (KIBO). Calls are open, so every signed-in user can read
them in the API. ``any published-call``: an open call on the public portal.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from foster.accounts.models import Agency, User
from foster.programs.models import Call, Program
from foster.programs.services import program_data_from
from tests.factories import RUBRIC_CRITERIA, SIMPLE_SCHEMA, AgencyFactory, CallFactory, ProgramFactory


def _home_agency(user: User | None) -> Agency | None:
    membership = user.agency_memberships.select_related("agency").first() if user is not None else None
    return membership.agency if membership else None


def agency_program(user: User | None, variant: str) -> Program | None:
    if variant == "own":
        agency = _home_agency(user)
        return ProgramFactory(agency=agency) if agency else None
    return ProgramFactory(agency=AgencyFactory(code="kibo"))


def managed_call(user: User | None, variant: str) -> Call | None:
    program = agency_program(user, variant)
    return CallFactory(program=program) if program else None


def published_call(user: User | None, variant: str) -> Call:
    return CallFactory()


def _agency_pk(user: User | None) -> int:
    agency = _home_agency(user) or AgencyFactory(code="kosme")
    return agency.pk


def _program_form(user: User | None, obj: Any) -> dict[str, Any]:
    if obj is None:
        return {
            "agency": _agency_pk(user),
            "code": "authz-program",
            "name_ko": "권한 검사 사업",
            "name_en": "Authorization check program",
            "program_type": "grant",
            "policy_tags": ["ai"],
        }
    values = dict(program_data_from(obj).__dict__)
    values["private_matching_ratio"] = values["private_matching_ratio"] or ""
    values["name_ko"] = "이름 바뀐 사업"
    return values


def _call_form(obj: Any, code: str) -> dict[str, Any]:
    return {
        "code": code,
        "title_ko": "권한 검사 공고",
        "title_en": "Authorization check call",
        "opens_at": "2026-12-01T09:00",
        "closes_at": "2026-12-31T18:00",
        "budget_krw": 1_000_000_000,
        "max_award_krw": 100_000_000,
        "reviewers_per_application": 3,
        "rubric-TOTAL_FORMS": 1,
        "rubric-INITIAL_FORMS": 0,
        "rubric-0-key": "technology",
        "rubric-0-label_ko": "기술성",
        "rubric-0-label_en": "Technology",
        "rubric-0-weight": "1",
        "rubric-0-scale_min": 0,
        "rubric-0-scale_max": 10,
    }


def _api_call(obj: Any) -> dict[str, Any]:
    return {
        "program": obj.pk if obj else None,
        "code": "authz-api-call",
        "title_ko": "권한 검사 공고",
        "title_en": "Authorization check call",
        "opens_at": "2026-12-01T09:00:00+09:00",
        "closes_at": "2026-12-31T18:00:00+09:00",
        "budget_krw": 1_000_000_000,
        "max_award_krw": 100_000_000,
        "rubric_criteria": copy.deepcopy(RUBRIC_CRITERIA),
    }


PAYLOADS: dict[tuple[str, str], Any] = {
    ("programs:program-create", "POST"): lambda user, obj: _program_form(user, None),
    ("programs:program-edit", "POST"): _program_form,
    ("programs:call-create", "POST"): lambda user, obj: _call_form(obj, "authz-call"),
    ("programs:call-edit", "POST"): lambda user, obj: _call_form(obj, obj.code),
    ("programs:call-rules", "POST"): lambda user, obj: {"size_classes": ["startup"], "not_designated": "on"},
    ("programs:call-form", "POST"): lambda user, obj: {"schema": json.dumps(SIMPLE_SCHEMA), "action": "publish"},
    ("programs:call-notifications", "POST"): lambda user, obj: {"submission_received": "on", "decision": "on"},
    ("api:program-list", "POST"): lambda user, obj: _program_form(user, None),
    ("api:program-detail", "PATCH"): lambda user, obj: {"name_en": "Renamed program"},
    ("api:call-list", "POST"): lambda user, obj: _api_call(obj),
    ("api:call-detail", "PATCH"): lambda user, obj: {"title_en": "Renamed call"},
}


def world_payloads() -> dict[tuple[str, str], Any]:
    """``WRITE_PAYLOADS`` entries ``(world, obj) -> body`` for the programs routes."""
    return {key: (lambda world, obj, key=key: PAYLOADS[key](world.user, obj)) for key in PAYLOADS}


OBJECT_BUILDERS: dict[str, Any] = {
    "agency-program": lambda world, variant: agency_program(world.user, variant),
    "managed-call": lambda world, variant: managed_call(world.user, variant),
    "published-call": lambda world, variant: published_call(world.user, variant),
}
