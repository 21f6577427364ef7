"""Eligibility rules: each kind passing and failing with its reason, JSON round trip, bad rule data."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest

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
    evaluate_rule,
    rules_from_data,
    rules_from_json,
    rules_to_data,
    rules_to_json,
)

FACTS = CompanyFacts(
    reference_date=date(2025, 6, 30),
    size_class="startup",
    ksic_section="J",
    ksic_division="62",
    region="gyeonggi",
    founded_on=date(2020, 3, 15),
    is_designated=False,
    requested_amount_krw=300_000_000,
    exposure_headroom_krw=2_000_000_000,
    document_kinds=frozenset({"business_plan", "financial_statements"}),
)


@pytest.mark.parametrize(
    ("rule", "changes", "passed", "code", "params"),
    [
        (
            SizeClassIn(frozenset({"startup", "small"})),
            {},
            True,
            "size_class_allowed",
            {"value": "startup", "allowed": ("small", "startup")},
        ),
        (
            SizeClassIn(frozenset({"startup", "small"})),
            {"size_class": "medium"},
            False,
            "size_class_not_allowed",
            {"value": "medium", "allowed": ("small", "startup")},
        ),
        (
            SizeClassIn(frozenset({"small"})),
            {"size_class": None},
            False,
            "size_class_missing",
            {"allowed": ("small",)},
        ),
        (
            SectorIn(sections=frozenset({"C"}), divisions=frozenset({"62", "63"})),
            {},
            True,
            "sector_allowed",
            {"allowed_sections": ("C",), "allowed_divisions": ("62", "63"), "section": "J", "division": "62"},
        ),
        (
            SectorIn(sections=frozenset({"C"})),
            {"ksic_section": "C", "ksic_division": "29"},
            True,
            "sector_allowed",
            {"allowed_sections": ("C",), "allowed_divisions": (), "section": "C", "division": "29"},
        ),
        (
            SectorIn(sections=frozenset({"C"}), divisions=frozenset({"63"})),
            {},
            False,
            "sector_not_allowed",
            {"allowed_sections": ("C",), "allowed_divisions": ("63",), "section": "J", "division": "62"},
        ),
        (
            SectorIn(divisions=frozenset({"62"})),
            {"ksic_section": None, "ksic_division": None},
            False,
            "sector_missing",
            {"allowed_sections": (), "allowed_divisions": ("62",)},
        ),
        (
            RegionIn(frozenset({"gyeonggi", "seoul"})),
            {},
            True,
            "region_allowed",
            {"value": "gyeonggi", "allowed": ("gyeonggi", "seoul")},
        ),
        (
            RegionIn(frozenset({"busan"})),
            {},
            False,
            "region_not_allowed",
            {"value": "gyeonggi", "allowed": ("busan",)},
        ),
        (RegionIn(frozenset({"busan"})), {"region": None}, False, "region_missing", {"allowed": ("busan",)}),
        (
            CompanyAgeAtMost(7),
            {},
            True,
            "company_age_within_limit",
            {
                "max_years": 7,
                "founded_on": "2020-03-15",
                "reference_date": "2025-06-30",
                "last_eligible_date": "2027-03-15",
                "age_years": 5,
            },
        ),
        (
            CompanyAgeAtMost(3),
            {},
            False,
            "company_too_old",
            {
                "max_years": 3,
                "founded_on": "2020-03-15",
                "reference_date": "2025-06-30",
                "last_eligible_date": "2023-03-15",
                "age_years": 5,
            },
        ),
        (
            CompanyAgeAtMost(7),
            {"founded_on": None},
            False,
            "founding_date_missing",
            {"max_years": 7, "reference_date": "2025-06-30"},
        ),
        (NotDesignated(), {}, True, "not_designated", {}),
        (NotDesignated(), {"is_designated": True}, False, "already_designated", {}),
        (
            ExposureHeadroomCoversRequest(),
            {},
            True,
            "exposure_headroom_sufficient",
            {"requested_krw": 300_000_000, "headroom_krw": 2_000_000_000, "shortfall_krw": 0},
        ),
        (
            ExposureHeadroomCoversRequest(),
            {"requested_amount_krw": 2_000_000_000},
            True,
            "exposure_headroom_sufficient",
            {"requested_krw": 2_000_000_000, "headroom_krw": 2_000_000_000, "shortfall_krw": 0},
        ),
        (
            ExposureHeadroomCoversRequest(),
            {"exposure_headroom_krw": 100_000_000},
            False,
            "exposure_headroom_insufficient",
            {"requested_krw": 300_000_000, "headroom_krw": 100_000_000, "shortfall_krw": 200_000_000},
        ),
        (
            ExposureHeadroomCoversRequest(),
            {"exposure_headroom_krw": None},
            False,
            "exposure_headroom_missing",
            {"requested_krw": 300_000_000},
        ),
        (
            RequiredDocuments(frozenset({"business_plan"})),
            {},
            True,
            "required_documents_present",
            {"required": ("business_plan",), "missing": ()},
        ),
        (
            RequiredDocuments(frozenset({"business_plan", "tax_certificate", "articles"})),
            {},
            False,
            "required_documents_missing",
            {"required": ("articles", "business_plan", "tax_certificate"), "missing": ("articles", "tax_certificate")},
        ),
    ],
)
def test_each_rule_kind_passes_and_fails_with_its_reason(
    rule: Rule, changes: dict[str, object], passed: bool, code: str, params: dict[str, ParamValue]
) -> None:
    facts = replace(FACTS, **changes)  # type: ignore[arg-type]
    result = evaluate_rule(rule, facts)
    assert (result.kind, result.passed, result.code, result.params) == (rule.kind, passed, code, params)


@pytest.mark.parametrize(
    ("founded_on", "reference_date", "passed", "last_eligible_date"),
    [
        (date(2018, 7, 1), date(2025, 7, 1), True, "2025-07-01"),  # exactly seven years: still eligible
        (date(2018, 7, 1), date(2025, 7, 2), False, "2025-07-01"),  # the day after
        (date(2016, 2, 29), date(2023, 2, 28), True, "2023-02-28"),  # leap-day founding, common year
        (date(2016, 2, 29), date(2023, 3, 1), False, "2023-02-28"),
        (date(2017, 2, 28), date(2024, 2, 29), False, "2024-02-28"),
        (date(2026, 1, 1), date(2025, 6, 30), True, "2033-01-01"),  # founded after the reference date
    ],
)
def test_company_age_boundaries(founded_on: date, reference_date: date, passed: bool, last_eligible_date: str) -> None:
    facts = replace(FACTS, founded_on=founded_on, reference_date=reference_date)
    result = evaluate_rule(CompanyAgeAtMost(7), facts)
    assert (result.passed, result.params["last_eligible_date"]) == (passed, last_eligible_date)


def test_evaluate_returns_every_rule_in_order_and_the_overall_verdict() -> None:
    rules = (SizeClassIn(frozenset({"startup"})), RegionIn(frozenset({"busan"})), NotDesignated())
    result = evaluate(rules, FACTS)
    assert [(r.kind, r.passed, r.code) for r in result.results] == [
        ("size_class_in", True, "size_class_allowed"),
        ("region_in", False, "region_not_allowed"),
        ("not_designated", True, "not_designated"),
    ]
    assert result.is_eligible is False
    assert [r.code for r in result.failures] == ["region_not_allowed"]
    assert evaluate((), FACTS).is_eligible is True


ALL_KINDS: tuple[Rule, ...] = (
    SizeClassIn(frozenset({"startup", "small"})),
    SectorIn(sections=frozenset({"C"}), divisions=frozenset({"62", "58"})),
    RegionIn(frozenset({"seoul"})),
    CompanyAgeAtMost(7),
    NotDesignated(),
    ExposureHeadroomCoversRequest(),
    RequiredDocuments(frozenset({"business_plan"})),
)


def test_json_round_trip_of_every_rule_kind() -> None:
    text = rules_to_json(ALL_KINDS)
    assert rules_from_json(text) == ALL_KINDS
    assert rules_to_json(rules_from_json(text)) == text


def test_json_format_is_stable_and_readable() -> None:
    assert rules_to_data(ALL_KINDS) == {
        "version": 1,
        "rules": [
            {"kind": "size_class_in", "size_classes": ["small", "startup"]},
            {"kind": "sector_in", "sections": ["C"], "divisions": ["58", "62"]},
            {"kind": "region_in", "regions": ["seoul"]},
            {"kind": "company_age_at_most", "years": 7},
            {"kind": "not_designated"},
            {"kind": "exposure_headroom_covers_request"},
            {"kind": "required_documents", "document_kinds": ["business_plan"]},
        ],
    }
    assert (
        rules_to_json([CompanyAgeAtMost(3)]) == '{"rules": [{"kind": "company_age_at_most", "years": 3}], "version": 1}'
    )


def test_sector_rule_may_omit_one_of_its_sets_in_json() -> None:
    data = {"version": 1, "rules": [{"kind": "sector_in", "divisions": ["62"]}]}
    assert rules_from_data(data) == (SectorIn(divisions=frozenset({"62"})),)


KNOWN_KINDS = (
    "company_age_at_most, exposure_headroom_covers_request, not_designated, region_in, required_documents, "
    "sector_in, size_class_in"
)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "expected an object with 'version' and 'rules'"),
        ({"version": 2, "rules": []}, "version: expected 1, got 2"),
        ({"version": 1, "rules": [], "extra": 1}, "unknown top-level field(s) extra"),
        ({"version": 1, "rules": {}}, "rules: expected a list"),
        ({"version": 1, "rules": ["size_class_in"]}, "rules[0]: expected an object with a 'kind', got str"),
        (
            {"version": 1, "rules": [{"kind": "turnover_at_most"}]},
            f"rules[0].kind: unknown rule kind 'turnover_at_most' (known: {KNOWN_KINDS})",
        ),
        (
            {"version": 1, "rules": [{"size_classes": ["small"]}]},
            f"rules[0].kind: unknown rule kind None (known: {KNOWN_KINDS})",
        ),
        ({"version": 1, "rules": [{"kind": "size_class_in"}]}, "rules[0].size_classes: required for size_class_in"),
        (
            {"version": 1, "rules": [{"kind": "region_in", "regions": ["seoul"], "note": "x"}]},
            "rules[0]: unknown field(s) note for region_in",
        ),
        (
            {"version": 1, "rules": [{"kind": "size_class_in", "size_classes": "small"}]},
            "rules[0].size_classes: expected a list of strings",
        ),
        (
            {"version": 1, "rules": [{"kind": "size_class_in", "size_classes": [1]}]},
            "rules[0].size_classes: expected a list of strings",
        ),
        (
            {"version": 1, "rules": [{"kind": "size_class_in", "size_classes": []}]},
            "rules[0]: size_class_in.size_classes: at least one code is required",
        ),
        (
            {"version": 1, "rules": [{"kind": "region_in", "regions": ["Seoul"]}]},
            "rules[0]: region_in.regions: 'Seoul' is not a valid code (expected [a-z][a-z0-9_]*)",
        ),
        (
            {"version": 1, "rules": [{"kind": "sector_in", "sections": ["Z"]}]},
            "rules[0]: sector_in.sections: 'Z' is not a valid code (expected [A-U])",
        ),
        (
            {"version": 1, "rules": [{"kind": "sector_in", "divisions": ["620"]}]},
            "rules[0]: sector_in.divisions: '620' is not a valid code (expected [0-9]{2})",
        ),
        (
            {"version": 1, "rules": [{"kind": "sector_in", "sections": [], "divisions": []}]},
            "rules[0]: sector_in: give at least one section or division",
        ),
        (
            {"version": 1, "rules": [{"kind": "company_age_at_most", "years": "7"}]},
            "rules[0]: company_age_at_most.years: expected a whole number from 0 to 200, got '7'",
        ),
        (
            {"version": 1, "rules": [{"kind": "company_age_at_most", "years": 7.5}]},
            "rules[0]: company_age_at_most.years: expected a whole number from 0 to 200, got 7.5",
        ),
        (
            {"version": 1, "rules": [{"kind": "company_age_at_most", "years": -1}]},
            "rules[0]: company_age_at_most.years: expected a whole number from 0 to 200, got -1",
        ),
        (
            {"version": 1, "rules": [{"kind": "company_age_at_most", "years": True}]},
            "rules[0]: company_age_at_most.years: expected a whole number from 0 to 200, got True",
        ),
        (
            {"version": 1, "rules": [{"kind": "not_designated"}, {"kind": "not_designated", "flag": True}]},
            "rules[1]: unknown field(s) flag for not_designated",
        ),
    ],
)
def test_bad_rule_data_is_rejected_with_a_clear_error(data: object, message: str) -> None:
    with pytest.raises(RuleDataError) as raised:
        rules_from_data(data)
    assert str(raised.value) == message
    with pytest.raises(RuleDataError):
        rules_from_json(json.dumps(data))


def test_invalid_json_text_is_rejected() -> None:
    with pytest.raises(RuleDataError) as raised:
        rules_from_json("{not json")
    assert str(raised.value).startswith("not valid JSON: ")


def test_rules_built_in_code_are_checked_too() -> None:
    with pytest.raises(RuleDataError) as raised:
        SizeClassIn(frozenset({"Small Business"}))
    assert (
        str(raised.value)
        == "size_class_in.size_classes: 'Small Business' is not a valid code (expected [a-z][a-z0-9_]*)"
    )


def test_facts_reject_a_negative_request() -> None:
    with pytest.raises(ValueError) as raised:
        replace(FACTS, requested_amount_krw=-1)
    assert str(raised.value) == "requested_amount_krw must not be negative"
