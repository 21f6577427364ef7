"""`foster selfcheck`: check that background tasks run, by queueing one and waiting for it."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from foster.core.choices import JobStatus
from foster.core.jobs import job_enqueue
from foster.core.services import job_create
from foster.core.tasks import platform_selfcheck, selfcheck_models

SELFCHECK_KIND = "core.selfcheck"


class Command(BaseCommand):
    help = (
        "Check that background tasks work: queue a small task that counts the rows of every table, "
        "then wait until a worker has run it (start one with `foster db_worker`, or with "
        "`foster rqworker default` when TASK_BACKEND=rq). Exits with an error if no worker finished it in time."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--wait",
            type=float,
            default=60.0,
            help="Seconds to wait for a worker (default 60; 0 only queues the task and prints the job's number).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        job = job_create(kind=SELFCHECK_KIND, owner=None, total=len(selfcheck_models()))
        job_enqueue(platform_selfcheck, job)  # outside a transaction, it is sent at once
        self.stdout.write(f"Queued self-check job {job.pk} on the {settings.TASK_BACKEND} task backend.")
        if options["wait"] <= 0:
            return
        deadline = time.monotonic() + options["wait"]
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.is_finished:
                break
            time.sleep(0.2)
        else:
            raise CommandError(
                f"No worker finished job {job.pk} within {options['wait']:g} s "
                f"(status {job.status}, {job.done}/{job.total} steps). Is a worker running?"
            )
        if job.status != JobStatus.SUCCEEDED:
            raise CommandError(f"Job {job.pk} failed: {job.message}")
        result = job.result
        self.stdout.write(
            self.style.SUCCESS(
                f"Job {job.pk} succeeded on {result.get('host')} (process {result.get('pid')}): "
                f"{result.get('rows')} rows in {len(result.get('counts', {}))} tables."
            )
        )
