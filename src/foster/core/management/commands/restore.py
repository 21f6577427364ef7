"""``foster restore --from DIR``: check a backup's checksums, restore it into an empty database and
media directory, then compare row counts and ledger totals with its manifest (``core.backup``)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import environ
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from foster.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `foster backup`: checks every checksum first, refuses a target database or "
        "MEDIA_ROOT that is not empty (unless --force), restores, then compares the row counts and ledger "
        "totals with the backup's manifest and exits 1 on any difference. Run `foster migrate` afterwards "
        "only if the release is newer than the backup."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="source", required=True, type=Path, help="the backup directory")
        parser.add_argument("--database-url", default="", help="restore into this database instead of DATABASE_URL's")
        parser.add_argument("--media-root", type=Path, default=None, help="restore files here instead of MEDIA_ROOT")
        parser.add_argument("--force", action="store_true", help="replace a target that is not empty")
        parser.add_argument("--pg-bin", default="", help="directory of pg_restore (default: the one on PATH)")

    def handle(self, *args: Any, **options: Any) -> None:
        database = (
            environ.Env.db_url_config(options["database_url"])
            if options["database_url"]
            else dict(connections["default"].settings_dict)
        )
        connections.close_all()  # the target is replaced underneath: no open connection of ours on it
        try:
            report = backup_restore(
                source=options["source"],
                database=database,
                media_root=options["media_root"] or Path(settings.MEDIA_ROOT),
                force=options["force"],
                pg_bin=options["pg_bin"],
            )
        except BackupError as error:
            raise CommandError(str(error)) from None
        for difference in report.differences:
            self.stdout.write(difference)
        if report.differences:
            self.stdout.write(f"restored, but {len(report.differences)} differences from the backup's manifest")
            sys.exit(1)
        self.stdout.write(
            f"restored {report.tables} tables ({report.rows:,} rows) and {report.media_files} files; "
            "row counts and ledger totals match the backup"
        )
