"""Programs and calls over the REST API: everyone signed in reads; the owning agency's officials write."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from foster.accounts.models import Agency, User
from foster.programs.models import Call
from tests.factories import RUBRIC_CRITERIA, AgencyFactory, CallFactory, ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")  # the API follows Accept-Language; messages asserted are English
    client.force_login(user)
    return client


def test_calls_list_is_filterable() -> None:
    now = timezone.now()
    kibo = AgencyFactory(code="kibo")
    CallFactory(code="open-loan", program=ProgramFactory(program_type="loan"))
    CallFactory(code="closed-grant", opens_at=now - dt.timedelta(days=50), closes_at=now - dt.timedelta(days=20))
    CallFactory(code="kibo-guarantee", program=ProgramFactory(agency=kibo, program_type="guarantee"))
    client = _client(UserFactory())
    url = reverse("api:call-list")

    def codes(**params: str) -> set[str]:
        return {item["code"] for item in client.get(url, params).json()["results"]}

    assert codes() == {"open-loan", "closed-grant", "kibo-guarantee"}
    assert codes(open="true") == {"open-loan", "kibo-guarantee"}
    assert codes(open="false") == {"closed-grant"}
    assert codes(program_type="loan") == {"open-loan"}
    assert codes(agency="kibo") == {"kibo-guarantee"}


def test_official_creates_call_for_own_program_only(official: User, agency: Agency, other_agency: Agency) -> None:
    own, other = ProgramFactory(agency=agency), ProgramFactory(agency=other_agency)
    body = {
        "code": "api-call",
        "title_ko": "API 공고",
        "title_en": "API call",
        "opens_at": "2026-12-01T09:00:00+09:00",
        "closes_at": "2026-12-31T18:00:00+09:00",
        "budget_krw": 1_000_000_000,
        "max_award_krw": 100_000_000,
        "rubric_criteria": copy.deepcopy(RUBRIC_CRITERIA),
        "eligibility_rules": {"version": 1, "rules": [{"kind": "not_designated"}]},
    }
    client = _client(official)

    refused = client.post(reverse("api:call-list"), {**body, "program": other.pk}, content_type="application/json")
    bad = client.post(
        reverse("api:call-list"),
        {**body, "program": own.pk, "max_award_krw": 2_000_000_000},
        content_type="application/json",
    )
    created = client.post(reverse("api:call-list"), {**body, "program": own.pk}, content_type="application/json")

    assert refused.status_code == 403
    assert bad.status_code == 400 and bad.json() == {"max_award_krw": ["The maximum award cannot exceed the budget."]}
    assert created.status_code == 201, created.json()
    call = Call.objects.get(code="api-call")
    assert call.eligibility_rules == {"version": 1, "rules": [{"kind": "not_designated"}]}
    assert created.json()["rubric_criteria"][0]["key"] == "technology"


def test_other_agency_official_cannot_patch(other_official: User, agency: Agency) -> None:
    call = CallFactory(program=ProgramFactory(agency=agency), title_en="Before")

    response = _client(other_official).patch(
        reverse("api:call-detail", kwargs={"pk": call.pk}), {"title_en": "After"}, content_type="application/json"
    )

    assert response.status_code == 403
    call.refresh_from_db()
    assert call.title_en == "Before"


def test_official_patches_own_program(official: User, agency: Agency) -> None:
    program = ProgramFactory(agency=agency)
    response = _client(official).patch(
        reverse("api:program-detail", kwargs={"pk": program.pk}),
        {"name_en": "Renamed"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["name_en"] == "Renamed"


def test_anonymous_is_refused() -> None:
    assert Client().get(reverse("api:call-list")).status_code in {401, 403}
