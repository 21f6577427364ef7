"""Tables as the synthesis engine sees them: typed columns of numpy arrays, and the text they come from.

A ``Table`` is a list of ``Column``s of equal length. Every kind keeps its values in one numpy array:

- ``number``, ``integer``: float64, ``NaN`` for a missing value;
- ``date`` (days since 1970-01-01) and ``datetime`` (seconds since 1970-01-01 UTC, naive clock time):
  float64, ``NaN`` for missing;
- ``boolean``: float64 0.0 / 1.0, ``NaN`` for missing; ``labels`` keeps how true and false were written;
- ``category`` and ``identifier``: an object array of ``str``, ``None`` for missing.

An ``identifier`` (an order number, a free-text remark: a different value in almost every row) is never
modelled: synthesis writes fresh labels, so no real identifier or remark can reach the output.

``infer_column`` reads a column of text cells (as a CSV holds them) and guesses its kind; the caller may
override it (``column_from_text(..., kind=...)``). ``column_to_text`` writes the values back in the
spelling the input used (decimals, date format, the words for true and false).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
ObjectArray = npt.NDArray[np.object_]

MISSING_TOKENS = frozenset({"", "na", "n/a", "nan", "null", "none", "#n/a", "-", "nil", "missing"})
TRUE_TOKENS = frozenset({"true", "t", "yes", "y", "예", "네", "참", "o", "있음", "합격", "pass"})
FALSE_TOKENS = frozenset({"false", "f", "no", "n", "아니오", "아니요", "거짓", "x", "없음", "불합격", "fail"})
IDENTIFIER_MIN_DISTINCT = 20
IDENTIFIER_DISTINCT_SHARE = 0.9
MAX_DECIMALS = 6
EPOCH = dt.datetime(1970, 1, 1)
EPOCH_DATE = dt.date(1970, 1, 1)
SECONDS_PER_DAY = 86_400.0

_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_GROUPED_NUMBER = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_DATE = re.compile(r"^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})\.?$")
_DATETIME = re.compile(r"^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?$")


class ColumnKind(StrEnum):
    NUMBER = "number"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    DATE = "date"
    DATETIME = "datetime"
    CATEGORY = "category"
    IDENTIFIER = "identifier"


NUMERIC_KINDS = frozenset({ColumnKind.NUMBER, ColumnKind.INTEGER, ColumnKind.DATE, ColumnKind.DATETIME})
TEXT_KINDS = frozenset({ColumnKind.CATEGORY, ColumnKind.IDENTIFIER})


@dataclass(frozen=True)
class TextFormat:
    """How a column's values were written: decimal places, the date separator, the words for true/false."""

    decimals: int = 0
    date_separator: str = "-"
    true_label: str = "true"
    false_label: str = "false"
    has_seconds: bool = True


@dataclass
class Column:
    """One column: its name, kind, values (see the module docstring) and how to write them back."""

    name: str
    kind: ColumnKind
    values: npt.NDArray[np.float64] | npt.NDArray[np.object_]
    text_format: TextFormat = field(default_factory=TextFormat)

    def __len__(self) -> int:
        return int(self.values.shape[0])

    @property
    def is_numeric(self) -> bool:
        return self.kind in NUMERIC_KINDS or self.kind == ColumnKind.BOOLEAN

    def missing_mask(self) -> npt.NDArray[np.bool_]:
        if self.kind in TEXT_KINDS:
            return np.fromiter((value is None for value in self.values), dtype=bool, count=len(self))
        return np.isnan(self.values.astype(np.float64))

    def take(self, indices: npt.NDArray[np.intp]) -> Column:
        return replace(self, values=self.values[indices])

    def with_values(self, values: npt.NDArray[np.float64] | npt.NDArray[np.object_]) -> Column:
        return replace(self, values=values)


@dataclass
class Table:
    """Columns of equal length."""

    columns: list[Column]

    def __post_init__(self) -> None:
        lengths = {len(column) for column in self.columns}
        if len(lengths) > 1:
            raise ValueError(f"columns of different lengths: {sorted(lengths)}")
        names = [column.name for column in self.columns]
        if len(set(names)) != len(names):
            raise ValueError("column names must be unique")

    @property
    def n_rows(self) -> int:
        return len(self.columns[0]) if self.columns else 0

    @property
    def names(self) -> list[str]:
        return [column.name for column in self.columns]

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)

    def take(self, indices: npt.NDArray[np.intp]) -> Table:
        return Table([column.take(indices) for column in self.columns])

    def select(self, names: Sequence[str]) -> Table:
        return Table([self.column(name) for name in names])


# --- Parsing cells ---------------------------------------------------------------------------------


def is_missing_text(text: str) -> bool:
    return text.strip().lower() in MISSING_TOKENS


def parse_number(text: str) -> float | None:
    """A number written as ``-1.5``, ``1e3`` or ``1,234.5``; None if the text is not one, or has a leading
    zero (``007`` is a code, not seven)."""
    cleaned = text.strip()
    if _GROUPED_NUMBER.match(cleaned):
        cleaned = cleaned.replace(",", "")
    elif not _NUMBER.match(cleaned):
        return None
    digits = cleaned.lstrip("+-")
    if len(digits) > 1 and digits[0] == "0" and digits[1].isdigit():
        return None
    value = float(cleaned)
    return value if math.isfinite(value) else None


def _decimals(text: str) -> int:
    cleaned = text.strip()
    if "e" in cleaned.lower() or "." not in cleaned:
        return 0
    return min(MAX_DECIMALS, len(cleaned.rsplit(".", 1)[1]))


def parse_date(text: str) -> dt.date | None:
    match = _DATE.match(text.strip())
    if not match:
        return None
    try:
        return dt.date(int(match.group(1)), int(match.group(3)), int(match.group(4)))
    except ValueError:
        return None


def parse_datetime(text: str) -> dt.datetime | None:
    cleaned = text.strip()
    match = _DATETIME.match(cleaned)
    if not match:
        return None
    year, _sep, month, day, hour, minute, second, fraction = match.groups()
    try:
        return dt.datetime(
            int(year),
            int(month),
            int(day),
            int(hour),
            int(minute),
            int(second or 0),
            int((fraction or "0").ljust(6, "0")),
        )
    except ValueError:
        return None


def _boolean_token(text: str) -> bool | None:
    token = text.strip().lower()
    if token in TRUE_TOKENS:
        return True
    if token in FALSE_TOKENS:
        return False
    return None


# --- Inference ---------------------------------------------------------------------------------------


def infer_kind(cells: Sequence[str]) -> ColumnKind:
    """The kind of a column of text cells (missing cells ignored; a column of nothing but missing
    cells is a category)."""
    distinct = {cell.strip() for cell in cells if not is_missing_text(cell)}
    present = sum(1 for cell in cells if not is_missing_text(cell))
    if not distinct:
        return ColumnKind.CATEGORY
    numbers = {text: parse_number(text) for text in distinct}
    if all(value is not None for value in numbers.values()):
        if set(numbers.values()) <= {0.0, 1.0} and len(distinct) == 2:
            return ColumnKind.BOOLEAN
        if all(float(value).is_integer() and "." not in text for text, value in numbers.items() if value is not None):
            return ColumnKind.INTEGER
        return ColumnKind.NUMBER
    tokens = {text.lower() for text in distinct}
    if (
        len(tokens) <= 2
        and all(_boolean_token(text) is not None for text in tokens)
        and len({_boolean_token(text) for text in tokens}) == len(tokens)
    ):
        return ColumnKind.BOOLEAN
    if all(parse_date(text) is not None for text in distinct):
        return ColumnKind.DATE
    if all(parse_date(text) is not None or parse_datetime(text) is not None for text in distinct):
        return ColumnKind.DATETIME
    if len(distinct) >= IDENTIFIER_MIN_DISTINCT and len(distinct) >= IDENTIFIER_DISTINCT_SHARE * present:
        return ColumnKind.IDENTIFIER
    return ColumnKind.CATEGORY


def _text_format(kind: ColumnKind, distinct: set[str]) -> TextFormat:
    if kind == ColumnKind.NUMBER:
        return TextFormat(decimals=max((_decimals(text) for text in distinct), default=0))
    if kind in (ColumnKind.DATE, ColumnKind.DATETIME):
        separators = Counter(match.group(2) for text in distinct if (match := _DATE.match(text.split(" ")[0])))
        has_seconds = any(text.count(":") >= 2 for text in distinct)
        return TextFormat(
            date_separator=separators.most_common(1)[0][0] if separators else "-", has_seconds=has_seconds
        )
    if kind == ColumnKind.BOOLEAN:
        truths = sorted(text for text in distinct if _boolean_token(text) is True or parse_number(text) == 1.0)
        falses = sorted(text for text in distinct if _boolean_token(text) is False or parse_number(text) == 0.0)
        return TextFormat(true_label=truths[0] if truths else "true", false_label=falses[0] if falses else "false")
    return TextFormat()


class CellError(ValueError):
    """A cell that does not fit the column's (overridden) kind: ``row`` counts data rows from 0."""

    def __init__(self, column: str, row: int, value: str, kind: ColumnKind) -> None:
        super().__init__(f"{column}: row {row + 1}: {value!r} is not a {kind.value}")
        self.column, self.row, self.value, self.kind = column, row, value, kind


def _seconds(moment: dt.datetime) -> float:
    return (moment - EPOCH).total_seconds()


def _convert(text: str, kind: ColumnKind) -> float | str | None:
    """The value of one non-missing cell of ``kind``; raises ValueError if it does not fit."""
    if kind in (ColumnKind.NUMBER, ColumnKind.INTEGER):
        number = parse_number(text)
        if number is None:
            raise ValueError(text)
        return float(round(number)) if kind == ColumnKind.INTEGER else number
    if kind == ColumnKind.BOOLEAN:
        token = _boolean_token(text)
        if token is None:
            number = parse_number(text)
            if number not in (0.0, 1.0):
                raise ValueError(text)
            token = number == 1.0
        return 1.0 if token else 0.0
    if kind == ColumnKind.DATE:
        date = parse_date(text) or (moment.date() if (moment := parse_datetime(text)) else None)
        if date is None:
            raise ValueError(text)
        return float((date - EPOCH_DATE).days)
    if kind == ColumnKind.DATETIME:
        moment = parse_datetime(text)
        if moment is None:
            date = parse_date(text)
            if date is None:
                raise ValueError(text)
            moment = dt.datetime.combine(date, dt.time())
        return _seconds(moment)
    return text.strip()


def column_from_text(name: str, cells: Sequence[str], kind: ColumnKind | None = None) -> Column:
    """A typed column from text cells; ``kind`` overrides the inferred kind. Raises ``CellError`` on the
    first cell that does not fit an overridden kind."""
    chosen = kind or infer_kind(cells)
    stripped = [cell.strip() for cell in cells]
    distinct = {cell for cell in stripped if not is_missing_text(cell)}
    values_by_text: dict[str, float | str | None] = {}
    failing: set[str] = set()
    for text in distinct:
        try:
            values_by_text[text] = _convert(text, chosen)
        except ValueError:
            failing.add(text)
    if failing:
        row = next(index for index, text in enumerate(stripped) if text in failing)
        raise CellError(name, row, stripped[row], chosen)
    if chosen in TEXT_KINDS:
        objects = np.empty(len(stripped), dtype=object)
        objects[:] = [values_by_text.get(cell) for cell in stripped]
        return Column(name, chosen, objects, _text_format(chosen, distinct))
    numbers = np.fromiter(
        (values_by_text.get(cell, math.nan) for cell in stripped), dtype=np.float64, count=len(stripped)
    )
    return Column(name, chosen, numbers, _text_format(chosen, distinct))


def infer_column(name: str, cells: Sequence[str]) -> Column:
    return column_from_text(name, cells)


def table_from_text(
    header: Sequence[str], columns: Sequence[Sequence[str]], kinds: dict[str, ColumnKind] | None = None
) -> Table:
    """A typed table from the text of each column (``columns[i]`` holds the cells under ``header[i]``)."""
    chosen = kinds or {}
    return Table(
        [column_from_text(str(name), cells, chosen.get(str(name))) for name, cells in zip(header, columns, strict=True)]
    )


# --- Writing back --------------------------------------------------------------------------------------


def _format_number(value: float, decimals: int) -> str:
    text = f"{value:.{decimals}f}"
    return "0" if decimals == 0 and text in ("-0",) else text


def column_to_text(column: Column) -> list[str]:
    """The column's values as text cells, in the spelling its input used; missing values are empty."""
    kind, fmt = column.kind, column.text_format
    if kind in TEXT_KINDS:
        return ["" if value is None else str(value) for value in column.values]
    out: list[str] = []
    for raw in column.values.astype(np.float64):
        value = float(raw)
        if math.isnan(value):
            out.append("")
        elif kind == ColumnKind.INTEGER:
            out.append(str(round(value)))
        elif kind == ColumnKind.NUMBER:
            out.append(_format_number(value, fmt.decimals))
        elif kind == ColumnKind.BOOLEAN:
            out.append(fmt.true_label if value >= 0.5 else fmt.false_label)
        elif kind == ColumnKind.DATE:
            date = EPOCH_DATE + dt.timedelta(days=round(value))
            out.append(date.strftime(f"%Y{fmt.date_separator}%m{fmt.date_separator}%d"))
        else:
            moment = EPOCH + dt.timedelta(seconds=round(value))
            pattern = f"%Y{fmt.date_separator}%m{fmt.date_separator}%d %H:%M" + (":%S" if fmt.has_seconds else "")
            out.append(moment.strftime(pattern))
    return out


def table_to_rows(table: Table) -> list[list[str]]:
    """The table as rows of text cells (without the header)."""
    cells = [column_to_text(column) for column in table.columns]
    return [list(row) for row in zip(*cells, strict=True)] if cells else []


def text_key(column: Column) -> ObjectArray:
    """The values as hashable keys for counting (text; numbers rounded as they would be written)."""
    keys = np.empty(len(column), dtype=object)
    keys[:] = column_to_text(column)
    return keys
