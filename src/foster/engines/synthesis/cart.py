"""Sequential CART synthesis in the manner of R's synthpop (Nowok, Raab and Dibben 2016).

Columns are visited in an order (``visit_order``: the conditioned column first, then by the number of
distinct values, fewest first). The first column is drawn from its marginal; every later column is
modelled by a classification or regression tree (scikit-learn, ``min_samples_leaf`` rows at least in
every leaf) on the columns before it. To draw a value for a synthetic row, the row is dropped down the
tree and a *donor* is drawn from the real rows of the leaf it lands in. A numeric donor value is then
smoothed: Gaussian noise with the leaf's Silverman bandwidth (at most the column's), clipped to the
column's range, as synthpop's ``smoothing = "density"``; a value held by more than 70% of the rows (a
spike such as 0) is kept as it is. Together with the leaf size this keeps real values from being copied.

- Categories, booleans and integers with few values are classes; a missing value is a class of its own.
- A number, date or datetime with missing values is modelled in two steps: whether it is missing (a
  classification tree), then its value for the rows that have one (a regression tree).
- Identifiers (a different value in almost every row) are not modelled: fresh labels are written.
- Business rules (``rules.py``) are kept by drawing the breaking rows again, up to five times, then
  repairing what is left.
- Conditional sampling (``Condition``) sets the share of one value of a class column, e.g. the rare
  defect class at 30%; the rest follows from the trees.

Seeded: the same table, settings and seed give the same synthetic table.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from foster.engines.synthesis.rules import Rule, rule_violations, rules_repair
from foster.engines.synthesis.table import Column, ColumnKind, Table, column_to_text

Progress = Callable[[int, int], None]
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

REJECTION_ROUNDS = 5
MATCH_TAIL_ROWS = 2  # matched values stay within the second smallest and second largest real values


@dataclass(frozen=True)
class CartSettings:
    """``min_leaf``: fewest real rows in a leaf (synthpop's ``minbucket``); ``numeric_min_leaf``: the same for
    the trees that draw numbers, dates and times (larger leaves there keep numeric rows further from real ones
    without losing a rare class); ``smoothing``: noise on numeric
    donors; ``max_fit_rows``: a larger table is fitted on a random sample of this many rows;
    ``class_max_values``: an integer column with at most this many values is drawn as a class;
    ``match_marginals``: numeric columns with more values than that take the real column's quantiles at
    their synthetic ranks (``match_marginal``)."""

    min_leaf: int = 10
    numeric_min_leaf: int | None = None  # leaves of the trees of numbers, dates and times (None: min_leaf)
    smoothing: bool = True
    max_fit_rows: int = 200_000
    class_max_values: int = 20
    spike_share: float = 0.7
    common_min_rows: int = 0  # a value held by this many real rows is not smoothed (0: smooth every value)
    match_marginals: bool = True
    independent: bool = False  # the independent-marginals baseline: every column from its own marginal


@dataclass(frozen=True)
class Condition:
    """Draw ``value`` (as written in the data) of class column ``column`` in ``share`` of the rows."""

    column: str
    value: str
    share: float


class SynthesisError(ValueError):
    """Settings that cannot be used with this table: ``code`` and ``detail`` say which."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code, self.detail = code, detail


@dataclass
class _Variable:
    """One modelled column in model form: class codes, or numeric values with NaN for missing."""

    column: Column
    is_class: bool
    classes: npt.NDArray[np.object_] | FloatArray  # the values of the classes (text or float)
    codes: FloatArray  # class code (NaN for missing), or the numeric value (NaN for missing)
    has_missing: bool

    @property
    def name(self) -> str:
        return self.column.name

    def target(self) -> npt.NDArray[np.int64]:
        """Class codes with missing as the last class."""
        filled = np.where(np.isnan(self.codes), len(self.classes), self.codes)
        return filled.astype(np.int64)


def _class_values(column: Column) -> tuple[npt.NDArray[np.object_] | FloatArray, FloatArray]:
    missing = column.missing_mask()
    if column.kind in (ColumnKind.CATEGORY, ColumnKind.IDENTIFIER):
        present = column.values[~missing]
        classes_text, inverse = np.unique(present.astype(str), return_inverse=True)
        classes_object: npt.NDArray[np.object_] = classes_text.astype(object)
        codes = np.full(len(column), np.nan)
        codes[~missing] = inverse
        return classes_object, codes
    values = column.values.astype(np.float64)
    classes_float, inverse = np.unique(values[~missing], return_inverse=True)
    codes = np.full(len(column), np.nan)
    codes[~missing] = inverse
    return classes_float, codes


def _variable(column: Column, settings: CartSettings) -> _Variable:
    missing = column.missing_mask()
    is_class = column.kind in (ColumnKind.CATEGORY, ColumnKind.BOOLEAN)
    if column.kind == ColumnKind.INTEGER:
        distinct = np.unique(column.values[~missing])
        is_class = len(distinct) <= settings.class_max_values
    if is_class:
        classes, codes = _class_values(column)
        return _Variable(column, True, classes, codes, bool(missing.any()))
    values = column.values.astype(np.float64)
    return _Variable(column, False, np.empty(0), values, bool(missing.any()))


def visit_order(table: Table, *, first: str | None = None) -> list[str]:
    """Modelled columns (identifiers left out): ``first`` if given, then fewest distinct values first
    (ties in table order)."""
    modelled = [column for column in table.columns if column.kind != ColumnKind.IDENTIFIER]

    def distinct(column: Column) -> int:
        return len(set(column_to_text(column)))

    ordered = sorted(modelled, key=lambda column: (column.name != first, distinct(column)))
    return [column.name for column in ordered]


class _LeafDonors:
    """The real rows of each leaf of a fitted tree, to draw donors from."""

    def __init__(self, leaves: npt.NDArray[np.int64]) -> None:
        self.order = np.argsort(leaves, kind="stable")
        self.leaf_ids, self.starts, self.counts = np.unique(leaves[self.order], return_index=True, return_counts=True)

    def positions(self, leaves: npt.NDArray[np.int64]) -> IntArray:
        positions = np.searchsorted(self.leaf_ids, leaves)
        return np.clip(positions, 0, len(self.leaf_ids) - 1).astype(np.intp)

    def draw(self, leaves: npt.NDArray[np.int64], rng: np.random.Generator) -> IntArray:
        positions = self.positions(leaves)
        offsets = np.floor(rng.random(len(leaves)) * self.counts[positions]).astype(np.intp)
        return np.asarray(self.order[self.starts[positions] + offsets], dtype=np.intp)


def silverman_bandwidth(values: FloatArray) -> float:
    """R's ``bw.nrd0``: 0.9 min(sd, IQR/1.34) n^(-1/5), falling back to the sd when the IQR is 0."""
    n = len(values)
    if n < 2:
        return 0.0
    sd = float(np.std(values, ddof=1))
    q75, q25 = np.percentile(values, [75, 25])
    spread = min(sd, float(q75 - q25) / 1.34) or sd
    return float(0.9 * spread * n ** (-0.2))


@dataclass
class _NumericModel:
    """Donor leaves for the values of a numeric column (rows with a value) and per-leaf bandwidths."""

    tree: DecisionTreeRegressor | None
    donors: _LeafDonors
    values: FloatArray  # real values of the rows the tree was fitted on
    bandwidths: FloatArray  # per leaf (same order as donors.leaf_ids)
    low: float
    high: float
    spike: float | None
    common: FloatArray  # values held by at least min_leaf rows: not identifying, kept as they are


@dataclass
class _ClassModel:
    tree: DecisionTreeClassifier | None
    donors: _LeafDonors
    targets: npt.NDArray[np.int64]


@dataclass
class _Step:
    variable: _Variable
    predictors: list[str]
    missing_model: _ClassModel | None = None  # numeric: is the value missing?
    class_model: _ClassModel | None = None
    numeric_model: _NumericModel | None = None


class CartSynthesizer:
    """Fit on a real table, then ``sample`` synthetic tables of any size."""

    def __init__(self, settings: CartSettings | None = None) -> None:
        self.settings = settings or CartSettings()
        self.steps: list[_Step] = []
        self.table: Table | None = None
        self.rules: list[Rule] = []
        self.condition: Condition | None = None
        self._condition_code: int | None = None

    # --- fitting -----------------------------------------------------------------------------------

    def fit(
        self,
        table: Table,
        *,
        seed: int,
        rules: Sequence[Rule] = (),
        condition: Condition | None = None,
        progress: Progress | None = None,
    ) -> CartSynthesizer:
        rng = np.random.default_rng(seed)
        if table.n_rows > self.settings.max_fit_rows:
            table = table.take(np.sort(rng.choice(table.n_rows, self.settings.max_fit_rows, replace=False)))
        self.table, self.rules, self.condition = table, list(rules), condition
        order = visit_order(table, first=condition.column if condition else None)
        variables = {name: _variable(table.column(name), self.settings) for name in order}
        if condition is not None:
            self._condition_code = self._check_condition(condition, variables)
        features: dict[str, FloatArray] = {name: variables[name].codes for name in order}
        self.steps = []
        for index, name in enumerate(order):
            if progress:
                progress(index, len(order))
            variable = variables[name]
            predictors = [] if self.settings.independent else order[:index]
            X = np.column_stack([features[p] for p in predictors]) if predictors else None
            self.steps.append(self._fit_step(variable, predictors, X, int(rng.integers(2**31))))
        if progress:
            progress(len(order), len(order))
        return self

    def _check_condition(self, condition: Condition, variables: dict[str, _Variable]) -> int:
        variable = variables.get(condition.column)
        if variable is None:
            raise SynthesisError("condition_column", condition.column)
        if not variable.is_class:
            raise SynthesisError("condition_not_class", condition.column)
        if not 0 < condition.share < 1:
            raise SynthesisError("condition_share", str(condition.share))
        written = column_to_text(variable.column)
        codes = {written[row]: int(code) for row, code in enumerate(variable.codes) if not math.isnan(code)}
        if condition.value.strip() not in codes:
            raise SynthesisError("condition_value", condition.value)
        return codes[condition.value.strip()]

    def _tree_settings(self, seed: int, *, numeric: bool = False) -> dict[str, int]:
        leaf = self.settings.numeric_min_leaf if numeric and self.settings.numeric_min_leaf else self.settings.min_leaf
        return {"min_samples_leaf": leaf, "random_state": seed}

    def _class_model(self, X: FloatArray | None, y: npt.NDArray[np.int64], seed: int) -> _ClassModel:
        if X is None or len(np.unique(y)) < 2:
            return _ClassModel(None, _LeafDonors(np.zeros(len(y), dtype=np.int64)), y)
        tree = DecisionTreeClassifier(**self._tree_settings(seed)).fit(X, y)
        return _ClassModel(tree, _LeafDonors(tree.apply(X).astype(np.int64)), y)

    def _fit_step(self, variable: _Variable, predictors: list[str], X: FloatArray | None, seed: int) -> _Step:
        step = _Step(variable, predictors)
        if variable.is_class:
            step.class_model = self._class_model(X, variable.target(), seed)
            return step
        values = variable.codes
        present = ~np.isnan(values)
        if variable.has_missing:
            step.missing_model = self._class_model(X, (~present).astype(np.int64), seed)
        X_present = X[present] if X is not None else None
        y = values[present]
        tree: DecisionTreeRegressor | None = None
        leaf = self._tree_settings(seed, numeric=True)["min_samples_leaf"]
        if X_present is not None and len(np.unique(y)) > 1 and len(y) >= 2 * leaf:
            tree = DecisionTreeRegressor(**self._tree_settings(seed, numeric=True)).fit(X_present, y)
            leaves = tree.apply(X_present).astype(np.int64)
        else:
            leaves = np.zeros(len(y), dtype=np.int64)
        donors = _LeafDonors(leaves)
        sorted_values = y[donors.order]
        global_bandwidth = silverman_bandwidth(y)
        bandwidths = np.array(
            [
                min(global_bandwidth, silverman_bandwidth(sorted_values[start : start + count]))
                for start, count in zip(donors.starts, donors.counts, strict=True)
            ]
        )
        spike = None
        common = np.empty(0)
        if len(y):
            uniques, counts = np.unique(y, return_counts=True)
            if counts.max() > self.settings.spike_share * len(y):
                spike = float(uniques[counts.argmax()])
            common = uniques[counts >= self.settings.common_min_rows] if self.settings.common_min_rows else np.empty(0)
        step.numeric_model = _NumericModel(
            tree,
            donors,
            y,
            bandwidths,
            float(y.min()) if len(y) else 0.0,
            float(y.max()) if len(y) else 0.0,
            spike,
            common,
        )
        return step

    # --- sampling ----------------------------------------------------------------------------------

    def _draw_class(
        self, model: _ClassModel, X: FloatArray | None, n: int, rng: np.random.Generator
    ) -> npt.NDArray[np.int64]:
        if model.tree is not None and X is not None:
            leaves = model.tree.apply(X).astype(np.int64)
        else:
            leaves = np.zeros(n, dtype=np.int64)
        return model.targets[model.donors.draw(leaves, rng)]

    def _draw_numeric(self, model: _NumericModel, X: FloatArray | None, n: int, rng: np.random.Generator) -> FloatArray:
        if model.tree is not None and X is not None:
            leaves = model.tree.apply(X).astype(np.int64)
        else:
            leaves = np.zeros(n, dtype=np.int64)
        donor_rows = model.donors.draw(leaves, rng)
        values = model.values[donor_rows].copy()
        if self.settings.smoothing:
            bandwidth = model.bandwidths[model.donors.positions(leaves)]
            noise = rng.standard_normal(n) * bandwidth
            if model.spike is not None:
                noise[values == model.spike] = 0.0
            if len(model.common):
                noise[np.isin(values, model.common)] = 0.0
            values = np.clip(values + noise, model.low, model.high)
        return values

    def _draw_rows(self, n: int, rng: np.random.Generator) -> dict[str, FloatArray]:
        drawn: dict[str, FloatArray] = {}
        for index, step in enumerate(self.steps):
            X = np.column_stack([drawn[p] for p in step.predictors]) if step.predictors else None
            variable = step.variable
            if index == 0 and self.condition is not None and self._condition_code is not None:
                drawn[variable.name] = self._conditioned_marginal(variable, n, rng)
                continue
            if step.class_model is not None:
                codes = self._draw_class(step.class_model, X, n, rng)
                values = codes.astype(np.float64)
                values[codes == len(variable.classes)] = np.nan
                drawn[variable.name] = values
                continue
            assert step.numeric_model is not None
            values = np.full(n, np.nan)
            present = np.ones(n, dtype=bool)
            if step.missing_model is not None:
                present = self._draw_class(step.missing_model, X, n, rng) == 0
            if present.any() and len(step.numeric_model.values):
                values[present] = self._draw_numeric(
                    step.numeric_model, X[present] if X is not None else None, int(present.sum()), rng
                )
            drawn[variable.name] = values
        return drawn

    def _conditioned_marginal(self, variable: _Variable, n: int, rng: np.random.Generator) -> FloatArray:
        assert self.condition is not None and self._condition_code is not None
        targets = variable.target()
        counts = np.bincount(targets, minlength=len(variable.classes) + 1).astype(np.float64)
        chosen = self._condition_code
        others = counts.sum() - counts[chosen]
        probabilities = np.zeros_like(counts)
        if others > 0:
            probabilities = counts / others * (1 - self.condition.share)
        probabilities[chosen] = self.condition.share
        probabilities /= probabilities.sum()
        codes = rng.choice(len(probabilities), size=n, p=probabilities)
        values = codes.astype(np.float64)
        values[codes == len(variable.classes)] = np.nan
        return values

    def _to_table(self, drawn: dict[str, FloatArray], n: int, rng: np.random.Generator) -> Table:
        assert self.table is not None
        by_name = {step.variable.name: step.variable for step in self.steps}
        columns: list[Column] = []
        for column in self.table.columns:
            if column.kind == ColumnKind.IDENTIFIER:
                labels = np.empty(n, dtype=object)
                labels[:] = [f"SYN-{index + 1:06d}" for index in range(n)]
                columns.append(column.with_values(labels))
                continue
            variable = by_name[column.name]
            values = drawn[column.name]
            if variable.is_class:
                present = ~np.isnan(values)
                if column.kind in (ColumnKind.CATEGORY, ColumnKind.IDENTIFIER):
                    out = np.empty(n, dtype=object)
                    out[:] = None
                    out[present] = variable.classes[values[present].astype(np.intp)]
                    columns.append(column.with_values(out))
                else:
                    numbers = np.full(n, np.nan)
                    numbers[present] = variable.classes[values[present].astype(np.intp)]
                    columns.append(column.with_values(numbers))
                continue
            columns.append(column.with_values(round_to_format(column, values)))
        return Table(columns)

    def sample(self, n: int, *, seed: int, progress: Progress | None = None) -> Table:
        """``n`` synthetic rows keeping every rule (drawn again up to five times, then repaired)."""
        if self.table is None:
            raise SynthesisError("not_fitted")
        rng = np.random.default_rng(seed)
        if progress:
            progress(0, 2)
        table = self._to_table(self._draw_rows(n, rng), n, rng)
        if self.rules:
            for _round in range(REJECTION_ROUNDS):
                broken = np.flatnonzero(rule_violations(table, self.rules))
                if not len(broken):
                    break
                fresh = self._to_table(self._draw_rows(len(broken), rng), len(broken), rng)
                table = _replace_rows(table, broken, fresh)
        if self.settings.match_marginals and not self.settings.independent:
            table = self._match_marginals(table, rng)
        if self.rules:
            table = rules_repair(table, self.rules)
            table = Table(
                [
                    column.with_values(round_to_format(column, column.values)) if column.kind in _ROUNDED else column
                    for column in table.columns
                ]
            )
        if progress:
            progress(2, 2)
        return table

    def _match_marginals(self, table: Table, rng: np.random.Generator) -> Table:
        assert self.table is not None
        modelled = {step.variable.name: step.variable for step in self.steps}
        columns = []
        for column in table.columns:
            variable = modelled.get(column.name)
            if variable is None or variable.is_class:
                columns.append(column)
                continue
            real = self.table.column(column.name).values.astype(np.float64)
            values = match_marginal(column.values.astype(np.float64), real, MATCH_TAIL_ROWS, rng)
            columns.append(column.with_values(round_to_format(column, values)))
        return Table(columns)


def match_marginal(values: FloatArray, real: FloatArray, tail_rows: int, rng: np.random.Generator) -> FloatArray:
    """``values`` moved onto the real column's distribution, keeping their order: the value of synthetic
    rank r among m takes the real column's quantile at r/m (interpolated between neighbouring real values,
    the rank jittered by up to one place), never beyond the ``tail_rows``-th most extreme real value, so a
    real outlier is not reproduced. Missing values stay missing."""
    present = ~np.isnan(values)
    observed = np.sort(real[~np.isnan(real)])
    count = int(present.sum())
    if count < 2 or len(observed) < 2 * tail_rows + 2:
        return values
    order = np.argsort(values[present] + rng.random(count) * 1e-9, kind="stable")
    ranks = np.empty(count)
    ranks[order] = np.arange(count)
    positions = (ranks + rng.random(count) - 0.5 + 0.5) / count * len(observed) - 0.5
    positions = np.clip(positions, tail_rows - 1, len(observed) - tail_rows)
    matched = values.copy()
    matched[present] = np.interp(positions, np.arange(len(observed)), observed)
    return matched


_ROUNDED = frozenset({ColumnKind.NUMBER, ColumnKind.INTEGER, ColumnKind.DATE, ColumnKind.DATETIME})


def round_to_format(column: Column, values: npt.NDArray[np.float64] | npt.NDArray[np.object_]) -> FloatArray:
    """Numeric values rounded as they will be written (decimals, whole numbers, days, seconds)."""
    numbers = values.astype(np.float64)
    if column.kind == ColumnKind.NUMBER:
        return np.round(numbers, column.text_format.decimals)
    if column.kind == ColumnKind.DATETIME and not column.text_format.has_seconds:
        return np.round(numbers / 60.0) * 60.0
    if column.kind in _ROUNDED:
        return np.round(numbers)
    return numbers


def _replace_rows(table: Table, rows: IntArray, fresh: Table) -> Table:
    columns = []
    for column, replacement in zip(table.columns, fresh.columns, strict=True):
        values = column.values.copy()
        if column.kind == ColumnKind.IDENTIFIER:
            columns.append(column)
            continue
        values[rows] = replacement.values
        columns.append(column.with_values(values))
    return Table(columns)
