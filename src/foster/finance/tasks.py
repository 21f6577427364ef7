"""Background task of the finance ledger: the daily reconciliation (``core.schedule``: each run
queues the next), at 03:00 Asia/Seoul when nobody is posting."""

from __future__ import annotations

import datetime as dt
import logging

from django_tasks import task

from foster.core.schedule import daily_run_enqueue
from foster.finance.reconcile import ledger_reconcile

logger = logging.getLogger(__name__)

RECONCILE_RUN_NAME = "finance.reconcile"
RECONCILE_RUN_AT = dt.time(3)


@task()
def ledger_reconcile_daily_task() -> int:
    """Today's reconciliation; queues tomorrow's first. Every difference is logged as an error
    (monitoring alerts on it); returns the number of differences."""
    ledger_reconcile_schedule()
    differences = ledger_reconcile()
    for difference in differences:
        logger.error("ledger reconcile: %s", difference)
    logger.info("ledger reconcile: %d differences", len(differences))
    return len(differences)


def ledger_reconcile_schedule(*, now: dt.datetime | None = None) -> bool:
    """Queue the next daily reconciliation unless it is queued already; safe to repeat."""
    return daily_run_enqueue(ledger_reconcile_daily_task, name=RECONCILE_RUN_NAME, at=RECONCILE_RUN_AT, now=now)
