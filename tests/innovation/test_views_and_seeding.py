"""Pages that write (rebuild job, profile form with bad input) and the demo seed."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from foster.accounts.choices import Role
from foster.accounts.seeding import agencies_seed
from foster.core.demo import demo_users_seed
from foster.core.models import AuditEvent, DailyRun, Job
from foster.innovation import matching
from foster.innovation.models import Challenge, PocProject, StartupProfile
from foster.innovation.seeding import CHALLENGES, PROFILES, innovation_seed
from foster.innovation.selectors import success_case_published_queryset
from foster.innovation.services import challenge_recommended_startups
from foster.innovation.tasks import matching_index_schedule
from foster.registry.seeding import companies_seed
from tests.factories import AgencyMembershipFactory
from tests.innovation.conftest import Side

pytestmark = pytest.mark.django_db


def test_an_official_rebuilds_the_index_in_the_background(django_capture_on_commit_callbacks: Any) -> None:
    official = AgencyMembershipFactory().user
    client = Client()
    client.force_login(official)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("innovation:index-rebuild"))

    job = Job.objects.get()
    assert response["Location"] == reverse("core:job-detail", kwargs={"pk": job.pk})
    assert (job.status, job.result) == ("succeeded", {"entries": {"profiles": 0, "challenges": 0}})
    assert (matching.index_directory() / "profiles" / "CURRENT").exists()


def test_the_profile_form_shows_errors_and_saves_nothing(startup: Side) -> None:
    client = Client()
    client.force_login(startup.user)
    url = reverse("innovation:profile-edit", kwargs={"pk": startup.company.pk})

    with translation.override("en"):
        response = client.post(
            url, {"solution_ko": "", "solution_en": "", "technology_tags": "x" * 41, "sectors": ["C"]}
        )

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"solution_ko", "technology_tags"}
    assert StartupProfile.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_the_demo_seed_adds_profiles_challenges_and_an_index() -> None:
    agencies_seed()
    companies_seed(count=300, seed=2026)
    demo_users_seed()

    created = innovation_seed()

    assert created == StartupProfile.objects.count() == len(PROFILES)
    assert Challenge.objects.filter(state="open").count() == len(CHALLENGES)
    # last year's history: a completed project with a published case, and a running one
    assert sorted(PocProject.objects.values_list("state", flat=True)) == ["completed", "running"]
    assert [case.project.state for case in success_case_published_queryset()] == ["completed"]
    assert innovation_seed() == 0  # idempotent
    night_shift = Challenge.objects.get(title="야간조 외관 불량 유출 줄이기")
    assert night_shift.owner_company.memberships.get().user.role == Role.LARGE_COMPANY_MEMBER
    found = challenge_recommended_startups(challenge=night_shift, top=3)
    assert found[0].item.technology_tags[0] in {"비전 검사", "computer vision"}


def test_the_nightly_rebuild_is_not_queued_where_tasks_cannot_wait() -> None:
    """The immediate backend of the tests cannot defer a task: nothing is queued (core.schedule)."""
    assert matching_index_schedule() is False
    assert DailyRun.objects.count() == 0
