"""The whole way of one application through a call, in a real browser (issue 3).

A company member finds an open call on the public portal, applies in Korean with a PDF business
plan (after two refused attempts: a required answer missing, a program renamed ``.pdf``); the
system screens it; the agency official finds it in the call's list and runs the reviewer
assignment; two reviewers score it; the official reads the ranked list.

Each person uses their own browser context and logs in through the log-in page. Every step saves
a full-page screenshot to ``artifacts/screenshots/journey-*.png`` and is checked by axe-core.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone, translation

from foster.accounts.choices import Role
from foster.applications.choices import ApplicationStatus
from foster.applications.models import Application, Attachment, StatusChange
from foster.programs.choices import ProgramType
from foster.registry.choices import Region, SizeClass
from foster.reviews.choices import AssignmentStatus
from foster.reviews.models import ReviewAssignment, ScoreSheet
from tests.applications.objects import SCHEMA
from tests.browser.support import check_page, click_and_load, log_in_here
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
from tests.reviews.factories import (
    ApplicationFactory,
    ReviewAssignmentFactory,
    ReviewerProfileFactory,
    RubricFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OFFICIAL_EMAIL = "official@example.kr"
MEMBER_EMAIL = "member@example.kr"
REVIEWER_EMAILS = ["reviewer1@example.kr", "reviewer2@example.kr"]
CALL_TITLE = "2026년 AI 바우처 공급기업 모집"
OTHER_CALL_TITLE = "2026년 제조 AI 정책자금"
COMPANY_NAME = "(주)한빛인공지능"
PROJECT_TITLE = "AI 비전 검사 고도화"
SUMMARY = "제조 현장의 불량 검사를 딥러닝 비전 모델로 자동화합니다.\n1차년도에 시제품을 만듭니다."
PDF_BYTES = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
EXECUTABLE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48
# (technology 0-10 x3, market 1-5 x1) of each reviewer, and the weighted totals they give.
REVIEWER_SCORES = [
    ("9", "4", "기술 완성도가 높고 현장 적용 계획이 구체적입니다."),
    ("8", "4", "시장 분석을 보완하면 좋겠습니다."),
]
EXPECTED_TOTALS = [86.25, 78.75]
ANSWERS_AS_SHOWN = [
    ("사업 요약", SUMMARY),
    ("직원 수", "23"),
    ("자부담", "30,000,000원"),
    ("분야", "소프트웨어"),
    ("태그", "vision"),
    ("시작일", "2026-03-02"),
    ("사업계획서", "사업계획서.pdf"),
]


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def journey(transactional_db: None) -> dict[str, Any]:
    """KOSME's open grant call for ICT companies (with the Korean form of the application tests
    and a two-criterion rubric), a loan call for manufacturers that the filters must hide, the
    applying company and its member, the official, two reviewers in the pool, and two other
    applications to the call already scored by both reviewers (so the ranking has a field)."""
    agency = AgencyFactory(code="kosme", name_ko="중소벤처기업진흥공단", name_en="Korea SMEs and Startups Agency")
    official = UserFactory(email=OFFICIAL_EMAIL, full_name="김담당", role=Role.AGENCY_OFFICIAL)
    AgencyMembershipFactory(user=official, agency=agency, title="주임")
    program = ProgramFactory(
        agency=agency, name_ko="AI 바우처 지원사업", name_en="AI voucher program", program_type=ProgramType.GRANT
    )
    call = CallFactory(
        program=program,
        code="ai-voucher-2026",
        title_ko=CALL_TITLE,
        title_en="AI voucher suppliers 2026",
        max_award_krw=300_000_000,
        reviewers_per_application=2,
        review_deadline=timezone.now() + dt.timedelta(days=40),
        rubric=RubricFactory(name="AI 바우처 평가표"),
        eligibility_rules={
            "version": 1,
            "rules": [
                {"kind": "sector_in", "sections": ["J"], "divisions": []},
                {"kind": "size_class_in", "size_classes": ["small", "startup"]},
                {"kind": "required_documents", "document_kinds": ["business_plan"]},
            ],
        },
    )
    ApplicationFormFactory(call=call, schema=SCHEMA)
    other_call = CallFactory(
        program=ProgramFactory(agency=agency, name_ko="제조혁신 정책자금", program_type=ProgramType.LOAN),
        code="factory-loan-2026",
        title_ko=OTHER_CALL_TITLE,
        eligibility_rules={"version": 1, "rules": [{"kind": "sector_in", "sections": ["C"], "divisions": []}]},
    )
    ApplicationFormFactory(call=other_call, schema=SCHEMA)

    company = CompanyFactory(
        name_ko=COMPANY_NAME,
        name_en="Hanbit AI Co., Ltd.",
        ksic_section="J",
        ksic_division="62",
        region=Region.SEOUL,
        size_class=SizeClass.STARTUP,
        founded_on=dt.date(2021, 4, 1),
    )
    member = UserFactory(email=MEMBER_EMAIL, full_name="이대표", role=Role.COMPANY_MEMBER)
    CompanyMembershipFactory(user=member, company=company)

    reviewers = [
        ReviewerProfileFactory(
            user=UserFactory(email=email, full_name=name, role=Role.REVIEWER),
            agency=agency,
            expertise_divisions=["62"],
            keywords=["비전"],
        )
        for email, name in zip(REVIEWER_EMAILS, ["박심사", "최심사"], strict=True)
    ]
    for name, totals in [("(주)가온데이터", (60.0, 64.0)), ("나래로보틱스(주)", (40.0, 50.0))]:
        other = ApplicationFactory(
            call=call,
            company=CompanyFactory(name_ko=name, ksic_section="J", ksic_division="62"),
            status=ApplicationStatus.UNDER_REVIEW,
            title=f"{name} 과제",
            requested_amount_krw=100_000_000,
        )
        for reviewer, total in zip(reviewers, totals, strict=True):
            assignment = ReviewAssignmentFactory(
                application=other, reviewer=reviewer, status=AssignmentStatus.SUBMITTED
            )
            ScoreSheet.objects.create(
                assignment=assignment, scores={}, total=total, comment="검토함", submitted_at=timezone.now()
            )
    return {"call": call, "company": company, "member": member, "official": official, "reviewers": reviewers}


def log_in(page: Any, email: str) -> None:
    """Fill the log-in page the browser is on (reached from the header or a redirect) and send it."""
    log_in_here(page, email, PASSWORD)


def log_in_from_home(page: Any, email: str) -> None:
    page.goto("/")
    click_and_load(page, page.get_by_role("link", name="로그인", exact=True).first)
    log_in(page, email)
    page.wait_for_url(re.compile(r"/$"))


def navigate(page: Any, name: str) -> None:
    click_and_load(page, page.get_by_role("navigation", name="주 메뉴").get_by_role("link", name=name, exact=True))


def answer_list(page: Any) -> list[tuple[str, str]]:
    """The (question, answer) pairs of the page's "answers" section."""
    answers = page.locator("section", has=page.get_by_role("heading", name="답변", exact=True)).locator("dl")
    return list(zip(answers.locator("dt").all_inner_texts(), answers.locator("dd").all_inner_texts(), strict=True))


def korean(text: Any) -> str:
    """A translatable label as the Korean interface shows it."""
    with translation.override("ko"):
        return str(text)


def error_of(page: Any, field_name: str) -> str:
    return str(page.locator(f"#id_{field_name}_error").text_content())


def fill_application(page: Any) -> None:
    """Answer every question of the form in Korean (the file is attached separately)."""
    page.get_by_label("과제명").fill(PROJECT_TITLE)
    page.get_by_label("신청 금액(원)").fill("150,000,000")
    page.get_by_label("직원 수").fill("23")
    page.get_by_label("자부담").fill("30,000,000원")
    hardware_section = page.locator("fieldset[data-section='hardware']")
    page.get_by_label("분야").select_option(label="하드웨어")
    assert hardware_section.is_visible()  # the conditional section appears when its answer is chosen
    page.get_by_label("분야").select_option(label="소프트웨어")
    assert hardware_section.is_hidden()
    page.get_by_role("group", name="태그").get_by_label("vision").check()
    page.get_by_label("시작일").fill("2026-03-02")


def attach(page: Any, name: str, content: bytes, mime_type: str) -> None:
    page.get_by_label("사업계획서").set_input_files({"name": name, "mimeType": mime_type, "buffer": content})


def test_an_application_goes_from_the_portal_through_screening_and_review_to_the_ranking(
    new_page: Any, journey: dict[str, Any]
) -> None:
    call, company = journey["call"], journey["company"]

    # 1. The portal, anonymous: the open calls, narrowed down to grants for the ICT industry.
    member_page = page = new_page()
    page.goto("/")
    navigate(page, "접수 중인 공고")
    rows = page.locator("table tbody th")
    assert sorted(rows.all_inner_texts()) == sorted(
        [f"{CALL_TITLE}\nAI 바우처 지원사업", f"{OTHER_CALL_TITLE}\n제조혁신 정책자금"]
    )
    search = page.get_by_role("search", name="접수 중인 공고 검색")
    search.get_by_label("사업 유형").select_option("grant")
    search.get_by_label("업종").select_option("J")
    click_and_load(page, search.get_by_role("button", name="검색", exact=True))
    assert "program_type=grant" in page.url and "ksic_section=J" in page.url
    assert page.get_by_role("link", name=CALL_TITLE).is_visible()
    assert page.get_by_role("link", name=OTHER_CALL_TITLE).count() == 0
    assert page.locator("table tbody tr").count() == 1
    check_page(page, "journey-01-portal-calls-filtered")

    # Another filter hides the call: the loan program type.
    search.get_by_label("사업 유형").select_option("loan")
    click_and_load(page, search.get_by_role("button", name="검색", exact=True))
    assert page.get_by_role("link", name=CALL_TITLE).count() == 0

    # 2. The call's public page; "apply" asks an anonymous visitor to log in first, then comes back.
    search.get_by_label("사업 유형").select_option("grant")
    click_and_load(page, search.get_by_role("button", name="검색", exact=True))
    click_and_load(page, page.get_by_role("link", name=CALL_TITLE))
    assert page.get_by_role("heading", level=1).inner_text() == CALL_TITLE
    check_page(page, "journey-02-call-page")
    click_and_load(page, page.get_by_role("button", name="신청하기"))
    assert page.get_by_role("heading", level=1).inner_text() == "로그인"
    log_in(page, MEMBER_EMAIL)
    page.wait_for_url(f"**/applications/start/{call.code}/")
    assert page.get_by_role("heading", level=1).inner_text() == f"신청하기: {CALL_TITLE}"
    page.get_by_label("신청 기업").select_option(label=COMPANY_NAME)
    check_page(page, "journey-03-start")
    click_and_load(page, page.get_by_role("button", name="신청서 작성 시작"))
    application = Application.objects.get(call=call, company=company)
    assert application.status == ApplicationStatus.DRAFT
    assert application.applicant == journey["member"]
    page.wait_for_url(f"**/applications/{application.pk}/edit/")
    # What a submission needs is marked before anything is sent (the form also saves incomplete drafts).
    required = page.locator(".field:has(.required-marker) label, .field:has(.required-marker) legend")
    assert [text.removesuffix(" *") for text in required.all_inner_texts()] == [
        "과제명",
        "신청 금액(원)",
        "사업 요약",
        "자부담",
        "분야",
        "시작일",
        "사업계획서",
    ]
    check_page(page, "journey-04-form-empty")

    # 3. Bad input: a required answer (the summary) is missing. Each error sits by its field;
    #    nothing is stored, not even the file that came with it.
    fill_application(page)
    attach(page, "사업계획서.pdf", PDF_BYTES, "application/pdf")
    click_and_load(page, page.get_by_role("button", name="제출", exact=True))
    assert page.title().startswith("오류: ")
    assert error_of(page, "summary") == "오류: 필수 입력 항목입니다."
    assert page.locator("#id_summary").get_attribute("aria-invalid") == "true"
    assert page.locator(".field-error").count() == 1
    assert page.get_by_label("과제명").input_value() == PROJECT_TITLE  # what was typed is kept
    assert page.locator("#id_business_plan_choose_again").is_visible()  # the file was not: say so
    check_page(page, "journey-05-form-missing-answer")
    application.refresh_from_db()
    assert (application.status, application.answers, application.title) == (ApplicationStatus.DRAFT, {}, "")
    assert Attachment.objects.filter(application=application).count() == 0
    assert StatusChange.objects.filter(application=application).count() == 0

    # 4. Bad input: a Windows program renamed report.pdf is refused for what it is.
    page.get_by_label("사업 요약").fill(SUMMARY)
    attach(page, "report.pdf", EXECUTABLE_BYTES, "application/pdf")
    click_and_load(page, page.get_by_role("button", name="제출", exact=True))
    assert error_of(page, "business_plan") == (
        "오류: 이 파일은 이름과 달리 문서가 아니라 프로그램이나 스크립트이므로 받을 수 없습니다."
    )
    assert page.locator(".field-error").count() == 1
    check_page(page, "journey-06-form-executable-refused")
    application.refresh_from_db()
    assert (application.status, application.answers) == (ApplicationStatus.DRAFT, {})
    assert Attachment.objects.filter(application=application).count() == 0

    # 5. The real PDF: submitted, and screened by the system at once.
    attach(page, "사업계획서.pdf", PDF_BYTES, "application/pdf")
    click_and_load(page, page.get_by_role("button", name="제출", exact=True))
    page.wait_for_url(f"**/applications/{application.pk}/")
    assert page.get_by_text("신청서를 제출했으며 신청 요건 검토가 완료되었습니다.").is_visible()
    assert page.locator(".status-badge").inner_text() == korean(ApplicationStatus.ELIGIBLE.label)
    assert page.get_by_role("link", name="사업계획서.pdf").is_visible()
    assert answer_list(page) == ANSWERS_AS_SHOWN  # labels, not stored values; the hardware section left out
    check_page(page, "journey-07-submitted")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ELIGIBLE
    assert application.is_eligible is True
    assert application.title == PROJECT_TITLE
    assert application.requested_amount_krw == 150_000_000
    assert application.answers == {
        "summary": SUMMARY.replace("\n", "\r\n"),  # as browsers send a textarea's lines
        "employees": 23,
        "own_funds": 30_000_000,
        "track": "software",
        "tags": ["vision"],
        "start_on": "2026-03-02",
    }
    attachment = Attachment.objects.get(application=application)
    assert (attachment.field_key, attachment.original_name) == ("business_plan", "사업계획서.pdf")
    assert attachment.content_type == "application/pdf"
    assert attachment.file.read() == PDF_BYTES
    assert list(StatusChange.objects.filter(application=application).values_list("transition", "actor")) == [
        ("submit", journey["member"].pk),
        ("screen_eligible", None),
    ]
    member_page.context.close()

    # 6. The official finds the call in their area and its application list: screened eligible.
    page = new_page()
    log_in_from_home(page, OFFICIAL_EMAIL)
    navigate(page, "사업 목록")
    click_and_load(page, page.get_by_role("link", name=CALL_TITLE))
    assert page.get_by_role("heading", level=1).inner_text() == CALL_TITLE
    check_page(page, "journey-08-official-call")
    click_and_load(page, page.get_by_role("main").get_by_role("link", name="신청", exact=True))
    assert page.get_by_role("heading", level=1).inner_text() == f"신청: {CALL_TITLE}"
    row = page.locator("tbody tr", has=page.get_by_role("link", name=COMPANY_NAME))
    assert row.locator("td").all_inner_texts()[:4] == [
        COMPANY_NAME,
        "150,000,000",
        korean(ApplicationStatus.ELIGIBLE.label),
        "적격",
    ]
    check_page(page, "journey-09-call-applications")
    click_and_load(page, row.get_by_role("link", name=COMPANY_NAME))
    history = page.locator("section", has=page.get_by_role("heading", name="상태 변경 이력"))
    assert "시스템" in history.inner_text()  # screened by the system on submission
    assert page.get_by_text("사업계획서.pdf").is_visible()
    check_page(page, "journey-10-official-application")

    # 7. The official runs the reviewer assignment: two reviewers, and the application under review.
    page.go_back()
    click_and_load(page, page.get_by_role("navigation", name="현재 위치").get_by_role("link", name=CALL_TITLE))
    page.wait_for_url(f"**/programs/calls/{call.pk}/")
    click_and_load(page, page.get_by_role("main").get_by_role("link", name="심사위원 배정"))
    assert page.get_by_role("heading", level=1).inner_text() == "심사위원 배정"
    check_page(page, "journey-11-assignment-before")
    click_and_load(page, page.get_by_role("button", name="심사 배정 실행"))
    page.get_by_role("button", name="결과 보기").wait_for()
    check_page(page, "journey-12-assignment-job")
    click_and_load(page, page.get_by_role("button", name="결과 보기"))
    assert page.get_by_text("모든 신청에 배정 완료").is_visible()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.UNDER_REVIEW
    assignments = ReviewAssignment.objects.filter(application=application).order_by("reviewer_id")
    assert [assignment.reviewer for assignment in assignments] == journey["reviewers"]
    assert {assignment.status for assignment in assignments} == {AssignmentStatus.ASSIGNED}
    assignment_rows = page.locator("tbody tr", has_text=PROJECT_TITLE)
    assert assignment_rows.count() == 2
    assert sorted(assignment_rows.locator("td:nth-child(3)").all_inner_texts()) == [
        f"박심사 #{journey['reviewers'][0].pk}",
        f"최심사 #{journey['reviewers'][1].pk}",
    ]
    check_page(page, "journey-13-assignment-done")
    official_page = page

    # 8. Each reviewer logs in, opens the application from their list, scores it and submits.
    for number, (email, (technology, market, comment)) in enumerate(
        zip(REVIEWER_EMAILS, REVIEWER_SCORES, strict=True), start=1
    ):
        page = new_page()
        log_in_from_home(page, email)
        navigate(page, "심사")
        assert page.get_by_role("heading", level=1).inner_text() == "내 심사"
        check_page(page, f"journey-14-reviewer{number}-dashboard")
        click_and_load(page, page.get_by_role("link", name=PROJECT_TITLE))
        assert page.get_by_role("heading", level=1).inner_text() == PROJECT_TITLE
        assert answer_list(page) == ANSWERS_AS_SHOWN
        with page.expect_download() as download:  # the reviewer may read the business plan
            page.get_by_role("link", name="사업계획서.pdf").click()
        assert download.value.suggested_filename == "사업계획서.pdf"
        assert Path(download.value.path()).read_bytes() == PDF_BYTES
        # Submitting an empty sheet is refused, field by field.
        click_and_load(page, page.get_by_role("button", name="제출", exact=True))
        assert error_of(page, "score_technology") == "오류: 제출하기 전에 이 평가 항목의 점수를 입력해 주세요."
        assert ScoreSheet.objects.filter(assignment__application=application, submitted_at__isnull=False).count() == (
            number - 1
        )
        page.get_by_label("기술성").fill(technology)
        page.get_by_label("시장성").fill(market)
        page.get_by_label("의견").fill(comment)
        check_page(page, f"journey-15-reviewer{number}-score-sheet")
        click_and_load(page, page.get_by_role("button", name="제출", exact=True))
        assert page.get_by_text("점수를 제출했습니다.").is_visible()
        scores = page.locator("section", has=page.get_by_role("heading", name="점수", exact=True)).locator("dl")
        assert scores.locator("dt").all_inner_texts() == ["기술성", "시장성"]
        assert scores.locator("dd").all_inner_texts() == [technology, market]
        check_page(page, f"journey-16-reviewer{number}-submitted")
        sheet = ScoreSheet.objects.get(assignment__application=application, assignment__reviewer__user__email=email)
        assert sheet.scores == {"technology": float(technology), "market": float(market)}
        assert sheet.total == pytest.approx(EXPECTED_TOTALS[number - 1])
        assert sheet.comment == comment
        assert sheet.assignment.status == AssignmentStatus.SUBMITTED
        page.context.close()

    # 9. The official reads the call's ranking: this application first, with its mean score.
    page = official_page
    click_and_load(page, page.get_by_role("navigation", name="이 공고의 심사").get_by_role("link", name="순위"))
    assert page.get_by_role("heading", level=1).inner_text() == "순위"
    ranking = page.get_by_role("region", name="신청 순위")
    ranked = ranking.locator("tbody tr")
    assert ranked.count() == 3
    first = ranked.first
    assert first.locator("th").inner_text().startswith(f"#{application.pk} {COMPANY_NAME}")
    cells = first.locator("td").all_inner_texts()
    assert cells[0] == "1"
    assert cells[3] == f"{sum(EXPECTED_TOTALS) / 2:.2f}"  # the raw mean of the two sheets
    assert cells[-1] == "2"
    assert page.get_by_role("link", name="순위", exact=True).get_attribute("aria-current") == "page"
    check_page(page, "journey-17-ranking")
    click_and_load(page, first.get_by_role("link", name=f"#{application.pk} {COMPANY_NAME}"))
    page.wait_for_url(f"**/applications/{application.pk}/")
    assert page.locator(".status-badge").inner_text() == korean(ApplicationStatus.UNDER_REVIEW.label)
