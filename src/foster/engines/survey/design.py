"""A stratified single-stage sample of 0/1 answers, checked before anything is estimated.

The design is the one R's ``survey`` package builds with ``svydesign(ids = ~1, strata = ~h,
weights = ~w, fpc = ~N_h)``: every respondent is its own primary sampling unit, strata are
sampled independently, ``N_h`` (when given) is the stratum's population size. Without weights,
the weight of a respondent is ``N_h / n_h`` when population sizes are given, else 1 (as
``svydesign`` does). A check that fails raises ``DesignError`` with every problem found, each
naming its rows or its stratum; nothing is estimated from a design that did not pass.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IndexArray = NDArray[np.intp]
BoolArray = NDArray[np.bool_]
ParamValue = int | float | str | tuple[int, ...] | tuple[str, ...]

CERTAINTY_TOLERANCE = 1e-7  # R: a stratum with sampling fraction above 1 - 1e-7 adds no variance
ROWS_NAMED = 20  # a problem names at most this many rows


class LonelyStratum(StrEnum):
    """What to do with a stratum of one respondent (R's ``options(survey.lonely.psu = ...)``).

    ``fail`` (R's default and Foster's): refuse, naming the stratum. ``adjust``: the stratum adds its
    respondent's squared deviation from the overall mean. ``certainty`` and ``remove``: it adds no
    variance. ``average``: it is given the average variance of the other strata. A stratum whose
    population size equals its sample (taken whole) adds no variance in every mode.
    """

    FAIL = "fail"
    ADJUST = "adjust"
    CERTAINTY = "certainty"
    REMOVE = "remove"
    AVERAGE = "average"


@dataclass(frozen=True, slots=True)
class DesignProblem:
    """One reason the design was refused: a stable ``code``, its ``params`` and the English ``text``."""

    code: str
    params: Mapping[str, ParamValue]
    text: str


class DesignError(ValueError):
    """The sample cannot be estimated from; ``problems`` lists every reason found."""

    def __init__(self, problems: Sequence[DesignProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(problem.text for problem in self.problems))


@dataclass(frozen=True)
class PostStratification:
    """Weights made to add up to known group totals (R's ``postStratify``): ``groups`` codes per
    respondent, the weights before (``old_weights``) and after (``new_weights``)."""

    groups: IndexArray
    old_weights: FloatArray
    new_weights: FloatArray


@dataclass(frozen=True)
class Raking:
    """Weights raked to several margins (R's ``rake``): per margin, the group codes and the weights
    right after that margin's step of the last pass."""

    margins: tuple[tuple[IndexArray, FloatArray], ...]


Calibration = PostStratification | Raking


@dataclass(frozen=True)
class SurveyDesign:
    """A checked design. ``strata`` are codes into ``stratum_labels``; ``population_sizes`` is per
    stratum (``N_h``) or None (sampling with replacement, no finite-population correction)."""

    y: FloatArray
    weights: FloatArray
    strata: IndexArray
    stratum_labels: tuple[str, ...]
    population_sizes: FloatArray | None
    lonely: LonelyStratum
    has_weights: bool
    calibration: tuple[Calibration, ...] = ()

    @property
    def n(self) -> int:
        return int(self.y.shape[0])

    @property
    def stratum_counts(self) -> IndexArray:
        """``n_h``: respondents per stratum."""
        return np.bincount(self.strata, minlength=len(self.stratum_labels)).astype(np.intp)

    @property
    def kept_fractions(self) -> FloatArray:
        """``1 - n_h / N_h`` per stratum (R's ``f``); 1 without population sizes."""
        if self.population_sizes is None:
            return np.ones(len(self.stratum_labels))
        counts = self.stratum_counts.astype(np.float64)
        fractions: FloatArray = (self.population_sizes - counts) / self.population_sizes
        return fractions


def _rows_text(rows: Sequence[int]) -> str:
    shown = ", ".join(str(row) for row in rows[:ROWS_NAMED])
    more = len(rows) - ROWS_NAMED
    return f"{shown} and {more} more" if more > 0 else shown


def rows_problem(code: str, rows: Sequence[int], text: str, **params: ParamValue) -> DesignProblem:
    """A problem of some rows; ``text`` may use ``{rows}`` for the row numbers (at most 20 named)."""
    return DesignProblem(
        code,
        {"rows": tuple(rows[:ROWS_NAMED]), "row_count": len(rows), **params},
        text.format(rows=_rows_text(rows), **params),
    )


def survey_design(
    y: Sequence[float] | FloatArray,
    *,
    strata: Sequence[str] | None = None,
    weights: Sequence[float] | FloatArray | None = None,
    population_sizes: Sequence[float] | FloatArray | None = None,
    lonely: LonelyStratum = LonelyStratum.FAIL,
    row_numbers: Sequence[int] | None = None,
) -> SurveyDesign:
    """Check and build a design from one value per respondent: ``y`` (0 or 1), the stratum label,
    the weight and the stratum's population size ``N_h``. ``row_numbers`` name the rows in
    messages (default 1, 2, ...). Raises ``DesignError`` listing every problem."""
    answers = np.asarray(y, dtype=np.float64)
    n = int(answers.shape[0])
    numbers = np.arange(1, n + 1) if row_numbers is None else np.asarray(row_numbers)
    problems: list[DesignProblem] = []
    if n == 0:
        raise DesignError([DesignProblem("empty", {}, "There are no responses to estimate from.")])
    bad_y = np.flatnonzero(~np.isin(answers, (0.0, 1.0)))
    if bad_y.size:
        problems.append(
            rows_problem("answer_not_binary", numbers[bad_y].tolist(), "Rows {rows}: the answer must be 0 or 1.")
        )
    labels_of_rows = ["1"] * n if strata is None else [str(label) for label in strata]
    stratum_labels, codes = np.unique(np.asarray(labels_of_rows, dtype=np.str_), return_inverse=True)
    codes = codes.astype(np.intp).reshape(-1)
    labels = tuple(str(label) for label in stratum_labels)
    counts = np.bincount(codes, minlength=len(labels))

    sizes: FloatArray | None = None
    if population_sizes is not None:
        row_sizes = np.asarray(population_sizes, dtype=np.float64)
        bad = np.flatnonzero(~np.isfinite(row_sizes) | (row_sizes <= 0))
        if bad.size:
            problems.append(
                rows_problem(
                    "population_size_not_positive",
                    numbers[bad].tolist(),
                    "Rows {rows}: the stratum population size (fpc) must be a positive number.",
                )
            )
        else:
            sizes = np.zeros(len(labels))
            for code, label in enumerate(labels):
                values = np.unique(row_sizes[codes == code])
                if values.size > 1:
                    problems.append(
                        DesignProblem(
                            "population_size_varies",
                            {"stratum": label, "values": tuple(str(_number(v)) for v in values[:5])},
                            f"Stratum “{label}”: the population size (fpc) differs between its rows "
                            f"({', '.join(str(_number(v)) for v in values[:5])}); give one N_h per stratum.",
                        )
                    )
                    continue
                sizes[code] = values[0]
                if values[0] < counts[code]:
                    problems.append(
                        DesignProblem(
                            "population_size_below_sample",
                            {"stratum": label, "population_size": _number(values[0]), "sample_size": int(counts[code])},
                            f"Stratum “{label}”: the population size (fpc) {_number(values[0])} is smaller than "
                            f"the {int(counts[code])} respondents sampled from it. The fpc column holds the "
                            "stratum's population size N_h, not a sampling fraction.",
                        )
                    )

    if weights is None:
        has_weights = False
        if sizes is not None and not problems:
            row_weights: FloatArray = (sizes / counts)[codes]
        else:
            row_weights = np.ones(n)
    else:
        has_weights = True
        row_weights = np.asarray(weights, dtype=np.float64)
        bad = np.flatnonzero(~np.isfinite(row_weights))
        if bad.size:
            problems.append(
                rows_problem("weight_not_number", numbers[bad].tolist(), "Rows {rows}: the weight is not a number.")
            )
        zero = np.flatnonzero(row_weights == 0)
        if zero.size:
            problems.append(
                rows_problem(
                    "weight_zero",
                    numbers[zero].tolist(),
                    "Rows {rows}: the weight is 0. A respondent who represents nobody does not belong in "
                    "the sample; remove the row or give its design weight.",
                )
            )
        negative = np.flatnonzero(row_weights < 0)
        if negative.size:
            problems.append(
                rows_problem("weight_negative", numbers[negative].tolist(), "Rows {rows}: the weight is negative.")
            )

    if lonely == LonelyStratum.FAIL:
        fractions = np.ones(len(labels)) if sizes is None else (sizes - counts) / np.where(sizes > 0, sizes, 1)
        for lonely_code in np.flatnonzero((counts == 1) & (fractions >= CERTAINTY_TOLERANCE)).tolist():
            row = int(numbers[np.flatnonzero(codes == lonely_code)[0]])
            problems.append(
                DesignProblem(
                    "lonely_stratum",
                    {"stratum": labels[lonely_code], "rows": (row,)},
                    f"Stratum “{labels[lonely_code]}” has only one respondent (row {row}), so its variance cannot be "
                    "estimated. Merge it with a similar stratum, or choose a treatment for single-respondent "
                    "strata (adjust, certainty, remove or average, as R's survey.lonely.psu).",
                )
            )
    if problems:
        raise DesignError(problems)
    return SurveyDesign(
        y=answers,
        weights=row_weights,
        strata=codes,
        stratum_labels=labels,
        population_sizes=sizes,
        lonely=lonely,
        has_weights=has_weights,
    )


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else float(value)
