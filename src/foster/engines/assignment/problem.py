"""Inputs of the reviewer assignment engine, and their translation into index arrays.

Everything outside this module speaks in the caller's identifiers (application and reviewer ids);
everything inside the solver speaks in row and column indices of the fit matrix. ``compile_problem``
is the one place that maps between the two and rejects malformed input with ``ValueError``.
Infeasible-but-well-formed input (a pin on a conflicted pair, too little load) is not an error: the
solver reports it as a diagnosis.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

Identifier = int | str
"""An application or reviewer id as the caller knows it (a primary key, a UUID string)."""

Pair = tuple[Identifier, Identifier]
"""An (application id, reviewer id) pair."""

FloatMatrix = npt.NDArray[np.float32] | npt.NDArray[np.float64]
IndexArray = npt.NDArray[np.int64]
BoolMatrix = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class Application:
    """An application that needs reviewers."""

    id: Identifier


@dataclass(frozen=True, slots=True)
class Reviewer:
    """A reviewer who may take at most ``load_limit`` applications."""

    id: Identifier
    load_limit: int


@dataclass(frozen=True, eq=False)
class SparseFit:
    """Fit scores given only for some pairs; every other pair has fit ``default`` and stays assignable.

    ``application_index`` and ``reviewer_index`` are positions in the problem's ``applications`` and
    ``reviewers`` sequences, not ids: the caller builds them in bulk from rows.
    """

    application_index: npt.NDArray[np.integer]
    reviewer_index: npt.NDArray[np.integer]
    score: npt.NDArray[np.floating]
    default: float = 0.0


@dataclass(frozen=True, eq=False)
class AssignmentProblem:
    """Give every application exactly ``reviewers_per_application`` reviewers, maximising total fit.

    ``fit`` is either a dense matrix of shape (len(applications), len(reviewers)), rows and columns
    in the order of the two sequences, or a ``SparseFit``. Higher fit is better; any finite value is
    allowed. ``conflicts`` and ``forbidden`` pairs are never assigned (they are kept apart only so
    that a diagnosis can say which one blocked a pair); ``pinned`` pairs are always assigned.
    """

    applications: Sequence[Application]
    reviewers: Sequence[Reviewer]
    fit: FloatMatrix | SparseFit
    reviewers_per_application: int
    conflicts: Collection[Pair] = ()
    pinned: Collection[Pair] = ()
    forbidden: Collection[Pair] = ()


@dataclass(frozen=True, eq=False)
class CompiledProblem:
    """The problem as index arrays, shared by the solver, the greedy baseline and the diagnosis.

    ``allowed[i, j]`` is true when pair (i, j) may still be chosen: it is not a conflict, not
    forbidden, not pinned (pins are already counted), application i still needs reviewers and
    reviewer j still has load. ``demand`` and ``capacity`` are what remains after the pins.
    """

    application_ids: tuple[Identifier, ...]
    reviewer_ids: tuple[Identifier, ...]
    k: int
    load_limit: npt.NDArray[np.int64]
    fit: FloatMatrix
    conflict: tuple[IndexArray, IndexArray]
    forbidden: tuple[IndexArray, IndexArray]
    pinned: tuple[IndexArray, IndexArray]
    pins_per_application: npt.NDArray[np.int64]
    pins_per_reviewer: npt.NDArray[np.int64]
    demand: npt.NDArray[np.int64]
    capacity: npt.NDArray[np.int64]
    allowed: BoolMatrix = field(repr=False)

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.application_ids), len(self.reviewer_ids)

    @property
    def pins_are_consistent(self) -> bool:
        """Pins avoid conflicts and forbidden pairs and fit within k and every load limit."""
        if np.any(self.demand < 0) or np.any(self.capacity < 0):
            return False
        return not bool(self.blocked()[self.pinned].any())

    def pair_mask(self, *pair_sets: tuple[IndexArray, IndexArray]) -> BoolMatrix:
        """An applications × reviewers matrix, true on every pair of ``pair_sets``."""
        mask = np.zeros(self.shape, dtype=np.bool_)
        for pairs in pair_sets:
            mask[pairs] = True
        return mask

    def blocked(self) -> BoolMatrix:
        """True on the pairs that may never be assigned: conflicts and forbidden pairs."""
        return self.pair_mask(self.conflict, self.forbidden)

    def pair_fit(self, rows: IndexArray, cols: IndexArray) -> npt.NDArray[np.float64]:
        return np.asarray(self.fit[rows, cols], dtype=np.float64)


def _index_of(ids: Sequence[Identifier], kind: str) -> dict[Identifier, int]:
    index: dict[Identifier, int] = {}
    for position, identifier in enumerate(ids):
        if identifier in index:
            raise ValueError(f"duplicate {kind} id {identifier!r}")
        index[identifier] = position
    return index


def _pairs_to_indices(
    pairs: Collection[Pair],
    application_index: dict[Identifier, int],
    reviewer_index: dict[Identifier, int],
    kind: str,
    shape: tuple[int, int],
) -> tuple[IndexArray, IndexArray]:
    try:
        rows = np.fromiter((application_index[pair[0]] for pair in pairs), dtype=np.int64, count=len(pairs))
    except KeyError as error:
        raise ValueError(f"{kind} pair names unknown application {error.args[0]!r}") from None
    try:
        cols = np.fromiter((reviewer_index[pair[1]] for pair in pairs), dtype=np.int64, count=len(pairs))
    except KeyError as error:
        raise ValueError(f"{kind} pair names unknown reviewer {error.args[0]!r}") from None
    # Duplicates are harmless; remove them so that counts (pins per reviewer) are right.
    linear = np.unique(rows * shape[1] + cols)
    return linear // shape[1], linear % shape[1]


def _dense_fit(fit: FloatMatrix | SparseFit, shape: tuple[int, int]) -> FloatMatrix:
    if isinstance(fit, SparseFit):
        rows = np.asarray(fit.application_index, dtype=np.int64)
        cols = np.asarray(fit.reviewer_index, dtype=np.int64)
        scores = np.asarray(fit.score, dtype=np.float64)
        if not (rows.shape == cols.shape == scores.shape) or rows.ndim != 1:
            raise ValueError("sparse fit arrays must be one-dimensional and of equal length")
        if rows.size and (rows.min() < 0 or rows.max() >= shape[0] or cols.min() < 0 or cols.max() >= shape[1]):
            raise ValueError("sparse fit index out of range")
        if np.unique(rows * shape[1] + cols).size != rows.size:
            raise ValueError("sparse fit gives a pair more than once")
        dense = np.full(shape, float(fit.default), dtype=np.float64)
        dense[rows, cols] = scores
        fit_matrix: FloatMatrix = dense
    else:
        if fit.shape != shape:
            raise ValueError(f"fit matrix has shape {fit.shape}, expected {shape} (applications × reviewers)")
        if fit.dtype in (np.float32, np.float64):
            fit_matrix = fit  # used as given, no copy: at 10M pairs a copy costs 40-80 MB
        elif np.issubdtype(fit.dtype, np.integer) or np.issubdtype(fit.dtype, np.floating):
            fit_matrix = fit.astype(np.float64)
        else:
            raise ValueError(f"fit matrix must be numeric, got dtype {fit.dtype}")
    if not np.isfinite(fit_matrix).all():
        raise ValueError("fit scores must be finite")
    return fit_matrix


def compile_problem(problem: AssignmentProblem) -> CompiledProblem:
    """Check the problem and translate it to index arrays; ``ValueError`` on malformed input."""
    k = problem.reviewers_per_application
    if k < 0:
        raise ValueError("reviewers_per_application must not be negative")
    application_ids = tuple(application.id for application in problem.applications)
    reviewer_ids = tuple(reviewer.id for reviewer in problem.reviewers)
    application_index = _index_of(application_ids, "application")
    reviewer_index = _index_of(reviewer_ids, "reviewer")
    load_limit = np.array([reviewer.load_limit for reviewer in problem.reviewers], dtype=np.int64)
    if np.any(load_limit < 0):
        raise ValueError("load limits must not be negative")
    shape = (len(application_ids), len(reviewer_ids))
    fit = _dense_fit(problem.fit, shape)

    conflict = _pairs_to_indices(problem.conflicts, application_index, reviewer_index, "conflict", shape)
    forbidden = _pairs_to_indices(problem.forbidden, application_index, reviewer_index, "forbidden", shape)
    pinned = _pairs_to_indices(problem.pinned, application_index, reviewer_index, "pinned", shape)
    pins_per_application = np.bincount(pinned[0], minlength=shape[0]).astype(np.int64)
    pins_per_reviewer = np.bincount(pinned[1], minlength=shape[1]).astype(np.int64)
    demand = k - pins_per_application
    capacity = load_limit - pins_per_reviewer

    allowed = np.ones(shape, dtype=np.bool_)
    allowed[conflict] = False
    allowed[forbidden] = False
    allowed[pinned] = False
    allowed[demand <= 0, :] = False
    allowed[:, capacity <= 0] = False
    return CompiledProblem(
        application_ids=application_ids,
        reviewer_ids=reviewer_ids,
        k=k,
        load_limit=load_limit,
        fit=fit,
        conflict=conflict,
        forbidden=forbidden,
        pinned=pinned,
        pins_per_application=pins_per_application,
        pins_per_reviewer=pins_per_reviewer,
        demand=demand,
        capacity=capacity,
        allowed=allowed,
    )
