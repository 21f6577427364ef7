"""Portfolio selection: the candidates of greatest total value under budgets, caps, quotas and locks.

The model is a 0/1 program: maximise the total value of the selected candidates subject to
``sum``, ``count``, ``share`` and ``group_sum`` constraints (``docs/selection.md``), locks and
committee overrides. ``core`` solves it exactly and fast on this structure (few rows, many
columns): the LP relaxation by HiGHS, reduced-cost fixing against a Lagrangian bound, and a small
core MILP around the funding line, with optimality proven against the bound. ``solver`` adds the
explanations, flip values, lottery, override cost, budget sweep and quota costs; ``diagnosis``
names conflicting constraints; ``serialization`` reads and writes the problem file and the result.
``greedy_selection`` is the score-order baseline of the benchmark.
"""

from foster.engines.selection.greedy import greedy_selection
from foster.engines.selection.problem import (
    Candidate,
    CompiledProblem,
    Constraint,
    ConstraintType,
    Decision,
    Lottery,
    Override,
    SelectionProblem,
    SensitivitySettings,
    compile_problem,
    problem_errors,
)
from foster.engines.selection.result import (
    Conflict,
    Explanation,
    Flip,
    GreedyResult,
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
from foster.engines.selection.serialization import (
    ProblemFormatError,
    problem_from_json,
    problem_to_json,
    result_to_json,
)
from foster.engines.selection.solver import solve_selection

__all__ = [
    "Candidate",
    "CompiledProblem",
    "Conflict",
    "Constraint",
    "ConstraintType",
    "Decision",
    "Explanation",
    "Flip",
    "GreedyResult",
    "Lottery",
    "LotteryRecord",
    "Override",
    "OverrideRecord",
    "ProblemFormatError",
    "QuotaCost",
    "ReasonCode",
    "SelectionProblem",
    "SelectionResult",
    "SelectionStatus",
    "Sensitivity",
    "SensitivityPoint",
    "SensitivitySettings",
    "SolveStatistics",
    "compile_problem",
    "greedy_selection",
    "problem_errors",
    "problem_from_json",
    "problem_to_json",
    "result_to_json",
    "solve_selection",
]
