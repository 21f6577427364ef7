"""Where a rate is heading: a logistic trend fitted to survey waves, with each wave's sampling
error carried into the forecast by a parametric bootstrap.

Model: ``logit(p_t) = a + b (t − t̄)``, fitted by weighted least squares on the logit scale with
weights ``1 / var(logit p̂_t)`` (delta method: ``se_t / (p̂_t (1 − p̂_t))``). The bootstrap draws
each wave's rate from its sampling distribution (normal on the logit scale with that standard
error, so a draw stays between 0 and 1), refits and forecasts; the fan is the quantiles of the
forecasts per year, and ``P(rate ≥ target)`` the share of draws at or above the target in the
target year.

What it does not carry: doubt about the model itself (a logistic trend; adoption may slow or
jump) and the difference between questions of different surveys. With fewer than three waves
there is no forecast (``ForecastRefused``): two points always fit a line exactly, so a trend
cannot be told from sampling noise.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

MIN_WAVES = 3
FAN_QUANTILES = (0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95)
DEFAULT_DRAWS = 4000
EDGE = 1e-6  # rates of exactly 0 or 1 are moved this far inside to take their logit


class ForecastRefused(ValueError):
    """No forecast can be made; ``code`` is stable (``too_few_waves``, ``same_year``, ``no_error``)."""

    def __init__(self, code: str, text: str) -> None:
        self.code = code
        super().__init__(text)


@dataclass(frozen=True, slots=True)
class Wave:
    year: int
    estimate: float
    se: float


@dataclass(frozen=True, slots=True)
class FanYear:
    year: int
    central: float
    quantiles: tuple[float, ...]  # at FAN_QUANTILES


@dataclass(frozen=True, slots=True)
class Forecast:
    """The fitted trend's rate per year (``central``), the fan from ``first_year`` to
    ``target_year``, and the probability that the target year's rate reaches ``target``."""

    intercept: float
    slope: float
    centre_year: float
    fan: tuple[FanYear, ...]
    target: float
    target_year: int
    probability_of_target: float
    draws: int
    seed: int

    def rate(self, year: int) -> float:
        return _expit(self.intercept + self.slope * (year - self.centre_year))


def _logit(p: float) -> float:
    q = min(max(p, EDGE), 1.0 - EDGE)
    return math.log(q / (1.0 - q))


def _expit(value: float) -> float:
    return 1.0 / (1.0 + math.exp(-value))


def _fit(years: np.ndarray, logits: np.ndarray, weights: np.ndarray, centre: float) -> tuple[np.ndarray, np.ndarray]:
    """Weighted least squares of ``logits`` (draws x waves) on the year; returns intercepts and slopes."""
    x = years - centre
    sw = weights.sum()
    xm = float((weights * x).sum() / sw)
    ym = (logits * weights).sum(axis=-1) / sw
    sxx = float((weights * (x - xm) ** 2).sum())
    slope = ((logits - ym[..., None]) * (weights * (x - xm))).sum(axis=-1) / sxx
    intercept = ym - slope * xm
    return intercept, slope


def logistic_forecast(
    waves: Sequence[Wave],
    *,
    target: float = 0.5,
    target_year: int = 2027,
    draws: int = DEFAULT_DRAWS,
    seed: int = 2027,
) -> Forecast:
    """Fit the trend to ``waves`` and bootstrap the forecast up to ``target_year``. Raises
    ForecastRefused with fewer than three waves, two waves in one year, or a wave without error."""
    if len(waves) < MIN_WAVES:
        raise ForecastRefused(
            "too_few_waves",
            f"{len(waves)} wave(s): at least {MIN_WAVES} survey waves are needed to forecast; with fewer, "
            "a trend cannot be told from sampling noise.",
        )
    years_list = [wave.year for wave in waves]
    if len(set(years_list)) != len(years_list):
        raise ForecastRefused("same_year", "Two waves have the same year; keep one estimate per year.")
    ordered = sorted(waves, key=lambda wave: wave.year)
    years = np.asarray([wave.year for wave in ordered], dtype=np.float64)
    logits = np.asarray([_logit(wave.estimate) for wave in ordered])
    logit_se = np.asarray(
        [wave.se / max(wave.estimate * (1.0 - wave.estimate), EDGE) for wave in ordered], dtype=np.float64
    )
    if not np.all(np.isfinite(logit_se)) or np.any(logit_se <= 0):
        raise ForecastRefused("no_error", "Every wave needs a positive standard error to forecast.")
    weights = 1.0 / logit_se**2
    centre = float(years.mean())
    intercept, slope = _fit(years, logits, weights, centre)
    rng = np.random.default_rng(seed)
    drawn = logits + rng.standard_normal((draws, len(ordered))) * logit_se
    intercepts, slopes = _fit(years, drawn, weights, centre)
    first_year = int(years[0])
    fan: list[FanYear] = []
    probability = math.nan
    for year in range(first_year, target_year + 1):
        rates = 1.0 / (1.0 + np.exp(-(intercepts + slopes * (year - centre))))
        quantiles = tuple(float(q) for q in np.quantile(rates, FAN_QUANTILES))
        fan.append(FanYear(year, _expit(float(intercept) + float(slope) * (year - centre)), quantiles))
        if year == target_year:
            probability = float(np.mean(rates >= target))
    return Forecast(
        intercept=float(intercept),
        slope=float(slope),
        centre_year=centre,
        fan=tuple(fan),
        target=target,
        target_year=target_year,
        probability_of_target=probability,
        draws=draws,
        seed=seed,
    )
