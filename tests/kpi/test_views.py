"""The plan dashboard over HTTP: every figure with source, as-of time and records; the liquidity
share's records are its transfers; the exports; the public statistics page; the survey pages."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from foster.accounts.choices import Role
from foster.accounts.models import Agency
from foster.finance.choices import Instrument
from foster.finance.services import agreement_approve, budget_fund
from foster.kpi.figures import NotTrackedProvider, figure_providers, register_figure_provider
from foster.kpi.models import Survey
from foster.programs.choices import ProgramType
from tests.factories import AgencyMembershipFactory, CompanyFactory, ProgramFactory

pytestmark = pytest.mark.django_db

PLAN_FIGURES = [
    "ai_utilization",
    "unicorns",
    "designated_manufacturing_ai",
    "liquidity_share",
    "rnd_share",
    "ai_fund",
    "education_participants",
    "open_innovation_projects",
    "ai_readiness",  # added by foster.learning, which also replaces education_participants' placeholder
]


@pytest.fixture
def loan_approval(agency: Agency) -> Any:
    official = AgencyMembershipFactory(agency=agency).user
    program = ProgramFactory(agency=agency, program_type=ProgramType.LOAN, policy_tags=["ai"])
    other = ProgramFactory(agency=agency, program_type=ProgramType.LOAN, policy_tags=[])
    for item in (program, other):
        budget_fund(user=official, key=f"fund-{item.pk}", program=item, amount_krw=10**11)
    approvals = [
        agreement_approve(
            user=official,
            key=f"approve-{item.pk}",
            program=item,
            company=CompanyFactory(),
            instrument=Instrument.LOAN,
            amount_krw=amount,
        ).transfer
        for item, amount in ((program, 3_000_000_000), (other, 1_000_000_000))
    ]
    return approvals


def test_the_dashboard_shows_every_figure_of_the_plan(headline: Survey, client_for: Callable[[str], Client]) -> None:
    assert [provider.key for provider in figure_providers()] == PLAN_FIGURES
    response = client_for(Role.MINISTRY_PLANNER).get(reverse("kpi:dashboard"))
    assert response.status_code == 200
    figures = response.context["figures"]
    assert [figure.key for figure in figures] == PLAN_FIGURES
    html = response.content.decode()
    assert '<script id="utilization-chart-data" type="application/json">' in html
    assert "vendor/plotly/plotly.min.js" in html and "<script>" not in html
    education = next(figure for figure in figures if figure.key == "education_participants")
    assert (education.status, education.value, education.is_tracked) == (None, 0, True)  # foster.learning's
    assert all(figure.source for figure in figures)


def test_liquidity_share_links_to_its_transfers(
    headline: Survey, loan_approval: Any, client_for: Callable[[str], Client]
) -> None:
    client = client_for(Role.MINISTRY_PLANNER)
    dashboard = client.get(reverse("kpi:dashboard"))
    liquidity = next(figure for figure in dashboard.context["figures"] if figure.key == "liquidity_share")
    assert liquidity.value == pytest.approx(0.75)
    assert liquidity.records_url == reverse("kpi:figure-records") + "?figure=liquidity_share"
    records = client.get(liquidity.records_url)
    tagged = loan_approval[0]
    assert [row.url for row in records.context["table"].rows] == [reverse("finance:transfer-detail", args=[tagged.pk])]
    assert client.get(records.context["table"].rows[0].url).status_code == 200


def test_unknown_figure_is_not_found(client_for: Callable[[str], Client]) -> None:
    response = client_for(Role.MINISTRY_PLANNER).get(reverse("kpi:figure-records") + "?figure=nothing")
    assert response.status_code == 404


def test_xlsx_and_csv_exports(headline: Survey, loan_approval: Any, client_for: Callable[[str], Client]) -> None:
    client = client_for(Role.AGENCY_OFFICIAL)
    response = client.get(reverse("kpi:export") + "?format=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + len(PLAN_FIGURES)
    liquidity = next(row for row in rows if row[1] == pytest.approx(0.75))
    assert liquidity[3] == pytest.approx(0.6)
    assert liquidity[8].endswith("/kpi/records/?figure=liquidity_share")
    waves = list(workbook.worksheets[1].iter_rows(values_only=True))
    assert [row[0] for row in waves[1:]] == [2024, 2025, 2026]
    csv_response = client.get(reverse("kpi:export") + "?format=csv")
    text = csv_response.content.decode("utf-8-sig")
    assert len(text.strip().splitlines()) == 1 + len(PLAN_FIGURES)
    assert client.get(reverse("kpi:export") + "?format=pdf").status_code == 404


def test_public_statistics_show_published_figures_without_record_links(headline: Survey) -> None:
    response = Client().get(reverse("portal:statistics"))
    assert response.status_code == 200
    keys = [figure.key for figure in response.context["figures"]]
    assert {"ai_utilization", "education_participants", "ai_readiness"} <= set(keys)
    assert reverse("kpi:figure-records") not in response.content.decode()


def test_a_later_issue_replaces_a_provider_by_key(headline: Survey) -> None:
    original = next(provider for provider in figure_providers() if provider.key == "education_participants")
    replacement = NotTrackedProvider("education_participants", "Education", "target", "owner")
    try:
        register_figure_provider(replacement)
        keys = [provider.key for provider in figure_providers()]
        assert keys == PLAN_FIGURES
        assert figure_providers()[PLAN_FIGURES.index("education_participants")] is replacement
    finally:
        register_figure_provider(original)


def test_survey_and_wave_pages(headline: Survey, client_for: Callable[[str], Client]) -> None:
    client = client_for(Role.AGENCY_OFFICIAL)
    detail = client.get(reverse("kpi:survey-detail", args=[headline.pk]))
    assert detail.status_code == 200
    assert (
        sum(stratum["sampled"] for stratum in detail.context["strata"]) == headline.waves.get(year=2026).response_count
    )
    wave = headline.waves.get(year=2024)
    page = client.get(reverse("kpi:wave-detail", args=[wave.pk]))
    assert page.context["logit"]["estimate"] == pytest.approx(wave.estimate)
    assert len(page.context["domain_tables"]) == 3


def test_the_import_page_lists_every_problem(headline: Survey, client_for: Callable[[str], Client]) -> None:
    client = client_for(Role.MINISTRY_PLANNER)
    upload = io.BytesIO("AI활용여부,층,가중치\n1,A,0\n0,A,1\n1,B,-2\n0,B,1\n".encode())
    upload.name = "bad.csv"
    response = client.post(reverse("kpi:wave-import", args=[headline.pk]), {"year": 2027, "file": upload})
    assert response.status_code == 200
    assert [error.row for error in response.context["errors"]] == [2, 4]
    assert not headline.waves.filter(year=2027).exists()
