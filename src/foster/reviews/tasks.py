"""Background tasks of the reviews app: the assignment run of a call, with progress on a
``core.Job``, and the daily review-deadline reminders (``core.schedule``: each run queues the next)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task

from foster.accounts.models import User
from foster.core.jobs import JobError, job_running
from foster.core.schedule import daily_run_enqueue
from foster.programs.models import Call
from foster.reviews.choices import AssignmentRunStatus
from foster.reviews.services import review_reminders_send

REMINDERS_RUN_NAME = "reviews.reminders"
REMINDERS_RUN_AT = dt.time(9, 0)  # Asia/Seoul, the start of the working day


@task()
def call_assign_reviewers_task(job_id: int, call_id: int, user_id: int) -> None:
    """Run ``call_assign_reviewers`` for the official who queued it."""
    from foster.reviews.assignment import call_assign_reviewers

    with job_running(job_id) as report:
        user = User.objects.filter(pk=user_id, is_active=True).first()
        call = Call.objects.filter(pk=call_id).first()
        if user is None or call is None:
            raise JobError(_("The call or the person who started the run no longer exists."))
        try:
            run = call_assign_reviewers(user=user, call=call, progress=report)
        except PermissionDenied as error:
            raise JobError(str(error)) from None
        report.result = {"next_url": reverse("reviews:call-assignment", args=[call_id]), "run": run.pk}
        report.message = (
            _("Every application has its reviewers.")
            if run.status == AssignmentRunStatus.OPTIMAL
            else _("Some applications cannot be covered; nothing was changed. See why.")
        )


@task()
def review_reminders_daily_task() -> None:
    """Today's review-deadline reminders (``review_reminders_send``). Queues tomorrow's run first,
    so a failing run does not stop the schedule."""
    review_reminders_schedule()
    review_reminders_send()


def review_reminders_schedule(*, now: dt.datetime | None = None) -> bool:
    """Queue the next daily run of the reminders (09:00 Asia/Seoul) unless it is queued already;
    returns whether this call queued it. Safe to call any number of times."""
    return daily_run_enqueue(review_reminders_daily_task, name=REMINDERS_RUN_NAME, at=REMINDERS_RUN_AT, now=now)
