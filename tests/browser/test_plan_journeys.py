"""The plan end to end in a real browser, once in Korean and once in English (issue 10).

1. Grant: an applicant finds the open call and applies; the system screens the application; the
   official runs the reviewer assignment; the reviewer scores; the official reads the ranking, runs
   and commits a selection scenario, approves the agreement and disburses the money; the ministry
   planner reads the plan dashboard.
2. Open innovation: a large company's member posts a challenge, a startup proposes, the owner
   evaluates and selects, and the proof-of-concept project starts.
3. Data LAB: an SME uploads its quality records and reads the profile of the table.
4. Learning: an SME owner takes the AI readiness diagnostic and enrols in the recommended course.

Each person has their own browser context, switches the language with the header's switch (the
English run) and logs in through ``support.log_in_here``. Every page is photographed to
``artifacts/screenshots/plan-<language>-<step>.png`` and checked by axe-core; the database is
checked after every step; the interface is checked to speak the run's language (no Korean label in
the English run, no untranslated English label in the Korean run).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from foster.accounts.choices import Role
from foster.applications.choices import ApplicationStatus
from foster.applications.models import Application
from foster.datalab.models import Dataset
from foster.datalab.seeding import demo_quality_csv
from foster.finance.models import Agreement, Transfer
from foster.finance.services import budget_fund
from foster.innovation import matching
from foster.innovation.models import Challenge, PocProject, Proposal, StartupProfile
from foster.learning.models import Diagnostic, Enrolment
from foster.learning.questionnaire import QUESTIONS
from foster.registry.choices import Region, SizeClass
from foster.reviews.choices import AssignmentStatus
from foster.reviews.models import ReviewAssignment, ScoreSheet
from foster.selection.choices import ScenarioStatus
from foster.selection.models import SelectionScenario
from tests.applications.objects import SCHEMA
from tests.browser.support import check_page, click_and_load, log_in_from_home, log_in_here, switch_language, translated
from tests.factories import (
    PASSWORD,
    AgencyFactory,
    AgencyMembershipFactory,
    ApplicationFormFactory,
    CallFactory,
    CompanyFactory,
    CompanyMembershipFactory,
    ProgramFactory,
    UserFactory,
)
from tests.learning.factories import CourseFactory, SessionFactory
from tests.reviews.factories import ReviewerProfileFactory, RubricFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HANGUL = re.compile(r"[\uac00-\ud7a3]")
ENGLISH_WORD = re.compile(r"\b[A-Za-z]{4,}\b")
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
# Interface text the checks read: navigation, labels, legends, buttons, table headers, headings.
LABELS = "header nav a, main label, main legend, main button, main th[scope=col], main h2"
# Words that are the same in both languages (names, abbreviations, the brand).
SAME_IN_BOTH = {"Foster", "KOSME", "English", "ZIP", "KSIC", "CSV", "XLSX", "PDF", "vision", "language", "robotics"}

OFFICIAL = "plan-official@kosme.example.kr"
MEMBER = "plan-member@hanbit.example.kr"
REVIEWER = "plan-reviewer@example.kr"
PLANNER = "plan-planner@mss.example.kr"
LARGE = "plan-innovation@daehan.example.kr"
FOUNDER = "plan-founder@visioni.example.kr"
COMPANY_NAME = "(주)한빛인공지능"
STARTUP_NAME = "(주)비전아이"
BRN = "1234567891"


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def plan(transactional_db: None) -> dict[str, Any]:
    """KOSME with an AI grant program (funded) and its open call (one reviewer per application),
    its official and a reviewer; the applying company and its member; a ministry planner; a large
    manufacturer, a vision startup (in the profile index), a course for the data area."""
    agency = AgencyFactory(code="kosme", name_ko="중소벤처기업진흥공단", name_en="KOSME")
    official = UserFactory(email=OFFICIAL, full_name="김담당", role=Role.AGENCY_OFFICIAL)
    AgencyMembershipFactory(user=official, agency=agency)
    program = ProgramFactory(
        agency=agency, name_ko="AI 바우처 지원사업", name_en="AI voucher program", policy_tags=["ai"]
    )
    budget_fund(user=official, key="plan-budget", program=program, amount_krw=10_000_000_000)
    call = CallFactory(
        program=program,
        code="plan-voucher",
        title_ko="2026년 AI 바우처 공급기업 모집",
        title_en="AI voucher suppliers 2026",
        budget_krw=1_000_000_000,
        max_award_krw=300_000_000,
        reviewers_per_application=1,
        review_deadline=timezone.now() + timezone.timedelta(days=40),
        rubric=RubricFactory(name="AI 바우처 평가표"),
        eligibility_rules={
            "version": 1,
            "rules": [{"kind": "required_documents", "document_kinds": ["business_plan"]}],
        },
    )
    ApplicationFormFactory(call=call, schema=SCHEMA)
    company = CompanyFactory(
        name_ko=COMPANY_NAME,
        name_en="Hanbit AI Co., Ltd.",
        business_registration_number=BRN,
        ksic_section="C",
        ksic_division="29",
        region=Region.GYEONGGI,
        size_class=SizeClass.SMALL,
    )
    member = UserFactory(email=MEMBER, full_name="이대표", role=Role.COMPANY_MEMBER)
    CompanyMembershipFactory(user=member, company=company)
    ReviewerProfileFactory(
        user=UserFactory(email=REVIEWER, full_name="박심사", role=Role.REVIEWER),
        agency=agency,
        expertise_divisions=["29"],
    )
    planner = UserFactory(email=PLANNER, full_name="박기획", role=Role.MINISTRY_PLANNER)
    AgencyMembershipFactory(user=planner, agency=AgencyFactory(code="mss", name_ko="중소벤처기업부"))

    large = CompanyFactory(
        name_ko="(주)대한중공업", name_en="Daehan Heavy Industries", size_class=SizeClass.LARGE, region=Region.GYEONGNAM
    )
    CompanyMembershipFactory(
        user=UserFactory(email=LARGE, full_name="한혁신", role=Role.LARGE_COMPANY_MEMBER), company=large
    )
    startup = CompanyFactory(name_ko=STARTUP_NAME, name_en="Vision-i Co., Ltd.", size_class=SizeClass.STARTUP)
    CompanyMembershipFactory(
        user=UserFactory(email=FOUNDER, full_name="정창업", role=Role.COMPANY_MEMBER), company=startup
    )
    StartupProfile.objects.create(
        company=startup,
        solution_ko="비지도 이상탐지 기반 외관 검사 솔루션입니다. 정상 이미지만으로 학습해 스크래치와 찍힘을 찾습니다.",
        technology_tags=["비전 검사"],
        sectors=["C"],
    )
    matching.matching_index_rebuild(matching.PROFILES)
    course = CourseFactory(agency=agency, title_ko="업무 데이터 기초", title_en="Data basics at work", area="data")
    session = SessionFactory(course=course, capacity=30)
    return {
        "call": call,
        "company": company,
        "member": member,
        "official": official,
        "startup": startup,
        "session": session,
        "program": program,
    }


class Journey:
    """One language's run: new pages that speak it, and the check of every page."""

    def __init__(self, new_page: Any, language: str) -> None:
        self.new_page, self.language, self.step = new_page, language, 0

    def person(self, email: str | None = None) -> Any:
        """A new browser context in the run's language, logged in as ``email`` (None: a visitor)."""
        page = self.new_page()
        page.goto("/")
        switch_language(page, self.language)
        if email is not None:
            log_in_from_home(page, email, PASSWORD)
        return page

    def t(self, text: str) -> str:
        return translated(self.language, text)

    def check(self, page: Any, name: str) -> None:
        """Screenshot and axe (``check_page``), then: the page is in the run's language."""
        self.step += 1
        check_page(page, f"plan-{self.language}-{self.step:02d}-{name}")
        assert page.locator("html").get_attribute("lang") == self.language, name
        texts = [text.strip() for text in page.locator(LABELS).all_inner_texts() if text.strip()]
        if self.language == "en":
            korean = [text for text in texts if HANGUL.search(text) and not self._is_data(text)]
            assert korean == [], f"{name}: Korean in the English interface: {korean}"
        else:
            english = [
                text for text in texts if not HANGUL.search(text) and set(ENGLISH_WORD.findall(text)) - SAME_IN_BOTH
            ]
            assert english == [], f"{name}: English in the Korean interface: {english}"

    @staticmethod
    def _is_data(text: str) -> bool:
        """Data the people typed (names of companies, people and courses stay as written)."""
        return any(
            name in text for name in (COMPANY_NAME, STARTUP_NAME, "(주)대한중공업", "김담당", "이대표", "박심사")
        )


@pytest.mark.parametrize("language", ["ko", "en"])
def test_the_plan_end_to_end(new_page: Any, plan: dict[str, Any], language: str) -> None:
    journey = Journey(new_page, language)
    grant_to_disbursement(journey, plan)
    challenge_to_proof_of_concept(journey, plan)
    data_lab(journey)
    diagnostic_to_course(journey, plan)


def grant_to_disbursement(journey: Journey, plan: dict[str, Any]) -> None:
    call, company = plan["call"], plan["company"]
    title = call.title_en if journey.language == "en" else call.title_ko
    company_name = company.name_en if journey.language == "en" else company.name_ko

    # The call on the public portal, then apply: log in, start, fill, submit; screened at once.
    page = journey.person()
    page.goto(reverse("calls:call-list"))
    journey.check(page, "portal-calls")
    click_and_load(page, page.get_by_role("link", name=title))
    assert page.get_by_role("heading", level=1).inner_text() == title
    journey.check(page, "call")
    click_and_load(page, page.get_by_role("button", name=journey.t("Apply")))
    log_in_here(page, MEMBER, PASSWORD)
    page.wait_for_url(f"**/applications/start/{call.code}/")
    page.locator("main select").first.select_option(str(company.pk))
    journey.check(page, "application-start")
    click_and_load(page, page.get_by_role("button", name=journey.t("Start the application")))
    application = Application.objects.get(call=call, company=company)
    assert application.status == ApplicationStatus.DRAFT
    page.locator("#id_title").fill("AI 비전 검사 고도화")
    page.locator("input[name=requested_amount_krw]").fill("150,000,000")
    page.locator("#id_summary").fill("제조 현장의 불량 검사를 딥러닝 비전 모델로 자동화합니다.")
    page.locator("#id_own_funds").fill("30,000,000")
    page.locator("#id_track").select_option("software")
    page.locator("#id_start_on").fill("2026-03-02")
    page.locator("#id_business_plan").set_input_files(
        {"name": "plan.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    journey.check(page, "application-form")
    click_and_load(page, page.locator("main form button[name=action][value=submit]"))
    page.wait_for_url(f"**/applications/{application.pk}/")
    application.refresh_from_db()
    assert (application.status, application.is_eligible) == (ApplicationStatus.ELIGIBLE, True)
    assert application.requested_amount_krw == 150_000_000
    journey.check(page, "application-screened")
    page.context.close()

    # The official assigns the reviewers (a background job) from the call's management page.
    official = journey.person(OFFICIAL)
    official.goto(reverse("programs:call-manage", args=[call.pk]))
    journey.check(official, "call-manage")
    click_and_load(official, official.locator(f'main a[href="{reverse("reviews:call-assignment", args=[call.pk])}"]'))
    journey.check(official, "assignment")
    click_and_load(official, official.locator("main form button[type=submit]").first)
    result = official.locator("main a[role=button]")
    result.wait_for()
    journey.check(official, "assignment-job")
    click_and_load(official, result)
    assignment = ReviewAssignment.objects.get(application=application)
    assert assignment.status == AssignmentStatus.ASSIGNED
    application.refresh_from_db()
    assert application.status == ApplicationStatus.UNDER_REVIEW

    # The reviewer scores it.
    reviewer = journey.person(REVIEWER)
    click_and_load(reviewer, reviewer.locator(f'header nav a[href="{reverse("reviews:dashboard")}"]'))
    journey.check(reviewer, "reviewer-dashboard")
    click_and_load(reviewer, reviewer.locator(f'main a[href="{reverse("reviews:score-sheet", args=[assignment.pk])}"]'))
    reviewer.locator("input[name=score_technology]").fill("9")
    reviewer.locator("input[name=score_market]").fill("4")
    reviewer.locator("textarea[name=comment]").fill("기술 완성도가 높습니다.")
    journey.check(reviewer, "score-sheet")
    click_and_load(reviewer, reviewer.locator("main form button[name=action][value=submit]"))
    sheet = ScoreSheet.objects.get(assignment=assignment)
    assert sheet.submitted_at is not None and sheet.total == pytest.approx(86.25)
    reviewer.context.close()

    # The ranking; from it the application, whose review the official closes; then a selection
    # scenario: run, read, commit.
    official.goto(reverse("reviews:call-ranking", args=[call.pk]))
    first = official.locator("main tbody tr").first
    assert f"#{application.pk} {company_name}" in first.inner_text()
    journey.check(official, "ranking")
    click_and_load(
        official, first.locator(f'a[href="{reverse("applications:application-detail", args=[application.pk])}"]')
    )
    journey.check(official, "application-reviewed")
    click_and_load(official, official.locator("main form:has(input[name=transition][value=finish_review]) button"))
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REVIEWED
    official.goto(reverse("selection:call-scenarios", args=[call.pk]))
    official.locator("main input[name=name]").fill("1차 선정안")
    click_and_load(official, official.locator("main form button[type=submit]"))
    scenario = SelectionScenario.objects.get(call=call)
    journey.check(official, "scenario")
    click_and_load(
        official, official.locator(f'form[action="{reverse("selection:scenario-run", args=[scenario.pk])}"] button')
    )
    result_link = official.locator(f'main a[href="{reverse("selection:scenario-result", args=[scenario.pk])}"]')
    result_link.wait_for()
    click_and_load(official, result_link)
    scenario.refresh_from_db()
    assert scenario.status == ScenarioStatus.SOLVED
    assert scenario.result is not None and scenario.result["selected"] == [str(application.pk)]
    summary = official.locator("section[aria-labelledby=summary-heading]").inner_text()
    assert {"ko": "신청 1건 선정, 150,000,000원", "en": "1 application selected, KRW 150,000,000"}[
        journey.language
    ] in summary
    journey.check(official, "scenario-result")
    commit = official.locator(f'form[action="{reverse("selection:scenario-commit", args=[scenario.pk])}"]')
    commit.locator("input[name=confirm]").check()
    click_and_load(official, commit.locator("button[type=submit]"))
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SELECTED
    journey.check(official, "scenario-committed")

    # The agreement with the selected company, then the disbursement.
    official.goto(reverse("finance:agreement-approve", args=[plan["program"].pk]))
    official.locator("#id_business_registration_number").fill(BRN)
    official.locator("#id_instrument").select_option("grant")
    official.locator("#id_amount_krw").fill("150000000")
    journey.check(official, "agreement-approve")
    click_and_load(official, official.locator("main form button[type=submit]"))
    agreement = Agreement.objects.get(company=company)
    assert agreement.amount_krw == 150_000_000
    official.wait_for_url(f"**{reverse('finance:agreement-detail', args=[agreement.pk])}")
    assert company_name in official.locator("h1").inner_text()  # the company's name in the run's language
    journey.check(official, "agreement")
    official.locator("#id_operation").select_option("disburse")
    official.locator("#id_amount_krw").fill("50000000")
    click_and_load(official, official.locator("main form button[type=submit]"))
    kinds = list(Transfer.objects.filter(agreement=agreement).order_by("pk").values_list("kind", "amount_krw"))
    assert kinds == [("reserve", 150_000_000), ("post", 50_000_000)], kinds
    journey.check(official, "disbursed")
    official.context.close()

    # The ministry planner's plan dashboard.
    planner = journey.person(PLANNER)
    click_and_load(planner, planner.locator(f'header nav a[href="{reverse("kpi:dashboard")}"]'))
    assert planner.locator("h1").inner_text() == journey.t("Is the plan on track?")
    assert planner.locator("article.kpi-figure").count() == 9
    journey.check(planner, "dashboard")
    planner.context.close()


def challenge_to_proof_of_concept(journey: Journey, plan: dict[str, Any]) -> None:
    poster = journey.person(LARGE)
    click_and_load(poster, poster.locator('header nav a[href="/innovation/"]'))
    journey.check(poster, "innovation")
    click_and_load(poster, poster.locator("#new-challenge"))
    poster.locator("input[name=title]").fill("야간조 외관 불량 유출 줄이기")
    poster.locator("textarea[name=problem]").fill("야간조에서 육안 검사로 찍힘과 스크래치를 자주 놓칩니다.")
    poster.locator("input[name=budget_krw]").fill("150000000")
    poster.locator("select[name=sector]").select_option("C")
    journey.check(poster, "challenge-form")
    click_and_load(poster, poster.locator("#save-challenge"))
    startup = plan["startup"]
    assert (startup.name_en if journey.language == "en" else startup.name_ko) in poster.locator(
        "#recommended-startups"
    ).inner_text()
    journey.check(poster, "challenge-recommendations")
    click_and_load(poster, poster.locator("#challenge-to-open"))
    challenge = Challenge.objects.get()
    assert challenge.state == "open"

    founder = journey.person(FOUNDER)
    founder.goto(f"/innovation/challenges/{challenge.pk}/")
    click_and_load(founder, founder.locator("#propose"))
    founder.locator("textarea[name=approach]").fill("정상 이미지만으로 학습하는 비지도 이상탐지로 자동화합니다.")
    founder.locator("input[name=price_krw]").fill("80000000")
    founder.locator("input[name=duration_weeks]").fill("12")
    journey.check(founder, "proposal-form")
    click_and_load(founder, founder.locator("main form button[type=submit]"))
    proposal = Proposal.objects.get()
    assert (proposal.company, proposal.price_krw) == (plan["startup"], 80_000_000)
    founder.context.close()

    poster.reload()
    click_and_load(poster, poster.locator("#proposals a[id^=evaluate-]"))
    for criterion, score in (("fit", "5"), ("feasibility", "4"), ("track_record", "4"), ("value", "3")):
        poster.locator(f"input[name={criterion}][value='{score}']").check()
    journey.check(poster, "proposal-evaluation")
    click_and_load(poster, poster.locator("main form button[type=submit]"))
    click_and_load(poster, poster.locator("#suggest-selection"))
    click_and_load(poster, poster.locator("#apply-suggestion"))
    project = PocProject.objects.get()
    assert project.budget_krw == 80_000_000
    poster.goto(f"/innovation/projects/{project.pk}/")
    journey.check(poster, "poc-project")
    poster.context.close()


def data_lab(journey: Journey) -> None:
    page = journey.person(MEMBER)
    click_and_load(page, page.locator(f'header nav a[href="{reverse("datalab:dashboard")}"]'))
    journey.check(page, "datalab")
    click_and_load(page, page.locator("#upload-table"))
    page.locator("#id_title").fill("2025년 부품 품질검사")
    page.locator("#id_file").set_input_files(
        {"name": "quality.csv", "mimeType": "text/csv", "buffer": demo_quality_csv(300, seed=11)}
    )
    journey.check(page, "datalab-upload")
    click_and_load(page, page.locator("#upload-form button[type=submit]"))
    page.wait_for_url(re.compile(r"/jobs/\d+/$"))
    result = page.locator("main a[role=button]")
    result.wait_for()
    click_and_load(page, result)
    page.wait_for_url(re.compile(r"/datalab/tables/\d+/$"))
    table = Dataset.objects.get()
    assert table.title == "2025년 부품 품질검사"
    assert page.locator("#profile tbody tr").count() == 17
    journey.check(page, "datalab-profile")
    page.context.close()


def diagnostic_to_course(journey: Journey, plan: dict[str, Any]) -> None:
    owner = journey.person(MEMBER)
    click_and_load(owner, owner.locator('header nav a[href="/learning/"]'))
    journey.check(owner, "learning")
    click_and_load(owner, owner.locator(f"#take-diagnostic-{plan['company'].pk}"))
    for question in QUESTIONS:
        owner.locator(f"input[name={question.key}][value='{1 if question.area == 'data' else 3}']").check()
    owner.locator("textarea[name=problem]").fill("야간조에서 육안 검사로 찍힘과 스크래치를 자주 놓칩니다.")
    journey.check(owner, "diagnostic")
    click_and_load(owner, owner.locator("#submit-diagnostic"))
    diagnostic = Diagnostic.objects.get()
    assert diagnostic.area_levels["data"] == 1
    journey.check(owner, "diagnostic-result")
    course = plan["session"].course
    click_and_load(owner, owner.locator(".recommended-courses a").first)
    journey.check(owner, "course")
    click_and_load(owner, owner.locator(f"#enrol-{plan['session'].pk}"))
    enrolment = Enrolment.objects.get(user__email=MEMBER)
    assert (enrolment.status, enrolment.session.course) == ("seated", course)
    journey.check(owner, "enrolled")
    owner.context.close()
