"""foster.engines.survey against R's survey package: every estimate, standard error, interval,
design effect and domain of tests/engines/survey_reference/reference.json (made by reference.R
in that folder) to at least 6 significant digits."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Any

import pytest

from foster.engines.survey import (
    IntervalMethod,
    LonelyStratum,
    estimate_proportion,
    poststratify,
    rake,
    responses_table,
)

REFERENCE = Path(__file__).parent / "survey_reference"
CASES: dict[str, Any] = json.loads((REFERENCE / "reference.json").read_text())
RELATIVE = 1e-6  # six significant digits


def read(name: str) -> tuple[list[str], list[list[str]]]:
    with (REFERENCE / name).open(newline="") as handle:
        records = list(csv.reader(handle))
    return records[0], records[1:]


def close(ours: float | None, theirs: float | None) -> bool:
    if theirs is None:
        return ours is None or not math.isfinite(ours)
    assert ours is not None
    return math.isclose(ours, theirs, rel_tol=RELATIVE, abs_tol=1e-12)


def check(result: Any, expected: dict[str, Any], where: str) -> None:
    assert close(result.estimate, expected["estimate"]), (where, "estimate", result.estimate, expected["estimate"])
    assert close(result.se, expected["se"]), (where, "se", result.se, expected["se"])
    assert result.ci is not None, where
    assert close(result.ci[0], expected["ci_low"]), (where, "ci_low", result.ci[0], expected["ci_low"])
    assert close(result.ci[1], expected["ci_high"]), (where, "ci_high", result.ci[1], expected["ci_high"])
    assert result.n == expected["n"], where


def table_for(case: dict[str, Any]) -> Any:
    header, rows = read(case["file"])
    return responses_table(
        header,
        rows,
        y="y",
        stratum=case.get("stratum"),
        weight=case.get("weight"),
        fpc=case.get("fpc"),
        domain=case.get("domain"),
        drop_missing=True,
        lonely=LonelyStratum(case["lonely"]),
    )


@pytest.mark.parametrize("case", CASES["cases"], ids=lambda case: f"{case['name']}-{case['ci']}")
def test_estimates_agree_with_r(case: dict[str, Any]) -> None:
    table = table_for(case)
    estimate = table.estimate(method=IntervalMethod(case["ci"]))
    check(estimate.overall, case, "overall")
    if case["deff"] is None:
        assert estimate.overall.deff is None or math.isinf(estimate.overall.deff)
    else:
        assert close(estimate.overall.deff, case["deff"]), (estimate.overall.deff, case["deff"])
    domains = {domain.label: domain.result for domain in estimate.domains}
    assert sorted(domains) == sorted(case["domains"])
    for label, expected in case["domains"].items():
        check(domains[label], expected, label)


@pytest.mark.parametrize("case", CASES["calibration"], ids=lambda case: f"{case['name']}-{case['ci']}")
def test_poststratification_and_raking_agree_with_r(case: dict[str, Any]) -> None:
    header, rows = read("calibration.csv")
    table = responses_table(header, rows, y="y", stratum="stratum", weight="w", fpc="N_h")
    column = {name: [row[header.index(name)] for row in rows] for name in ("sector", "size")}
    if case["kind"] == "poststratify":
        design = poststratify(table.design, column["sector"], case["totals"]["sector"])
    else:
        design = rake(
            table.design,
            [(column["sector"], case["totals"]["sector"]), (column["size"], case["totals"]["size"])],
        )
    estimate = estimate_proportion(design, method=IntervalMethod(case["ci"]), domains=column["size"])
    check(estimate.overall, case, "overall")
    assert close(estimate.overall.deff, case["deff"]), (estimate.overall.deff, case["deff"])
    domains = {domain.label: domain.result for domain in estimate.domains}
    for label, expected in case["domains"].items():
        check(domains[label], expected, label)


def test_reference_was_made_by_r_survey() -> None:
    assert CASES["survey_version"] == "4.1.1"
    assert len(CASES["cases"]) == 32
    assert len(CASES["calibration"]) == 4
