"""Services of open innovation: profiles, challenges, proposals; permissions and bad input."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from foster.accounts.choices import Role
from foster.core.models import AuditEvent
from foster.innovation.choices import ChallengeState, Confidentiality, ProposalState
from foster.innovation.models import Challenge, Proposal, StartupProfile
from foster.innovation.services import (
    ChallengeData,
    ProposalData,
    StartupProfileData,
    challenge_create,
    challenge_transition,
    profile_quality_hints,
    proposal_decide,
    proposal_submit,
    startup_profile_save,
)
from tests.factories import AgencyMembershipFactory, UserFactory
from tests.innovation.conftest import Side, side

pytestmark = pytest.mark.django_db

GOOD_PROFILE = StartupProfileData(
    solution_ko="비지도 이상탐지 기반 외관 검사: 정상 이미지만으로 학습해 스크래치와 찍힘을 찾습니다.",
    technology_tags=["비전 검사", "anomaly detection"],
    sectors=["C"],
    regions=["seoul"],
)


def challenge_data(**changes: Any) -> ChallengeData:
    values: dict[str, Any] = {
        "title": "야간조 불량 유출",
        "problem": "야간조에서 찍힘과 스크래치를 놓칩니다.",
        "budget_krw": 100_000_000,
        "starts_on": dt.date(2026, 1, 5),
        "ends_on": dt.date(2026, 6, 30),
        "region": "gyeongnam",
        "sector": "C",
    }
    values.update(changes)
    return ChallengeData(**values)


def open_challenge(owner: Side, **changes: Any) -> Challenge:
    challenge = challenge_create(user=owner.user, data=challenge_data(**changes))
    return challenge_transition(user=owner.user, challenge=challenge, to_state=ChallengeState.OPEN)


def test_profile_save_creates_then_updates_with_audit(startup: Side) -> None:
    profile = startup_profile_save(user=startup.user, company=startup.company, data=GOOD_PROFILE)
    changed = StartupProfileData(**{**GOOD_PROFILE.__dict__, "technology_tags": ["OCR"]})
    startup_profile_save(user=startup.user, company=startup.company, data=changed)

    profile.refresh_from_db()
    assert profile.technology_tags == ["OCR"]
    assert StartupProfile.objects.count() == 1
    assert list(AuditEvent.objects.order_by("pk").values_list("action", "changes")) == [
        ("innovation.profile_create", GOOD_PROFILE.validate()),
        ("innovation.profile_update", {"technology_tags": [["비전 검사", "anomaly detection"], ["OCR"]]}),
    ]


def test_only_members_edit_a_profile(startup: Side, large: Side) -> None:
    with pytest.raises(PermissionDenied):
        startup_profile_save(user=large.user, company=startup.company, data=GOOD_PROFILE)
    official = AgencyMembershipFactory().user
    with pytest.raises(PermissionDenied):
        startup_profile_save(user=official, company=startup.company, data=GOOD_PROFILE)
    assert StartupProfile.objects.count() == 0
    assert AuditEvent.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("solution_ko", "", "Describe your solution in Korean or in English."),
        ("solution_ko", "가" * 5_001, "Use at most 5000 characters."),
        ("solution_en", 42, "Enter text."),
        ("technology_tags", ["x" * 41], "Keep each tag to 40 characters."),
        ("technology_tags", [f"tag{n}" for n in range(21)], "Use at most 20 tags."),
        ("technology_tags", "not a list", "Enter the technology tags as text."),
        ("sectors", ["Z"], "Choose sectors from the KSIC sections."),
        ("regions", ["mars"], "Choose regions from the list."),
    ],
)
def test_bad_profile_field_changes_nothing(startup: Side, field: str, value: Any, message: str) -> None:
    data = StartupProfileData(**{**GOOD_PROFILE.__dict__, field: value})
    with translation.override("en"), pytest.raises(ValidationError) as error:
        startup_profile_save(user=startup.user, company=startup.company, data=data)
    assert error.value.message_dict == {field: [message]}
    assert StartupProfile.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_quality_hints(startup: Side) -> None:
    profile = StartupProfile.objects.create(company=startup.company, solution_ko="짧음")
    with translation.override("en"):
        hints = profile_quality_hints(profile)
    assert len(hints) == 3
    assert hints[1] == "No sector served: choose the KSIC sections of your customers."
    full = startup_profile_save(
        user=startup.user,
        company=startup.company,
        data=StartupProfileData(**{**GOOD_PROFILE.__dict__, "solution_ko": "가" * 80}),
    )
    assert profile_quality_hints(full) == []


@pytest.mark.parametrize("role", [Role.COMPANY_MEMBER, Role.PUBLIC, Role.REVIEWER, Role.MINISTRY_PLANNER])
def test_only_posters_create_challenges(role: str) -> None:
    user = side(role, "startup").user if role == Role.COMPANY_MEMBER else UserFactory(role=role)
    with pytest.raises(PermissionDenied):
        challenge_create(user=user, data=challenge_data())
    assert Challenge.objects.count() == 0


def test_challenge_owners(large: Side) -> None:
    by_company = challenge_create(user=large.user, data=challenge_data())
    official = AgencyMembershipFactory().user
    by_agency = challenge_create(user=official, data=challenge_data())

    assert (by_company.owner_company, by_company.owner_agency, by_company.state) == (
        large.company,
        None,
        ChallengeState.DRAFT,
    )
    assert by_agency.owner_agency == official.agency_memberships.get().agency
    assert by_agency.owner_company is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "", "Enter a title."),
        ("title", "   ", "Enter a title."),
        ("problem", "", "Describe the problem."),
        ("problem", "가" * 10_001, "Use at most 10000 characters."),
        ("budget_krw", -1, "Enter a whole number of won from 0 to 10 trillion."),
        ("budget_krw", 10**14, "Enter a whole number of won from 0 to 10 trillion."),
        ("ends_on", dt.date(2025, 1, 1), "The end date must not be before the start date."),
        ("starts_on", "tomorrow", "Enter a date."),
        ("region", "mars", "Choose a region from the list."),
        ("sector", "Z", "Choose a KSIC section."),
        ("confidentiality", "secret", "Choose public or invited startups only."),
        ("invited_company_ids", [999_999], "Choose the invited startups from the list."),
    ],
)
def test_bad_challenge_field_changes_nothing(large: Side, field: str, value: Any, message: str) -> None:
    with translation.override("en"), pytest.raises(ValidationError) as error:
        challenge_create(user=large.user, data=challenge_data(**{field: value}))
    assert error.value.message_dict == {field: [message]}
    assert Challenge.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_challenge_workflow_and_refused_transition(large: Side) -> None:
    challenge = open_challenge(large)
    with translation.override("en"), pytest.raises(ValidationError):
        challenge_transition(user=large.user, challenge=challenge, to_state=ChallengeState.DRAFT)
    closed = challenge_transition(user=large.user, challenge=challenge, to_state=ChallengeState.CLOSED)
    assert closed.state == ChallengeState.CLOSED
    assert list(AuditEvent.objects.order_by("pk").values_list("action", flat=True)) == [
        "innovation.challenge_create",
        "innovation.challenge_open",
        "innovation.challenge_close",
    ]


def test_proposal_submit_and_decide(large: Side, startup: Side) -> None:
    challenge = open_challenge(large)
    data = ProposalData(approach="비지도 이상탐지", price_krw=80_000_000, duration_weeks=12)
    proposal = proposal_submit(user=startup.user, challenge=challenge, company=startup.company, data=data)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        proposal_submit(user=startup.user, challenge=challenge, company=startup.company, data=data)
    assert error.value.messages == ["Your company has already proposed to this challenge."]
    with pytest.raises(PermissionDenied):
        proposal_decide(user=startup.user, proposal=proposal, to_state=ProposalState.SELECTED)

    proposal_decide(user=large.user, proposal=proposal, to_state=ProposalState.SHORTLISTED)
    proposal_decide(user=large.user, proposal=proposal, to_state=ProposalState.SELECTED)
    with pytest.raises(ValidationError):
        proposal_decide(user=large.user, proposal=proposal, to_state=ProposalState.REJECTED)

    proposal.refresh_from_db()
    assert proposal.state == ProposalState.SELECTED
    assert Proposal.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [("approach", ""), ("price_krw", None), ("price_krw", -5), ("duration_weeks", 0), ("duration_weeks", 261)],
)
def test_bad_proposal_field_changes_nothing(large: Side, startup: Side, field: str, value: Any) -> None:
    challenge = open_challenge(large)
    values: dict[str, Any] = {"approach": "비지도 이상탐지", "price_krw": 1, "duration_weeks": 4, field: value}
    with pytest.raises(ValidationError) as error:
        proposal_submit(user=startup.user, challenge=challenge, company=startup.company, data=ProposalData(**values))
    assert list(error.value.message_dict) == [field]
    assert Proposal.objects.count() == 0


def test_no_proposal_to_a_draft_a_closed_or_an_uninvited_challenge(large: Side, startup: Side) -> None:
    data = ProposalData(approach="비지도 이상탐지", price_krw=1, duration_weeks=4)
    draft = challenge_create(user=large.user, data=challenge_data())
    closed = challenge_transition(user=large.user, challenge=open_challenge(large), to_state=ChallengeState.CLOSED)
    invited_only = open_challenge(large, confidentiality=Confidentiality.INVITED)
    for challenge in (draft, closed, invited_only):
        with pytest.raises(ValidationError):
            proposal_submit(user=startup.user, challenge=challenge, company=startup.company, data=data)
    with pytest.raises(PermissionDenied):  # the owner's own company
        proposal_submit(user=large.user, challenge=invited_only, company=large.company, data=data)
    assert Proposal.objects.count() == 0
