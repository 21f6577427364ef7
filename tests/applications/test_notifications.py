"""Notifications: e-mail and in-app, each as the user's preferences allow; the pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from foster.accounts.models import User
from foster.applications.services import application_notify, application_transition
from foster.core.models import Notification, NotificationPreference
from foster.core.services import notification_send
from foster.programs.models import Call
from foster.programs.services import call_notifications_update
from foster.registry.models import Company
from tests.applications.objects import application_build, english_client
from tests.factories import CompanyMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("by_email", "in_app", "mails", "notices"),
    [(True, True, 1, 1), (False, True, 0, 1), (True, False, 1, 0), (False, False, 0, 0)],
)
def test_preferences_decide_the_channels(by_email: bool, in_app: bool, mails: int, notices: int, member: User) -> None:
    NotificationPreference.objects.create(user=member, kind="decision", by_email=by_email, in_app=in_app)

    notification_send(user=member, kind="decision", subject="결정", body="선정되었습니다.", url="/applications/1/")

    assert len(mail.outbox) == mails
    assert Notification.objects.filter(user=member).count() == notices


def test_no_preference_means_both_channels(member: User) -> None:
    notification_send(user=member, kind="screening_result", subject="S", body="B", url="")

    assert [message.to for message in mail.outbox] == [[member.email]]
    assert Notification.objects.get().subject == "S"


def test_a_preference_for_one_kind_leaves_the_others(
    call: Call, company: Company, member: User, official: User, django_capture_on_commit_callbacks: Any
) -> None:
    NotificationPreference.objects.create(user=member, kind="decision", by_email=False, in_app=False)
    application = application_build(call=call, company=company, applicant=member, status="reviewed")

    with django_capture_on_commit_callbacks(execute=True):
        application_transition(user=official, application=application, transition="reserve")

    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_a_kind_the_call_switched_off_goes_to_nobody(
    call: Call, company: Company, member: User, official: User, django_capture_on_commit_callbacks: Any
) -> None:
    call_notifications_update(user=official, call=call, notifications={"decision": False})
    application = application_build(call=call, company=company, applicant=member, status="reviewed")

    with django_capture_on_commit_callbacks(execute=True):
        application_transition(user=official, application=application, transition="select")
    application_notify(application_id=application.pk, kind="screening_result")

    assert [notice.kind for notice in Notification.objects.all()] == ["screening_result"]
    assert len(mail.outbox) == 1


def test_the_call_and_the_users_preference_both_apply(
    call: Call, company: Company, member: User, official: User
) -> None:
    NotificationPreference.objects.create(user=member, kind="screening_result", by_email=False, in_app=True)
    application = application_build(call=call, company=company, applicant=member, status="eligible")

    application_notify(application_id=application.pk, kind="screening_result")
    call_notifications_update(user=official, call=call, notifications={"screening_result": False})
    application_notify(application_id=application.pk, kind="screening_result")

    assert mail.outbox == []
    assert Notification.objects.filter(user=member, kind="screening_result").count() == 1


def test_the_notice_is_written_in_the_recipients_language(
    call: Call, company: Company, member: User, official: User, django_capture_on_commit_callbacks: Any
) -> None:
    member.preferred_language = "en"
    member.save(update_fields=["preferred_language"])
    application = application_build(call=call, company=company, applicant=member, status="reviewed")

    with django_capture_on_commit_callbacks(execute=True):
        application_transition(user=official, application=application, transition="select")

    notice = Notification.objects.get(user=member)
    assert notice.subject == f"Decision on your application: {call.title_en}"
    assert notice.url == reverse("applications:application-detail", kwargs={"pk": application.pk})


def test_the_pages_list_notices_and_save_preferences(member: User) -> None:
    notification_send(user=member, kind="decision", subject="선정 결과", body="본문", url="")
    client = english_client(member)

    listing = client.get(reverse("core:notification-list"))
    saved = client.post(
        reverse("core:notification-preferences"), {"decision__email": "on", "screening_result__in_app": "on"}
    )

    assert "선정 결과" in listing.content.decode()
    assert Notification.objects.get().read_at is not None
    assert saved.status_code == 302
    assert NotificationPreference.objects.get(user=member, kind="decision").in_app is False
    assert NotificationPreference.objects.get(user=member, kind="screening_result").by_email is False


def test_a_user_sees_only_their_own_notices(member: User, other_member: User) -> None:
    notification_send(user=other_member, kind="decision", subject="남의 알림", body="", url="")

    listing = english_client(member).get(reverse("core:notification-list"))

    assert "남의 알림" not in listing.content.decode()
    assert Notification.objects.get().read_at is None


def test_every_member_is_told_with_a_fixed_number_of_queries(
    call: Call, company: Company, member: User, django_assert_max_num_queries: Any
) -> None:
    for language in ("ko", "en", "en"):
        CompanyMembershipFactory(company=company, user=UserFactory(preferred_language=language))
    application = application_build(call=call, company=company, applicant=member, status="reviewed")

    # The application, the members, their preferences, one insert of the notices.
    with django_assert_max_num_queries(4):
        application_notify(application_id=application.pk, kind="decision")

    assert Notification.objects.filter(user__company_memberships__company=company).count() == 4
    assert len(mail.outbox) == 4
