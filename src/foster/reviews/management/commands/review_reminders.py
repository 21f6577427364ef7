"""``foster review_reminders``: remind reviewers of review deadlines in the next days (run daily)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from foster.reviews.services import REMINDER_LEAD_TIME, review_reminders_send


class Command(BaseCommand):
    help = "Remind reviewers with unsubmitted score sheets whose review deadline is near. Run it daily."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=REMINDER_LEAD_TIME.days, help="lead time in days (default 3)")

    def handle(self, *args: Any, **options: Any) -> None:
        count = review_reminders_send(lead_time=dt.timedelta(days=options["days"]))
        self.stdout.write(f"reminded {count} reviewers")
