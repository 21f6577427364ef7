"""Evaluate eligibility rules against one application's facts: a result per rule, with a reason code.

Reason codes are stable strings (stored with the screening result and translated by the Django
layer); ``params`` carries what the sentence needs, JSON-ready: dates as ISO strings, amounts as
integer won, code sets as sorted tuples.

==================================  ================================  =============================
rule kind                           passes                            fails
==================================  ================================  =============================
size_class_in                       size_class_allowed                size_class_not_allowed,
                                                                      size_class_missing
sector_in                           sector_allowed                    sector_not_allowed,
                                                                      sector_missing
region_in                           region_allowed                    region_not_allowed,
                                                                      region_missing
company_age_at_most                 company_age_within_limit          company_too_old,
                                                                      founding_date_missing
not_designated                      not_designated                    already_designated
exposure_headroom_covers_request    exposure_headroom_sufficient      exposure_headroom_insufficient,
                                                                      exposure_headroom_missing
required_documents                  required_documents_present        required_documents_missing
==================================  ================================  =============================

A missing fact (``None``) fails its rule with a ``*_missing`` code rather than passing silently.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import assert_never

from foster.engines.eligibility.rules import (
    CompanyAgeAtMost,
    ExposureHeadroomCoversRequest,
    NotDesignated,
    RegionIn,
    RequiredDocuments,
    Rule,
    SectorIn,
    SizeClassIn,
)

ParamValue = str | int | bool | tuple[str, ...] | None


@dataclass(frozen=True, slots=True)
class CompanyFacts:
    """What the rules look at, for one application on ``reference_date`` (usually the call's close date)."""

    reference_date: date
    size_class: str | None = None
    ksic_section: str | None = None
    ksic_division: str | None = None
    region: str | None = None
    founded_on: date | None = None
    is_designated: bool = False
    requested_amount_krw: int = 0
    exposure_headroom_krw: int | None = None
    document_kinds: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if self.requested_amount_krw < 0:
            raise ValueError("requested_amount_krw must not be negative")


@dataclass(frozen=True, slots=True)
class RuleResult:
    kind: str
    passed: bool
    code: str
    params: dict[str, ParamValue]


@dataclass(frozen=True, slots=True)
class EligibilityResult:
    results: tuple[RuleResult, ...]

    @property
    def is_eligible(self) -> bool:
        return all(result.passed for result in self.results)

    @property
    def failures(self) -> tuple[RuleResult, ...]:
        return tuple(result for result in self.results if not result.passed)


def anniversary(founded_on: date, years: int) -> date:
    """The date ``years`` after ``founded_on``; 29 February becomes 28 February in a common year."""
    year = founded_on.year + years
    day = min(founded_on.day, calendar.monthrange(year, founded_on.month)[1])
    return date(year, founded_on.month, day)


def completed_years(founded_on: date, on: date) -> int:
    """Whole years from ``founded_on`` to ``on`` (0 if ``on`` is earlier)."""
    years = on.year - founded_on.year - ((on.month, on.day) < (founded_on.month, founded_on.day))
    return max(0, years)


def _membership(rule_kind: str, prefix: str, value: str | None, allowed: frozenset[str], parameter: str) -> RuleResult:
    allowed_sorted = tuple(sorted(allowed))
    if value is None:
        return RuleResult(rule_kind, False, f"{prefix}_missing", {parameter: allowed_sorted})
    passed = value in allowed
    return RuleResult(
        rule_kind,
        passed,
        f"{prefix}_allowed" if passed else f"{prefix}_not_allowed",
        {"value": value, parameter: allowed_sorted},
    )


def evaluate_rule(rule: Rule, facts: CompanyFacts) -> RuleResult:
    """One rule's verdict on ``facts``, with its reason code and parameters (module docstring)."""
    match rule:
        case SizeClassIn(size_classes=size_classes):
            return _membership(rule.kind, "size_class", facts.size_class, size_classes, "allowed")
        case RegionIn(regions=regions):
            return _membership(rule.kind, "region", facts.region, regions, "allowed")
        case SectorIn(sections=sections, divisions=divisions):
            params: dict[str, ParamValue] = {
                "allowed_sections": tuple(sorted(sections)),
                "allowed_divisions": tuple(sorted(divisions)),
            }
            if facts.ksic_section is None and facts.ksic_division is None:
                return RuleResult(rule.kind, False, "sector_missing", params)
            params |= {"section": facts.ksic_section, "division": facts.ksic_division}
            passed = facts.ksic_section in sections or facts.ksic_division in divisions
            return RuleResult(rule.kind, passed, "sector_allowed" if passed else "sector_not_allowed", params)
        case CompanyAgeAtMost(years=years):
            reference = facts.reference_date.isoformat()
            if facts.founded_on is None:
                return RuleResult(
                    rule.kind, False, "founding_date_missing", {"max_years": years, "reference_date": reference}
                )
            last_eligible = anniversary(facts.founded_on, years)
            passed = facts.reference_date <= last_eligible
            return RuleResult(
                rule.kind,
                passed,
                "company_age_within_limit" if passed else "company_too_old",
                {
                    "max_years": years,
                    "founded_on": facts.founded_on.isoformat(),
                    "reference_date": reference,
                    "last_eligible_date": last_eligible.isoformat(),
                    "age_years": completed_years(facts.founded_on, facts.reference_date),
                },
            )
        case NotDesignated():
            if facts.is_designated:
                return RuleResult(rule.kind, False, "already_designated", {})
            return RuleResult(rule.kind, True, "not_designated", {})
        case ExposureHeadroomCoversRequest():
            requested = facts.requested_amount_krw
            if facts.exposure_headroom_krw is None:
                return RuleResult(rule.kind, False, "exposure_headroom_missing", {"requested_krw": requested})
            headroom = facts.exposure_headroom_krw
            passed = headroom >= requested
            return RuleResult(
                rule.kind,
                passed,
                "exposure_headroom_sufficient" if passed else "exposure_headroom_insufficient",
                {"requested_krw": requested, "headroom_krw": headroom, "shortfall_krw": max(0, requested - headroom)},
            )
        case RequiredDocuments(document_kinds=required):
            missing = tuple(sorted(required - facts.document_kinds))
            return RuleResult(
                rule.kind,
                not missing,
                "required_documents_missing" if missing else "required_documents_present",
                {"required": tuple(sorted(required)), "missing": missing},
            )
        case _:
            assert_never(rule)


def evaluate(rules: Iterable[Rule], facts: CompanyFacts) -> EligibilityResult:
    """Every rule's result, in rule order; eligible when all pass (no rules: eligible)."""
    return EligibilityResult(tuple(evaluate_rule(rule, facts) for rule in rules))
