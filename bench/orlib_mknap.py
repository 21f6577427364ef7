"""Convert an OR-Library multidimensional knapsack file (mknap1, mknapcb1-9) into selection problem files.

The OR-Library format (J.E. Beasley, "OR-Library", files mknap1.txt and mknapcb*.txt; numbers
separated by any whitespace, line breaks carry no meaning):

    K                                   number of test problems in the file
    then for each problem k = 1..K:
      n m opt                           variables, constraints, optimal value (0 if unknown)
      p(1) ... p(n)                     profits
      r(i,1) ... r(i,n)   for i = 1..m  the weights of constraint i
      b(1) ... b(m)                     the capacities

    maximise sum p(j) x(j)  subject to  sum_j r(i,j) x(j) <= b(i) for every i,  x(j) in {0, 1}

Each problem becomes one problem file: candidate ``x{j}`` with value p(j) and costs
``{"r{i}": r(i,j)}``, and one ``sum`` constraint ``resource {i}`` with ``max`` b(i) per
constraint. The known optimum is returned beside it (and printed), for checking the result of
``foster select``. (In mknap2.txt the format differs and is described inside the file; it is not
read here.)

Run:  .venv/bin/python bench/orlib_mknap.py mknap1.txt OUTDIR
      then  foster select --problem OUTDIR/mknap1-1.json --out result.json
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

__all__ = ["parse_mknap", "problem_json"]


class MknapFormatError(ValueError):
    """The text is not in the OR-Library mknap format."""


def _numbers(text: str) -> list[float]:
    numbers = []
    for position, token in enumerate(text.split()):
        try:
            numbers.append(float(token))
        except ValueError:
            raise MknapFormatError(f"token {position + 1} ({token!r}) is not a number") from None
    return numbers


def parse_mknap(text: str) -> list[dict[str, Any]]:
    """Every problem of an mknap file as ``{"n", "m", "optimum", "profits", "weights", "capacities"}``."""
    numbers = _numbers(text)
    if not numbers:
        raise MknapFormatError("the file is empty")
    count = int(numbers[0])
    position = 1
    problems = []
    for number in range(1, count + 1):
        if position + 3 > len(numbers):
            raise MknapFormatError(f"problem {number}: the file ends before its sizes")
        n, m, optimum = int(numbers[position]), int(numbers[position + 1]), numbers[position + 2]
        position += 3
        needed = n + m * n + m
        if position + needed > len(numbers):
            raise MknapFormatError(f"problem {number} (n={n}, m={m}): the file ends {needed} numbers too early")
        profits = numbers[position : position + n]
        position += n
        weights = [numbers[position + i * n : position + (i + 1) * n] for i in range(m)]
        position += m * n
        capacities = numbers[position : position + m]
        position += m
        problems.append(
            {"n": n, "m": m, "optimum": optimum, "profits": profits, "weights": weights, "capacities": capacities}
        )
    if position != len(numbers):
        raise MknapFormatError(f"{len(numbers) - position} numbers left after problem {count}")
    return problems


def _plain(value: float) -> float | int:
    return int(value) if value.is_integer() else value


def problem_json(problem: dict[str, Any]) -> dict[str, Any]:
    """The selection problem file of one parsed mknap problem."""
    n, m = problem["n"], problem["m"]
    width = len(str(n - 1))
    return {
        "name": f"OR-Library multidimensional knapsack, n={n}, m={m}",
        "candidates": [
            {
                "id": f"x{j:0{width}d}",
                "value": _plain(problem["profits"][j]),
                "costs": {f"r{i}": _plain(problem["weights"][i][j]) for i in range(m)},
            }
            for j in range(n)
        ],
        "constraints": [
            {"name": f"resource {i}", "type": "sum", "cost": f"r{i}", "max": _plain(problem["capacities"][i])}
            for i in range(m)
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mknap_file", type=Path)
    parser.add_argument("out_dir", type=Path)
    args = parser.parse_args()
    args.out_dir.mkdir(parents=True, exist_ok=True)
    for number, problem in enumerate(parse_mknap(args.mknap_file.read_text()), start=1):
        path = args.out_dir / f"{args.mknap_file.stem}-{number}.json"
        path.write_text(json.dumps(problem_json(problem), indent=1) + "\n", encoding="utf-8")
        print(f"{path}: n={problem['n']} m={problem['m']} known optimum {problem['optimum']:g}")


if __name__ == "__main__":
    main()
