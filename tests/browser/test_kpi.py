"""The plan dashboard in a real browser (issue 8).

The ministry planner logs in, opens the plan dashboard from the navigation (in Korean, the default),
sees every figure of the plan with its source and as-of time and the AI utilization chart drawn by
Plotly from the installed package, follows the liquidity share to the records behind it and on to
one of its transfers, comes back and downloads the XLSX export, which holds the same figures.
Screenshots go to ``artifacts/screenshots/kpi-*.png``; each page is checked by axe-core.
"""

from __future__ import annotations

import io
import re
from typing import Any

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from foster.accounts.choices import Role
from foster.finance.choices import Instrument
from foster.finance.services import agreement_approve, budget_fund
from foster.kpi.seeding import kpi_seed
from foster.programs.choices import ProgramType
from foster.registry.seeding import companies_seed
from tests.browser.support import check_page, click_and_load, log_in_here
from tests.factories import (
    PASSWORD,
    AgencyFactory,
    AgencyMembershipFactory,
    CompanyFactory,
    ProgramFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PLANNER_EMAIL = "kpi-planner@mss.example.kr"


def korean(text: str) -> str:
    with translation.override("ko"):
        return str(translation.gettext(text))


@pytest.fixture
def plan() -> dict[str, Any]:
    companies_seed(count=1_500, seed=3)
    kpi_seed(seed=5)
    agency = AgencyFactory(code="kosme")
    official = AgencyMembershipFactory(agency=agency).user
    planner = UserFactory(email=PLANNER_EMAIL, role=Role.MINISTRY_PLANNER)
    AgencyMembershipFactory(user=planner, agency=AgencyFactory(code="mss"))
    ai_loans = ProgramFactory(agency=agency, program_type=ProgramType.LOAN, policy_tags=["ai"])
    other_loans = ProgramFactory(agency=agency, program_type=ProgramType.LOAN, policy_tags=[])
    approvals = []
    for program, amount in ((ai_loans, 3_000_000_000), (ai_loans, 1_500_000_000), (other_loans, 1_500_000_000)):
        budget_fund(user=official, key=f"fund-{program.pk}-{amount}", program=program, amount_krw=10**11)
        approvals.append(
            agreement_approve(
                user=official,
                key=f"approve-{program.pk}-{amount}",
                program=program,
                company=CompanyFactory(),
                instrument=Instrument.LOAN,
                amount_krw=amount,
            ).transfer
        )
    return {"approvals": approvals}


def test_the_planner_follows_the_liquidity_share_to_its_transfers_and_downloads_the_xlsx(
    new_page: Any, plan: dict[str, Any]
) -> None:
    page = new_page()
    page.goto("/")
    click_and_load(page, page.locator(f'header a[href^="{reverse("accounts:login")}"]').first)
    log_in_here(page, PLANNER_EMAIL, PASSWORD)
    page.wait_for_url(re.compile(r"/$"))

    click_and_load(page, page.locator("header").get_by_role("link", name=korean("Plan KPIs")))
    assert page.locator("html").get_attribute("lang") == "ko"
    assert page.locator("h1").inner_text() == korean("Is the plan on track?")
    page.locator('[data-chart="utilization-chart-data"][data-chart-drawn="true"] .main-svg').first.wait_for()
    page.locator('[data-chart="progress-chart-data"][data-chart-drawn="true"] .main-svg').first.wait_for()
    cards = page.locator("article.kpi-figure")
    assert cards.count() == 9  # the plan's eight, and the SMEs' AI readiness (foster.learning)
    liquidity = page.locator("#figure-liquidity_share")
    assert "75.0%" in liquidity.locator(".kpi-value").inner_text()
    assert korean("On track") in liquidity.inner_text()
    education = page.locator("#figure-education_participants")
    assert korean("Not tracked yet") not in education.inner_text()  # counted by foster.learning
    assert education.get_by_role("link", name=korean("Records behind this figure")).count() == 1
    check_page(page, "kpi-dashboard")

    click_and_load(page, liquidity.get_by_role("link", name=korean("Records behind this figure")))
    assert page.locator("h1").inner_text() == korean("New liquidity to innovative growth areas")
    transfer_links = page.locator("main table tbody th a")
    assert transfer_links.count() == 2
    expected = {f"#{transfer.pk}" for transfer in plan["approvals"][:2]}
    assert {transfer_links.nth(i).inner_text() for i in range(2)} == expected
    check_page(page, "kpi-liquidity-records")

    click_and_load(page, transfer_links.first)
    assert re.search(r"/finance/transfers/\d+/$", page.url)
    check_page(page, "kpi-liquidity-transfer")

    page.go_back(wait_until="domcontentloaded")
    click_and_load(page, page.locator("main nav[aria-label=breadcrumb]").get_by_role("link", name=korean("Plan KPIs")))
    with page.expect_download() as download_info:
        page.get_by_role("button", name=korean("Download XLSX")).click()
    download = download_info.value
    assert download.suggested_filename.startswith("foster-plan-kpis-") and download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as handle:
        workbook = openpyxl.load_workbook(io.BytesIO(handle.read()))
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert rows[0][0] == korean("Figure")
    titles = [row[0] for row in rows[1:]]
    assert korean("New liquidity to innovative growth areas") in titles
    liquidity_row = rows[1 + titles.index(korean("New liquidity to innovative growth areas"))]
    assert liquidity_row[1] == pytest.approx(0.75)
    assert liquidity_row[3] == pytest.approx(0.6)
    assert liquidity_row[8].endswith("/kpi/records/?figure=liquidity_share")
    assert [row[0] for row in workbook.worksheets[1].iter_rows(values_only=True)][1:] == [2024, 2025, 2026]


def test_the_public_statistics_page_shows_the_published_figures(new_page: Any, plan: dict[str, Any]) -> None:
    page = new_page()
    page.goto(reverse("portal:statistics"))
    assert page.locator("h1").inner_text() == korean("Statistics of the AI startup plan")
    page.locator('[data-chart="utilization-chart-data"][data-chart-drawn="true"] .main-svg').first.wait_for()
    assert page.locator("article.kpi-figure").count() == 9  # education and AI readiness are public too
    assert page.locator(f'a[href^="{reverse("kpi:figure-records")}"]').count() == 0
    check_page(page, "kpi-public-statistics")
