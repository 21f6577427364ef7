"""One synthesis from start to report: hold out real rows, fit, sample, keep the rules, measure.

``synthesize(table, options)`` splits the real rows into training rows (80% by default) and a holdout
the synthesizer never sees, fits the chosen method on the training rows, draws the synthetic rows (as
many as the real table has, unless told), and measures fidelity, utility and privacy against the
training rows and the holdout (``evaluation.py``). When the CART method's closest synthetic rows come
out nearer the training rows than ``PRIVACY_TARGET_RATIO`` (0.9 of the distance of unseen real rows), it
is fitted again with the leaves of its numeric trees twice as large, and from the third try those of its
class trees too, at most three times (``report["attempts"]`` lists each try); the result is the first
try that meets the target, else the most faithful one that passes the release gate, else the first. The
result carries the synthetic table, the seed (drawn and recorded when none is given), the method, every
parameter and the report as JSON-ready data.

``progress(stage, done, total)`` is called between steps (stages ``fit``, ``sample``, ``evaluate``); a
caller that wants to stop raises from it, and nothing is returned.

"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np

from foster.engines.synthesis.cart import CartSettings, CartSynthesizer, Condition, SynthesisError
from foster.engines.synthesis.evaluation import (
    as_json,
    column_charts,
    fidelity,
    privacy,
    release_gate,
    utility,
)
from foster.engines.synthesis.mst import DEFAULT_DELTA, MstSynthesizer
from foster.engines.synthesis.rules import Rule, infer_order_rules
from foster.engines.synthesis.table import ColumnKind, Table

StageProgress = Callable[[str, int, int], None]

MAX_SYNTHETIC_ROWS = 1_000_000
WORST_PAIRS_KEPT = 20
PRIVACY_RETRIES = 3
PRIVACY_TARGET_RATIO = 0.9  # the goal for the 5th-percentile distance ratio; the gate blocks below 0.8
SMALL_TABLE_ROWS = 1_000


class Method(StrEnum):
    CART = "cart"
    DP = "dp"
    INDEPENDENT = "independent"


@dataclass(frozen=True)
class SynthesisOptions:
    """What to synthesise and how. ``rows``: how many synthetic rows (default: as many as the real table);
    ``seed``: drawn when None; ``epsilon``/``delta``: the DP method's budget; ``rules``: business rules
    besides the order rules found in the data (``infer_rules``); ``condition``: conditional sampling;
    ``holdout_share``: real rows kept aside for the report; ``target``: the column the utility test
    predicts (chosen when None)."""

    method: Method = Method.CART
    rows: int | None = None
    seed: int | None = None
    epsilon: float = 1.0
    delta: float = DEFAULT_DELTA
    rules: tuple[Rule, ...] = ()
    infer_rules: bool = True
    condition: Condition | None = None
    holdout_share: float = 0.2
    target: str | None = None
    min_leaf: int = 10


@dataclass
class SynthesisResult:
    table: Table
    seed: int
    method: Method
    parameters: dict[str, Any]
    report: dict[str, Any]
    rules: list[Rule] = field(default_factory=list)
    fit_seconds: float = 0.0
    sample_seconds: float = 0.0


@dataclass
class _Candidate:
    """One try of the CART method: its table, report, leaves (class, numeric) and timings."""

    table: Table
    report: dict[str, Any]
    leaves: tuple[int, int]
    fit_seconds: float
    sample_seconds: float
    evaluate_seconds: float


def _chosen(candidates: list[_Candidate]) -> _Candidate:
    """The last try if it met the privacy target or is the only one; else the most faithful try that
    passes the release gate; else the first (the most faithful: the gate blocks it and says why, and a
    blurred table that is blocked anyway helps nobody)."""
    last = candidates[-1]
    ratio = last.report["privacy"]["dcr_p5_ratio"]
    if len(candidates) == 1 or ratio is None or ratio >= PRIVACY_TARGET_RATIO:
        return last
    passing = [candidate for candidate in candidates if candidate.report["gate"]["allowed"]]
    if passing:
        return max(passing, key=lambda candidate: candidate.report["fidelity"]["overall"])
    return candidates[0]


def split_holdout(table: Table, share: float, seed: int) -> tuple[Table, Table]:
    """Training rows and holdout rows, drawn at random (seeded)."""
    rng = np.random.default_rng([seed, 1])
    order = rng.permutation(table.n_rows)
    holdout_rows = round(table.n_rows * share)
    holdout_rows = min(max(holdout_rows, 1 if share > 0 else 0), table.n_rows - 1)
    return table.take(np.sort(order[holdout_rows:])), table.take(np.sort(order[:holdout_rows]))


def _parameters(
    options: SynthesisOptions, seed: int, rows: int, rules: Sequence[Rule], leaves: tuple[int, int]
) -> dict[str, Any]:
    parameters: dict[str, Any] = {
        "method": options.method.value,
        "rows": rows,
        "seed": seed,
        "holdout_share": options.holdout_share,
        "rules": [rule.describe() for rule in rules],
    }
    if options.method == Method.DP:
        parameters.update(epsilon=options.epsilon, delta=options.delta)
    else:
        parameters.update(min_leaf=leaves[0], numeric_min_leaf=leaves[1])
    if options.condition is not None:
        parameters["condition"] = {
            "column": options.condition.column,
            "value": options.condition.value,
            "share": options.condition.share,
        }
    if options.target:
        parameters["target"] = options.target
    return parameters


def synthesize(table: Table, options: SynthesisOptions, progress: StageProgress | None = None) -> SynthesisResult:
    """Fit, sample and measure (see the module docstring); raises ``SynthesisError`` on bad options."""
    if table.n_rows < 2:
        raise SynthesisError("too_few_rows", str(table.n_rows))
    if options.method == Method.DP and options.condition is not None:
        raise SynthesisError("condition_with_dp")
    if options.method == Method.DP and options.epsilon <= 0:
        raise SynthesisError("epsilon", str(options.epsilon))
    if options.target is not None and options.target not in table.names:
        raise SynthesisError("target_column", options.target)
    if not any(column.kind != ColumnKind.IDENTIFIER for column in table.columns):
        raise SynthesisError("nothing_to_model")
    seed = options.seed if options.seed is not None else secrets.randbelow(2**31)
    rows = options.rows if options.rows is not None else table.n_rows
    if not 1 <= rows <= MAX_SYNTHETIC_ROWS:
        raise SynthesisError("rows", str(rows))
    report_progress = progress or (lambda stage, done, total: None)
    train, holdout = split_holdout(table, options.holdout_share, seed)
    rules: list[Rule] = list(options.rules)
    if options.infer_rules:
        known = {rule.describe() for rule in rules}
        rules += [rule for rule in infer_order_rules(train) if rule.describe() not in known]

    def fit_progress(done: int, total: int) -> None:
        report_progress("fit", done, total)

    dp_details: dict[str, Any] | None = None
    numeric_min_leaf, class_min_leaf = options.min_leaf, options.min_leaf
    attempts: list[dict[str, Any]] = []
    candidates: list[_Candidate] = []
    while True:
        started = time.perf_counter()
        if options.method == Method.DP:
            mst = MstSynthesizer(epsilon=options.epsilon, delta=options.delta).fit(
                train, seed=seed, rules=rules, progress=fit_progress
            )
            fit_seconds = time.perf_counter() - started
            report_progress("sample", 0, 1)
            started = time.perf_counter()
            synthetic = mst.sample(rows, seed=seed + 1)
            dp_details = {
                "epsilon": options.epsilon,
                "delta": options.delta,
                "rho": mst.rho,
                "tree_edges": [list(edge) for edge in mst.edge_names()],
            }
        else:
            settings = CartSettings(
                min_leaf=class_min_leaf,
                numeric_min_leaf=numeric_min_leaf,
                independent=options.method == Method.INDEPENDENT,
            )
            synthesizer = CartSynthesizer(settings).fit(
                train, seed=seed, rules=rules, condition=options.condition, progress=fit_progress
            )
            fit_seconds = time.perf_counter() - started
            report_progress("sample", 0, 1)
            started = time.perf_counter()
            synthetic = synthesizer.sample(rows, seed=seed + 1)
        sample_seconds = time.perf_counter() - started
        report_progress("evaluate", 0, 3)
        started = time.perf_counter()
        report = evaluate(train, holdout, synthetic, target=options.target, seed=seed, progress=report_progress)
        evaluate_seconds = time.perf_counter() - started
        ratio = report["privacy"]["dcr_p5_ratio"]
        attempts.append(
            {
                "min_leaf": class_min_leaf,
                "numeric_min_leaf": numeric_min_leaf,
                "dcr_p5_ratio": ratio,
                "fidelity": report["fidelity"]["overall"],
            }
        )
        candidates.append(
            _Candidate(
                synthetic, report, (class_min_leaf, numeric_min_leaf), fit_seconds, sample_seconds, evaluate_seconds
            )
        )
        # Too close to the real rows: larger leaves for numbers first (each value drawn among more real rows),
        # class trees only from the third try, so a rare class keeps predicting what follows it as long as it
        # can. Only the CART method has leaves; the DP method's guarantee does not depend on this check.
        too_close = ratio is not None and ratio < PRIVACY_TARGET_RATIO
        if options.method != Method.CART or not too_close or len(attempts) > PRIVACY_RETRIES:
            break
        numeric_min_leaf *= 2
        if len(attempts) >= 2:
            class_min_leaf *= 2
    chosen = _chosen(candidates)
    synthetic, report = chosen.table, chosen.report
    (class_min_leaf, numeric_min_leaf) = chosen.leaves
    fit_seconds, sample_seconds, evaluate_seconds = chosen.fit_seconds, chosen.sample_seconds, chosen.evaluate_seconds
    report["timing"] = {
        "fit_seconds": round(fit_seconds, 3),
        "sample_seconds": round(sample_seconds, 3),
        "evaluate_seconds": round(evaluate_seconds, 3),
    }
    report["attempts"] = attempts
    report.update(
        method=options.method.value,
        seed=seed,
        rows_real=table.n_rows,
        rows_training=train.n_rows,
        rows_holdout=holdout.n_rows,
        rows_synthetic=synthetic.n_rows,
        rules=[rule.describe() for rule in rules],
        dp=dp_details,
    )
    warnings: list[dict[str, Any]] = report.setdefault("warnings", [])
    if options.method == Method.DP:
        warnings.append({"code": "dp_rare_interactions_lost", "epsilon": options.epsilon, "delta": options.delta})
    if options.condition is not None:
        warnings.append(
            {
                "code": "condition_applied",
                "column": options.condition.column,
                "value": options.condition.value,
                "share": options.condition.share,
            }
        )
    identifiers = [column.name for column in table.columns if column.kind == ColumnKind.IDENTIFIER]
    if identifiers:
        warnings.append({"code": "identifiers_replaced", "columns": identifiers})
    if table.n_rows < SMALL_TABLE_ROWS:
        warnings.append({"code": "small_table", "rows": table.n_rows})
    return SynthesisResult(
        table=synthetic,
        seed=seed,
        method=options.method,
        parameters=_parameters(options, seed, rows, rules, (class_min_leaf, numeric_min_leaf)),
        report=report,
        rules=rules,
        fit_seconds=fit_seconds,
        sample_seconds=sample_seconds,
    )


def evaluate(
    train: Table,
    holdout: Table,
    synthetic: Table,
    *,
    target: str | None = None,
    utility_exclude: Sequence[str] = (),
    seed: int = 0,
    progress: StageProgress | None = None,
) -> dict[str, Any]:
    """The report's figures as JSON-ready data: fidelity, utility, privacy, the release gate and charts."""
    report_progress = progress or (lambda stage, done, total: None)
    quality = fidelity(train, synthetic, seed=seed)
    report_progress("evaluate", 1, 3)
    usefulness = utility(train, holdout, synthetic, target=target, exclude=utility_exclude, seed=seed)
    report_progress("evaluate", 2, 3)
    protection = privacy(train, holdout, synthetic, seed=seed)
    gate = release_gate(protection)
    report_progress("evaluate", 3, 3)
    worst = sorted(quality.pair_trends, key=lambda pair: pair.score)[:WORST_PAIRS_KEPT]
    return {
        "columns": [{"name": column.name, "kind": column.kind.value} for column in train.columns],
        "fidelity": {
            "overall": quality.overall,
            "column_shape_score": quality.column_shape_score,
            "pair_trend_score": quality.pair_trend_score,
            "related_pairs_score": quality.related_pairs_score,
            "related_pairs": quality.related_pairs,
            "pairs": len(quality.pair_trends),
            "column_shapes": as_json(quality.column_shapes),
            "worst_pairs": as_json(worst),
        },
        "utility": as_json(usefulness) if usefulness else None,
        "privacy": as_json(protection),
        "gate": as_json(gate),
        "charts": as_json(column_charts(train, synthetic)),
        "warnings": [],
    }
