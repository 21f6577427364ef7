"""The demo data of education, consulting, diagnostics and cohorts: seeded once, consistent."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Count, F

from foster.accounts.seeding import agencies_seed
from foster.cohorts.models import Cohort, FollowOnInvestment, ProgramPartnership
from foster.cohorts.seeding import cohorts_seed
from foster.cohorts.selectors import success_story_published_queryset
from foster.core.demo import demo_users_seed
from foster.finance.reconcile import ledger_reconcile
from foster.finance.selectors import ai_fund_monitor
from foster.innovation.seeding import innovation_seed
from foster.learning.choices import ConsultingStatus, EnrolmentStatus
from foster.learning.models import ConsultingRequest, CourseSession, Diagnostic, Enrolment
from foster.learning.seeding import COURSES, learning_seed
from foster.learning.selectors import diagnostic_levels_by_segment, education_participants_by_year
from foster.programs.seeding import programs_seed
from foster.registry.models import CompanyMembership
from foster.registry.seeding import companies_seed

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_learning_and_cohorts_once() -> None:
    agencies_seed()
    companies_seed(count=600, seed=2026)
    demo_users_seed()
    programs_seed()
    innovation_seed()

    sessions = learning_seed(seed=2026)
    cohorts = cohorts_seed(seed=2026)

    assert sessions == CourseSession.objects.count() > len(COURSES) * 10
    assert CourseSession.objects.filter(starts_at__year=2027).count() >= len(COURSES) * 6  # through 2027
    assert CourseSession.objects.filter(seated_count__gt=F("capacity")).count() == 0
    seated = dict(
        Enrolment.objects.filter(status__in=[EnrolmentStatus.SEATED, EnrolmentStatus.COMPLETED, EnrolmentStatus.ABSENT])
        .values("session_id")
        .annotate(n=Count("id"))
        .values_list("session_id", "n")
    )
    assert all(CourseSession.objects.get(pk=pk).seated_count == n for pk, n in list(seated.items())[:30])
    assert sum(education_participants_by_year().values()) == Enrolment.objects.filter(status="completed").count() > 100
    assert Diagnostic.objects.values("company").distinct().count() >= 300
    assert len(diagnostic_levels_by_segment()) >= 5
    owner = CompanyMembership.objects.get(user__email="owner@sme.demo.foster.kr").company
    assert owner.ksic_section == "C" and owner.diagnostics.count() == 1
    assert set(ConsultingRequest.objects.values_list("status", flat=True)) == {
        ConsultingStatus.REQUESTED,
        ConsultingStatus.ASSIGNED,
        ConsultingStatus.CLOSED,
    }

    assert cohorts == Cohort.objects.count() == 2
    accelerator = Cohort.objects.get(call__program__code="kised-ai-accelerator")
    assert accelerator.startups.count() == 5 and accelerator.mentors.count() == 4
    assert accelerator.demo_day_on == accelerator.starts_on + dt.timedelta(days=148)
    assert FollowOnInvestment.objects.count() == 2
    assert ai_fund_monitor().by_source == {"government": 1_200_000_000_000, "private": 800_000_000_000}
    assert ProgramPartnership.objects.filter(partner__name_en__contains="MIT", role="joint_research").exists()
    assert Cohort.objects.get(call__program__code="nipa-overseas-joint-research").partner.country == "US"
    assert success_story_published_queryset().count() == 3
    assert ledger_reconcile() == []

    assert learning_seed(seed=2026) == 0 and cohorts_seed(seed=2026) == 0  # idempotent
