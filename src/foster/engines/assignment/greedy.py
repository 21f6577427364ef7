"""The greedy baseline: take pairs in order of decreasing fit while both sides have room.

Pins are taken first. Then every allowed pair, sorted by fit (ties by application order, then
reviewer order), is taken if its application still needs a reviewer and its reviewer still has
load. Greedy is neither optimal nor sure to cover every application; it is what a spreadsheet or a
simple loop would do, and the benchmark measures the optimal engine against it.

The loop is exact but processed in blocks: before a block is walked pair by pair in Python, numpy
drops the pairs whose application or reviewer was already full when the block started (being full
never stops, so those pairs would be skipped anyway).
"""

from __future__ import annotations

import numpy as np

from foster.engines.assignment.problem import AssignmentProblem, compile_problem
from foster.engines.assignment.result import GreedyResult, build_pairs

GREEDY_BLOCK = 65_536


def greedy_assignment(problem: AssignmentProblem) -> GreedyResult:
    """Highest fit first within k, load limits, conflicts, pins and forbids; see the module docstring."""
    compiled = compile_problem(problem)
    n, m = compiled.shape
    blocked = compiled.blocked()
    pinned_rows, pinned_cols = compiled.pinned
    usable_pins = ~blocked[pinned_rows, pinned_cols]
    pinned_rows, pinned_cols = pinned_rows[usable_pins], pinned_cols[usable_pins]

    need = compiled.k - np.bincount(pinned_rows, minlength=n).astype(np.int64)
    room = compiled.load_limit - np.bincount(pinned_cols, minlength=m).astype(np.int64)
    candidate = ~blocked
    candidate[compiled.pinned] = False
    candidates = np.flatnonzero(candidate)
    fits = np.asarray(compiled.fit.reshape(-1)[candidates], dtype=np.float64)
    order = candidates[np.argsort(-fits, kind="stable")]

    chosen: list[int] = []
    remaining = int(np.clip(need, 0, None).sum())
    for start in range(0, order.size, GREEDY_BLOCK):
        if remaining == 0:
            break
        block = order[start : start + GREEDY_BLOCK]
        rows, cols = block // m, block % m
        open_pairs = (need[rows] > 0) & (room[cols] > 0)
        for linear, row, col in zip(
            block[open_pairs].tolist(), rows[open_pairs].tolist(), cols[open_pairs].tolist(), strict=True
        ):
            if need[row] > 0 and room[col] > 0:
                need[row] -= 1
                room[col] -= 1
                remaining -= 1
                chosen.append(linear)

    chosen_array = np.array(chosen, dtype=np.int64)
    pairs, total_fit = build_pairs(compiled, chosen_array // m, chosen_array % m, pinned_rows, pinned_cols)
    uncovered = tuple((compiled.application_ids[row], int(need[row])) for row in np.flatnonzero(need > 0).tolist())
    return GreedyResult(pairs=pairs, total_fit=total_fit, uncovered=uncovered)
