"""`foster seed`: create large synthetic data sets for benchmarks and load tests."""

from __future__ import annotations

import contextlib
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from foster.accounts.seeding import agencies_seed
from foster.core.progress import cli_progress
from foster.registry.models import Company
from foster.registry.seeding import companies_seed, company_statistics_refresh, secondary_indexes_deferred

SEED_INDEX_BASE = 5_000_000  # far from the demo's indexes, so seeded numbers never collide with them
DEFER_INDEXES_FROM = 100_000  # rows; below this, updating the indexes row by row is quicker than rebuilding


class Command(BaseCommand):
    help = (
        "Add synthetic companies in bulk (for example --companies 1000000 for a benchmark), and with "
        "--applications, --ledger-entries or --load-users the load test's data set on top of the demo "
        "data (PostgreSQL; see bench/load/). "
        "The same --seed gives the same companies. Runs in batches that each commit. On PostgreSQL "
        "the rows are loaded with COPY; a load of 100,000 rows or more that at least doubles the "
        "registry runs in one transaction that rebuilds the search indexes once at the end "
        "(other sessions wait for the table meanwhile; --keep-indexes avoids that)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--companies", type=int, default=0, help="How many companies to add.")
        parser.add_argument(
            "--applications", type=int, default=0, help="Bring the number of applications up to this (PostgreSQL)."
        )
        parser.add_argument(
            "--ledger-entries", type=int, default=0, help="Add about this many ledger entries as loans (PostgreSQL)."
        )
        parser.add_argument(
            "--load-users",
            type=int,
            default=0,
            help="Company members with a draft and reviewers with open score sheets, this many of each.",
        )
        parser.add_argument("--seed", type=int, default=1, help="Seed of the synthetic data (default 1).")
        parser.add_argument("--no-valuations", action="store_true", help="Skip valuation histories (faster).")
        parser.add_argument("--batch-size", type=int, default=10_000, help="Rows per batch (default 10000).")
        parser.add_argument(
            "--keep-indexes",
            action="store_true",
            help="Update the indexes row by row instead of rebuilding them after a large load.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        extras = ("applications", "ledger_entries", "load_users")
        if any(options[name] < 0 for name in ("companies", *extras)):
            raise CommandError("The numbers to add cannot be negative.")
        if not options["companies"] and not any(options[name] for name in extras):
            raise CommandError("Say what to add: --companies, --applications, --ledger-entries or --load-users.")
        if options["batch_size"] <= 0:
            raise CommandError("--batch-size must be a positive number.")
        if any(options[name] for name in extras) and connection.vendor != "postgresql":
            raise CommandError("--applications, --ledger-entries and --load-users need PostgreSQL (DATABASE_URL).")
        if options["companies"]:
            self._companies(options)
        if any(options[name] for name in extras):
            self._load_data(options)

    def _step(self, label: str, started: float) -> None:
        self.stdout.write(self.style.SUCCESS(f"{label} in {time.perf_counter() - started:.1f} s."))

    def _load_data(self, options: dict[str, Any]) -> None:
        """The load test's data set: the demo data (programs, calls, users, applications, reviews,
        ledger, ...) on the registry as it is, then the bulk applications, users and ledger."""
        from foster.applications.seeding import applications_bulk_seed
        from foster.core.demo import demo_seed
        from foster.core.load_seeding import load_users_seed
        from foster.finance.seeding import ledger_bulk_seed

        started = time.perf_counter()
        demo_seed(seed=options["seed"])
        self._step("Demo data (programs, calls, users, applications, reviews, ledger)", started)
        if options["applications"]:
            started = time.perf_counter()
            added = applications_bulk_seed(total=options["applications"], seed=options["seed"])
            self._step(f"Added {added} applications", started)
        if options["load_users"]:
            started = time.perf_counter()
            members, reviewers = load_users_seed(count=options["load_users"])
            self._step(f"Added {members} company members with drafts and {reviewers} reviewers", started)
        if options["ledger_entries"]:
            started = time.perf_counter()
            added = ledger_bulk_seed(entries=options["ledger_entries"], seed=options["seed"])
            self._step(f"Added {added} ledger entries", started)

    def _companies(self, options: dict[str, Any]) -> None:
        count = options["companies"]
        agencies_seed()
        existing = Company.objects.count()
        start = SEED_INDEX_BASE + existing
        defer = not options["keep_indexes"] and count >= DEFER_INDEXES_FROM and count >= existing
        advance = cli_progress(
            total=count, description="Companies", stream=self.stderr, enabled=options["verbosity"] > 0
        )
        started = time.perf_counter()
        loading: contextlib.AbstractContextManager[list[str]] = contextlib.nullcontext([])
        if defer:
            loading = secondary_indexes_deferred()
        with loading as deferred:
            if deferred and options["verbosity"] > 0:
                self.stderr.write(f"Loading without {len(deferred)} secondary indexes; they are rebuilt at the end.")
            inserted = companies_seed(
                count=count,
                seed=options["seed"],
                start=start,
                with_valuations=not options["no_valuations"],
                batch_size=options["batch_size"],
                progress=advance,
            )
            if deferred and options["verbosity"] > 0:
                self.stderr.write("Rebuilding the indexes…")
        company_statistics_refresh()
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Added {inserted} companies in {elapsed:.1f} s ({inserted / elapsed:,.0f} companies per second)."
            )
        )
