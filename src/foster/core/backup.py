"""Backup and restore of a whole installation: the database and the uploaded files (``MEDIA_ROOT``).

``foster backup --out DIR`` writes into an empty directory:

- ``database.dump`` (PostgreSQL: ``pg_dump --format=custom``, taken on the same snapshot as the
  counts below) or ``database.sqlite3`` (SQLite: the online backup API, a consistent copy while the
  site runs);
- ``media/``: a copy of every uploaded file;
- ``manifest.json``: the row count of every table, the ledger's totals per account kind (stored
  running totals and sums of the entries), and the SHA-256 of the database file and of every file.

``foster restore --from DIR`` checks every checksum before it changes anything, refuses a target
database or media directory that is not empty (unless ``--force``), restores, then counts again
and compares the counts and ledger totals with the manifest (docs/deployment.md, "Backups").

The summary is computed with plain SQL on a DB-API cursor, so the same code reads a PostgreSQL
snapshot, an SQLite file and the restored target.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess  # nosec B404 - pg_dump and pg_restore, with our own arguments, no shell
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MANIFEST = "manifest.json"
PG_DUMP_FILE = "database.dump"
SQLITE_FILE = "database.sqlite3"
MEDIA_DIR = "media"
FORMAT = 1


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says what to fix."""


@dataclass(frozen=True)
class Target:
    """A database to back up or restore into, from Django's settings dict of it."""

    vendor: str  # "postgresql" or "sqlite"
    settings: dict[str, Any]

    @classmethod
    def from_settings(cls, settings_dict: dict[str, Any]) -> Target:
        engine = settings_dict["ENGINE"]
        if engine.endswith("postgresql"):
            return cls("postgresql", settings_dict)
        if engine.endswith("sqlite3"):
            return cls("sqlite", settings_dict)
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {engine}.")

    def pg_environment(self) -> dict[str, str]:
        """libpq variables for pg_dump / pg_restore (the password never goes on a command line)."""
        values = {
            "PGHOST": self.settings.get("HOST") or "",
            "PGPORT": str(self.settings.get("PORT") or ""),
            "PGUSER": self.settings.get("USER") or "",
            "PGPASSWORD": self.settings.get("PASSWORD") or "",
            "PGDATABASE": self.settings["NAME"],
        }
        return {**os.environ, **{key: value for key, value in values.items() if value}}

    @contextmanager
    def pg_connection(self) -> Iterator[Any]:
        import psycopg

        params = {
            "host": self.settings.get("HOST") or None,
            "port": self.settings.get("PORT") or None,
            "user": self.settings.get("USER") or None,
            "password": self.settings.get("PASSWORD") or None,
            "dbname": self.settings["NAME"],
        }
        connection = psycopg.connect(
            autocommit=True, **{key: value for key, value in params.items() if value is not None}
        )
        try:
            yield connection
        finally:
            connection.close()

    def sqlite_path(self) -> str:
        return str(self.settings["NAME"])


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def summary(cursor: Any, tables: list[str]) -> dict[str, Any]:
    """Row counts of ``tables`` and the ledger's totals per account kind, read through ``cursor``."""
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")  # noqa: S608  # nosec B608 - names from the catalogue, quoted
        counts[table] = int(cursor.fetchone()[0])
    ledger: dict[str, dict[str, int]] = {}
    if "finance_account" in tables and "finance_entry" in tables:
        cursor.execute(
            "SELECT kind, COUNT(*), COALESCE(SUM(posted_krw), 0), COALESCE(SUM(pending_krw), 0) "
            "FROM finance_account GROUP BY kind ORDER BY kind"
        )
        for kind, accounts, posted, pending in cursor.fetchall():
            ledger[kind] = {
                "accounts": int(accounts),
                "posted_krw": int(posted),
                "pending_krw": int(pending),
                "entries_posted_krw": 0,
                "entries_pending_krw": 0,
            }
        cursor.execute(
            "SELECT a.kind, e.phase, COALESCE(SUM(e.amount_krw), 0) FROM finance_entry e "
            "JOIN finance_account a ON a.id = e.account_id GROUP BY a.kind, e.phase ORDER BY a.kind, e.phase"
        )
        for kind, phase, total in cursor.fetchall():
            ledger.setdefault(
                kind,
                {"accounts": 0, "posted_krw": 0, "pending_krw": 0, "entries_posted_krw": 0, "entries_pending_krw": 0},
            )[f"entries_{phase}_krw"] = int(total)
    return {"tables": counts, "ledger": ledger}


def _pg_tables(cursor: Any) -> list[str]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
    return [row[0] for row in cursor.fetchall()]


def _sqlite_tables(cursor: Any) -> list[str]:
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    return [row[0] for row in cursor.fetchall()]


def _media_files(root: Path) -> Iterator[Path]:
    if root.is_dir():
        for path in sorted(root.rglob("*")):
            if path.is_file():
                yield path


def _empty_directory(path: Path) -> bool:
    return not path.exists() or (path.is_dir() and not any(path.iterdir()))


# --- Backup ---------------------------------------------------------------------------------------


def backup_create(
    *, out: Path, database: dict[str, Any], media_root: Path, pg_bin: str = "", django_connection: Any = None
) -> dict[str, Any]:
    """Back up ``database`` and ``media_root`` into the empty directory ``out``; returns the manifest.

    ``django_connection`` (SQLite only): copy through this open connection instead of opening the
    file (an in-memory database, in the tests)."""
    if not _empty_directory(out):
        raise BackupError(f"{out} is not empty; give a new or empty directory for the backup.")
    out.mkdir(parents=True, exist_ok=True)
    target = Target.from_settings(database)
    if target.vendor == "postgresql":
        database_file = out / PG_DUMP_FILE
        contents = _pg_backup(target, database_file, pg_bin)
    else:
        database_file = out / SQLITE_FILE
        contents = _sqlite_backup(target, database_file, django_connection)

    media: dict[str, dict[str, Any]] = {}
    for source in _media_files(media_root):
        relative = source.relative_to(media_root).as_posix()
        copy = out / MEDIA_DIR / relative
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, copy)
        media[relative] = {"sha256": sha256_of(copy), "bytes": copy.stat().st_size}

    manifest = {
        "format": FORMAT,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "database": {"vendor": target.vendor, "file": database_file.name, "sha256": sha256_of(database_file)},
        **contents,
        "media": media,
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True) + "\n")
    return manifest


def _binary(pg_bin: str, name: str) -> str:
    path = str(Path(pg_bin) / name) if pg_bin else shutil.which(name)
    if not path or not Path(path).exists():
        raise BackupError(f"{name} was not found; install the PostgreSQL client tools or pass --pg-bin DIR.")
    return path


def _pg_tool(target: Target, arguments: list[Any], *, failure: str) -> None:
    """Run a PostgreSQL client tool against ``target``; a failure raises ``BackupError`` with its output."""
    completed = subprocess.run(  # noqa: S603  # nosec B603 - our own arguments, no shell
        [str(argument) for argument in arguments],
        env=target.pg_environment(),
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise BackupError(f"{failure}: {completed.stderr.strip()}")


def _pg_backup(target: Target, file: Path, pg_bin: str) -> dict[str, Any]:
    """pg_dump on an exported snapshot, with the counts read in the same snapshot: the manifest
    describes exactly what the dump holds, while the site keeps writing."""
    pg_dump = _binary(pg_bin, "pg_dump")
    with target.pg_connection() as connection, connection.cursor() as cursor:
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        _pg_tool(
            target,
            [pg_dump, "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}", "--file", file],
            failure="pg_dump failed",
        )
        contents = summary(cursor, _pg_tables(cursor))
        cursor.execute("COMMIT")
    return contents


def _sqlite_backup(target: Target, file: Path, django_connection: Any) -> dict[str, Any]:
    """The online backup API: a consistent copy while other processes write; counts from the copy."""
    destination = sqlite3.connect(file)
    try:
        if django_connection is not None:
            django_connection.ensure_connection()
            django_connection.connection.backup(destination)
        else:
            source = sqlite3.connect(f"file:{target.sqlite_path()}?mode=ro", uri=True)
            try:
                source.backup(destination)
            finally:
                source.close()
        cursor = destination.cursor()
        return summary(cursor, _sqlite_tables(cursor))
    finally:
        destination.close()


# --- Restore --------------------------------------------------------------------------------------


@dataclass
class RestoreReport:
    tables: int
    rows: int
    media_files: int
    differences: list[str]


def manifest_read(source: Path) -> dict[str, Any]:
    path = source / MANIFEST
    if not path.is_file():
        raise BackupError(f"{source} holds no {MANIFEST}; give the directory `foster backup --out` wrote.")
    manifest: dict[str, Any] = json.loads(path.read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is in format {manifest.get('format')!r}; this version reads format {FORMAT}.")
    return manifest


def backup_verify(source: Path, manifest: dict[str, Any]) -> list[str]:
    """Every file of the backup whose checksum or presence differs from the manifest."""
    problems = []
    database_file = source / manifest["database"]["file"]
    if not database_file.is_file():
        problems.append(f"{database_file.name} is missing")
    elif sha256_of(database_file) != manifest["database"]["sha256"]:
        problems.append(f"{database_file.name} does not match its checksum")
    for relative, expected in sorted(manifest["media"].items()):
        copy = source / MEDIA_DIR / relative
        if not copy.is_file():
            problems.append(f"{MEDIA_DIR}/{relative} is missing")
        elif sha256_of(copy) != expected["sha256"]:
            problems.append(f"{MEDIA_DIR}/{relative} does not match its checksum")
    return problems


def _target_tables(target: Target) -> list[str]:
    if target.vendor == "postgresql":
        with target.pg_connection() as connection, connection.cursor() as cursor:
            return _pg_tables(cursor)
    path = target.sqlite_path()
    if not Path(path).exists():
        return []
    connection = sqlite3.connect(path)
    try:
        return _sqlite_tables(connection.cursor())
    finally:
        connection.close()


def backup_restore(
    *, source: Path, database: dict[str, Any], media_root: Path, force: bool = False, pg_bin: str = ""
) -> RestoreReport:
    """Restore the backup in ``source`` into ``database`` and ``media_root``, then compare.

    Nothing is changed if a checksum does not match, if the backup's database is of another kind
    than the target, or if the target is not empty and ``force`` is not given."""
    manifest = manifest_read(source)
    problems = backup_verify(source, manifest)
    if problems:
        raise BackupError("The backup is damaged; nothing was restored: " + "; ".join(problems) + ".")
    target = Target.from_settings(database)
    if manifest["database"]["vendor"] != target.vendor:
        raise BackupError(
            f"The backup is of a {manifest['database']['vendor']} database; the target is {target.vendor}."
        )
    if not force:
        existing = _target_tables(target)
        if existing:
            raise BackupError(
                f"The target database already has {len(existing)} tables; restore into an empty database, "
                "or pass --force to replace its contents."
            )
        if not _empty_directory(media_root):
            raise BackupError(f"{media_root} is not empty; restore into an empty directory, or pass --force.")

    database_file = source / manifest["database"]["file"]
    if target.vendor == "postgresql":
        _pg_restore(target, database_file, pg_bin, clean=force)
    else:
        _sqlite_restore(target, database_file)

    for relative in sorted(manifest["media"]):
        destination = media_root / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / MEDIA_DIR / relative, destination)

    after = _target_summary(target)
    differences = summary_differences(manifest, after)
    for relative, expected in sorted(manifest["media"].items()):
        if sha256_of(media_root / relative) != expected["sha256"]:
            differences.append(f"file {relative}: the restored copy does not match its checksum")
    return RestoreReport(
        tables=len(after["tables"]),
        rows=sum(after["tables"].values()),
        media_files=len(manifest["media"]),
        differences=differences,
    )


def _pg_restore(target: Target, file: Path, pg_bin: str, *, clean: bool) -> None:
    pg_restore = _binary(pg_bin, "pg_restore")
    arguments = [pg_restore, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
    if clean:
        arguments += ["--clean", "--if-exists"]
    _pg_tool(
        target,
        [*arguments, "--dbname", target.settings["NAME"], str(file)],
        failure="pg_restore failed, nothing was restored",
    )


def _sqlite_restore(target: Target, file: Path) -> None:
    Path(target.sqlite_path()).parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{file}?mode=ro", uri=True)
    destination = sqlite3.connect(target.sqlite_path())
    try:
        source.backup(destination)  # replaces the whole target, in one step
    finally:
        source.close()
        destination.close()


def _target_summary(target: Target) -> dict[str, Any]:
    if target.vendor == "postgresql":
        with target.pg_connection() as connection, connection.cursor() as cursor:
            return summary(cursor, _pg_tables(cursor))
    connection = sqlite3.connect(target.sqlite_path())
    try:
        cursor = connection.cursor()
        return summary(cursor, _sqlite_tables(cursor))
    finally:
        connection.close()


def summary_differences(expected: dict[str, Any], found: dict[str, Any]) -> list[str]:
    """What differs between two summaries (counts per table, ledger totals per account kind)."""
    differences = []
    for table in sorted(set(expected["tables"]) | set(found["tables"])):
        before, after = expected["tables"].get(table), found["tables"].get(table)
        if before != after:
            differences.append(f"table {table}: {before} rows in the backup, {after} restored")
    for kind in sorted(set(expected["ledger"]) | set(found["ledger"])):
        before, after = expected["ledger"].get(kind), found["ledger"].get(kind)
        if before != after:
            differences.append(f"ledger {kind}: {before} in the backup, {after} restored")
    return differences
