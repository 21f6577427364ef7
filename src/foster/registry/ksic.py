"""The Korean Standard Industrial Classification, 10th revision: sections and divisions.

Read once from ``data/ksic10.csv``, which we wrote from the public classification
(Statistics Korea). Codes are stable; names are shown in the user's language.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType

from foster.core.i18n import in_language

DATA_FILE = Path(__file__).with_name("data") / "ksic10.csv"


@dataclass(frozen=True)
class KsicEntry:
    level: str  # "section" or "division"
    code: str
    section: str
    name_ko: str
    name_en: str

    @property
    def name(self) -> str:
        return in_language(self.name_ko, self.name_en)


@cache
def _entries() -> tuple[KsicEntry, ...]:
    with DATA_FILE.open(encoding="utf-8", newline="") as handle:
        return tuple(KsicEntry(**row) for row in csv.DictReader(handle))


@cache
def _by_level(level: str) -> Mapping[str, KsicEntry]:
    # Built once and read-only: validation looks divisions up for every row of a bulk import.
    return MappingProxyType({entry.code: entry for entry in _entries() if entry.level == level})


def sections() -> Mapping[str, KsicEntry]:
    """Section letter (A..U) to entry."""
    return _by_level("section")


def divisions() -> Mapping[str, KsicEntry]:
    """Two-digit division code (01..99) to entry."""
    return _by_level("division")


def section_of(division_code: str) -> str:
    """The section letter a division belongs to; KeyError for an unknown division."""
    return divisions()[division_code].section


def division_choices() -> list[tuple[str, str]]:
    return [(code, f"{code} {entry.name}") for code, entry in divisions().items()]


def section_choices() -> list[tuple[str, str]]:
    return [(code, f"{code} {entry.name}") for code, entry in sections().items()]
