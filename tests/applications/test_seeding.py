"""The demo applications: plausible states, real screening, a history that ends in the status."""

from __future__ import annotations

import pytest
from django.utils import timezone

from foster.accounts.seeding import agencies_seed
from foster.applications.choices import ApplicationStatus
from foster.applications.models import Application
from foster.applications.seeding import applications_seed
from foster.applications.services import DESIGNATED_STATUSES
from foster.programs.seeding import programs_seed
from tests.factories import CompanyFactory, CompanyMembershipFactory

pytestmark = pytest.mark.django_db


def test_seeded_applications_are_consistent() -> None:
    agencies_seed()
    for _ in range(12):
        CompanyMembershipFactory(company=CompanyFactory(size_class="startup"))
    programs_seed()

    created = applications_seed(seed=7, per_call=6)

    applications = list(Application.objects.prefetch_related("status_changes"))
    assert created == len(applications) > 0
    assert applications_seed(seed=7, per_call=6) == 0  # seeding twice adds nothing
    statuses = {application.status for application in applications}
    assert statuses <= set(ApplicationStatus.values)
    assert {
        ApplicationStatus.ELIGIBLE,
        ApplicationStatus.INELIGIBLE,
    } & statuses or ApplicationStatus.REJECTED in statuses
    for application in applications:
        history = list(application.status_changes.all())
        if application.status == ApplicationStatus.DRAFT:
            assert history == []
            continue
        assert history[-1].to_status == application.status
        assert history[0].transition == "submit"
        assert application.is_eligible is (history[1].transition == "screen_eligible")
        assert len(application.eligibility) > 0


def test_a_company_designated_in_a_closed_round_is_screened_ineligible_in_the_open_round() -> None:
    agencies_seed()
    for _ in range(15):
        CompanyMembershipFactory(company=CompanyFactory(size_class="startup"))
    programs_seed()

    applications_seed(seed=7, per_call=10)

    designation = Application.objects.filter(call__program__code="manufacturing-ai-designation")
    closed, open_round = (
        designation.filter(call__closes_at__lt=timezone.now()),
        designation.exclude(call__closes_at__lt=timezone.now()),
    )
    designated = set(closed.filter(status__in=DESIGNATED_STATUSES).values_list("company_id", flat=True))
    screened = list(open_round.exclude(status=ApplicationStatus.DRAFT))
    again = [application for application in screened if application.company_id in designated]
    assert again, "the demo should show a designated company applying again"
    for application in screened:
        codes = {item["code"] for item in application.eligibility}
        if application.company_id in designated:
            assert application.is_eligible is False
            assert application.status == ApplicationStatus.INELIGIBLE
            assert "already_designated" in codes
        else:
            assert "already_designated" not in codes
