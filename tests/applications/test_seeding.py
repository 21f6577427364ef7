"""The demo applications: plausible states, real screening, a history that ends in the status."""

from __future__ import annotations

import pytest

from foster.accounts.seeding import agencies_seed
from foster.applications.choices import ApplicationStatus
from foster.applications.models import Application
from foster.applications.seeding import applications_seed
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
