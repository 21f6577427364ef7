"""Eligibility rule kinds, as data: one frozen dataclass per kind, checked when it is built.

Codes are checked for shape only; the engine knows no Django choices. Size classes, regions and
document kinds are lower-case identifiers (``startup``, ``gyeonggi``, ``business_plan``); KSIC
sections are one letter A–U and divisions two digits (KSIC 10th revision). The Django layer checks
codes against its choices when an official saves rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import ClassVar, get_args

IDENTIFIER = re.compile(r"[a-z][a-z0-9_]*")
KSIC_SECTION = re.compile(r"[A-U]")
KSIC_DIVISION = re.compile(r"[0-9]{2}")
MAX_YEARS = 200


class RuleDataError(ValueError):
    """Rule data that cannot be a rule: unknown kind, missing or unknown field, bad value. Says where."""


def _codes(values: Iterable[str], pattern: re.Pattern[str], where: str, *, allow_empty: bool = False) -> frozenset[str]:
    if isinstance(values, str):
        raise RuleDataError(f"{where}: expected a list of codes, got the single string {values!r}")
    codes = frozenset(values)
    for code in codes:
        if not isinstance(code, str) or not pattern.fullmatch(code):
            raise RuleDataError(f"{where}: {code!r} is not a valid code (expected {pattern.pattern})")
    if not codes and not allow_empty:
        raise RuleDataError(f"{where}: at least one code is required")
    return codes


@dataclass(frozen=True, slots=True)
class SizeClassIn:
    """The company's size class is one of ``size_classes``."""

    kind: ClassVar[str] = "size_class_in"
    size_classes: frozenset[str]

    def __post_init__(self) -> None:
        object.__setattr__(self, "size_classes", _codes(self.size_classes, IDENTIFIER, f"{self.kind}.size_classes"))


@dataclass(frozen=True, slots=True)
class SectorIn:
    """The company's KSIC section is in ``sections`` or its division is in ``divisions`` (either may be empty)."""

    kind: ClassVar[str] = "sector_in"
    sections: frozenset[str] = field(default_factory=frozenset)
    divisions: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        sections = _codes(self.sections, KSIC_SECTION, f"{self.kind}.sections", allow_empty=True)
        divisions = _codes(self.divisions, KSIC_DIVISION, f"{self.kind}.divisions", allow_empty=True)
        if not sections and not divisions:
            raise RuleDataError(f"{self.kind}: give at least one section or division")
        object.__setattr__(self, "sections", sections)
        object.__setattr__(self, "divisions", divisions)


@dataclass(frozen=True, slots=True)
class RegionIn:
    """The company's region (one of the 17 first-level regions) is one of ``regions``."""

    kind: ClassVar[str] = "region_in"
    regions: frozenset[str]

    def __post_init__(self) -> None:
        object.__setattr__(self, "regions", _codes(self.regions, IDENTIFIER, f"{self.kind}.regions"))


@dataclass(frozen=True, slots=True)
class CompanyAgeAtMost:
    """The company is at most ``years`` old on the reference date: founded on or after that date ``years`` earlier.

    On the ``years``-th anniversary of its founding it still passes; the day after, it fails. A
    company founded on 29 February reaches its anniversary on 28 February in other years.
    """

    kind: ClassVar[str] = "company_age_at_most"
    years: int

    def __post_init__(self) -> None:
        if isinstance(self.years, bool) or not isinstance(self.years, int) or not 0 <= self.years <= MAX_YEARS:
            raise RuleDataError(f"{self.kind}.years: expected a whole number from 0 to {MAX_YEARS}, got {self.years!r}")


@dataclass(frozen=True, slots=True)
class NotDesignated:
    """The company is not already designated (e.g. as a manufacturing AI specialised company)."""

    kind: ClassVar[str] = "not_designated"


@dataclass(frozen=True, slots=True)
class ExposureHeadroomCoversRequest:
    """The company's exposure headroom under the per-company cap is at least the requested amount.

    The headroom is a fact the caller supplies (from the finance ledger); the engine fetches nothing.
    """

    kind: ClassVar[str] = "exposure_headroom_covers_request"


@dataclass(frozen=True, slots=True)
class RequiredDocuments:
    """Every document kind in ``document_kinds`` is attached."""

    kind: ClassVar[str] = "required_documents"
    document_kinds: frozenset[str]

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "document_kinds", _codes(self.document_kinds, IDENTIFIER, f"{self.kind}.document_kinds")
        )


Rule = (
    SizeClassIn
    | SectorIn
    | RegionIn
    | CompanyAgeAtMost
    | NotDesignated
    | ExposureHeadroomCoversRequest
    | RequiredDocuments
)

RULE_KINDS: dict[str, type[Rule]] = {rule_class.kind: rule_class for rule_class in get_args(Rule)}
"""Rule class by kind, in the order of ``Rule``: adding a kind to the union is all it takes."""

CODE_SET_FIELDS = frozenset({"size_classes", "sections", "divisions", "regions", "document_kinds"})
"""Fields that hold a set of codes (a list in JSON); every other field is a scalar."""
