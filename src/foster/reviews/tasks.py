"""Background task of the reviews app: the assignment run of a call, with progress on a ``core.Job``."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task

from foster.accounts.models import User
from foster.core.jobs import JobError, job_running
from foster.programs.models import Call
from foster.reviews.choices import AssignmentRunStatus


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
