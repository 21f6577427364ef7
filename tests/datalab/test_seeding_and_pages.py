"""The demo data of the LAB, and its pages as the SME and the startup see them: the profile, the report in
words and charts, the sharing and the download log."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from foster.accounts.choices import Role
from foster.datalab.choices import DatasetState, RunState
from foster.datalab.models import Dataset, SharingAgreement, SynthesisRun
from foster.datalab.seeding import DEMO_ROWS, SME_EMAIL, STARTUP_EMAIL, datalab_seed
from foster.registry.choices import SizeClass
from tests.factories import CompanyFactory, CompanyMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _client(user: object, language: str) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def test_the_demo_seed_shows_a_finished_report_shared_with_the_startup(media_root: object) -> None:
    sme_user = UserFactory(email=SME_EMAIL, role=Role.COMPANY_MEMBER, preferred_language="en")
    startup_user = UserFactory(email=STARTUP_EMAIL, role=Role.COMPANY_MEMBER, full_name="정창업")
    CompanyMembershipFactory(user=sme_user, company=CompanyFactory(size_class=SizeClass.SMALL))
    CompanyMembershipFactory(user=startup_user, company=CompanyFactory(size_class=SizeClass.STARTUP))

    dataset = datalab_seed(seed=7)
    assert dataset is not None and datalab_seed(seed=7) is None  # once
    dataset.refresh_from_db()
    run = SynthesisRun.objects.get()
    assert (dataset.state, dataset.row_count, dataset.encoding) == (DatasetState.READY, DEMO_ROWS, "cp949")
    assert (run.state, run.release_allowed, run.seed) == (RunState.SUCCEEDED, True, 7)
    agreement = SharingAgreement.objects.get()
    assert agreement.recipient_company.memberships.get().user == startup_user

    owner_page = _client(sme_user, "en").get(reverse("datalab:run-detail", args=[run.pk])).content.decode()
    for text in (
        "Privacy check passed",
        "How faithful",
        "How useful",
        "How private",
        'id="shape-chart"',
        "Share with a startup",
    ):
        assert text in owner_page
    korean = _client(startup_user, "ko").get(reverse("datalab:run-detail", args=[run.pk]))
    assert korean.status_code == 200
    assert "합성 데이터 내려받기 (CSV)" in korean.content.decode()
    dashboard = _client(startup_user, "ko").get(reverse("datalab:dashboard")).content.decode()
    assert dataset.title in dashboard and "시행 중" in dashboard
    profile = _client(sme_user, "en").get(reverse("datalab:dataset-detail", args=[dataset.pk])).content.decode()
    assert "“연락처” looks like Phone number" in profile and "Start the synthesis" in profile
    assert Dataset.objects.get().columns[-1]["handling"] == "drop"
