"""Helpers shared by the bench scripts: the machine a run was on, Django set-up, timing, the results README."""

from __future__ import annotations

import os
import platform
import re
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
README = BENCH_DIR / "README.md"
README_HEADER = (
    "# Benchmarks\n\n"
    "Each benchmark here prints a table and measures a baseline in the same run, so that the cost\n"
    "of our code is visible beside the cost of the database and the libraries. Numbers are from\n"
    "the machine named with each run; rerun the command to compare.\n"
)


def cpu_and_memory() -> tuple[str, float | None]:
    """The CPU model (or architecture) and the total memory in GiB, when Linux tells them."""
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        match = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.MULTILINE)
        if match:
            cpu = match.group(1).strip()
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        match = re.search(r"^MemTotal:\s*(\d+) kB", meminfo.read_text(), re.MULTILINE)
        if match:
            return cpu, int(match.group(1)) / 1024 / 1024
    return cpu, None


@dataclass
class Timing:
    """Wall-clock and CPU seconds of a ``timed`` block, filled in when the block ends."""

    wall: float = 0.0
    cpu: float = 0.0


@contextmanager
def timed() -> Iterator[Timing]:
    """Measure the wall-clock and CPU (this process) seconds of the ``with`` block."""
    timing = Timing()
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        yield timing
    finally:
        timing.wall, timing.cpu = time.perf_counter() - wall, time.process_time() - cpu


def setup_django(database_url: str, **environment: str) -> None:
    """Configure Foster in test mode on ``database_url`` (plus ``environment``) and set Django up."""
    os.environ.update(
        FOSTER_MODE="test", DATABASE_URL=database_url, TASK_BACKEND="immediate", LOG_LEVEL="WARNING", **environment
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "foster.config.settings")
    sys.path.insert(0, str(REPO / "src"))
    import django

    django.setup()


def url_with_database(url: str, name: str) -> str:
    """``url`` pointing to database ``name`` on the same server."""
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def postgres_execute(url: str, statement: str) -> None:
    """Run one statement outside a transaction (CREATE or DROP DATABASE) on the server of ``url``."""
    import psycopg

    with psycopg.connect(urlunsplit(urlsplit(url)._replace(scheme="postgresql")), autocommit=True) as connection:
        connection.execute(statement)


def readme_text() -> str:
    """The results README as it is, or its header when it does not exist yet."""
    return README.read_text(encoding="utf-8") if README.exists() else README_HEADER
