"""Everything a call's results page shows, computed in one pass: raw, standardised, adjusted, ranked."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from foster.engines.scoring.additive import AdditiveModel, fit_additive_scores
from foster.engines.scoring.ranking import CallRanking, rank_by_call
from foster.engines.scoring.rubric import Rubric
from foster.engines.scoring.sheets import (
    Identifier,
    ReviewerScale,
    ScoreSheet,
    Spread,
    Standardisation,
    collect,
    standardise_scores,
    summarise_raw,
)


class ScoreBasis(StrEnum):
    """Which score the ranking uses."""

    RAW = "raw"
    STANDARDISED = "standardised"
    ADJUSTED = "adjusted"


@dataclass(frozen=True, slots=True)
class ApplicationScores:
    application_id: Identifier
    raw: Spread
    standardised: Spread
    adjusted: float


@dataclass(frozen=True, slots=True)
class ReviewerScores:
    reviewer_id: Identifier
    leniency: float
    scale: ReviewerScale


@dataclass(frozen=True, slots=True)
class ScoringReport:
    basis: ScoreBasis
    applications: tuple[ApplicationScores, ...]
    reviewers: tuple[ReviewerScores, ...]
    rankings: Mapping[Identifier, CallRanking]
    standardisation: Standardisation
    model: AdditiveModel


def score_report(
    sheets: Sequence[ScoreSheet],
    *,
    call_of: Mapping[Any, Identifier],
    rubric: Rubric | None = None,
    basis: ScoreBasis = ScoreBasis.ADJUSTED,
    decimals: int = 6,
) -> ScoringReport:
    """Raw spreads, standardised spreads, additive-model scores and per-call rankings on ``basis``.

    ``call_of`` maps application id to call id (see ``rank_by_call`` for its key type).
    """
    scores = collect(sheets, rubric)  # each sheet resolved (and its rubric applied) once, for all three
    raw = summarise_raw(scores)
    standardisation = standardise_scores(scores)
    model = fit_additive_scores(scores)
    applications = tuple(
        ApplicationScores(
            application_id, spread, standardisation.applications[application_id], model.adjusted[application_id]
        )
        for application_id, spread in raw.items()
    )
    reviewers = tuple(
        ReviewerScores(scale.reviewer_id, model.leniency[scale.reviewer_id], scale)
        for scale in standardisation.reviewers
    )
    if basis is ScoreBasis.RAW:
        ranked = {entry.application_id: entry.raw.mean for entry in applications}
    elif basis is ScoreBasis.STANDARDISED:
        ranked = {entry.application_id: entry.standardised.mean for entry in applications}
    else:
        ranked = {entry.application_id: entry.adjusted for entry in applications}
    return ScoringReport(
        basis=basis,
        applications=applications,
        reviewers=reviewers,
        rankings=rank_by_call(ranked, call_of, decimals=decimals),
        standardisation=standardisation,
        model=model,
    )
