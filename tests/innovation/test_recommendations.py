"""Recommendations from the matching indexes: reasons, incremental updates (one profile analysed,
no rebuild), invited-only challenges, the per-process cache, and escaped profile text on pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from foster.innovation import matching
from foster.innovation.choices import ChallengeState, Confidentiality
from foster.innovation.models import StartupProfile
from foster.innovation.services import (
    ChallengeData,
    StartupProfileData,
    challenge_create,
    challenge_data_from,
    challenge_recommended_startups,
    challenge_transition,
    challenge_update,
    profile_recommended_challenges,
    recommend_for_text,
    startup_profile_save,
)
from foster.registry.choices import SizeClass
from tests.innovation.conftest import Side, side

pytestmark = pytest.mark.django_db

VISION = "비지도 이상탐지 기반 외관 검사: 정상 이미지만으로 학습해 스크래치와 찍힘 같은 표면 불량을 찾습니다."
LOGISTICS = "Route optimisation for last-mile delivery fleets and warehouse picking."
PROBLEM = "야간조에서 육안 검사로 찍힘과 스크래치를 자주 놓칩니다."


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    def run(function: Callable[..., Any], **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return function(**kwargs)

    return run


def profile_for(member: Side, run: Callable[..., Any], text: str, **changes: Any) -> StartupProfile:
    data = StartupProfileData(solution_ko=text, sectors=["C"], **changes)
    saved: StartupProfile = run(startup_profile_save, user=member.user, company=member.company, data=data)
    return saved


def open_challenge(owner: Side, run: Callable[..., Any], **changes: Any) -> Any:
    data = ChallengeData(title="야간조 불량 유출", problem=PROBLEM, sector="C", **changes)
    challenge = challenge_create(user=owner.user, data=data)
    return run(challenge_transition, user=owner.user, challenge=challenge, to_state=ChallengeState.OPEN)


def test_challenge_recommends_the_matching_startup_with_reasons(
    large: Side, startup: Side, run_on_commit: Callable[..., Any]
) -> None:
    vision = profile_for(startup, run_on_commit, VISION)
    other = side("company_member", SizeClass.STARTUP)
    profile_for(other, run_on_commit, LOGISTICS)
    challenge = open_challenge(large, run_on_commit)

    found = challenge_recommended_startups(challenge=challenge)

    assert [item.item for item in found] == [vision]
    assert "스크래치" in found[0].terms
    assert any("scratch" in label for label in found[0].concepts)
    assert found[0].same_sector is True


def test_a_profile_edit_is_upserted_without_a_rebuild(
    large: Side, startup: Side, run_on_commit: Callable[..., Any]
) -> None:
    first = profile_for(startup, run_on_commit, VISION)
    other = side("company_member", SizeClass.STARTUP)
    second = profile_for(other, run_on_commit, LOGISTICS)
    matching.matching_index_rebuild(matching.PROFILES)
    challenge = open_challenge(large, run_on_commit)
    assert [item.item for item in challenge_recommended_startups(challenge=challenge)] == [first]

    profile_for(other, run_on_commit, "용접 비드와 프레스 부품의 스크래치, 찍힘 외관 검사를 야간에도 자동으로 합니다.")

    index = matching.matching_index(matching.PROFILES)
    assert index.delta_size == 1  # only the edited profile was analysed, into the delta segment
    assert {item.item for item in challenge_recommended_startups(challenge=challenge)} == {first, second}


def test_the_cache_reloads_a_version_stored_by_another_process(
    startup: Side, run_on_commit: Callable[..., Any]
) -> None:
    profile_for(startup, run_on_commit, VISION)
    before = matching.matching_index(matching.PROFILES)
    assert matching.matching_index(matching.PROFILES) is before  # cached

    other = side("company_member", SizeClass.STARTUP)
    StartupProfile.objects.create(company=other.company, solution_ko=VISION)  # written without the service
    matching.matching_cache_clear()  # as if another process ...
    matching.matching_index_rebuild(matching.PROFILES)  # ... stored a new version
    matching.matching_cache_clear()

    assert len(matching.matching_index(matching.PROFILES)) == 2


def test_recommend_for_text_for_a_diagnostic(startup: Side, run_on_commit: Callable[..., Any]) -> None:
    vision = profile_for(startup, run_on_commit, VISION)

    assert [item.item for item in recommend_for_text("We miss scratches on the night shift")] == [vision]
    assert recommend_for_text("") == []
    assert recommend_for_text("🙂🙂 <b>가</b>" * 1000) == []
    assert recommend_for_text(PROBLEM, sectors=["Q"]) == []


def test_startup_sees_invited_only_challenges_only_when_invited(
    large: Side, startup: Side, run_on_commit: Callable[..., Any]
) -> None:
    profile = profile_for(startup, run_on_commit, VISION)
    public = open_challenge(large, run_on_commit)
    hidden = open_challenge(large, run_on_commit, confidentiality=Confidentiality.INVITED)

    assert [item.item for item in profile_recommended_challenges(user=startup.user, profile=profile)] == [public]

    data = challenge_data_from(hidden)
    data.invited_company_ids = [startup.company.pk]
    run_on_commit(challenge_update, user=large.user, challenge=hidden, data=data)
    found = {item.item for item in profile_recommended_challenges(user=startup.user, profile=profile)}
    assert found == {public, hidden}

    run_on_commit(challenge_transition, user=large.user, challenge=public, to_state=ChallengeState.CLOSED)
    assert [item.item for item in profile_recommended_challenges(user=startup.user, profile=profile)] == [hidden]


def test_profile_html_is_shown_escaped(large: Side, startup: Side, run_on_commit: Callable[..., Any]) -> None:
    profile_for(startup, run_on_commit, VISION + ' <script>alert("x")</script><b>굵게</b>')
    challenge = open_challenge(large, run_on_commit)
    client = Client()
    client.force_login(large.user)

    page = client.get(reverse("innovation:challenge-detail", kwargs={"pk": challenge.pk})).content.decode()

    assert 'id="recommended-startups"' in page
    assert "&lt;script&gt;" in page
    assert "<script>alert" not in page
    assert "<b>굵게" not in page


def test_startup_dashboard_shows_recommended_challenges(
    large: Side, startup: Side, run_on_commit: Callable[..., Any]
) -> None:
    profile_for(startup, run_on_commit, VISION)
    challenge = open_challenge(large, run_on_commit)
    client = Client()
    client.force_login(startup.user)

    page = client.get(reverse("innovation:dashboard")).content.decode()

    assert f'id="recommended-challenges-{startup.company.pk}"' in page
    assert reverse("innovation:challenge-detail", kwargs={"pk": challenge.pk}) in page


def test_api_gives_the_owner_recommendations_with_reasons(
    large: Side, startup: Side, run_on_commit: Callable[..., Any]
) -> None:
    profile_for(startup, run_on_commit, VISION)
    challenge = open_challenge(large, run_on_commit)
    client = Client()
    client.force_login(large.user)

    found = client.get(reverse("api:innovation-challenge-recommendations", kwargs={"pk": challenge.pk})).json()

    assert [item["company"] for item in found] == [startup.company.pk]
    assert "스크래치" in found[0]["terms"]
    assert found[0]["same_sector"] is True
