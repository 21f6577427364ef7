"""Inputs of the selection engine, their checks, and their translation into a sparse linear model.

Everything outside this module speaks in candidate ids and constraint names; the solver speaks in
column and row indices. ``compile_problem`` is the one place that maps between the two. Columns are
the candidates sorted by id, so the order of the candidates in the input never changes the result.

``problem_errors`` checks a well-typed ``SelectionProblem`` for mistakes of meaning (an unknown id,
a cost no candidate has, min above max) and names each bad element the way the problem file does
(``constraints[3] (regional minimum Busan): ...``); ``compile_problem`` refuses a problem with
any of them (``ValueError``). The JSON reader (``serialization``) checks the shapes first and then
calls the same function, so the file and the Python API give the same messages.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import numpy.typing as npt

AttributeValue = str | tuple[str, ...]
FloatArray = npt.NDArray[np.float64]
IndexArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


class ConstraintType(StrEnum):
    SUM = "sum"
    COUNT = "count"
    SHARE = "share"
    GROUP_SUM = "group_sum"


class Decision(StrEnum):
    IN = "in"
    OUT = "out"


@dataclass(frozen=True, slots=True)
class Candidate:
    """One application to select or not.

    ``costs`` maps a cost name (``"amount_krw"``) to this candidate's amount; a cost it does not give
    counts as 0. ``attributes`` maps an attribute name to one value or several (a company in two
    sectors). ``spread`` is the uncertainty of ``value`` (e.g. the spread of its reviewers' scores);
    with a lottery, candidates within it of the funding line are tied.
    """

    id: str
    value: float
    costs: Mapping[str, float] = field(default_factory=dict)
    attributes: Mapping[str, AttributeValue] = field(default_factory=dict)
    spread: float | None = None


@dataclass(frozen=True, slots=True)
class Constraint:
    """One rule of the portfolio; ``docs/selection.md`` gives the meaning of each type.

    ``where`` maps an attribute to the values that match; a candidate matches when, for every
    attribute named, its value (or one of its values) is listed. ``existing`` (``group_sum`` only)
    is what each group already has outside this selection, e.g. a company's exposure in other
    programs; it is subtracted from ``max`` (a group already at or above ``max`` gets nothing more).
    """

    name: str
    type: ConstraintType
    cost: str | None = None
    where: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    min: float | None = None
    max: float | None = None
    group_by: str | None = None
    existing: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Override:
    """A committee decision: candidate ``id`` is locked in or out, for ``reason`` (required)."""

    id: str
    decision: Decision
    reason: str


@dataclass(frozen=True, slots=True)
class Lottery:
    """Draw lots among candidates tied at the funding line.

    A candidate is tied when its value is within its ``spread`` (or, without one, ``tie_band``) of
    the value at which it would sit exactly on the funding line (its LP reduced cost).
    """

    tie_band: float = 0.0


@dataclass(frozen=True, slots=True)
class SensitivitySettings:
    """Which ``sum`` constraint to scale (by default the first ``sum`` with a ``max`` and no ``where``) and how."""

    constraint: str | None = None
    low: float = 0.5
    high: float = 1.5
    points: int = 11


@dataclass(frozen=True)
class SelectionProblem:
    """Select candidates maximising their total value under ``constraints``, locks and overrides.

    ``locked_in`` and ``locked_out`` are standing decisions (ids only); ``overrides`` are committee
    decisions with a reason, whose cost in value the result reports. ``seed`` drives the lottery.
    """

    candidates: Sequence[Candidate]
    constraints: Sequence[Constraint] = ()
    locked_in: Sequence[str] = ()
    locked_out: Sequence[str] = ()
    overrides: Sequence[Override] = ()
    seed: int = 0
    lottery: Lottery | None = None
    sensitivity: SensitivitySettings | None = None


def constraint_label(index: int, constraint: Constraint) -> str:
    """How messages name a constraint: ``constraints[3] (regional minimum Busan)``."""
    return f"constraints[{index}] ({constraint.name})" if constraint.name else f"constraints[{index}]"


def _is_finite_number(value: object) -> bool:
    if type(value) is float:  # the common case first: this runs for every value and cost
        return math.isfinite(value)
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def problem_errors(problem: SelectionProblem) -> list[str]:
    """Every mistake of meaning in ``problem``, each naming the element; empty when it can be solved."""
    errors: list[str] = []
    ids: set[str] = set()
    cost_names: set[str] = set()
    attribute_names: set[str] = set()
    for index, candidate in enumerate(problem.candidates):
        label = f"candidates[{index}] ({candidate.id})"
        if not candidate.id:
            errors.append(f"candidates[{index}]: 'id' must not be empty")
        elif candidate.id in ids:
            errors.append(f"{label}: the id {candidate.id!r} is used by an earlier candidate")
        ids.add(candidate.id)
        if not _is_finite_number(candidate.value):
            errors.append(f"{label}: 'value' must be a finite number")
        for name, amount in candidate.costs.items():
            if not _is_finite_number(amount):
                errors.append(f"{label}: cost {name!r} must be a finite number")
        if candidate.spread is not None and (not _is_finite_number(candidate.spread) or candidate.spread < 0):
            errors.append(f"{label}: 'spread' must be a number of at least 0")
        cost_names.update(candidate.costs)
        attribute_names.update(candidate.attributes)

    names: set[str] = set()
    for index, constraint in enumerate(problem.constraints):
        label = constraint_label(index, constraint)
        if not constraint.name:
            errors.append(f"{label}: 'name' must not be empty")
        elif constraint.name in names:
            errors.append(f"{label}: the name {constraint.name!r} is used by an earlier constraint")
        names.add(constraint.name)
        errors.extend(_constraint_errors(label, constraint, cost_names, attribute_names))

    locks: dict[str, str] = {}
    for field_name, decision_ids in (("locked_in", problem.locked_in), ("locked_out", problem.locked_out)):
        for index, identifier in enumerate(decision_ids):
            if identifier not in ids:
                errors.append(f"{field_name}[{index}]: there is no candidate with id {identifier!r}")
            elif identifier in locks and locks[identifier] != field_name:
                errors.append(f"{field_name}[{index}]: candidate {identifier!r} is also in {locks[identifier]}")
            locks[identifier] = field_name
    overridden: set[str] = set()
    for index, override in enumerate(problem.overrides):
        label = f"overrides[{index}] ({override.id})"
        if override.id not in ids:
            errors.append(f"{label}: there is no candidate with id {override.id!r}")
        if override.id in locks:
            errors.append(f"{label}: candidate {override.id!r} is already in {locks[override.id]}")
        if override.id in overridden:
            errors.append(f"{label}: candidate {override.id!r} has an earlier override")
        overridden.add(override.id)
        if not override.reason.strip():
            errors.append(f"{label}: 'reason' must say why (it is recorded with the decision)")
    if problem.lottery is not None and (
        not _is_finite_number(problem.lottery.tie_band) or problem.lottery.tie_band < 0
    ):
        errors.append("lottery: 'tie_band' must be a number of at least 0")
    if problem.sensitivity is not None:
        errors.extend(_sensitivity_errors(problem))
    return errors


def _constraint_errors(
    label: str, constraint: Constraint, cost_names: set[str], attribute_names: set[str]
) -> list[str]:
    errors: list[str] = []
    kind = constraint.type
    for bound_name, bound in (("min", constraint.min), ("max", constraint.max)):
        if bound is not None and not _is_finite_number(bound):
            errors.append(f"{label}: {bound_name!r} must be a number")
    if constraint.min is None and constraint.max is None:
        errors.append(f"{label}: give 'min', 'max' or both")
    elif constraint.min is not None and constraint.max is not None and constraint.min > constraint.max:
        errors.append(f"{label}: 'min' ({constraint.min:g}) is above 'max' ({constraint.max:g})")
    if kind in (ConstraintType.SUM, ConstraintType.SHARE, ConstraintType.GROUP_SUM):
        if not constraint.cost:
            errors.append(f"{label}: a {kind} constraint needs 'cost'")
        elif constraint.cost not in cost_names:
            errors.append(f"{label}: no candidate has the cost {constraint.cost!r}")
    elif constraint.cost is not None:
        errors.append(f"{label}: a count constraint takes no 'cost'")
    if kind == ConstraintType.SHARE:
        if not constraint.where:
            errors.append(f"{label}: a share constraint needs 'where' (the part whose share is bounded)")
        for bound_name, bound in (("min", constraint.min), ("max", constraint.max)):
            if bound is not None and _is_finite_number(bound) and not 0 <= bound <= 1:
                errors.append(f"{label}: {bound_name!r} of a share must be between 0 and 1")
    if kind == ConstraintType.GROUP_SUM:
        if not constraint.group_by:
            errors.append(f"{label}: a group_sum constraint needs 'group_by' (an attribute)")
        elif constraint.group_by not in attribute_names:
            errors.append(f"{label}: no candidate has the attribute {constraint.group_by!r}")
        if constraint.max is None:
            errors.append(f"{label}: a group_sum constraint needs 'max'")
        if constraint.min is not None:
            errors.append(f"{label}: a group_sum constraint takes no 'min'")
        for group, amount in constraint.existing.items():
            if not _is_finite_number(amount):
                errors.append(f"{label}: existing amount of group {group!r} must be a number")
    else:
        if constraint.group_by is not None:
            errors.append(f"{label}: only a group_sum constraint takes 'group_by'")
        if constraint.existing:
            errors.append(f"{label}: only a group_sum constraint takes 'existing'")
    for attribute, allowed in constraint.where.items():
        if attribute not in attribute_names:
            errors.append(f"{label}: 'where' names the attribute {attribute!r}, which no candidate has")
        if not allowed:
            errors.append(f"{label}: 'where' lists no value for {attribute!r}")
    return errors


def _sensitivity_errors(problem: SelectionProblem) -> list[str]:
    settings = problem.sensitivity
    assert settings is not None
    errors: list[str] = []
    if settings.constraint is not None:
        target = next((c for c in problem.constraints if c.name == settings.constraint), None)
        if target is None:
            errors.append(f"sensitivity: there is no constraint named {settings.constraint!r}")
        elif target.type not in (ConstraintType.SUM, ConstraintType.COUNT, ConstraintType.GROUP_SUM):
            errors.append(f"sensitivity: constraint {settings.constraint!r} is a {target.type}; scale a sum or count")
    if not (
        _is_finite_number(settings.low) and _is_finite_number(settings.high) and 0 <= settings.low <= settings.high
    ):
        errors.append("sensitivity: 'from' and 'to' must be numbers with 0 <= from <= to")
    if not 1 <= settings.points <= 101:
        errors.append("sensitivity: 'points' must be between 1 and 101")
    return errors


@dataclass(frozen=True, eq=False)
class CompiledProblem:
    """The problem as a sparse matrix over columns (candidates sorted by id) and rows.

    The matrix is kept as triplets sorted by column (``entry_row``, ``entry_col``, ``entry_value``)
    with ``column_start`` pointers (the CSC layout HiGHS takes). Row ``i`` belongs to constraint
    ``row_constraint[i]``; a ``group_sum`` has one row per group (``row_group``), a ``share`` one
    row per bound. Group rows that no selection can violate are left out (``dropped_group_rows``
    counts them). ``locked`` is +1 (in), -1 (out) or 0 per column.
    """

    ids: tuple[str, ...]
    values: FloatArray
    spread: FloatArray
    constraints: tuple[Constraint, ...]
    entry_row: IndexArray
    entry_col: IndexArray
    entry_value: FloatArray
    column_start: IndexArray
    row_lower: FloatArray
    row_upper: FloatArray
    row_constraint: IndexArray
    row_group: tuple[str | None, ...]
    costs: Mapping[str, FloatArray]
    locked: npt.NDArray[np.int8]
    lock_reason: Mapping[int, tuple[str, str]]
    override_columns: IndexArray
    dropped_group_rows: int

    @property
    def n(self) -> int:
        return len(self.ids)

    @property
    def m(self) -> int:
        return int(self.row_lower.size)

    def activity(self, x: FloatArray) -> FloatArray:
        """Row activities ``A x``."""
        activity = np.bincount(self.entry_row, weights=self.entry_value * x[self.entry_col], minlength=self.m)
        return activity.astype(np.float64, copy=False)

    def pricing(self, y: FloatArray) -> FloatArray:
        """``A^T y``: what the rows' prices charge each column."""
        charge = np.bincount(self.entry_col, weights=self.entry_value * y[self.entry_row], minlength=self.n)
        return charge.astype(np.float64, copy=False)

    def rows_of(self, constraint_index: int) -> IndexArray:
        return np.flatnonzero(self.row_constraint == constraint_index)

    def row_label(self, row: int) -> str:
        name = self.constraints[int(self.row_constraint[row])].name
        group = self.row_group[row]
        return f"{name} [{group}]" if group is not None else name


class _AttributeIndex:
    """Which columns carry each value of each attribute, built once per attribute named."""

    def __init__(self, candidates: Sequence[Candidate]) -> None:
        self.candidates = candidates
        self.columns: dict[str, dict[str, IndexArray]] = {}

    def of(self, attribute: str) -> dict[str, IndexArray]:
        if attribute not in self.columns:
            raw = [candidate.attributes.get(attribute) for candidate in self.candidates]
            if all(value is None or isinstance(value, str) for value in raw):
                # One value each: sort once with numpy instead of a dictionary of lists.
                present = np.flatnonzero(np.array([value is not None for value in raw], dtype=np.bool_))
                labels = np.array([raw[column] for column in present.tolist()], dtype=np.str_)
                unique, inverse = np.unique(labels, return_inverse=True)
                order = np.argsort(inverse, kind="stable")
                splits = np.split(present[order], np.cumsum(np.bincount(inverse, minlength=unique.size))[:-1])
                self.columns[attribute] = {
                    str(item): np.asarray(columns, dtype=np.int64)
                    for item, columns in zip(unique.tolist(), splits, strict=True)
                }
            else:
                lists: dict[str, list[int]] = {}
                for column, value in enumerate(raw):
                    for item in (value,) if isinstance(value, str) else (value or ()):
                        lists.setdefault(item, []).append(column)
                self.columns[attribute] = {item: np.array(cols, dtype=np.int64) for item, cols in lists.items()}
        return self.columns[attribute]

    def where_mask(self, where: Mapping[str, tuple[str, ...]]) -> BoolArray:
        mask = np.ones(len(self.candidates), dtype=np.bool_)
        for attribute, allowed in where.items():
            matching = np.zeros(len(self.candidates), dtype=np.bool_)
            by_value = self.of(attribute)
            for item in allowed:
                if item in by_value:
                    matching[by_value[item]] = True
            mask &= matching
        return mask


class _RowBuilder:
    def __init__(self) -> None:
        self.rows: list[IndexArray] = []
        self.cols: list[IndexArray] = []
        self.vals: list[FloatArray] = []
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.constraint: list[int] = []
        self.group: list[str | None] = []

    def add(
        self,
        columns: IndexArray,
        coefficients: FloatArray,
        lower: float,
        upper: float,
        constraint: int,
        group: str | None,
    ) -> None:
        keep = coefficients != 0
        row = len(self.lower)
        self.cols.append(columns[keep])
        self.vals.append(coefficients[keep])
        self.rows.append(np.full(int(keep.sum()), row, dtype=np.int64))
        self.lower.append(lower)
        self.upper.append(upper)
        self.constraint.append(constraint)
        self.group.append(group)


def compile_problem(problem: SelectionProblem) -> CompiledProblem:
    """Check ``problem`` and build its linear model; ``ValueError`` naming every bad element."""
    errors = problem_errors(problem)
    if errors:
        raise ValueError("; ".join(errors))
    candidates = sorted(problem.candidates, key=lambda candidate: candidate.id)
    n = len(candidates)
    ids = tuple(candidate.id for candidate in candidates)
    column_of = {identifier: column for column, identifier in enumerate(ids)}
    values = np.array([float(candidate.value) for candidate in candidates], dtype=np.float64)
    spread = np.array(
        [np.nan if candidate.spread is None else float(candidate.spread) for candidate in candidates], dtype=np.float64
    )
    cost_names = sorted({c.cost for c in problem.constraints if c.cost is not None})
    costs = {
        name: np.array([float(candidate.costs.get(name, 0.0)) for candidate in candidates], dtype=np.float64)
        for name in cost_names
    }
    all_columns = np.arange(n, dtype=np.int64)
    attributes = _AttributeIndex(candidates)
    builder = _RowBuilder()
    inf = math.inf
    dropped = 0
    for index, constraint in enumerate(problem.constraints):
        lower = -inf if constraint.min is None else float(constraint.min)
        upper = inf if constraint.max is None else float(constraint.max)
        mask = attributes.where_mask(constraint.where)
        if constraint.type == ConstraintType.COUNT:
            builder.add(all_columns[mask], np.ones(int(mask.sum())), lower, upper, index, None)
        elif constraint.type == ConstraintType.SUM:
            assert constraint.cost is not None
            builder.add(all_columns[mask], costs[constraint.cost][mask], lower, upper, index, None)
        elif constraint.type == ConstraintType.SHARE:
            # share >= s  <=>  sum(cost over where) - s * sum(cost over all) >= 0 (and <= for a max).
            assert constraint.cost is not None
            cost = costs[constraint.cost]
            for bound, row_lower, row_upper in ((constraint.min, 0.0, inf), (constraint.max, -inf, 0.0)):
                if bound is not None:
                    builder.add(all_columns, cost * (mask - float(bound)), row_lower, row_upper, index, None)
        else:
            assert constraint.cost is not None and constraint.group_by is not None
            cost = costs[constraint.cost]
            members = attributes.of(constraint.group_by)
            groups = sorted(members)
            # Most groups (companies) can never reach their maximum: find those in bulk and leave
            # their rows out; one row per company would otherwise make tens of thousands of rows.
            sizes = np.array([members[group].size for group in groups], dtype=np.int64)
            flat = np.concatenate([members[group] for group in groups]) if groups else np.zeros(0, dtype=np.int64)
            owner = np.repeat(np.arange(len(groups)), sizes)
            weights = np.where(mask[flat], np.maximum(cost[flat], 0.0), 0.0)
            reachable = np.bincount(owner, weights=weights, minlength=len(groups))
            existing = np.array([float(constraint.existing.get(group, 0.0)) for group in groups])
            # A group already at or above its maximum can get nothing more (not: nothing is feasible).
            rooms = np.maximum(0.0, upper - existing)
            counts = np.bincount(owner, weights=mask[flat].astype(np.float64), minlength=len(groups))
            needed = (reachable > rooms) & (counts > 0)
            dropped += int(np.count_nonzero(~needed & (counts > 0)))
            for position in np.flatnonzero(needed).tolist():
                group = groups[position]
                columns = members[group][mask[members[group]]]
                builder.add(columns, cost[columns], -inf, float(rooms[position]), index, group)

    locked = np.zeros(n, dtype=np.int8)
    lock_reason: dict[int, tuple[str, str]] = {}
    for identifier in problem.locked_in:
        locked[column_of[identifier]] = 1
        lock_reason[column_of[identifier]] = ("locked_in", "")
    for identifier in problem.locked_out:
        locked[column_of[identifier]] = -1
        lock_reason[column_of[identifier]] = ("locked_out", "")
    override_columns = []
    for override in problem.overrides:
        column = column_of[override.id]
        locked[column] = 1 if override.decision == Decision.IN else -1
        lock_reason[column] = ("override_in" if override.decision == Decision.IN else "override_out", override.reason)
        override_columns.append(column)

    if builder.rows:
        entry_row = np.concatenate(builder.rows)
        entry_col = np.concatenate(builder.cols)
        entry_value = np.concatenate(builder.vals)
    else:
        entry_row = np.zeros(0, dtype=np.int64)
        entry_col = np.zeros(0, dtype=np.int64)
        entry_value = np.zeros(0, dtype=np.float64)
    order = np.lexsort((entry_row, entry_col))
    entry_row, entry_col, entry_value = entry_row[order], entry_col[order], entry_value[order]
    column_start = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(entry_col, minlength=n), out=column_start[1:])
    return CompiledProblem(
        ids=ids,
        values=values,
        spread=spread,
        constraints=tuple(problem.constraints),
        entry_row=entry_row,
        entry_col=entry_col,
        entry_value=entry_value,
        column_start=column_start,
        row_lower=np.array(builder.lower, dtype=np.float64),
        row_upper=np.array(builder.upper, dtype=np.float64),
        row_constraint=np.array(builder.constraint, dtype=np.int64),
        row_group=tuple(builder.group),
        costs=costs,
        locked=locked,
        lock_reason=lock_reason,
        override_columns=np.array(sorted(override_columns), dtype=np.int64),
        dropped_group_rows=dropped,
    )
