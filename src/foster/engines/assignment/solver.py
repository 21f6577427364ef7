"""The optimal assignment: an LP over a growing set of pairs, solved by HiGHS, priced with numpy.

The model over the pairs that remain after pins (``CompiledProblem``), with x[i, j] in [0, 1] and
one shortfall variable s_i >= 0 per application::

    maximise    sum fit[i, j] x[i, j] - M sum s_i
    subject to  sum_j x[i, j] + s_i = demand[i]   (u_i)   k minus the pins of application i
                sum_i x[i, j] <= capacity[j]      (v_j)   load limit minus the pins of reviewer j

Without s this is the b-matching LP; its matrix is the incidence matrix of a bipartite graph (plus
identity columns for s), totally unimodular, and the right-hand sides are integers, so every vertex
is integral and the simplex optimum is a 0/1 assignment. The shortfall makes every restricted LP
feasible. Its penalty M = (min(n, m) + 1) × (fit range) + max |fit| + 1 is exact: lowering the total
shortfall by one takes an augmenting path through at most min(n, m) reviewers, which changes the
fit by less than M, so the optimum first minimises the total shortfall and then maximises fit. A
zero shortfall therefore means the optimal assignment; a positive one proves that no assignment
covers everyone and is a maximum-coverage assignment, from which the diagnosis reads its Hall sets.

HiGHS minimises, so pair costs are -fit; with its sign convention the reduced cost of a pair is
``-fit[i, j] - u_i - v_j``.

Column generation: the LP starts on a restricted set of pairs (the best few per application by
fit). After each solve, numpy computes ``fit + u + v`` for all n × m pairs in row blocks, and the
pairs outside the restricted set where it is positive (negative reduced cost) are added, the most
violating few per application. When none is left, the duals are feasible for the full LP, so the
restricted optimum is the global optimum. The first solve uses the interior point method with
crossover (to a vertex); later solves continue with the dual simplex from the previous basis.

The LP solution is rounded and every constraint checked on the integers; a mixed-integer solve of
the restricted set is kept as a fallback should the rounding ever fail (simplex and crossover
return vertices, so it should not).
"""

from __future__ import annotations

from collections.abc import Callable

import highspy
import numpy as np
import numpy.typing as npt

from foster.engines.assignment.diagnosis import coverage_issues, local_issues
from foster.engines.assignment.problem import AssignmentProblem, CompiledProblem, IndexArray, compile_problem
from foster.engines.assignment.result import (
    AssignmentResult,
    AssignmentStatus,
    CoverageIssue,
    InfeasibilityDiagnosis,
    IterationRecord,
    build_pairs,
)

PRICING_BLOCK_ELEMENTS = 2_000_000
"""Pairs priced per numpy block: bounds the temporary arrays at about 16 MB each."""

FloatArray = npt.NDArray[np.float64]
ScoreArray = npt.NDArray[np.floating]
"""Pair scores of a block of applications: fit (float32 or float64) or a float64 pricing violation."""


class _RestrictedMaster:
    """The restricted LP in a HiGHS instance: n application rows, m reviewer rows, n slacks, pairs."""

    def __init__(self, problem: CompiledProblem, penalty: float) -> None:
        self.problem = problem
        n, m = problem.shape
        # highspy's Highs.__init__ carries no annotations; the class itself is typed.
        self.highs = highspy.Highs()  # type: ignore[no-untyped-call]
        self.highs.setOptionValue("output_flag", False)
        self.highs.setOptionValue("random_seed", 0)
        infinity = highspy.kHighsInf
        demand = problem.demand.astype(np.float64)
        lower = np.concatenate([demand, np.full(m, -infinity)])
        upper = np.concatenate([demand, problem.capacity.astype(np.float64)])
        self.highs.addRows(
            n + m, lower, upper, 0, np.zeros(n + m, dtype=np.int32), np.zeros(0, dtype=np.int32), np.zeros(0)
        )
        # One shortfall variable per application row, at the exact penalty (module docstring).
        self.highs.addCols(
            n,
            np.full(n, penalty),
            np.zeros(n),
            demand,
            n,
            np.arange(n, dtype=np.int32),
            np.arange(n, dtype=np.int32),
            np.ones(n),
        )
        self.rows = np.zeros(0, dtype=np.int64)
        self.cols = np.zeros(0, dtype=np.int64)
        self.in_master = np.zeros((n, m), dtype=np.bool_)
        self.is_cold = True

    def add(self, rows: IndexArray, cols: IndexArray) -> None:
        count = rows.size
        if count == 0:
            return
        n = self.problem.shape[0]
        index = np.empty(2 * count, dtype=np.int32)
        index[0::2] = rows
        index[1::2] = n + cols
        self.highs.addCols(
            count,
            -self.problem.pair_fit(rows, cols),
            np.zeros(count),
            np.ones(count),
            2 * count,
            np.arange(0, 2 * count, 2, dtype=np.int32),
            index,
            np.ones(2 * count),
        )
        self.rows = np.concatenate([self.rows, rows])
        self.cols = np.concatenate([self.cols, cols])
        self.in_master[rows, cols] = True

    def solve(self) -> highspy.HighsModelStatus:
        """Solve; interior point with crossover from cold, dual simplex from the previous basis after that.

        Measured at the benchmark size, a cold dual simplex needs about 100,000 iterations where the
        interior point method needs about 30 (and crossover returns a vertex, so the solution stays
        integral); a warm dual simplex then takes the few added pairs in a few hundred iterations.
        """
        self.highs.setOptionValue("solver", "ipm" if self.is_cold else "simplex")
        self.highs.run()
        self.is_cold = False
        return self.highs.getModelStatus()

    def fit_and_shortfall(self) -> tuple[float, float]:
        """Total fit (pins excluded) and total shortfall of the current solution."""
        slack_values, pair_values = self.values()
        fit = float(self.problem.pair_fit(self.rows, self.cols) @ pair_values) if self.rows.size else 0.0
        return fit, float(slack_values.sum())

    def duals(self) -> tuple[FloatArray, FloatArray]:
        n = self.problem.shape[0]
        row_dual = np.asarray(self.highs.getSolution().row_dual, dtype=np.float64)
        return row_dual[:n], row_dual[n:]

    def values(self) -> tuple[FloatArray, FloatArray]:
        """(slack values, pair values) of the current solution."""
        n = self.problem.shape[0]
        col_value = np.asarray(self.highs.getSolution().col_value, dtype=np.float64)
        return col_value[:n], col_value[n:]

    def solve_as_mip(self) -> highspy.HighsModelStatus:
        """Solve the restricted set with integrality; "choose" because "simplex" would ignore integrality."""
        total = self.problem.shape[0] + self.rows.size
        self.highs.changeColsIntegrality(
            total,
            np.arange(total, dtype=np.int32),
            np.full(total, highspy.HighsVarType.kInteger.value, dtype=np.uint8),
        )
        self.highs.setOptionValue("solver", "choose")
        self.highs.run()
        return self.highs.getModelStatus()


def _best_per_row(score: ScoreArray, take: int, above: float) -> tuple[IndexArray, IndexArray]:
    """(row, column) of the ``take`` highest scores in each row of ``score`` that are above ``above``."""
    width = score.shape[1]
    hot = np.flatnonzero(score.max(axis=1) > above)
    if hot.size == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    candidates = score if hot.size == score.shape[0] else score[hot]  # no copy when every row counts
    if take < width:
        best = np.argpartition(-candidates, take - 1, axis=1)[:, :take]
    else:
        best = np.tile(np.arange(width), (hot.size, 1))
    keep = np.take_along_axis(candidates, best, axis=1) > above
    return np.broadcast_to(hot[:, np.newaxis], best.shape)[keep], best[keep].astype(np.int64)


def _best_pairs(
    problem: CompiledProblem, score_rows: Callable[[int, int], ScoreArray], take: int, above: float
) -> tuple[IndexArray, IndexArray]:
    """The ``take`` best pairs of every application whose score is above ``above``, scored in row blocks.

    ``score_rows(start, stop)`` scores the pairs of applications ``start`` to ``stop``; blocks keep its
    temporary arrays near ``PRICING_BLOCK_ELEMENTS`` elements, not the full n × m.
    """
    n, m = problem.shape
    take = min(take, m)
    empty = np.zeros(0, dtype=np.int64)
    if take == 0:
        return empty, empty
    rows_out, cols_out = [empty], [empty]
    block = max(1, PRICING_BLOCK_ELEMENTS // m)
    for start in range(0, n, block):
        rows, cols = _best_per_row(score_rows(start, min(n, start + block)), take, above)
        rows_out.append(start + rows)
        cols_out.append(cols)
    return np.concatenate(rows_out), np.concatenate(cols_out)


def _initial_pairs(problem: CompiledProblem, per_application: int) -> tuple[IndexArray, IndexArray]:
    """The ``per_application`` best allowed pairs of every application, by fit."""

    def score_rows(start: int, stop: int) -> ScoreArray:
        return np.where(problem.allowed[start:stop], problem.fit[start:stop], -np.inf)

    return _best_pairs(problem, score_rows, per_application, -np.inf)


def _price(
    problem: CompiledProblem,
    priceable: npt.NDArray[np.bool_],
    application_dual: FloatArray,
    reviewer_dual: FloatArray,
    per_application: int,
    tolerance: float,
) -> tuple[IndexArray, IndexArray]:
    """Pairs outside the restricted LP whose reduced cost is below ``-tolerance``, the most violating first.

    The violation of pair (i, j) is ``fit[i, j] + u_i + v_j``, the negative of its reduced cost; at
    most ``per_application`` pairs are returned per application.
    """

    def violation_rows(start: int, stop: int) -> FloatArray:
        violation = problem.fit[start:stop].astype(np.float64)
        violation += application_dual[start:stop, np.newaxis]
        violation += reviewer_dual[np.newaxis, :]
        np.copyto(violation, -np.inf, where=~priceable[start:stop])
        return violation

    return _best_pairs(problem, violation_rows, per_application, tolerance)


def _round_and_check(
    problem: CompiledProblem, master: _RestrictedMaster
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]] | None:
    """(slacks, pair values) as integers if the solution is integral and meets every constraint."""
    slack_values, pair_values = master.values()
    slacks, pairs = np.rint(slack_values), np.rint(pair_values)
    if slack_values.size and np.abs(slack_values - slacks).max() > 1e-6:
        return None
    if pair_values.size and np.abs(pair_values - pairs).max() > 1e-6:
        return None
    slack_int, pair_int = slacks.astype(np.int64), pairs.astype(np.int64)
    if np.any((pair_int < 0) | (pair_int > 1)) or np.any(slack_int < 0):
        return None
    if np.any(slack_int > problem.demand):
        return None
    n, m = problem.shape
    chosen = pair_int == 1
    covered = np.bincount(master.rows[chosen], minlength=n) + slack_int
    load = np.bincount(master.cols[chosen], minlength=m)
    if np.any(covered != problem.demand) or np.any(load > problem.capacity):
        return None
    if not problem.allowed[master.rows[chosen], master.cols[chosen]].all():
        return None
    return slack_int, pair_int


def _integral_solution(
    problem: CompiledProblem, master: _RestrictedMaster
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], bool]:
    """Round the LP optimum; if that ever fails, solve the restricted set as a MIP instead."""
    checked = _round_and_check(problem, master)
    if checked is not None:
        return checked[0], checked[1], False
    status = master.solve_as_mip()
    checked = _round_and_check(problem, master)
    if status != highspy.HighsModelStatus.kOptimal or checked is None:
        raise RuntimeError(f"the MIP fallback did not return a valid integral assignment (status {status})")
    return checked[0], checked[1], True


def _infeasible(
    problem: CompiledProblem,
    issues: list[CoverageIssue],
    reviews_possible: int | None,
    restricted: int,
    history: list[IterationRecord],
) -> AssignmentResult:
    return AssignmentResult(
        status=AssignmentStatus.INFEASIBLE,
        pairs=(),
        total_fit=0.0,
        lp_objective=None,
        iterations=len(history),
        restricted_pairs=restricted,
        candidate_pairs=int(problem.allowed.sum()),
        used_mip_fallback=False,
        history=tuple(history),
        diagnosis=InfeasibilityDiagnosis(
            issues=tuple(issues),
            reviews_required=problem.k * problem.shape[0],
            reviews_possible=reviews_possible,
        ),
    )


def solve_assignment(
    problem: AssignmentProblem,
    *,
    initial_per_application: int | None = None,
    added_per_application: int | None = None,
    max_iterations: int = 1_000,
) -> AssignmentResult:
    """The assignment of maximum total fit that meets every constraint, or a diagnosis of why none does.

    ``initial_per_application`` pairs per application (default 2k + 2, best fit first) seed the
    restricted LP; each pricing round adds at most ``added_per_application`` pairs per application
    (default k). Neither changes the optimal total fit, only the path to it (and, among tied optima,
    possibly which one is returned). Deterministic: the same input gives the same pairs.
    """
    compiled = compile_problem(problem)
    k = compiled.k
    initial = 2 * k + 2 if initial_per_application is None else initial_per_application
    per_round = max(1, k if added_per_application is None else added_per_application)
    if initial < 0:
        raise ValueError("initial_per_application must not be negative")
    pinned_rows, pinned_cols = compiled.pinned
    history: list[IterationRecord] = []

    if not compiled.pins_are_consistent:
        return _infeasible(compiled, local_issues(compiled), None, 0, [])
    if not np.any(compiled.demand > 0):
        pairs, total = build_pairs(
            compiled, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), pinned_rows, pinned_cols
        )
        return AssignmentResult(
            status=AssignmentStatus.OPTIMAL,
            pairs=pairs,
            total_fit=total,
            lp_objective=total,
            iterations=0,
            restricted_pairs=0,
            candidate_pairs=int(compiled.allowed.sum()),
            used_mip_fallback=False,
            history=(),
            diagnosis=None,
        )

    n, m = compiled.shape
    fit_max, fit_min = float(compiled.fit.max()), float(compiled.fit.min())
    largest = max(abs(fit_max), abs(fit_min))
    penalty = (min(n, m) + 1) * (fit_max - fit_min) + largest + 1.0
    tolerance = 1e-7 * max(1.0, largest)
    master = _RestrictedMaster(compiled, penalty)
    master.add(*_initial_pairs(compiled, initial))
    priceable = compiled.allowed & ~master.in_master
    for _ in range(max_iterations):
        status = master.solve()
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"HiGHS stopped with status {master.highs.modelStatusToString(status)}")
        application_dual, reviewer_dual = master.duals()
        rows, cols = _price(compiled, priceable, application_dual, reviewer_dual, per_round, tolerance)
        fit, shortfall = master.fit_and_shortfall()
        history.append(IterationRecord(fit, shortfall, int(master.rows.size), int(rows.size)))
        if rows.size == 0:
            break
        master.add(rows, cols)
        priceable[rows, cols] = False
    else:
        raise RuntimeError(f"column generation did not converge in {max_iterations} iterations")

    slacks, values, used_mip = _integral_solution(compiled, master)
    chosen = values == 1
    if slacks.any():
        issues = coverage_issues(compiled, master.rows[chosen], master.cols[chosen], slacks)
        possible = k * n - int(slacks.sum())
        return _infeasible(compiled, issues, possible, int(master.rows.size), history)

    pairs, total = build_pairs(compiled, master.rows[chosen], master.cols[chosen], pinned_rows, pinned_cols)
    pinned_fit = float(compiled.pair_fit(pinned_rows, pinned_cols).sum())
    return AssignmentResult(
        status=AssignmentStatus.OPTIMAL,
        pairs=pairs,
        total_fit=total,
        lp_objective=history[-1].fit + pinned_fit if not used_mip else total,
        iterations=len(history),
        restricted_pairs=int(master.rows.size),
        candidate_pairs=int(compiled.allowed.sum()),
        used_mip_fallback=used_mip,
        history=tuple(history),
        diagnosis=None,
    )
