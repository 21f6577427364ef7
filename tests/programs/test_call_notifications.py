"""Which notifications a call sends: the officials' page, the service, the API field."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from foster.accounts.models import Agency, User
from foster.core.models import AuditEvent
from foster.programs.forms import CallNotificationsForm
from foster.programs.models import CALL_NOTIFICATION_KINDS, Call
from foster.programs.services import call_notifications_update
from tests.factories import CallFactory, ProgramFactory
from tests.http import english_client
from tests.programs.authorization_objects import _call_form as call_form_body

pytestmark = pytest.mark.django_db

ALL_ON = dict.fromkeys(CALL_NOTIFICATION_KINDS, True)


@pytest.fixture
def call(agency: Agency) -> Call:
    return CallFactory(program=ProgramFactory(agency=agency))


def _settings(call: Call) -> dict[str, bool]:
    call.refresh_from_db()
    return call.notification_settings()


def _events(call: Call) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_type="programs.call", object_id=str(call.pk)))


def test_a_new_call_sends_every_kind(call: Call) -> None:
    assert call.notification_settings() == ALL_ON
    assert set(CallNotificationsForm().fields) == set(CALL_NOTIFICATION_KINDS)


def test_the_official_switches_kinds_off_with_an_audit_event(call: Call, official: User) -> None:
    call_notifications_update(user=official, call=call, notifications={"decision": False, "review_reminder": False})

    assert _settings(call) == {**ALL_ON, "decision": False, "review_reminder": False}
    assert call.sends_notification("decision") is False
    assert call.sends_notification("submission_received") is True
    (event,) = _events(call)
    assert event.action == "call.notifications_update"
    assert event.actor == official
    assert event.changes == {"notify_decision": [True, False], "notify_review_reminder": [True, False]}


def test_saving_the_same_settings_records_nothing(call: Call, official: User) -> None:
    call_notifications_update(user=official, call=call, notifications=ALL_ON)

    assert _events(call) == []


@pytest.mark.parametrize(
    ("notifications", "message"),
    [
        ({"decision": False, "newsletter": False}, "Unknown kind(s) of notification: newsletter;"),
        ({"decision": "no"}, "Give true or false for: decision."),
        (["decision"], "Give true or false for each kind of notification."),
    ],
)
def test_bad_settings_are_refused_and_nothing_changes(
    call: Call, official: User, notifications: object, message: str
) -> None:
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        call_notifications_update(user=official, call=call, notifications=notifications)  # type: ignore[arg-type]

    assert message in " ".join(refused.value.message_dict["notifications"])
    assert _settings(call) == ALL_ON
    assert _events(call) == []


@pytest.mark.parametrize("who", ["other_official", "planner"])
def test_only_the_calls_officials_may_change_them(call: Call, who: str, request: pytest.FixtureRequest) -> None:
    user = request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        call_notifications_update(user=user, call=call, notifications={"decision": False})

    assert _settings(call) == ALL_ON
    assert _events(call) == []


def test_the_page_shows_and_saves_the_settings(call: Call, official: User) -> None:
    client = english_client(official)
    url = reverse("programs:call-notifications", kwargs={"pk": call.pk})
    call_notifications_update(user=official, call=call, notifications={"screening_result": False})

    manage = client.get(reverse("programs:call-manage", kwargs={"pk": call.pk}))
    page = client.get(url)
    saved = client.post(url, {"submission_received": "on", "review_assignment": "on", "decision": "on"})

    assert url in manage.content.decode()
    assert page.status_code == 200
    assert page.context["form"]["screening_result"].value() is False
    assert page.context["form"]["decision"].value() is True
    assert saved.status_code == 302 and saved.url == reverse("programs:call-manage", kwargs={"pk": call.pk})
    assert _settings(call) == {**ALL_ON, "screening_result": False, "review_reminder": False}
    assert [event.changes for event in _events(call)] == [
        {"notify_review_reminder": [True, False]},
        {"notify_screening_result": [True, False]},
    ]


@pytest.mark.parametrize(("who", "status"), [("other_official", 404), ("planner", 403)])
def test_the_page_refuses_others_and_changes_nothing(
    call: Call, who: str, status: int, request: pytest.FixtureRequest
) -> None:
    client = english_client(request.getfixturevalue(who))
    url = reverse("programs:call-notifications", kwargs={"pk": call.pk})

    assert client.get(url).status_code == status
    assert client.post(url, {}).status_code == status
    assert _settings(call) == ALL_ON
    assert _events(call) == []


def test_editing_the_call_keeps_its_notification_settings(call: Call, official: User) -> None:
    call_notifications_update(user=official, call=call, notifications={"decision": False})
    body = {**call_form_body(call, call.code), "title_en": "Renamed"}

    response = english_client(official).post(reverse("programs:call-edit", kwargs={"pk": call.pk}), body)

    assert response.status_code == 302
    call.refresh_from_db()
    assert call.title_en == "Renamed"
    assert call.notification_settings() == {**ALL_ON, "decision": False}


def _api(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_the_api_reads_and_patches_the_settings(call: Call, official: User) -> None:
    url = reverse("api:call-detail", kwargs={"pk": call.pk})
    client = _api(official)

    read = client.get(url).json()
    patched = client.patch(url, {"notifications": {"decision": False}}, content_type="application/json")

    assert read["notifications"] == ALL_ON
    assert patched.status_code == 200
    assert patched.json()["notifications"] == {**ALL_ON, "decision": False}
    assert _settings(call) == {**ALL_ON, "decision": False}
    assert [event.changes for event in _events(call)] == [{"notify_decision": [True, False]}]


def test_the_api_refuses_bad_settings_and_other_agencies(call: Call, official: User, other_official: User) -> None:
    url = reverse("api:call-detail", kwargs={"pk": call.pk})

    unknown = _api(official).patch(url, {"notifications": {"newsletter": False}}, content_type="application/json")
    foreign = _api(other_official).patch(url, {"notifications": {"decision": False}}, content_type="application/json")

    assert unknown.status_code == 400
    assert "Unknown kind(s) of notification: newsletter" in unknown.json()["notifications"][0]
    assert foreign.status_code == 403
    assert _settings(call) == ALL_ON
    assert _events(call) == []


def test_a_call_created_over_the_api_may_switch_kinds_off(official: User, agency: Agency) -> None:
    program = ProgramFactory(agency=agency)
    body = {
        "program": program.pk,
        "code": "quiet-call",
        "title_ko": "조용한 공고",
        "title_en": "Quiet call",
        "opens_at": "2026-12-01T09:00:00+09:00",
        "closes_at": "2026-12-31T18:00:00+09:00",
        "budget_krw": 1_000_000_000,
        "max_award_krw": 100_000_000,
        "rubric_criteria": [
            {"key": "tech", "label_ko": "기술", "label_en": "Tech", "weight": 1, "scale_min": 0, "scale_max": 10}
        ],
        "notifications": {"review_reminder": False},
    }

    created = _api(official).post(reverse("api:call-list"), body, content_type="application/json")

    assert created.status_code == 201, created.content
    call = Call.objects.get(code="quiet-call")
    assert call.notification_settings() == {**ALL_ON, "review_reminder": False}
