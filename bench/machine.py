"""The machine a benchmark ran on, for the results table (shared by the bench scripts)."""

from __future__ import annotations

import platform
import re
from pathlib import Path


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
