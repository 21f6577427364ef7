"""The exact solve: LP relaxation, a Lagrangian bound, reduced-cost fixing and a small core MILP.

The model: binary x_j per candidate, maximise sum v_j x_j subject to L <= A x <= U, locked columns
fixed. HiGHS minimises, so the LP holds costs -v.

1. Solve the LP relaxation with HiGHS (warm from the previous basis when re-solving a variant).
2. From its row duals y (signs clipped to the finite side of each row) every column gets a reduced
   value r_j = v_j - (A^T y)_j, and for every x meeting the rows and locks
       v x <= L(y) - sum_j |r_j| [x_j != xhat_j],   L(y) = y+ U - y- L + sum_j max(r_j, 0),
   where xhat_j = 1 if r_j > 0 else 0. This holds for any sign-correct y (weak duality), so L(y)
   is a proven upper bound computed in numpy, whatever the LP's tolerances.
3. The core: the free columns with the smallest |r_j| (at first max(500, 5 × priced rows), which holds
   the LP's fractional columns, at most one per binding row). The others are fixed at xhat; a small
   MILP over the core is solved by HiGHS with the fixed columns' activity moved into the row bounds.
4. Proof: a portfolio that differs from xhat on a fixed column j is worth at most L - |r_j|, so
   every portfolio is worth at most  max(core MILP bound, L - min over fixed columns of |r_j|).
   If that is within the gap of the core's incumbent, the incumbent is optimal. If not, every column
   with |r_j| <= L - incumbent - gap could still matter: the core grows to them (at most ×4 per
   round) and the MILP is solved again from the incumbent. If the core MILP is infeasible, the core
   grows ×4. In the worst case the core is every column and this is the plain MILP.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field, replace

import highspy
import numpy as np
import numpy.typing as npt

from foster.engines.selection.problem import BoolArray, CompiledProblem, FloatArray, IndexArray
from foster.engines.selection.result import SelectionStatus

EXACT_TOLERANCE = 1e-9
"""Relative gap under which a portfolio counts as exactly optimal (floating-point sums)."""

MINIMUM_CORE = 500
CORE_PER_ROW = 5
FEASIBILITY_TOLERANCE = 1e-6


@dataclass(frozen=True, eq=False)
class Scenario:
    """One variant of the model: column bounds (locks), row bounds and values."""

    column_lower: FloatArray
    column_upper: FloatArray
    row_lower: FloatArray
    row_upper: FloatArray
    values: FloatArray

    def with_column(self, column: int, value: float | None) -> Scenario:
        """The same with ``column`` fixed to ``value`` (0 or 1), or freed when ``value`` is None."""
        lower, upper = self.column_lower.copy(), self.column_upper.copy()
        lower[column], upper[column] = (0.0, 1.0) if value is None else (value, value)
        return replace(self, column_lower=lower, column_upper=upper)

    def with_columns_freed(self, columns: IndexArray) -> Scenario:
        lower, upper = self.column_lower.copy(), self.column_upper.copy()
        lower[columns], upper[columns] = 0.0, 1.0
        return replace(self, column_lower=lower, column_upper=upper)

    def with_rows(self, rows: IndexArray, lower: FloatArray, upper: FloatArray) -> Scenario:
        row_lower, row_upper = self.row_lower.copy(), self.row_upper.copy()
        row_lower[rows], row_upper[rows] = lower, upper
        return replace(self, row_lower=row_lower, row_upper=row_upper)

    def with_rows_relaxed(self, rows: IndexArray) -> Scenario:
        return self.with_rows(rows, np.full(rows.size, -math.inf), np.full(rows.size, math.inf))


@dataclass(eq=False)
class Outcome:
    """The result of one solve of a scenario.

    ``x`` is the portfolio (0/1 floats) when one was found; ``objective`` its total value under the
    scenario's values; ``bound`` the proven upper bound. ``y`` and ``reduced`` come from the LP.
    """

    status: SelectionStatus
    x: FloatArray | None = None
    objective: float | None = None
    bound: float | None = None
    lp_bound: float | None = None
    y: FloatArray | None = None
    reduced: FloatArray | None = None
    core_sizes: list[int] = field(default_factory=list)
    fixed_by_reduced_cost: int = 0
    lp_seconds: float = 0.0
    core_seconds: float = 0.0

    @property
    def is_proven(self) -> bool:
        """Objective and bound agree up to the exact tolerance."""
        if self.objective is None or self.bound is None:
            return False
        return self.bound - self.objective <= EXACT_TOLERANCE * max(1.0, abs(self.objective))


def _new_highs() -> highspy.Highs:
    highs = highspy.Highs()  # type: ignore[no-untyped-call]
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("random_seed", 0)
    return highs


def target_gap(gap: float, objective: float) -> float:
    """The absolute gap allowed for a relative ``gap`` at this objective."""
    return max(gap, EXACT_TOLERANCE) * max(1.0, abs(objective))


MAX_GROUP_MEMBERS = 12
"""Group rows with at most this many members are kept whole in the Lagrangian (2^12 subsets each)."""


@dataclass(frozen=True, eq=False)
class _GroupBlock:
    """Group rows of the same size k, kept as small knapsacks: ``members`` (G × k columns)."""

    rows: IndexArray
    members: IndexArray
    costs: FloatArray
    subsets: npt.NDArray[np.float64]


def _group_blocks(problem: CompiledProblem) -> tuple[list[_GroupBlock], BoolArray]:
    """The group rows (one per company under a cap) that the Lagrangian keeps whole.

    A row qualifies when it is a group row with non-negative coefficients, at most
    ``MAX_GROUP_MEMBERS`` members and no member in another qualifying row (so the groups are
    independent and each is a knapsack of a few columns, solved by enumeration).
    """
    kept = np.zeros(problem.m, dtype=np.bool_)
    if problem.m == 0:
        return [], kept
    order = np.argsort(problem.entry_row, kind="stable")
    rows, cols, values = problem.entry_row[order], problem.entry_col[order], problem.entry_value[order]
    row_start = np.zeros(problem.m + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=problem.m), out=row_start[1:])
    owner = np.full(problem.n, -1, dtype=np.int64)
    by_size: dict[int, list[int]] = {}
    for row in range(problem.m):
        if problem.row_group[row] is None or np.isfinite(problem.row_lower[row]):
            continue
        members = cols[row_start[row] : row_start[row + 1]]
        size = members.size
        if not 0 < size <= MAX_GROUP_MEMBERS or np.any(values[row_start[row] : row_start[row + 1]] < 0):
            continue
        if np.any(owner[members] >= 0):
            continue
        owner[members] = row
        kept[row] = True
        by_size.setdefault(size, []).append(row)
    blocks = []
    for size, block_rows in sorted(by_size.items()):
        rows_array = np.array(block_rows, dtype=np.int64)
        members = np.stack([cols[row_start[row] : row_start[row + 1]] for row in block_rows])
        costs = np.stack([values[row_start[row] : row_start[row + 1]] for row in block_rows])
        subsets = ((np.arange(2**size)[:, np.newaxis] >> np.arange(size)[np.newaxis, :]) & 1).astype(np.float64)
        blocks.append(_GroupBlock(rows_array, members, costs, subsets))
    return blocks, kept


class SelectionModel:
    """The LP relaxation in one HiGHS instance, re-solved warm for every variant of the problem."""

    def __init__(self, problem: CompiledProblem) -> None:
        self.problem = problem
        n, m = problem.n, problem.m
        lower = np.where(problem.locked == 1, 1.0, 0.0)
        upper = np.where(problem.locked == -1, 0.0, 1.0)
        self.base = Scenario(lower, upper, problem.row_lower.copy(), problem.row_upper.copy(), problem.values.copy())
        self.current = self.base
        self.lp = _new_highs()
        # Dual simplex without presolve: few rows, many columns. Measured at 30,000 candidates and 200
        # rows: 0.5 s, where HiGHS's default (presolve on) spends 19 s, nearly all of it in presolve.
        self.lp.setOptionValue("solver", "simplex")
        self.lp.setOptionValue("simplex_strategy", 1)
        self.lp.setOptionValue("presolve", "off")
        inf = highspy.kHighsInf
        if m:
            self.lp.addRows(
                m,
                np.where(np.isfinite(self.base.row_lower), self.base.row_lower, -inf),
                np.where(np.isfinite(self.base.row_upper), self.base.row_upper, inf),
                0,
                np.zeros(m, dtype=np.int32),
                np.zeros(0, dtype=np.int32),
                np.zeros(0),
            )
        if n:
            self.lp.addCols(
                n,
                -self.base.values,
                lower,
                upper,
                problem.entry_value.size,
                problem.column_start[:-1].astype(np.int32),
                problem.entry_row.astype(np.int32),
                problem.entry_value,
            )
        self.resolves = 0
        self.blocks, self.kept_rows = _group_blocks(problem)

    def _apply(self, scenario: Scenario) -> None:
        current = self.current
        inf = highspy.kHighsInf
        changed = np.flatnonzero(
            (scenario.column_lower != current.column_lower) | (scenario.column_upper != current.column_upper)
        )
        if changed.size:
            self.lp.changeColsBounds(
                changed.size,
                changed.astype(np.int32),
                scenario.column_lower[changed],
                scenario.column_upper[changed],
            )
        changed = np.flatnonzero((scenario.row_lower != current.row_lower) | (scenario.row_upper != current.row_upper))
        if changed.size:
            lower, upper = scenario.row_lower[changed], scenario.row_upper[changed]
            self.lp.changeRowsBounds(  # type: ignore[attr-defined]  # bound in highspy, missing from its stubs
                changed.size,
                changed.astype(np.int32),
                np.where(np.isfinite(lower), lower, -inf),
                np.where(np.isfinite(upper), upper, inf),
            )
        changed = np.flatnonzero(scenario.values != current.values)
        if changed.size:
            self.lp.changeColsCost(changed.size, changed.astype(np.int32), -scenario.values[changed])
        self.current = scenario

    def solve_lp(self, scenario: Scenario, time_limit: float) -> tuple[SelectionStatus, FloatArray | None]:
        """Solve the LP of ``scenario``; (status, row duals y in maximisation sign) when optimal."""
        self._apply(scenario)
        self.lp.setOptionValue("time_limit", max(0.01, time_limit))
        self.lp.run()
        status = self.lp.getModelStatus()
        if status == highspy.HighsModelStatus.kOptimal:
            y = -np.asarray(self.lp.getSolution().row_dual, dtype=np.float64)
            return SelectionStatus.OPTIMAL, y
        if status in (highspy.HighsModelStatus.kInfeasible, highspy.HighsModelStatus.kUnboundedOrInfeasible):
            return SelectionStatus.INFEASIBLE, None
        if status == highspy.HighsModelStatus.kTimeLimit:
            return SelectionStatus.TIME_LIMIT, None
        raise RuntimeError(f"HiGHS stopped the LP with status {self.lp.modelStatusToString(status)}")

    def lagrangian(
        self, scenario: Scenario, y: FloatArray
    ) -> tuple[float, FloatArray, FloatArray, FloatArray, FloatArray]:
        """The bound and what reduced-cost fixing needs, from the LP row duals ``y``.

        Returns (bound, reduced values r from all of y, penalty, x_hat, y with clipped signs).
        The rows of ``self.blocks`` (small group rows, e.g. one company's applications under the
        cap) are not priced: each is kept whole and its best subset under r found by enumeration,
        which is what closes most of the LP's integrality gap on this structure (the LP takes a
        fraction of an application that does not fit under the cap). ``penalty[j]`` is the least
        value a portfolio loses by setting column j differently from ``x_hat[j]``.
        """
        y = y.copy()
        y[~np.isfinite(scenario.row_upper)] = np.minimum(y[~np.isfinite(scenario.row_upper)], 0.0)
        y[~np.isfinite(scenario.row_lower)] = np.maximum(y[~np.isfinite(scenario.row_lower)], 0.0)
        reduced = scenario.values - self.problem.pricing(y)
        y_outer = np.where(self.kept_rows, 0.0, y)
        positive, negative = y_outer > 0, y_outer < 0
        constant = float(
            (y_outer[positive] * scenario.row_upper[positive]).sum()
            + (y_outer[negative] * scenario.row_lower[negative]).sum()
        )
        outer_reduced = scenario.values - self.problem.pricing(y_outer)
        free = scenario.column_lower < scenario.column_upper
        x_hat = np.where(free, (outer_reduced > 0).astype(np.float64), scenario.column_lower)
        penalty = np.where(free, np.abs(outer_reduced), math.inf)
        in_block = np.zeros(self.problem.n, dtype=np.bool_)
        bound = constant
        for block in self.blocks:
            in_block[block.members.ravel()] = True
            bound += self._block_bound(block, scenario, outer_reduced, x_hat, penalty)
        outside = ~in_block
        bound += float((outer_reduced[outside & ~free] * scenario.column_lower[outside & ~free]).sum())
        bound += float(np.maximum(outer_reduced[outside & free], 0.0).sum())
        return bound, reduced, penalty, x_hat, y

    @staticmethod
    def _block_bound(
        block: _GroupBlock, scenario: Scenario, reduced: FloatArray, x_hat: FloatArray, penalty: FloatArray
    ) -> float:
        """Sum over the block's groups of the best subset under ``reduced``; fills x_hat and penalty."""
        members = block.members
        room = scenario.row_upper[block.rows]
        subset_cost = block.costs @ block.subsets.T
        tolerance = FEASIBILITY_TOLERANCE * np.maximum(1.0, np.abs(room))
        lower, upper = scenario.column_lower[members], scenario.column_upper[members]
        fits = subset_cost <= (room + tolerance)[:, np.newaxis]
        fits &= (lower @ (1.0 - block.subsets.T)) < 0.5  # every locked-in member is in the subset
        fits &= ((1.0 - upper) @ block.subsets.T) < 0.5  # no locked-out member is
        value = np.where(fits, reduced[members] @ block.subsets.T, -math.inf)
        best = value.argmax(axis=1)
        best_value = value[np.arange(best.size), best]
        if np.any(~np.isfinite(best_value)):
            return -math.inf
        chosen = block.subsets[best]
        x_hat[members] = chosen
        for position in range(members.shape[1]):
            differs = block.subsets[np.newaxis, :, position] != chosen[:, position, np.newaxis]
            alternative = np.where(differs, value, -math.inf).max(axis=1)
            penalty[members[:, position]] = np.where(
                upper[:, position] > lower[:, position], best_value - alternative, math.inf
            )
        return float(best_value.sum())

    def is_feasible(self, scenario: Scenario, x: FloatArray) -> bool:
        activity = self.problem.activity(x)
        scale = np.maximum(1.0, np.abs(activity))
        tolerance = FEASIBILITY_TOLERANCE * scale
        if np.any(activity < scenario.row_lower - tolerance) or np.any(activity > scenario.row_upper + tolerance):
            return False
        return bool(np.all(x >= scenario.column_lower) and np.all(x <= scenario.column_upper))

    def solve(self, scenario: Scenario, *, time_limit: float, gap: float) -> Outcome:
        """The best portfolio of ``scenario`` within ``gap`` (relative), or why there is none."""
        self.resolves += 1
        start = time.perf_counter()
        deadline = start + time_limit
        status, y = self.solve_lp(scenario, time_limit)
        lp_seconds = time.perf_counter() - start
        if y is None:
            return Outcome(status=status, lp_seconds=lp_seconds)
        lp_bound, reduced, penalty, x_hat, y = self.lagrangian(scenario, y)
        outcome = Outcome(status=SelectionStatus.TIME_LIMIT, lp_bound=lp_bound, y=y, reduced=reduced)
        outcome.lp_seconds = lp_seconds
        if not math.isfinite(lp_bound):  # a group cannot be satisfied in whole numbers
            penalty = np.where(scenario.column_lower < scenario.column_upper, 0.0, math.inf)
            lp_bound = outcome.lp_bound = math.inf
        self._core_loop(scenario, outcome, penalty, x_hat, deadline, gap)
        outcome.core_seconds = time.perf_counter() - start - lp_seconds
        return outcome

    def _core_loop(
        self,
        scenario: Scenario,
        outcome: Outcome,
        penalty: FloatArray,
        x_hat: FloatArray,
        deadline: float,
        gap: float,
    ) -> None:
        assert outcome.lp_bound is not None and outcome.y is not None
        lagrangian_bound = outcome.lp_bound
        free = np.flatnonzero(scenario.column_lower < scenario.column_upper)
        distance = penalty[free]
        order = np.argsort(distance, kind="stable")
        sorted_distance = distance[order]
        priced_rows = int(np.count_nonzero(np.abs(outcome.y) > 0))
        size = min(free.size, max(MINIMUM_CORE, CORE_PER_ROW * priced_rows))
        incumbent: FloatArray | None = None
        while True:
            # Columns tied in distance with the last one chosen join the core too.
            if 0 < size < free.size:
                size = int(np.searchsorted(sorted_distance, sorted_distance[size - 1], side="right"))
            core = np.sort(free[order[:size]])
            outside_distance = float(sorted_distance[size]) if size < free.size else math.inf
            outcome.core_sizes.append(int(core.size))
            remaining = deadline - time.perf_counter()
            found, x, core_bound, proven = self._solve_core(
                scenario, x_hat, core, incumbent, remaining, gap, lagrangian_bound
            )
            if found is None:  # the core is infeasible with the rest fixed
                if size >= free.size:
                    outcome.status = SelectionStatus.INFEASIBLE
                    return
                size = min(free.size, 4 * max(size, 1))
                continue
            if x is None:  # time ran out before the core MILP found anything
                if incumbent is not None:
                    self._finish(outcome, scenario, incumbent, lagrangian_bound, SelectionStatus.FEASIBLE)
                return
            incumbent = x
            objective = float(scenario.values @ x)
            bound = min(lagrangian_bound, max(core_bound, lagrangian_bound - outside_distance))
            outcome.fixed_by_reduced_cost = int(free.size - core.size)
            allowed = target_gap(gap, objective)
            if bound - objective <= allowed:
                self._finish(outcome, scenario, x, bound, SelectionStatus.OPTIMAL)
                return
            if not proven or time.perf_counter() >= deadline:
                self._finish(outcome, scenario, x, bound, SelectionStatus.FEASIBLE)
                return
            threshold = lagrangian_bound - objective - allowed
            needed = int(np.searchsorted(sorted_distance, threshold, side="right"))
            size = min(free.size, max(size + 1, min(needed, 4 * size)))

    def _finish(
        self, outcome: Outcome, scenario: Scenario, x: FloatArray, bound: float, status: SelectionStatus
    ) -> None:
        if not self.is_feasible(scenario, x):
            raise RuntimeError("the portfolio found breaks a constraint (numerical trouble in the solver)")
        outcome.x = x
        outcome.objective = float(scenario.values @ x)
        outcome.bound = max(bound, outcome.objective)
        outcome.status = status

    def _solve_core(
        self,
        scenario: Scenario,
        x_hat: FloatArray,
        core: IndexArray,
        incumbent: FloatArray | None,
        time_limit: float,
        gap: float,
        scale: float,
    ) -> tuple[bool | None, FloatArray | None, float, bool]:
        """Solve the MILP over ``core`` with every other column at ``x_hat``.

        Returns (found, x, bound, proven): ``found`` is None when the core is proven infeasible,
        False when time ran out first; ``bound`` is the proven bound on the whole scenario's value
        among portfolios equal to ``x_hat`` outside the core; ``proven`` when the MILP finished.
        """
        problem = self.problem
        fixed = x_hat.copy()
        fixed[core] = 0.0
        shift = problem.activity(fixed)
        fixed_value = float(scenario.values @ fixed)
        row_lower = scenario.row_lower - shift
        row_upper = scenario.row_upper - shift
        if core.size == 0:
            if self.is_feasible(scenario, fixed):
                return True, fixed, fixed_value, True
            return None, None, -math.inf, True
        in_core: BoolArray = np.zeros(problem.n, dtype=np.bool_)
        in_core[core] = True
        position = np.cumsum(in_core) - 1
        keep = in_core[problem.entry_col]
        sub_col = position[problem.entry_col[keep]]
        sub_start = np.zeros(core.size + 1, dtype=np.int64)
        np.cumsum(np.bincount(sub_col, minlength=core.size), out=sub_start[1:])
        highs = _new_highs()
        inf = highspy.kHighsInf
        m = problem.m
        if m:
            highs.addRows(
                m,
                np.where(np.isfinite(row_lower), row_lower, -inf),
                np.where(np.isfinite(row_upper), row_upper, inf),
                0,
                np.zeros(m, dtype=np.int32),
                np.zeros(0, dtype=np.int32),
                np.zeros(0),
            )
        highs.addCols(
            core.size,
            -scenario.values[core],
            scenario.column_lower[core],
            scenario.column_upper[core],
            int(keep.sum()),
            sub_start[:-1].astype(np.int32),
            problem.entry_row[keep].astype(np.int32),
            problem.entry_value[keep],
        )
        highs.changeColsIntegrality(
            core.size,
            np.arange(core.size, dtype=np.int32),
            np.full(core.size, highspy.HighsVarType.kInteger.value, dtype=np.uint8),
        )
        highs.setOptionValue("time_limit", max(0.01, time_limit))
        # The gap is judged on the whole objective, not on the core's part of it: an absolute gap.
        highs.setOptionValue("mip_rel_gap", 0.0)
        highs.setOptionValue("mip_abs_gap", target_gap(gap, scale) / 2)
        if incumbent is not None:
            highs.setSolution(core.size, np.arange(core.size, dtype=np.int32), incumbent[core])
        highs.run()
        status = highs.getModelStatus()
        info = highs.getInfo()
        if status == highspy.HighsModelStatus.kInfeasible:
            return None, None, -math.inf, True
        has_solution = info.primal_solution_status == 2
        if not has_solution:
            if status == highspy.HighsModelStatus.kTimeLimit or status == highspy.HighsModelStatus.kInterrupt:
                return False, None, math.inf, False
            if status == highspy.HighsModelStatus.kUnboundedOrInfeasible:
                return None, None, -math.inf, True
            raise RuntimeError(f"HiGHS stopped the core MILP with status {highs.modelStatusToString(status)}")
        x = fixed.copy()
        x[core] = np.rint(np.asarray(highs.getSolution().col_value, dtype=np.float64))
        core_bound = fixed_value - float(info.mip_dual_bound)
        proven = status == highspy.HighsModelStatus.kOptimal
        return True, x, core_bound, proven


def plain_milp(problem: CompiledProblem, *, time_limit: float, gap: float) -> tuple[str, float | None, float | None]:
    """The straightforward model solved by HiGHS as one MILP (the baseline of the benchmark and tests).

    Returns (HiGHS model status, objective, bound); objective None when no portfolio was found.
    """
    model = SelectionModel(problem)
    highs = model.lp
    highs.setOptionValue("solver", "choose")
    highs.changeColsIntegrality(
        problem.n,
        np.arange(problem.n, dtype=np.int32),
        np.full(problem.n, highspy.HighsVarType.kInteger.value, dtype=np.uint8),
    )
    highs.setOptionValue("time_limit", time_limit)
    highs.setOptionValue("mip_rel_gap", gap)
    highs.run()
    status = highs.getModelStatus()
    info = highs.getInfo()
    text = highs.modelStatusToString(status)
    if info.primal_solution_status != 2:
        return text, None, None
    x: npt.NDArray[np.float64] = np.rint(np.asarray(highs.getSolution().col_value, dtype=np.float64))
    return text, float(problem.values @ x), -float(info.mip_dual_bound)
