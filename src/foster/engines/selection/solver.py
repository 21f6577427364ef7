"""``solve_selection``: the optimal portfolio, then what explains and audits it.

1. The optimum under every constraint, lock and override (``core.SelectionModel.solve``), or, when
   there is none, the conflicting constraints (``diagnosis.find_conflict``).
2. The lottery, when asked for: candidates tied at the funding line get their line value plus a
   priority drawn with the problem's seed (half their band for the first drawn, falling to zero
   for the last) and the problem is solved again; the draw is recorded.
3. Explanations for every candidate; for the ``near_line`` candidates on each side of the funding
   line (smallest reduced values), the value change that flips the decision, by re-solving with
   the opposite decision locked (``explain.flip_from_solves``).
4. The cost of the overrides (the optimum without them), the budget sweep (the optimum with the
   scaled constraint at 50%...150%) and the cost of each constraint (the optimum without it).

Every re-solve is a warm LP re-solve plus a core MILP, so the extras cost a fraction of a cold
solve each. Deterministic: columns are ordered by id, HiGHS runs with a fixed seed, and the lottery
draws with the problem's seed.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from foster.engines.selection.core import Outcome, SelectionModel, target_gap
from foster.engines.selection.diagnosis import find_conflict
from foster.engines.selection.explain import binding_rows, explain, flip_from_solves
from foster.engines.selection.problem import (
    CompiledProblem,
    ConstraintType,
    FloatArray,
    IndexArray,
    SelectionProblem,
    compile_problem,
)
from foster.engines.selection.result import (
    Explanation,
    Flip,
    LotteryRecord,
    OverrideRecord,
    QuotaCost,
    ReasonCode,
    SelectionResult,
    SelectionStatus,
    Sensitivity,
    SensitivityPoint,
    SolveStatistics,
)


def relative_gap(objective: float | None, bound: float | None) -> float | None:
    if objective is None or bound is None:
        return None
    return max(0.0, bound - objective) / max(1e-9, abs(objective))


def solve_selection(
    problem: SelectionProblem,
    *,
    time_limit: float = 60.0,
    gap: float = 0.0,
    near_line: int = 20,
    with_sensitivity: bool = True,
    with_quota_costs: bool = True,
    resolve_time_limit: float | None = None,
    with_explanations: bool = True,
) -> SelectionResult:
    """Select the portfolio of greatest total value and explain it; see the module docstring.

    ``time_limit`` (seconds) bounds the main solve and the lottery's; each what-if re-solve (flip
    values, overrides, sweep, constraint costs) gets ``resolve_time_limit``, by default a tenth of it
    (at least a second); a re-solve stopped by it reports a proven interval. ``gap`` is the
    relative optimality gap accepted (0: exact). ``near_line`` candidates on each side of the
    funding line get flip values; ``with_sensitivity`` and ``with_quota_costs`` turn the budget
    sweep and the constraint costs on or off; ``with_explanations=False`` leaves ``explanations``
    empty (for scenario comparisons that only need the portfolio). ``ValueError`` names every bad
    element of ``problem``.
    """
    if not time_limit > 0:
        raise ValueError("time_limit must be positive")
    if not 0 <= gap < 1:
        raise ValueError("gap must be at least 0 and below 1")
    started = time.perf_counter()
    compiled = compile_problem(problem)
    model = SelectionModel(compiled)
    base = model.base
    main = model.solve(base, time_limit=time_limit, gap=gap)
    solve_seconds = time.perf_counter() - started

    def statistics() -> SolveStatistics:
        return SolveStatistics(
            columns=compiled.n,
            rows=compiled.m,
            dropped_group_rows=compiled.dropped_group_rows,
            lp_bound=main.lp_bound,
            core_sizes=tuple(main.core_sizes),
            fixed_by_reduced_cost=main.fixed_by_reduced_cost,
            seconds=time.perf_counter() - started,
            solve_seconds=solve_seconds,
            lp_seconds=main.lp_seconds,
            core_seconds=main.core_seconds,
            resolves=model.resolves,
        )

    if main.x is None:
        return _without_portfolio(problem, compiled, model, main, time_limit, statistics)

    x = main.x
    lottery_record: LotteryRecord | None = None
    lottery_columns: dict[int, tuple[bool, int, int]] = {}
    if problem.lottery is not None:
        x, lottery_record, lottery_columns = _draw_lottery(problem, compiled, model, main, time_limit)

    # Each what-if re-solve gets a tenth of the time limit (at least a second): there are dozens.
    resolve_limit = max(1.0, time_limit / 10) if resolve_time_limit is None else resolve_time_limit
    flips = _flips(compiled, model, main, set(lottery_columns), near_line, resolve_limit, gap)
    explanations = explain(compiled, x, main.y, lottery_columns, flips) if with_explanations else {}
    rows = binding_rows(compiled, x, main.y)
    binding_indices = sorted({int(compiled.row_constraint[row]) for row in rows.tolist()})
    binding = tuple(compiled.constraints[index].name for index in binding_indices)

    overrides = _override_cost(problem, compiled, model, main, resolve_limit, gap)
    sensitivity = _sensitivity(problem, compiled, model, resolve_limit, gap) if with_sensitivity else None
    quota_costs = _quota_costs(compiled, model, main, resolve_limit, gap) if with_quota_costs else ()

    objective = float(compiled.values @ x)
    assert main.bound is not None
    selected = tuple(compiled.ids[column] for column in np.flatnonzero(x > 0.5).tolist())
    return SelectionResult(
        status=main.status,
        objective=objective,
        bound=main.bound,
        gap=relative_gap(objective, main.bound),
        selected=selected,
        explanations=explanations,
        binding=binding,
        seed=problem.seed,
        sensitivity=sensitivity,
        quota_costs=quota_costs,
        lottery=lottery_record,
        overrides=overrides,
        statistics=statistics(),
        message=_message(main.status, objective, main.bound, len(selected)),
    )


def _message(status: SelectionStatus, objective: float, bound: float, count: int) -> str:
    gap = relative_gap(objective, bound) or 0.0
    if status == SelectionStatus.OPTIMAL:
        return f"Optimal portfolio of {count} candidates, total value {objective:,.2f} (proven gap {gap:.4%})."
    return (
        f"Portfolio of {count} candidates, total value {objective:,.2f}; the time limit stopped the proof "
        f"at a gap of {gap:.4%} to the bound {bound:,.2f}."
    )


def _without_portfolio(
    problem: SelectionProblem,
    compiled: CompiledProblem,
    model: SelectionModel,
    main: Outcome,
    time_limit: float,
    statistics: Callable[[], SolveStatistics],
) -> SelectionResult:
    conflict = None
    if main.status == SelectionStatus.INFEASIBLE:
        conflict = find_conflict(model, model.base, time_limit=time_limit)
        text = conflict.text
        code_text = f"No portfolio can be selected: {conflict.text}"
    else:
        text = "The time limit was reached before any portfolio meeting every constraint was found."
        code_text = text
    explanations = {
        identifier: Explanation(ReasonCode.NO_PORTFOLIO, False, {}, code_text) for identifier in compiled.ids
    }
    return SelectionResult(
        status=main.status,
        objective=None,
        bound=main.lp_bound if main.lp_bound is not None and math.isfinite(main.lp_bound) else None,
        gap=None,
        selected=(),
        explanations=explanations,
        binding=conflict.constraints if conflict else (),
        seed=problem.seed,
        conflict=conflict,
        statistics=statistics(),
        message=text,
    )


def _draw_lottery(
    problem: SelectionProblem, compiled: CompiledProblem, model: SelectionModel, main: Outcome, time_limit: float
) -> tuple[FloatArray, LotteryRecord, dict[int, tuple[bool, int, int]]]:
    assert problem.lottery is not None and main.x is not None and main.reduced is not None
    assert main.objective is not None
    base = model.base
    band = np.where(np.isnan(compiled.spread), problem.lottery.tie_band, compiled.spread)
    free = base.column_lower < base.column_upper
    tied = np.flatnonzero(free & (band > 0) & (np.abs(main.reduced) <= band))
    x = main.x
    columns: dict[int, tuple[bool, int, int]] = {}
    draw_order: IndexArray = tied[:0]
    if tied.size >= 2:
        rng = np.random.default_rng(problem.seed)
        draw_order = tied[rng.permutation(tied.size)]
        count = draw_order.size
        values = base.values.copy()
        line_value = compiled.values - main.reduced
        values[draw_order] = line_value[draw_order] + 0.5 * band[draw_order] * (count - np.arange(count)) / count
        outcome = model.solve(replace(base, values=values), time_limit=time_limit, gap=0.0)
        if outcome.x is not None:
            x = outcome.x
        for position, column in enumerate(draw_order.tolist(), start=1):
            columns[column] = (bool(x[column] > 0.5), position, problem.seed)
    record = LotteryRecord(
        seed=problem.seed,
        tie_band=problem.lottery.tie_band,
        tied=tuple(compiled.ids[column] for column in tied.tolist()),
        draw_order=tuple(compiled.ids[column] for column in draw_order.tolist()),
        winners=tuple(compiled.ids[column] for column in draw_order.tolist() if x[column] > 0.5),
        objective_before=main.objective,
        objective_after=float(compiled.values @ x),
    )
    return x, record, columns


def _flips(
    compiled: CompiledProblem,
    model: SelectionModel,
    main: Outcome,
    skip: set[int],
    near_line: int,
    time_limit: float,
    gap: float,
) -> dict[int, Flip]:
    """Flip values for the ``near_line`` selected and unselected candidates closest to the funding line."""
    assert main.x is not None and main.reduced is not None and main.objective is not None and main.bound is not None
    if near_line <= 0:
        return {}
    base = model.base
    free = base.column_lower < base.column_upper
    if skip:
        free[list(skip)] = False
    selected = np.flatnonzero(free & (main.x > 0.5))
    unselected = np.flatnonzero(free & (main.x < 0.5))
    near_selected = selected[np.argsort(main.reduced[selected], kind="stable")[:near_line]]
    near_unselected = unselected[np.argsort(-main.reduced[unselected], kind="stable")[:near_line]]
    tolerance = 2 * target_gap(0.0, main.objective)
    flips: dict[int, Flip] = {}
    for column in [*near_selected.tolist(), *near_unselected.tolist()]:
        is_selected = bool(main.x[column] > 0.5)
        other = model.solve(base.with_column(column, 0.0 if is_selected else 1.0), time_limit=time_limit, gap=gap)
        flips[column] = flip_from_solves(
            is_selected,
            main.objective,
            main.bound,
            other.objective,
            other.bound,
            other.status == SelectionStatus.INFEASIBLE,
            tolerance,
        )
    return flips


def _override_cost(
    problem: SelectionProblem,
    compiled: CompiledProblem,
    model: SelectionModel,
    main: Outcome,
    time_limit: float,
    gap: float,
) -> OverrideRecord | None:
    if not problem.overrides:
        return None
    assert main.objective is not None
    outcome = model.solve(model.base.with_columns_freed(compiled.override_columns), time_limit=time_limit, gap=gap)
    lost = None if outcome.objective is None else outcome.objective - main.objective
    return OverrideRecord(
        overrides=tuple((o.id, str(o.decision), o.reason) for o in problem.overrides),
        status_without=outcome.status,
        objective_without=outcome.objective,
        objective_lost=lost,
        is_exact=outcome.is_proven and main.is_proven,
    )


def sensitivity_constraint(problem: SelectionProblem) -> int | None:
    """The constraint the budget sweep scales: the one named, else the first ``sum`` with a max and no ``where``."""
    settings = problem.sensitivity
    for index, constraint in enumerate(problem.constraints):
        if settings is not None and settings.constraint is not None:
            if constraint.name == settings.constraint:
                return index
        elif constraint.type == ConstraintType.SUM and constraint.max is not None and not constraint.where:
            return index
    return None


def _scaled(bounds: FloatArray, factor: float) -> FloatArray:
    return np.where(np.isfinite(bounds), bounds * factor, bounds)


def _sensitivity(
    problem: SelectionProblem, compiled: CompiledProblem, model: SelectionModel, time_limit: float, gap: float
) -> Sensitivity | None:
    index = sensitivity_constraint(problem)
    if index is None:
        return None
    settings = problem.sensitivity
    low, high, count = (settings.low, settings.high, settings.points) if settings else (0.5, 1.5, 11)
    constraint = compiled.constraints[index]
    rows = compiled.rows_of(index)
    base = model.base
    points: list[SensitivityPoint] = []
    factors = np.linspace(low, high, count) if count > 1 else np.array([low])
    for factor in factors.tolist():
        scenario = base.with_rows(rows, _scaled(base.row_lower[rows], factor), _scaled(base.row_upper[rows], factor))
        outcome = model.solve(scenario, time_limit=time_limit, gap=gap)
        limit = None if constraint.max is None else constraint.max * factor
        total = None
        if outcome.x is not None and constraint.cost is not None:
            total = float(compiled.costs[constraint.cost] @ outcome.x)
        elif outcome.x is not None:
            total = float(outcome.x.sum())
        points.append(
            SensitivityPoint(
                factor=round(factor, 10),
                limit=limit,
                status=outcome.status,
                objective=outcome.objective,
                bound=outcome.bound,
                selected_count=None if outcome.x is None else int(outcome.x.sum()),
                total_cost=total,
            )
        )
    return Sensitivity(constraint=constraint.name, cost=constraint.cost, points=tuple(points))


def _quota_costs(
    compiled: CompiledProblem, model: SelectionModel, main: Outcome, time_limit: float, gap: float
) -> tuple[QuotaCost, ...]:
    assert main.objective is not None
    costs: list[QuotaCost] = []
    for index, constraint in enumerate(compiled.constraints):
        rows = compiled.rows_of(index)
        if rows.size == 0:  # every group row was left out: no selection can break it
            costs.append(QuotaCost(constraint.name, str(constraint.type), main.status, main.objective, 0.0, True))
            continue
        outcome = model.solve(model.base.with_rows_relaxed(rows), time_limit=time_limit, gap=gap)
        cost = None if outcome.objective is None else outcome.objective - main.objective
        costs.append(
            QuotaCost(
                constraint=constraint.name,
                type=str(constraint.type),
                status_without=outcome.status,
                objective_without=outcome.objective,
                cost=cost,
                is_exact=outcome.is_proven and main.is_proven,
            )
        )
    return tuple(costs)
