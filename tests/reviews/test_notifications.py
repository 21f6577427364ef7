"""Assignment notices and review-deadline reminders go through the notifications service, as the
call and each reviewer allow; the reminders run daily without cron."""

from __future__ import annotations

import datetime as dt
import io
import threading

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from django.utils import timezone
from django_tasks import default_task_backend

from foster.accounts.models import User
from foster.core.choices import NotificationKind
from foster.core.models import DailyRun, Notification
from foster.core.schedule import next_run_after
from foster.core.services import notifications_send
from foster.programs.services import call_notifications_update
from foster.reviews.assignment import call_assign_reviewers
from foster.reviews.choices import AssignmentStatus
from foster.reviews.models import ReviewAssignment
from foster.reviews.services import review_reminders_send
from foster.reviews.tasks import REMINDERS_RUN_AT, review_reminders_daily_task, review_reminders_schedule
from tests.reviews.factories import CallFactory, ReviewAssignmentFactory, ReviewerProfileFactory, applications_of

pytestmark = pytest.mark.django_db


def test_new_assignments_notify_each_reviewer_once(official: User, call, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    applications_of(call, 3)
    reviewers = [ReviewerProfileFactory(max_load=3) for _ in range(2)]

    with django_capture_on_commit_callbacks(execute=True):
        call_assign_reviewers(user=official, call=call)

    notices = Notification.objects.filter(kind=NotificationKind.REVIEW_ASSIGNMENT)
    assert sorted(notices.values_list("user_id", flat=True)) == sorted(reviewer.user_id for reviewer in reviewers)


def test_reminders_go_once_to_reviewers_with_pending_sheets_near_the_deadline(
    call, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    call.review_deadline = now + dt.timedelta(days=2)
    call.save()
    pending = ReviewAssignmentFactory(application__call=call)
    far = ReviewAssignmentFactory()
    far.application.call.review_deadline = now + dt.timedelta(days=10)
    far.application.call.save()

    with django_capture_on_commit_callbacks(execute=True):
        first = review_reminders_send(now=now)
    with django_capture_on_commit_callbacks(execute=True):
        second = review_reminders_send(now=now)

    assert (first, second) == (1, 0)
    notice = Notification.objects.get(kind=NotificationKind.REVIEW_REMINDER)
    assert notice.user == pending.reviewer.user


def test_no_assignment_notices_when_the_call_switched_them_off(
    official: User, call, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    call_notifications_update(user=official, call=call, notifications={"review_assignment": False})
    applications_of(call, 2)
    ReviewerProfileFactory(max_load=3)
    ReviewerProfileFactory(max_load=3)

    with django_capture_on_commit_callbacks(execute=True):
        call_assign_reviewers(user=official, call=call)

    assert ReviewAssignment.objects.filter(application__call=call).count() == 4
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_reminders_wait_while_the_call_switched_them_off(
    official: User, call, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    call.review_deadline = now + dt.timedelta(days=2)
    call.save()
    assignment = ReviewAssignmentFactory(application__call=call)
    call_notifications_update(user=official, call=call, notifications={"review_reminder": False})

    with django_capture_on_commit_callbacks(execute=True):
        silent = review_reminders_send(now=now)
    assignment.refresh_from_db()
    unreminded = assignment.reminded_at
    call_notifications_update(user=official, call=call, notifications={"review_reminder": True})
    with django_capture_on_commit_callbacks(execute=True):
        reminded = review_reminders_send(now=now)

    assert (silent, unreminded, reminded) == (0, None, 1)
    assert Notification.objects.get(kind=NotificationKind.REVIEW_REMINDER).user == assignment.reviewer.user


def test_reminders_go_out_in_one_batch_with_one_notice_per_reviewer(
    call, django_capture_on_commit_callbacks, django_assert_max_num_queries, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    call.review_deadline = now + dt.timedelta(days=1)
    call.save()
    first, second = ReviewerProfileFactory(user__preferred_language="en"), ReviewerProfileFactory()
    for reviewer, count in ((first, 3), (second, 1)):
        for application in applications_of(call, count):
            ReviewAssignmentFactory(application=application, reviewer=reviewer)
    batches = []
    monkeypatch.setattr(
        "foster.reviews.services.notifications_send",
        lambda **kwargs: batches.append(kwargs) or notifications_send(**kwargs),
    )

    # The pending assignments, their update, the recipients' preferences, one insert of the notices.
    with django_assert_max_num_queries(6), django_capture_on_commit_callbacks(execute=True):
        reminded = review_reminders_send(now=now)

    assert reminded == 2
    assert len(batches) == 1
    assert batches[0]["kind"] == NotificationKind.REVIEW_REMINDER
    notices = {notice.user: notice for notice in Notification.objects.filter(kind=NotificationKind.REVIEW_REMINDER)}
    assert set(notices) == {first.user, second.user}
    assert notices[first.user].subject == "Review deadline approaching"
    assert notices[first.user].body.startswith("3 applications still wait for your scores")
    assert ReviewAssignment.objects.filter(reminded_at=now).count() == 4


def test_submitted_and_already_reminded_assignments_are_not_reminded(call, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    call.review_deadline = now + dt.timedelta(days=1)
    call.save()
    ReviewAssignmentFactory(application__call=call, status=AssignmentStatus.SUBMITTED)
    ReviewAssignmentFactory(application__call=call, reminded_at=now - dt.timedelta(days=1))

    with django_capture_on_commit_callbacks(execute=True):
        assert review_reminders_send(now=now) == 0

    assert not Notification.objects.exists()


# --- The daily schedule ---------------------------------------------------------------------

DEFERRING_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}


def _queued() -> list:  # type: ignore[type-arg]
    return list(default_task_backend.results)  # type: ignore[attr-defined]


def test_the_schedule_queues_each_day_once(settings, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    settings.TASKS = DEFERRING_TASKS
    morning = timezone.make_aware(dt.datetime(2026, 11, 25, 8, 0))  # Asia/Seoul
    evening = timezone.make_aware(dt.datetime(2026, 11, 25, 18, 0))

    with django_capture_on_commit_callbacks(execute=True):
        queued = [review_reminders_schedule(now=now) for now in (morning, morning, evening, evening)]

    assert queued == [True, False, True, False]
    assert [(run.name, run.day) for run in DailyRun.objects.order_by("day")] == [
        ("reviews.reminders", dt.date(2026, 11, 25)),
        ("reviews.reminders", dt.date(2026, 11, 26)),
    ]
    assert [result.task.run_after for result in _queued()] == [
        timezone.make_aware(dt.datetime(2026, 11, 25, 9, 0)),
        timezone.make_aware(dt.datetime(2026, 11, 26, 9, 0)),
    ]
    assert {result.task.name for result in _queued()} == {"review_reminders_daily_task"}


def test_a_daily_run_queues_the_next_and_reminds(settings, call, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    settings.TASKS = DEFERRING_TASKS
    call.review_deadline = timezone.now() + dt.timedelta(days=2)
    call.save()
    assignment = ReviewAssignmentFactory(application__call=call)

    with django_capture_on_commit_callbacks(execute=True):
        review_reminders_daily_task.call()
    with django_capture_on_commit_callbacks(execute=True):
        review_reminders_daily_task.call()  # the same day again: nobody is reminded twice, nothing queued twice

    assert Notification.objects.get(kind=NotificationKind.REVIEW_REMINDER).user == assignment.reviewer.user
    assert DailyRun.objects.count() == 1
    (next_run,) = _queued()
    assert next_run.task.run_after == next_run_after(at=REMINDERS_RUN_AT)


def test_a_backend_that_cannot_defer_is_not_scheduled() -> None:
    assert review_reminders_schedule() is False  # the immediate backend of the tests would loop forever
    assert not DailyRun.objects.exists()
    with pytest.raises(CommandError, match="cannot run tasks later"):
        call_command("review_reminders", "--schedule")


def test_the_command_reminds_now(call, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    call.review_deadline = timezone.now() + dt.timedelta(days=5)
    call.save()
    ReviewAssignmentFactory(application__call=call)
    out = io.StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("review_reminders", "--days", "3", stdout=out)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("review_reminders", "--days", "6", stdout=out)

    assert out.getvalue().splitlines() == ["reminded 0 reviewers", "reminded 1 reviewers"]


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a race needs separate connections: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_remind_each_assignment_once(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    call = CallFactory(review_deadline=timezone.now() + dt.timedelta(days=1))
    reviewers = [ReviewerProfileFactory() for _ in range(4)]
    for reviewer in reviewers:
        for application in applications_of(call, 2):
            ReviewAssignmentFactory(application=application, reviewer=reviewer)
    barrier = threading.Barrier(8)
    counts: list[object] = [None] * 8

    def run(index: int) -> None:
        try:
            barrier.wait()
            counts[index] = review_reminders_send()
        except BaseException as error:
            counts[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert all(isinstance(count, int) for count in counts), counts
    assert sum(counts) == 4  # type: ignore[arg-type]
    notified = Notification.objects.filter(kind=NotificationKind.REVIEW_REMINDER).values_list("user_id", flat=True)
    assert sorted(notified) == sorted(reviewer.user_id for reviewer in reviewers)
    assert not ReviewAssignment.objects.filter(reminded_at__isnull=True).exists()
