"""`foster seed`: create large synthetic data sets for benchmarks and load tests."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from foster.accounts.seeding import agencies_seed
from foster.core.progress import cli_progress
from foster.registry.models import Company
from foster.registry.seeding import companies_seed

SEED_INDEX_BASE = 5_000_000  # far from the demo's indexes, so seeded numbers never collide with them


class Command(BaseCommand):
    help = (
        "Add synthetic companies in bulk (for example --companies 1000000 for a benchmark). "
        "The same --seed gives the same companies. Runs in batches that each commit."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--companies", type=int, required=True, help="How many companies to add.")
        parser.add_argument("--seed", type=int, default=1, help="Seed of the synthetic data (default 1).")
        parser.add_argument("--no-valuations", action="store_true", help="Skip valuation histories (faster).")
        parser.add_argument("--batch-size", type=int, default=5000, help="Rows per insert batch (default 5000).")

    def handle(self, *args: Any, **options: Any) -> None:
        count = options["companies"]
        if count <= 0:
            raise CommandError("--companies must be a positive number.")
        agencies_seed()
        start = SEED_INDEX_BASE + Company.objects.count()
        advance = cli_progress(total=count, description="Companies", stream=self.stderr,
                               enabled=options["verbosity"] > 0)
        inserted = companies_seed(
            count=count,
            seed=options["seed"],
            start=start,
            with_valuations=not options["no_valuations"],
            batch_size=options["batch_size"],
            progress=advance,
        )
        self.stdout.write(self.style.SUCCESS(f"Added {inserted} companies."))
