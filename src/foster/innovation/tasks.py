"""Background tasks of open innovation: rebuilding the matching indexes from the database, on
demand (with progress on a ``core.Job``) and every night (``core.schedule``: each run queues the next)."""

from __future__ import annotations

import datetime as dt
import logging

from django.utils.translation import gettext as _
from django_tasks import task

from foster.core.jobs import job_running
from foster.core.schedule import daily_run_enqueue
from foster.innovation.matching import INDEX_NAMES, matching_index_rebuild

logger = logging.getLogger(__name__)

REBUILD_RUN_NAME = "innovation.matching_rebuild"
REBUILD_RUN_AT = dt.time(4)


@task()
def matching_index_rebuild_task(job_id: int) -> None:
    """Rebuild every matching index, reporting one step per index on the job."""
    with job_running(job_id) as report:
        counts = {}
        for done, name in enumerate(INDEX_NAMES):
            report(done, len(INDEX_NAMES), _("Rebuilding the matching index"))
            counts[name] = matching_index_rebuild(name)
        report(len(INDEX_NAMES), len(INDEX_NAMES))
        report.result = {"entries": counts}


@task()
def matching_index_daily_task() -> dict[str, int]:
    """Tonight's rebuild (merges the day's incremental updates); queues tomorrow's first."""
    matching_index_schedule()
    counts = {name: matching_index_rebuild(name) for name in INDEX_NAMES}
    logger.info("matching indexes rebuilt: %s", counts)
    return counts


def matching_index_schedule(*, now: dt.datetime | None = None) -> bool:
    """Queue the next nightly rebuild unless it is queued already; safe to repeat."""
    return daily_run_enqueue(matching_index_daily_task, name=REBUILD_RUN_NAME, at=REBUILD_RUN_AT, now=now)
