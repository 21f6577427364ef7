"""Selection scenarios in a real browser (issue 7).

An agency official logs in through the log-in page, opens a call whose applications are reviewed
and scored, and from the call's management page builds a scenario with the plan's constraints:
the budget and, the program being tagged AI, a 60% share of the money to AI. They add a regional
minimum, record a committee override (after the empty reason is refused, field by field, and
nothing is stored), run it as a background job and read the result: each application selected or
not with its explanation, the budget sweep chart, the binding constraints. A second scenario with
the plan's defaults is run and both are compared. A ministry planner reads the result without a
commit button. The official commits the first scenario: the applications move to selected,
reserve and rejected, and the other scenario becomes read-only.

Strings of the selection pages may still be English until the catalogue is translated, so elements
are found by name, id, href or role, and translated text is compared with what the code words in
Korean. Screenshots go to ``artifacts/screenshots/selection-*.png``; each page is checked by axe-core.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy

from foster.accounts.choices import Role
from foster.applications.choices import ApplicationStatus
from foster.applications.models import Application, StatusChange
from foster.registry.models import Company
from foster.selection.choices import ScenarioStatus
from foster.selection.explanations import constraint_label, explanation_sentence
from foster.selection.models import SelectionScenario
from foster.selection.services import ScenarioSettings
from tests.browser.support import check_page, click_and_load, log_in_from_home
from tests.factories import PASSWORD, AgencyFactory, AgencyMembershipFactory, UserFactory
from tests.selection.factories import Spec, scored_call

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BILLION = 1_000_000_000
OFFICIAL_EMAIL = "selection-official@example.kr"
PLANNER_EMAIL = "planner@msit.example.kr"
CALL_TITLE = "2026년 AI 바우처 지원사업 선정"
FIRST_NAME = "광주 최소 배정안"
SECOND_NAME = "계획 기본안"
OVERRIDE_REASON = "동일 과제 중복 지원 확인"
# (name, score, amount, region, section, division). The budget is KRW 5 billion. With the plan's
# defaults the best portfolio is 가람, 나래, 다온 (90 + 80 + 60 = 230, KRW 5 billion). With at least
# KRW 1 billion to Gwangju, 라온 (the only Gwangju company) is in: 가람, 나래, 라온 (220).
COMPANIES = [
    ("(주)가람에이아이", 90, 2 * BILLION, "busan", "C", "29"),
    ("나래로보틱스(주)", 80, 2 * BILLION, "seoul", "C", "29"),
    ("(주)마루데이터", 70, 3 * BILLION, "seoul", "J", "62"),
    ("다온비전(주)", 60, 1 * BILLION, "daegu", "C", "29"),
    ("(주)라온반도체", 50, 1 * BILLION, "gwangju", "C", "26"),
]
GARAM, NARAE, MARU, DAON, RAON = range(5)


@pytest.fixture
def selection(transactional_db: None) -> dict[str, Any]:
    """KOSME's call of an AI-tagged program, budget KRW 5 billion, with five reviewed applications
    scored by two reviewers each (tests/selection/factories.py); its official; a ministry planner."""
    agency: Any = AgencyFactory(code="kosme", name_ko="중소벤처기업진흥공단", name_en="Korea SMEs and Startups Agency")
    official = UserFactory(email=OFFICIAL_EMAIL, full_name="김선정", role=Role.AGENCY_OFFICIAL)
    AgencyMembershipFactory(user=official, agency=agency, title="차장")
    planner = UserFactory(email=PLANNER_EMAIL, full_name="박기획", role=Role.MINISTRY_PLANNER)
    AgencyMembershipFactory(user=planner, agency=AgencyFactory(code="mss", name_ko="중소벤처기업부"))
    call, applications = scored_call(
        agency,
        [
            Spec(score=score, amount_krw=amount, region=region, section=section, division=division)
            for _name, score, amount, region, section, division in COMPANIES
        ],
        policy_tags=["ai"],
        budget_krw=5 * BILLION,
        max_award_krw=3 * BILLION,
        title_ko=CALL_TITLE,
        title_en="AI voucher selection 2026",
    )
    for application, (name, *_rest) in zip(applications, COMPANIES, strict=True):
        Company.objects.filter(pk=application.company_id).update(name_ko=name, name_en="")
    return {"call": call, "applications": applications, "official": official, "planner": planner}


def log_in(page: Any, email: str) -> None:
    log_in_from_home(page, email, PASSWORD)


def korean(text: Any) -> str:
    with translation.override("ko"):
        return str(text)


def in_korean(function: Any, *args: Any) -> str:
    with translation.override("ko"):
        return str(function(*args))


def result_of(scenario: SelectionScenario) -> dict[str, Any]:
    """The stored result file of a run scenario."""
    assert scenario.result is not None
    return scenario.result


def href(name: str, *args: Any) -> str:
    return reverse(name, args=args)


def result_rows(page: Any) -> dict[int, dict[str, str]]:
    """The result page's applications table: application id -> decision, explanation, score, amount."""
    rows = {}
    for row in page.locator("section[aria-labelledby=applications-heading] tbody tr").all():
        number = int(re.match(r"#(\d+) ", row.locator("th").inner_text()).group(1))  # type: ignore[union-attr]
        cells = row.locator("td").all_inner_texts()
        rows[number] = {"score": cells[0], "amount": cells[1], "decision": cells[2], "why": cells[3]}
    return rows


def run_scenario(page: Any, scenario: SelectionScenario, screenshot: str) -> None:
    """Run from the scenario page; the job page (the test backend runs tasks at once); its result."""
    click_and_load(page, page.locator(f'form[action="{href("selection:scenario-run", scenario.pk)}"] button'))
    page.wait_for_url(re.compile(r"/jobs/\d+/$"))
    result_link = page.locator(f'main a[href="{href("selection:scenario-result", scenario.pk)}"]')
    result_link.wait_for()
    assert page.locator(".job-progress progress").get_attribute("value") == "100"
    check_page(page, screenshot)
    click_and_load(page, result_link)
    page.wait_for_url(f"**{href('selection:scenario-result', scenario.pk)}")


DECISIONS = {
    "selected": gettext_lazy("Selected"),
    "reserve": gettext_lazy("Reserve"),
    "rejected": gettext_lazy("Not selected"),
}


def test_an_official_builds_runs_compares_and_commits_scenarios(new_page: Any, selection: dict[str, Any]) -> None:
    call, applications = selection["call"], selection["applications"]
    ids = [application.pk for application in applications]

    # 1. The official logs in and opens the call's management page, then its selection scenarios.
    page = official = new_page()
    log_in(page, OFFICIAL_EMAIL)
    page.goto(href("programs:call-manage", call.pk))
    assert page.get_by_role("heading", level=1).inner_text() == CALL_TITLE
    click_and_load(page, page.locator(f'main a[href="{href("selection:call-scenarios", call.pk)}"]'))
    assert page.locator("main table").count() == 0  # no scenario yet
    check_page(page, "selection-01-scenarios-empty")

    # 2. A new scenario: the plan's constraints are prefilled from the call and the AI-tagged program.
    page.locator("main input[name=name]").fill(FIRST_NAME)
    click_and_load(page, page.locator("main form button[type=submit]"))
    first = SelectionScenario.objects.get(call=call)
    page.wait_for_url(f"**{href('selection:scenario-detail', first.pk)}")
    assert page.get_by_role("heading", level=1).inner_text() == FIRST_NAME
    assert page.locator("#id_name").input_value() == FIRST_NAME
    assert page.locator("#id_budget_krw").input_value() == str(5 * BILLION)
    assert float(page.locator("#id_ai_share_percent").input_value()) == 60.0
    assert page.locator("#id_strategic_share_percent").input_value() == ""  # not an R&D program
    assert page.locator("#id_designation_count").input_value() == ""  # not a designation program
    assert page.locator("#id_company_cap_krw").input_value() == str(10 * BILLION)
    assert page.locator("#id_reserve_count").input_value() == "5"
    assert page.locator("#id_region_gwangju").input_value() == ""
    assert "5" in page.locator("main > p").first.inner_text()  # five candidates
    assert "9,000,000,000" in page.locator("main > p").first.inner_text()  # requesting KRW 9 billion together
    check_page(page, "selection-02-scenario-prefilled")

    # 3. A regional minimum: at least KRW 1 billion to Gwangju (the field sits in a closed <details>).
    regional = page.locator("details:has(#id_region_gwangju)")
    regional.locator("summary").click()
    page.locator("#id_region_gwangju").fill(str(BILLION))
    check_page(page, "selection-03-regional-minimum")
    click_and_load(page, page.locator("form:has(#id_budget_krw) button[type=submit]"))
    first.refresh_from_db()
    settings = ScenarioSettings.from_json(first.settings)
    assert settings.regional_minimums_krw == {"gwangju": BILLION}
    assert (settings.budget_krw, settings.ai_share_percent) == (5 * BILLION, 60.0)
    page.locator("details:has(#id_region_gwangju) summary").click()
    assert page.locator("#id_region_gwangju").input_value() == str(BILLION)

    # 4. A committee override without a reason (only spaces): refused by the reason field, nothing stored.
    override_form = page.locator("form:has(#id_reason)")
    page.locator("#id_application").fill(str(ids[MARU]))
    page.locator("#id_decision").select_option("out")
    page.locator("#id_reason").fill("   ")
    click_and_load(page, override_form.locator("button[type=submit]"))
    assert page.locator("#id_reason_error").is_visible()
    assert page.locator("#id_reason").get_attribute("aria-invalid") == "true"
    assert page.locator(".field-error").count() == 1
    assert page.locator("#id_application").input_value() == str(ids[MARU])  # what was typed is kept
    assert page.locator("#id_decision").input_value() == "out"
    check_page(page, "selection-04-override-reason-missing")
    first.refresh_from_db()
    assert first.overrides == []

    # 5. With the reason: recorded and listed.
    page.locator("#id_reason").fill(OVERRIDE_REASON)
    click_and_load(page, page.locator("form:has(#id_reason) button[type=submit]"))
    page.wait_for_url(f"**{href('selection:scenario-detail', first.pk)}")
    first.refresh_from_db()
    assert first.overrides == [{"application": ids[MARU], "decision": "out", "reason": OVERRIDE_REASON}]
    overrides = page.locator("section[aria-labelledby=overrides-heading]")
    assert f"#{ids[MARU]}" in overrides.locator("li").first.inner_text()
    assert OVERRIDE_REASON in overrides.locator("li").first.inner_text()
    assert page.locator(".field-error").count() == 0
    check_page(page, "selection-05-override-recorded")

    # 6. Run: the job page, then the result.
    run_scenario(page, first, "selection-06-run-job")
    first.refresh_from_db()
    assert first.status == ScenarioStatus.SOLVED
    assert first.objective == pytest.approx(220.0)
    assert sorted(result_of(first)["selected"]) == sorted(str(ids[i]) for i in (GARAM, NARAE, RAON))

    # 7. The result: each application's decision and explanation, in the platform's language.
    rows = result_rows(page)
    assert set(rows) == set(ids)
    expected = {
        ids[GARAM]: "selected",
        ids[NARAE]: "selected",
        ids[RAON]: "selected",
        ids[DAON]: "reserve",  # the next by score; the locked-out application is not on the reserve list
        ids[MARU]: "rejected",
    }
    assert {pk: row["decision"] for pk, row in rows.items()} == {pk: korean(DECISIONS[o]) for pk, o in expected.items()}
    names = {str(a.company_id): a.company.name_ko for a in Application.objects.select_related("company")}
    for pk, row in rows.items():
        sentence = in_korean(explanation_sentence, result_of(first)["explanations"][str(pk)], names)
        assert row["why"].split("\n")[0] == sentence
    assert OVERRIDE_REASON in rows[ids[MARU]]["why"]
    assert rows[ids[GARAM]]["score"] == "90.00"
    assert rows[ids[MARU]]["amount"] == "3,000,000,000"
    # The table is in decision order: the selected first, by score.
    order = [
        int(re.match(r"#(\d+)", text).group(1))  # type: ignore[union-attr]
        for text in page.locator("section[aria-labelledby=applications-heading] tbody th").all_inner_texts()
    ]
    assert order == [ids[GARAM], ids[NARAE], ids[RAON], ids[MARU], ids[DAON]]

    # The summary: count and money, the AI share, binding constraints.
    summary = page.locator("section[aria-labelledby=summary-heading]").inner_text()
    assert "5,000,000,000" in summary
    assert "100%" in summary  # every candidate counts as AI (the program is tagged AI)
    assert "220.00" in summary
    binding = [in_korean(constraint_label, name, names) for name in result_of(first)["binding"]]
    assert "budget" in result_of(first)["binding"]
    assert "region_minimum:gwangju" in result_of(first)["binding"]
    assert ", ".join(binding) in summary

    # The budget sweep: an SVG chart (with its table), the scenario's budget marked.
    chart = page.locator("section[aria-labelledby=sensitivity-heading] svg.chart")
    assert chart.is_visible()
    assert chart.get_attribute("role") == "img"
    points = chart.locator("circle")
    assert points.count() == len(result_of(first)["sensitivity"]["points"]) == 11
    polyline = chart.locator("polyline").get_attribute("points") or ""
    assert len(polyline.split()) == points.count()
    assert chart.locator("line[stroke-dasharray]").count() == 1  # the current budget
    box = chart.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 100
    sweep = page.locator("section[aria-labelledby=sensitivity-heading] table tbody tr")
    assert sweep.count() == 11
    budgets = [row.split("\t")[0] for row in sweep.all_inner_texts()]
    assert budgets[0] == "2,500,000,000" and budgets[5] == "5,000,000,000" and budgets[-1] == "7,500,000,000"
    assert sweep.nth(5).locator("td").nth(1).inner_text() == "220.00"
    check_page(page, "selection-07-result")

    # 8. A second scenario with the plan's defaults, run; then the comparison.
    click_and_load(page, page.locator(f'nav a[href="{href("selection:call-scenarios", call.pk)}"]'))
    assert page.locator("main tbody tr").count() == 1
    page.locator("main input[name=name]").fill(SECOND_NAME)
    click_and_load(page, page.locator("main form:has(input[name=name]) button[type=submit]"))
    second = SelectionScenario.objects.get(call=call, name=SECOND_NAME)
    page.wait_for_url(f"**{href('selection:scenario-detail', second.pk)}")
    assert page.locator("#id_region_gwangju").input_value() == ""
    run_scenario(page, second, "selection-08-second-run-job")
    second.refresh_from_db()
    assert second.objective == pytest.approx(230.0)
    assert sorted(result_of(second)["selected"]) == sorted(str(ids[i]) for i in (GARAM, NARAE, DAON))
    assert [pk for pk, row in result_rows(page).items() if row["decision"] == korean(DECISIONS["selected"])] == [
        ids[GARAM],
        ids[NARAE],
        ids[DAON],
    ]
    check_page(page, "selection-09-second-result")

    click_and_load(page, page.locator(f'nav a[href="{href("selection:call-compare", call.pk)}"]'))
    side_by_side = page.locator("main div[role=region] table")
    headers = side_by_side.locator("thead th").all_inner_texts()
    assert headers == [FIRST_NAME, SECOND_NAME]
    body = [row.split("\t") for row in side_by_side.locator("tbody tr").all_inner_texts()]
    assert body[0][1:] == ["220.00", "230.00"]  # total score
    assert body[1][1:] == ["3", "3"]  # selected
    assert body[2][1:] == ["5,000,000,000", "5,000,000,000"]  # money
    assert body[3][1:] == ["100%", "100%"]  # AI share
    differences = page.locator("main > table tbody tr")
    assert differences.count() == 2
    different = {row.split("\t")[0] for row in differences.all_inner_texts()}
    assert different == {f"#{ids[DAON]} 다온비전(주)", f"#{ids[RAON]} (주)라온반도체"}
    check_page(page, "selection-10-compare")

    # 9. A ministry planner reads the result but has no commit button, nor run or edit controls.
    planner = new_page()
    log_in(planner, PLANNER_EMAIL)
    planner.goto(href("selection:call-scenarios", call.pk))
    assert planner.locator("main tbody tr").count() == 2
    assert planner.locator("main input[name=name]").count() == 0  # no new scenario
    check_page(planner, "selection-11-planner-scenarios")
    click_and_load(planner, planner.locator(f'main a[href="{href("selection:scenario-result", first.pk)}"]'))
    assert set(result_rows(planner)) == set(ids)
    assert planner.locator("svg.chart").is_visible()
    assert planner.locator(f'form[action="{href("selection:scenario-commit", first.pk)}"]').count() == 0
    assert planner.locator("input[name=confirm]").count() == 0
    check_page(planner, "selection-12-planner-result")
    planner.goto(href("selection:scenario-detail", first.pk))
    assert planner.locator(f'form[action="{href("selection:scenario-run", first.pk)}"]').count() == 0
    assert planner.locator("#id_reason").count() == 0
    assert planner.locator("form:has(#id_budget_krw) > fieldset").get_attribute("disabled") is not None
    check_page(planner, "selection-13-planner-detail")
    planner.context.close()

    # 10. The official commits the first scenario (after ticking the confirmation).
    page = official
    page.goto(href("selection:scenario-result", first.pk))
    commit = page.locator(f'form[action="{href("selection:scenario-commit", first.pk)}"]')
    assert commit.is_visible()
    commit.locator("input[name=confirm]").check()
    check_page(page, "selection-14-commit-confirm")
    click_and_load(page, commit.locator("button[type=submit]"))
    page.wait_for_url(f"**{href('selection:scenario-result', first.pk)}")
    statuses = dict(Application.objects.filter(call=call).values_list("pk", "status"))
    assert statuses == {
        ids[GARAM]: ApplicationStatus.SELECTED,
        ids[NARAE]: ApplicationStatus.SELECTED,
        ids[RAON]: ApplicationStatus.SELECTED,
        ids[DAON]: ApplicationStatus.RESERVE,
        ids[MARU]: ApplicationStatus.REJECTED,
    }
    reason = StatusChange.objects.get(application_id=ids[MARU], transition="reject").reason
    assert OVERRIDE_REASON in reason
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (ScenarioStatus.COMMITTED, ScenarioStatus.SOLVED)
    assert first.committed_by == selection["official"]
    assert page.locator(f'form[action="{href("selection:scenario-commit", first.pk)}"]').count() == 0
    check_page(page, "selection-15-committed")

    # 11. The other scenario is read-only: no run, no override, no commit; the constraints disabled.
    page.goto(href("selection:scenario-detail", second.pk))
    assert page.locator("main p.notice").is_visible()
    assert page.locator(f'form[action="{href("selection:scenario-run", second.pk)}"]').count() == 0
    assert page.locator("#id_reason").count() == 0
    assert page.locator("form:has(#id_budget_krw) > fieldset").get_attribute("disabled") is not None
    assert page.locator("form:has(#id_budget_krw) button[type=submit]").count() == 0
    check_page(page, "selection-16-other-read-only")
    page.goto(href("selection:scenario-result", second.pk))
    assert page.locator(f'form[action="{href("selection:scenario-commit", second.pk)}"]').count() == 0
    page.goto(href("selection:call-scenarios", call.pk))
    assert page.locator("main p.notice").is_visible()  # committed: no new scenarios
    assert page.locator("main input[name=name]").count() == 0
    check_page(page, "selection-17-scenarios-committed")
