"""Optimal reviewer assignment: every application gets k reviewers, maximising total expertise fit.

Constraints: exactly k reviewers per application, at most ``load_limit`` applications per
reviewer, never a conflicted or forbidden pair, always a pinned pair. This is a bipartite
b-matching (a transportation problem with unit arc capacities). Its LP relaxation has a totally
unimodular matrix, also with pins (fixed bounds, here subtracted from k and from the load) and
forbids (removed arcs), so the simplex optimum is already a 0/1 assignment: we solve an LP, not an
integer program, and then check the rounded solution against every constraint.

At 10,000 applications × 1,000 reviewers the LP would have 10 million columns. Column generation
keeps it small: start from the best few reviewers of each application, solve with HiGHS, price all
10 million pairs at once with numpy from the duals (reduced cost ``-fit - u_i - v_j``), add the
pairs that would improve the objective, and repeat until none would; then the restricted optimum is
the optimum over all pairs. See ``solver`` for the details and ``diagnosis`` for how an infeasible
problem is explained (local counts, then Hall sets from a maximum flow).

``greedy_assignment`` is the baseline the benchmark compares against: highest fit first, within
the same constraints, with no guarantee of optimality or even of covering every application.
"""

from foster.engines.assignment.greedy import greedy_assignment
from foster.engines.assignment.problem import Application, AssignmentProblem, Identifier, Pair, Reviewer, SparseFit
from foster.engines.assignment.result import (
    AssignmentPair,
    AssignmentResult,
    AssignmentStatus,
    CoverageIssue,
    GreedyResult,
    InfeasibilityDiagnosis,
    IssueCode,
    IterationRecord,
)
from foster.engines.assignment.solver import solve_assignment

__all__ = [
    "Application",
    "AssignmentPair",
    "AssignmentProblem",
    "AssignmentResult",
    "AssignmentStatus",
    "CoverageIssue",
    "GreedyResult",
    "Identifier",
    "InfeasibilityDiagnosis",
    "IssueCode",
    "IterationRecord",
    "Pair",
    "Reviewer",
    "SparseFit",
    "greedy_assignment",
    "solve_assignment",
]
