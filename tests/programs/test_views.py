"""Pages over HTTP: the public portal of calls, the officials' pages, the rules and form editors."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from foster.accounts.models import Agency, User
from foster.programs.models import ApplicationForm, Call, Program
from tests.factories import SIMPLE_SCHEMA, AgencyFactory, CallFactory, ProgramFactory
from tests.http import english_client

pytestmark = pytest.mark.django_db


def _codes(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [call.code for call in response.context["calls"]]


def test_anonymous_sees_open_calls_only() -> None:
    now = timezone.now()
    CallFactory(code="open-call")
    CallFactory(code="closed-call", opens_at=now - dt.timedelta(days=60), closes_at=now - dt.timedelta(days=30))
    CallFactory(code="future-call", opens_at=now + dt.timedelta(days=5), closes_at=now + dt.timedelta(days=30))

    response = Client().get(reverse("calls:call-list"))

    assert response.status_code == 200
    assert _codes(response) == ["open-call"]
    assert Client().get(reverse("calls:call-detail", kwargs={"call_code": "closed-call"})).status_code == 200
    assert Client().get(reverse("calls:call-detail", kwargs={"call_code": "future-call"})).status_code == 404


def test_portal_filters() -> None:
    now = timezone.now()
    tipa = AgencyFactory(code="tipa")
    rnd = ProgramFactory(agency=tipa, program_type="rnd", policy_tags=["strategic_technology"])
    loan = ProgramFactory(program_type="loan", policy_tags=["ai"])
    CallFactory(code="rnd-soon", program=rnd, closes_at=now + dt.timedelta(days=3))
    CallFactory(
        code="loan-later",
        program=loan,
        closes_at=now + dt.timedelta(days=40),
        eligibility_rules={"version": 1, "rules": [{"kind": "sector_in", "sections": ["C"], "divisions": []}]},
    )
    client = Client()
    url = reverse("calls:call-list")

    assert _codes(client.get(url)) == ["rnd-soon", "loan-later"]
    assert _codes(client.get(url, {"program_type": "loan"})) == ["loan-later"]
    assert _codes(client.get(url, {"agency": "tipa"})) == ["rnd-soon"]
    assert _codes(client.get(url, {"policy_tag": "ai"})) == ["loan-later"]
    assert _codes(client.get(url, {"ksic_section": "J"})) == ["rnd-soon"]
    assert _codes(client.get(url, {"ksic_section": "C"})) == ["rnd-soon", "loan-later"]
    assert _codes(client.get(url, {"closing": "7"})) == ["rnd-soon"]


def test_call_page_shows_rules_in_words_and_rubric() -> None:
    call = CallFactory(
        code="ai-call",
        max_award_krw=300_000_000,
        eligibility_rules={"version": 1, "rules": [{"kind": "company_age_at_most", "years": 7}]},
    )

    response = english_client().get(reverse("calls:call-detail", kwargs={"call_code": call.code}))

    content = response.content.decode()
    assert "Founded at most 7 years before the call closes." in content
    assert "KRW 300,000,000" in content
    assert "Technology" in content


def _call_post(call: Call, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "code": call.code,
        "title_ko": call.title_ko,
        "title_en": call.title_en,
        "summary_ko": "",
        "summary_en": "",
        "opens_at": "2026-12-01T09:00",
        "closes_at": "2026-12-31T18:00",
        "review_deadline": "",
        "budget_krw": 2_000_000_000,
        "max_award_krw": 200_000_000,
        "reviewers_per_application": 3,
        "rubric-TOTAL_FORMS": 1,
        "rubric-INITIAL_FORMS": 0,
        "rubric-0-key": "technology",
        "rubric-0-label_ko": "기술성",
        "rubric-0-label_en": "Technology",
        "rubric-0-weight": "1",
        "rubric-0-scale_min": 0,
        "rubric-0-scale_max": 10,
    }
    data.update(changes)
    return data


def test_official_edits_own_call_with_seoul_times(official: User, agency: Agency) -> None:
    call = CallFactory(program=ProgramFactory(agency=agency))
    client = english_client(official)

    response = client.post(reverse("programs:call-edit", kwargs={"pk": call.pk}), _call_post(call))

    assert response.status_code == 302
    call.refresh_from_db()
    assert call.opens_at == dt.datetime(2026, 12, 1, 0, 0, tzinfo=dt.UTC)
    assert (call.budget_krw, call.max_award_krw) == (2_000_000_000, 200_000_000)


def test_bad_call_form_shows_a_message_per_field_and_stores_nothing(official: User, agency: Agency) -> None:
    call = CallFactory(program=ProgramFactory(agency=agency))
    before = Call.objects.values().get(pk=call.pk)
    client = english_client(official)

    response = client.post(
        reverse("programs:call-edit", kwargs={"pk": call.pk}),
        _call_post(call, closes_at="2026-11-01T09:00", max_award_krw=9_000_000_000),
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {
        "closes_at": ["The call must close after it opens."],
        "max_award_krw": ["The maximum award cannot exceed the budget."],
    }
    assert Call.objects.values().get(pk=call.pk) == before


def test_other_agency_official_gets_404_and_planner_403(other_official: User, planner: User, agency: Agency) -> None:
    program = ProgramFactory(agency=agency)
    call = CallFactory(program=program)
    other, planner_client = Client(), Client()
    other.force_login(other_official)
    planner_client.force_login(planner)

    for route, pk in [
        ("programs:program-edit", program.pk),
        ("programs:call-edit", call.pk),
        ("programs:call-rules", call.pk),
    ]:
        assert other.get(reverse(route, kwargs={"pk": pk})).status_code == 404
        assert planner_client.get(reverse(route, kwargs={"pk": pk})).status_code == 403
    assert planner_client.get(reverse("programs:call-manage", kwargs={"pk": call.pk})).status_code == 200
    assert other.get(reverse("programs:program-list")).context["programs"].count() == 0


def test_official_creates_program_for_own_agency(official: User, agency: Agency) -> None:
    client = english_client(official)
    response = client.post(
        reverse("programs:program-create"),
        {"agency": agency.pk, "code": "new-program", "name_ko": "새 사업", "name_en": "New", "program_type": "grant"},
    )
    assert response.status_code == 302
    assert Program.objects.get(code="new-program").agency == agency


def test_rules_editor_saves_rules_and_reports_bad_ones(official: User, agency: Agency) -> None:
    call = CallFactory(program=ProgramFactory(agency=agency))
    client = english_client(official)
    url = reverse("programs:call-rules", kwargs={"pk": call.pk})

    bad = client.post(url, {"max_years": "500"})
    good = client.post(url, {"size_classes": ["startup", "small"], "max_years": "7", "not_designated": "on"})

    assert bad.status_code == 200 and "max_years" in bad.context["form"].errors
    assert good.status_code == 302
    call.refresh_from_db()
    assert call.eligibility_rules == {
        "version": 1,
        "rules": [
            {"kind": "size_class_in", "size_classes": ["small", "startup"]},
            {"kind": "company_age_at_most", "years": 7},
            {"kind": "not_designated"},
        ],
    }


def test_form_editor_previews_validates_and_publishes(official: User, agency: Agency) -> None:
    call = CallFactory(program=ProgramFactory(agency=agency))
    client = english_client(official)
    url = reverse("programs:call-form", kwargs={"pk": call.pk})

    not_json = client.post(url, {"schema": "{oops", "action": "publish"})
    invalid = client.post(url, {"schema": json.dumps({"sections": [{"key": "a"}]}), "action": "publish"})
    preview = client.post(url, {"schema": json.dumps(SIMPLE_SCHEMA), "action": "preview"})
    published = client.post(url, {"schema": json.dumps(SIMPLE_SCHEMA), "action": "publish"})

    assert not_json.status_code == 200 and "This is not valid JSON" in not_json.context["form"].errors["schema"][0]
    assert "sections[0]: enter the Korean title (title_ko)." in invalid.context["form"].errors["schema"]
    assert [section.title for section in preview.context["preview"]] == ["Overview"]
    assert published.status_code == 302
    assert ApplicationForm.objects.get(call=call).version == 1
