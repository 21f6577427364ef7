"""Registry services: self-registration, edits with their audit trail, valuations."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from foster.accounts.choices import Role
from foster.accounts.models import User
from foster.core.models import AuditEvent
from foster.registry.choices import MembershipRole
from foster.registry.models import Company, CompanyMembership, ValuationRecord
from foster.registry.seeding import registration_number
from foster.registry.services import (
    CompanyData,
    company_data_from,
    company_register,
    company_update,
    valuation_record_add,
)
from tests.factories import CompanyFactory, CompanyMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_messages() -> Iterator[None]:
    """Messages are asserted in English (the source language); Korean is the default."""
    with translation.override("en"):
        yield


VALID_NUMBER = registration_number(1_234)
WRONG_CHECK_DIGIT = VALID_NUMBER[:9] + str((int(VALID_NUMBER[9]) + 1) % 10)


def company_data(**changes: Any) -> CompanyData:
    values: dict[str, Any] = {
        "business_registration_number": f"{VALID_NUMBER[:3]}-{VALID_NUMBER[3:5]}-{VALID_NUMBER[5:]}",
        "name_ko": "  (주)새싹에이아이 ",
        "name_en": "Saessak AI Co., Ltd.",
        "ksic_division": "62",
        "region": "daejeon",
        "size_class": "startup",
        "founded_on": dt.date(2022, 9, 1),
        "employees": 8,
        "revenue_krw": 320_000_000,
        "ai_adoption": "ai_provider",
    }
    values.update(changes)
    return CompanyData(**values)


def registry_rows() -> list[tuple[Any, ...]]:
    return list(Company.objects.order_by("pk").values_list())


def test_register_creates_the_company_and_makes_the_user_its_representative() -> None:
    user = UserFactory(role=Role.PUBLIC)

    company = company_register(user=user, data=company_data())

    user.refresh_from_db()
    assert Company.objects.count() == 1
    assert (company.business_registration_number, company.name_ko, company.ksic_section) == (
        VALID_NUMBER,
        "(주)새싹에이아이",
        "J",
    )
    assert list(CompanyMembership.objects.values_list("user", "company", "role")) == [
        (user.pk, company.pk, MembershipRole.OWNER)
    ]
    assert user.role == Role.COMPANY_MEMBER
    event = AuditEvent.objects.get(action="company.register")
    assert (event.actor, event.object_id) == (user, str(company.pk))
    assert event.changes["business_registration_number"] == VALID_NUMBER
    assert event.changes["founded_on"] == "2022-09-01"


@pytest.mark.parametrize(
    ("role", "size_class", "role_after"),
    [
        (Role.PUBLIC, "large", Role.LARGE_COMPANY_MEMBER),
        (Role.COMPANY_MEMBER, "large", Role.LARGE_COMPANY_MEMBER),
        (Role.COMPANY_MEMBER, "small", Role.COMPANY_MEMBER),
        (Role.LARGE_COMPANY_MEMBER, "small", Role.LARGE_COMPANY_MEMBER),
    ],
)
def test_register_gives_the_role_that_fits_the_company(role: str, size_class: str, role_after: str) -> None:
    user = UserFactory(role=role)

    company_register(user=user, data=company_data(size_class=size_class))

    user.refresh_from_db()
    assert user.role == role_after


def test_an_official_registers_a_company_without_joining_it(make_user: Callable[[str], User]) -> None:
    official = make_user(Role.AGENCY_OFFICIAL)

    company = company_register(user=official, data=company_data())

    official.refresh_from_db()
    assert official.role == Role.AGENCY_OFFICIAL
    assert not company.memberships.exists()


def test_a_wrong_check_digit_is_refused_with_a_clear_message_and_nothing_is_created() -> None:
    user = UserFactory(role=Role.PUBLIC)

    with pytest.raises(ValidationError) as refused:
        company_register(user=user, data=company_data(business_registration_number=WRONG_CHECK_DIGIT))

    assert refused.value.message_dict == {
        "business_registration_number": [
            f"The check digit of “{WRONG_CHECK_DIGIT}” is wrong; please check the number on the registration "
            "certificate."
        ]
    }
    assert not Company.objects.exists()
    assert not CompanyMembership.objects.exists()
    assert not AuditEvent.objects.exists()
    user.refresh_from_db()
    assert user.role == Role.PUBLIC


@pytest.mark.parametrize("number", ["12345", "123-45-6789A", "000-00-00000"])
def test_a_malformed_number_is_refused(number: str) -> None:
    with pytest.raises(ValidationError) as refused:
        company_register(user=UserFactory(), data=company_data(business_registration_number=number))

    assert list(refused.value.message_dict) == ["business_registration_number"]
    assert not Company.objects.exists()


@pytest.mark.parametrize("number", [VALID_NUMBER, f"{VALID_NUMBER[:3]}-{VALID_NUMBER[3:5]}-{VALID_NUMBER[5:]}"])
def test_a_registered_number_is_refused_and_nothing_is_created(number: str) -> None:
    existing = CompanyFactory(business_registration_number=VALID_NUMBER)
    before = registry_rows()
    user = UserFactory(role=Role.PUBLIC)

    with pytest.raises(ValidationError) as refused:
        company_register(user=user, data=company_data(business_registration_number=number))

    message = refused.value.message_dict["business_registration_number"][0]
    assert message.startswith("A company with this business registration number is already registered.")
    assert registry_rows() == before
    assert not existing.memberships.exists()
    assert not AuditEvent.objects.exists()


def test_every_bad_field_is_named_at_once() -> None:
    data = company_data(
        name_ko=" ",
        ksic_division="00",
        region="mars",
        size_class="huge",
        ai_adoption="maybe",
        founded_on=dt.date.today() + dt.timedelta(days=1),
        employees=-1,
        revenue_krw=-5,
    )

    with pytest.raises(ValidationError) as refused:
        company_register(user=UserFactory(), data=data)

    assert set(refused.value.message_dict) == {
        "name_ko",
        "ksic_division",
        "region",
        "size_class",
        "ai_adoption",
        "founded_on",
        "employees",
        "revenue_krw",
    }


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.MINISTRY_PLANNER])
def test_roles_without_the_permission_cannot_register(role: str, make_user: Callable[[str], User]) -> None:
    with pytest.raises(PermissionDenied):
        company_register(user=make_user(role), data=company_data())

    assert not Company.objects.exists()


def _member_and_company() -> tuple[User, Company]:
    membership = CompanyMembershipFactory(company=CompanyFactory(name_ko="(주)옛이름", employees=12))
    return membership.user, membership.company


def test_a_member_edits_their_company_and_the_audit_event_lists_before_and_after() -> None:
    member, company = _member_and_company()
    data = dataclasses.replace(company_data_from(company), name_ko="(주)새이름", employees=15)

    updated = company_update(user=member, company=company, data=data, reason="상호 변경")

    company.refresh_from_db()
    assert (company.name_ko, company.employees) == ("(주)새이름", 15)
    assert updated == company
    event = AuditEvent.objects.get(action="company.update")
    assert (event.actor, event.object_type, event.object_id, event.reason) == (
        member,
        "registry.company",
        str(company.pk),
        "상호 변경",
    )
    assert event.changes == {"name_ko": ["(주)옛이름", "(주)새이름"], "employees": [12, 15]}


def test_an_official_edits_any_company(make_user: Callable[[str], User]) -> None:
    official = make_user(Role.AGENCY_OFFICIAL)
    _member, company = _member_and_company()
    data = dataclasses.replace(company_data_from(company), region="jeju", founded_on=dt.date(2019, 1, 2))

    company_update(user=official, company=company, data=data)

    company.refresh_from_db()
    assert company.region == "jeju"
    assert AuditEvent.objects.get().changes == {
        "region": ["seoul", "jeju"],
        "founded_on": ["2020-03-01", "2019-01-02"],
    }
    assert AuditEvent.objects.get().actor == official


def test_an_edit_without_changes_records_nothing() -> None:
    member, company = _member_and_company()

    company_update(user=member, company=company, data=company_data_from(company))

    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("role", [Role.COMPANY_MEMBER, Role.MINISTRY_PLANNER, Role.REVIEWER, Role.PUBLIC])
def test_others_cannot_edit_a_company_and_it_stays_unchanged(role: str, make_user: Callable[[str], User]) -> None:
    outsider = make_user(role)
    _member, company = _member_and_company()
    before = registry_rows()

    with pytest.raises(PermissionDenied):
        company_update(
            user=outsider, company=company, data=dataclasses.replace(company_data_from(company), name_ko="탈취")
        )

    assert registry_rows() == before
    assert not AuditEvent.objects.exists()


def test_an_edit_to_another_companys_number_is_refused() -> None:
    member, company = _member_and_company()
    taken = CompanyFactory()
    before = registry_rows()

    with pytest.raises(ValidationError) as refused:
        company_update(
            user=member,
            company=company,
            data=dataclasses.replace(
                company_data_from(company), business_registration_number=taken.business_registration_number
            ),
        )

    assert list(refused.value.message_dict) == ["business_registration_number"]
    assert registry_rows() == before


def test_a_member_adds_a_valuation() -> None:
    member, company = _member_and_company()

    record = valuation_record_add(
        user=member,
        company=company,
        valued_on=dt.date(2024, 3, 1),
        amount_krw=13_800_000_000,
        amount_usd=10_000_000,
        source="investment_round",
        note="  시리즈 A ",
    )

    assert list(ValuationRecord.objects.values_list("company", "valued_on", "amount_krw", "amount_usd", "note")) == [
        (company.pk, dt.date(2024, 3, 1), 13_800_000_000, 10_000_000, "시리즈 A")
    ]
    assert record.recorded_by == member
    assert AuditEvent.objects.get().changes == {
        "valued_on": "2024-03-01",
        "amount_krw": 13_800_000_000,
        "source": "investment_round",
    }


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"valued_on": dt.date(2019, 12, 31)}, "valued_on"),  # before the founding date (2020-03-01)
        ({"valued_on": dt.date.today() + dt.timedelta(days=1)}, "valued_on"),
        ({"amount_krw": 0}, "amount_krw"),
        ({"amount_usd": -1}, "amount_usd"),
        ({"source": "rumour"}, "source"),
    ],
)
def test_a_bad_valuation_is_refused(changes: dict[str, Any], field: str) -> None:
    member, company = _member_and_company()
    values: dict[str, Any] = {
        "valued_on": dt.date(2024, 3, 1),
        "amount_krw": 1_000_000,
        "source": "appraisal",
        **changes,
    }

    with pytest.raises(ValidationError) as refused:
        valuation_record_add(user=member, company=company, **values)

    assert list(refused.value.message_dict) == [field]
    assert not ValuationRecord.objects.exists()


@pytest.mark.parametrize("role", [Role.MINISTRY_PLANNER, Role.COMPANY_MEMBER, Role.REVIEWER])
def test_others_cannot_add_valuations(role: str, make_user: Callable[[str], User]) -> None:
    _member, company = _member_and_company()

    with pytest.raises(PermissionDenied):
        valuation_record_add(
            user=make_user(role), company=company, valued_on=dt.date(2024, 3, 1), amount_krw=1, source="appraisal"
        )

    assert not ValuationRecord.objects.exists()
