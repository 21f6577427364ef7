"""Registry selectors: the scoping every query starts from, and the list's search and filters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.contrib.auth.models import AnonymousUser

from foster.accounts.choices import Role
from foster.accounts.models import User
from foster.registry.models import Company, ValuationRecord
from foster.registry.selectors import CompanyFilter, company_queryset_for, company_search, valuation_queryset_for
from tests.factories import CompanyFactory, CompanyMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def companies() -> dict[str, Company]:
    """Three companies with different names, numbers, sectors, regions, sizes and AI adoption."""
    return {
        "hanbit": CompanyFactory(
            name_ko="(주)한빛로보틱스",
            name_en="Hanbit Robotics Co., Ltd.",
            business_registration_number="1018112345",
            ksic_section="C",
            ksic_division="29",
            region="gyeonggi",
            size_class="small",
            ai_adoption="in_use",
        ),
        "nuri": CompanyFactory(
            name_ko="누리데이터 주식회사",
            name_en="Nuri Data Inc.",
            business_registration_number="2208654321",
            ksic_section="J",
            ksic_division="62",
            region="seoul",
            size_class="startup",
            ai_adoption="ai_provider",
        ),
        "daon": CompanyFactory(
            name_ko="다온식품",
            name_en="",
            business_registration_number="3058877777",
            ksic_section="C",
            ksic_division="10",
            region="busan",
            size_class="medium",
            ai_adoption="none",
        ),
    }


def _search(user: User, **filters: str) -> list[str]:
    return [company.name_ko for company in company_search(user=user, filters=CompanyFilter(**filters))]


@pytest.fixture
def planner(make_user: Callable[[str], User]) -> User:
    return make_user(Role.MINISTRY_PLANNER)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("한빛", ["(주)한빛로보틱스"]),
        ("데이터", ["누리데이터 주식회사"]),
        ("robot", ["(주)한빛로보틱스"]),
        ("NURI DATA", ["누리데이터 주식회사"]),
        ("8112", ["(주)한빛로보틱스"]),
        ("220-86", ["누리데이터 주식회사"]),
        ("22086", ["누리데이터 주식회사"]),
        ("305-88-77777", ["다온식품"]),
        ("  다온  ", ["다온식품"]),
        ("없는회사", []),
    ],
)
def test_search_matches_part_of_a_name_or_of_the_registration_number(
    planner: User, companies: dict[str, Company], query: str, expected: list[str]
) -> None:
    assert _search(planner, query=query) == expected


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"region": "seoul"}, ["누리데이터 주식회사"]),
        ({"ksic_section": "C"}, ["(주)한빛로보틱스", "다온식품"]),
        ({"ksic_division": "10"}, ["다온식품"]),
        ({"size_class": "small"}, ["(주)한빛로보틱스"]),
        ({"ai_adoption": "ai_provider"}, ["누리데이터 주식회사"]),
        ({"ksic_section": "C", "region": "busan"}, ["다온식품"]),
        ({"query": "주식회사", "ksic_section": "C"}, []),
        ({}, ["(주)한빛로보틱스", "누리데이터 주식회사", "다온식품"]),
    ],
)
def test_filters_narrow_the_list_and_combine(
    planner: User, companies: dict[str, Company], filters: dict[str, str], expected: list[str]
) -> None:
    assert _search(planner, **filters) == expected


def test_search_never_leaves_the_scope(companies: dict[str, Company]) -> None:
    member = CompanyMembershipFactory(company=companies["nuri"]).user

    assert _search(member) == ["누리데이터 주식회사"]
    assert _search(member, query="한빛") == []
    assert _search(member, query="1018112345") == []


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        (Role.MINISTRY_PLANNER, "all"),
        (Role.AGENCY_OFFICIAL, "all"),
        (Role.COMPANY_MEMBER, "own"),
        (Role.LARGE_COMPANY_MEMBER, "own"),
        (Role.REVIEWER, "none"),
        (Role.PUBLIC, "none"),
    ],
)
def test_company_scope_by_role(role: str, sees: str, make_user: Callable[[str], User]) -> None:
    user = make_user(role)
    other = CompanyMembershipFactory().company
    ValuationRecord.objects.create(
        company=other, valued_on=dt.date(2024, 1, 1), amount_krw=1_000_000, source="appraisal"
    )
    own = set(Company.objects.filter(memberships__user=user))
    expected = {"all": set(Company.objects.all()), "own": own, "none": set()}[sees]

    assert set(company_queryset_for(user)) == expected
    assert {record.company for record in valuation_queryset_for(user)} == expected & {other}
    if sees == "own":
        assert len(own) == 1 and other not in expected


def test_an_official_without_an_agency_sees_nothing() -> None:
    CompanyFactory()

    assert list(company_queryset_for(UserFactory(role=Role.AGENCY_OFFICIAL))) == []


def test_anonymous_and_inactive_users_see_nothing(make_user: Callable[[str], User]) -> None:
    CompanyFactory()
    planner = make_user(Role.MINISTRY_PLANNER)
    planner.is_active = False

    assert list(company_queryset_for(AnonymousUser())) == []
    assert list(company_queryset_for(planner)) == []
    assert list(valuation_queryset_for(AnonymousUser())) == []
