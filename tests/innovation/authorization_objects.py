"""Objects and request bodies of the open-innovation routes for tests/test_authorization.py.

``own challenge``: an open public challenge owned by the user (their company for a large-company
member, their agency for an official); ``other challenge``: another company's open public one.
``own invited-challenge``: another company's open invited-only challenge to which the user's
company is invited; ``other invited-challenge``: one the user is not invited to. ``own proposal``:
a proposal to the user's own challenge; ``other proposal``: to someone else's.

Proof-of-concept projects: ``own project`` is a planned project the user takes part in, on the
owner's side for a large-company member or an official (a project of their own challenge), on the
startup's side for a company member (their company carries it out); ``other project`` is between
two other companies. ``running-milestone``, ``submitted-milestone`` (with a PDF), ``completed-project``
(goal achieved, with a success case awaiting consent) follow the same sides. ``any published-case``
and ``any unpublished-case`` are success cases on the portal.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from foster.accounts.choices import Role
from foster.accounts.models import User
from foster.innovation.choices import (
    ChallengeState,
    Confidentiality,
    MilestoneState,
    PocOutcome,
    PocState,
    ProposalState,
)
from foster.innovation.models import Challenge, PocMilestone, PocProject, Proposal, StartupProfile, SuccessCase
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


def project(user: User | None, variant: str, *, state: str = PocState.PLANNED, **values: Any) -> PocProject | None:
    """A project the user takes part in (``own``; on the owner's or the startup's side by role) or not."""
    startup: Company | None = CompanyFactory()
    if variant == "own" and user is not None and user.role == Role.COMPANY_MEMBER:
        startup = _own_company(user)
        owned: Challenge | None = _challenge(owner_company=CompanyFactory())
    else:
        owned = challenge(user, variant)
    if owned is None or startup is None:
        return None
    selected = Proposal.objects.create(
        challenge=owned,
        company=startup,
        approach="비지도 이상탐지",
        price_krw=50_000_000,
        duration_weeks=8,
        state=ProposalState.SELECTED,
    )
    return PocProject.objects.create(
        proposal=selected, challenge=owned, company=startup, budget_krw=50_000_000, state=state, **values
    )


def made_proposal(user: User | None, variant: str) -> Proposal | None:
    """``own``: a proposal made by the user's company to another company's challenge."""
    company = _own_company(user) if variant == "own" else CompanyFactory()
    if company is None:
        return None
    return Proposal.objects.create(
        challenge=_challenge(owner_company=CompanyFactory()),
        company=company,
        approach="비지도 이상탐지",
        price_krw=50_000_000,
        duration_weeks=8,
    )


def profile(user: User | None, variant: str) -> SimpleNamespace | None:
    """A startup profile of the user's company (``own``) or another's; the API names it by company id."""
    company = _own_company(user) if variant == "own" else CompanyFactory()
    if company is None:
        return None
    StartupProfile.objects.create(company=company, solution_ko="외관 검사", sectors=["C"])
    return SimpleNamespace(pk=company.pk)


def milestone(user: User | None, variant: str, *, state: str = MilestoneState.PLANNED) -> PocMilestone | None:
    found = project(user, variant, state=PocState.RUNNING)
    if found is None:
        return None
    made = PocMilestone.objects.create(
        project=found, title="야간 영상 검증", deliverable="검증 보고서", due_on=dt.date(2026, 2, 20), state=state
    )
    if state == MilestoneState.SUBMITTED:
        made.submission_note = "결과"
        made.file_name, made.file_content_type = "결과.pdf", "application/pdf"
        made.file.save("결과.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
    return made


def completed_project(user: User | None, variant: str) -> PocProject | None:
    found = project(
        user, variant, state=PocState.COMPLETED, outcome=PocOutcome.ACHIEVED, outcome_summary="야간 유출 0건"
    )
    if found is not None:
        SuccessCase.objects.create(project=found, title_ko="야간 유출 0건", summary_ko="이상탐지로 자동화")
    return found


def success_case(variant: str) -> SuccessCase:
    found = completed_project(None, "other")
    assert found is not None
    case = found.success_case
    if variant == "published":
        case.published_at = case.owner_consent_at = case.startup_consent_at = timezone.now()
        case.save()
    return case


OBJECT_BUILDERS = {
    "challenge": lambda world, variant: challenge(world.user, variant),
    "invited-challenge": lambda world, variant: invited_challenge(world.user, variant),
    "proposal": lambda world, variant: proposal(world.user, variant),
    "project": lambda world, variant: project(world.user, variant),
    "made-proposal": lambda world, variant: made_proposal(world.user, variant),
    "profile": lambda world, variant: profile(world.user, variant),
    "running-project": lambda world, variant: project(world.user, variant, state=PocState.RUNNING),
    "running-milestone": lambda world, variant: milestone(world.user, variant),
    "submitted-milestone": lambda world, variant: milestone(world.user, variant, state=MilestoneState.SUBMITTED),
    "completed-project": lambda world, variant: completed_project(world.user, variant),
    "published-case": lambda world, variant: success_case("published"),
    "unpublished-case": lambda world, variant: success_case("unpublished"),
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
    ("innovation:challenge-invite", "POST"): lambda user, obj: {"company": CompanyFactory().pk},
    ("innovation:selection-apply", "POST"): lambda user, obj: {"proposal": []},
    ("innovation:proposal-evaluate", "POST"): lambda user, obj: {
        "fit": "4",
        "feasibility": "4",
        "track_record": "3",
        "value": "5",
        "comment": "",
    },
    ("innovation:project-start", "POST"): lambda user, obj: {},
    ("innovation:project-complete", "POST"): lambda user, obj: {"outcome": "achieved", "outcome_summary": "성공"},
    ("innovation:project-stop", "POST"): lambda user, obj: {"reason": "예산 삭감"},
    ("innovation:milestone-add", "POST"): lambda user, obj: {
        "title": "중간 보고",
        "deliverable": "보고서",
        "due_on": "2026-02-01",
    },
    ("innovation:milestone-submit", "POST"): lambda user, obj: {"note": "결과 보고서"},
    ("innovation:milestone-decide", "POST"): lambda user, obj: {"decision": "accept", "feedback": ""},
    ("innovation:milestone-delete", "POST"): lambda user, obj: {},
    ("innovation:milestone-update", "POST"): lambda user, obj: {
        "title": "야간 영상 2,000장 검증",
        "deliverable": "검증 보고서",
        "due_on": (timezone.localdate() + dt.timedelta(days=20)).isoformat(),
    },
    ("innovation:success-case-edit", "POST"): lambda user, obj: {
        "title_ko": "야간 유출 0건",
        "summary_ko": "비지도 이상탐지로 야간 검사를 자동화했습니다.",
        "title_en": "",
        "summary_en": "",
    },
    ("innovation:success-case-consent", "POST"): lambda user, obj: {"consent": "yes"},
    ("api:innovation-challenge-list", "POST"): lambda user, obj: {
        **{key: value for key, value in CHALLENGE_FORM.items() if key != "budget_krw"},
        "budget_krw": 100_000_000,
    },
    ("api:innovation-challenge-detail", "PATCH"): lambda user, obj: {"title": "바뀐 제목"},
    ("api:innovation-challenge-transition", "POST"): lambda user, obj: {"state": "closed"},
    ("api:innovation-challenge-propose", "POST"): lambda user, obj: {
        **_proposal_form(user),
        "price_krw": 80_000_000,
        "duration_weeks": 12,
    },
    ("api:innovation-proposal-decide", "POST"): lambda user, obj: {"state": "shortlisted"},
    ("api:innovation-proposal-evaluate", "POST"): lambda user, obj: {
        "scores": {"fit": 4, "feasibility": 4, "track_record": 3, "value": 5},
        "comment": "",
    },
    ("api:innovation-profile-detail", "PATCH"): lambda user, obj: {"technology_tags": ["OCR"]},
}


def world_payloads() -> dict[tuple[str, str], Any]:
    """``WRITE_PAYLOADS`` entries ``(world, obj) -> body`` for the open-innovation routes."""
    return {key: (lambda world, obj, key=key: PAYLOADS[key](world.user, obj)) for key in PAYLOADS}
