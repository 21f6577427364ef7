"""Daily background tasks without cron: each run queues the next one.

A daily task is an ordinary Django Tasks task (ADR 0002). ``daily_run_enqueue`` queues it with
``run_after`` set to the next ``at`` o'clock (Asia/Seoul), and the task's body calls
``daily_run_enqueue`` again first thing, so the worker that runs today's run queues tomorrow's:

    @task()
    def review_reminders_daily_task() -> None:
        review_reminders_schedule()            # tomorrow's run, queued once
        review_reminders_send()

    def review_reminders_schedule() -> bool:
        return daily_run_enqueue(review_reminders_daily_task, name="reviews.reminders", at=dt.time(9))

Each day is queued at most once: a ``DailyRun`` row (name, day) is created before queuing and a
second attempt for the same day finds it and does nothing. Starting the schedule is therefore
safe to repeat: ``foster demo`` starts it, and a deployment runs the start command after every
release (docs/deployment.md). If a queued run was lost, the next start queues the following day.

Which process runs the task is the task backend's: ``foster db_worker`` (database backend) or
``foster rqworker --with-scheduler default`` (RQ keeps deferred jobs in its scheduler). A backend
that cannot defer a task (``immediate``, in tests) queues nothing: the run would happen at once,
and queue itself again, forever.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from foster.core.models import DailyRun

logger = logging.getLogger(__name__)


def next_run_after(*, at: dt.time, now: dt.datetime | None = None) -> dt.datetime:
    """The first ``at`` o'clock in the current time zone (Asia/Seoul) strictly after ``now``."""
    local_now = timezone.localtime(now or timezone.now())
    candidate = timezone.make_aware(dt.datetime.combine(local_now.date(), at))
    if candidate <= local_now:
        candidate = timezone.make_aware(dt.datetime.combine(local_now.date() + dt.timedelta(days=1), at))
    return candidate


def daily_run_enqueue(task: Any, *, name: str, at: dt.time, now: dt.datetime | None = None) -> bool:
    """Queue ``task()`` to run at the next ``at`` o'clock, unless that day's run of ``name`` is
    queued already. Returns whether this call queued it. The task is queued once the current
    transaction commits (nothing is queued if it rolls back)."""
    if not task.get_backend().supports_defer:
        logger.info("daily task %s not scheduled: the task backend cannot run tasks later", name)
        return False
    run_after = next_run_after(at=at, now=now)
    try:
        with transaction.atomic():
            DailyRun.objects.create(name=name, day=timezone.localdate(run_after), run_after=run_after)
    except IntegrityError:
        return False
    transaction.on_commit(lambda: task.using(run_after=run_after).enqueue())
    return True
