"""Why each candidate is in or out, in codes for the platform and in English for files and logs.

For a candidate left out, the portfolio is checked with it added: if that breaks a constraint
(``would_not_fit``) the constraint is named with the room left and what the candidate needs;
otherwise it fits, and the constraints whose LP prices outweigh its value are named
(``constraint_binds``: the money or places go to candidates worth more for what they use).
"""

from __future__ import annotations

import numpy as np

from foster.engines.selection.problem import CompiledProblem, FloatArray, IndexArray
from foster.engines.selection.result import Explanation, Flip, ReasonCode

PRICE_TOLERANCE = 1e-9


def _quote(names: list[str]) -> str:
    quoted = [f"'{name}'" for name in names]
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


def binding_rows(problem: CompiledProblem, x: FloatArray, y: FloatArray | None) -> IndexArray:
    """Rows with a non-zero LP price, or met with equality by the portfolio ``x``."""
    activity = problem.activity(x)
    tolerance = 1e-9 * np.maximum(1.0, np.abs(activity))
    tight = (np.abs(activity - problem.row_upper) <= tolerance) | (np.abs(activity - problem.row_lower) <= tolerance)
    if y is not None:
        scale = max(1.0, float(np.abs(problem.values).max(initial=0.0)))
        row_scale = np.zeros(problem.m)
        np.maximum.at(row_scale, problem.entry_row, np.abs(problem.entry_value))
        tight |= np.abs(y) * row_scale > 1e-7 * scale
    return np.flatnonzero(tight)


def explain(
    problem: CompiledProblem,
    x: FloatArray,
    y: FloatArray | None,
    lottery: dict[int, tuple[bool, int, int]],
    flips: dict[int, Flip],
) -> dict[str, Explanation]:
    """One explanation per candidate (by id). ``lottery`` maps a tied column to (won, position, seed)."""
    activity = problem.activity(x)
    lower, upper = problem.row_lower, problem.row_upper
    tolerance = 1e-9 * np.maximum(1.0, np.maximum(np.abs(np.nan_to_num(lower, posinf=0, neginf=0)), np.abs(activity)))
    # Adding column j to the portfolio: which rows would it break? (vectorised over all entries)
    entry_after = activity[problem.entry_row] + problem.entry_value
    row, col = problem.entry_row, problem.entry_col
    breaks = (x[col] < 0.5) & (
        (entry_after > upper[row] + tolerance[row]) | (entry_after < lower[row] - tolerance[row])
    )
    # Entries are sorted by column: split the breaking ones into one run per column.
    broken_entries = np.flatnonzero(breaks)
    broken_columns, first_of_run = np.unique(col[broken_entries], return_index=True)
    # (no breaking entry at all, e.g. every candidate selected: no runs, not one empty run)
    runs = np.split(broken_entries, first_of_run[1:]) if broken_entries.size else []
    breaking_rows = dict(zip(broken_columns.tolist(), (run.tolist() for run in runs), strict=True))
    quoted_rows: dict[tuple[int, ...], tuple[list[str], list[str], str]] = {}
    price = np.zeros(problem.entry_value.size) if y is None else y[row] * problem.entry_value
    start = problem.column_start

    explanations: dict[str, Explanation] = {}
    for column, identifier in enumerate(problem.ids):
        is_selected = bool(x[column] > 0.5)
        value = float(problem.values[column])
        flip = flips.get(column)
        params: dict[str, int | float | str | bool | tuple[str, ...] | None] = {"value": value}
        if column in problem.lock_reason:
            kind, reason = problem.lock_reason[column]
            code = ReasonCode(kind)
            params["reason"] = reason
            words = {
                "locked_in": "Selected: it is locked in.",
                "locked_out": "Not selected: it is locked out.",
                "override_in": "Selected: the committee locked it in",
                "override_out": "Not selected: the committee locked it out",
            }[kind]
            text = f"{words} ({reason})." if reason else words
            explanations[identifier] = Explanation(code, is_selected, params, text, None)
            continue
        if column in lottery:
            won, position, seed = lottery[column]
            params.update({"draw_position": position, "seed": seed})
            code = ReasonCode.LOTTERY_WON if won else ReasonCode.LOTTERY_LOST
            text = (
                f"{'Selected' if won else 'Not selected'}: tied at the funding line with other candidates "
                f"(value within the tie band); drawn {position} in the lottery with seed {seed}."
            )
            explanations[identifier] = Explanation(code, is_selected, params, text, flip)
            continue
        if is_selected:
            text = "Selected: it is part of the portfolio of greatest total value that meets every constraint."
            explanations[identifier] = Explanation(ReasonCode.SELECTED, True, params, text, flip)
            continue
        if column in breaking_rows:
            entries = breaking_rows[column]
            key = tuple(int(row[entry]) for entry in entries)
            if key not in quoted_rows:
                row_labels = list(dict.fromkeys(problem.row_label(r) for r in key))
                row_names = list(dict.fromkeys(problem.constraints[int(problem.row_constraint[r])].name for r in key))
                quoted_rows[key] = (row_labels, row_names, _quote(row_labels))
            labels, names, quoted = quoted_rows[key]
            first = entries[0]
            first_row = int(row[first])
            room = (
                float(upper[first_row] - activity[first_row])
                if entry_after[first] > upper[first_row]
                else float(activity[first_row] - lower[first_row])
            )
            params.update(
                {
                    "constraints": tuple(names),
                    "rows": tuple(labels),
                    "room": room,
                    "needs": float(problem.entry_value[first]),
                }
            )
            text = (
                f"Not selected: it would not fit; adding it would break {quoted} "
                f"(room left {room:,.6g}, it needs {float(problem.entry_value[first]):,.6g})."
            )
            explanations[identifier] = Explanation(ReasonCode.WOULD_NOT_FIT, False, params, text, flip)
            continue
        if value <= 0:
            text = "Not selected: its value is not positive, so selecting it cannot raise the total."
            explanations[identifier] = Explanation(ReasonCode.NO_VALUE, False, params, text, flip)
            continue
        entries = np.arange(start[column], start[column + 1])
        charged = entries[price[entries] > PRICE_TOLERANCE * max(1.0, abs(value))]
        charged = charged[np.argsort(-price[charged], kind="stable")]
        names = list(dict.fromkeys(problem.row_label(int(row[entry])) for entry in charged.tolist()))[:3]
        if names:
            params.update({"constraints": tuple(names), "line_value": float(price[entries].sum())})
            text = (
                f"Not selected: it fits, but {_quote(names)} {'binds' if len(names) == 1 else 'bind'}: "
                f"what it uses is worth more to candidates of higher value for their cost "
                f"(it would need a value of about {float(price[entries].sum()):,.6g} to be at the funding line)."
            )
            explanations[identifier] = Explanation(ReasonCode.CONSTRAINT_BINDS, False, params, text, flip)
        else:
            text = "Not selected: adding it would not break a constraint; the portfolio is within the optimality gap."
            explanations[identifier] = Explanation(ReasonCode.WITHIN_GAP, False, params, text, flip)
    return explanations


def flip_from_solves(
    is_selected: bool,
    objective: float,
    bound: float,
    other_objective: float | None,
    other_bound: float | None,
    other_infeasible: bool,
    exact_tolerance: float,
) -> Flip:
    """The value change that flips a decision, from the optimum and the optimum with the opposite lock.

    With the value moved by d, the best portfolio keeping the decision is worth OPT - d (it contains
    the candidate when selected; when left out, the best portfolio containing it gains d), the best
    with the opposite decision OPT_other; the decision flips once d > OPT - OPT_other. OPT lies in
    [objective, bound] and OPT_other in [other_objective, other_bound].
    """
    direction = "decrease" if is_selected else "increase"
    if other_infeasible:
        return Flip(direction, None, 0.0, None, True, False)
    if other_objective is None or other_bound is None:
        return Flip(direction, None, max(0.0, objective - bound), None, False, True)
    lower = max(0.0, objective - other_bound)
    upper = max(0.0, bound - other_objective)
    is_exact = upper - lower <= exact_tolerance
    change = objective - other_objective if is_exact else None
    if is_exact:
        lower = upper = max(0.0, objective - other_objective)
        change = lower
    return Flip(direction, change, lower, upper, is_exact, True)
