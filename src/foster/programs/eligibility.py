"""Eligibility of a company for a call: the call's rules (engine JSON in ``Call.eligibility_rules``)
evaluated by ``foster.engines.eligibility`` on facts read from the registry, with a translated
reason per rule.

``exposure_headroom_krw`` asks the finance ledger (``foster.finance.selectors``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from foster.engines.eligibility import (
    CompanyAgeAtMost,
    CompanyFacts,
    ExposureHeadroomCoversRequest,
    NotDesignated,
    ParamValue,
    RegionIn,
    RequiredDocuments,
    Rule,
    RuleDataError,
    SectorIn,
    SizeClassIn,
    evaluate,
    rules_from_data,
)
from foster.programs.choices import DocumentKind
from foster.programs.models import Call
from foster.registry import ksic
from foster.registry.choices import Region, SizeClass
from foster.registry.models import Company

EXPOSURE_CAP_KRW = 10_000_000_000
"""The plan's cap on loans and guarantees per company, across all programs and agencies."""


def exposure_headroom_krw(company: Company) -> int:
    """How much more loan and guarantee exposure ``company`` may take on, in won: the default cap
    less its exposure across every program and agency (``foster.finance``'s counter)."""
    from foster.finance.selectors import company_exposure_headroom_krw  # finance imports programs

    return company_exposure_headroom_krw(company)


def call_rules(call: Call) -> tuple[Rule, ...]:
    """The call's stored rules as engine rules (an empty list or object means no rules)."""
    data = call.eligibility_rules
    if not data:
        return ()
    return rules_from_data(data)


# --- Words for codes ----------------------------------------------------------------------------


def _labels(values: Iterable[Any], choices: dict[str, Any]) -> str:
    return ", ".join(str(choices.get(str(value), value)) for value in values)


def _size_classes(values: Iterable[Any]) -> str:
    return _labels(values, dict(SizeClass.choices))


def _regions(values: Iterable[Any]) -> str:
    return _labels(values, dict(Region.choices))


def _documents(values: Iterable[Any]) -> str:
    return _labels(values, dict(DocumentKind.choices))


def _sectors(sections: Iterable[Any], divisions: Iterable[Any]) -> str:
    names = [f"{code} {ksic.sections()[code].name}" for code in sections if code in ksic.sections()]
    names += [f"{code} {ksic.divisions()[code].name}" for code in divisions if code in ksic.divisions()]
    return ", ".join(names)


def _won(amount: Any) -> str:
    return _("KRW %(amount)s") % {"amount": f"{int(amount or 0):,}"}


def _as_tuple(value: ParamValue) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, (list, tuple)) else ()


def rule_description(rule: Rule) -> str:
    """The rule in words, in the active language (for the call page and the rules editor)."""
    match rule:
        case SizeClassIn(size_classes=values):
            return _("Size class: %(allowed)s.") % {"allowed": _size_classes(sorted(values))}
        case SectorIn(sections=sections, divisions=divisions):
            return _("Industry (KSIC): %(allowed)s.") % {"allowed": _sectors(sorted(sections), sorted(divisions))}
        case RegionIn(regions=values):
            return _("Located in: %(allowed)s.") % {"allowed": _regions(sorted(values))}
        case CompanyAgeAtMost(years=years):
            return _("Founded at most %(years)s years before the call closes.") % {"years": years}
        case NotDesignated():
            return _("Not already designated.")
        case ExposureHeadroomCoversRequest():
            return _(
                "The requested amount fits within the company's remaining loan and guarantee limit "
                "(KRW 10 billion per company across all programs)."
            )
        case RequiredDocuments(document_kinds=values):
            return _("Documents required: %(documents)s.") % {"documents": _documents(sorted(values))}
    return str(rule)  # pragma: no cover - every rule kind is matched above


def rule_reason(code: str, params: dict[str, ParamValue]) -> str:
    """The engine's reason ``code`` with its ``params`` as a sentence in the active language.

    Applications store the code and params of each rule's result; the sentence is made when it is
    shown, so it follows the reader's language.
    """
    p = params
    if code == "size_class_allowed":
        return _("The size class (%(value)s) is eligible.") % {"value": _size_classes([p.get("value")])}
    if code == "size_class_not_allowed":
        return _("The size class (%(value)s) is not eligible; eligible size classes: %(allowed)s.") % {
            "value": _size_classes([p.get("value")]),
            "allowed": _size_classes(_as_tuple(p.get("allowed"))),
        }
    if code == "size_class_missing":
        return _("The company's size class is not recorded; eligible size classes: %(allowed)s.") % {
            "allowed": _size_classes(_as_tuple(p.get("allowed")))
        }
    if code == "sector_allowed":
        return _("The industry (KSIC %(division)s) is eligible.") % {"division": p.get("division") or p.get("section")}
    if code == "sector_not_allowed":
        return _("The industry (KSIC %(division)s) is not eligible; eligible industries: %(allowed)s.") % {
            "division": p.get("division") or p.get("section"),
            "allowed": _sectors(_as_tuple(p.get("allowed_sections")), _as_tuple(p.get("allowed_divisions"))),
        }
    if code == "sector_missing":
        return _("The company's industry is not recorded; eligible industries: %(allowed)s.") % {
            "allowed": _sectors(_as_tuple(p.get("allowed_sections")), _as_tuple(p.get("allowed_divisions")))
        }
    if code == "region_allowed":
        return _("The region (%(value)s) is eligible.") % {"value": _regions([p.get("value")])}
    if code == "region_not_allowed":
        return _("The region (%(value)s) is not eligible; eligible regions: %(allowed)s.") % {
            "value": _regions([p.get("value")]),
            "allowed": _regions(_as_tuple(p.get("allowed"))),
        }
    if code == "region_missing":
        return _("The company's region is not recorded; eligible regions: %(allowed)s.") % {
            "allowed": _regions(_as_tuple(p.get("allowed")))
        }
    if code == "company_age_within_limit":
        return _(
            "Founded on %(founded_on)s: %(age)s years old on %(reference_date)s, "
            "within the limit of %(max_years)s years."
        ) % {
            "founded_on": p.get("founded_on"),
            "age": p.get("age_years"),
            "reference_date": p.get("reference_date"),
            "max_years": p.get("max_years"),
        }
    if code == "company_too_old":
        return _(
            "Founded on %(founded_on)s, the company is more than %(max_years)s years old on %(reference_date)s "
            "(eligible only up to %(last_eligible_date)s)."
        ) % {
            "founded_on": p.get("founded_on"),
            "max_years": p.get("max_years"),
            "reference_date": p.get("reference_date"),
            "last_eligible_date": p.get("last_eligible_date"),
        }
    if code == "founding_date_missing":
        return _("The founding date is not recorded; companies at most %(max_years)s years old are eligible.") % {
            "max_years": p.get("max_years")
        }
    if code == "not_designated":
        return _("The company is not already designated.")
    if code == "already_designated":
        return _("The company is already designated and cannot be designated again.")
    if code == "exposure_headroom_sufficient":
        return _("The requested %(requested)s fits within the remaining limit of %(headroom)s.") % {
            "requested": _won(p.get("requested_krw")),
            "headroom": _won(p.get("headroom_krw")),
        }
    if code == "exposure_headroom_insufficient":
        return _(
            "The requested %(requested)s exceeds the remaining loan and guarantee limit of %(headroom)s "
            "by %(shortfall)s."
        ) % {
            "requested": _won(p.get("requested_krw")),
            "headroom": _won(p.get("headroom_krw")),
            "shortfall": _won(p.get("shortfall_krw")),
        }
    if code == "exposure_headroom_missing":
        return _("The remaining loan and guarantee limit could not be determined.")
    if code == "required_documents_present":
        return _("All required documents are attached.")
    if code == "required_documents_missing":
        return _("Missing documents: %(missing)s.") % {"missing": _documents(_as_tuple(p.get("missing")))}
    return code


# --- Evaluation -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleVerdict:
    """One rule's result; ``reason`` is a sentence in the language active when it is read."""

    kind: str
    passed: bool
    code: str
    params: dict[str, ParamValue]

    @property
    def reason(self) -> str:
        return rule_reason(self.code, self.params)

    def to_data(self) -> dict[str, Any]:
        """JSON-ready (for ``Application.eligibility``): kind, passed, code and params."""
        params = {key: list(value) if isinstance(value, tuple) else value for key, value in self.params.items()}
        return {"kind": self.kind, "passed": self.passed, "code": self.code, "params": params}


@dataclass(frozen=True)
class EligibilityReport:
    """Every rule's verdict for one application; eligible when all pass."""

    verdicts: tuple[RuleVerdict, ...]

    @property
    def is_eligible(self) -> bool:
        return all(verdict.passed for verdict in self.verdicts)

    @property
    def failures(self) -> tuple[RuleVerdict, ...]:
        return tuple(verdict for verdict in self.verdicts if not verdict.passed)

    def to_data(self) -> list[dict[str, Any]]:
        return [verdict.to_data() for verdict in self.verdicts]


def application_eligibility(
    *,
    company: Company,
    call: Call,
    requested_amount_krw: int,
    document_kinds: Sequence[str] | frozenset[str],
    designated: bool,
) -> EligibilityReport:
    """Evaluate ``call``'s rules for ``company`` asking ``requested_amount_krw``, with the attached
    ``document_kinds`` and whether the company is already ``designated``.

    Ages are counted on the call's closing date in Asia/Seoul; the exposure headroom comes from
    ``exposure_headroom_krw``.
    """
    facts = CompanyFacts(
        reference_date=timezone.localdate(call.closes_at),
        size_class=company.size_class or None,
        ksic_section=company.ksic_section or None,
        ksic_division=company.ksic_division or None,
        region=company.region or None,
        founded_on=company.founded_on,
        is_designated=designated,
        requested_amount_krw=max(0, requested_amount_krw),
        exposure_headroom_krw=exposure_headroom_krw(company),
        document_kinds=frozenset(document_kinds),
    )
    result = evaluate(call_rules(call), facts)
    return EligibilityReport(
        tuple(RuleVerdict(item.kind, item.passed, item.code, dict(item.params)) for item in result.results)
    )


__all__ = [
    "EXPOSURE_CAP_KRW",
    "EligibilityReport",
    "RuleDataError",
    "RuleVerdict",
    "application_eligibility",
    "call_rules",
    "exposure_headroom_krw",
    "rule_description",
    "rule_reason",
]
