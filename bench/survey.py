"""Survey estimation at scale: 1,000,000 responses, 200 strata, 3 domains.

Measures ``foster.engines.survey`` (design check, weighted proportion, Taylor-linearised standard
error with finite-population correction, logit and Korn-Graubard intervals, design effect, and the
three domain estimates) beside the plain unweighted computation on the same arrays in the same run
(``y.mean()`` and its binomial standard error, and the three domain means with ``np.bincount``),
which is what a spreadsheet would report and what the design-based figures cost on top of it.

    .venv/bin/python bench/survey.py [--rows 1000000] [--strata 200] [--repeat 3]
"""

from __future__ import annotations

import argparse
import math
import platform

import numpy as np

from common import cpu_and_memory, timed
from foster.engines.survey import IntervalMethod, estimate_proportion, survey_design


def instance(rows: int, strata: int, seed: int = 8) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    stratum = rng.integers(0, strata, rows)
    rates = rng.uniform(0.1, 0.6, strata)
    population = np.bincount(stratum, minlength=strata) * rng.integers(5, 50, strata)
    return {
        "y": (rng.random(rows) < rates[stratum]).astype(np.float64),
        "stratum": np.char.add("S", stratum.astype(str)),
        "weight": population[stratum] / np.bincount(stratum, minlength=strata)[stratum] * rng.uniform(0.8, 1.2, rows),
        "fpc": population[stratum].astype(np.float64),
        "domain": np.asarray(["manufacturing", "services", "ict"])[rng.integers(0, 3, rows)],
    }


def plain(data: dict[str, np.ndarray]) -> tuple[float, float, dict[str, float]]:
    y = data["y"]
    p = float(y.mean())
    labels, codes = np.unique(data["domain"], return_inverse=True)
    means = np.bincount(codes, weights=y) / np.bincount(codes)
    return p, math.sqrt(p * (1 - p) / (y.size - 1)), dict(zip(labels.tolist(), means.tolist(), strict=True))


def design_based(data: dict[str, np.ndarray], method: IntervalMethod) -> tuple[float, float, float | None, int]:
    design = survey_design(
        data["y"], strata=data["stratum"].tolist(), weights=data["weight"], population_sizes=data["fpc"]
    )
    result = estimate_proportion(design, method=method, domains=data["domain"].tolist())
    return result.overall.estimate, result.overall.se, result.overall.deff, len(result.domains)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--strata", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    arguments = parser.parse_args()
    data = instance(arguments.rows, arguments.strata)
    cpu, memory = cpu_and_memory()
    print(f"machine: {cpu}, {memory:.1f} GiB, Python {platform.python_version()}, numpy {np.__version__}")
    print(f"{arguments.rows:,} responses, {arguments.strata} strata, 3 domains; best of {arguments.repeat}")
    print("| method | wall (s) | CPU (s) | estimate | se | deff |")
    print("|---|---:|---:|---:|---:|---:|")
    runs = [
        ("plain unweighted mean, binomial se, 3 domain means", lambda: plain(data)),
        ("design-based, logit interval (engine)", lambda: design_based(data, IntervalMethod.LOGIT)),
        ("design-based, Korn-Graubard interval (engine)", lambda: design_based(data, IntervalMethod.KORN_GRAUBARD)),
    ]
    for name, run in runs:
        best_wall = best_cpu = math.inf
        outcome: tuple = ()
        for _ in range(arguments.repeat):
            with timed() as timing:
                outcome = run()
            best_wall, best_cpu = min(best_wall, timing.wall), min(best_cpu, timing.cpu)
        deff = outcome[2] if len(outcome) > 3 and isinstance(outcome[2], float) else None
        deff_text = "—" if deff is None else f"{deff:.4f}"
        print(f"| {name} | {best_wall:.3f} | {best_cpu:.3f} | {outcome[0]:.6f} | {outcome[1]:.6f} | {deff_text} |")


if __name__ == "__main__":
    main()
