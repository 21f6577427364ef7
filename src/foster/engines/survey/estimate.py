"""Design-based estimates of a proportion, computed as R's ``survey`` package computes them.

For a stratified single-stage design with weights ``w`` and finite-population correction:

* estimate ``p = Σ w y / Σ w`` (``svymean``);
* Taylor-linearised variance: influence values ``z_i = w_i (y_i − p) / Σ w``; each stratum adds
  ``(1 − n_h/N_h) · n_h/(n_h − 1) · Σ_i (z_i − z̄_h)²`` (``svyrecvar``/``onestrat``); strata of one
  respondent follow ``LonelyStratum``;
* design effect (``svymean(..., deff = TRUE)``): the variance over
  ``s² (N̂ − n) / (N̂ n)`` with ``s² = n/(n − 1) · Σ w (y − p)² / Σ w`` and ``N̂ = Σ w`` (R's
  without-replacement SRS variance); infinite when ``N̂ = n`` (weights of 1, no population sizes),
  as in R;
* intervals (``svyciprop``) with ``df = n − H`` (respondents less strata, R's ``degf``):
  ``logit``: ``expit(logit p ± t_df · se/(p(1 − p)))`` (the Wald interval of the quasi-binomial
  intercept-only ``svyglm``); ``korn-graubard`` (R's ``method = "beta"``): Clopper–Pearson with the
  effective sample size ``n* = p(1 − p)/var · (t_{n−1}/t_df)²``;
* domains (``svyby``): the influence values are zero outside the domain and the design stays the
  whole sample's (strata sizes and corrections), as R's subsets of a design are; the interval's
  ``df`` and ``n`` are the domain's (``degf`` and ``nrow`` of the subset), as in R.

Where R returns NaN, Foster returns a number or None on purpose: when ``p`` is 0 or 1 the
variance is 0, and both intervals are the exact Clopper–Pearson interval for the respondents
(R: NaN); when ``df < 1`` the interval is None (R: NaN).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from scipy import stats  # scipy ships no type hints: ignored in pyproject.toml (mypy overrides)

from foster.engines.survey.calibration import calibrated_influence
from foster.engines.survey.design import CERTAINTY_TOLERANCE, BoolArray, FloatArray, LonelyStratum, SurveyDesign


class IntervalMethod(StrEnum):
    LOGIT = "logit"
    KORN_GRAUBARD = "korn-graubard"


@dataclass(frozen=True, slots=True)
class ProportionEstimate:
    """A proportion with its standard error, interval, design effect (None for domains, or when
    it cannot be computed), respondents ``n`` and the interval's degrees of freedom."""

    estimate: float
    se: float
    ci: tuple[float, float] | None
    deff: float | None
    n: int
    df: int

    @property
    def variance(self) -> float:
        return self.se * self.se


@dataclass(frozen=True, slots=True)
class DomainEstimate:
    label: str
    result: ProportionEstimate


@dataclass(frozen=True, slots=True)
class SurveyEstimate:
    overall: ProportionEstimate
    domains: tuple[DomainEstimate, ...]
    method: IntervalMethod
    level: float


def stratified_variance(design: SurveyDesign, z: FloatArray, present: BoolArray | None = None) -> float:
    """The Taylor-linearised variance of a statistic with influence values ``z`` (one per
    respondent), strata sampled independently without replacement (R's ``onestage``).

    ``present`` marks the strata that have respondents in the (sub)population estimated; R's
    ``average`` treatment counts only those.
    """
    n_strata = len(design.stratum_labels)
    counts = design.stratum_counts.astype(np.float64)
    fractions = design.kept_fractions
    totals = np.bincount(design.strata, weights=z, minlength=n_strata)
    deviations = z - (totals / counts)[design.strata]
    centred = np.bincount(design.strata, weights=deviations * deviations, minlength=n_strata)
    scale = np.where(counts > 1, fractions * counts / np.maximum(counts - 1, 1), fractions)
    contributions = scale * centred
    certain = fractions < CERTAINTY_TOLERANCE
    contributions[certain] = 0.0
    lonely = (counts == 1) & ~certain
    if not lonely.any():
        return float(contributions.sum())
    if present is None:
        present = np.ones(n_strata, dtype=bool)
    if design.lonely == LonelyStratum.ADJUST:
        uncentred = np.bincount(design.strata, weights=z * z, minlength=n_strata)
        contributions[lonely] = (fractions * uncentred)[lonely]
        return float(contributions.sum())
    if design.lonely == LonelyStratum.AVERAGE:
        counted = present & ~lonely
        if not counted.any():
            return math.nan
        return float(contributions[counted].sum() * present.sum() / counted.sum())
    # certainty, remove (and fail, which the design refused before): no variance from the stratum.
    contributions[lonely] = 0.0
    return float(contributions.sum())


def _interval(
    p: float, variance: float, *, rows: int, df: int, method: IntervalMethod, level: float
) -> tuple[float, float] | None:
    alpha = 1.0 - level
    if df < 1 or not math.isfinite(variance):
        return None
    if variance <= 0.0 or p <= 0.0 or p >= 1.0:
        return _clopper_pearson(p, float(rows), alpha)
    if method == IntervalMethod.LOGIT:
        t = float(stats.t.ppf(1.0 - alpha / 2.0, df))
        centre = math.log(p / (1.0 - p))
        half = t * math.sqrt(variance) / (p * (1.0 - p))
        return _expit(centre - half), _expit(centre + half)
    effective = p * (1.0 - p) / variance
    if rows > 1:
        effective *= (float(stats.t.ppf(alpha / 2.0, rows - 1)) / float(stats.t.ppf(alpha / 2.0, df))) ** 2
    return _clopper_pearson(p, effective, alpha)


def _clopper_pearson(p: float, n: float, alpha: float) -> tuple[float, float]:
    low = 0.0 if p <= 0.0 else float(stats.beta.ppf(alpha / 2.0, n * p, n * (1.0 - p) + 1.0))
    high = 1.0 if p >= 1.0 else float(stats.beta.ppf(1.0 - alpha / 2.0, n * p + 1.0, n * (1.0 - p)))
    return low, high


def _expit(value: float) -> float:
    return 1.0 / (1.0 + math.exp(-value))


def _design_effect(y: FloatArray, w: FloatArray, p: float, variance: float) -> float | None:
    total = float(w.sum())
    n = int(y.shape[0])
    if n < 2:
        return None
    residual = y - p
    s2 = float(np.dot(w, residual * residual)) / total * n / (n - 1)
    if total < n:  # R: "Sample size greater than population size: are weights correctly scaled?"
        return None
    srs = s2 * (total - n) / (total * n)
    if srs == 0.0:
        return math.inf if variance > 0.0 else None
    return variance / srs


def estimate_proportion(
    design: SurveyDesign,
    *,
    method: IntervalMethod = IntervalMethod.LOGIT,
    level: float = 0.95,
    domains: Sequence[str] | None = None,
    subset: BoolArray | None = None,
) -> SurveyEstimate:
    """The weighted proportion of 1s with its standard error, interval and design effect, and the
    same (without design effect) for each value of ``domains`` (one label per respondent).

    ``subset`` (a mask) estimates over some respondents only with the whole sample's design, as
    R's ``na.rm = TRUE`` does for rows whose answer is missing."""
    everyone = np.ones(design.n, dtype=bool)
    answered = everyone if subset is None else np.asarray(subset, dtype=bool)
    overall = _estimate(design, everyone, answered, method=method, level=level, with_deff=True)
    results: list[DomainEstimate] = []
    if domains is not None:
        labels, codes = np.unique(np.asarray([str(label) for label in domains], dtype=np.str_), return_inverse=True)
        codes = codes.reshape(-1)
        for code, label in enumerate(labels):
            member = codes == code
            if (member & answered).any():
                result = _estimate(design, member, answered, method=method, level=level, with_deff=False)
                results.append(DomainEstimate(str(label), result))
    return SurveyEstimate(overall=overall, domains=tuple(results), method=method, level=level)


def _estimate(
    design: SurveyDesign,
    domain: BoolArray,
    answered: BoolArray,
    *,
    method: IntervalMethod,
    level: float,
    with_deff: bool,
) -> ProportionEstimate:
    """The estimate over the respondents of ``domain`` who ``answered``. As in R (``svyciprop``
    evaluates ``degf`` and ``nrow`` before ``na.rm`` drops rows), the interval's degrees of freedom
    and the Korn-Graubard ratio count the domain's rows with or without an answer."""
    member = domain & answered
    w = np.where(member, design.weights, 0.0)
    total = float(w.sum())
    p = float(np.dot(w, design.y) / total)
    z = calibrated_influence(design, w * (design.y - p) / total)
    present = np.zeros(len(design.stratum_labels), dtype=bool)
    present[np.unique(design.strata[member])] = True
    variance = stratified_variance(design, z, present)
    rows = int(member.sum())
    design_rows = int(domain.sum())
    strata_of_domain = np.zeros(len(design.stratum_labels), dtype=bool)
    strata_of_domain[np.unique(design.strata[domain])] = True
    df = design_rows - int(strata_of_domain.sum())
    return ProportionEstimate(
        estimate=p,
        se=math.sqrt(variance) if math.isfinite(variance) else math.nan,
        # R keeps every row of a calibrated design in a domain (weight 0 outside), so the
        # Korn-Graubard ratio's n - 1 is the whole sample's there.
        ci=_interval(
            p, variance, rows=design.n if design.calibration else design_rows, df=df, method=method, level=level
        ),
        deff=_design_effect(design.y[member], design.weights[member], p, variance) if with_deff else None,
        n=rows,
        df=df,
    )
