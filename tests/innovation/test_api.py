"""The open-innovation API's writes: the same services as the pages, refusals change nothing."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from foster.core.models import AuditEvent
from foster.innovation.choices import ChallengeState, ProposalState
from foster.innovation.models import Challenge, PocProject, Proposal, ProposalEvaluation, StartupProfile
from tests.innovation.conftest import Side

pytestmark = pytest.mark.django_db

CHALLENGE = {
    "title": "야간조 불량 유출",
    "problem": "야간조에서 찍힘과 스크래치를 놓칩니다.",
    "budget_krw": 100_000_000,
    "sector": "C",
    "region": "gyeongnam",
    "confidentiality": "public",
}


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_post_open_propose_evaluate_and_select_through_the_api(large: Side, startup: Side) -> None:
    owner, proposer = api(large.user), api(startup.user)
    created = owner.post("/api/v1/innovation/challenges/", CHALLENGE, format="json")
    assert created.status_code == 201, created.content
    challenge_id = created.json()["id"]
    assert created.json()["state"] == ChallengeState.DRAFT

    opened = owner.post(f"/api/v1/innovation/challenges/{challenge_id}/transition/", {"state": "open"}, format="json")
    assert opened.json()["state"] == ChallengeState.OPEN

    proposal = proposer.post(
        f"/api/v1/innovation/challenges/{challenge_id}/propose/",
        {"company": startup.company.pk, "approach": "비지도 이상탐지", "price_krw": 60_000_000, "duration_weeks": 10},
        format="json",
    )
    assert proposal.status_code == 201, proposal.content
    proposal_id = proposal.json()["id"]
    assert "invited_companies" not in proposer.get(f"/api/v1/innovation/challenges/{challenge_id}/").json()

    evaluated = owner.post(
        f"/api/v1/innovation/proposals/{proposal_id}/evaluate/",
        {"scores": {"fit": 5, "feasibility": 4, "track_record": 4, "value": 3}},
        format="json",
    )
    assert evaluated.json() == {"scores": {"fit": 5, "feasibility": 4, "track_record": 4, "value": 3}, "comment": ""}
    decided = owner.post(f"/api/v1/innovation/proposals/{proposal_id}/decide/", {"state": "selected"}, format="json")
    assert decided.json()["state"] == ProposalState.SELECTED

    projects = proposer.get("/api/v1/innovation/projects/").json()["results"]
    assert [(item["proposal"], item["state"], item["budget_krw"]) for item in projects] == [
        (proposal_id, "planned", 60_000_000)
    ]


def test_bad_api_input_is_refused_with_the_services_messages_and_changes_nothing(large: Side, startup: Side) -> None:
    owner = api(large.user)
    refused = owner.post(
        "/api/v1/innovation/challenges/",
        {**CHALLENGE, "title": "", "starts_on": "2026-06-01", "ends_on": "2026-01-01", "sector": "ZZ"},
        format="json",
    )
    assert refused.status_code == 400
    assert {"title", "sector"} <= set(refused.json())
    assert Challenge.objects.count() == 0

    challenge_id = owner.post("/api/v1/innovation/challenges/", CHALLENGE, format="json").json()["id"]
    owner.post(f"/api/v1/innovation/challenges/{challenge_id}/transition/", {"state": "open"}, format="json")
    proposal = Proposal.objects.create(
        challenge_id=challenge_id, company=startup.company, approach="x", price_krw=1, duration_weeks=1
    )
    events = AuditEvent.objects.count()
    bad_scores = owner.post(
        f"/api/v1/innovation/proposals/{proposal.pk}/evaluate/", {"scores": {"fit": 9}}, format="json"
    )
    assert bad_scores.status_code == 400
    assert {"fit", "feasibility", "track_record", "value"} <= set(bad_scores.json())
    bad_state = owner.post(f"/api/v1/innovation/proposals/{proposal.pk}/decide/", {"state": "won"}, format="json")
    assert bad_state.status_code == 400
    assert (ProposalEvaluation.objects.count(), PocProject.objects.count(), AuditEvent.objects.count()) == (
        0,
        0,
        events,
    )


def test_members_patch_their_own_profile_only(startup: Side, large: Side) -> None:
    StartupProfile.objects.create(company=startup.company, solution_ko="외관 검사", sectors=["C"])
    patched = api(startup.user).patch(
        f"/api/v1/innovation/profiles/{startup.company.pk}/", {"technology_tags": ["OCR", "비전"]}, format="json"
    )
    assert patched.status_code == 200
    assert patched.json()["technology_tags"] == ["OCR", "비전"]
    refused = api(large.user).patch(
        f"/api/v1/innovation/profiles/{startup.company.pk}/", {"technology_tags": []}, format="json"
    )
    assert refused.status_code == 404
    assert StartupProfile.objects.get().technology_tags == ["OCR", "비전"]
