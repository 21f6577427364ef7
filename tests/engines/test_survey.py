"""The survey engine's checks, treatments and forecast (R's agreement is in test_survey_reference.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from foster.engines.survey import (
    DesignError,
    ForecastRefused,
    IntervalMethod,
    LonelyStratum,
    Wave,
    answer_value,
    estimate_proportion,
    logistic_forecast,
    responses_table,
    survey_design,
)


def codes(error: DesignError) -> list[str]:
    return [problem.code for problem in error.problems]


def test_every_problem_is_reported_at_once_with_rows() -> None:
    with pytest.raises(DesignError) as caught:
        survey_design([1, 0, 2, 1], strata=["a", "a", "b", "b"], weights=[1, 0, -1, 1])
    assert codes(caught.value) == ["answer_not_binary", "weight_zero", "weight_negative"]
    assert caught.value.problems[1].params["rows"] == (2,)
    assert caught.value.problems[2].params["rows"] == (3,)


def test_fpc_below_the_sample_and_varying_fpc() -> None:
    with pytest.raises(DesignError) as caught:
        survey_design([1, 0, 1, 0, 1], strata=["a", "a", "a", "b", "b"], population_sizes=[2, 2, 2, 10, 11])
    assert codes(caught.value) == ["population_size_varies", "population_size_below_sample"] or codes(caught.value) == [
        "population_size_below_sample",
        "population_size_varies",
    ]
    text = str(caught.value)
    assert "“a”" in text and "2 is smaller than the 3 respondents" in text


def test_lonely_stratum_is_refused_by_default_and_certainty_strata_are_not() -> None:
    with pytest.raises(DesignError) as caught:
        survey_design([1, 0, 1], strata=["a", "a", "b"], row_numbers=[2, 3, 4])
    assert codes(caught.value) == ["lonely_stratum"]
    assert caught.value.problems[0].params == {"stratum": "b", "rows": (4,)}
    design = survey_design([1, 0, 1], strata=["a", "a", "b"], population_sizes=[10, 10, 1])
    assert estimate_proportion(design).overall.se > 0


def test_lonely_treatments_differ_as_in_r() -> None:
    y = [1, 0, 1, 1, 0]
    strata = ["a", "a", "b", "b", "c"]
    results = {
        mode: estimate_proportion(survey_design(y, strata=strata, weights=[1, 2, 1, 2, 3], lonely=mode)).overall.se
        for mode in (LonelyStratum.ADJUST, LonelyStratum.CERTAINTY, LonelyStratum.REMOVE, LonelyStratum.AVERAGE)
    }
    assert results[LonelyStratum.CERTAINTY] == results[LonelyStratum.REMOVE]
    assert results[LonelyStratum.ADJUST] > results[LonelyStratum.CERTAINTY]
    assert results[LonelyStratum.AVERAGE] > results[LonelyStratum.CERTAINTY]


def test_unweighted_design_without_fpc_gives_binomial_se_and_infinite_deff() -> None:
    y = [1] * 30 + [0] * 70
    result = estimate_proportion(survey_design(y)).overall
    assert result.estimate == pytest.approx(0.3)
    assert result.se == pytest.approx(math.sqrt(0.3 * 0.7 / 99))
    assert result.deff is not None and math.isinf(result.deff)


def test_all_yes_gives_the_exact_interval_for_both_methods() -> None:
    design = survey_design([1] * 20, strata=["a"] * 10 + ["b"] * 10)
    for method in IntervalMethod:
        result = estimate_proportion(design, method=method).overall
        assert result.se == 0.0
        assert result.ci is not None
        assert result.ci[1] == 1.0
        assert result.ci[0] == pytest.approx(0.025 ** (1 / 20))


@pytest.mark.parametrize(
    ("text", "value"),
    [("1", 1.0), ("예", 1.0), ("YES", 1.0), (" no ", 0.0), ("아니오", 0.0), ("0.0", 0.0), ("", None), ("NA", None)],
)
def test_answer_words(text: str, value: float | None) -> None:
    assert answer_value(text) == value


def test_unclear_answers_and_missing_answers_are_named() -> None:
    header = ["y", "h"]
    rows = [["1", "a"], ["maybe", "a"], ["", "b"], ["0", "b"], ["2", "b"]]
    with pytest.raises(DesignError) as caught:
        responses_table(header, rows, y="y", stratum="h")
    assert codes(caught.value) == ["answer_unclear", "answer_missing"]
    assert caught.value.problems[0].params["rows"] == (3, 6)
    assert caught.value.problems[1].params["rows"] == (4,)


def test_unknown_column_names_the_columns() -> None:
    with pytest.raises(DesignError) as caught:
        responses_table(["answer", "h"], [["1", "a"]], y="y", stratum="h")
    assert "answer, h" in str(caught.value)


def test_forecast_needs_three_waves() -> None:
    with pytest.raises(ForecastRefused) as caught:
        logistic_forecast([Wave(2024, 0.28, 0.02), Wave(2025, 0.33, 0.02)])
    assert caught.value.code == "too_few_waves"


def test_forecast_fits_the_logistic_trend_and_carries_sampling_error() -> None:
    # Standard errors proportional to p(1 - p): equal errors on the logit scale (0.1 each).
    waves = [Wave(year, p, 0.1 * p * (1 - p)) for year, p in ((2024, 0.28), (2025, 0.34), (2026, 0.405))]
    forecast = logistic_forecast(waves, draws=20_000, seed=1)
    logits = np.log([w.estimate / (1 - w.estimate) for w in waves])
    slope, intercept = np.polyfit([-1, 0, 1], logits, 1)  # equal errors: weighted = ordinary least squares
    assert forecast.slope == pytest.approx(slope)
    assert forecast.rate(2027) == pytest.approx(1 / (1 + math.exp(-(intercept + 2 * slope))))
    final = forecast.fan[-1]
    assert final.year == 2027 and final.quantiles[0] < final.central < final.quantiles[-1]
    # The slope's sampling sd on the logit scale is se/sqrt(2) per year; 2027 is 2 years from the centre.
    logit_se = 0.1
    spread = math.sqrt(logit_se**2 / 3 + 4 * logit_se**2 / 2)
    expected = 1 - 0.5 * (1 + math.erf((0.0 - (intercept + 2 * slope)) / (spread * math.sqrt(2))))
    assert forecast.probability_of_target == pytest.approx(expected, abs=0.03)
    assert logistic_forecast(waves, draws=20_000, seed=1) == forecast  # seeded
