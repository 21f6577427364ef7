"""Objects and request bodies for the reviews rows of the authorization matrix
(used by tests/test_authorization.py's OBJECT_BUILDERS and WRITE_PAYLOADS)."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from foster.accounts.choices import Role
from foster.accounts.models import Agency, User
from foster.programs.models import Call
from foster.reviews.choices import ConflictSource
from foster.reviews.models import ConflictOfInterest, ReviewAssignment, ReviewerProfile
from tests.factories import AgencyFactory, CompanyFactory, ProgramFactory, UserFactory
from tests.reviews.factories import ApplicationFactory, CallFactory, ReviewAssignmentFactory, ReviewerProfileFactory


def _home_agency(user: User | None) -> Agency:
    membership = user.agency_memberships.select_related("agency").first() if user is not None else None
    return membership.agency if membership else AgencyFactory(code="kosme")


def _other_agency() -> Agency:
    return AgencyFactory(code="kodit")


def assignment(user: User | None, variant: str) -> ReviewAssignment:
    """``own``: assigned to the requesting reviewer; ``other``: to another reviewer."""
    if variant == "own":
        assert user is not None
        profile, _created = ReviewerProfile.objects.get_or_create(user=user, defaults={"agency": _home_agency(None)})
        return ReviewAssignmentFactory(reviewer=profile, application__call__program__agency=profile.agency)
    return ReviewAssignmentFactory()


def conflicted_assignment(user: User | None) -> ReviewAssignment:
    """Assigned to the requesting reviewer, who has declared a conflict with the applicant."""
    own = assignment(user, "own")
    ConflictOfInterest.objects.create(
        reviewer=own.reviewer, company=own.application.company, source=ConflictSource.DECLARED
    )
    return own


def pool_reviewer(user: User | None, variant: str) -> ReviewerProfile:
    agency = _home_agency(user) if variant == "own" else _other_agency()
    return ReviewerProfileFactory(agency=agency)


def agency_call(user: User | None, variant: str) -> Call:
    agency = _home_agency(user) if variant == "own" else _other_agency()
    return CallFactory(program=ProgramFactory(agency=agency))


def _family_firm_file(user: User | None) -> dict[str, Any]:
    profile = ReviewerProfileFactory(agency=_home_agency(user))
    company = CompanyFactory()
    content = f"email,business_registration_number\n{profile.user.email},{company.business_registration_number}\n"
    return {"file": SimpleUploadedFile("family.csv", content.encode(), content_type="text/csv")}


def _constraint(user: User | None, call: Call) -> dict[str, Any]:
    application = ApplicationFactory(call=call)
    profile = ReviewerProfileFactory(agency=call.program.agency)
    return {"application": application.pk, "reviewer": profile.pk, "kind": "pin"}


PAYLOADS: dict[tuple[str, str], Any] = {
    ("reviews:expertise", "POST"): lambda user, obj: {
        "expertise_divisions": "26, 62",
        "keywords": "vision, 스마트공장",
        "past_employers": "",
    },
    ("reviews:conflicts", "POST"): lambda user, obj: {
        "business_registration_number": CompanyFactory().business_registration_number,
        "note": "가족 회사",
    },
    ("reviews:score-sheet", "POST"): lambda user, obj: {
        "score_technology": "7",
        "score_market": "3",
        "comment": "양호",
        "action": "save",
    },
    ("reviews:recuse", "POST"): lambda user, obj: {"reason": "대표가 지인입니다"},
    ("reviews:pool", "POST"): lambda user, obj: {"email": UserFactory(role=Role.REVIEWER).email},
    ("reviews:pool-reviewer", "POST"): lambda user, obj: {
        "expertise_divisions": "26",
        "keywords": "vision",
        "past_employers": "",
        "max_load": "5",
        "is_available": "on",
    },
    ("reviews:family-firm-import", "POST"): lambda user, obj: _family_firm_file(user),
    ("reviews:call-assignment", "POST"): lambda user, obj: {},
    ("reviews:call-constraints", "POST"): _constraint,
    ("api:review-assignment-score-sheet", "POST"): lambda user, obj: {
        "scores": {"technology": 7, "market": 3},
        "comment": "양호",
        "submit": False,
    },
}


def payload(key: tuple[str, str], user: User | None, obj: Any) -> dict[str, Any]:
    body: dict[str, Any] = PAYLOADS[key](user, obj)
    return body


def world_payloads() -> dict[tuple[str, str], Any]:
    """``WRITE_PAYLOADS`` entries ``(world, obj) -> body`` for the reviews routes."""
    return {key: (lambda world, obj, key=key: payload(key, world.user, obj)) for key in PAYLOADS}
