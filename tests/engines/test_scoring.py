"""The scoring engine on hand-computed examples, and the additive model on planted reviewer biases."""

from __future__ import annotations

import math

import numpy as np
import pytest

from foster.engines.scoring import (
    Criterion,
    Identifier,
    ReviewerMethod,
    Rubric,
    ScoreBasis,
    ScoreSheet,
    Spread,
    fit_additive_model,
    rank_by_call,
    raw_summary,
    score_report,
    sheet_score,
    standardise,
)

EXACT = 1e-12

RUBRIC = Rubric(
    (
        Criterion("technology", weight=3, minimum=0, maximum=10),
        Criterion("market", weight=1, minimum=1, maximum=5),
    )
)


def totals(*rows: tuple[Identifier, Identifier, float]) -> list[ScoreSheet]:
    """Sheets with a total score, from (application, reviewer, total) rows."""
    return [ScoreSheet(application, reviewer, total=total) for application, reviewer, total in rows]


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ({"technology": 7, "market": 4}, 71.25),  # (3 × 70 + 1 × 75) / 4
        ({"technology": 10, "market": 5}, 100.0),
        ({"technology": 0, "market": 1}, 0.0),
        ({"technology": 5, "market": 1}, 37.5),
    ],
)
def test_rubric_aggregates_weighted_normalised_scores(scores: dict[str, float], expected: float) -> None:
    assert RUBRIC.aggregate(scores) == expected


@pytest.mark.parametrize(
    ("scores", "message"),
    [
        ({"technology": 7}, "criterion scores do not match the rubric: missing ['market'], unknown []"),
        (
            {"technology": 7, "market": 4, "team": 3},
            "criterion scores do not match the rubric: missing [], unknown ['team']",
        ),
        ({"technology": 11, "market": 4}, "criterion 'technology': score 11 is outside 0–10"),
        ({"technology": 5, "market": 0}, "criterion 'market': score 0 is outside 1–5"),
    ],
)
def test_rubric_rejects_bad_scores(scores: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError) as raised:
        RUBRIC.aggregate(scores)
    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: Criterion("x", weight=0, minimum=0, maximum=10), "criterion 'x': weight must be a positive number"),
        (
            lambda: Criterion("x", weight=1, minimum=5, maximum=5),
            "criterion 'x': the scale needs a finite minimum below its maximum",
        ),
        (lambda: Rubric(()), "a rubric needs at least one criterion"),
        (
            lambda: Rubric((Criterion("x", 1, 0, 1), Criterion("x", 1, 0, 1))),
            "criterion keys must be unique",
        ),
    ],
)
def test_rubric_rejects_bad_definitions(build: object, message: str) -> None:
    with pytest.raises(ValueError) as raised:
        build()  # type: ignore[operator]
    assert str(raised.value) == message


def test_sheet_score_uses_the_total_or_the_rubric() -> None:
    assert sheet_score(ScoreSheet("a", "r", total=82.5), None) == 82.5
    assert sheet_score(ScoreSheet("a", "r", criteria={"technology": 7, "market": 4}), RUBRIC) == 71.25


@pytest.mark.parametrize(
    ("sheet", "rubric", "message"),
    [
        (ScoreSheet("a", "r"), None, "sheet ('a', 'r') needs either a total or criterion scores"),
        (
            ScoreSheet("a", "r", total=1, criteria={"x": 1}),
            None,
            "sheet ('a', 'r') needs either a total or criterion scores",
        ),
        (ScoreSheet("a", "r", criteria={"technology": 7, "market": 4}), None, "criterion scores need a rubric"),
        (ScoreSheet("a", "r", total=math.nan), None, "sheet ('a', 'r') has a non-finite total"),
    ],
)
def test_sheet_score_rejects_incomplete_sheets(sheet: ScoreSheet, rubric: Rubric | None, message: str) -> None:
    with pytest.raises(ValueError) as raised:
        sheet_score(sheet, rubric)
    assert str(raised.value) == message


def test_duplicate_sheets_are_rejected() -> None:
    with pytest.raises(ValueError) as raised:
        raw_summary([ScoreSheet("a", "r", total=1), ScoreSheet("a", "r", total=2)])
    assert str(raised.value) == "more than one sheet for application 'a' and reviewer 'r'"


def test_raw_summary_gives_mean_and_spread() -> None:
    sheets = totals(
        ("A", "r1", 60),
        ("A", "r2", 70),
        ("A", "r3", 80),
        ("B", "r1", 55),
    )
    assert raw_summary(sheets) == {
        "A": Spread(mean=70.0, std=math.sqrt(200 / 3), minimum=60.0, maximum=80.0, count=3),
        "B": Spread(mean=55.0, std=0.0, minimum=55.0, maximum=55.0, count=1),
    }


def test_raw_summary_aggregates_criterion_sheets_with_the_rubric() -> None:
    sheets = [
        ScoreSheet("A", "r1", criteria={"technology": 7, "market": 4}),  # 71.25
        ScoreSheet("A", "r2", criteria={"technology": 5, "market": 1}),  # 37.5
    ]
    assert raw_summary(sheets, RUBRIC)["A"] == Spread(54.375, 16.875, 37.5, 71.25, 2)


# Reviewer r1 and r2 differ by 10 points but rank A and B the same; r3 gave one score; r4 gave two
# equal scores. All seven scores: mean 70, population variance (100+100+0+400+400+0+0)/7 = 1000/7.
STANDARDISATION_SHEETS = totals(
    ("A", "r1", 60),
    ("B", "r1", 80),
    ("A", "r2", 70),
    ("B", "r2", 90),
    ("C", "r3", 50),
    ("A", "r4", 70),
    ("C", "r4", 70),
)


def test_standardisation_rescales_z_scores_to_the_overall_mean_and_spread() -> None:
    result = standardise(STANDARDISATION_SHEETS)
    spread = math.sqrt(1000 / 7)
    assert result.overall_mean == pytest.approx(70.0, abs=EXACT)
    assert result.overall_std == pytest.approx(spread, abs=EXACT)
    assert [(s.application_id, s.reviewer_id, s.raw, s.is_standardised) for s in result.scores] == [
        ("A", "r1", 60.0, True),
        ("B", "r1", 80.0, True),
        ("A", "r2", 70.0, True),
        ("B", "r2", 90.0, True),
        ("C", "r3", 50.0, False),
        ("A", "r4", 70.0, True),
        ("C", "r4", 70.0, True),
    ]
    assert [s.standardised for s in result.scores] == pytest.approx(
        [70 - spread, 70 + spread, 70 - spread, 70 + spread, 50.0, 70.0, 70.0], abs=EXACT
    )
    assert [(r.reviewer_id, r.mean, r.std, r.count, r.method) for r in result.reviewers] == [
        ("r1", 70.0, 10.0, 2, ReviewerMethod.Z_SCORE),
        ("r2", 80.0, 10.0, 2, ReviewerMethod.Z_SCORE),
        ("r3", 50.0, 0.0, 1, ReviewerMethod.SINGLE_SCORE),
        ("r4", 70.0, 0.0, 2, ReviewerMethod.NO_SPREAD),
    ]
    application_a = result.applications["A"]
    assert application_a.count == 3
    assert application_a.mean == pytest.approx(70 - 2 * spread / 3, abs=EXACT)
    assert application_a.minimum == pytest.approx(70 - spread, abs=EXACT)
    assert application_a.maximum == pytest.approx(70.0, abs=EXACT)
    assert result.applications["C"].mean == pytest.approx(60.0, abs=EXACT)


def test_additive_model_recovers_exact_effects_on_an_unbalanced_design() -> None:
    # theta = A 60, B 70, C 80; beta = r1 -4, r2 +1, r3 +3 (sums to 0); no noise; each
    # application has two of the three reviewers.
    sheets = totals(
        ("A", "r1", 56),
        ("A", "r2", 61),
        ("B", "r2", 71),
        ("B", "r3", 73),
        ("C", "r1", 76),
        ("C", "r3", 83),
    )
    model = fit_additive_model(sheets)
    assert model.adjusted == pytest.approx({"A": 60.0, "B": 70.0, "C": 80.0}, abs=EXACT)
    assert model.leniency == pytest.approx({"r1": -4.0, "r2": 1.0, "r3": 3.0}, abs=EXACT)
    assert model.residual_std == pytest.approx(0.0, abs=1e-9)
    assert model.component_count == 1


def test_additive_model_on_a_crossed_design_with_noise() -> None:
    # Two reviewers × two applications: y = theta + beta + e with e = ±1 in a pattern the model
    # cannot absorb (interaction). Least squares: theta = row means, beta = column mean deviations.
    sheets = totals(
        ("A", "r1", 66),  # 70 - 5 + 1
        ("A", "r2", 74),  # 70 + 5 - 1
        ("B", "r1", 74),  # 80 - 5 - 1
        ("B", "r2", 86),  # 80 + 5 + 1
    )
    model = fit_additive_model(sheets)
    assert model.adjusted == pytest.approx({"A": 70.0, "B": 80.0}, abs=EXACT)
    assert model.leniency == pytest.approx({"r1": -5.0, "r2": 5.0}, abs=EXACT)
    # Residuals ±1 on four sheets, one degree of freedom left (4 - 2 - 2 + 1).
    assert model.residual_std == pytest.approx(2.0, abs=EXACT)


def test_additive_model_centres_each_connected_group_of_reviewers_separately() -> None:
    sheets = totals(
        ("A", "r1", 62),
        ("A", "r2", 58),
        ("B", "r3", 90),
        ("B", "r4", 80),
        ("C", "r5", 77),  # r5 scored only C, alone
    )
    model = fit_additive_model(sheets)
    assert model.component_count == 3
    assert model.component_of_reviewer == {"r1": 0, "r2": 0, "r3": 1, "r4": 1, "r5": 2}
    assert model.leniency == pytest.approx({"r1": 2.0, "r2": -2.0, "r3": 5.0, "r4": -5.0, "r5": 0.0}, abs=EXACT)
    assert model.adjusted == pytest.approx({"A": 60.0, "B": 85.0, "C": 77.0}, abs=EXACT)
    assert model.residual_std is None  # every sheet is explained exactly: no degrees of freedom left


def test_additive_model_recovers_planted_reviewer_biases() -> None:
    rng = np.random.default_rng(2024)
    applications, reviewers, per_application, noise = 300, 40, 4, 2.0
    quality = rng.normal(70.0, 8.0, applications)
    bias = rng.uniform(-8.0, 8.0, reviewers)
    bias -= bias.mean()
    sheets = []
    for application in range(applications):
        for reviewer in rng.choice(reviewers, size=per_application, replace=False):
            score = quality[application] + bias[reviewer] + rng.normal(0.0, noise)
            sheets.append(ScoreSheet(application, int(reviewer), total=float(score)))
    model = fit_additive_model(sheets)
    estimated_bias = np.array([model.leniency[reviewer] for reviewer in range(reviewers)])
    estimated_quality = np.array([model.adjusted[application] for application in range(applications)])
    raw = raw_summary(sheets)
    raw_mean = np.array([raw[application].mean for application in range(applications)])

    assert model.component_count == 1
    assert abs(estimated_bias.sum()) < 1e-9
    assert np.abs(estimated_bias - bias).max() < 1.5  # standard error about 0.4 per reviewer
    assert model.residual_std == pytest.approx(noise, abs=0.25)
    # Adjusting for leniency brings the scores closer to the planted quality than raw means.
    assert np.abs(estimated_quality - quality).mean() < 0.6 * np.abs(raw_mean - quality).mean()


def test_ranking_reports_ties_without_breaking_them() -> None:
    scores = {"a": 90.0, "b": 85.0, "c": 85.0, "d": 70.0, "e": 85.0 + 1e-9, "x": 50.0, "y": 60.0}
    call_of = {"a": "call1", "b": "call1", "c": "call1", "d": "call1", "e": "call1", "x": "call2", "y": "call2"}
    rankings = rank_by_call(scores, call_of)
    first = rankings["call1"]
    assert [(entry.application_id, entry.rank, entry.tied_with) for entry in first.entries] == [
        ("a", 1, ()),
        ("b", 2, ("c", "e")),
        ("c", 2, ("b", "e")),
        ("e", 2, ("b", "c")),
        ("d", 5, ()),
    ]
    assert first.ties == (("b", "c", "e"),)
    assert [(entry.application_id, entry.rank, entry.is_tied) for entry in rankings["call2"].entries] == [
        ("y", 1, False),
        ("x", 2, False),
    ]
    assert rankings["call2"].ties == ()


def test_ranking_needs_a_call_for_every_application() -> None:
    with pytest.raises(ValueError) as raised:
        rank_by_call({"a": 1.0}, {})
    assert str(raised.value) == "application 'a' has no call"


@pytest.mark.parametrize(
    ("basis", "expected_order"),
    [
        # Raw means: A 65 (from r1 and r2), B 75 (from r2 only).
        (ScoreBasis.RAW, ["B", "A"]),
        # r1 single score kept; r2's two scores at z = -1 and +1.
        (ScoreBasis.STANDARDISED, ["B", "A"]),
        # r2 scores A 10 above r1, so r2 is +5 and r1 -5: A stays 65, B becomes 75 - 5 = 70.
        (ScoreBasis.ADJUSTED, ["B", "A"]),
    ],
)
def test_score_report_ranks_on_the_chosen_basis(basis: ScoreBasis, expected_order: list[str]) -> None:
    sheets = totals(("A", "r1", 60), ("A", "r2", 70), ("B", "r2", 75))
    report = score_report(sheets, call_of={"A": "c", "B": "c"}, basis=basis)
    assert [entry.application_id for entry in report.rankings["c"].entries] == expected_order
    by_id = {entry.application_id: entry for entry in report.applications}
    assert by_id["A"].raw.mean == 65.0
    assert by_id["A"].adjusted == pytest.approx(65.0, abs=EXACT)
    assert by_id["B"].adjusted == pytest.approx(70.0, abs=EXACT)
    assert {entry.reviewer_id: entry.leniency for entry in report.reviewers} == pytest.approx(
        {"r1": -5.0, "r2": 5.0}, abs=EXACT
    )


def test_score_report_can_reverse_a_raw_ranking() -> None:
    # r1 is harsh (-10), r2 lenient (+10), shown by the application both scored. C scored 78 by the
    # lenient reviewer ranks above D scored 66 by the harsh one on raw means, below it once adjusted.
    sheets = totals(
        ("A", "r1", 60),
        ("A", "r2", 80),
        ("C", "r2", 78),
        ("D", "r1", 66),
    )
    call_of = {"A": "c", "C": "c", "D": "c"}
    raw = score_report(sheets, call_of=call_of, basis=ScoreBasis.RAW)
    adjusted = score_report(sheets, call_of=call_of, basis=ScoreBasis.ADJUSTED)
    assert [entry.application_id for entry in raw.rankings["c"].entries] == ["C", "A", "D"]
    assert [entry.application_id for entry in adjusted.rankings["c"].entries] == ["D", "A", "C"]
    assert [entry.score for entry in adjusted.rankings["c"].entries] == pytest.approx([76.0, 70.0, 68.0], abs=EXACT)
