"""Why an assignment problem has no solution: local counts first, then Hall sets from a maximum flow.

Local checks need no solver: pins that contradict conflicts, forbids, k or a load limit; an
application with fewer than k reviewers who are free of conflict, not forbidden and have load left;
total load below k × applications. They explain most real cases in words an official can act on.

Some infeasibility is not local: every application has enough eligible reviewers, but a group of
applications shares the same few reviewers. Hall's theorem says this is the only other way to fail,
and a maximum flow finds the group. ``group_issues`` takes a maximum-coverage assignment (the
solver's optimum when its shortfall is positive; it leaves ``shortfall[i]`` slots of application i
empty) and searches its residual graph from the short applications: from an application along an eligible
pair it does not use to a reviewer, from a reviewer along a pair it does use back to an
application. Optimality means every reviewer reached is full (otherwise the path would be an
augmenting path). The applications reached need more reviews than the reached reviewers' load
plus the reviewers they already have, which is the Hall violation; each connected part of it is
reported as one issue.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from foster.engines.assignment.problem import CompiledProblem, IndexArray
from foster.engines.assignment.result import CoverageIssue, IssueCode


def local_issues(problem: CompiledProblem) -> list[CoverageIssue]:
    """Infeasibility reasons visible from counts alone, in a stable order."""
    issues: list[CoverageIssue] = []
    n, m = problem.shape
    application_ids, reviewer_ids, k = problem.application_ids, problem.reviewer_ids, problem.k

    total_load = int(problem.load_limit.sum())
    if total_load < k * n:
        issues.append(
            CoverageIssue(
                code=IssueCode.TOTAL_CAPACITY_BELOW_DEMAND,
                application_ids=(),
                reviewer_ids=(),
                params={"applications": n, "k": k, "required": k * n, "capacity": total_load},
                message=(
                    f"{n} applications × {k} reviewers need {k * n} assignments, "
                    f"but all reviewers' load limits add up to {total_load}"
                ),
            )
        )

    conflict = problem.pair_mask(problem.conflict)
    forbidden = problem.pair_mask(problem.forbidden)
    for row, col in zip(*problem.pinned, strict=True):
        for blocked, code, word in (
            (conflict, IssueCode.PINNED_PAIR_CONFLICTS, "a conflict of interest"),
            (forbidden, IssueCode.PINNED_PAIR_FORBIDDEN, "forbidden"),
        ):
            if blocked[row, col]:
                application, reviewer = application_ids[row], reviewer_ids[col]
                issues.append(
                    CoverageIssue(
                        code=code,
                        application_ids=(application,),
                        reviewer_ids=(reviewer,),
                        params={"application": application, "reviewer": reviewer},
                        message=f"pinned pair ({application!r}, {reviewer!r}) is also {word}",
                    )
                )

    for row in np.flatnonzero(problem.pins_per_application > k):
        application, pins = application_ids[row], int(problem.pins_per_application[row])
        issues.append(
            CoverageIssue(
                code=IssueCode.PINS_EXCEED_K,
                application_ids=(application,),
                reviewer_ids=(),
                params={"application": application, "pinned": pins, "k": k},
                message=f"application {application!r} has {pins} pinned reviewers but takes only {k}",
            )
        )

    for col in np.flatnonzero(problem.pins_per_reviewer > problem.load_limit):
        reviewer, pins, limit = reviewer_ids[col], int(problem.pins_per_reviewer[col]), int(problem.load_limit[col])
        pinned_rows = problem.pinned[0][problem.pinned[1] == col]
        issues.append(
            CoverageIssue(
                code=IssueCode.PINS_EXCEED_REVIEWER_LOAD,
                application_ids=tuple(application_ids[row] for row in pinned_rows),
                reviewer_ids=(reviewer,),
                params={"reviewer": reviewer, "pinned": pins, "load_limit": limit},
                message=f"pinned pairs give reviewer {reviewer!r} {pins} applications, above the load limit of {limit}",
            )
        )

    # Reviewers an application could still get: allowed pairs (which already exclude conflicts,
    # forbids, pins and reviewers without load left) plus its pins.
    needy = np.flatnonzero(problem.demand > 0)
    available = problem.allowed[needy].sum(axis=1) + problem.pins_per_application[needy]
    short = needy[available < k]
    if short.size:
        no_load = problem.capacity <= 0
        conflicts_per_row = conflict[short].sum(axis=1)
        forbidden_per_row = (forbidden[short] & ~conflict[short]).sum(axis=1)
        pinned = problem.pair_mask(problem.pinned)
        full_per_row = (~conflict[short] & ~forbidden[short] & ~pinned[short] & no_load[np.newaxis, :]).sum(axis=1)
        available_short = available[available < k]
        for position, row in enumerate(short):
            application = application_ids[row]
            count = int(available_short[position])
            conflicted, forbade, full = (
                int(conflicts_per_row[position]),
                int(forbidden_per_row[position]),
                int(full_per_row[position]),
            )
            issues.append(
                CoverageIssue(
                    code=IssueCode.TOO_FEW_AVAILABLE_REVIEWERS,
                    application_ids=(application,),
                    reviewer_ids=(),
                    params={
                        "application": application,
                        "reviewers": m,
                        "available": count,
                        "required": k,
                        "conflicted": conflicted,
                        "forbidden": forbade,
                        "without_free_load": full,
                    },
                    message=(
                        f"application {application!r} needs {k} reviewers but only {count} of {m} are free of "
                        f"conflict, not forbidden and with free load ({conflicted} in conflict, {forbade} forbidden, "
                        f"{full} without free load)"
                    ),
                )
            )
    return issues


def group_issues(
    problem: CompiledProblem,
    flow_rows: IndexArray,
    flow_cols: IndexArray,
    shortfall: npt.NDArray[np.int64],
    explained: set[int],
) -> list[CoverageIssue]:
    """Hall violations behind a maximum-coverage assignment (see the module docstring).

    ``flow_rows``/``flow_cols`` are the assignment's pairs beyond the pins and ``shortfall`` the
    empty slots per application. Components that are a single application already in ``explained``
    (row indices with a local issue) are left out.
    """
    used = problem.pair_mask((flow_rows, flow_cols))
    unused_allowed = problem.allowed & ~used

    reached_applications = shortfall > 0
    reached_reviewers = np.zeros(problem.shape[1], dtype=np.bool_)
    frontier = reached_applications.copy()
    while frontier.any():
        new_reviewers = unused_allowed[frontier].any(axis=0) & ~reached_reviewers
        if not new_reviewers.any():
            break
        reached_reviewers |= new_reviewers
        frontier = used[:, new_reviewers].any(axis=1) & ~reached_applications
        reached_applications |= frontier

    rows = np.flatnonzero(reached_applications)
    cols = np.flatnonzero(reached_reviewers)
    adjacency = problem.allowed[np.ix_(rows, cols)]
    row_label = np.full(rows.size, -1, dtype=np.int64)
    col_label = np.full(cols.size, -1, dtype=np.int64)
    issues: list[CoverageIssue] = []
    for start in range(rows.size):
        if row_label[start] >= 0:
            continue
        row_label[start] = start
        frontier_rows = np.zeros(rows.size, dtype=np.bool_)
        frontier_rows[start] = True
        while True:
            new_cols = adjacency[frontier_rows].any(axis=0) & (col_label < 0)
            if not new_cols.any():
                break
            col_label[new_cols] = start
            frontier_rows = adjacency[:, new_cols].any(axis=1) & (row_label < 0)
            row_label[frontier_rows] = start
        member_rows = rows[row_label == start]
        member_cols = cols[col_label == start]
        missing = int(shortfall[member_rows].sum())
        if missing == 0 or (member_rows.size == 1 and int(member_rows[0]) in explained):
            continue
        required = problem.k * member_rows.size
        free_load = int(problem.capacity[member_cols].sum())
        application_ids = tuple(problem.application_ids[row] for row in member_rows)
        reviewer_ids = tuple(problem.reviewer_ids[col] for col in member_cols)
        issues.append(
            CoverageIssue(
                code=IssueCode.REVIEWER_GROUP_EXHAUSTED,
                application_ids=application_ids,
                reviewer_ids=reviewer_ids,
                params={
                    "applications": application_ids,
                    "reviewers": reviewer_ids,
                    "required": required,
                    "possible": required - missing,
                    "shortfall": missing,
                    "free_load": free_load,
                },
                message=(
                    f"{member_rows.size} applications need {required} reviewer assignments but can get at most "
                    f"{required - missing}: the {member_cols.size} reviewers who could take more of them have only "
                    f"{free_load} free load between them, and every other eligible reviewer already reviews them"
                ),
            )
        )
    return issues


def coverage_issues(
    problem: CompiledProblem, flow_rows: IndexArray, flow_cols: IndexArray, shortfall: npt.NDArray[np.int64]
) -> list[CoverageIssue]:
    """Every reason behind a maximum-coverage assignment that leaves slots empty: local issues, then Hall sets.

    A group already explained by a local issue is not repeated: a single application with too few
    available reviewers, or (when total load is below demand) the group of every application.
    """
    issues = local_issues(problem)
    row_of = {identifier: row for row, identifier in enumerate(problem.application_ids)}
    explained = {
        row_of[issue.application_ids[0]] for issue in issues if issue.code == IssueCode.TOO_FEW_AVAILABLE_REVIEWERS
    }
    groups = group_issues(problem, flow_rows, flow_cols, shortfall, explained)
    if any(issue.code == IssueCode.TOTAL_CAPACITY_BELOW_DEMAND for issue in issues):
        groups = [group for group in groups if len(group.application_ids) < problem.shape[0]]
    return issues + groups
