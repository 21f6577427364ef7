"""Business rules a synthetic table must keep: ranges of a column and an order between two columns.

- ``RangeRule``: ``column`` between ``minimum`` and ``maximum`` (either may be open);
- ``OrderRule``: ``first <= second`` (``first < second`` when strict), e.g. an end date after a start.

Rules are written one per line (``parse_rule``): ``end_date >= start_date``, ``temperature between 0
and 120``, ``weight > 0``. Order rules that the real data keeps in every row are also found on their
own (``infer_order_rules``: pairs of dates, and pairs of numbers on a like scale whose ranges overlap,
such as a minimum and a maximum). A rule is checked on rows where its columns are present; missing values
break no rule.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from foster.engines.synthesis.table import (
    EPOCH,
    EPOCH_DATE,
    Column,
    ColumnKind,
    Table,
    parse_date,
    parse_datetime,
    parse_number,
)

ORDER_KINDS = frozenset({ColumnKind.NUMBER, ColumnKind.INTEGER, ColumnKind.DATE, ColumnKind.DATETIME})
MIN_ROWS_FOR_INFERENCE = 10
MAX_INFERENCE_COLUMNS = 60
SCALE_FACTOR = 3.0
_COMPARISON = re.compile(r"^(.+?)\s*(<=|>=|=<|=>|<|>)\s*(.+)$")
_BETWEEN = re.compile(r"^(.+?)\s+between\s+(.+?)\s+and\s+(.+)$", re.IGNORECASE)


@dataclass(frozen=True)
class RangeRule:
    column: str
    minimum: float | None = None
    maximum: float | None = None

    def describe(self) -> str:
        if self.minimum is not None and self.maximum is not None:
            return f"{self.column} between {self.minimum:g} and {self.maximum:g}"
        if self.minimum is not None:
            return f"{self.column} >= {self.minimum:g}"
        return f"{self.column} <= {self.maximum:g}"


@dataclass(frozen=True)
class OrderRule:
    first: str
    second: str
    strict: bool = False

    def describe(self) -> str:
        return f"{self.first} {'<' if self.strict else '<='} {self.second}"


Rule = RangeRule | OrderRule


class RuleError(ValueError):
    """A rule that cannot be read: ``code`` is ``syntax``, ``unknown_column``, ``not_ordered`` or
    ``bad_value``; ``detail`` names the column or value."""

    def __init__(self, code: str, text: str, detail: str = "") -> None:
        super().__init__(f"{code}: {text} ({detail})" if detail else f"{code}: {text}")
        self.code, self.text, self.detail = code, text, detail


def _bound(text: str, column: Column, rule_text: str) -> float:
    """A bound written for ``column``: a number, or a date for a date or datetime column."""
    cleaned = text.strip()
    if column.kind == ColumnKind.DATE and (date := parse_date(cleaned)):
        return float((date - EPOCH_DATE).days)
    if column.kind == ColumnKind.DATETIME:
        moment = parse_datetime(cleaned)
        if moment is None and (date := parse_date(cleaned)):
            moment = EPOCH.combine(date, EPOCH.time())
        if moment is not None:
            return (moment - EPOCH).total_seconds()
    if column.kind in (ColumnKind.NUMBER, ColumnKind.INTEGER) and (number := parse_number(cleaned)) is not None:
        return number
    raise RuleError("bad_value", rule_text, cleaned)


def parse_rule(text: str, table: Table) -> Rule:
    """Read one rule against ``table``'s columns; raises ``RuleError``."""
    cleaned = " ".join(text.split())
    by_name = {column.name: column for column in table.columns}

    def ordered_column(name: str) -> Column:
        column = by_name.get(name.strip())
        if column is None:
            raise RuleError("unknown_column", cleaned, name.strip())
        if column.kind not in ORDER_KINDS:
            raise RuleError("not_ordered", cleaned, name.strip())
        return column

    if match := _BETWEEN.match(cleaned):
        column = ordered_column(match.group(1))
        low, high = _bound(match.group(2), column, cleaned), _bound(match.group(3), column, cleaned)
        if low > high:
            low, high = high, low
        return RangeRule(column.name, low, high)
    match = _COMPARISON.match(cleaned)
    if not match:
        raise RuleError("syntax", cleaned)
    left, operator, right = match.group(1).strip(), match.group(2), match.group(3).strip()
    operator = {"=<": "<=", "=>": ">="}.get(operator, operator)
    left_column = ordered_column(left)
    if right in by_name:
        right_column = ordered_column(right)
        if operator in ("<=", "<"):
            return OrderRule(left_column.name, right_column.name, strict=operator == "<")
        return OrderRule(right_column.name, left_column.name, strict=operator == ">")
    bound = _bound(right, left_column, cleaned)
    if operator in ("<=", "<"):
        return RangeRule(left_column.name, maximum=bound)
    return RangeRule(left_column.name, minimum=bound)


def parse_rules(lines: Sequence[str], table: Table) -> list[Rule]:
    return [parse_rule(line, table) for line in lines if line.strip()]


def _floats(table: Table, name: str) -> npt.NDArray[np.float64]:
    return table.column(name).values.astype(np.float64)


def infer_order_rules(table: Table) -> list[OrderRule]:
    """``a <= b`` for pairs of same-kind date or number columns that the data keeps in every row where
    both are present (at least ``MIN_ROWS_FOR_INFERENCE`` such rows, not all equal), whose ranges
    overlap (otherwise the ranges alone keep the order)."""
    candidates = [column for column in table.columns if column.kind in ORDER_KINDS][:MAX_INFERENCE_COLUMNS]
    rules: list[OrderRule] = []
    for index, first in enumerate(candidates):
        a = first.values.astype(np.float64)
        for second in candidates[index + 1 :]:
            same_family = (first.kind in (ColumnKind.DATE, ColumnKind.DATETIME)) == (
                second.kind in (ColumnKind.DATE, ColumnKind.DATETIME)
            )
            if not same_family or (first.kind != second.kind and ColumnKind.DATE in (first.kind, second.kind)):
                continue
            b = second.values.astype(np.float64)
            both = ~np.isnan(a) & ~np.isnan(b)
            if both.sum() < MIN_ROWS_FOR_INFERENCE:
                continue
            x, y = a[both], b[both]
            if np.all(x == y) or not _comparable(first, x, y):
                continue
            if np.all(x <= y) and y.min() < x.max():
                rules.append(OrderRule(first.name, second.name))
            elif np.all(y <= x) and x.min() < y.max():
                rules.append(OrderRule(second.name, first.name))
    return rules


def _comparable(column: Column, x: npt.NDArray[np.float64], y: npt.NDArray[np.float64]) -> bool:
    """Dates always compare; numbers only on a like scale (medians within a factor of ``SCALE_FACTOR``, or
    for signed values ranges overlapping by half), so that a coincidence such as "years of experience
    <= humidity" is not taken for a rule."""
    if column.kind in (ColumnKind.DATE, ColumnKind.DATETIME):
        return True
    low, high = float(np.median(x)), float(np.median(y))
    if low > 0 and high > 0:
        return max(low, high) / min(low, high) <= SCALE_FACTOR
    overlap = min(x.max(), y.max()) - max(x.min(), y.min())
    narrower = min(x.max() - x.min(), y.max() - y.min())
    return bool(narrower > 0 and overlap >= 0.5 * narrower)


def rule_violations(table: Table, rules: Sequence[Rule]) -> npt.NDArray[np.bool_]:
    """Rows of ``table`` that break at least one rule."""
    broken = np.zeros(table.n_rows, dtype=bool)
    for rule in rules:
        if isinstance(rule, RangeRule):
            values = _floats(table, rule.column)
            with np.errstate(invalid="ignore"):
                if rule.minimum is not None:
                    broken |= values < rule.minimum
                if rule.maximum is not None:
                    broken |= values > rule.maximum
        else:
            first, second = _floats(table, rule.first), _floats(table, rule.second)
            with np.errstate(invalid="ignore"):
                broken |= (first >= second) if rule.strict else (first > second)
    return broken


def _step(column: Column) -> float:
    """The smallest difference a column can show when written: a day, a second, one, or one decimal place."""
    if column.kind in (ColumnKind.DATE, ColumnKind.INTEGER):
        return 1.0
    if column.kind == ColumnKind.DATETIME:
        return 1.0 if column.text_format.has_seconds else 60.0
    return math.pow(10, -column.text_format.decimals)


def rules_repair(table: Table, rules: Sequence[Rule]) -> Table:
    """``table`` with every rule made true: values clipped into their range, and the second column of a
    broken order set to the first (plus one step when strict). Returns a new table."""
    columns = {column.name: column for column in table.columns}
    values = {name: column.values.astype(np.float64).copy() for name, column in columns.items() if column.is_numeric}
    for _round in range(3):
        for rule in rules:
            if isinstance(rule, RangeRule):
                low = -np.inf if rule.minimum is None else rule.minimum
                high = np.inf if rule.maximum is None else rule.maximum
                values[rule.column] = np.where(
                    np.isnan(values[rule.column]), np.nan, np.clip(values[rule.column], low, high)
                )
            else:
                first, second = values[rule.first], values[rule.second]
                gap = _step(columns[rule.second]) if rule.strict else 0.0
                with np.errstate(invalid="ignore"):
                    broken = (first >= second) if rule.strict else (first > second)
                second[broken] = first[broken] + gap
    return Table(
        [column.with_values(values[column.name]) if column.name in values else column for column in table.columns]
    )
