"""Post-stratification and raking of a design's weights to known population totals (for Foster:
counts of SMEs from the registry), as R's ``postStratify`` and ``rake``, with the variance
adjustment R's ``svyrecvar`` makes for them.

* ``poststratify``: each respondent's weight times ``N_g / Ŵ_g`` of its group. The influence
  values are then centred within groups: ``z − ψ_g w_new`` with
  ``ψ_g = Σ_g z w_old / w_new ÷ Σ_g w_old``.
* ``rake``: post-stratify on each margin in turn, repeated until no cell of the margins' joint
  weighted table moves by ``epsilon`` or more (R's default 1, in weight units; an ``epsilon``
  below 1 is relative to the total weight) or ``max_iterations`` passes (10) are done. The
  variance adjustment centres the influence values on each margin in turn, ten times, with the
  weights after that margin's step of the last pass (as R does).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np

from foster.engines.survey.design import (
    Calibration,
    DesignError,
    DesignProblem,
    FloatArray,
    IndexArray,
    PostStratification,
    Raking,
    SurveyDesign,
)

RAKING_VARIANCE_PASSES = 10


def _group_codes(groups: Sequence[str], totals: Mapping[str, float], name: str) -> tuple[IndexArray, FloatArray]:
    labels = [str(group) for group in groups]
    known = sorted(str(key) for key in totals)
    index = {label: code for code, label in enumerate(known)}
    problems: list[DesignProblem] = []
    unknown = sorted(set(labels) - set(index))
    if unknown:
        problems.append(
            DesignProblem(
                "group_without_total",
                {"margin": name, "groups": tuple(unknown[:20])},
                f"{name}: no population total for {', '.join(unknown[:20])}.",
            )
        )
    sampled = set(labels)
    empty = [label for label in known if label not in sampled and float(totals[label]) > 0]
    if empty:
        problems.append(
            DesignProblem(
                "group_without_respondents",
                {"margin": name, "groups": tuple(empty[:20])},
                f"{name}: no respondent in {', '.join(empty[:20])}, which has a population total; "
                "merge it with a neighbouring group.",
            )
        )
    not_positive = [label for label in known if label in sampled and not float(totals[label]) > 0]
    if not_positive:
        problems.append(
            DesignProblem(
                "total_not_positive",
                {"margin": name, "groups": tuple(not_positive[:20])},
                f"{name}: the population total of {', '.join(not_positive[:20])} must be positive.",
            )
        )
    if problems:
        raise DesignError(problems)
    codes = np.fromiter((index[label] for label in labels), dtype=np.intp, count=len(labels))
    return codes, np.asarray([float(totals[label]) for label in known], dtype=np.float64)


def _poststratified_weights(weights: FloatArray, codes: IndexArray, totals: FloatArray) -> FloatArray:
    sample_totals = np.bincount(codes, weights=weights, minlength=totals.shape[0])
    factors = np.divide(totals, sample_totals, out=np.ones_like(totals), where=sample_totals > 0)
    result: FloatArray = weights * factors[codes]
    return result


def poststratify(design: SurveyDesign, groups: Sequence[str], totals: Mapping[str, float]) -> SurveyDesign:
    """The design with weights post-stratified to ``totals`` (population count per group label);
    ``groups`` gives each respondent's group. Raises DesignError naming groups without a total or
    without respondents."""
    codes, population = _group_codes(groups, totals, "Post-strata")
    new_weights = _poststratified_weights(design.weights, codes, population)
    step = PostStratification(groups=codes, old_weights=design.weights, new_weights=new_weights)
    return replace(design, weights=new_weights, calibration=(*design.calibration, step))


def rake(
    design: SurveyDesign,
    margins: Sequence[tuple[Sequence[str], Mapping[str, float]]],
    *,
    max_iterations: int = 10,
    epsilon: float = 1.0,
) -> SurveyDesign:
    """The design with weights raked to each margin's totals: ``margins`` are (group label per
    respondent, population count per label). Raises DesignError as ``poststratify``."""
    coded = [_group_codes(groups, totals, f"Margin {number}") for number, (groups, totals) in enumerate(margins, 1)]
    weights = design.weights
    tolerance = epsilon * float(weights.sum()) if epsilon < 1 else epsilon
    joint = np.zeros(design.n, dtype=np.intp)
    for codes, population in coded:
        joint = joint * population.shape[0] + codes
    _cells, joint = np.unique(joint, return_inverse=True)
    joint = joint.reshape(-1)
    previous = np.bincount(joint, weights=weights)
    last_pass: list[tuple[IndexArray, FloatArray]] = []
    for _iteration in range(max_iterations):
        last_pass = []
        for codes, population in coded:
            weights = _poststratified_weights(weights, codes, population)
            last_pass.append((codes, weights))
        current = np.bincount(joint, weights=weights)
        if float(np.max(np.abs(previous - current))) < tolerance:
            break
        previous = current
    step: Calibration = Raking(margins=tuple(last_pass))
    return replace(design, weights=weights, calibration=(*design.calibration, step))


def calibrated_influence(design: SurveyDesign, z: FloatArray) -> FloatArray:
    """Influence values ``z`` adjusted for the design's post-stratification and raking (R's
    ``svyrecvar`` before the strata sums)."""
    for step in design.calibration:
        if isinstance(step, PostStratification):
            size = int(step.groups.max()) + 1
            sums = np.bincount(step.groups, weights=z * step.old_weights / step.new_weights, minlength=size)
            old = np.bincount(step.groups, weights=step.old_weights, minlength=size)
            z = z - (sums / old)[step.groups] * step.new_weights
        else:
            for _pass in range(RAKING_VARIANCE_PASSES):
                for codes, margin_weights in step.margins:
                    size = int(codes.max()) + 1
                    means = np.bincount(codes, weights=z / margin_weights, minlength=size) / np.bincount(
                        codes, minlength=size
                    )
                    z = z - margin_weights * means[codes]
    return z
