"""Education and the AI readiness diagnostic in a real browser (issue 9): an SME owner takes the
diagnostic in Korean (an incomplete questionnaire is refused, naming the missing questions), types
a problem, sees the open calls the company is eligible for, matching startups with the reasons and
a course for the weakest area; enrols; an official marks attendance; the owner downloads the
certificate (a PDF with the Korean text) and anyone checks it on the public page.

Screenshots go to ``artifacts/screenshots/learning-*.png`` (the certificate's first page too, when
``pdftoppm`` is installed); each page is checked by axe-core.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from foster.accounts.choices import Role
from foster.innovation import matching
from foster.innovation.models import StartupProfile
from foster.learning.models import Consultant, CourseSession, Diagnostic, Enrolment
from foster.learning.questionnaire import QUESTIONS
from foster.registry.choices import Region, SizeClass
from tests.browser.support import SCREENSHOTS, check_page, click_and_load, log_in_here
from tests.factories import (
    PASSWORD,
    AgencyFactory,
    AgencyMembershipFactory,
    CallFactory,
    CompanyFactory,
    CompanyMembershipFactory,
    ProgramFactory,
    UserFactory,
)
from tests.learning.factories import ConsultantFactory, CourseFactory, SessionFactory
from tests.learning.test_education import pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OWNER_EMAIL = "owner@hanbit.example.kr"
OFFICIAL_EMAIL = "official@kosme.example.kr"
PROBLEM = "야간조에서 육안 검사로 찍힘과 스크래치를 자주 놓칩니다."
ELIGIBLE_CALL = "2026년 제조 AI 도입 바우처"
INELIGIBLE_CALL = "2026년 창업 3년 이내 스타트업 지원"
COURSE = "업무 데이터 기초"
STARTUP = "(주)비전아이"


@pytest.fixture
def world(transactional_db: None) -> dict[str, Any]:
    kosme = AgencyFactory(code="kosme", name_ko="중소벤처기업진흥공단", name_en="KOSME")
    official = AgencyMembershipFactory(agency=kosme, user__email=OFFICIAL_EMAIL, user__full_name="이담당").user
    company = CompanyFactory(
        name_ko="(주)한빛정밀", size_class=SizeClass.SMALL, region=Region.GYEONGGI, ksic_section="C", ksic_division="29"
    )
    owner = UserFactory(email=OWNER_EMAIL, full_name="김대표", role=Role.COMPANY_MEMBER)
    CompanyMembershipFactory(user=owner, company=company)
    startup = CompanyFactory(name_ko=STARTUP, size_class=SizeClass.STARTUP)
    StartupProfile.objects.create(
        company=startup,
        solution_ko="비지도 이상탐지 기반 외관 검사 솔루션입니다. 정상 이미지만으로 학습해 스크래치와 찍힘을 찾습니다.",
        technology_tags=["비전 검사"],
        sectors=["C"],
    )
    StartupProfile.objects.create(
        company=CompanyFactory(name_ko="(주)라스트마일", size_class=SizeClass.STARTUP),
        solution_en="Route optimisation for last-mile delivery fleets.",
        sectors=["H"],
    )
    matching.matching_index_rebuild(matching.PROFILES)
    program = ProgramFactory(agency=kosme, name_ko="제조 AI 바우처")
    CallFactory(
        program=program,
        title_ko=ELIGIBLE_CALL,
        eligibility_rules={
            "version": 1,
            "rules": [
                {"kind": "size_class_in", "size_classes": ["small", "medium"]},
                {"kind": "sector_in", "sections": ["C"], "divisions": []},
            ],
        },
    )
    CallFactory(
        program=program,
        title_ko=INELIGIBLE_CALL,
        eligibility_rules={"version": 1, "rules": [{"kind": "size_class_in", "size_classes": ["startup"]}]},
    )
    course = CourseFactory(agency=kosme, title_ko=COURSE, area="data", level="beginner", hours=8)
    session = SessionFactory(course=course, capacity=30)
    SessionFactory(course=CourseFactory(agency=kosme, title_ko="CEO를 위한 AI 전략", area="strategy"))
    ConsultantFactory(agency=kosme, expertise_areas=["data"])
    return {"company": company, "session": session, "official": official}


def log_in(page: Any, email: str) -> None:
    page.goto("/accounts/login/")
    log_in_here(page, email, PASSWORD)


def answer(page: Any, key: str, points: int) -> None:
    page.locator(f"input[name={key}][value='{points}']").check()


def test_an_owner_is_diagnosed_enrols_attends_and_gets_a_certificate(new_page: Any, world: dict[str, Any]) -> None:
    owner = new_page()
    log_in(owner, OWNER_EMAIL)
    click_and_load(owner, owner.locator('nav a[href="/learning/"]'))
    assert owner.locator("html").get_attribute("lang") == "ko"
    check_page(owner, "learning-1-dashboard")
    click_and_load(owner, owner.locator(f"#take-diagnostic-{world['company'].pk}"))
    assert owner.get_by_text("1. 경영진이 AI 도입 목표를 정해 두었습니까?").is_visible()

    # Half the questionnaire, then "see my result": refused, the missing questions named, nothing stored.
    for question in QUESTIONS[:7]:
        answer(owner, question.key, 3)
    click_and_load(owner, owner.locator("#submit-diagnostic"))
    summary = owner.locator(".error-summary")
    assert "답하지 않은 문항(8개)" in summary.inner_text()
    assert "8. 직원 AI 교육을 어떻게 하고 있습니까?" in summary.inner_text()
    assert Diagnostic.objects.count() == 0
    check_page(owner, "learning-2-diagnostic-incomplete")

    # Every question: data is the weakest area; the problem in the owner's words.
    for question in QUESTIONS:
        answer(owner, question.key, 1 if question.area == "data" else 3)
    owner.locator("textarea[name=problem]").fill(PROBLEM)
    click_and_load(owner, owner.locator("#submit-diagnostic"))
    diagnostic = Diagnostic.objects.get()
    assert (diagnostic.area_levels["data"], diagnostic.overall_level) == (1, 2)
    assert "종합 5단계 중 2단계" in owner.locator("#level-heading").inner_text()
    eligible = owner.locator("#eligible-calls")
    assert ELIGIBLE_CALL in eligible.inner_text()
    assert "규모(소기업)는 신청 대상입니다" in eligible.inner_text() or "소기업" in eligible.inner_text()
    assert INELIGIBLE_CALL not in eligible.inner_text()
    startups = owner.locator("#matching-startups")
    assert STARTUP in startups.inner_text()
    assert "찍힘" in startups.locator(".match-reasons").first.inner_text()
    assert COURSE in owner.locator(".recommended-courses").first.inner_text()
    assert owner.locator("#request-consulting").is_visible()
    check_page(owner, "learning-3-diagnostic-result")

    # The recommended course: enrol in its session.
    click_and_load(owner, owner.locator(".recommended-courses a", has_text=COURSE))
    session = world["session"]
    click_and_load(owner, owner.locator(f"#enrol-{session.pk}"))
    assert "좌석이 확정되었습니다" in owner.locator("main").inner_text()
    check_page(owner, "learning-4-enrolled")
    enrolment = Enrolment.objects.get(user__email=OWNER_EMAIL)
    assert enrolment.status == "seated"

    # The day of the session: the official marks the owner as attended.
    starts = timezone.now() - dt.timedelta(hours=9)
    CourseSession.objects.filter(pk=session.pk).update(starts_at=starts, ends_at=starts + dt.timedelta(hours=8))
    official = new_page()
    log_in(official, OFFICIAL_EMAIL)
    official.goto(f"/learning/sessions/{session.pk}/attendance/")
    official.locator(f"#attended-{enrolment.pk}").check()
    click_and_load(official, official.locator("#save-attendance"))
    assert "수료 1명" in official.locator("main").inner_text()
    check_page(official, "learning-5-attendance")
    enrolment.refresh_from_db()
    assert enrolment.status == "completed" and enrolment.certificate_code

    # The owner downloads the certificate from the learning page.
    click_and_load(owner, owner.locator('nav a[href="/learning/"]'))
    check_page(owner, "learning-6-dashboard-completed")
    with owner.expect_download() as download_info:
        owner.locator(f"#certificate-{enrolment.pk}").click()
    path = download_info.value.path()
    pdf = Path(path).read_bytes()
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    for words in ("수료증", "김대표", "(주)한빛정밀", COURSE, "8시간", "중소벤처기업진흥공단"):
        assert words in text, words
    if shutil.which("pdftoppm"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-singlefile", path, str(SCREENSHOTS / "learning-7-certificate")],
            check=True,
        )

    # Anyone checks the certificate's code on the public page.
    visitor = new_page()
    code = enrolment.certificate_code
    visitor.goto(f"/learning/certificates/verify/?code={code[:4]}-{code[4:8]}-{code[8:]}")
    assert "유효한 수료증" in visitor.locator("#certificate-valid").inner_text()
    assert "김대표" in visitor.locator("#certificate-valid").inner_text()
    check_page(visitor, "learning-8-certificate-check")


def test_an_official_corrects_a_course_and_pauses_a_consultant(new_page: Any, world: dict[str, Any]) -> None:
    course = world["session"].course
    consultant = Consultant.objects.get()
    official = new_page()
    log_in(official, OFFICIAL_EMAIL)

    official.goto(f"/learning/courses/{course.pk}/")
    click_and_load(official, official.locator(f'main a[href="/learning/courses/{course.pk}/edit/"]'))
    assert official.locator("#id_title_ko").input_value() == COURSE
    check_page(official, "learning-9-course-edit")
    official.locator("#id_title_ko").fill(f"{COURSE} (개정)")
    official.locator("#id_hours").fill("0")
    click_and_load(official, official.locator('main button[type="submit"]'))
    assert official.locator(".error-summary").is_visible()  # 0 hours is refused, and nothing is saved
    course.refresh_from_db()
    assert (course.title_ko, course.hours) == (COURSE, 8)
    official.locator("#id_hours").fill("12")
    click_and_load(official, official.locator('main button[type="submit"]'))
    assert "교육과정을 저장했습니다" in official.locator("body").inner_text()
    course.refresh_from_db()
    assert (course.title_ko, course.hours) == (f"{COURSE} (개정)", 12)

    official.goto("/learning/consulting/pool/")
    click_and_load(official, official.locator(f'#consultants a[href="/learning/consulting/pool/{consultant.pk}/"]'))
    check_page(official, "learning-10-consultant-edit")
    official.locator("#id_is_active").uncheck()
    click_and_load(official, official.locator('main button[type="submit"]'))
    assert "신청 받지 않음" in official.locator("#consultants").inner_text()
    consultant.refresh_from_db()
    assert consultant.is_active is False
