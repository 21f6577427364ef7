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

While the body runs, a heartbeat thread renews the job's lease (ADR 0012), so a worker that dies
(``kill -9``, out of memory, machine lost) leaves a job whose lease runs out, and the sweep
(``jobs_sweep_stale``: at the start of every job, on the job's page and ``foster jobs sweep``) marks
it failed with a message the owner sees, instead of "running" forever.

The embedded default runs tasks in a database-backed worker (`foster db_worker`, started by
`foster demo`); at scale `TASK_BACKEND=rq` sends them to Redis-backed workers (`foster rqworker`);
tests use the immediate backend, so a task runs inside ``on_commit`` of the request that queued it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import connections, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from foster.core.models import Job
from foster.core.services import (
    job_cancelled,
    job_fail,
    job_finish,
    job_heartbeat,
    job_is_cancel_requested,
    job_progress,
    jobs_sweep_stale,
)

logger = logging.getLogger(__name__)


class JobError(Exception):
    """A failure whose message is meant for the user (shown on the job page as is)."""


class JobCancelled(Exception):
    """Raised by ``JobReport.check_cancelled`` when the owner asked the job to stop; ``job_running``
    marks the job cancelled. The task must leave nothing half-made behind (undo in ``except``/``finally``)."""


class JobLeaseLost(Exception):
    """The job finished while this worker was still on it (cancelled while queued, or swept as failed
    after its lease ran out): the worker stops and leaves the job's outcome as it is."""


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
        if not job_progress(job_id=self.job_id, done=done, total=total, message=message):
            raise JobLeaseLost(self.job_id)

    def check_cancelled(self) -> None:
        """Raise ``JobCancelled`` if the owner asked the job to stop; call it between steps."""
        if job_is_cancel_requested(job_id=self.job_id):
            raise JobCancelled


class Heartbeat:
    """A daemon thread that renews a running job's lease every ``interval`` seconds until stopped.

    It has its own database connection (closed when it stops). It runs in worker processes only:
    with the immediate backend of the tests the task runs inside the request, there is no separate
    worker to lose, and nothing beats."""

    def __init__(self, job_id: int, interval: float) -> None:
        self.job_id = job_id
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"job-{job_id}-heartbeat", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=max(5.0, self.interval))

    def _run(self) -> None:
        try:
            while not self._stop.wait(self.interval):
                try:
                    if not job_heartbeat(job_id=self.job_id):
                        return  # finished (or swept): nothing more to renew
                except Exception:  # a database outage: try again at the next beat
                    logger.warning("heartbeat of background job %s failed", self.job_id, exc_info=True)
                    connections["default"].close()
        finally:
            connections.close_all()


def heartbeat_interval() -> float:
    """Seconds between two heartbeats of a running job; 0 with the immediate backend (no worker)."""
    if str(settings.TASKS["default"]["BACKEND"]).endswith("ImmediateBackend"):
        return 0.0
    return float(settings.FOSTER_JOB_HEARTBEAT_SECONDS)


@contextmanager
def job_running(job_id: int) -> Iterator[JobReport]:
    """Context for the body of a background task: yields a ``JobReport``.

    On a ``JobError`` the job fails with that message, on ``JobCancelled`` it is marked cancelled, on
    any other exception it fails with a generic message (details go to the log); otherwise it succeeds
    with ``report.result``. First it sweeps the jobs of dead workers (ADR 0012); a job that has
    finished already (cancelled while queued, swept) is not run again: ``JobLeaseLost`` is raised
    before the body, ends the task and leaves the job's outcome as it is.
    """
    report = JobReport(job_id)
    owner_language = Job.objects.filter(pk=job_id).values_list("owner__preferred_language", flat=True).first() or "ko"
    jobs_sweep_stale()
    # Messages written by the task are for the job's owner: write them in the owner's language.
    with translation.override(owner_language):
        if not job_progress(job_id=job_id, done=0):
            # Cancelled while queued, or swept: the body does not run, the job's outcome stays.
            raise JobLeaseLost(job_id)
        interval = heartbeat_interval()
        heartbeat = Heartbeat(job_id, interval) if interval > 0 else None
        if heartbeat is not None:
            heartbeat.start()
        try:
            yield report
        except JobLeaseLost:
            logger.warning("background job %s finished elsewhere while running; its outcome is kept", job_id)
            return
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
        finally:
            if heartbeat is not None:
                heartbeat.stop()
        job_finish(job_id=job_id, result=report.result, message=report.message)
