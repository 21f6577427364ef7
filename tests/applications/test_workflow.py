"""The workflow table applied by one service: every transition allowed or refused per actor,
overrides recorded without wrong notifications, screening by the real eligibility service."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from foster.accounts.models import User
from foster.applications.choices import Actor, ApplicationStatus
from foster.applications.models import Application, StatusChange
from foster.applications.services import application_override, application_screen, application_transition
from foster.applications.workflow import TRANSITIONS
from foster.core.models import AuditEvent, Notification
from foster.programs.models import Call
from foster.registry.models import Company
from tests.applications.objects import application_build, english_client

pytestmark = pytest.mark.django_db

ACTORS = ["applicant", "official", "other_official", "other_member", "system"]
ACTOR_KIND = {"applicant": Actor.APPLICANT, "official": Actor.OFFICIAL, "system": Actor.SYSTEM}


def _user(who: str, request: Any) -> User | None:
    if who == "system":
        return None
    return request.getfixturevalue("member" if who == "applicant" else who)


def _recorded(application: Application) -> tuple[Any, ...]:
    application.refresh_from_db()
    return application.status, StatusChange.objects.count(), AuditEvent.objects.count(), Notification.objects.count()


@pytest.mark.parametrize("transition", TRANSITIONS, ids=lambda t: t.name)
@pytest.mark.parametrize("who", ACTORS)
def test_every_transition_is_allowed_only_to_its_actors(
    transition: Any,
    who: str,
    call: Call,
    company: Company,
    member: User,
    request: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    source = sorted(transition.source)[0]
    application = application_build(call=call, company=company, applicant=member, status=source)
    user = _user(who, request)
    allowed = ACTOR_KIND.get(who) in transition.actors
    before = _recorded(application)

    with django_capture_on_commit_callbacks(execute=True):
        if allowed:
            application_transition(user=user, application=application, transition=transition.name, reason="사유")
        else:
            with pytest.raises(PermissionDenied):
                application_transition(user=user, application=application, transition=transition.name, reason="사유")

    application.refresh_from_db()
    if not allowed:
        assert _recorded(application) == before
        return
    change = StatusChange.objects.get()
    assert application.status == transition.target
    assert (change.from_status, change.to_status, change.transition, change.actor) == (
        source,
        transition.target,
        transition.name,
        user,
    )
    assert not change.is_override
    event = AuditEvent.objects.get(action=f"application.{transition.name}")
    assert event.changes == {"status": [source, transition.target]}
    notified = list(Notification.objects.filter(user=member).values_list("kind", flat=True))
    assert notified == ([transition.notification] if transition.notification else [])


@pytest.mark.parametrize("transition", TRANSITIONS, ids=lambda t: t.name)
def test_a_transition_from_a_wrong_status_is_refused(
    transition: Any, call: Call, company: Company, member: User, official: User
) -> None:
    wrong = next(status for status in ApplicationStatus.values if status not in transition.source)
    application = application_build(call=call, company=company, applicant=member, status=wrong)
    user = official if Actor.OFFICIAL in transition.actors else member
    before = _recorded(application)

    with pytest.raises(ValidationError):
        application_transition(user=user, application=application, transition=transition.name, reason="사유")

    assert _recorded(application) == before


def test_withdrawal_needs_a_reason(call: Call, company: Company, member: User) -> None:
    application = application_build(call=call, company=company, applicant=member, status="submitted")

    with pytest.raises(ValidationError) as caught:
        application_transition(user=member, application=application, transition="withdraw", reason="  ")

    assert caught.value.message_dict == {"reason": ["Give a reason."]}
    assert _recorded(application)[0] == "submitted"


def test_revert_from_selected_to_reviewed_is_recorded_and_tells_the_applicant_nothing(
    call: Call, company: Company, member: User, official: User, django_capture_on_commit_callbacks: Any
) -> None:
    application = application_build(call=call, company=company, applicant=member, status="reviewed")
    with django_capture_on_commit_callbacks(execute=True):
        application_transition(user=official, application=application, transition="select")
    assert list(Notification.objects.values_list("kind", flat=True)) == ["decision"]
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        application_override(user=official, application=application, to_status="reviewed", reason="심사 점수 재검토")

    application.refresh_from_db()
    change = StatusChange.objects.latest("id")
    assert application.status == "reviewed"
    assert (change.from_status, change.to_status, change.is_override, change.reason) == (
        "selected",
        "reviewed",
        True,
        "심사 점수 재검토",
    )
    assert AuditEvent.objects.filter(action="application.override").count() == 1
    assert list(Notification.objects.values_list("kind", flat=True)) == ["decision"]  # only the earlier one
    assert mail.outbox == []


@pytest.mark.parametrize("who", ["applicant", "other_official", "other_member"])
def test_only_the_calls_officials_may_override(
    who: str, call: Call, company: Company, member: User, request: Any
) -> None:
    application = application_build(call=call, company=company, applicant=member, status="reviewed")
    before = _recorded(application)

    with pytest.raises(PermissionDenied):
        application_override(user=_user(who, request), application=application, to_status="selected", reason="x")

    assert _recorded(application) == before


def test_an_override_needs_a_reason(call: Call, company: Company, member: User, official: User) -> None:
    application = application_build(call=call, company=company, applicant=member, status="reviewed")

    with pytest.raises(ValidationError):
        application_override(user=official, application=application, to_status="selected", reason="")

    assert _recorded(application)[0] == "reviewed"


def test_an_official_screens_with_the_real_rules(call: Call, company: Company, member: User, official: User) -> None:
    application = application_build(call=call, company=company, applicant=member, status="submitted")

    application = application_screen(user=official, application=application)

    assert application.status == "ineligible"  # no business plan attached
    assert [item["code"] for item in application.eligibility if not item["passed"]] == ["required_documents_missing"]
    assert StatusChange.objects.get().reason == "Missing documents: Business plan."


def test_the_official_buttons_work_over_http(call: Call, company: Company, member: User, official: User) -> None:
    application = application_build(call=call, company=company, applicant=member, status="eligible")
    client = english_client(official)

    page = client.get(reverse("applications:application-detail", kwargs={"pk": application.pk}))
    response = client.post(
        reverse("applications:application-transition", kwargs={"pk": application.pk}), {"transition": "start_review"}
    )
    refused = english_client(member).post(
        reverse("applications:application-transition", kwargs={"pk": application.pk}), {"transition": "finish_review"}
    )

    application.refresh_from_db()
    assert [transition.name for transition in page.context["transitions"]] == ["start_review"]
    assert response.status_code == 302
    assert refused.status_code == 403
    assert application.status == "under_review"


def test_the_applicant_withdraws_over_http(call: Call, company: Company, member: User) -> None:
    application = application_build(call=call, company=company, applicant=member, status="eligible")
    url = reverse("applications:application-withdraw", kwargs={"pk": application.pk})
    client = english_client(member)

    without_reason = client.post(url, {"reason": ""})
    with_reason = client.post(url, {"reason": "사업 일정 변경"})

    application.refresh_from_db()
    assert without_reason.status_code == 200
    assert with_reason.status_code == 302
    assert application.status == "withdrawn"
    assert application.status_changes.get().reason == "사업 일정 변경"
