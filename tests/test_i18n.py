"""Korean is the interface's default language and English is complete, both through Django's i18n.

The catalogue tests read ``src/foster/locale``; the page tests render key pages in both languages
and check two things: the Korean page shows none of our English source strings, and the English
page shows no Hangul except the data itself (company and person names) and the "한국어" switch.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.test import Client
from django.urls import reverse

import foster
from foster.accounts.choices import Role
from foster.accounts.models import User
from foster.registry.choices import AIAdoption, Region, SizeClass
from foster.registry.models import Company
from tests.factories import (
    AgencyFactory,
    AgencyMembershipFactory,
    CompanyFactory,
    CompanyMembershipFactory,
    UserFactory,
)

LOCALE_DIR = Path(foster.__file__).resolve().parent / "locale"
LANGUAGES = ["ko", "en"]
HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_]*\}")
# Words that stay as they are in Korean: names and codes.
KEPT_AS_IS = {"Foster", "AI"}


def _po(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE_DIR / language / "LC_MESSAGES" / "django.po"))


def _mo(language: str) -> polib.MOFile:
    return polib.mofile(str(LOCALE_DIR / language / "LC_MESSAGES" / "django.mo"))


# --- the catalogues ---------------------------------------------------------------------------


def test_korean_catalogue_has_no_untranslated_or_fuzzy_entry() -> None:
    catalogue = _po("ko")
    assert len(catalogue) > 200
    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []
    assert not catalogue.metadata_is_fuzzy
    assert catalogue.metadata["Language"] == "ko"
    assert catalogue.metadata["Content-Type"] == "text/plain; charset=UTF-8"


def test_korean_translations_are_korean_and_keep_every_placeholder() -> None:
    not_korean, placeholders_changed = [], []
    for entry in _po("ko").translated_entries():
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        sources = [entry.msgid, entry.msgid_plural] if entry.msgid_plural else [entry.msgid]
        expected = sorted(set(PLACEHOLDER.findall(" ".join(sources))))
        for translation in translations:
            if not HANGUL.search(translation) and entry.msgid not in KEPT_AS_IS:
                not_korean.append(entry.msgid)
            if sorted(set(PLACEHOLDER.findall(translation))) != expected:
                placeholders_changed.append(entry.msgid)
    assert not_korean == []
    assert placeholders_changed == []


def test_english_catalogue_exists_and_is_not_fuzzy() -> None:
    catalogue = _po("en")
    assert catalogue.metadata["Language"] == "en"
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []
    # English is the source language: the catalogue holds the same messages as the Korean one.
    assert {entry.msgid for entry in catalogue} == {entry.msgid for entry in _po("ko")}


def _entries(catalogue: polib._BaseFile) -> dict[tuple[str | None, str], object]:
    """Translated entries as {(context, source): translation}; the .mo holds only these."""
    entries: dict[tuple[str | None, str], object] = {}
    for entry in catalogue:
        translation = {int(k): v for k, v in entry.msgstr_plural.items()} if entry.msgid_plural else entry.msgstr
        has_translation = any(translation.values()) if isinstance(translation, dict) else bool(translation)
        if entry.msgid and has_translation and not entry.obsolete and "fuzzy" not in entry.flags:
            entries[(entry.msgctxt, entry.msgid)] = translation
    return entries


@pytest.mark.parametrize("language", LANGUAGES)
def test_committed_mo_file_matches_the_po_file(language: str) -> None:
    """`make messages` compiles the .po; a .po edited without recompiling fails here."""
    assert _entries(_mo(language)) == _entries(_po(language))


# --- the pages --------------------------------------------------------------------------------


class _VisibleText(HTMLParser):
    """The text a visitor sees (and hears): text nodes outside <script>/<style>/<title>, plus the
    labels of ``aria-label`` and ``alt``; elements marked ``lang="ko"`` are skipped in English pages."""

    SKIPPED = {"script", "style", "head"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self, skip_lang: str | None = None) -> None:
        super().__init__()
        self.skip_lang = skip_lang
        self.stack: list[bool] = []
        self.parts: list[str] = []

    def _skipping(self) -> bool:
        return any(self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        skip = tag in self.SKIPPED or (self.skip_lang is not None and attributes.get("lang") == self.skip_lang)
        if not self._skipping() and not skip:
            for name in ("aria-label", "alt", "placeholder"):
                if attributes.get(name):
                    self.parts.append(attributes[name] or "")
        if tag not in self.VOID:
            self.stack.append(skip)

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not self._skipping() and data.strip():
            self.parts.append(" ".join(data.split()))


def visible_text(html: str, *, skip_lang: str | None = None) -> list[str]:
    parser = _VisibleText(skip_lang)
    parser.feed(html)
    return parser.parts


def html_lang(html: str) -> str:
    match = re.search(r"<html lang=\"([a-z-]+)\"", html)
    assert match, "no <html lang> attribute"
    return match.group(1)


def english_sources() -> set[str]:
    """Our English source strings of two words or more (single words such as "Name" could be data)."""
    sources = set()
    for entry in _po("ko").translated_entries():
        for source in (entry.msgid, entry.msgid_plural):
            if source and len(source.split()) >= 2 and not PLACEHOLDER.search(source) and "<" not in source:
                sources.add(source)
    return sources


def english_left_in_korean_page(html: str) -> list[str]:
    text = "\n".join(visible_text(html))
    return sorted(source for source in english_sources() if source in text)


def korean_left_in_english_page(html: str, data: list[str]) -> list[str]:
    """Fragments with Hangul in the English page, once data values (names) are taken out."""
    left = []
    for fragment in visible_text(html, skip_lang="ko"):
        for value in sorted(data, key=len, reverse=True):
            fragment = fragment.replace(value, "")
        if HANGUL.search(fragment):
            left.append(fragment)
    return left


@pytest.fixture
def data(db: None) -> dict[str, object]:
    """An agency official, a company member and their company, with Korean data values."""
    agency = AgencyFactory(code="kosme", name_ko="중소벤처기업진흥공단", name_en="Korea SMEs and Startups Agency")
    official = UserFactory(email="official@example.kr", full_name="김담당", role=Role.AGENCY_OFFICIAL)
    AgencyMembershipFactory(user=official, agency=agency)
    company = CompanyFactory(
        name_ko="(주)한빛인공지능",
        name_en="Hanbit AI Co., Ltd.",
        ksic_section="J",
        ksic_division="62",
        region=Region.BUSAN,
        size_class=SizeClass.STARTUP,
        ai_adoption=AIAdoption.AI_PROVIDER,
    )
    member = UserFactory(email="member@example.kr", full_name="이대표", role=Role.COMPANY_MEMBER)
    CompanyMembershipFactory(user=member, company=company)
    return {"official": official, "member": member, "company": company, "agency": agency}


def data_values(data: dict[str, object]) -> list[str]:
    company = data["company"]
    assert isinstance(company, Company)
    names = [company.name_ko, data["agency"].name_ko]  # type: ignore[attr-defined]
    return names + [user.full_name for user in (data["official"], data["member"]) if isinstance(user, User)]


def client_in(language: str, user: User | None = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    if language != "ko":
        response = client.post(reverse("set_language"), {"language": language, "next": "/"})
        assert response.status_code == 302
    return client


def test_front_page_is_korean_for_an_anonymous_visitor(db: None) -> None:
    response = Client().get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html_lang(html) == "ko"
    assert response.headers["Content-Language"] == "ko"
    assert "공개 통계" in html  # "Public statistics"
    assert "Public statistics" not in html
    assert english_left_in_korean_page(html) == []


def test_front_page_stays_korean_when_the_browser_prefers_english(db: None) -> None:
    """Korean is the default of the pages; only the switch changes the language."""
    response = Client().get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert html_lang(response.content.decode()) == "ko"


def test_api_follows_the_accept_language_header(db: None) -> None:
    english = Client().get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="en")
    korean = Client().get("/api/v1/me/")
    assert english.status_code == korean.status_code == 403
    assert english.json()["detail"] == "Authentication credentials were not provided."
    assert HANGUL.search(korean.json()["detail"])


def test_language_switch_goes_to_english_on_the_next_page_and_back(db: None) -> None:
    client = Client()
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    html = response.content.decode()
    assert response.redirect_chain == [("/", 302)]
    assert html_lang(html) == "en"
    assert "Public statistics" in html
    assert korean_left_in_english_page(html, data=[]) == []
    # The choice holds for the following pages...
    html = client.get(reverse("accounts:login")).content.decode()
    assert html_lang(html) == "en"
    assert "<h1>Log in</h1>" in html
    # ...until the visitor switches back.
    response = client.post(reverse("set_language"), {"language": "ko", "next": "/"}, follow=True)
    html = response.content.decode()
    assert html_lang(html) == "ko"
    assert "공개 통계" in html
    assert english_left_in_korean_page(html) == []


def test_language_switch_is_a_button_naming_the_other_language(db: None) -> None:
    korean = Client().get("/").content.decode()
    english = client_in("en").get("/").content.decode()
    assert '<button type="submit" name="language" value="en" lang="en"' in korean
    assert 'value="ko" lang="ko"' not in korean
    assert '<button type="submit" name="language" value="ko" lang="ko"' in english
    assert ">한국어</button>" in english


KEY_PAGES = {
    # name: (who, how to get the page, a heading in Korean, the same in English)
    "front page": (None, "get-path:/", "공개 통계", "Public statistics"),
    "log-in": (None, "get:accounts:login", "<h1>로그인</h1>", "<h1>Log in</h1>"),
    "sign-up": (None, "get:accounts:signup", "<h1>회원가입</h1>", "<h1>Sign up</h1>"),
    "log-in error": (
        None,
        "login-error",
        "이메일 주소 또는 비밀번호가",
        "The e-mail address or password is not correct",
    ),
    "company list": ("official", "get:registry:company-list", "<h1>기업 목록</h1>", "<h1>Companies</h1>"),
    "company search": ("official", "search", "기업 1곳", "1 company found"),
    "company detail": ("official", "detail", "사업자등록번호", "Business registration number"),
    "own companies": ("member", "get:registry:company-list", "<h1>내 기업</h1>", "<h1>My companies</h1>"),
    "company form errors": ("member", "form-error", "입력 내용을 확인", "Please correct the following"),
    "profile": ("official", "get:accounts:profile", "<h1>내 계정</h1>", "<h1>My account</h1>"),
    "not found": ("official", "get-path:/companies/999999/", "페이지를 찾을 수 없습니다", "Page not found"),
    "import": ("official", "get:registry:company-import", "<h1>기업 일괄 등록</h1>", "<h1>Import companies</h1>"),
}
# Korean that belongs in an English page: examples of what to type (the official region names).
KOREAN_EXAMPLES = ["서울특별시", "경기도"]


def _fetch(client: Client, how: str, data: dict[str, object]) -> str:
    company = data["company"]
    assert isinstance(company, Company)
    if how.startswith("get:"):
        response = client.get(reverse(how.removeprefix("get:")))
    elif how.startswith("get-path:"):
        response = client.get(how.removeprefix("get-path:"))
    elif how == "login-error":
        response = client.post(reverse("accounts:login"), {"username": "nobody@example.kr", "password": "wrong"})
    elif how == "search":
        response = client.get(reverse("registry:company-list"), {"q": "한빛"})
    elif how == "detail":
        response = client.get(reverse("registry:company-detail", args=[company.pk]))
    elif how == "form-error":
        form = {"business_registration_number": "123-45-67891", "name_ko": "", "region": "seoul"}
        response = client.post(reverse("registry:company-register"), form)
    else:  # pragma: no cover - a typo in KEY_PAGES
        raise AssertionError(how)
    assert response.status_code in {200, 404}, (how, response.status_code)
    return response.content.decode()


@pytest.mark.parametrize("page", KEY_PAGES, ids=list(KEY_PAGES))
def test_key_page_renders_in_korean_and_in_english(page: str, data: dict[str, object]) -> None:
    who, how, korean_text, english_text = KEY_PAGES[page]
    user = data[who] if who else None
    assert user is None or isinstance(user, User)

    korean = _fetch(client_in("ko", user), how, data)
    assert html_lang(korean) == "ko"
    assert korean_text in korean
    assert english_left_in_korean_page(korean) == []

    english = _fetch(client_in("en", user), how, data)
    assert html_lang(english) == "en"
    assert english_text in english
    assert korean_left_in_english_page(english, data=data_values(data) + KOREAN_EXAMPLES) == []


def test_company_data_stays_korean_in_the_english_page(data: dict[str, object]) -> None:
    """Names are data, not interface: the Korean name is shown in both languages."""
    company = data["company"]
    assert isinstance(company, Company)
    official = data["official"]
    assert isinstance(official, User)
    url = reverse("registry:company-detail", args=[company.pk])
    english = client_in("en", official).get(url).content.decode()
    assert '<h1 lang="ko">(주)한빛인공지능</h1>' in english
    assert "Hanbit AI Co., Ltd." in english
    # Choice labels and the KSIC name are translated, not data.
    assert "Busan" in english and "부산" not in english
    assert "Computer programming, consultancy and related activities" in english
    korean = client_in("ko", official).get(url).content.decode()
    assert "부산" in korean
    assert "컴퓨터 프로그래밍, 시스템 통합 및 관리업" in korean


VALID_COMPANY_FORM = {
    "business_registration_number": "220-81-62517",
    "name_ko": "(주)새봄로보틱스",
    "name_en": "",
    "ksic_division": "62",
    "region": "seoul",
    "size_class": "startup",
    "founded_on": "2021-04-01",
    "employees": "7",
    "revenue_krw": "350000000",
    "ai_adoption": "in_use",
}


def test_form_errors_are_next_to_their_field_and_linked(data: dict[str, object]) -> None:
    member = data["member"]
    assert isinstance(member, User)
    client = client_in("ko", member)
    # A wrong check digit is found by the service and shown on the number's field.
    form = {**VALID_COMPANY_FORM, "business_registration_number": "220-81-62518"}
    html = client.post(reverse("registry:company-register"), form).content.decode()
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_business_registration_number_helptext id_business_registration_number_error"' in html
    assert '<p class="field-error" id="id_business_registration_number_error">' in html
    assert "검증번호" in html
    assert '<a href="#id_business_registration_number">사업자등록번호: ' in html
    assert "<title>오류: 기업 등록 · Foster</title>" in html
    assert Company.objects.filter(name_ko="(주)새봄로보틱스").count() == 0
    # Missing values: each field says so next to itself.
    html = client.post(reverse("registry:company-register"), {"name_ko": ""}).content.decode()
    assert 'id="id_name_ko_error"' in html
    assert 'aria-describedby="id_name_ko_error"' in html
    assert '<a href="#id_name_ko">' in html
    assert "표시는 필수 입력 항목입니다" in html
    # The same form, corrected, registers the company.
    response = client.post(reverse("registry:company-register"), VALID_COMPANY_FORM)
    assert response.status_code == 302
    assert Company.objects.filter(name_ko="(주)새봄로보틱스").count() == 1
