"""Outputs of the reviewer assignment engine."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from foster.engines.assignment.problem import CompiledProblem, Identifier, IndexArray

ParamValue = int | float | str | tuple[Identifier, ...]


class AssignmentStatus(StrEnum):
    OPTIMAL = "optimal"
    INFEASIBLE = "infeasible"


class IssueCode(StrEnum):
    """Stable reason codes of an infeasibility diagnosis; the Django layer translates them."""

    TOTAL_CAPACITY_BELOW_DEMAND = "total_capacity_below_demand"
    PINNED_PAIR_CONFLICTS = "pinned_pair_conflicts"
    PINNED_PAIR_FORBIDDEN = "pinned_pair_forbidden"
    PINS_EXCEED_K = "pins_exceed_k"
    PINS_EXCEED_REVIEWER_LOAD = "pins_exceed_reviewer_load"
    TOO_FEW_AVAILABLE_REVIEWERS = "too_few_available_reviewers"
    REVIEWER_GROUP_EXHAUSTED = "reviewer_group_exhausted"


@dataclass(frozen=True, slots=True)
class AssignmentPair:
    application_id: Identifier
    reviewer_id: Identifier
    fit: float
    is_pinned: bool


@dataclass(frozen=True, slots=True)
class CoverageIssue:
    """One reason why some applications cannot get k reviewers.

    ``params`` holds what a translated sentence needs (counts, ids); ``message`` is the English
    sentence, for logs and for callers that do not translate.
    """

    code: IssueCode
    application_ids: tuple[Identifier, ...]
    reviewer_ids: tuple[Identifier, ...]
    params: dict[str, ParamValue]
    message: str


@dataclass(frozen=True, slots=True)
class InfeasibilityDiagnosis:
    """Why the constraints cannot all be met.

    ``reviews_required`` is k × applications; ``reviews_possible`` is the most review slots any
    assignment can fill under the same constraints (a maximum flow), when the pins allow computing
    it, else ``None``.
    """

    issues: tuple[CoverageIssue, ...]
    reviews_required: int
    reviews_possible: int | None

    @property
    def application_ids(self) -> tuple[Identifier, ...]:
        """Every application named by some issue, each once, in order of first mention."""
        return tuple(dict.fromkeys(app for issue in self.issues for app in issue.application_ids))


@dataclass(frozen=True, slots=True)
class IterationRecord:
    """One solve of the restricted LP: its fit (pins excluded), its shortfall, the pairs priced in after it."""

    fit: float
    shortfall: float
    restricted_pairs: int
    pairs_added: int


@dataclass(frozen=True, slots=True)
class AssignmentResult:
    """The optimal assignment, or a diagnosis of why there is none.

    ``iterations`` counts solves of the restricted LP; ``restricted_pairs`` is how many of the
    ``candidate_pairs`` (assignable pairs) the LP ever held. ``lp_objective`` is the LP optimum in
    fit units (pins included), equal to ``total_fit`` up to rounding when ``used_mip_fallback`` is
    false.
    """

    status: AssignmentStatus
    pairs: tuple[AssignmentPair, ...]
    total_fit: float
    lp_objective: float | None
    iterations: int
    restricted_pairs: int
    candidate_pairs: int
    used_mip_fallback: bool
    history: tuple[IterationRecord, ...]
    diagnosis: InfeasibilityDiagnosis | None


@dataclass(frozen=True, slots=True)
class GreedyResult:
    """The greedy baseline's assignment; ``uncovered`` maps application id to reviewers still missing."""

    pairs: tuple[AssignmentPair, ...]
    total_fit: float
    uncovered: tuple[tuple[Identifier, int], ...]

    @property
    def is_complete(self) -> bool:
        return not self.uncovered


def build_pairs(
    problem: CompiledProblem, rows: IndexArray, cols: IndexArray, pinned_rows: IndexArray, pinned_cols: IndexArray
) -> tuple[tuple[AssignmentPair, ...], float]:
    """Chosen and pinned pairs as ``AssignmentPair``s in input order, with their total fit."""
    all_rows = np.concatenate([rows, pinned_rows])
    all_cols = np.concatenate([cols, pinned_cols])
    is_pinned = np.concatenate([np.zeros(rows.size, dtype=np.bool_), np.ones(pinned_rows.size, dtype=np.bool_)])
    order = np.lexsort((all_cols, all_rows))
    all_rows, all_cols, is_pinned = all_rows[order], all_cols[order], is_pinned[order]
    fits = problem.pair_fit(all_rows, all_cols)
    application_ids, reviewer_ids = problem.application_ids, problem.reviewer_ids
    pairs = tuple(
        AssignmentPair(application_ids[row], reviewer_ids[col], fit, pin)
        for row, col, fit, pin in zip(
            all_rows.tolist(), all_cols.tolist(), fits.tolist(), is_pinned.tolist(), strict=True
        )
    )
    return pairs, float(fits.sum())
