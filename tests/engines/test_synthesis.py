"""The synthesis engine: seeded CART synthesis that keeps shapes, rules and no real record; MST's privacy
accounting; the report's formulas and its release gate on tables whose answers are known."""

from __future__ import annotations

import math

import numpy as np
import pytest

from foster.engines.synthesis import (
    CartSettings,
    CartSynthesizer,
    ColumnKind,
    Condition,
    Method,
    MstSynthesizer,
    OrderRule,
    RangeRule,
    RuleError,
    SynthesisError,
    SynthesisOptions,
    Table,
    cdp_delta,
    cdp_rho,
    choose_target,
    fidelity,
    infer_order_rules,
    parse_rule,
    privacy,
    release_gate,
    synthesize,
    table_from_text,
    table_to_rows,
)
from foster.engines.synthesis.evaluation import ks_complement, tv_complement
from foster.engines.synthesis.rules import rule_violations, rules_repair
from foster.engines.synthesis.samples import manufacturing_quality_rows


@pytest.fixture(scope="module")
def quality() -> Table:
    header, rows = manufacturing_quality_rows(3_000, seed=11)
    return table_from_text(header, [list(column) for column in zip(*rows, strict=True)])


def test_the_same_seed_gives_the_same_table_and_another_seed_another(quality: Table) -> None:
    first = CartSynthesizer().fit(quality, seed=5).sample(500, seed=6)
    again = CartSynthesizer().fit(quality, seed=5).sample(500, seed=6)
    other = CartSynthesizer().fit(quality, seed=5).sample(500, seed=7)
    assert table_to_rows(first) == table_to_rows(again)
    assert table_to_rows(first) != table_to_rows(other)


def test_cart_keeps_every_kind_and_copies_no_real_row_or_identifier(quality: Table) -> None:
    synthetic = CartSynthesizer().fit(quality, seed=1).sample(3_000, seed=2)
    assert [column.kind for column in synthetic.columns] == [column.kind for column in quality.columns]
    real_rows = {tuple(row[1:]) for row in table_to_rows(quality)}
    synthetic_rows = table_to_rows(synthetic)
    assert not [row for row in synthetic_rows if tuple(row[1:]) in real_rows]
    assert [row[0] for row in synthetic_rows[:2]] == ["SYN-000001", "SYN-000002"]
    assert not {row[0] for row in synthetic_rows} & {row[0] for row in table_to_rows(quality)}
    # Missing humidity is drawn as missing at about the real rate (4%).
    missing = np.isnan(synthetic.column("humidity_pct").values.astype(float)).mean()
    assert 0.02 < missing < 0.06
    # Categories come only from the real ones; numbers stay within the real range.
    assert set(synthetic.column("line").values) <= set(quality.column("line").values)
    real_temperature = quality.column("temperature_c").values.astype(float)
    synthetic_temperature = synthetic.column("temperature_c").values.astype(float)
    assert (
        real_temperature.min() <= synthetic_temperature.min() and synthetic_temperature.max() <= real_temperature.max()
    )


def test_rules_hold_in_every_synthetic_row(quality: Table) -> None:
    rules = [
        *infer_order_rules(quality),
        parse_rule("temperature_c between 170 and 195", quality),
        parse_rule("operator_years <= 20", quality),
    ]
    assert rules[0] == OrderRule("produced_on", "inspected_on")
    synthetic = CartSynthesizer().fit(quality, seed=3, rules=rules).sample(2_000, seed=4)
    assert not rule_violations(synthetic, rules).any()
    produced = synthetic.column("produced_on").values.astype(float)
    inspected = synthetic.column("inspected_on").values.astype(float)
    assert (inspected >= produced).all()
    assert synthetic.column("operator_years").values.astype(float).max() <= 20


def test_conditional_sampling_oversamples_the_rare_class(quality: Table) -> None:
    real_share = np.nanmean(quality.column("defect").values.astype(float))
    synthetic = CartSynthesizer().fit(quality, seed=1, condition=Condition("defect", "Y", 0.3)).sample(4_000, seed=2)
    share = np.nanmean(synthetic.column("defect").values.astype(float))
    assert real_share < 0.05
    assert 0.27 < share < 0.33
    # The defect type follows the defect: rows without a defect have none.
    types = synthetic.column("defect_type").values
    defects = synthetic.column("defect").values.astype(float)
    assert sum(1 for kind, defect in zip(types, defects, strict=True) if defect == 0 and kind is not None) < 40


def test_bad_conditions_are_refused_with_a_code(quality: Table) -> None:
    for condition, code in (
        (Condition("nope", "Y", 0.3), "condition_column"),
        (Condition("temperature_c", "1", 0.3), "condition_not_class"),
        (Condition("defect", "maybe", 0.3), "condition_value"),
        (Condition("defect", "Y", 1.5), "condition_share"),
    ):
        with pytest.raises(SynthesisError) as caught:
            CartSynthesizer().fit(quality, seed=1, condition=condition)
        assert caught.value.code == code


def test_rules_are_read_and_bad_ones_refused(quality: Table) -> None:
    assert parse_rule("inspected_on >= produced_on", quality) == OrderRule("produced_on", "inspected_on")
    assert parse_rule("thickness_mm > 0", quality) == RangeRule("thickness_mm", minimum=0.0)
    assert parse_rule("produced_on between 2025-03-01 and 2025-01-01", quality) == RangeRule(
        "produced_on", 20089.0, 20148.0
    )
    for text, code in (
        ("colour <= 3", "unknown_column"),
        ("line <= 3", "not_ordered"),
        ("temperature_c between hot and cold", "bad_value"),
        ("temperature_c is warm", "syntax"),
    ):
        with pytest.raises(RuleError) as caught:
            parse_rule(text, quality)
        assert caught.value.code == code


def test_repair_clips_ranges_and_sets_the_later_column_after_the_earlier() -> None:
    table = table_from_text(
        ["start", "end", "x"], [["2025-01-05", "2025-01-01"], ["2025-01-03", "2025-01-02"], ["5", "-1"]]
    )
    repaired = rules_repair(table, [OrderRule("start", "end", strict=True), RangeRule("x", 0, 3)])
    assert table_to_rows(repaired) == [["2025-01-05", "2025-01-06", "3"], ["2025-01-01", "2025-01-02", "0"]]


def test_the_zcdp_conversion_meets_the_requested_epsilon_and_delta() -> None:
    for epsilon in (0.5, 1.0, 10.0):
        rho = cdp_rho(epsilon, 1e-6)
        assert cdp_delta(rho, epsilon) <= 1e-6
        assert cdp_delta(rho * 1.01, epsilon) > 1e-6  # the largest such ρ
        # Tighter than the simple conversion ε = ρ + 2√(ρ log 1/δ) of Bun and Steinke.
        simple = (math.sqrt(math.log(1e6) + epsilon) - math.sqrt(math.log(1e6))) ** 2
        assert rho > simple


def test_mst_draws_within_the_domain_and_builds_a_spanning_tree(quality: Table) -> None:
    model = MstSynthesizer(epsilon=10.0).fit(quality, seed=1)
    synthetic = model.sample(1_000, seed=2)
    modelled = [column.name for column in quality.columns if column.kind != ColumnKind.IDENTIFIER]
    assert len(model.edge_names()) == len(modelled) - 1
    assert set(synthetic.column("supplier").values) - {None} <= set(quality.column("supplier").values)
    speed = synthetic.column("line_speed").values.astype(float)
    real_speed = quality.column("line_speed").values.astype(float)
    assert real_speed.min() <= np.nanmin(speed) and np.nanmax(speed) <= real_speed.max()
    assert (speed[~np.isnan(speed)] == np.round(speed[~np.isnan(speed)])).all()


def test_formulas_on_known_distributions() -> None:
    real = np.array(["a", "a", "b", "c"], dtype=object)
    same = np.array(["c", "b", "a", "a"], dtype=object)
    other = np.array(["b", "b", "b", "b"], dtype=object)
    assert tv_complement(real, same) == 1.0
    assert tv_complement(real, other) == 0.25  # 1 - ½(½ + ¾ + ¼)
    assert ks_complement(np.array([1.0, 2, 3, 4]), np.array([1.0, 2, 3, 4])) == 1.0
    assert ks_complement(np.array([1.0, 2, 3, 4]), np.array([3.0, 4, 5, 6])) == 0.5


def test_a_copy_of_the_real_table_is_faithful_and_blocked_by_the_gate(quality: Table) -> None:
    train, holdout = quality.take(np.arange(0, 2_400)), quality.take(np.arange(2_400, 3_000))
    report = fidelity(train, train)
    assert (report.overall, report.column_shape_score, report.pair_trend_score) == (1.0, 1.0, 1.0)
    copied = privacy(train, holdout, train)
    assert (copied.dcr_synthetic_p5, copied.exact_copies, copied.exact_copy_share) == (0.0, 2_400, 1.0)
    gate = release_gate(copied)
    assert gate.allowed is False
    assert [reason["code"] for reason in gate.reasons] == ["dcr_ratio", "exact_copies"]
    fresh = privacy(train, holdout, holdout)
    assert fresh.dcr_p5_ratio == 1.0 and release_gate(fresh).allowed is True


def test_synthesize_reports_every_figure_and_passes_the_gate_on_the_generated_table(quality: Table) -> None:
    result = synthesize(quality, SynthesisOptions(seed=9, target="defect"))
    report = result.report
    assert (result.seed, report["seed"], report["rows_real"], report["rows_synthetic"]) == (9, 9, 3_000, 3_000)
    assert (report["rows_training"], report["rows_holdout"]) == (2_400, 600)
    assert report["rules"] == ["produced_on <= inspected_on"]
    assert report["fidelity"]["overall"] > 0.95
    assert report["utility"]["target"] == "defect" and report["utility"]["metric"] == "roc_auc"
    assert report["privacy"]["exact_copies"] == 0
    assert report["gate"]["allowed"] is True
    assert [warning["code"] for warning in report["warnings"]] == ["identifiers_replaced"]
    # Each try doubles the leaves until the closest rows are as far as 0.9 of unseen real rows' distance.
    attempts = report["attempts"]
    leaves = [(attempt["min_leaf"], attempt["numeric_min_leaf"]) for attempt in attempts]
    assert leaves == [(10, 10), (10, 20), (20, 40), (40, 80)][: len(attempts)]
    assert all(attempt["dcr_p5_ratio"] < 0.9 for attempt in attempts[:-1])
    assert attempts[-1]["dcr_p5_ratio"] >= 0.9 or len(attempts) == 4
    assert result.parameters == {
        "method": "cart",
        "rows": 3_000,
        "seed": 9,
        "holdout_share": 0.2,
        "rules": ["produced_on <= inspected_on"],
        "min_leaf": attempts[-1]["min_leaf"],
        "numeric_min_leaf": attempts[-1]["numeric_min_leaf"],
        "target": "defect",
    }


def test_the_dp_report_warns_that_rare_interactions_are_lost(quality: Table) -> None:
    result = synthesize(quality, SynthesisOptions(method=Method.DP, epsilon=1.0, seed=3))
    assert result.report["dp"]["epsilon"] == 1.0
    assert result.report["warnings"][0] == {"code": "dp_rare_interactions_lost", "epsilon": 1.0, "delta": 1e-6}
    with pytest.raises(SynthesisError) as caught:
        synthesize(quality, SynthesisOptions(method=Method.DP, condition=Condition("defect", "Y", 0.2)))
    assert caught.value.code == "condition_with_dp"


def test_the_independent_baseline_loses_the_relations_cart_keeps(quality: Table) -> None:
    cart = synthesize(quality, SynthesisOptions(seed=2))
    independent = synthesize(quality, SynthesisOptions(seed=2, method=Method.INDEPENDENT))
    assert cart.report["fidelity"]["related_pairs_score"] > independent.report["fidelity"]["related_pairs_score"] + 0.2


def test_the_target_is_the_last_column_when_it_can_be_predicted(quality: Table) -> None:
    assert choose_target(quality) == "defect_type"
    assert choose_target(quality.select(["line", "temperature_c", "lot_id"])) == "temperature_c"
    assert CartSettings().min_leaf == 10


def test_a_table_of_identifiers_only_has_nothing_to_learn() -> None:
    notes = table_from_text(
        ["note", "memo"], [[f"note {index}" for index in range(30)], [f"memo {index}" for index in range(30)]]
    )
    with pytest.raises(SynthesisError) as caught:
        synthesize(notes, SynthesisOptions(seed=1))
    assert caught.value.code == "nothing_to_model"


def test_the_most_faithful_try_that_passes_the_gate_is_kept_when_none_meets_the_target() -> None:
    from foster.engines.synthesis.pipeline import _Candidate, _chosen

    def candidate(ratio: float, allowed: bool, overall: float) -> _Candidate:
        report = {"privacy": {"dcr_p5_ratio": ratio}, "gate": {"allowed": allowed}, "fidelity": {"overall": overall}}
        return _Candidate(Table([]), report, (10, 10), 0.0, 0.0, 0.0)

    first, passing, better, last = (
        candidate(0.5, False, 0.99),
        candidate(0.85, True, 0.97),
        candidate(0.82, True, 0.98),
        candidate(0.81, True, 0.90),
    )
    assert _chosen([first, passing, better, last]) is better
    assert _chosen([first, candidate(0.6, False, 0.9)]) is first
    assert _chosen([first, candidate(0.95, True, 0.9)]).report["privacy"]["dcr_p5_ratio"] == 0.95
