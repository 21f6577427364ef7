"""The assignment engine against exhaustive search and an independent MIP; constraints; diagnosis."""

from __future__ import annotations

import itertools
from collections.abc import Mapping

import highspy
import numpy as np
import pytest

from foster.engines.assignment import (
    Application,
    AssignmentProblem,
    AssignmentResult,
    AssignmentStatus,
    IssueCode,
    Reviewer,
    SparseFit,
    greedy_assignment,
    solve_assignment,
)
from foster.engines.assignment import solver as solver_module


def random_problem(seed: int, n: int, m: int, k: int, *, integer_fit: bool = True) -> AssignmentProblem:
    rng = np.random.default_rng(seed)
    fit = rng.integers(0, 10, size=(n, m)).astype(np.float64) if integer_fit else rng.random((n, m))
    base = -(-n * k // m)  # ceil(n k / m): the load that just fits
    loads = rng.integers(max(0, base - 1), base + 3, size=m)
    pairs = [(i, j) for i in range(n) for j in range(m)]
    roll = rng.random(len(pairs))
    conflicts = [pair for pair, value in zip(pairs, roll, strict=True) if value < 0.08]
    forbidden = [pair for pair, value in zip(pairs, roll, strict=True) if 0.08 <= value < 0.12]
    pinned = [pair for pair, value in zip(pairs, roll, strict=True) if 0.12 <= value < 0.15]
    return AssignmentProblem(
        applications=[Application(f"a{i}") for i in range(n)],
        reviewers=[Reviewer(f"r{j}", int(loads[j])) for j in range(m)],
        fit=fit,
        reviewers_per_application=k,
        conflicts=[(f"a{i}", f"r{j}") for i, j in conflicts],
        forbidden=[(f"a{i}", f"r{j}") for i, j in forbidden],
        pinned=[(f"a{i}", f"r{j}") for i, j in pinned],
    )


def feasible_problem(seed: int, n: int, m: int, k: int, *, integer_fit: bool = False) -> AssignmentProblem:
    """Generous loads, 10% conflicts, 5% forbids and one pin on each of the first three applications."""
    rng = np.random.default_rng(seed)
    fit = rng.integers(0, 3, size=(n, m)).astype(np.float64) if integer_fit else rng.random((n, m))
    roll = rng.random((n, m))
    conflicts = [(i, j) for i in range(n) for j in range(m) if roll[i, j] < 0.10]
    forbidden = [(i, j) for i in range(n) for j in range(m) if 0.10 <= roll[i, j] < 0.15]
    pinned = [(i, int(np.argmax(roll[i]))) for i in range(3)]
    return AssignmentProblem(
        applications=[Application(i) for i in range(n)],
        reviewers=[Reviewer(j, -(-n * k // m) + 2) for j in range(m)],
        fit=fit,
        reviewers_per_application=k,
        conflicts=conflicts,
        forbidden=forbidden,
        pinned=pinned,
    )


def indices(problem: AssignmentProblem) -> tuple[dict[object, int], dict[object, int]]:
    return (
        {application.id: i for i, application in enumerate(problem.applications)},
        {reviewer.id: j for j, reviewer in enumerate(problem.reviewers)},
    )


def exhaustive_optimum(problem: AssignmentProblem) -> float | None:
    """Best total fit over every choice of k reviewers per application; None if nothing is feasible."""
    fit = np.asarray(problem.fit)
    n, m = fit.shape
    k = problem.reviewers_per_application
    app_index, reviewer_index = indices(problem)
    banned = {(app_index[a], reviewer_index[r]) for a, r in [*problem.conflicts, *problem.forbidden]}
    pinned = {(app_index[a], reviewer_index[r]) for a, r in problem.pinned}
    loads = np.array([reviewer.load_limit for reviewer in problem.reviewers])
    options = []
    for i in range(n):
        row = [
            combo
            for combo in itertools.combinations(range(m), k)
            if not any((i, j) in banned for j in combo) and all(j in combo for (a, j) in pinned if a == i)
        ]
        options.append(row)
    best = None
    for choice in itertools.product(*options):
        counts = np.bincount([j for combo in choice for j in combo], minlength=m)
        if np.any(counts > loads):
            continue
        total = sum(fit[i, j] for i, combo in enumerate(choice) for j in combo)
        if best is None or total > best:
            best = total
    return best


def mip_optimum(problem: AssignmentProblem) -> float | None:
    """The same model written directly as a binary program over all allowed pairs, solved by HiGHS."""
    fit = np.asarray(problem.fit, dtype=np.float64)
    n, m = fit.shape
    app_index, reviewer_index = indices(problem)
    banned = {(app_index[a], reviewer_index[r]) for a, r in [*problem.conflicts, *problem.forbidden]}
    pinned = {(app_index[a], reviewer_index[r]) for a, r in problem.pinned}
    if banned & pinned:
        return None
    model = highspy.Highs()
    model.setOptionValue("output_flag", False)
    variables = [(i, j) for i in range(n) for j in range(m) if (i, j) not in banned]
    lower = np.array([1.0 if pair in pinned else 0.0 for pair in variables])
    model.addVars(len(variables), lower, np.ones(len(variables)))
    model.changeColsCost(
        len(variables), np.arange(len(variables), dtype=np.int32), -np.array([fit[p] for p in variables])
    )
    model.changeColsIntegrality(
        len(variables),
        np.arange(len(variables), dtype=np.int32),
        np.full(len(variables), highspy.HighsVarType.kInteger.value, dtype=np.uint8),
    )
    k = problem.reviewers_per_application
    for i in range(n):
        columns = [c for c, (row, _) in enumerate(variables) if row == i]
        model.addRow(k, k, len(columns), np.array(columns, dtype=np.int32), np.ones(len(columns)))
    for j, reviewer in enumerate(problem.reviewers):
        columns = [c for c, (_, col) in enumerate(variables) if col == j]
        model.addRow(0, reviewer.load_limit, len(columns), np.array(columns, dtype=np.int32), np.ones(len(columns)))
    model.run()
    if model.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    return -model.getInfo().objective_function_value


def assert_meets_constraints(problem: AssignmentProblem, result: AssignmentResult) -> None:
    k = problem.reviewers_per_application
    chosen = [(pair.application_id, pair.reviewer_id) for pair in result.pairs]
    assert len(chosen) == len(set(chosen))
    per_application = {application.id: 0 for application in problem.applications}
    per_reviewer = {reviewer.id: 0 for reviewer in problem.reviewers}
    for application_id, reviewer_id in chosen:
        per_application[application_id] += 1
        per_reviewer[reviewer_id] += 1
    assert set(per_application.values()) <= {k}
    assert all(per_reviewer[reviewer.id] <= reviewer.load_limit for reviewer in problem.reviewers)
    assert not set(chosen) & set(problem.conflicts)
    assert not set(chosen) & set(problem.forbidden)
    assert set(problem.pinned) <= set(chosen)
    pinned_flags = {(pair.application_id, pair.reviewer_id) for pair in result.pairs if pair.is_pinned}
    assert pinned_flags == set(problem.pinned)
    app_index, reviewer_index = indices(problem)
    fit = np.asarray(problem.fit)
    assert result.total_fit == pytest.approx(sum(fit[app_index[a], reviewer_index[r]] for a, r in chosen), abs=1e-9)


@pytest.mark.parametrize("seed", range(60))
def test_matches_exhaustive_search_on_small_instances(seed: int) -> None:
    rng = np.random.default_rng(1000 + seed)
    problem = random_problem(seed, n=int(rng.integers(1, 5)), m=int(rng.integers(1, 5)), k=int(rng.integers(1, 3)))
    expected = exhaustive_optimum(problem)
    result = solve_assignment(problem)
    if expected is None:
        assert result.status == AssignmentStatus.INFEASIBLE
        assert result.diagnosis is not None
        assert result.diagnosis.issues
        possible = result.diagnosis.reviews_possible
        assert possible is None or possible < result.diagnosis.reviews_required
        assert result.pairs == ()
    else:
        assert result.status == AssignmentStatus.OPTIMAL
        assert result.total_fit == pytest.approx(expected, abs=1e-9)
        assert result.used_mip_fallback is False
        assert_meets_constraints(problem, result)


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("integer_fit", [True, False])
def test_matches_an_independent_mip(seed: int, integer_fit: bool) -> None:
    problem = random_problem(seed, n=30, m=12, k=3, integer_fit=integer_fit)
    expected = mip_optimum(problem)
    # Few initial pairs, so that pricing has to find the rest.
    result = solve_assignment(problem, initial_per_application=1, added_per_application=1)
    if expected is None:
        assert result.status == AssignmentStatus.INFEASIBLE
    else:
        assert result.status == AssignmentStatus.OPTIMAL
        assert result.total_fit == pytest.approx(expected, abs=1e-6)
        assert result.lp_objective == pytest.approx(expected, abs=1e-6)
        assert_meets_constraints(problem, result)


def test_column_generation_reaches_the_optimum_of_the_full_lp() -> None:
    rng = np.random.default_rng(5)
    n, m = 200, 40
    problem = AssignmentProblem(
        applications=[Application(i) for i in range(n)],
        reviewers=[Reviewer(j, 16) for j in range(m)],
        fit=rng.random((n, m)),
        reviewers_per_application=3,
        conflicts=[(i, j) for i in range(n) for j in range(m) if rng.random() < 0.05],
    )
    restricted = solve_assignment(problem, initial_per_application=1, added_per_application=1)
    full = solve_assignment(problem, initial_per_application=m)
    assert restricted.iterations > 1
    assert sum(record.pairs_added for record in restricted.history) > 0
    assert restricted.restricted_pairs < restricted.candidate_pairs
    assert full.iterations == 1
    assert full.restricted_pairs == full.candidate_pairs
    assert restricted.total_fit == pytest.approx(full.total_fit, abs=1e-9)
    assert_meets_constraints(problem, restricted)


def test_is_deterministic() -> None:
    problem = feasible_problem(3, n=40, m=15, k=2, integer_fit=True)  # few distinct fits: many tied optima
    first, second = solve_assignment(problem), solve_assignment(problem)
    assert first.status == AssignmentStatus.OPTIMAL
    assert first.pairs == second.pairs
    assert first.history == second.history


def test_pins_forbids_and_conflicts_are_honoured_against_fit() -> None:
    # Fit alone would give a1 to r1 and a2 to r1; pins, forbids and conflicts say otherwise.
    problem = AssignmentProblem(
        applications=[Application("a1"), Application("a2"), Application("a3")],
        reviewers=[Reviewer("r1", 2), Reviewer("r2", 2), Reviewer("r3", 2)],
        fit=np.array([[9.0, 1.0, 0.0], [9.0, 5.0, 1.0], [9.0, 8.0, 7.0]]),
        reviewers_per_application=1,
        pinned=[("a1", "r3")],
        forbidden=[("a2", "r1")],
        conflicts=[("a3", "r1")],
    )
    result = solve_assignment(problem)
    assert result.status == AssignmentStatus.OPTIMAL
    assert [(pair.application_id, pair.reviewer_id, pair.fit, pair.is_pinned) for pair in result.pairs] == [
        ("a1", "r3", 0.0, True),
        ("a2", "r2", 5.0, False),
        ("a3", "r2", 8.0, False),
    ]
    assert result.total_fit == 13.0


def greedy_trap(conflicts: list[tuple[str, str]]) -> AssignmentProblem:
    """Two applications, two reviewers of load 1: greedy takes the single best pair (a, x) first."""
    return AssignmentProblem(
        applications=[Application("a"), Application("b")],
        reviewers=[Reviewer("x", 1), Reviewer("y", 1)],
        fit=np.array([[10.0, 9.0], [9.0, 0.0]]),
        reviewers_per_application=1,
        conflicts=conflicts,
    )


def test_greedy_baseline_is_not_optimal_where_expected() -> None:
    problem = greedy_trap(conflicts=[])
    greedy = greedy_assignment(problem)
    optimal = solve_assignment(problem)
    assert [(pair.application_id, pair.reviewer_id) for pair in greedy.pairs] == [("a", "x"), ("b", "y")]
    assert greedy.total_fit == 10.0
    assert greedy.is_complete
    assert [(pair.application_id, pair.reviewer_id) for pair in optimal.pairs] == [("a", "y"), ("b", "x")]
    assert optimal.total_fit == 18.0


def test_greedy_baseline_can_leave_an_application_uncovered() -> None:
    problem = greedy_trap(conflicts=[("b", "y")])
    greedy = greedy_assignment(problem)
    assert greedy.uncovered == (("b", 1),)
    assert not greedy.is_complete
    assert greedy.total_fit == 10.0
    assert solve_assignment(problem).total_fit == 18.0


@pytest.mark.parametrize("seed", range(10))
def test_greedy_baseline_meets_constraints_and_is_never_better(seed: int) -> None:
    problem = feasible_problem(seed, n=30, m=12, k=2)
    greedy = greedy_assignment(problem)
    optimal = solve_assignment(problem)
    chosen = [(pair.application_id, pair.reviewer_id) for pair in greedy.pairs]
    assert not set(chosen) & (set(problem.conflicts) | set(problem.forbidden))
    per_reviewer: dict[object, int] = {}
    for _, reviewer_id in chosen:
        per_reviewer[reviewer_id] = per_reviewer.get(reviewer_id, 0) + 1
    assert all(per_reviewer.get(reviewer.id, 0) <= reviewer.load_limit for reviewer in problem.reviewers)
    assert set(problem.pinned) <= set(chosen)
    assert optimal.status == AssignmentStatus.OPTIMAL
    if greedy.is_complete:
        assert greedy.total_fit <= optimal.total_fit + 1e-9


def test_sparse_fit_equals_the_dense_matrix() -> None:
    dense = np.array([[0.0, 4.0, 0.0], [2.0, 0.0, 0.0], [0.0, 0.0, 3.0]])
    rows, cols = np.nonzero(dense)
    base = {
        "applications": [Application(i) for i in range(3)],
        "reviewers": [Reviewer(j, 1) for j in range(3)],
        "reviewers_per_application": 1,
    }
    sparse = solve_assignment(AssignmentProblem(fit=SparseFit(rows, cols, dense[rows, cols]), **base))  # type: ignore[arg-type]
    full = solve_assignment(AssignmentProblem(fit=dense, **base))  # type: ignore[arg-type]
    assert sparse.pairs == full.pairs
    assert sparse.total_fit == 9.0


def test_mip_fallback_gives_the_same_optimum(monkeypatch: pytest.MonkeyPatch) -> None:
    problem = feasible_problem(4, n=20, m=8, k=2)
    expected = solve_assignment(problem)
    original = solver_module._round_and_check
    calls = []

    def fail_first(*args: object) -> object:
        calls.append(1)
        return None if len(calls) == 1 else original(*args)  # type: ignore[arg-type]

    mip_nodes = []
    solve_as_mip = solver_module._RestrictedMaster.solve_as_mip

    def record_mip(master: solver_module._RestrictedMaster) -> highspy.HighsModelStatus:
        status = solve_as_mip(master)
        mip_nodes.append(master.highs.getInfo().mip_node_count)
        return status

    monkeypatch.setattr(solver_module, "_round_and_check", fail_first)
    monkeypatch.setattr(solver_module._RestrictedMaster, "solve_as_mip", record_mip)
    result = solve_assignment(problem)
    assert len(mip_nodes) == 1
    assert mip_nodes[0] >= 0  # HiGHS reports -1 nodes after an LP solve: the MIP solver ran
    assert expected.status == AssignmentStatus.OPTIMAL
    assert result.used_mip_fallback is True
    assert result.total_fit == pytest.approx(expected.total_fit, abs=1e-9)
    assert_meets_constraints(problem, result)


# Infeasibility diagnosis ---------------------------------------------------------------------


def issues_by_code(result: AssignmentResult) -> dict[IssueCode, list[Mapping[str, object]]]:
    assert result.status == AssignmentStatus.INFEASIBLE
    assert result.diagnosis is not None
    found: dict[IssueCode, list[Mapping[str, object]]] = {}
    for issue in result.diagnosis.issues:
        found.setdefault(issue.code, []).append(issue.params)
    return found


def test_diagnoses_total_capacity_below_demand() -> None:
    problem = AssignmentProblem(
        applications=[Application(a) for a in ("a1", "a2", "a3")],
        reviewers=[Reviewer("r1", 2), Reviewer("r2", 2)],
        fit=np.ones((3, 2)),
        reviewers_per_application=2,
    )
    result = solve_assignment(problem)
    found = issues_by_code(result)
    # The maximum flow finds a group of all three applications, which only restates this issue.
    assert found == {IssueCode.TOTAL_CAPACITY_BELOW_DEMAND: [{"applications": 3, "k": 2, "required": 6, "capacity": 4}]}
    assert result.diagnosis is not None
    assert result.diagnosis.reviews_required == 6
    assert result.diagnosis.reviews_possible == 4
    assert result.diagnosis.issues[0].message == (
        "3 applications × 2 reviewers need 6 assignments, but all reviewers' load limits add up to 4"
    )


def test_diagnoses_an_application_with_too_few_available_reviewers() -> None:
    problem = AssignmentProblem(
        applications=[Application("a1"), Application("a2")],
        reviewers=[Reviewer("r1", 5), Reviewer("r2", 5), Reviewer("r3", 0), Reviewer("r4", 5)],
        fit=np.ones((2, 4)),
        reviewers_per_application=3,
        conflicts=[("a1", "r1")],
        forbidden=[("a1", "r2")],
    )
    result = solve_assignment(problem)
    found = issues_by_code(result)
    assert found == {
        IssueCode.TOO_FEW_AVAILABLE_REVIEWERS: [
            {
                "application": "a1",
                "reviewers": 4,
                "available": 1,
                "required": 3,
                "conflicted": 1,
                "forbidden": 1,
                "without_free_load": 1,
            }
        ]
    }
    assert result.diagnosis is not None
    assert result.diagnosis.application_ids == ("a1",)
    assert result.diagnosis.issues[0].message == (
        "application 'a1' needs 3 reviewers but only 1 of 4 are free of conflict, not forbidden and with free load "
        "(1 in conflict, 1 forbidden, 1 without free load)"
    )
    assert result.diagnosis.reviews_possible == 4  # a1 gets r4; a2 gets r1, r2 and r4


def test_diagnoses_pins_beyond_a_reviewers_load() -> None:
    problem = AssignmentProblem(
        applications=[Application("a1"), Application("a2")],
        reviewers=[Reviewer("r1", 1), Reviewer("r2", 5)],
        fit=np.ones((2, 2)),
        reviewers_per_application=1,
        pinned=[("a1", "r1"), ("a2", "r1")],
    )
    result = solve_assignment(problem)
    assert result.diagnosis is not None
    (issue,) = result.diagnosis.issues
    assert issue.code == IssueCode.PINS_EXCEED_REVIEWER_LOAD
    assert issue.params == {"reviewer": "r1", "pinned": 2, "load_limit": 1}
    assert issue.application_ids == ("a1", "a2")
    assert issue.reviewer_ids == ("r1",)
    assert result.diagnosis.reviews_possible is None


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ({"conflicts": [("a1", "r1")]}, IssueCode.PINNED_PAIR_CONFLICTS),
        ({"forbidden": [("a1", "r1")]}, IssueCode.PINNED_PAIR_FORBIDDEN),
    ],
)
def test_diagnoses_a_pin_on_a_blocked_pair(extra: dict[str, list[tuple[str, str]]], code: IssueCode) -> None:
    problem = AssignmentProblem(
        applications=[Application("a1")],
        reviewers=[Reviewer("r1", 1), Reviewer("r2", 1)],
        fit=np.ones((1, 2)),
        reviewers_per_application=1,
        pinned=[("a1", "r1")],
        **extra,
    )
    found = issues_by_code(solve_assignment(problem))
    assert found == {code: [{"application": "a1", "reviewer": "r1"}]}


def test_diagnoses_more_pins_than_k() -> None:
    problem = AssignmentProblem(
        applications=[Application("a1")],
        reviewers=[Reviewer("r1", 1), Reviewer("r2", 1)],
        fit=np.ones((1, 2)),
        reviewers_per_application=1,
        pinned=[("a1", "r1"), ("a1", "r2")],
    )
    found = issues_by_code(solve_assignment(problem))
    assert found == {IssueCode.PINS_EXCEED_K: [{"application": "a1", "pinned": 2, "k": 1}]}


def test_diagnoses_a_group_of_applications_sharing_too_few_reviewers() -> None:
    # a1..a3 may only use r1 and r2 (load 1 each): each alone is fine, together they are one short.
    # r3 has plenty of load but conflicts with all three; a4 is unaffected.
    applications = ["a1", "a2", "a3", "a4"]
    problem = AssignmentProblem(
        applications=[Application(a) for a in applications],
        reviewers=[Reviewer("r1", 1), Reviewer("r2", 1), Reviewer("r3", 10)],
        fit=np.array([[3.0, 2.0, 9.0], [2.0, 3.0, 9.0], [1.0, 1.0, 9.0], [5.0, 5.0, 5.0]]),
        reviewers_per_application=1,
        conflicts=[("a1", "r3"), ("a2", "r3"), ("a3", "r3")],
    )
    result = solve_assignment(problem)
    found = issues_by_code(result)
    assert found == {
        IssueCode.REVIEWER_GROUP_EXHAUSTED: [
            {
                "applications": ("a1", "a2", "a3"),
                "reviewers": ("r1", "r2"),
                "required": 3,
                "possible": 2,
                "shortfall": 1,
                "free_load": 2,
            }
        ]
    }
    assert result.diagnosis is not None
    assert result.diagnosis.reviews_required == 4
    assert result.diagnosis.reviews_possible == 3
    assert result.diagnosis.application_ids == ("a1", "a2", "a3")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"reviewers_per_application": -1}, "reviewers_per_application must not be negative"),
        ({"conflicts": [("zz", "r1")]}, "conflict pair names unknown application 'zz'"),
        ({"pinned": [("a1", "zz")]}, "pinned pair names unknown reviewer 'zz'"),
        ({"fit": np.ones((3, 3))}, "fit matrix has shape (3, 3), expected (2, 2) (applications × reviewers)"),
        ({"fit": np.array([[1.0, np.nan], [0.0, 0.0]])}, "fit scores must be finite"),
        ({"applications": [Application("a1"), Application("a1")]}, "duplicate application id 'a1'"),
        ({"reviewers": [Reviewer("r1", -1), Reviewer("r2", 1)]}, "load limits must not be negative"),
    ],
)
def test_rejects_malformed_input(change: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {
        "applications": [Application("a1"), Application("a2")],
        "reviewers": [Reviewer("r1", 2), Reviewer("r2", 2)],
        "fit": np.ones((2, 2)),
        "reviewers_per_application": 1,
    } | change
    with pytest.raises(ValueError, match=None) as raised:
        solve_assignment(AssignmentProblem(**arguments))  # type: ignore[arg-type]
    assert str(raised.value) == message
