"""Outputs of the selection engine: the portfolio, why each candidate is in or out, and what-ifs.

Reasons are structured (a stable ``code`` and ``params``) so that the platform can translate them;
``text`` is the English sentence for logs, files and callers that do not translate.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

ParamValue = int | float | str | bool | None | tuple[str, ...]


class SelectionStatus(StrEnum):
    """``optimal``: proven within the requested gap. ``feasible``: a portfolio meeting every constraint
    whose proven gap is larger (the time limit stopped the search). ``infeasible``: no portfolio meets
    the constraints (the result names the conflicting ones). ``time_limit``: stopped before any
    portfolio was found."""

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    TIME_LIMIT = "time_limit"


class ReasonCode(StrEnum):
    """Stable reason codes of an explanation; the Django layer translates them."""

    SELECTED = "selected"
    LOCKED_IN = "locked_in"
    LOCKED_OUT = "locked_out"
    OVERRIDE_IN = "override_in"
    OVERRIDE_OUT = "override_out"
    WOULD_NOT_FIT = "would_not_fit"
    CONSTRAINT_BINDS = "constraint_binds"
    WITHIN_GAP = "within_gap"
    NO_VALUE = "no_value"
    LOTTERY_WON = "lottery_won"
    LOTTERY_LOST = "lottery_lost"
    NO_PORTFOLIO = "no_portfolio"


@dataclass(frozen=True, slots=True)
class Flip:
    """The change of a candidate's value that would flip its decision, found by re-solving.

    ``direction`` is ``increase`` (for a candidate left out) or ``decrease`` (for one selected). The
    decision flips once the value moves by more than the true change, which lies in
    [``lower``, ``upper``]; ``is_exact`` when both re-solves were proven optimal, and then
    ``lower == upper == value_change``. ``is_possible`` is false when no value change can flip it
    (the constraints cannot be met with the opposite decision); ``upper`` is then ``None``.
    """

    direction: str
    value_change: float | None
    lower: float
    upper: float | None
    is_exact: bool
    is_possible: bool


@dataclass(frozen=True, slots=True)
class Explanation:
    code: ReasonCode
    is_selected: bool
    params: Mapping[str, ParamValue]
    text: str
    flip: Flip | None = None


@dataclass(frozen=True, slots=True)
class SensitivityPoint:
    """The optimum with the scaled constraint's bounds multiplied by ``factor``."""

    factor: float
    limit: float | None
    status: SelectionStatus
    objective: float | None
    bound: float | None
    selected_count: int | None
    total_cost: float | None


@dataclass(frozen=True, slots=True)
class Sensitivity:
    constraint: str
    cost: str | None
    points: tuple[SensitivityPoint, ...]


@dataclass(frozen=True, slots=True)
class QuotaCost:
    """What a constraint costs: the optimum without it minus the optimum with it (``None`` if unknown)."""

    constraint: str
    type: str
    status_without: SelectionStatus
    objective_without: float | None
    cost: float | None
    is_exact: bool


@dataclass(frozen=True, slots=True)
class LotteryRecord:
    """The draw among candidates tied at the funding line, recorded so it can be re-run bit for bit."""

    seed: int
    tie_band: float
    tied: tuple[str, ...]
    draw_order: tuple[str, ...]
    winners: tuple[str, ...]
    objective_before: float
    objective_after: float


@dataclass(frozen=True, slots=True)
class OverrideRecord:
    """What the committee's overrides cost: the optimum without them, and the value given up."""

    overrides: tuple[tuple[str, str, str], ...]
    status_without: SelectionStatus
    objective_without: float | None
    objective_lost: float | None
    is_exact: bool


@dataclass(frozen=True, slots=True)
class Conflict:
    """Constraints (and locks) that cannot all hold together; none of them can be left out of the set
    without it becoming satisfiable when ``is_irreducible``."""

    constraints: tuple[str, ...]
    locks: tuple[str, ...]
    is_irreducible: bool
    text: str


@dataclass(frozen=True, slots=True)
class SolveStatistics:
    """How the main solve went. ``lp_bound`` is the root bound: the Lagrangian bound from the LP duals
    with the small group rows kept whole (at most the LP optimum). ``core_sizes`` lists the columns of
    each core MILP; ``fixed_by_reduced_cost`` the columns fixed outside the last core."""

    columns: int
    rows: int
    dropped_group_rows: int
    lp_bound: float | None
    core_sizes: tuple[int, ...]
    fixed_by_reduced_cost: int
    seconds: float
    solve_seconds: float
    lp_seconds: float
    core_seconds: float
    resolves: int


@dataclass(frozen=True)
class SelectionResult:
    """The portfolio and everything needed to explain and audit it.

    ``objective`` is the total value of ``selected`` (original values, also after a lottery);
    ``bound`` a proven upper bound on the best total value; ``gap`` = (bound - objective) / |objective|.
    ``selected`` lists ids in id order. ``binding`` names the constraints that limit the optimum
    (non-zero LP price, or met with equality by the portfolio).
    """

    status: SelectionStatus
    objective: float | None
    bound: float | None
    gap: float | None
    selected: tuple[str, ...]
    explanations: Mapping[str, Explanation]
    binding: tuple[str, ...]
    seed: int
    conflict: Conflict | None = None
    sensitivity: Sensitivity | None = None
    quota_costs: tuple[QuotaCost, ...] = ()
    lottery: LotteryRecord | None = None
    overrides: OverrideRecord | None = None
    statistics: SolveStatistics | None = None
    message: str = ""


@dataclass(frozen=True, slots=True)
class GreedyResult:
    """The score-order baseline: fund by value, highest first, while every maximum still holds."""

    selected: tuple[str, ...]
    objective: float
    violated: tuple[str, ...]
