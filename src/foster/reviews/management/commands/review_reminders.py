"""``foster review_reminders``: remind reviewers of review deadlines in the next days, now or daily.

The daily schedule needs no cron: ``--schedule`` queues the next 09:00 run on the task worker, and
each run queues the next (``core.schedule``). ``foster demo`` starts it; a deployment runs
``foster review_reminders --schedule`` after each release (it does nothing if a run is queued).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from foster.reviews.services import REMINDER_LEAD_TIME, review_reminders_send
from foster.reviews.tasks import review_reminders_daily_task, review_reminders_schedule


class Command(BaseCommand):
    help = (
        "Remind reviewers with unsubmitted score sheets whose review deadline is near (each assignment "
        "once). With --schedule, queue the daily run on the background task worker instead."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=REMINDER_LEAD_TIME.days, help="lead time in days (default 3)")
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="queue the daily 09:00 run on the task worker (each run queues the next); safe to repeat",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["schedule"]:
            if not review_reminders_daily_task.get_backend().supports_defer:
                raise CommandError("This task backend cannot run tasks later; set TASK_BACKEND to database or rq.")
            if review_reminders_schedule():
                self.stdout.write("queued the next daily run of the review reminders")
            else:
                self.stdout.write("the next daily run of the review reminders is queued already")
            return
        if options["days"] < 1:
            raise CommandError("--days must be at least 1")
        count = review_reminders_send(lead_time=dt.timedelta(days=options["days"]))
        self.stdout.write(f"reminded {count} reviewers")
