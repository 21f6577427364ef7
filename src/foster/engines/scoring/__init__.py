"""Review scores: rubric aggregation, spreads, reviewer-bias normalisation and ranking per call.

Every sheet resolves to one number: its total, or its criterion scores put on 0–100 and averaged
with the rubric's weights (``rubric``). From the sheets this package computes, per application:

(a) the raw mean with its spread (population standard deviation, minimum, maximum, count);
(b) per-reviewer standardisation: each score as a z-score against its reviewer's mean and spread,
    rescaled to the overall mean and spread; single-score and zero-spread reviewers are handled as
    documented in ``sheets``;
(c) a fitted additive model, score = application effect + reviewer effect + noise, by least
    squares with reviewer effects summing to zero (per connected group of reviewers), giving each
    application's adjusted score and each reviewer's leniency (``additive``);
(d) a ranking per call with ties reported and not broken (``ranking``).

``score_report`` computes all four for a call's results page; the parts are usable alone.
"""

from foster.engines.scoring.additive import AdditiveModel, fit_additive_model
from foster.engines.scoring.ranking import CallRanking, RankEntry, rank_by_call
from foster.engines.scoring.report import ApplicationScores, ReviewerScores, ScoreBasis, ScoringReport, score_report
from foster.engines.scoring.rubric import Criterion, Rubric
from foster.engines.scoring.sheets import (
    Identifier,
    ReviewerMethod,
    ReviewerScale,
    ScoreSheet,
    Spread,
    Standardisation,
    StandardisedScore,
    raw_summary,
    sheet_score,
    standardise,
)

__all__ = [
    "AdditiveModel",
    "ApplicationScores",
    "CallRanking",
    "Criterion",
    "Identifier",
    "RankEntry",
    "ReviewerMethod",
    "ReviewerScale",
    "ReviewerScores",
    "Rubric",
    "ScoreBasis",
    "ScoreSheet",
    "ScoringReport",
    "Spread",
    "Standardisation",
    "StandardisedScore",
    "fit_additive_model",
    "rank_by_call",
    "raw_summary",
    "score_report",
    "sheet_score",
    "standardise",
]
