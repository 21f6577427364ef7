"""What the API fuzzing found, each kept fixed by a plain test (issue 10).

Responses are checked against the schema the API publishes, with Schemathesis's validator, so a
drift between an endpoint and its drf-spectacular annotation fails here too.
"""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient
from schemathesis.specs.openapi.checks import response_schema_conformance

from foster.accounts.choices import Role
from foster.core.models import AuditEvent
from foster.innovation.models import Challenge
from foster.selection.models import SelectionScenario
from tests.factories import AgencyFactory, AgencyMembershipFactory, CallFactory, ProgramFactory, UserFactory
from tests.fuzz.conftest import credentials
from tests.innovation.conftest import side

pytestmark = pytest.mark.django_db


def call_and_conform(schema: Any, user: Any, method: str, path: str, **path_parameters: Any) -> Any:
    """Send ``method path`` as ``user`` through Schemathesis (in-process); raise unless the response
    matches the schema; return it."""
    case = schema[path][method].Case(path_parameters=path_parameters or None)
    authenticated = credentials(user)
    headers = authenticated.headers
    response = case.call(headers=headers, cookies=authenticated.cookies)
    case.validate_response(response, checks=[response_schema_conformance], headers=headers)
    return response


def test_a_superuser_without_a_company_or_agency_is_refused_a_challenge_not_a_server_error() -> None:
    """Was a 500 (``min()`` of no company): a superuser passes the permission check but has nothing
    to own the challenge. Now 403 with the poster rule's message, and nothing is stored."""
    admin = UserFactory(role=Role.PUBLIC, is_staff=True, is_superuser=True)
    client = APIClient()
    client.force_authenticate(admin)
    events = AuditEvent.objects.exclude(action="access.denied").count()

    response = client.post("/api/v1/innovation/challenges/", {"title": "과제", "problem": "문제"}, format="json")

    assert response.status_code == 403
    assert "post challenges" in response.json()["detail"] or "과제" in response.json()["detail"]
    assert Challenge.objects.count() == 0
    assert AuditEvent.objects.exclude(action="access.denied").count() == events  # only the refusal is recorded
    assert AuditEvent.objects.filter(action="access.denied").count() == 1


def test_challenge_recommendations_are_a_plain_list_as_the_schema_says(api_schema: Any) -> None:
    """The schema described one object (then a paginated page); the endpoint answers a list."""
    large = side(Role.LARGE_COMPANY_MEMBER, "large")
    challenge = Challenge.objects.create(title="과제", problem="문제", owner_company=large.company)

    response = call_and_conform(
        api_schema, large.user, "GET", "/api/v1/innovation/challenges/{id}/recommendations/", id=challenge.pk
    )

    assert response.status_code == 200
    assert isinstance(response.json(), list)


def test_a_scenario_not_yet_run_conforms_to_the_schema(api_schema: Any) -> None:
    """``solve_status`` is empty until the scenario runs; the schema listed only the solver's statuses."""
    agency = AgencyFactory(code="kosme")
    official = UserFactory(role=Role.AGENCY_OFFICIAL)
    AgencyMembershipFactory(user=official, agency=agency)
    scenario = SelectionScenario.objects.create(
        call=CallFactory(program=ProgramFactory(agency=agency)), name="1차", created_by=official
    )

    detail = call_and_conform(api_schema, official, "GET", "/api/v1/selection/scenarios/{id}/", id=scenario.pk)
    listed = call_and_conform(api_schema, official, "GET", "/api/v1/selection/scenarios/")

    assert detail.json()["solve_status"] == ""
    assert [row["solve_status"] for row in listed.json()["results"]] == [""]


def test_a_profile_id_beyond_any_integer_column_is_not_found_not_a_server_error() -> None:
    """Was a 500 (the foreign key's lookup sent an integer SQLite cannot hold)."""
    member = side(Role.COMPANY_MEMBER, "startup")
    client = APIClient()
    client.force_authenticate(member.user)

    response = client.get("/api/v1/innovation/profiles/97133316761086549032960/")

    assert response.status_code == 404


def test_a_call_dated_in_the_twelfth_century_is_refused_and_nothing_changes() -> None:
    """Was accepted, then answered with a date-time outside the schema ("+08:27:52", Seoul's local
    mean time): the call's dates must fall between 2000 and 2100."""
    agency = AgencyFactory(code="kosme")
    official = UserFactory(role=Role.AGENCY_OFFICIAL)
    AgencyMembershipFactory(user=official, agency=agency)
    call = CallFactory(program=ProgramFactory(agency=agency))
    before = (call.opens_at, call.closes_at)
    client = APIClient()
    client.force_authenticate(official)

    response = client.patch(f"/api/v1/calls/{call.pk}/", {"opens_at": "1177-10-12T11:43:54.90-02:25"}, format="json")

    assert response.status_code == 400
    assert response.json()["opens_at"] == ["2000년부터 2100년 사이의 날짜를 입력해 주세요."]
    call.refresh_from_db()
    assert (call.opens_at, call.closes_at) == before


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/applications/?call={}",
        "/api/v1/calls/?program={}",
        "/api/v1/valuations/?company={}",
        "/api/v1/call-rankings/{}/",
    ],
)
@pytest.mark.parametrize("value", ["97133316761086549032960", "²"])
def test_an_id_filter_beyond_any_id_or_not_a_number_is_no_server_error(url: str, value: str) -> None:
    """Query-string ids the schema does not list (so Schemathesis never sent them), found while
    fixing the profile lookup: a number too large for the driver and "²" (``str.isdigit`` says yes,
    ``int`` says no) were 500s. Now a too large id finds nothing and a non-number is ignored."""
    planner = UserFactory(role=Role.MINISTRY_PLANNER)
    AgencyMembershipFactory(user=planner, agency=AgencyFactory(code="mss"))
    client = APIClient()
    client.force_authenticate(planner)

    response = client.get(url.format(value))

    assert response.status_code in {200, 404}
    if response.status_code == 200 and value != "²":
        assert response.json()["results"] == []


def test_id_from_text() -> None:
    from foster.core.ids import MAX_ID, id_from_text

    assert [id_from_text(text) for text in ("12", "0", "", None, "²", "١٢", "-3", "1.5")] == [
        12,
        0,
        None,
        None,
        None,
        None,
        None,
        None,
    ]
    assert id_from_text(str(MAX_ID)) == MAX_ID
    assert id_from_text(str(MAX_ID + 1)) == 0
