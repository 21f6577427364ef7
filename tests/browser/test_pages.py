"""The pages as a person sees them in a real browser: Korean first, English on request, usable by
keyboard, on a narrow screen and in the dark colour scheme, with no axe-core finding.

Each step saves a full-page screenshot to ``artifacts/screenshots/`` (look at them after a change).
The browser asks for English (``locale="en-US"``) on purpose: the pages must still start in Korean.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest

from foster.accounts.choices import Role
from foster.core.choices import JobStatus
from foster.core.models import Job
from foster.registry.choices import AIAdoption, Region, SizeClass, ValuationSource
from foster.registry.models import Company, ValuationRecord
from tests.browser.support import SCREENSHOTS, check_page, click_and_load, log_in_here
from tests.factories import (
    PASSWORD,
    AgencyFactory,
    AgencyMembershipFactory,
    CompanyFactory,
    CompanyMembershipFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OFFICIAL_EMAIL = "official@example.kr"
MEMBER_EMAIL = "member@example.kr"
OTHER_NAMES = [
    "(주)가온데이터",
    "나래로보틱스(주)",
    "(주)다온스마트팩토리",
    "(주)라온비전",
    "마루에이아이(주)",
    "(주)한빛물산",
]


@pytest.fixture
def registry(transactional_db: None) -> dict[str, Any]:
    """An agency official, a company member and a few companies, one of them the member's."""
    agency = AgencyFactory(code="kosme", name_ko="중소벤처기업진흥공단", name_en="Korea SMEs and Startups Agency")
    official = UserFactory(email=OFFICIAL_EMAIL, full_name="김담당", role=Role.AGENCY_OFFICIAL)
    AgencyMembershipFactory(user=official, agency=agency, title="주임")
    company = CompanyFactory(
        name_ko="(주)한빛인공지능",
        name_en="Hanbit AI Co., Ltd.",
        ksic_section="J",
        ksic_division="62",
        region=Region.BUSAN,
        size_class=SizeClass.STARTUP,
        founded_on=dt.date(2021, 4, 1),
        employees=23,
        revenue_krw=1_850_000_000,
        ai_adoption=AIAdoption.AI_PROVIDER,
    )
    for index, name in enumerate(OTHER_NAMES):
        CompanyFactory(name_ko=name, name_en=f"Company {index}", region=list(Region)[index].value)
    ValuationRecord.objects.create(
        company=company,
        valued_on=dt.date(2024, 6, 30),
        amount_krw=42_000_000_000,
        amount_usd=30_000_000,
        source=ValuationSource.INVESTMENT_ROUND,
    )
    ValuationRecord.objects.create(
        company=company,
        valued_on=dt.date(2023, 1, 15),
        amount_krw=12_500_000_000,
        source=ValuationSource.APPRAISAL,
    )
    member = UserFactory(email=MEMBER_EMAIL, full_name="이대표", role=Role.COMPANY_MEMBER)
    CompanyMembershipFactory(user=member, company=company)
    return {"company": company, "official": official, "member": member}


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.url, locale="en-US", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def log_in(page: Any, email: str) -> None:
    page.goto("/accounts/login/")
    log_in_here(page, email, PASSWORD)
    page.wait_for_url(re.compile(r"/$"))


def html_lang(page: Any) -> str:
    return str(page.locator("html").get_attribute("lang"))


def test_walk_through_the_registry_as_an_official_and_as_a_company_member(page: Any, registry: dict[str, Any]) -> None:
    company = registry["company"]

    # 1. The front page, anonymous, in Korean although the browser prefers English.
    page.goto("/")
    assert html_lang(page) == "ko"
    assert page.get_by_role("heading", level=1).inner_text() == "Foster: AI 창업기업 육성사업을 한곳에서"
    assert page.get_by_role("button", name="English").is_visible()
    check_page(page, "01-home-ko-anonymous")

    # 2. The log-in page, reached from the header.
    click_and_load(page, page.get_by_role("link", name="로그인", exact=True).first)
    assert page.get_by_role("heading", level=1).inner_text() == "로그인"
    check_page(page, "02-login-ko")

    # 3. Log in as an agency official: the header shows who and in which role; the navigation grows.
    log_in(page, OFFICIAL_EMAIL)
    assert page.locator(".account-link").inner_text().split() == ["김담당", "기관", "담당자"]
    navigation = page.get_by_role("navigation", name="주 메뉴")
    assert navigation.get_by_role("link").all_inner_texts() == [
        "Foster AI 창업기업 육성 플랫폼",
        "홈",
        "접수 중인 공고",
        "통계",
        "기업 목록",
        "일괄 등록",
        "사업 목록",
        "신청",
        "심사",
        "개방형 혁신",
        "교육·컨설팅",
        "기수",
        "재무",
        "계획 성과지표",
        "알림",
    ]
    check_page(page, "03-home-ko-official")

    # 3b. The import page an official reaches from the navigation (its form uses the shared field layout).
    click_and_load(page, navigation.get_by_role("link", name="일괄 등록"))
    assert page.get_by_role("heading", level=1).inner_text() == "기업 일괄 등록"
    assert navigation.get_by_role("link", name="일괄 등록").get_attribute("aria-current") == "page"
    assert navigation.get_by_role("link", name="기업 목록").get_attribute("aria-current") is None
    check_page(page, "03b-import-ko")

    # 4. The company list; its navigation link is marked as the current page.
    click_and_load(page, navigation.get_by_role("link", name="기업 목록"))
    assert navigation.get_by_role("link", name="기업 목록").get_attribute("aria-current") == "page"
    assert page.locator("#company-count").inner_text() == "기업 7곳"
    assert page.locator("#company-table tbody tr").count() == 7
    check_page(page, "04-companies-ko")

    # 5. Live search with htmx: typing a fragment updates the table and the count, not the page.
    page.evaluate("window.__samePage = true")
    with page.expect_response(lambda response: "q=%ED%95%9C%EB%B9%9B" in response.url):
        page.locator("#id_q").press_sequentially("한빛", delay=50)
    page.wait_for_function("document.querySelectorAll('#company-table tbody tr').length === 2")
    assert page.evaluate("window.__samePage") is True
    assert sorted(page.locator("#company-table tbody th").all_inner_texts()) == ["(주)한빛물산", "(주)한빛인공지능"]
    assert page.locator("#company-count").inner_text() == "기업 2곳"
    assert "q=%ED%95%9C%EB%B9%9B" in page.url  # the search is in the address, so it can be shared
    check_page(page, "05-companies-search-ko")

    # 6. The company's page.
    click_and_load(page, page.get_by_role("link", name="(주)한빛인공지능"))
    page.wait_for_url(f"**/companies/{company.pk}/")
    assert page.get_by_role("heading", level=1).inner_text() == "(주)한빛인공지능"
    assert page.locator(".facts").get_by_text("부산광역시").is_visible()
    assert page.locator("table caption").inner_text() == "(주)한빛인공지능의 기업가치(최신순)"
    check_page(page, "06-company-detail-ko")

    # 7. Switch to English: the same page, now in English; the company's Korean name stays (it is data).
    click_and_load(page, page.get_by_role("button", name="English"))
    page.wait_for_url(f"**/companies/{company.pk}/")
    assert html_lang(page) == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "(주)한빛인공지능"
    assert page.get_by_role("heading", name="Valuation history").is_visible()
    assert page.locator(".facts").get_by_text("Busan").is_visible()
    assert page.get_by_role("button", name="한국어").is_visible()
    check_page(page, "07-company-detail-en")

    # 8. Log out: back on the front page, still in English.
    click_and_load(page, page.get_by_role("button", name="Log out"))
    page.wait_for_url(re.compile(r"/$"))
    assert html_lang(page) == "en"
    assert page.get_by_role("link", name="Log in", exact=True).first.is_visible()
    check_page(page, "08-home-en-logged-out")

    # 9. Back to Korean; a company member sees only their own company.
    click_and_load(page, page.get_by_role("button", name="한국어"))
    assert html_lang(page) == "ko"
    log_in(page, MEMBER_EMAIL)
    click_and_load(page, page.get_by_role("navigation", name="주 메뉴").get_by_role("link", name="내 기업"))
    assert page.get_by_role("heading", level=1).inner_text() == "내 기업"
    assert page.locator("#company-table tbody th").all_inner_texts() == ["(주)한빛인공지능"]
    check_page(page, "09-my-companies-ko-member")

    # 10. A form with errors: the summary gets the focus and links to the field; the error sits by its field.
    click_and_load(page, page.get_by_role("link", name="(주)한빛인공지능"))
    click_and_load(
        page,
        page.get_by_role("button", name="기업 정보 수정"),
    )
    page.locator("#id_business_registration_number").fill("220-81-6251")
    click_and_load(page, page.get_by_role("button", name="변경 내용 저장"))
    assert page.title().startswith("오류: ")
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')") is True
    number = page.locator("#id_business_registration_number")
    assert number.get_attribute("aria-invalid") == "true"
    described_by = str(number.get_attribute("aria-describedby")).split()
    assert described_by == ["id_business_registration_number_helptext", "id_business_registration_number_error"]
    assert "10자리" in page.locator("#id_business_registration_number_error").inner_text()
    check_page(page, "10-company-form-errors-ko")
    page.locator(".error-summary a").first.click()
    assert page.evaluate("document.activeElement.id") == "id_business_registration_number"
    assert Company.objects.get(pk=company.pk).business_registration_number == company.business_registration_number

    # 11. Another error, in English: a required field left empty.
    click_and_load(page, page.get_by_role("button", name="English"))
    page.locator("#id_business_registration_number").fill(company.formatted_registration_number)
    page.locator("#id_name_ko").fill("")
    click_and_load(page, page.get_by_role("button", name="Save changes"))
    assert page.title().startswith("Error: ")
    assert page.locator("#id_name_ko_error").text_content() == "Error: This field is required."
    check_page(page, "11-company-form-errors-en")
    assert Company.objects.get(pk=company.pk).name_ko == "(주)한빛인공지능"  # nothing was saved


def test_keyboard_reaches_the_skip_link_first_and_it_moves_focus_to_the_content(
    page: Any, registry: dict[str, Any]
) -> None:
    log_in(page, OFFICIAL_EMAIL)
    page.goto("/companies/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert page.evaluate("document.activeElement.textContent") == "본문 바로가기"
    skip_link_box = page.locator(".skip-link").bounding_box()
    assert skip_link_box is not None and skip_link_box["y"] >= 0  # shown on screen while focused
    page.screenshot(path=str(SCREENSHOTS / "12-skip-link-focused.png"))
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # The next Tab goes into the content, not back to the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.getElementById('main').contains(document.activeElement)") is True
    # Focus is visible: a solid outline of at least 2px.
    outline = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineWidth]; })()"
    )
    assert outline[0] == "solid" and float(outline[1].removesuffix("px")) >= 2


def test_header_order_follows_the_visual_order(page: Any, registry: dict[str, Any]) -> None:
    """Tab goes skip link, account, log out, language, brand, navigation: as they appear, top left to right."""
    log_in(page, OFFICIAL_EMAIL)
    names = []
    for _ in range(7):
        page.keyboard.press("Tab")
        names.append(page.evaluate("document.activeElement.innerText.trim().replace(/\\s+/g, ' ')"))
    assert names == [
        "본문 바로가기",
        "김담당 기관 담당자",
        "로그아웃",
        "English",
        "Foster AI 창업기업 육성 플랫폼",
        "홈",
        "접수 중인 공고",
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_narrow_screen_has_no_horizontal_scrolling(
    browser: Any, live_server: Any, registry: dict[str, Any], scheme: str
) -> None:
    """A phone-sized screen (375 px) in both colour schemes: everything fits, contrast holds."""
    company = registry["company"]
    context = browser.new_context(
        base_url=live_server.url, locale="ko-KR", viewport={"width": 375, "height": 812}, color_scheme=scheme
    )
    page = context.new_page()
    try:
        page.goto("/")
        check_page(page, f"13-narrow-{scheme}-home")
        log_in(page, OFFICIAL_EMAIL)
        for name, url in [("companies", "/companies/"), ("detail", f"/companies/{company.pk}/")]:
            page.goto(url)
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), name
            check_page(page, f"13-narrow-{scheme}-{name}")
        page.goto("/companies/register/")
        click_and_load(page, page.get_by_role("button", name="등록", exact=True))
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        check_page(page, f"13-narrow-{scheme}-form-errors")
    finally:
        context.close()


def test_job_progress_updates_in_place_and_announces_the_end_once(page: Any, registry: dict[str, Any]) -> None:
    """htmx polls the job every second; the status line for screen readers is filled only at the end."""
    job = Job.objects.create(kind="registry.import", owner=registry["official"], total=10, status=JobStatus.QUEUED)
    log_in(page, OFFICIAL_EMAIL)
    page.goto(f"/jobs/{job.pk}/")
    announcement = page.locator(f"#job-{job.pk}-announcement")
    assert announcement.get_attribute("role") == "status"
    assert announcement.text_content() == ""
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, done=4)
    page.get_by_text("전체 10단계 중 4단계 완료").wait_for()
    assert announcement.text_content() == ""  # nothing read out while the job runs
    check_page(page, "14-job-running-ko")
    Job.objects.filter(pk=job.pk).update(status=JobStatus.SUCCEEDED, done=10, result={"next_url": "/companies/"})
    page.get_by_role("button", name="결과 보기").wait_for()
    assert announcement.text_content() == "완료"
    assert page.locator(f"#job-{job.pk}-body").get_attribute("hx-get") is None  # polling has stopped
    check_page(page, "15-job-finished-ko")
