"""Benchmark: bulk import of a 100,000-row company CSV, beside baselines measured in the same run.

    FOSTER_MODE=test .venv/bin/python bench/import_companies.py [--rows 100000] [--no-readme]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres FOSTER_MODE=test .venv/bin/python bench/import_companies.py

Generates a CSV of ``--rows`` synthetic companies (``foster.registry.seeding.company_for``; Korean
headers, UTF-8 with BOM as our export writes it), then times, each on a fresh database:

- ``csv parse only``: decoding and ``csv.reader`` over the file (the floor for any CSV import);
- ``bulk_create only``: ``Company.objects.bulk_create`` of the same rows, prepared before timing
  (what writing them costs through the ORM, without reading or validating);
- ``raw insert only``: the import's own writer (``company_rows_insert``: COPY on PostgreSQL,
  executemany elsewhere) on the same prepared rows, the floor of the import's write stage;
- ``import: dry run``: ``company_import_check``, reading and validating every row, writing nothing;
- ``import: apply (create)``: ``company_import_apply`` into an empty registry, all-or-nothing;
- ``import: apply (update)``: the same file with every company's employees changed, imported over
  the registry filled by it (every row an update).

SQLite always (a file under a temporary directory, with the settings' WAL options); PostgreSQL
too when DATABASE_URL points to one (a fresh database is created next to it and dropped). Each
measurement runs in its own process on its own fresh database. Prints a table and appends the
run to bench/README.md (in this benchmark's own section).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from common import README, REPO, cpu_and_memory, postgres_execute, readme_text, setup_django, timed, url_with_database

SECTION_START = "<!-- bench:import_companies:start -->"
SECTION_END = "<!-- bench:import_companies:end -->"
SCENARIOS = (
    "csv parse only",
    "bulk_create only",
    "raw insert only",
    "import: dry run",
    "import: apply (create)",
    "import: apply (update)",
)
SEED = 7


# --- The file ----------------------------------------------------------------------------------


def write_csv(path: Path, rows: int, *, employees_delta: int = 0) -> None:
    """The benchmark file: ``rows`` companies with Korean headers, UTF-8 with BOM."""
    from foster.registry.exporting import export_headers
    from foster.registry.importing import FIELDS
    from foster.registry.seeding import company_for

    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(export_headers("ko"))
        for index in range(rows):
            company = company_for(index, seed=SEED)
            company.employees += employees_delta
            writer.writerow([_cell(getattr(company, name)) for name in FIELDS])


def _cell(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


# --- One measurement (run in a child process on a fresh database) ------------------------------


def measure(scenario: str, csv_path: Path, update_path: Path, rows: int) -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("migrate", verbosity=0)
    from foster.registry.importing import company_import_apply, company_import_check, company_import_create
    from foster.registry.models import Company
    from foster.registry.seeding import company_for

    stages: dict[str, float] = {}
    started: dict[str, float] = {}

    def progress(stage: str, done: int, total: int) -> None:
        now = time.perf_counter()
        started.setdefault(stage, now)
        stages[stage] = now - started[stage]

    result: dict[str, Any] = {"scenario": scenario, "vendor": connection.vendor}

    def run_import(path: Path, *, dry_run: bool) -> Any:
        with timed() as timing:
            with path.open("rb") as handle:
                company_import = company_import_create(user=None, file=handle, filename=path.name, language="en")
            service = company_import_check if dry_run else company_import_apply
            plan = service(user=None, company_import=company_import, progress=progress)
        result["seconds"], result["cpu"] = timing.wall, timing.cpu
        assert plan.is_valid, plan.errors[:5]
        return plan

    if scenario == "csv parse only":
        with timed() as timing:
            text = csv_path.read_bytes().decode("utf-8-sig")
            count = sum(1 for _row in csv.reader(io.StringIO(text, newline=""))) - 1
        result["seconds"], result["cpu"] = timing.wall, timing.cpu
        assert count == rows
    elif scenario == "bulk_create only":
        companies = [company_for(index, seed=SEED) for index in range(rows)]
        with timed() as timing, transaction.atomic():
            Company.objects.bulk_create(companies, batch_size=2_000)
        result["seconds"], result["cpu"] = timing.wall, timing.cpu
    elif scenario == "raw insert only":
        from django.utils import timezone

        from foster.registry.importing import COMPARED_FIELDS, company_rows_insert

        values = [
            {name: getattr(company, name) for name in COMPARED_FIELDS}
            for company in (company_for(index, seed=SEED) for index in range(rows))
        ]
        with timed() as timing, transaction.atomic():
            company_rows_insert(values, now=timezone.now())
        result["seconds"], result["cpu"] = timing.wall, timing.cpu
    elif scenario == "import: dry run":
        plan = run_import(csv_path, dry_run=True)
        assert plan.created == rows
    elif scenario == "import: apply (create)":
        plan = run_import(csv_path, dry_run=False)
        assert plan.created == rows
    elif scenario == "import: apply (update)":
        run_import(csv_path, dry_run=False)
        stages.clear()
        started.clear()
        plan = run_import(update_path, dry_run=False)
        assert plan.updated == rows, (plan.updated, plan.unchanged)
    if scenario.startswith("import"):
        result["stages"] = stages
    result["companies"] = Company.objects.count()
    return result


# --- Orchestration ------------------------------------------------------------------------------


def _postgres_database(base_url: str, name: str, *, create: bool) -> str:
    postgres_execute(base_url, f'CREATE DATABASE "{name}"' if create else f'DROP DATABASE IF EXISTS "{name}"')
    return url_with_database(base_url, name)


def _child(scenario: str, database_url: str, work: Path, rows: int) -> dict[str, Any]:
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        scenario,
        "--database-url",
        database_url,
        "--work",
        str(work),
        "--rows",
        str(rows),
    ]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise SystemExit(f"{scenario} failed:\n{completed.stdout}\n{completed.stderr}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _machine() -> dict[str, str]:
    cpu, gib = cpu_and_memory()
    memory = f"{gib:.0f} GiB" if gib else ""
    import sqlite3

    return {
        "cpu": f"{cpu}, {os.cpu_count()} cores",
        "memory": memory,
        "os": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
    }


def _load() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def _postgres_version(url: str) -> str:
    import psycopg

    with psycopg.connect(urlunsplit(urlsplit(url)._replace(scheme="postgresql"))) as connection:
        row = connection.execute("SHOW server_version").fetchone()
    return str(row[0]) if row else "?"


def _table(rows: int, results: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| database | measurement | rows | seconds | rows/s | CPU s (Python) | stages (read / check / write, s) |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for result in results:
        stages = result.get("stages") or {}
        stage_text = " / ".join(f"{stages[name]:.1f}" for name in ("read", "check", "write") if name in stages)
        lines.append(
            f"| {result['database']} | {result['scenario']} | {rows:,} | {result['seconds']:.2f} | "
            f"{rows / result['seconds']:,.0f} | {result['cpu']:.2f} | {stage_text} |"
        )
    return lines


def _append_readme(block: str) -> None:
    text = readme_text()
    if SECTION_START in text and SECTION_END in text:
        text = text.replace(SECTION_END, f"{block}\n{SECTION_END}", 1)
    else:
        section = (
            f"\n## Company import (CSV, 100,000 rows)\n\n{SECTION_START}\n"
            "`bench/import_companies.py` times the services behind `foster import-companies` and the import\n"
            "page (read, check every row with `CompanyData.validate()`, all-or-nothing write, one audit event)\n"
            "on a fresh database, beside `csv` parsing alone, a bare `bulk_create` of the same rows and the\n"
            "import's own writer alone, all measured in the same run.\n"
            f"{block}\n{SECTION_END}\n"
        )
        text = text.rstrip("\n") + "\n" + section
    README.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="Rows in the generated file (default 100000).")
    parser.add_argument("--no-readme", action="store_true", help="Print the table only; do not touch README.md.")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    rows = arguments.rows

    if arguments.child:
        work = Path(arguments.work)
        setup_django(arguments.database_url, FOSTER_VAR_DIR=str(work / f"var-{os.getpid()}"))
        result = measure(arguments.child, work / "companies.csv", work / "companies-update.csv", rows)
        print(json.dumps(result))
        return

    load_before = _load()
    base_url = os.environ.get("DATABASE_URL", "")
    targets = ["sqlite"] + (["postgresql"] if base_url.startswith(("postgres://", "postgresql://")) else [])
    with tempfile.TemporaryDirectory(prefix="foster-bench-import-") as directory:
        work = Path(directory)
        setup_django(f"sqlite:///{work / 'generate.sqlite3'}", FOSTER_VAR_DIR=str(work / "var-generate"))
        start = time.perf_counter()
        write_csv(work / "companies.csv", rows)
        write_csv(work / "companies-update.csv", rows, employees_delta=1)
        size_mb = (work / "companies.csv").stat().st_size / 1024 / 1024
        print(f"Generated {rows:,} rows ({size_mb:.1f} MB) in {time.perf_counter() - start:.1f} s", file=sys.stderr)

        results: list[dict[str, Any]] = []
        versions = {"sqlite": f"SQLite {_machine()['sqlite']}"}
        for target in targets:
            if target == "postgresql":
                versions[target] = f"PostgreSQL {_postgres_version(base_url)}"
            for number, scenario in enumerate(SCENARIOS):
                if target == "sqlite":
                    url = f"sqlite:///{work / f'bench-{number}.sqlite3'}"
                else:
                    name = f"foster_bench_import_{os.getpid()}_{number}"
                    url = _postgres_database(base_url, name, create=True)
                try:
                    print(f"{target}: {scenario} …", file=sys.stderr)
                    result = _child(scenario, url, work, rows)
                finally:
                    if target == "postgresql":
                        _postgres_database(base_url, name, create=False)
                result["database"] = versions[target]
                results.append(result)

    table = _table(rows, results)
    print("\n".join(table))
    if arguments.no_readme:
        return
    machine = _machine()
    command = "FOSTER_MODE=test .venv/bin/python bench/import_companies.py" + (
        f" --rows {rows}" if rows != 100_000 else ""
    )
    if "postgresql" in targets:
        command = "DATABASE_URL=postgres://… " + command
    block = "\n".join(
        [
            "",
            f"### Run of {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
            "",
            f"- command: `{command}`",
            f"- machine: {machine['cpu']}, {machine['memory']} RAM; {machine['os']}; Python {machine['python']}",
            f"- databases: {', '.join(versions.values())}",
            f"- load average before / after the run: {load_before} / {_load()} (other work on the machine "
            "slows every measurement alike; compare rows of the same run)",
            "",
            *table,
        ]
    )
    _append_readme(block)
    print(f"\nAppended to {README.relative_to(REPO)}.", file=sys.stderr)


if __name__ == "__main__":
    main()
