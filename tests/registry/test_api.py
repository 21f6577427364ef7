"""Registry REST API: the same scoping and services as the pages; schema and offline Swagger UI."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from foster.accounts.choices import Role
from foster.accounts.models import User
from foster.core.models import AuditEvent
from foster.registry.models import Company, CompanyMembership, ValuationRecord
from foster.registry.seeding import registration_number
from tests.factories import CompanyFactory, CompanyMembershipFactory

pytestmark = pytest.mark.django_db

NUMBER = registration_number(3_579)


def api_client(user: User | None = None) -> Client:
    client = Client(headers={"accept-language": "en"})
    if user is not None:
        client.force_login(user)
    return client


def send(client: Client, method: str, url: str, body: dict[str, Any]) -> Any:
    return client.generic(method, url, json.dumps(body), content_type="application/json")


def registry_rows() -> list[tuple[Any, ...]]:
    return list(Company.objects.order_by("pk").values_list())


NEW_COMPANY = {
    "business_registration_number": f"{NUMBER[:3]}-{NUMBER[3:5]}-{NUMBER[5:]}",
    "name_ko": "(주)이음데이터",
    "name_en": "Ieum Data Co., Ltd.",
    "ksic_division": "63",
    "region": "sejong",
    "size_class": "startup",
    "founded_on": "2022-07-07",
    "employees": 4,
    "revenue_krw": 90_000_000,
    "ai_adoption": "in_use",
}


@pytest.fixture
def member(make_user: Callable[[str], User]) -> User:
    return make_user(Role.COMPANY_MEMBER)


@pytest.fixture
def own(member: User) -> Company:
    return member.company_memberships.get().company


@pytest.fixture
def other() -> Company:
    return CompanyMembershipFactory(company=CompanyFactory(name_ko="(주)남의회사")).company


# --- List and detail --------------------------------------------------------------------------------


def test_a_members_list_never_contains_other_companies(member: User, own: Company, other: Company) -> None:
    CompanyFactory.create_batch(3)

    response = api_client(member).get(reverse("api:company-list"), {"page_size": 500})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert [item["id"] for item in body["results"]] == [own.pk]


def test_an_official_lists_every_company_with_search_and_filters(
    make_user: Callable[[str], User], own: Company, other: Company
) -> None:
    client = api_client(make_user(Role.AGENCY_OFFICIAL))
    seoul = CompanyFactory(name_ko="서울전자", name_en="Seoul Electronics", region="seoul", size_class="medium")
    CompanyFactory(name_ko="부산정밀", region="busan")

    everything = client.get(reverse("api:company-list")).json()
    searched = client.get(reverse("api:company-list"), {"q": "남의"}).json()
    english = client.get(reverse("api:company-list"), {"q": "electronics"}).json()
    number = client.get(
        reverse("api:company-list"),
        {"q": f"{other.business_registration_number[:3]}-{other.business_registration_number[3:5]}"},
    ).json()
    filtered = client.get(reverse("api:company-list"), {"region": "seoul", "size_class": "medium"}).json()

    assert everything["count"] == Company.objects.count() == 4
    assert [item["id"] for item in searched["results"]] == [other.pk]
    assert [item["id"] for item in english["results"]] == [seoul.pk]
    assert other.pk in [item["id"] for item in number["results"]]
    assert [item["id"] for item in filtered["results"]] == [seoul.pk]


def test_detail_of_another_company_is_404_for_a_member(member: User, own: Company, other: Company) -> None:
    client = api_client(member)

    mine = client.get(reverse("api:company-detail", args=[own.pk]))
    theirs = client.get(reverse("api:company-detail", args=[other.pk]))
    missing = client.get(reverse("api:company-detail", args=[999_999]))

    assert mine.status_code == 200
    assert mine.json()["business_registration_number"] == own.business_registration_number
    assert (theirs.status_code, missing.status_code) == (404, 404)
    assert theirs.json() == missing.json()


def test_the_public_and_reviewers_list_nothing(make_user: Callable[[str], User], other: Company) -> None:
    for role in (Role.PUBLIC, Role.REVIEWER):
        assert api_client(make_user(role)).get(reverse("api:company-list")).json()["count"] == 0


# --- Create --------------------------------------------------------------------------------------------


def test_create_registers_the_callers_company(make_user: Callable[[str], User]) -> None:
    user = make_user(Role.PUBLIC)

    response = send(api_client(user), "POST", reverse("api:company-list"), NEW_COMPANY)

    assert response.status_code == 201
    company = Company.objects.get()
    body = response.json()
    assert body["id"] == company.pk
    assert (body["business_registration_number"], body["ksic_section"], body["name_ko"]) == (
        NUMBER,
        "J",
        "(주)이음데이터",
    )
    assert CompanyMembership.objects.filter(user=user, company=company, role="owner").exists()
    user.refresh_from_db()
    assert user.role == Role.COMPANY_MEMBER


def test_create_with_a_wrong_check_digit_is_400_with_the_reason(make_user: Callable[[str], User]) -> None:
    wrong = NUMBER[:9] + str((int(NUMBER[9]) + 1) % 10)

    response = send(
        api_client(make_user(Role.PUBLIC)),
        "POST",
        reverse("api:company-list"),
        {**NEW_COMPANY, "business_registration_number": wrong},
    )

    assert response.status_code == 400
    assert response.json() == {
        "business_registration_number": [
            f"The check digit of “{wrong}” is wrong; please check the number on the registration certificate."
        ]
    }
    assert not Company.objects.exists()


def test_create_with_a_registered_number_is_400_and_creates_nothing(make_user: Callable[[str], User]) -> None:
    client = api_client(make_user(Role.COMPANY_MEMBER))
    CompanyFactory(business_registration_number=NUMBER)
    before = registry_rows()

    response = send(client, "POST", reverse("api:company-list"), NEW_COMPANY)

    assert response.status_code == 400
    assert list(response.json()) == ["business_registration_number"]
    assert registry_rows() == before


def test_a_planner_may_not_create(make_user: Callable[[str], User]) -> None:
    response = send(api_client(make_user(Role.MINISTRY_PLANNER)), "POST", reverse("api:company-list"), NEW_COMPANY)

    assert response.status_code == 403
    assert not Company.objects.exists()


# --- Update ----------------------------------------------------------------------------------------------


def test_a_member_patches_their_company_with_an_audit_event(member: User, own: Company) -> None:
    response = send(api_client(member), "PATCH", reverse("api:company-detail", args=[own.pk]), {"employees": 30})

    assert response.status_code == 200
    assert response.json()["employees"] == 30
    own.refresh_from_db()
    assert own.employees == 30
    event = AuditEvent.objects.get(action="company.update")
    assert (event.actor, event.changes) == (member, {"employees": [12, 30]})


def test_a_member_puts_their_whole_company(member: User, own: Company) -> None:
    body = {**NEW_COMPANY, "business_registration_number": own.business_registration_number}

    response = send(api_client(member), "PUT", reverse("api:company-detail", args=[own.pk]), body)

    assert response.status_code == 200
    own.refresh_from_db()
    assert (own.name_ko, own.region, own.ksic_division, own.ksic_section) == ("(주)이음데이터", "sejong", "63", "J")


def test_patching_another_company_is_404_and_changes_nothing(member: User, other: Company) -> None:
    before = registry_rows()

    response = send(api_client(member), "PATCH", reverse("api:company-detail", args=[other.pk]), {"name_ko": "탈취"})

    assert response.status_code == 404
    assert registry_rows() == before
    assert not AuditEvent.objects.exists()


def test_a_planner_sees_but_may_not_patch(make_user: Callable[[str], User], other: Company) -> None:
    before = registry_rows()
    client = api_client(make_user(Role.MINISTRY_PLANNER))

    detail = client.get(reverse("api:company-detail", args=[other.pk]))
    patch = send(client, "PATCH", reverse("api:company-detail", args=[other.pk]), {"name_ko": "변경"})

    assert detail.status_code == 200
    assert patch.status_code == 403
    assert registry_rows() == before


def test_an_official_patches_any_company(make_user: Callable[[str], User], other: Company) -> None:
    response = send(
        api_client(make_user(Role.AGENCY_OFFICIAL)),
        "PATCH",
        reverse("api:company-detail", args=[other.pk]),
        {"region": "jeju"},
    )

    assert response.status_code == 200
    other.refresh_from_db()
    assert other.region == "jeju"


def test_a_bad_patch_names_the_field(member: User, own: Company) -> None:
    before = registry_rows()

    response = send(api_client(member), "PATCH", reverse("api:company-detail", args=[own.pk]), {"ksic_division": "00"})

    assert response.status_code == 400
    assert list(response.json()) == ["ksic_division"]
    assert registry_rows() == before


def test_companies_cannot_be_deleted_through_the_api(make_user: Callable[[str], User], other: Company) -> None:
    response = api_client(make_user(Role.AGENCY_OFFICIAL)).delete(reverse("api:company-detail", args=[other.pk]))

    assert response.status_code == 405
    assert Company.objects.filter(pk=other.pk).exists()


# --- Valuations ------------------------------------------------------------------------------------------

VALUATION = {"valued_on": "2024-02-29", "amount_krw": 6_900_000_000, "amount_usd": 5_000_000, "source": "appraisal"}


def test_a_member_adds_and_lists_valuations_of_their_company(member: User, own: Company, other: Company) -> None:
    ValuationRecord.objects.create(company=other, valued_on="2024-01-01", amount_krw=1, source="appraisal")
    client = api_client(member)

    created = send(client, "POST", reverse("api:valuation-list"), {**VALUATION, "company": own.pk})
    listed = client.get(reverse("api:valuation-list")).json()

    assert created.status_code == 201
    assert created.json()["company"] == own.pk
    assert [(item["company"], item["amount_krw"]) for item in listed["results"]] == [(own.pk, 6_900_000_000)]


def test_a_valuation_for_a_hidden_company_gets_the_answer_of_a_missing_one(member: User, other: Company) -> None:
    client = api_client(member)

    hidden = send(client, "POST", reverse("api:valuation-list"), {**VALUATION, "company": other.pk})
    missing = send(client, "POST", reverse("api:valuation-list"), {**VALUATION, "company": 999_999})

    assert hidden.status_code == missing.status_code == 400
    assert hidden.json()["company"] == [m.replace("999999", str(other.pk)) for m in missing.json()["company"]]
    assert not ValuationRecord.objects.exists()


def test_valuation_detail_of_another_company_is_404(member: User, other: Company) -> None:
    record = ValuationRecord.objects.create(company=other, valued_on="2024-01-01", amount_krw=1, source="appraisal")

    response = api_client(member).get(reverse("api:valuation-detail", args=[record.pk]))

    assert response.status_code == 404


# --- Authentication, schema, documentation ---------------------------------------------------------------


def test_token_authentication_reaches_the_scoped_list(member: User, own: Company, other: Company) -> None:
    token = Token.objects.create(user=member)

    response = Client().get(reverse("api:company-list"), headers={"authorization": f"Token {token.key}"})

    assert response.status_code == 200
    assert [item["id"] for item in response.json()["results"]] == [own.pk]


def test_token_authentication_can_write(member: User, own: Company) -> None:
    token = Token.objects.create(user=member)
    client = Client(headers={"authorization": f"Token {token.key}"})

    response = send(client, "PATCH", reverse("api:company-detail", args=[own.pk]), {"name_en": "Token Co."})

    assert response.status_code == 200
    own.refresh_from_db()
    assert own.name_en == "Token Co."


def test_anonymous_callers_are_refused(other: Company) -> None:
    response = Client().get(reverse("api:company-list"))

    assert response.status_code in {401, 403}
    assert "results" not in response.json()


def test_the_openapi_schema_renders_and_describes_the_registry() -> None:
    response = Client().get(reverse("api-schema"), {"format": "json"})

    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["info"]["title"] == "Foster API"
    assert {"/api/v1/companies/", "/api/v1/companies/{id}/", "/api/v1/valuations/", "/api/v1/me/"} <= set(
        schema["paths"]
    )
    parameters = {parameter["name"] for parameter in schema["paths"]["/api/v1/companies/"]["get"]["parameters"]}
    assert {"q", "region", "ksic_section", "size_class", "ai_adoption", "page"} <= parameters


def test_the_schema_generates_without_warnings() -> None:
    output = StringIO()

    call_command("spectacular", "--validate", "--fail-on-warn", stdout=output)

    assert output.getvalue().startswith("openapi: 3")


def test_swagger_ui_loads_its_assets_from_our_static_files() -> None:
    response = Client().get(reverse("api-docs"))

    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert response.status_code == 200
    assert not re.search(r"https?://|//cdn|unpkg|jsdelivr", html)
    assert any(asset.endswith("swagger-ui-bundle.js") for asset in assets)
    # No inline script (the Content Security Policy refuses it): the initialiser is served by the view.
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    initialiser = f"{reverse('api-docs')}?script="
    assert initialiser in assets
    for asset in assets:
        assert asset.startswith("/static/") or asset == initialiser, asset
        served = Client().get(asset)
        assert served.status_code == 200, asset
        b"".join(served.streaming_content if served.streaming else [served.content])
        served.close()
