"""Benchmark: the selection engine against plain HiGHS, the LP relaxation and score-order greedy.

Instances shaped like the plan: scores ~ N(70, 10); requests log-normal around KRW 300 million
(integer won, rounded to a million); 20 sectors with skewed popularity, two of them (AI and
semiconductors) taking about a third of the demand; 17 regions, the capital area heaviest; about
2.5 applications per company; the budget is 30% of the demand. Constraints:

- budget: total requests <= 30% of demand;
- at least 60% of the money to AI and semiconductors (a share);
- regional minimums: each of the 15 regions outside the capital area gets at least 60% of its
  demand-proportional part of the budget;
- sector maximums: no sector takes more than 35% of the budget;
- designation: exactly n/100 manufacturing-AI designations (a count over the eligible 5%);
- per-company cap of KRW 10 billion including existing exposure (group_sum with ``existing``);
  3% of companies already carry KRW 7.5-10.5 billion elsewhere.

All methods run in the same process on the same instance, one after another:
- ``engine, portfolio only``: ``solve_selection`` without explanations, flips, sweep and quota costs;
- ``engine + explanations``: the same with a reason for every candidate (no flip values);
- ``engine + extras``: the same call as ``foster select`` (explanations with 20 + 20 flip values
  by re-solving, the 11-point budget sweep, the cost of every constraint), each what-if re-solve
  limited to ``--resolve-time-limit`` seconds (default 10; one stopped by it reports an interval);
- ``plain HiGHS``: the straightforward MILP over all columns (HiGHS defaults, presolve on), with
  the same relative gap and a time limit of min(20 × engine time, 300 s);
- ``LP relaxation``: HiGHS on the LP alone (its optimum is the bound everything is compared with);
- ``greedy``: fund by score, highest first, while every maximum holds (minimums not pursued).

Run:  FOSTER_MODE=test .venv/bin/python bench/selection.py [--sizes 1000 10000 100000] [--gap 1e-4]
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import highspy
import numpy as np

from common import cpu_and_memory, timed
from foster.engines.selection import (
    Candidate,
    Constraint,
    ConstraintType,
    SelectionProblem,
    compile_problem,
    greedy_selection,
    solve_selection,
)
from foster.engines.selection.core import SelectionModel, plain_milp

SECTORS = 20
REGIONS = [
    "Seoul", "Gyeonggi", "Incheon", "Busan", "Daegu", "Gwangju", "Daejeon", "Ulsan", "Sejong", "Gangwon",
    "Chungbuk", "Chungnam", "Jeonbuk", "Jeonnam", "Gyeongbuk", "Gyeongnam", "Jeju",
]  # fmt: skip
CAPITAL_AREA = {"Seoul", "Gyeonggi"}
CAP_KRW = 10_000_000_000


def make_instance(n: int, seed: int) -> SelectionProblem:
    rng = np.random.default_rng(seed)
    sector_names = ["ai", "semiconductor", *[f"sector-{index:02d}" for index in range(3, SECTORS + 1)]]
    sector_weights = np.array([4.0, 3.0, *(1.0 / np.arange(1, SECTORS - 1) ** 0.5 * 2.0)])
    sector_weights /= sector_weights.sum()
    region_weights = np.array([8.0, 6.0, 1.5, 2.0, 1.2, 0.8, 1.0, 0.6, 0.3, 0.6, 0.7, 0.9, 0.6, 0.6, 0.9, 1.1, 0.3])
    region_weights /= region_weights.sum()
    scores = np.clip(rng.normal(70.0, 10.0, n), 0.0, 100.0).round(2)
    spreads = np.abs(rng.normal(0.0, 3.0, n)).round(2)
    requests = (np.exp(rng.normal(np.log(300.0), 0.6, n)).round() * 1_000_000).astype(np.int64)
    requests = np.maximum(requests, 10_000_000)
    sectors = rng.choice(SECTORS, size=n, p=sector_weights)
    regions = rng.choice(len(REGIONS), size=n, p=region_weights)
    companies_count = max(1, int(n / 2.5))
    companies = rng.integers(0, companies_count, size=n)
    designation_eligible = rng.random(n) < 0.05
    exposed = np.flatnonzero(rng.random(companies_count) < 0.03)
    existing = {
        f"co{company:06d}": int(rng.uniform(7.5e9, 10.5e9) // 1_000_000 * 1_000_000) for company in exposed.tolist()
    }

    candidates = [
        Candidate(
            id=f"app{index:06d}",
            value=float(scores[index]),
            costs={"amount_krw": float(requests[index])},
            attributes={
                "sector": sector_names[sectors[index]],
                "region": REGIONS[regions[index]],
                "company": f"co{companies[index]:06d}",
                "designation": "eligible" if designation_eligible[index] else "no",
            },
            spread=float(spreads[index]),
        )
        for index in range(n)
    ]
    demand = float(requests.sum())
    budget = float(int(0.3 * demand))
    constraints = [
        Constraint("budget", ConstraintType.SUM, cost="amount_krw", max=budget),
        Constraint(
            "AI and semiconductors at least 60%",
            ConstraintType.SHARE,
            cost="amount_krw",
            where={"sector": ("ai", "semiconductor")},
            min=0.6,
        ),
    ]
    for region_index, region in enumerate(REGIONS):
        if region in CAPITAL_AREA:
            continue
        region_demand = float(requests[regions == region_index].sum())
        constraints.append(
            Constraint(
                f"regional minimum {region}",
                ConstraintType.SUM,
                cost="amount_krw",
                where={"region": (region,)},
                min=float(int(0.6 * budget * region_demand / demand)),
            )
        )
    for name in sector_names:
        constraints.append(
            Constraint(
                f"sector maximum {name}",
                ConstraintType.SUM,
                cost="amount_krw",
                where={"sector": (name,)},
                max=float(int(0.35 * budget)),
            )
        )
    designations = max(10, n // 100)
    constraints.append(
        Constraint(
            "manufacturing AI designations",
            ConstraintType.COUNT,
            where={"designation": ("eligible",)},
            min=designations,
            max=designations,
        )
    )
    constraints.append(
        Constraint(
            "per-company cap KRW 10 billion",
            ConstraintType.GROUP_SUM,
            cost="amount_krw",
            group_by="company",
            max=float(CAP_KRW),
            existing={group: float(amount) for group, amount in existing.items()},
        )
    )
    return SelectionProblem(candidates=candidates, constraints=constraints, seed=seed)


def lp_relaxation(problem: SelectionProblem) -> tuple[float, float]:
    """(seconds, LP optimum) of HiGHS on the LP relaxation alone, model build excluded.

    Dual simplex with presolve off, the fastest HiGHS setting on this shape (with presolve on,
    HiGHS spends most of its time in presolve: 19 s against 0.5 s at 30,000 candidates).
    """
    compiled = compile_problem(problem)
    model = SelectionModel(compiled)
    highs = model.lp
    start = time.perf_counter()
    highs.run()
    seconds = time.perf_counter() - start
    assert highs.getModelStatus() == highspy.HighsModelStatus.kOptimal
    return seconds, -float(highs.getInfo().objective_function_value)


def _row(method: str, n: int, seconds: float, objective: float | None, bound: float, note: str) -> str:
    value = f"{objective:,.2f}" if objective is not None else "none"
    gap = f"{(bound - objective) / abs(bound):.4%}" if objective is not None else "n/a"
    return f"| {n:,} | {method} | {seconds:.2f} | {value} | {gap} | {note} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--gap", type=float, default=1e-4)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--time-limit", type=float, default=300.0)
    parser.add_argument("--no-extras", action="store_true", help="skip the run with explanations and sweeps")
    parser.add_argument("--resolve-time-limit", type=float, default=10.0, help="seconds per what-if re-solve")
    parser.add_argument("--skip-plain", action="store_true", help="skip plain HiGHS (it can run long past its limit)")
    args = parser.parse_args()
    cpu, memory = cpu_and_memory()
    print(
        f"machine: {os.cpu_count()} CPUs ({cpu}), {memory or 0:.1f} GiB RAM, Python {platform.python_version()}, "
        f"numpy {np.__version__}, highspy {highspy.Highs().version()}"  # type: ignore[no-untyped-call]
    )
    print(f"load average before: {os.getloadavg()[0]:.1f}; gap {args.gap:g}; seed {args.seed}")
    print()
    print("| n | method | seconds | total score | gap to LP bound | notes |")
    print("|---:|---|---:|---:|---:|---|")
    for n in args.sizes:
        problem = make_instance(n, args.seed)
        lp_seconds, lp_bound = lp_relaxation(problem)
        with timed() as portfolio_time:
            portfolio = solve_selection(
                problem,
                time_limit=args.time_limit,
                gap=args.gap,
                near_line=0,
                with_sensitivity=False,
                with_quota_costs=False,
                with_explanations=False,
            )
        stats = portfolio.statistics
        assert stats is not None
        print(
            _row(
                "engine, portfolio only",
                n,
                portfolio_time.wall,
                portfolio.objective,
                lp_bound,
                f"{portfolio.status}, proven gap {portfolio.gap or 0:.4%}, {len(portfolio.selected):,} selected, "
                f"{stats.rows} rows ({stats.dropped_group_rows:,} cap rows left out), core {list(stats.core_sizes)}, "
                f"LP {stats.lp_seconds:.2f} s + core {stats.core_seconds:.2f} s",
            ),
            flush=True,
        )
        with timed() as engine_time:
            result = solve_selection(
                problem,
                time_limit=args.time_limit,
                gap=args.gap,
                near_line=0,
                with_sensitivity=False,
                with_quota_costs=False,
            )
        print(
            _row(
                "engine + explanations of every candidate",
                n,
                engine_time.wall,
                result.objective,
                lp_bound,
                f"{result.status}, proven gap {result.gap or 0:.4%}",
            ),
            flush=True,
        )
        if not args.no_extras:
            with timed() as extras_time:
                full = solve_selection(
                    problem, time_limit=args.time_limit, gap=args.gap, resolve_time_limit=args.resolve_time_limit
                )
            flips = sum(1 for item in full.explanations.values() if item.flip is not None)
            exact = sum(1 for item in full.explanations.values() if item.flip is not None and item.flip.is_exact)
            solves = full.statistics.resolves if full.statistics else 0
            print(
                _row(
                    "engine + extras (as `foster select`)",
                    n,
                    extras_time.wall,
                    full.objective,
                    lp_bound,
                    f"{flips} flip values ({exact} exact), 11-point budget sweep, "
                    f"{len(full.quota_costs)} constraint costs; {solves} solves",
                ),
                flush=True,
            )
        plain_limit = min(20 * engine_time.wall, args.time_limit)
        compiled = compile_problem(problem)
        if args.skip_plain:
            print(f"| {n:,} | plain HiGHS MILP | skipped | | | |")
        else:
            with timed() as plain_time:
                status, plain_objective, plain_bound = plain_milp(compiled, time_limit=plain_limit, gap=args.gap)
            bound_note = f", its bound {plain_bound:,.2f}" if plain_bound is not None else ""
            note = f"{status} (time limit {plain_limit:.1f} s){bound_note}"
            print(_row("plain HiGHS MILP", n, plain_time.wall, plain_objective, lp_bound, note), flush=True)
        print(_row("HiGHS LP relaxation (bound)", n, lp_seconds, lp_bound, lp_bound, "fractional; not a portfolio"))
        with timed() as greedy_time:
            greedy = greedy_selection(problem)
        broken = f"breaks {len(greedy.violated)}: {', '.join(greedy.violated[:4])}" if greedy.violated else "meets all"
        print(
            _row("score-order greedy", n, greedy_time.wall, greedy.objective, lp_bound, broken),
            flush=True,
        )
    print()
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
