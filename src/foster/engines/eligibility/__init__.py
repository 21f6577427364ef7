"""Eligibility rules as data, evaluated per application with a reason per rule.

A call's rules are a list of small frozen dataclasses, one per rule kind (``rules``): size class
in a set, KSIC section or division in a set, region in a set, company age at most N years on a
reference date, not already designated, exposure headroom at least the requested amount, required
documents present. ``evaluate`` checks them against a ``CompanyFacts`` (plain values the Django
layer gathers; the engine reads no database and fetches no headroom) and returns one
``RuleResult`` per rule: passed or not, a stable reason code and the parameters a translated
sentence needs (``evaluate``). Rule lists round-trip through JSON so that officials edit them as
data; malformed rule data is rejected with a ``RuleDataError`` naming the place
(``serialization``).
"""

from foster.engines.eligibility.evaluate import (
    CompanyFacts,
    EligibilityResult,
    ParamValue,
    RuleResult,
    anniversary,
    completed_years,
    evaluate,
    evaluate_rule,
)
from foster.engines.eligibility.rules import (
    RULE_KINDS,
    CompanyAgeAtMost,
    ExposureHeadroomCoversRequest,
    NotDesignated,
    RegionIn,
    RequiredDocuments,
    Rule,
    RuleDataError,
    SectorIn,
    SizeClassIn,
)
from foster.engines.eligibility.serialization import (
    FORMAT_VERSION,
    rule_from_data,
    rule_to_data,
    rules_from_data,
    rules_from_json,
    rules_to_data,
    rules_to_json,
)

__all__ = [
    "FORMAT_VERSION",
    "RULE_KINDS",
    "CompanyAgeAtMost",
    "CompanyFacts",
    "EligibilityResult",
    "ExposureHeadroomCoversRequest",
    "NotDesignated",
    "ParamValue",
    "RegionIn",
    "RequiredDocuments",
    "Rule",
    "RuleDataError",
    "RuleResult",
    "SectorIn",
    "SizeClassIn",
    "anniversary",
    "completed_years",
    "evaluate",
    "evaluate_rule",
    "rule_from_data",
    "rule_to_data",
    "rules_from_data",
    "rules_from_json",
    "rules_to_data",
    "rules_to_json",
]
