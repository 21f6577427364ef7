"""``foster jobs sweep``: mark failed every running background job whose worker died (its lease ran
out, ADR 0012), so its owner sees that it stopped instead of "running" forever.

Every job start sweeps as well, and so does a job's page; the command is for a supervisor's start
hook (run it before starting the workers) and for operators.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from foster.core.services import jobs_sweep_stale


class Command(BaseCommand):
    help = (
        "Background job tools. 'sweep' marks failed every running job whose worker stopped renewing its "
        "lease (killed, out of memory, machine lost), with a message its owner sees on the job's page."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("sweep", help="mark failed the running jobs whose lease has run out")

    def handle(self, *args: Any, **options: Any) -> None:
        # argparse admits only "sweep" (a required sub-command).
        swept = jobs_sweep_stale()
        if swept:
            self.stdout.write(f"{len(swept)} stale jobs marked failed: {', '.join(map(str, swept))}")
        else:
            self.stdout.write("no stale jobs")
