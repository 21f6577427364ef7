"""Registry pages over HTTP: list with search and filters, detail, self-registration, edit, valuations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from foster.accounts.choices import Role
from foster.accounts.models import User
from foster.core.models import AuditEvent
from foster.registry.choices import MembershipRole
from foster.registry.models import Company, CompanyMembership, ValuationRecord
from foster.registry.seeding import registration_number
from foster.registry.services import company_data_from
from tests.factories import CompanyFactory
from tests.http import english_client

pytestmark = pytest.mark.django_db

NUMBER = registration_number(2_468)
DASHED = f"{NUMBER[:3]}-{NUMBER[3:5]}-{NUMBER[5:]}"


def registration_form(**changes: Any) -> dict[str, Any]:
    return {
        "business_registration_number": DASHED,
        "name_ko": "(주)별빛비전",
        "name_en": "Byeolbit Vision Co., Ltd.",
        "ksic_division": "26",
        "region": "gwangju",
        "size_class": "startup",
        "founded_on": "2023-02-14",
        "employees": "5",
        "revenue_krw": "0",
        "ai_adoption": "piloting",
        **changes,
    }


def edit_form(company: Company, **changes: Any) -> dict[str, Any]:
    values = dict(company_data_from(company).__dict__)
    values["founded_on"] = company.founded_on.isoformat()
    return {**values, **changes}


def registry_rows() -> list[tuple[Any, ...]]:
    return list(Company.objects.order_by("pk").values_list())


@pytest.fixture
def member_company(make_user: Callable[[str], User]) -> tuple[User, Company]:
    member = make_user(Role.COMPANY_MEMBER)
    return member, member.company_memberships.get().company


# --- Self-registration ---------------------------------------------------------------------------


def test_a_public_user_registers_their_company(make_user: Callable[[str], User]) -> None:
    user = make_user(Role.PUBLIC)
    client = english_client(user)

    response = client.post(reverse("registry:company-register"), registration_form())

    company = Company.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:company-detail", args=[company.pk])
    assert (company.business_registration_number, company.name_ko, company.ksic_section) == (
        NUMBER,
        "(주)별빛비전",
        "C",
    )
    assert CompanyMembership.objects.get().role == MembershipRole.OWNER
    user.refresh_from_db()
    assert user.role == Role.COMPANY_MEMBER
    assert "The company was registered." in client.get(response["Location"]).content.decode()


def test_a_wrong_check_digit_is_explained_and_nothing_is_created(make_user: Callable[[str], User]) -> None:
    wrong = DASHED[:-1] + str((int(DASHED[-1]) + 1) % 10)
    user = make_user(Role.PUBLIC)

    response = english_client(user).post(
        reverse("registry:company-register"), registration_form(business_registration_number=wrong)
    )

    assert response.status_code == 200
    assert response.context["form"].errors["business_registration_number"] == [
        f"The check digit of “{wrong}” is wrong; please check the number on the registration certificate."
    ]
    assert "check digit" in response.content.decode()
    assert not Company.objects.exists()
    user.refresh_from_db()
    assert user.role == Role.PUBLIC


def test_a_registered_number_is_explained_and_nothing_is_created(make_user: Callable[[str], User]) -> None:
    CompanyFactory(business_registration_number=NUMBER)
    before = registry_rows()

    response = english_client(make_user(Role.PUBLIC)).post(reverse("registry:company-register"), registration_form())

    assert response.status_code == 200
    [message] = response.context["form"].errors["business_registration_number"]
    assert message.startswith("A company with this business registration number is already registered.")
    assert registry_rows() == before
    assert not CompanyMembership.objects.exists()


# --- Edit -------------------------------------------------------------------------------------------


def test_a_member_edits_their_company_and_the_history_shows_it(member_company: tuple[User, Company]) -> None:
    member, company = member_company
    old_name = company.name_ko
    client = english_client(member)

    response = client.post(
        reverse("registry:company-edit", args=[company.pk]), edit_form(company, name_ko="(주)바뀐이름", employees=40)
    )

    assert response.status_code == 302
    company.refresh_from_db()
    assert (company.name_ko, company.employees) == ("(주)바뀐이름", 40)
    event = AuditEvent.objects.get(action="company.update")
    assert event.actor == member
    assert event.changes == {"name_ko": [old_name, "(주)바뀐이름"], "employees": [12, 40]}
    detail = client.get(reverse("registry:company-detail", args=[company.pk]))
    assert list(detail.context["events"]) == [event]


def test_an_official_edits_any_company(make_user: Callable[[str], User], member_company: tuple[User, Company]) -> None:
    official = make_user(Role.AGENCY_OFFICIAL)
    _member, company = member_company

    response = english_client(official).post(
        reverse("registry:company-edit", args=[company.pk]), edit_form(company, ai_adoption="in_use")
    )

    assert response.status_code == 302
    company.refresh_from_db()
    assert company.ai_adoption == "in_use"
    event = AuditEvent.objects.get(action="company.update")
    assert (event.actor, event.changes) == (official, {"ai_adoption": ["exploring", "in_use"]})


def test_a_member_of_another_company_gets_404_and_the_row_is_unchanged(
    make_user: Callable[[str], User], member_company: tuple[User, Company]
) -> None:
    _member, company = member_company
    outsider = english_client(make_user(Role.COMPANY_MEMBER))
    before = registry_rows()

    edit_page = outsider.get(reverse("registry:company-edit", args=[company.pk]))
    edit = outsider.post(reverse("registry:company-edit", args=[company.pk]), edit_form(company, name_ko="탈취"))

    assert (edit_page.status_code, edit.status_code) == (404, 404)
    assert registry_rows() == before
    assert not AuditEvent.objects.exists()


def test_a_planner_sees_a_company_but_may_not_edit_it(
    make_user: Callable[[str], User], member_company: tuple[User, Company]
) -> None:
    _member, company = member_company
    planner = english_client(make_user(Role.MINISTRY_PLANNER))
    before = registry_rows()

    detail = planner.get(reverse("registry:company-detail", args=[company.pk]))
    edit = planner.post(reverse("registry:company-edit", args=[company.pk]), edit_form(company, name_ko="변경"))

    assert detail.status_code == 200
    assert (detail.context["can_change"], detail.context["can_add_valuation"]) == (False, False)
    assert edit.status_code == 403
    assert registry_rows() == before


def test_an_invalid_edit_shows_the_form_again_and_changes_nothing(member_company: tuple[User, Company]) -> None:
    member, company = member_company
    before = registry_rows()

    response = english_client(member).post(
        reverse("registry:company-edit", args=[company.pk]), edit_form(company, name_ko="", employees="-3")
    )

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name_ko", "employees"}
    assert registry_rows() == before


# --- Valuations -------------------------------------------------------------------------------------


def test_a_member_adds_a_valuation(member_company: tuple[User, Company]) -> None:
    member, company = member_company

    response = english_client(member).post(
        reverse("registry:valuation-add", args=[company.pk]),
        {
            "valued_on": "2024-11-30",
            "amount_krw": "27600000000",
            "amount_usd": "20000000",
            "source": "investment_round",
        },
    )

    assert response.status_code == 302
    assert list(ValuationRecord.objects.values_list("company", "valued_on", "amount_krw", "amount_usd", "source")) == [
        (company.pk, dt.date(2024, 11, 30), 27_600_000_000, 20_000_000, "investment_round")
    ]


def test_a_valuation_before_the_founding_date_is_refused(member_company: tuple[User, Company]) -> None:
    member, company = member_company

    response = english_client(member).post(
        reverse("registry:valuation-add", args=[company.pk]),
        {"valued_on": "2001-01-01", "amount_krw": "1000", "source": "appraisal"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["valued_on"] == [
        "The valuation date cannot be before the company was founded."
    ]
    assert not ValuationRecord.objects.exists()


# --- List and detail --------------------------------------------------------------------------------


@pytest.fixture
def listed(make_user: Callable[[str], User]) -> User:
    CompanyFactory(
        name_ko="(주)한빛로보틱스",
        name_en="Hanbit Robotics",
        business_registration_number="1018112345",
        region="gyeonggi",
        size_class="small",
    )
    CompanyFactory(
        name_ko="누리데이터",
        name_en="Nuri Data Inc.",
        business_registration_number="2208654321",
        region="seoul",
        size_class="startup",
        ksic_section="J",
        ksic_division="62",
    )
    return make_user(Role.AGENCY_OFFICIAL)


def _listed_names(user: User, **params: str) -> list[str]:
    response = english_client(user).get(reverse("registry:company-list"), params)
    assert response.status_code == 200
    return [company.name_ko for company in response.context["page"].object_list]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "한빛"}, ["(주)한빛로보틱스"]),
        ({"q": "data"}, ["누리데이터"]),
        ({"q": "101-81"}, ["(주)한빛로보틱스"]),
        ({"q": "10181"}, ["(주)한빛로보틱스"]),
        ({"region": "seoul"}, ["누리데이터"]),
        ({"size_class": "small"}, ["(주)한빛로보틱스"]),
        ({"ksic_section": "J"}, ["누리데이터"]),
        ({"q": "한빛", "region": "seoul"}, []),
        ({}, ["(주)한빛로보틱스", "누리데이터"]),
    ],
)
def test_the_list_searches_and_filters(listed: User, params: dict[str, str], expected: list[str]) -> None:
    assert _listed_names(listed, **params) == expected


def test_an_unknown_filter_value_does_not_break_the_list(listed: User) -> None:
    assert _listed_names(listed, region="mars") == ["(주)한빛로보틱스", "누리데이터"]


def test_htmx_gets_only_the_table(listed: User) -> None:
    response = english_client(listed).get(
        reverse("registry:company-list"), {"q": "한빛"}, headers={"hx-request": "true"}
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert "Hanbit Robotics" in body  # names in the page's language
    assert "Nuri Data" not in body


def test_a_member_lists_only_their_company(member_company: tuple[User, Company]) -> None:
    member, company = member_company
    CompanyFactory(name_ko="남의회사")

    assert _listed_names(member) == [company.name_ko]
    assert _listed_names(member, q="남의") == []


def test_the_detail_page_shows_the_company(member_company: tuple[User, Company]) -> None:
    member, company = member_company
    ValuationRecord.objects.create(
        company=company, valued_on=dt.date(2024, 5, 1), amount_krw=2_760_000_000, source="appraisal"
    )

    response = english_client(member).get(reverse("registry:company-detail", args=[company.pk]))

    body = response.content.decode()
    assert response.status_code == 200
    assert company.name_ko in body
    assert company.formatted_registration_number in body
    assert "2,760,000,000" in body
    assert (response.context["can_change"], response.context["can_add_valuation"]) == (True, True)


def test_another_members_company_is_hidden_even_from_its_detail_page(
    make_user: Callable[[str], User], member_company: tuple[User, Company]
) -> None:
    _member, company = member_company

    response = english_client(make_user(Role.COMPANY_MEMBER)).get(reverse("registry:company-detail", args=[company.pk]))

    assert response.status_code == 404
    assert company.name_ko not in response.content.decode()


def test_unknown_company_is_404_like_a_hidden_one(make_user: Callable[[str], User]) -> None:
    response = english_client(make_user(Role.COMPANY_MEMBER)).get(reverse("registry:company-detail", args=[999_999]))

    assert response.status_code == 404
