"""Background tasks of the data LAB: checking an upload, running a synthesis (both with progress on a
``core.Job``; a synthesis can be cancelled), and the daily deletion of originals past their retention
period (``core.schedule``: each run queues the next; ADR 0006)."""

from __future__ import annotations

import datetime as dt
import logging

from django_tasks import task

from foster.core.jobs import job_running
from foster.core.schedule import daily_run_enqueue
from foster.datalab.services import dataset_profile, retention_purge, run_execute

logger = logging.getLogger(__name__)

RETENTION_RUN_NAME = "datalab.retention"
RETENTION_RUN_AT = dt.time(2, 30)


@task()
def dataset_profile_task(job_id: int, dataset_id: int) -> None:
    """Read an uploaded table in full, profile it and find personal data."""
    with job_running(job_id) as report:
        dataset_profile(dataset_id=dataset_id, report=report)


@task()
def synthesis_run_task(job_id: int, run_id: int) -> None:
    """Synthesise, measure and store one run."""
    with job_running(job_id) as report:
        run_execute(run_id=run_id, report=report)


@task()
def retention_daily_task() -> int:
    """Tonight's deletion of originals past their retention period; queues tomorrow's first."""
    retention_schedule()
    deleted = retention_purge()
    logger.info("data LAB: %s original tables deleted at the end of their retention period", deleted)
    return deleted


def retention_schedule(*, now: dt.datetime | None = None) -> bool:
    """Queue the next daily retention run unless it is queued already; safe to repeat."""
    return daily_run_enqueue(retention_daily_task, name=RETENTION_RUN_NAME, at=RETENTION_RUN_AT, now=now)
