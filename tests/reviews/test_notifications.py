"""Assignment notices and review-deadline reminders go through the notifications service."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from foster.accounts.models import User
from foster.core.choices import NotificationKind
from foster.core.models import Notification
from foster.reviews.assignment import call_assign_reviewers
from foster.reviews.services import review_reminders_send
from tests.reviews.factories import ReviewAssignmentFactory, ReviewerProfileFactory, applications_of

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
