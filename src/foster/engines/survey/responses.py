"""Responses as a table of text cells (a CSV or a workbook's first sheet) to a checked design.

Answer values (``y``): 1 or 0, and the words people type for them, in English and Korean
(``YES_WORDS`` and ``NO_WORDS``, compared without case or surrounding spaces). An empty cell or
``NA``/``N/A``/``NaN``/``null`` is a missing answer. Anything else (2, "maybe", 0.5) is refused,
naming the rows: a rate needs a fixed definition of "yes", and guessing one would change it.

Missing answers are refused by default, naming the rows. With ``drop_missing`` the rows stay in
the design and the estimate covers the respondents who answered (R's ``na.rm = TRUE``, which
treats them as outside a domain: the strata sizes, and the weights ``N_h / n_h`` derived from the
fpc, are the whole sample's). A missing stratum, weight, fpc or domain is always refused.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from foster.engines.survey.design import (
    BoolArray,
    DesignError,
    DesignProblem,
    LonelyStratum,
    SurveyDesign,
    rows_problem,
    survey_design,
)
from foster.engines.survey.estimate import IntervalMethod, SurveyEstimate, estimate_proportion

YES_WORDS = frozenset({"1", "1.0", "yes", "y", "true", "t", "예", "네", "o", "있음"})
NO_WORDS = frozenset({"0", "0.0", "no", "n", "false", "f", "아니오", "아니요", "x", "없음"})
MISSING_WORDS = frozenset({"", "na", "n/a", "nan", "null", "none"})
THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


@dataclass(frozen=True)
class ResponseTable:
    """Parsed responses: the design over every row, the rows with an answer (``answered``), the
    domain label of each row (or None) and the file's row number of each row."""

    design: SurveyDesign
    answered: BoolArray
    domains: tuple[str, ...] | None
    row_numbers: tuple[int, ...]

    def estimate(self, *, method: IntervalMethod = IntervalMethod.LOGIT, level: float = 0.95) -> SurveyEstimate:
        subset = None if bool(self.answered.all()) else self.answered
        return estimate_proportion(self.design, method=method, level=level, domains=self.domains, subset=subset)


def answer_value(text: str) -> float | None:
    """1.0, 0.0, or None for a missing answer; raises ValueError for an unclear one."""
    key = text.strip().lower()
    if key in YES_WORDS:
        return 1.0
    if key in NO_WORDS:
        return 0.0
    if key in MISSING_WORDS:
        return None
    raise ValueError(text)


def number_value(text: str) -> float | None:
    """A number (1234.5, "1,234.5"), None when empty or NA; raises ValueError otherwise."""
    key = text.strip()
    if key.lower() in MISSING_WORDS:
        return None
    if THOUSANDS.match(key):
        key = key.replace(",", "")
    return float(key)


def _column_index(header: Sequence[str], name: str) -> int | None:
    wanted = name.strip().lower()
    for index, cell in enumerate(header):
        if cell.strip().replace("\ufeff", "").lower() == wanted:
            return index
    return None


def responses_table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    y: str,
    stratum: str | None = None,
    weight: str | None = None,
    fpc: str | None = None,
    domain: str | None = None,
    drop_missing: bool = False,
    lonely: LonelyStratum = LonelyStratum.FAIL,
    row_numbers: Sequence[int] | None = None,
) -> ResponseTable:
    """Check every cell and build the design. ``rows`` are the data rows as text, ``row_numbers``
    their numbers in the file (default: 2, 3, ... under a header in row 1). Raises DesignError
    with every problem, each naming its rows, column or stratum."""
    numbers = list(range(2, len(rows) + 2)) if row_numbers is None else list(row_numbers)
    problems: list[DesignProblem] = []
    indexes: dict[str, int] = {}
    for role, name in (("y", y), ("stratum", stratum), ("weight", weight), ("fpc", fpc), ("domain", domain)):
        if name is None:
            continue
        index = _column_index(header, name)
        if index is None:
            problems.append(
                DesignProblem(
                    "unknown_column",
                    {"column": name, "columns": tuple(header)},
                    f"The file has no column “{name}” (for {role}). Its columns are: "
                    f"{', '.join(cell for cell in header if cell.strip())}.",
                )
            )
        else:
            indexes[role] = index
    if problems:
        raise DesignError(problems)
    if not rows:
        raise DesignError([DesignProblem("empty", {}, "The file has no responses under its header row.")])

    def cells(role: str) -> list[str]:
        index = indexes[role]
        return [row[index].strip() if index < len(row) else "" for row in rows]

    answers: list[float] = []
    missing: list[int] = []
    unclear: list[int] = []
    unclear_values: list[str] = []
    for number, text in zip(numbers, cells("y"), strict=True):
        try:
            value = answer_value(text)
        except ValueError:
            unclear.append(number)
            if text not in unclear_values:
                unclear_values.append(text)
            answers.append(0.0)
            continue
        if value is None:
            missing.append(number)
            answers.append(0.0)
        else:
            answers.append(value)
    if unclear:
        problems.append(
            rows_problem(
                "answer_unclear",
                unclear,
                "Rows {rows}: “{values}” in column “{column}” is neither yes (1) nor no (0). Write 1 or 0 "
                "(yes/no, 예/아니오 are read too).",
                values="”, “".join(unclear_values[:5]),
                column=y,
            )
        )
    if missing and not drop_missing:
        problems.append(
            rows_problem(
                "answer_missing",
                missing,
                "Rows {rows}: no answer in column “{column}”. Fill them in, remove the rows, or estimate "
                "over the respondents who answered (--drop-missing, as R's na.rm = TRUE).",
                column=y,
            )
        )
    labels: dict[str, list[str]] = {}
    for role in ("stratum", "domain"):
        if role not in indexes:
            continue
        values = cells(role)
        empty = [number for number, value in zip(numbers, values, strict=True) if value.lower() in MISSING_WORDS]
        if empty:
            problems.append(
                rows_problem(
                    f"{role}_missing",
                    empty,
                    "Rows {rows}: the {role} (column “{column}”) is empty.",
                    role=role,
                    column=str(stratum if role == "stratum" else domain),
                )
            )
        labels[role] = values
    numeric: dict[str, list[float]] = {}
    for role in ("weight", "fpc"):
        if role not in indexes:
            continue
        parsed: list[float] = []
        empty = []
        unreadable = []
        for number, text in zip(numbers, cells(role), strict=True):
            try:
                parsed_value = number_value(text)
            except ValueError:
                unreadable.append(number)
                parsed.append(1.0)
                continue
            if parsed_value is None:
                empty.append(number)
                parsed.append(1.0)
            else:
                parsed.append(parsed_value)
        column = str(weight if role == "weight" else fpc)
        if empty:
            problems.append(
                rows_problem(
                    f"{role}_missing",
                    empty,
                    "Rows {rows}: the {role} (column “{column}”) is empty.",
                    role=role,
                    column=column,
                )
            )
        if unreadable:
            problems.append(
                rows_problem(
                    f"{role}_not_number",
                    unreadable,
                    "Rows {rows}: the {role} (column “{column}”) is not a number.",
                    role=role,
                    column=column,
                )
            )
        if not empty and not unreadable:
            numeric[role] = parsed
    try:
        design = survey_design(
            answers,
            strata=labels.get("stratum"),
            weights=numeric.get("weight"),
            population_sizes=numeric.get("fpc"),
            lonely=lonely,
            row_numbers=numbers,
        )
    except DesignError as error:
        problems.extend(error.problems)
        raise DesignError(problems) from None
    if problems:
        raise DesignError(problems)
    answered = np.ones(len(rows), dtype=bool)
    if missing:
        missing_set = set(missing)
        answered = np.fromiter((number not in missing_set for number in numbers), dtype=bool, count=len(rows))
        if not answered.any():
            raise DesignError([DesignProblem("no_answers", {"column": y}, f"No row has an answer in column “{y}”.")])
    domains = tuple(labels["domain"]) if "domain" in labels else None
    return ResponseTable(design=design, answered=answered, domains=domains, row_numbers=tuple(numbers))
