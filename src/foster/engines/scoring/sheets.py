"""Score sheets, raw summaries and per-reviewer standardisation.

Spreads use the population standard deviation (divide by n), so one score has spread 0 rather
than an undefined one.

Standardisation puts every reviewer on the same scale: each score becomes a z-score against its
reviewer's own mean and standard deviation, rescaled to the mean and standard deviation of all
scores, so a harsh reviewer's 60 and a lenient reviewer's 85 can both become the same 74. Two cases
have no scale to standardise against, and are handled as follows (see ``ReviewerMethod``):

- a reviewer whose scores are all equal (at least two, zero spread) expressed no preference: every
  score becomes the overall mean (z = 0);
- a reviewer with a single score: nothing says whether it is harsh or lenient, and mapping it to the
  overall mean would erase the only judgement that reviewer gave, so it is kept as is and marked
  as not standardised.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from foster.engines.scoring.rubric import Rubric

Identifier = int | str


@dataclass(frozen=True, slots=True)
class ScoreSheet:
    """One reviewer's evaluation of one application: either a ``total`` or per-criterion scores.

    Criterion scores are aggregated with the rubric to 0–100; a total is taken as given, on
    whatever scale the call uses (do not mix the two kinds in one call). Recused reviewers have
    no sheet.
    """

    application_id: Identifier
    reviewer_id: Identifier
    total: float | None = None
    criteria: Mapping[str, float] | None = field(default=None, hash=False)


@dataclass(frozen=True, slots=True)
class Spread:
    """Mean, population standard deviation, minimum, maximum and number of scores."""

    mean: float
    std: float
    minimum: float
    maximum: float
    count: int


class ReviewerMethod(StrEnum):
    Z_SCORE = "z_score"
    NO_SPREAD = "no_spread"
    SINGLE_SCORE = "single_score"


@dataclass(frozen=True, slots=True)
class ReviewerScale:
    reviewer_id: Identifier
    mean: float
    std: float
    count: int
    method: ReviewerMethod


@dataclass(frozen=True, slots=True)
class StandardisedScore:
    application_id: Identifier
    reviewer_id: Identifier
    raw: float
    standardised: float
    is_standardised: bool


@dataclass(frozen=True, slots=True)
class Standardisation:
    """Per-reviewer standardisation of every sheet, and per-application spreads of the results."""

    overall_mean: float
    overall_std: float
    scores: tuple[StandardisedScore, ...]
    reviewers: tuple[ReviewerScale, ...]
    applications: Mapping[Identifier, Spread]


@dataclass(frozen=True, slots=True)
class Scores:
    """Sheets as parallel arrays: application and reviewer positions, score; ids in first-seen order."""

    application_ids: tuple[Identifier, ...]
    reviewer_ids: tuple[Identifier, ...]
    application: npt.NDArray[np.int64]
    reviewer: npt.NDArray[np.int64]
    value: npt.NDArray[np.float64]


def sheet_score(sheet: ScoreSheet, rubric: Rubric | None) -> float:
    """The sheet's score: its total, or its criterion scores aggregated by ``rubric`` (0–100)."""
    if (sheet.total is None) == (sheet.criteria is None):
        raise ValueError(
            f"sheet ({sheet.application_id!r}, {sheet.reviewer_id!r}) needs either a total or criterion scores"
        )
    if sheet.total is not None:
        if not math.isfinite(sheet.total):
            raise ValueError(f"sheet ({sheet.application_id!r}, {sheet.reviewer_id!r}) has a non-finite total")
        return float(sheet.total)
    if rubric is None:
        raise ValueError("criterion scores need a rubric")
    assert sheet.criteria is not None
    return rubric.aggregate(sheet.criteria)


def collect(sheets: Sequence[ScoreSheet], rubric: Rubric | None = None) -> Scores:
    """Resolve every sheet to one score and index applications and reviewers; one sheet per pair."""
    application_index: dict[Identifier, int] = {}
    reviewer_index: dict[Identifier, int] = {}
    seen: set[tuple[Identifier, Identifier]] = set()
    applications, reviewers, values = [], [], []
    for sheet in sheets:
        pair = (sheet.application_id, sheet.reviewer_id)
        if pair in seen:
            raise ValueError(f"more than one sheet for application {pair[0]!r} and reviewer {pair[1]!r}")
        seen.add(pair)
        applications.append(application_index.setdefault(sheet.application_id, len(application_index)))
        reviewers.append(reviewer_index.setdefault(sheet.reviewer_id, len(reviewer_index)))
        values.append(sheet_score(sheet, rubric))
    return Scores(
        application_ids=tuple(application_index),
        reviewer_ids=tuple(reviewer_index),
        application=np.array(applications, dtype=np.int64),
        reviewer=np.array(reviewers, dtype=np.int64),
        value=np.array(values, dtype=np.float64),
    )


def _spreads(groups: npt.NDArray[np.int64], values: npt.NDArray[np.float64], count: int) -> list[Spread]:
    sizes = np.bincount(groups, minlength=count)
    means = np.bincount(groups, weights=values, minlength=count) / np.maximum(sizes, 1)
    squares = np.bincount(groups, weights=(values - means[groups]) ** 2, minlength=count)
    stds = np.sqrt(squares / np.maximum(sizes, 1))
    minimums = np.full(count, np.inf)
    maximums = np.full(count, -np.inf)
    np.minimum.at(minimums, groups, values)
    np.maximum.at(maximums, groups, values)
    return [
        Spread(float(mean), float(std), float(low), float(high), int(size))
        for mean, std, low, high, size in zip(means, stds, minimums, maximums, sizes, strict=True)
    ]


def raw_summary(sheets: Sequence[ScoreSheet], rubric: Rubric | None = None) -> dict[Identifier, Spread]:
    """Per application: mean of its raw scores and their spread."""
    return summarise_raw(collect(sheets, rubric))


def summarise_raw(scores: Scores) -> dict[Identifier, Spread]:
    """``raw_summary`` of sheets already collected."""
    spreads = _spreads(scores.application, scores.value, len(scores.application_ids))
    return dict(zip(scores.application_ids, spreads, strict=True))


def standardise(sheets: Sequence[ScoreSheet], rubric: Rubric | None = None) -> Standardisation:
    """Per-reviewer z-scores rescaled to the overall mean and standard deviation (module docstring)."""
    return standardise_scores(collect(sheets, rubric))


def standardise_scores(scores: Scores) -> Standardisation:
    """``standardise`` of sheets already collected."""
    if scores.value.size == 0:
        return Standardisation(0.0, 0.0, (), (), {})
    overall_mean = float(scores.value.mean())
    overall_std = float(scores.value.std())
    reviewer_spreads = _spreads(scores.reviewer, scores.value, len(scores.reviewer_ids))
    reviewers: list[ReviewerScale] = []
    for reviewer_id, spread in zip(scores.reviewer_ids, reviewer_spreads, strict=True):
        if spread.count == 1:
            method = ReviewerMethod.SINGLE_SCORE
        elif spread.std == 0.0:
            method = ReviewerMethod.NO_SPREAD
        else:
            method = ReviewerMethod.Z_SCORE
        reviewers.append(ReviewerScale(reviewer_id, spread.mean, spread.std, spread.count, method))

    standardised = np.empty_like(scores.value)
    is_standardised = np.ones(scores.value.size, dtype=np.bool_)
    for position, (reviewer, value) in enumerate(zip(scores.reviewer.tolist(), scores.value.tolist(), strict=True)):
        scale = reviewers[reviewer]
        if scale.method is ReviewerMethod.Z_SCORE:
            standardised[position] = overall_mean + overall_std * (value - scale.mean) / scale.std
        elif scale.method is ReviewerMethod.NO_SPREAD:
            standardised[position] = overall_mean
        else:
            standardised[position] = value
            is_standardised[position] = False

    application_spreads = _spreads(scores.application, standardised, len(scores.application_ids))
    return Standardisation(
        overall_mean=overall_mean,
        overall_std=overall_std,
        scores=tuple(
            StandardisedScore(scores.application_ids[application], scores.reviewer_ids[reviewer], raw, value, flag)
            for application, reviewer, raw, value, flag in zip(
                scores.application.tolist(),
                scores.reviewer.tolist(),
                scores.value.tolist(),
                standardised.tolist(),
                is_standardised.tolist(),
                strict=True,
            )
        ),
        reviewers=tuple(reviewers),
        applications=dict(zip(scores.application_ids, application_spreads, strict=True)),
    )
