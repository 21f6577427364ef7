"""``foster ledger reconcile``: recompute every balance and counter of the finance ledger from its
entries, print each difference and exit with status 1 if there is one.

``foster ledger reconcile --schedule`` queues the daily run on the task worker instead (each run
queues the next; safe to repeat after every release).
"""

from __future__ import annotations

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from foster.finance.reconcile import ledger_reconcile
from foster.finance.tasks import ledger_reconcile_daily_task, ledger_reconcile_schedule


class Command(BaseCommand):
    help = (
        "Finance ledger tools. 'reconcile' recomputes every account balance and company exposure from the "
        "entries and exits non-zero on any difference; with --schedule it queues the daily run instead."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        reconcile = actions.add_parser("reconcile", help="recompute balances and counters from the entries")
        reconcile.add_argument(
            "--schedule", action="store_true", help="queue the daily 03:00 run on the task worker; safe to repeat"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] != "reconcile":  # pragma: no cover - argparse allows only reconcile
            raise CommandError(f"unknown action {options['action']}")
        if options.get("schedule"):
            if not ledger_reconcile_daily_task.get_backend().supports_defer:
                raise CommandError("This task backend cannot run tasks later; set TASK_BACKEND to database or rq.")
            queued = ledger_reconcile_schedule()
            self.stdout.write(
                "queued the next daily ledger reconciliation" if queued else "the next daily run is queued already"
            )
            return
        started = time.perf_counter()
        differences = ledger_reconcile()
        for difference in differences:
            self.stdout.write(str(difference))
        seconds = time.perf_counter() - started
        if differences:
            self.stdout.write(f"{len(differences)} differences ({seconds:.1f} s)")
            sys.exit(1)
        self.stdout.write(f"ledger reconciles: no differences ({seconds:.1f} s)")
