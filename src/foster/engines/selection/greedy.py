"""Score-order greedy, the way selections are made today: fund by value, highest first.

Locked-in candidates first; then every other candidate (value descending, id ascending) is taken
when it keeps every maximum (budget, caps, share maxima) satisfied. Minimums are not pursued; the
result lists the constraints the portfolio breaks.
"""

from __future__ import annotations

import numpy as np

from foster.engines.selection.problem import SelectionProblem, compile_problem
from foster.engines.selection.result import GreedyResult


def greedy_selection(problem: SelectionProblem) -> GreedyResult:
    compiled = compile_problem(problem)
    n = compiled.n
    activity = np.zeros(compiled.m)
    upper = compiled.row_upper
    tolerance = 1e-9 * np.maximum(1.0, np.abs(upper))
    x = np.zeros(n)
    locked_in = np.flatnonzero(compiled.locked == 1)
    order = np.lexsort((np.arange(n), -compiled.values))
    start, rows_, values_ = compiled.column_start, compiled.entry_row, compiled.entry_value
    for column in locked_in.tolist():
        x[column] = 1.0
        rows = rows_[start[column] : start[column + 1]]
        activity[rows] += values_[start[column] : start[column + 1]]
    for column in order.tolist():
        if compiled.locked[column] != 0:
            continue
        rows = rows_[start[column] : start[column + 1]]
        after = activity[rows] + values_[start[column] : start[column + 1]]
        if np.all(after <= upper[rows] + tolerance[rows]):
            activity[rows] = after
            x[column] = 1.0
    broken = (activity < compiled.row_lower - tolerance) | (activity > upper + tolerance)
    violated = sorted({compiled.constraints[int(compiled.row_constraint[row])].name for row in np.flatnonzero(broken)})
    chosen = np.flatnonzero(x > 0.5)
    return GreedyResult(
        selected=tuple(compiled.ids[column] for column in chosen.tolist()),
        objective=float(compiled.values[chosen].sum()),
        violated=tuple(violated),
    )
