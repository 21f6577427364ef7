"""Why no portfolio meets the constraints: an irreducible conflicting set, by deletion filtering.

The elements are the constraints (all rows of one constraint together) and the locks (each locked
or overridden candidate). Starting from the infeasible problem, each element in turn is relaxed; if
the problem stays infeasible without it, it is left out for good, otherwise it is put back. What is
left is infeasible, and leaving out any one element makes it feasible: an irreducible infeasible
subset (IIS). Each test is a warm LP re-solve when the LP relaxation is already infeasible (the
usual case: quotas that add up to more than the budget); when only the integer problem is
infeasible (e.g. a count that no whole number of candidates meets), each test is a full solve, and
a test that runs out of time keeps its element, so the set is still infeasible but may not be
irreducible.
"""

from __future__ import annotations

import time

import numpy as np

from foster.engines.selection.core import Scenario, SelectionModel
from foster.engines.selection.result import Conflict, SelectionStatus


def _quote(names: list[str]) -> str:
    quoted = [f"'{name}'" for name in names]
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


def find_conflict(model: SelectionModel, scenario: Scenario, *, time_limit: float) -> Conflict:
    """An irreducible set of constraints and locks of ``scenario`` that cannot all hold."""
    problem = model.problem
    deadline = time.perf_counter() + time_limit
    lp_status, _ = model.solve_lp(scenario, time_limit)
    uses_lp = lp_status == SelectionStatus.INFEASIBLE
    is_irreducible = True

    def is_infeasible(candidate: Scenario) -> bool | None:
        remaining = max(0.05, deadline - time.perf_counter())
        if uses_lp:
            status, _ = model.solve_lp(candidate, remaining)
        else:
            status = model.solve(candidate, time_limit=remaining, gap=1.0).status
        if status == SelectionStatus.INFEASIBLE:
            return True
        if status == SelectionStatus.TIME_LIMIT:
            return None
        return False

    constraint_rows = [
        (index, problem.rows_of(index)) for index in range(len(problem.constraints)) if problem.rows_of(index).size
    ]
    locked_columns = np.flatnonzero(scenario.column_lower == scenario.column_upper)
    kept_constraints: list[int] = []
    kept_locks: list[int] = []
    current = scenario
    for index, rows in constraint_rows:
        trial = current.with_rows_relaxed(rows)
        answer = is_infeasible(trial)
        if answer:
            current = trial
        else:
            is_irreducible = is_irreducible and answer is not None
            kept_constraints.append(index)
    for column in locked_columns.tolist():
        trial = current.with_column(column, None)
        answer = is_infeasible(trial)
        if answer:
            current = trial
        else:
            is_irreducible = is_irreducible and answer is not None
            kept_locks.append(column)

    names = [problem.constraints[index].name for index in kept_constraints]
    locks = [problem.ids[column] for column in kept_locks]
    parts = []
    if names:
        parts.append(("the constraint " if len(names) == 1 else "the constraints ") + _quote(names))
    if locks:
        parts.append(("the lock on " if len(locks) == 1 else "the locks on ") + _quote(locks))
    if parts:
        single = len(names) + len(locks) == 1
        text = (
            "No portfolio meets "
            + " together with ".join(parts)
            + ("; relax it." if single else "; relax one of them.")
        )
    else:
        text = "No portfolio meets the constraints."
    return Conflict(constraints=tuple(names), locks=tuple(locks), is_irreducible=is_irreducible, text=text)
