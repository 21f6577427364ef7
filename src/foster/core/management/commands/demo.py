"""`foster demo`: migrate, seed the demo data, start a task worker and serve the platform."""

from __future__ import annotations

import subprocess  # nosec B404  # runs only our own task worker, argv fixed
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.test.utils import override_settings

from foster.core.demo import DEMO_COMPANIES, DEMO_PASSWORD, DEMO_USERS, demo_seed
from foster.core.progress import cli_progress
from foster.datalab.tasks import retention_schedule
from foster.finance.tasks import ledger_reconcile_schedule
from foster.innovation.tasks import matching_index_schedule
from foster.registry.models import Company
from foster.reviews.tasks import review_reminders_schedule


class Command(BaseCommand):
    help = (
        "Run Foster with demo data: create or update the database, add demo companies and one "
        "user per role (only the first time), start a background task worker and serve the site."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--address", default="127.0.0.1:8000", help="Where to serve (default 127.0.0.1:8000).")
        parser.add_argument("--seed", type=int, default=2026, help="Seed of the demo data (same seed, same data).")
        parser.add_argument("--companies", type=int, default=DEMO_COMPANIES, help="How many demo companies.")
        parser.add_argument("--no-serve", action="store_true", help="Only prepare the database; do not serve.")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Database ready.")
        todo = 0 if Company.objects.exists() else options["companies"]
        advance = cli_progress(total=todo, description="Demo companies", stream=self.stderr, enabled=todo > 0)
        # Seeding sends the notifications a real run would; keep those e-mails out of the terminal.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            created = demo_seed(seed=options["seed"], companies=options["companies"], progress=advance)
        self.stdout.write(f"Demo data ready ({created} companies created, {Company.objects.count()} in total).")
        if review_reminders_schedule():  # daily from now on: each run queues the next
            self.stdout.write("Daily review reminders scheduled.")
        if ledger_reconcile_schedule():  # the finance ledger's daily reconciliation, likewise
            self.stdout.write("Daily ledger reconciliation scheduled.")
        if matching_index_schedule():  # the nightly rebuild of the open-innovation matching indexes
            self.stdout.write("Nightly matching index rebuild scheduled.")
        if retention_schedule():  # the data LAB deletes original uploads past their retention period
            self.stdout.write("Daily data LAB retention run scheduled.")
        self._print_logins()
        if options["no_serve"]:
            return
        worker = None
        if settings.TASK_BACKEND == "database":
            worker = subprocess.Popen([sys.executable, "-m", "foster.cli", "db_worker", "--interval", "0.5"])  # nosec B603  # argv fixed: this interpreter and our own command
            self.stdout.write("Background task worker started.")
        try:
            self.stdout.write(self.style.SUCCESS(f"Open http://{options['address']}/ in your browser (Ctrl-C stops)."))
            call_command("runserver", options["address"], use_reloader=False)
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=10)

    def _print_logins(self) -> None:
        self.stdout.write(f"\nDemo log-ins (password for all: {DEMO_PASSWORD})")
        for user in DEMO_USERS:
            self.stdout.write(f"  {user.role:<22} {user.email}")
        self.stdout.write(
            "Planners and officials log in with two factors: in the demo only, the verification page shows "
            "the code their authenticator would show.\n"
        )
