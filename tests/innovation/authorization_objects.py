"""Objects and request bodies of the open-innovation routes for tests/test_authorization.py.

``own challenge``: an open public challenge owned by the user (their company for a large-company
member, their agency for an official); ``other challenge``: another company's open public one.
``own invited-challenge``: another company's open invited-only challenge to which the user's
company is invited; ``other invited-challenge``: one the user is not invited to. ``own proposal``:
a proposal to the user's own challenge; ``other proposal``: to someone else's.
"""

from __future__ import annotations

from typing import Any

from foster.accounts.choices import Role
from foster.accounts.models import User
from foster.innovation.choices import ChallengeState, Confidentiality
from foster.innovation.models import Challenge, Proposal
from foster.registry.models import Company, CompanyMembership
from tests.factories import CompanyFactory


def _own_company(user: User | None) -> Company | None:
    membership = CompanyMembership.objects.filter(user=user).select_related("company").first() if user else None
    return membership.company if membership else None


def _challenge(**values: Any) -> Challenge:
    values.setdefault("state", ChallengeState.OPEN)
    return Challenge.objects.create(title="검사 자동화", problem="야간조에서 불량을 놓칩니다.", **values)


def challenge(user: User | None, variant: str) -> Challenge | None:
    if variant != "own":
        return _challenge(owner_company=CompanyFactory())
    if user is not None and user.role == Role.AGENCY_OFFICIAL:
        membership = user.agency_memberships.select_related("agency").first()
        return _challenge(owner_agency=membership.agency) if membership else None
    company = _own_company(user)
    if user is None or user.role != Role.LARGE_COMPANY_MEMBER or company is None:
        return None
    return _challenge(owner_company=company)


def invited_challenge(user: User | None, variant: str) -> Challenge | None:
    invited = _own_company(user) if variant == "own" else CompanyFactory()
    if invited is None:
        return None
    found = _challenge(owner_company=CompanyFactory(), confidentiality=Confidentiality.INVITED)
    found.invited_companies.add(invited)
    return found


def proposal(user: User | None, variant: str) -> Proposal | None:
    owned = challenge(user, variant)
    if owned is None:
        return None
    return Proposal.objects.create(
        challenge=owned, company=CompanyFactory(), approach="비지도 이상탐지", price_krw=50_000_000, duration_weeks=8
    )


OBJECT_BUILDERS = {
    "challenge": lambda world, variant: challenge(world.user, variant),
    "invited-challenge": lambda world, variant: invited_challenge(world.user, variant),
    "proposal": lambda world, variant: proposal(world.user, variant),
}

CHALLENGE_FORM = {
    "title": "야간조 불량 유출",
    "problem": "야간조에서 찍힘과 스크래치를 놓칩니다.",
    "data_available": "불량 이미지 2,000장",
    "budget_krw": "100000000",
    "starts_on": "2026-01-05",
    "ends_on": "2026-06-30",
    "region": "busan",
    "sector": "C",
    "confidentiality": "public",
}


def _proposal_form(user: User | None) -> dict[str, Any]:
    company = _own_company(user)
    return {
        "company": company.pk if company else "",
        "approach": "비지도 이상탐지로 야간 검사를 자동화합니다.",
        "price_krw": "80000000",
        "duration_weeks": "12",
    }


PAYLOADS: dict[tuple[str, str], Any] = {
    ("innovation:challenge-create", "POST"): lambda user, obj: dict(CHALLENGE_FORM),
    ("innovation:challenge-edit", "POST"): lambda user, obj: {**CHALLENGE_FORM, "title": "바뀐 제목"},
    ("innovation:challenge-state", "POST"): lambda user, obj: {"state": "closed"},
    ("innovation:proposal-create", "POST"): lambda user, obj: _proposal_form(user),
    ("innovation:proposal-decide", "POST"): lambda user, obj: {"state": "shortlisted"},
    ("innovation:profile-edit", "POST"): lambda user, obj: {
        "solution_ko": "비지도 이상탐지 기반 외관 검사 솔루션입니다.",
        "solution_en": "",
        "technology_tags": "비전 검사, anomaly detection",
        "reference_customers": "",
        "sectors": ["C"],
        "regions": ["seoul"],
    },
    ("innovation:index-rebuild", "POST"): lambda user, obj: {},
}


def world_payloads() -> dict[tuple[str, str], Any]:
    """``WRITE_PAYLOADS`` entries ``(world, obj) -> body`` for the open-innovation routes."""
    return {key: (lambda world, obj, key=key: PAYLOADS[key](world.user, obj)) for key in PAYLOADS}
