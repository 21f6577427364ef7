"""``foster backup --out DIR``: the database (pg_dump custom format, or SQLite's online backup) and
the uploaded files, with a manifest of row counts, ledger totals and checksums (``core.backup``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from foster.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the database and the uploaded files (MEDIA_ROOT) into an empty directory, with a manifest "
        "of row counts per table, ledger totals per account kind and the checksum of every file. "
        "Safe while the site runs. Restore with `foster restore --from DIR`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, type=Path, help="a new or empty directory")
        parser.add_argument("--pg-bin", default="", help="directory of pg_dump (default: the one on PATH)")

    def handle(self, *args: Any, **options: Any) -> None:
        database = connection.settings_dict
        try:
            manifest = backup_create(
                out=options["out"],
                database=database,
                media_root=Path(settings.MEDIA_ROOT),
                pg_bin=options["pg_bin"],
                django_connection=connection if connection.vendor == "sqlite" else None,
            )
        except BackupError as error:
            raise CommandError(str(error)) from None
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"backed up {len(manifest['tables'])} tables ({rows:,} rows) and {len(manifest['media'])} files "
            f"to {options['out']}"
        )
