"""The selection engine against exhaustive search and plain HiGHS; explanations, what-ifs, the file format."""

from __future__ import annotations

import dataclasses
import itertools
import json

import highspy
import numpy as np
import pytest

from foster.engines.selection import (
    Candidate,
    Constraint,
    ConstraintType,
    Decision,
    Lottery,
    Override,
    ProblemFormatError,
    ReasonCode,
    SelectionProblem,
    SelectionStatus,
    compile_problem,
    greedy_selection,
    problem_from_json,
    problem_to_json,
    result_to_json,
    solve_selection,
)
from foster.engines.selection.core import plain_milp

SECTORS = ("ai", "semiconductor", "bio", "retail")
REGIONS = ("Seoul", "Busan", "Daegu")


def random_problem(seed: int, n: int = 10, *, with_locks: bool = True) -> SelectionProblem:
    """Every constraint type: a budget, a share, a count with where, a group cap with existing, a second cost."""
    rng = np.random.default_rng(seed)
    candidates = [
        Candidate(
            id=f"c{index:02d}",
            value=float(rng.integers(1, 30)),
            costs={"amount": float(rng.integers(1, 12)), "staff": float(rng.integers(0, 4))},
            attributes={
                "sector": str(rng.choice(SECTORS)),
                "region": str(rng.choice(REGIONS)),
                "company": f"k{rng.integers(0, 4)}",
                "tags": tuple(str(tag) for tag in rng.choice(["x", "y", "z"], size=rng.integers(1, 3), replace=False)),
            },
        )
        for index in range(n)
    ]
    total = sum(candidate.costs["amount"] for candidate in candidates)
    constraints = [
        Constraint("budget", ConstraintType.SUM, cost="amount", max=float(int(total * rng.uniform(0.3, 0.6)))),
        Constraint(
            "AI share",
            ConstraintType.SHARE,
            cost="amount",
            where={"sector": ("ai", "semiconductor")},
            min=float(rng.choice([0.3, 0.5, 0.6])),
        ),
        Constraint("bio share max", ConstraintType.SHARE, cost="amount", where={"sector": ("bio",)}, max=0.5),
        Constraint("regional minimum Busan", ConstraintType.COUNT, where={"region": ("Busan",)}, min=1),
        Constraint("designations", ConstraintType.COUNT, where={"tags": ("x",)}, min=1, max=3),
        Constraint("cap", ConstraintType.GROUP_SUM, cost="amount", group_by="company", max=14.0, existing={"k1": 6.0}),
        Constraint("staff", ConstraintType.SUM, cost="staff", where={"region": ("Seoul", "Daegu")}, max=5.0),
    ]
    locked_in: list[str] = []
    locked_out: list[str] = []
    overrides: list[Override] = []
    if with_locks:
        picks = rng.choice(n, size=3, replace=False)
        locked_in = [candidates[picks[0]].id]
        locked_out = [candidates[picks[1]].id]
        overrides = [Override(candidates[picks[2]].id, Decision(str(rng.choice(["in", "out"]))), "committee")]
    return SelectionProblem(
        candidates=candidates,
        constraints=constraints,
        locked_in=locked_in,
        locked_out=locked_out,
        overrides=overrides,
        seed=seed,
    )


def brute_force(problem: SelectionProblem) -> tuple[float | None, list[tuple[float, frozenset[str]]]]:
    """The best total value over every subset meeting every row and lock, and every feasible subset."""
    compiled = compile_problem(problem)
    best = None
    feasible = []
    for bits in itertools.product((0.0, 1.0), repeat=compiled.n):
        x = np.array(bits)
        if np.any((compiled.locked == 1) & (x == 0)) or np.any((compiled.locked == -1) & (x == 1)):
            continue
        activity = compiled.activity(x)
        if np.all(activity >= compiled.row_lower - 1e-9) and np.all(activity <= compiled.row_upper + 1e-9):
            value = float(compiled.values @ x)
            feasible.append((value, frozenset(compiled.ids[j] for j in np.flatnonzero(x))))
            best = value if best is None or value > best else best
    return best, feasible


def meets_constraints(problem: SelectionProblem, selected: tuple[str, ...]) -> bool:
    """An independent check written from the format's definitions, not from the compiled rows."""
    chosen = [candidate for candidate in problem.candidates if candidate.id in set(selected)]

    def matches(candidate: Candidate, where: dict[str, tuple[str, ...]]) -> bool:
        for attribute, allowed in where.items():
            value = candidate.attributes.get(attribute)
            values = (value,) if isinstance(value, str) else (value or ())
            if not set(values) & set(allowed):
                return False
        return True

    for constraint in problem.constraints:
        where = dict(constraint.where)
        low = -np.inf if constraint.min is None else constraint.min
        high = np.inf if constraint.max is None else constraint.max
        if constraint.type == ConstraintType.COUNT:
            total = sum(1 for c in chosen if matches(c, where))
            if not low <= total <= high:
                return False
        elif constraint.type == ConstraintType.SUM:
            total = sum(c.costs.get(constraint.cost or "", 0.0) for c in chosen if matches(c, where))
            if not low - 1e-9 <= total <= high + 1e-9:
                return False
        elif constraint.type == ConstraintType.SHARE:
            part = sum(c.costs.get(constraint.cost or "", 0.0) for c in chosen if matches(c, where))
            whole = sum(c.costs.get(constraint.cost or "", 0.0) for c in chosen)
            if part < low * whole - 1e-9 or part > high * whole + 1e-9:
                return False
        else:
            groups: dict[str, float] = {}
            for c in chosen:
                value = c.attributes.get(constraint.group_by or "")
                for group in (value,) if isinstance(value, str) else (value or ()):
                    groups[group] = groups.get(group, 0.0) + c.costs.get(constraint.cost or "", 0.0)
            for group, total in groups.items():
                if total > max(0.0, high - constraint.existing.get(group, 0.0)) + 1e-9:
                    return False
    locked_in = set(problem.locked_in) | {o.id for o in problem.overrides if o.decision == Decision.IN}
    locked_out = set(problem.locked_out) | {o.id for o in problem.overrides if o.decision == Decision.OUT}
    return locked_in <= set(selected) and not locked_out & set(selected)


QUICK = {"near_line": 0, "with_sensitivity": False, "with_quota_costs": False}


@pytest.mark.parametrize("seed", range(60))
def test_matches_exhaustive_search_on_small_random_problems(seed: int) -> None:
    problem = random_problem(seed, n=int(8 + seed % 5))
    best, _ = brute_force(problem)
    result = solve_selection(problem, **QUICK)
    if best is None:
        assert result.status == SelectionStatus.INFEASIBLE
        assert result.selected == ()
        assert result.conflict is not None and (result.conflict.constraints or result.conflict.locks)
    else:
        assert result.status == SelectionStatus.OPTIMAL
        assert result.objective == pytest.approx(best, abs=1e-9)
        assert result.bound is not None and result.bound >= best - 1e-9
        assert meets_constraints(problem, result.selected)
        assert set(result.explanations) == {candidate.id for candidate in problem.candidates}


def mknap(seed: int, n: int, m: int, tightness: float) -> SelectionProblem:
    """A multidimensional knapsack in the style of Chu and Beasley: one sum constraint per resource."""
    rng = np.random.default_rng(seed)
    weights = rng.integers(1, 1000, size=(m, n))
    profits = weights.sum(axis=0) / m + rng.integers(0, 500, size=n)
    capacities = np.floor(tightness * weights.sum(axis=1))
    candidates = [
        Candidate(
            id=f"x{j:03d}",
            value=float(profits[j]),
            costs={f"r{i}": float(weights[i, j]) for i in range(m)},
        )
        for j in range(n)
    ]
    constraints = [
        Constraint(f"resource {i}", ConstraintType.SUM, cost=f"r{i}", max=float(capacities[i])) for i in range(m)
    ]
    return SelectionProblem(candidates=candidates, constraints=constraints)


def highs_mknap(problem: SelectionProblem) -> float:
    """The same knapsack written directly for HiGHS, row by row, without the engine's model code."""
    model = highspy.Highs()
    model.setOptionValue("output_flag", False)
    model.setOptionValue("mip_rel_gap", 0.0)
    n = len(problem.candidates)
    model.addVars(n, np.zeros(n), np.ones(n))
    model.changeColsCost(n, np.arange(n, dtype=np.int32), -np.array([c.value for c in problem.candidates]))
    model.changeColsIntegrality(
        n, np.arange(n, dtype=np.int32), np.full(n, highspy.HighsVarType.kInteger.value, dtype=np.uint8)
    )
    for constraint in problem.constraints:
        coefficients = np.array([c.costs[constraint.cost or ""] for c in problem.candidates])
        model.addRow(-highspy.kHighsInf, constraint.max, n, np.arange(n, dtype=np.int32), coefficients)
    model.run()
    assert model.getModelStatus() == highspy.HighsModelStatus.kOptimal
    return -model.getInfo().objective_function_value


@pytest.mark.parametrize(("seed", "n", "m", "tightness"), [(1, 40, 5, 0.25), (2, 50, 5, 0.5), (3, 35, 10, 0.75)])
def test_multidimensional_knapsack_solved_exactly(seed: int, n: int, m: int, tightness: float) -> None:
    problem = mknap(seed, n, m, tightness)
    result = solve_selection(problem, **QUICK)
    assert result.status == SelectionStatus.OPTIMAL
    assert result.objective == pytest.approx(highs_mknap(problem), abs=1e-6)
    assert meets_constraints(problem, result.selected)


@pytest.mark.parametrize("seed", range(8))
def test_small_multidimensional_knapsack_matches_exhaustive_search(seed: int) -> None:
    problem = mknap(seed, 12, 3, 0.4)
    best, _ = brute_force(problem)
    assert solve_selection(problem, **QUICK).objective == pytest.approx(best)


def test_agrees_with_plain_highs_on_a_larger_instance() -> None:
    problem = random_problem(5, n=300, with_locks=False)
    problem = dataclasses.replace(
        problem,
        constraints=[
            c if c.name != "regional minimum Busan" else dataclasses.replace(c, min=20) for c in problem.constraints
        ],
    )
    result = solve_selection(problem, **QUICK)
    status, objective, _ = plain_milp(compile_problem(problem), time_limit=60, gap=0.0)
    assert status == "Optimal"
    assert result.status == SelectionStatus.OPTIMAL
    assert result.objective == pytest.approx(objective, abs=1e-6)


def test_same_problem_and_seed_give_the_same_result_whatever_the_candidate_order() -> None:
    problem = random_problem(3, n=60, with_locks=True)
    problem = dataclasses.replace(problem, lottery=Lottery(tie_band=2.0))
    first = result_to_json(solve_selection(problem, near_line=3))
    again = result_to_json(solve_selection(problem, near_line=3))
    shuffled = dataclasses.replace(problem, candidates=list(reversed(problem.candidates)))
    reordered = result_to_json(solve_selection(shuffled, near_line=3))
    for data in (first, again, reordered):
        del data["statistics"]
    assert first == again == reordered


def test_infeasible_quotas_name_exactly_the_conflicting_constraints() -> None:
    candidates = [
        Candidate(f"a{i}", 10.0 + i, {"amount": 100.0}, {"region": "Busan" if i < 5 else "Seoul"}) for i in range(10)
    ]
    problem = SelectionProblem(
        candidates=candidates,
        constraints=[
            Constraint("budget", ConstraintType.SUM, cost="amount", max=500.0),
            Constraint("regional minimum Busan", ConstraintType.COUNT, where={"region": ("Busan",)}, min=3),
            Constraint(
                "regional minimum Seoul", ConstraintType.SUM, cost="amount", where={"region": ("Seoul",)}, min=300
            ),
            Constraint("at most 9", ConstraintType.COUNT, max=9),
        ],
    )
    result = solve_selection(problem)
    assert result.status == SelectionStatus.INFEASIBLE
    assert result.conflict is not None
    assert result.conflict.constraints == ("budget", "regional minimum Busan", "regional minimum Seoul")
    assert result.conflict.is_irreducible
    assert result.conflict.text == (
        "No portfolio meets the constraints 'budget', 'regional minimum Busan' and 'regional minimum Seoul'; "
        "relax one of them."
    )
    assert {item.code for item in result.explanations.values()} == {ReasonCode.NO_PORTFOLIO}


def test_integer_infeasibility_is_named_too() -> None:
    # The LP can take 1.5 candidates of cost 2 for exactly 3; whole candidates cannot.
    candidates = [Candidate(f"a{i}", 1.0, {"amount": 2.0}) for i in range(4)]
    problem = SelectionProblem(
        candidates=candidates,
        constraints=[
            Constraint("exactly 3", ConstraintType.SUM, cost="amount", min=3, max=3),
            Constraint("harmless", ConstraintType.COUNT, max=4),
        ],
    )
    result = solve_selection(problem)
    assert result.status == SelectionStatus.INFEASIBLE
    assert result.conflict is not None and result.conflict.constraints == ("exactly 3",)


def test_a_lock_in_the_conflict_is_named() -> None:
    candidates = [Candidate(f"a{i}", 5.0, {"amount": 10.0}) for i in range(4)]
    problem = SelectionProblem(
        candidates=candidates,
        constraints=[Constraint("budget", ConstraintType.SUM, cost="amount", max=15.0)],
        locked_in=["a0"],
        overrides=[Override("a1", Decision.IN, "strategic")],
    )
    result = solve_selection(problem)
    assert result.conflict is not None
    assert result.conflict.constraints == ("budget",)
    assert result.conflict.locks == ("a0", "a1")


@pytest.mark.parametrize("seed", [1, 4, 7, 11])
def test_flip_values_are_verified_by_solving_again(seed: int) -> None:
    problem = random_problem(seed, n=11)
    result = solve_selection(problem, near_line=4, with_sensitivity=False, with_quota_costs=False)
    assert result.status == SelectionStatus.OPTIMAL
    flipped = [(identifier, e) for identifier, e in result.explanations.items() if e.flip is not None]
    assert flipped
    for identifier, explanation in flipped:
        flip = explanation.flip
        assert flip is not None and flip.is_exact
        if not flip.is_possible:
            opposite = (
                dataclasses.replace(problem, locked_out=[*problem.locked_out, identifier])
                if explanation.is_selected
                else dataclasses.replace(problem, locked_in=[*problem.locked_in, identifier])
            )
            assert brute_force(opposite)[0] is None
            continue
        assert flip.value_change is not None
        sign = -1.0 if explanation.is_selected else 1.0
        for change, flips in ((flip.value_change + 0.01, True), (max(0.0, flip.value_change - 0.01), False)):
            changed = dataclasses.replace(
                problem,
                candidates=[
                    dataclasses.replace(c, value=c.value + sign * change) if c.id == identifier else c
                    for c in problem.candidates
                ],
            )
            best, feasible = brute_force(changed)
            assert best is not None
            # Every optimum of the changed problem has the flipped decision (or none has, below it).
            optima = [subset for value, subset in feasible if value >= best - 1e-9]
            assert all((identifier in subset) != explanation.is_selected for subset in optima) == flips


def test_explanations_name_the_constraint_that_blocks() -> None:
    candidates = [
        Candidate("big", 50.0, {"amount": 80.0}, {"company": "k1"}),
        Candidate("capped", 40.0, {"amount": 10.0}, {"company": "k2"}),
        Candidate("small", 30.0, {"amount": 10.0}, {"company": "k3"}),
        Candidate("cheap", 5.0, {"amount": 1.0}, {"company": "k4"}),
        Candidate("zero", 0.0, {"amount": 1.0}, {"company": "k5"}),
    ]
    problem = SelectionProblem(
        candidates=candidates,
        constraints=[
            Constraint("budget", ConstraintType.SUM, cost="amount", max=100.0),
            Constraint(
                "cap", ConstraintType.GROUP_SUM, cost="amount", group_by="company", max=100, existing={"k2": 95}
            ),
        ],
        locked_out=["cheap"],
    )
    result = solve_selection(problem)
    assert result.selected == ("big", "small")
    explanations = result.explanations
    assert explanations["capped"].code == ReasonCode.WOULD_NOT_FIT
    assert explanations["capped"].params["rows"] == ("cap [k2]",)
    assert explanations["capped"].text == (
        "Not selected: it would not fit; adding it would break 'cap [k2]' (room left 5, it needs 10)."
    )
    assert explanations["cheap"].code == ReasonCode.LOCKED_OUT
    assert explanations["zero"].code == ReasonCode.NO_VALUE
    assert explanations["big"].code == ReasonCode.SELECTED
    assert result.binding == ("cap",)


def test_everything_selected_is_explained_when_nothing_would_break_a_constraint() -> None:
    """No candidate left out, so no row breaks: every candidate is explained as selected (this
    once failed while splitting zero breaking entries into runs)."""
    problem = SelectionProblem(
        candidates=[Candidate("a", 10.0, {"amount": 30.0}), Candidate("b", 5.0, {"amount": 20.0})],
        constraints=[Constraint("budget", ConstraintType.SUM, cost="amount", max=100.0)],
    )
    result = solve_selection(problem)
    assert result.selected == ("a", "b")
    assert {key: value.code for key, value in result.explanations.items()} == {
        "a": ReasonCode.SELECTED,
        "b": ReasonCode.SELECTED,
    }


def test_override_cost_is_the_optimum_without_the_overrides_minus_the_optimum() -> None:
    problem = random_problem(2, n=10, with_locks=False)
    best, _ = brute_force(problem)
    assert best is not None
    result = solve_selection(problem, **QUICK)
    loser = next(candidate.id for candidate in problem.candidates if candidate.id not in result.selected)
    overridden = dataclasses.replace(problem, overrides=[Override(loser, Decision.IN, "regional policy")])
    with_override, _ = brute_force(overridden)
    result = solve_selection(overridden, **QUICK)
    assert result.overrides is not None
    if with_override is None:
        assert result.status == SelectionStatus.INFEASIBLE
        return
    assert result.overrides.objective_without == pytest.approx(best)
    assert result.overrides.objective_lost == pytest.approx(best - with_override)
    assert result.overrides.is_exact
    assert result.explanations[loser].code == ReasonCode.OVERRIDE_IN
    assert result.explanations[loser].params["reason"] == "regional policy"


def test_sensitivity_sweeps_the_budget_and_quota_costs_are_exact() -> None:
    problem = random_problem(6, n=10, with_locks=False)
    result = solve_selection(problem, near_line=0)
    assert result.status == SelectionStatus.OPTIMAL and result.sensitivity is not None
    points = result.sensitivity.points
    assert [point.factor for point in points] == pytest.approx([0.5 + 0.1 * i for i in range(11)])
    objectives = [point.objective for point in points if point.objective is not None]
    assert objectives == sorted(objectives)
    middle = points[5]
    assert middle.objective == pytest.approx(result.objective)
    for point in points:
        budget = next(c for c in problem.constraints if c.name == "budget")
        scaled = dataclasses.replace(
            problem,
            constraints=[
                dataclasses.replace(c, max=(budget.max or 0) * point.factor) if c.name == "budget" else c
                for c in problem.constraints
            ],
        )
        best, _ = brute_force(scaled)
        assert point.objective == (None if best is None else pytest.approx(best))
    for cost in result.quota_costs:
        without = dataclasses.replace(
            problem, constraints=[c for c in problem.constraints if c.name != cost.constraint]
        )
        best, _ = brute_force(without)
        assert best is not None and cost.objective_without == pytest.approx(best)
        assert cost.cost == pytest.approx(best - (result.objective or 0.0))
        assert cost.is_exact


def test_lottery_draws_among_tied_candidates_with_the_seed() -> None:
    # Ten equal-cost candidates with values within 1 of each other; the budget funds four.
    candidates = [Candidate(f"t{i}", 70.0 + 0.1 * i, {"amount": 1.0}, spread=1.0) for i in range(10)]
    candidates.append(Candidate("best", 90.0, {"amount": 1.0}))
    base = SelectionProblem(
        candidates=candidates,
        constraints=[Constraint("budget", ConstraintType.SUM, cost="amount", max=5.0)],
        lottery=Lottery(tie_band=0.0),
    )
    outcomes = set()
    for seed in range(6):
        result = solve_selection(dataclasses.replace(base, seed=seed), **QUICK)
        assert result.lottery is not None
        assert result.lottery.seed == seed
        assert "best" in result.selected and "best" not in result.lottery.tied
        assert len(result.selected) == 5
        assert set(result.lottery.winners) == set(result.selected) - {"best"}
        assert result.lottery.winners == result.lottery.draw_order[:4]
        assert result.explanations[result.lottery.winners[0]].code == ReasonCode.LOTTERY_WON
        again = solve_selection(dataclasses.replace(base, seed=seed), **QUICK)
        assert again.selected == result.selected
        outcomes.add(result.selected)
    assert len(outcomes) > 1


def test_greedy_respects_every_maximum() -> None:
    problem = random_problem(9, n=40, with_locks=False)
    greedy = greedy_selection(problem)
    optimum = solve_selection(problem, **QUICK)
    compiled = compile_problem(problem)
    x = np.array([1.0 if identifier in set(greedy.selected) else 0.0 for identifier in compiled.ids])
    assert np.all(compiled.activity(x) <= compiled.row_upper + 1e-9)
    if optimum.objective is not None and not greedy.violated:
        assert greedy.objective <= optimum.objective + 1e-9


def problem_file() -> dict[str, object]:
    return {
        "candidates": [
            {"id": "a", "value": 80, "costs": {"amount_krw": 300}, "attributes": {"region": "Busan", "company": "c1"}},
            {"id": "b", "value": 75, "costs": {"amount_krw": 200}, "attributes": {"region": "Seoul", "company": "c1"}},
        ],
        "constraints": [
            {"name": "budget", "type": "sum", "cost": "amount_krw", "max": 400},
            {"name": "regional minimum Busan", "type": "count", "where": {"region": "Busan"}, "min": 1},
            {"name": "cap", "type": "group_sum", "cost": "amount_krw", "group_by": "company", "max": 1000},
        ],
        "locked_in": [],
        "seed": 1,
    }


def test_problem_file_round_trip() -> None:
    data = problem_file()
    problem = problem_from_json(data)
    assert problem_from_json(json.loads(json.dumps(problem_to_json(problem)))) == problem
    result = solve_selection(problem)
    assert result.selected == ("a",)


def _with(path: str, value: object) -> dict[str, object]:
    data = json.loads(json.dumps(problem_file()))
    target = data
    keys = path.split(".")
    for key in keys[:-1]:
        target = target[int(key)] if isinstance(target, list) else target[key]
    if isinstance(target, list):
        target[int(keys[-1])] = value
    elif value is ...:
        del target[keys[-1]]
    else:
        target[keys[-1]] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("constraints.1.min", "three", "constraints[1] (regional minimum Busan): 'min' must be a number, not the text 'three'"),  # noqa: E501
        ("candidates.1.value", None, "candidates[1] (b): 'value' must be a number, not null"),
        ("candidates.0.id", 7, "candidates[0]: 'id' must be a non-empty text, not 7"),
        ("candidates.1.id", "a", "candidates[1] (a): the id 'a' is used by an earlier candidate"),
        ("constraints.0.type", "total", "constraints[0] (budget): 'type' must be one of sum, count, share, group_sum, not the text 'total'"),  # noqa: E501
        ("constraints.0.cost", "amount", "constraints[0] (budget): no candidate has the cost 'amount'"),
        ("constraints.1.where", {"province": "Busan"}, "constraints[1] (regional minimum Busan): 'where' names the attribute 'province', which no candidate has"),  # noqa: E501
        ("constraints.1.min", ..., "constraints[1] (regional minimum Busan): give 'min', 'max' or both"),
        ("constraints.0.min", 500, "constraints[0] (budget): 'min' (500) is above 'max' (400)"),
        ("constraints.2.group_by", ..., "constraints[2] (cap): a group_sum constraint needs 'group_by' (an attribute)"),
        ("constraints.0.colour", "red", "constraints[0] (budget): unknown field 'colour' (known: cost, existing, group_by, max, min, name, type, where)"),  # noqa: E501
        ("locked_in", ["zz"], "locked_in[0]: there is no candidate with id 'zz'"),
        ("overrides", [{"id": "a", "decision": "in"}], "overrides[0] (a): 'reason' is required: say why the committee decided so"),  # noqa: E501
        ("overrides", [{"id": "a", "decision": "maybe", "reason": "x"}], "overrides[0] (a): 'decision' must be \"in\" or \"out\", not the text 'maybe'"),  # noqa: E501
        ("seed", -1, "seed: must be a whole number of at least 0, not -1"),
        ("candidates", {}, "candidates: must be a list of candidates (it is missing or not a list)"),
    ],
)  # fmt: skip
def test_validation_names_the_bad_element(path: str, value: object, message: str) -> None:
    with pytest.raises(ProblemFormatError) as raised:
        problem_from_json(_with(path, value))
    assert message in raised.value.errors


def test_validation_lists_every_mistake() -> None:
    data = _with("constraints.1.min", "three")
    data["candidates"][1]["value"] = "high"  # type: ignore[index]
    with pytest.raises(ProblemFormatError) as raised:
        problem_from_json(data)
    assert raised.value.errors == [
        "candidates[1] (b): 'value' must be a number, not the text 'high'",
        "constraints[1] (regional minimum Busan): 'min' must be a number, not the text 'three'",
    ]


def test_the_python_api_refuses_bad_problems_with_the_same_messages() -> None:
    problem = SelectionProblem(
        candidates=[Candidate("a", 1.0, {"amount": 1.0})],
        constraints=[Constraint("share", ConstraintType.SHARE, cost="amount", min=1.5)],
    )
    with pytest.raises(ValueError, match=r"constraints\[0\] \(share\): a share constraint needs 'where'"):
        solve_selection(problem)
