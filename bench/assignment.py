"""Benchmark: optimal reviewer assignment against the greedy baseline, measured in the same run.

10,000 applications × 1,000 reviewers (10 million pairs), 3 reviewers per application, load at
most 40, 2% random conflicts. Fit is expertise overlap: each application has one KSIC division
and a few technology keywords, each reviewer one to three divisions and more keywords; divisions
and keywords are drawn with skewed popularity (as in real calls, a few fields draw most
applications), keywords mostly from their division's cluster. Fit = 0.5 × division match +
0.5 × keyword Jaccard overlap + Gaussian noise (sd 0.05). Seeded.

Run:  .venv/bin/python bench/assignment.py [--applications 10000 --reviewers 1000 --seed 7]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
from contextlib import suppress
from pathlib import Path

import numpy as np
import numpy.typing as npt

from common import cpu_and_memory, timed
from foster.engines.assignment import (
    Application,
    AssignmentPair,
    AssignmentProblem,
    Identifier,
    Reviewer,
    greedy_assignment,
    solve_assignment,
)

DIVISIONS = 24
KEYWORDS_PER_DIVISION = 10
KEYWORDS = DIVISIONS * KEYWORDS_PER_DIVISION


def _zipf_weights(count: int, exponent: float) -> npt.NDArray[np.float64]:
    weights = 1.0 / np.arange(1, count + 1) ** exponent
    return weights / weights.sum()


def _profiles(
    rng: np.random.Generator, count: int, divisions: tuple[int, int], keywords: tuple[int, int]
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """Multi-hot division and keyword matrices for ``count`` people or applications."""
    division_weights = _zipf_weights(DIVISIONS, 0.9)
    keyword_weights = _zipf_weights(KEYWORDS_PER_DIVISION, 0.7)
    division_hot = np.zeros((count, DIVISIONS), dtype=np.float32)
    keyword_hot = np.zeros((count, KEYWORDS), dtype=np.float32)
    for row in range(count):
        chosen = rng.choice(
            DIVISIONS, size=rng.integers(divisions[0], divisions[1] + 1), replace=False, p=division_weights
        )
        division_hot[row, chosen] = 1.0
        for _ in range(rng.integers(keywords[0], keywords[1] + 1)):
            # Mostly from the keyword cluster of one of its own divisions, sometimes from anywhere.
            division = rng.choice(chosen) if rng.random() < 0.7 else rng.choice(DIVISIONS, p=division_weights)
            keyword_hot[
                row, division * KEYWORDS_PER_DIVISION + rng.choice(KEYWORDS_PER_DIVISION, p=keyword_weights)
            ] = 1
    return division_hot, keyword_hot


def make_instance(
    applications: int, reviewers: int, k: int, load: int, conflict_rate: float, seed: int
) -> AssignmentProblem:
    rng = np.random.default_rng(seed)
    application_divisions, application_keywords = _profiles(rng, applications, (1, 1), (3, 6))
    reviewer_divisions, reviewer_keywords = _profiles(rng, reviewers, (1, 3), (4, 10))
    division_match = np.minimum(application_divisions @ reviewer_divisions.T, 1.0)
    overlap = application_keywords @ reviewer_keywords.T
    union = application_keywords.sum(axis=1)[:, np.newaxis] + reviewer_keywords.sum(axis=1)[np.newaxis, :] - overlap
    fit = 0.5 * division_match + 0.5 * overlap / np.maximum(union, 1.0)
    fit += rng.normal(0.0, 0.05, size=fit.shape).astype(np.float32)
    del division_match, overlap, union
    linear = rng.choice(applications * reviewers, size=int(conflict_rate * applications * reviewers), replace=False)
    conflicts = list(zip((linear // reviewers).tolist(), (linear % reviewers).tolist(), strict=True))
    return AssignmentProblem(
        applications=[Application(row) for row in range(applications)],
        reviewers=[Reviewer(col, load) for col in range(reviewers)],
        fit=fit.astype(np.float32),
        reviewers_per_application=k,
        conflicts=conflicts,
    )


def check(problem: AssignmentProblem, pairs: tuple[AssignmentPair, ...]) -> str:
    """Independent check of the constraints; 'ok' or what is wrong."""
    conflicts = set(problem.conflicts)
    per_application: dict[Identifier, int] = {}
    per_reviewer: dict[Identifier, int] = {}
    seen = set()
    for pair in pairs:
        key = (pair.application_id, pair.reviewer_id)
        if key in conflicts:
            return "conflict assigned"
        if key in seen:
            return "pair twice"
        seen.add(key)
        per_application[pair.application_id] = per_application.get(pair.application_id, 0) + 1
        per_reviewer[pair.reviewer_id] = per_reviewer.get(pair.reviewer_id, 0) + 1
    limits = {reviewer.id: reviewer.load_limit for reviewer in problem.reviewers}
    if any(count > limits[reviewer] for reviewer, count in per_reviewer.items()):
        return "load exceeded"
    short = sum(
        1 for app in problem.applications if per_application.get(app.id, 0) != problem.reviewers_per_application
    )
    return "ok" if short == 0 else f"{short} applications not fully covered"


def _peak_rss_mb() -> float:
    """Peak resident memory since the last ``_reset_peak`` (Linux VmHWM), else since the start."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _current_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _reset_peak() -> None:
    """Reset the kernel's peak-RSS mark, so the next peak belongs to what runs next (Linux ≥ 4.0)."""
    with suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _machine() -> str:
    cpu, memory_gib = cpu_and_memory()
    memory = f"{memory_gib:.1f} GiB" if memory_gib is not None else "unknown"
    return f"{os.cpu_count()} CPUs ({cpu}), {memory} RAM, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--applications", type=int, default=10_000)
    parser.add_argument("--reviewers", type=int, default=1_000)
    parser.add_argument("--k", type=int, default=3)
    parser.add_argument("--load", type=int, default=40)
    parser.add_argument("--conflict-rate", type=float, default=0.02)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    with timed() as generation:
        problem = make_instance(args.applications, args.reviewers, args.k, args.load, args.conflict_rate, args.seed)
    fit_mb = problem.fit.nbytes / 2**20 if isinstance(problem.fit, np.ndarray) else float("nan")

    load_before = os.getloadavg()[0]
    baseline_rss = _current_rss_mb()
    _reset_peak()
    with timed() as optimal_time:
        optimal = solve_assignment(problem)
    optimal_peak = _peak_rss_mb()

    _reset_peak()
    with timed() as greedy_time:
        greedy = greedy_assignment(problem)
    greedy_peak = _peak_rss_mb()
    load_after = os.getloadavg()[0]

    pairs = args.applications * args.reviewers
    print(f"machine: {_machine()}")
    print(
        f"instance: {args.applications} applications × {args.reviewers} reviewers = {pairs:,} pairs, "
        f"k={args.k}, load ≤ {args.load}, {len(problem.conflicts):,} conflicts ({args.conflict_rate:.0%}), "
        f"seed {args.seed}; generated in {generation.wall:.1f} s"
    )
    print(f"fit matrix: float32, {fit_mb:.1f} MiB")
    print()
    gap = (optimal.total_fit - greedy.total_fit) / optimal.total_fit * 100 if optimal.total_fit else float("nan")
    header = (
        f"| {'method':<34} | {'wall (s)':>8} | {'CPU (s)':>8} | {'total fit':>12} | {'gap to optimal':>14} "
        f"| {'constraints':<30} |"
    )
    print(header)
    print("|" + "|".join("-" * (len(cell)) for cell in header.split("|")[1:-1]) + "|")
    print(
        f"| {'optimal (LP + column generation)':<34} | {optimal_time.wall:>8.2f} | {optimal_time.cpu:>8.2f} | "
        f"{optimal.total_fit:>12.3f} | "
        f"{'0.00%':>14} | {check(problem, optimal.pairs):<30} |"
    )
    print(
        f"| {'greedy (highest fit first)':<34} | {greedy_time.wall:>8.2f} | {greedy_time.cpu:>8.2f} | "
        f"{greedy.total_fit:>12.3f} | "
        f"{gap:>13.2f}% | {check(problem, greedy.pairs):<30} |"
    )
    print()
    print(
        f"optimal: status {optimal.status}, {optimal.iterations} LP solves, {optimal.restricted_pairs:,} of "
        f"{optimal.candidate_pairs:,} candidate pairs ever in the LP, MIP fallback used: {optimal.used_mip_fallback}, "
        f"LP objective {optimal.lp_objective:.3f}"
    )
    for number, record in enumerate(optimal.history, start=1):
        print(
            f"  LP solve {number}: fit {record.fit:.3f}, shortfall {record.shortfall:.0f}, "
            f"{record.restricted_pairs:,} pairs in the LP, {record.pairs_added:,} priced in after it"
        )
    print(
        f"greedy: {len(greedy.uncovered)} applications left short "
        f"({sum(missing for _, missing in greedy.uncovered)} reviewer slots)"
    )
    print(f"load average (1 min): {load_before:.1f} before, {load_after:.1f} after the timed runs")
    print(
        f"memory: {baseline_rss:.0f} MiB resident with the instance built; peak during the optimal solve "
        f"{optimal_peak:.0f} MiB (+{optimal_peak - baseline_rss:.0f}), during greedy {greedy_peak:.0f} MiB "
        f"(+{greedy_peak - baseline_rss:.0f})"
    )


if __name__ == "__main__":
    main()
