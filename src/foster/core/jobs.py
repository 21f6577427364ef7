"""Running long work in the background through the Django Tasks API, with progress the user sees.

Pattern (see docs/architecture.md):

    job = job_create(kind="registry.import", owner=user, total=rows)
    job_enqueue(company_import_task, job, upload_id=...)   # after the surrounding transaction commits

    @task()
    def company_import_task(job_id: int, upload_id: int) -> None:
        with job_running(job_id) as report:                # marks running / succeeded / failed
            for done in ...:
                report(done, total)                        # stored; the page polls it with htmx
            report.result = {"next_url": ...}          # stored as the job's result

The embedded default runs tasks in a database-backed worker (`foster db_worker`, started by
`foster demo`); at scale `TASK_BACKEND=rq` sends them to Redis-backed workers (`foster rqworker`);
tests use the immediate backend, so a task runs inside ``on_commit`` of the request that queued it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from foster.core.models import Job
from foster.core.services import job_cancelled, job_fail, job_finish, job_is_cancel_requested, job_progress

logger = logging.getLogger(__name__)


class JobError(Exception):
    """A failure whose message is meant for the user (shown on the job page as is)."""


class JobCancelled(Exception):
    """Raised by ``JobReport.check_cancelled`` when the owner asked the job to stop; ``job_running``
    marks the job cancelled. The task must leave nothing half-made behind (undo in ``except``/``finally``)."""


def job_enqueue(task: Any, job: Job, **kwargs: Any) -> None:
    """Queue ``task(job_id=job.pk, **kwargs)`` once the current transaction has committed."""

    def send() -> None:
        result = task.enqueue(job_id=job.pk, **kwargs)
        Job.objects.filter(pk=job.pk, task_result_id="").update(task_result_id=str(result.id))

    transaction.on_commit(send)


class JobReport:
    """What a running task hands back: call it to record progress, set ``result`` (stored as the
    job's result) and optionally ``message`` (shown when the job has finished)."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.result: dict[str, Any] = {}
        self.message = ""

    def __call__(self, done: int, total: int | None = None, message: str | None = None) -> None:
        job_progress(job_id=self.job_id, done=done, total=total, message=message)

    def check_cancelled(self) -> None:
        """Raise ``JobCancelled`` if the owner asked the job to stop; call it between steps."""
        if job_is_cancel_requested(job_id=self.job_id):
            raise JobCancelled


@contextmanager
def job_running(job_id: int) -> Iterator[JobReport]:
    """Context for the body of a background task: yields a ``JobReport``.

    On a ``JobError`` the job fails with that message, on ``JobCancelled`` it is marked cancelled, on
    any other exception it fails with a generic message (details go to the log); otherwise it succeeds
    with ``report.result``.
    """
    report = JobReport(job_id)
    owner_language = Job.objects.filter(pk=job_id).values_list("owner__preferred_language", flat=True).first() or "ko"
    # Messages written by the task are for the job's owner: write them in the owner's language.
    with translation.override(owner_language):
        job_progress(job_id=job_id, done=0)
        try:
            yield report
        except JobError as error:
            job_fail(job_id=job_id, message=str(error), result=report.result)
            return
        except JobCancelled:
            job_cancelled(job_id=job_id, message=_("Stopped at your request; nothing was kept."), result=report.result)
            return
        except Exception:
            logger.exception("background job %s failed", job_id)
            job_fail(job_id=job_id, message=_("The job failed unexpectedly; nothing was changed. Please try again."))
            raise
        job_finish(job_id=job_id, result=report.result, message=report.message)
