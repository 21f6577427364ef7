"""How faithful, useful and private a synthetic table is, measured against the real one (docs/datalab.md).

**Fidelity** (real training rows against synthetic rows, the formulas of SDMetrics' quality report):

- column shape: for numbers and dates the Kolmogorov-Smirnov complement ``1 - D`` (values present),
  for categories and booleans the total-variation complement ``1 - ½ Σ|p - q|`` (missing as a value);
- column pair trend: for two numeric columns the correlation similarity ``1 - |r_real - r_synth| / 2``
  (Pearson, rows with both present), otherwise the contingency similarity ``1 - ½ Σ|P - Q|`` over the
  joint table, numbers cut into ten equal-width bins of the real range;
- overall: the mean of the mean column shape and the mean pair trend;
- related pairs: the mean pair trend over the pairs clearly related in the real data (|r| or Cramér's V
  of at least ``RELATED_ASSOCIATION``), where a poor synthesizer loses most.

**Utility**: a gradient-boosting model trained on the synthetic table and one trained on the real
training rows, both tested on the real holdout (ROC AUC for a yes/no target, macro F1 for other
classes, R² for a number).

**Privacy**: distance to the closest record (DCR, a Gower-like L1 distance: numbers scaled by their real
range, a category mismatch or a missing-versus-present counts 1) from each synthetic row to the real
training rows, beside the same distance from each real holdout row, which the synthesizer never saw: a
synthetic table that is no closer to the training rows than unseen real rows are has not memorised them.
Reported: the 5th-percentile and median ratios (synthetic / holdout), the share of synthetic rows closer
to the training rows than to an equally large holdout (0.5 is ideal), and exact copies of training rows.

**Release gate** (``release_gate``): download is blocked when the 5th-percentile ratio is below
``GATE_MIN_DCR_RATIO`` or when synthetic rows copy training rows more often than holdout rows repeat
training rows (the rate at which a fresh real sample would repeat them by chance).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.stats import ks_2samp

from foster.engines.synthesis.table import Column, ColumnKind, Table, column_to_text, text_key

FloatArray = npt.NDArray[np.float64]

RELATED_ASSOCIATION = 0.3
CONTINGENCY_BINS = 10
MAX_PAIR_ROWS = 50_000
MAX_DCR_ROWS = 2_000
MAX_DCR_REFERENCE_ROWS = 20_000
MAX_UTILITY_ROWS = 20_000
MAX_ONE_HOT = 50
GATE_MIN_DCR_RATIO = 0.8
GATE_COPY_TOLERANCE = 0.001  # a tenth of a percent above the holdout's own repeat rate
CLOSER_SHARE_WARNING = 0.6
CHART_BINS = 20
CHART_MAX_CATEGORIES = 12
UTILITY_MAX_CLASSES = 20

SHAPE_KINDS_NUMERIC = frozenset({ColumnKind.NUMBER, ColumnKind.INTEGER, ColumnKind.DATE, ColumnKind.DATETIME})


def _scored(table: Table) -> list[Column]:
    return [column for column in table.columns if column.kind != ColumnKind.IDENTIFIER]


def _floats(column: Column) -> FloatArray:
    return column.values.astype(np.float64)


def _present(values: FloatArray) -> FloatArray:
    return values[~np.isnan(values)]


def _distribution(keys: npt.NDArray[np.object_]) -> dict[Any, float]:
    uniques, counts = np.unique(keys.astype(str), return_counts=True)
    total = counts.sum()
    return {key: count / total for key, count in zip(uniques.tolist(), counts.tolist(), strict=True)}


def tv_complement(real: npt.NDArray[np.object_], synthetic: npt.NDArray[np.object_]) -> float:
    p, q = _distribution(real), _distribution(synthetic)
    return 1.0 - 0.5 * sum(abs(p.get(key, 0.0) - q.get(key, 0.0)) for key in set(p) | set(q))


def ks_complement(real: FloatArray, synthetic: FloatArray) -> float:
    a, b = _present(real), _present(synthetic)
    if not len(a) or not len(b):
        return 1.0 if len(a) == len(b) else 0.0
    return 1.0 - float(ks_2samp(a, b).statistic)


def column_shape(real: Column, synthetic: Column) -> tuple[str, float]:
    if real.kind in SHAPE_KINDS_NUMERIC:
        return "ks_complement", ks_complement(_floats(real), _floats(synthetic))
    return "tv_complement", tv_complement(text_key(real), text_key(synthetic))


def _pearson(x: FloatArray, y: FloatArray) -> float | None:
    both = ~np.isnan(x) & ~np.isnan(y)
    if both.sum() < 3:
        return None
    a, b = x[both], y[both]
    if a.std() == 0 or b.std() == 0:
        return None
    return float(np.corrcoef(a, b)[0, 1])


def _codes(
    column: Column, reference: Column, lookup: dict[str, int] | None = None
) -> tuple[npt.NDArray[np.int64], int]:
    """Integer codes for a contingency table and how many there are: categories as written (through
    ``lookup`` when given, unknown ones as one more code), numbers as one of ten bins of the real range
    (missing as the eleventh)."""
    if column.kind not in SHAPE_KINDS_NUMERIC:
        keys = text_key(column).astype(str)
        if lookup is None:
            uniques, inverse = np.unique(keys, return_inverse=True)
            return inverse.astype(np.int64), len(uniques)
        codes = np.array([lookup.get(key, len(lookup)) for key in keys.tolist()], dtype=np.int64)
        return codes, len(lookup) + 1
    values = _floats(column)
    real = _present(_floats(reference))
    low, high = (float(real.min()), float(real.max())) if len(real) else (0.0, 1.0)
    width = (high - low) / CONTINGENCY_BINS or 1.0
    with np.errstate(invalid="ignore"):
        index = np.clip(np.floor((values - low) / width), 0, CONTINGENCY_BINS - 1)
    return np.where(np.isnan(index), CONTINGENCY_BINS, index).astype(np.int64), CONTINGENCY_BINS + 1


def _code_tv_complement(a: npt.NDArray[np.int64], b: npt.NDArray[np.int64], size: int) -> float:
    p = np.bincount(a, minlength=size) / max(1, len(a))
    q = np.bincount(b, minlength=size) / max(1, len(b))
    return float(1.0 - 0.5 * np.abs(p - q).sum())


def code_cramers_v(a: npt.NDArray[np.int64], b: npt.NDArray[np.int64], size_a: int, size_b: int) -> float:
    """Cramér's V of two code columns (no bias correction)."""
    table = np.bincount(a * size_b + b, minlength=size_a * size_b).reshape(size_a, size_b).astype(np.float64)
    table = table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]
    n = table.sum()
    smallest = min(table.shape) - 1
    if smallest <= 0 or n == 0:
        return 0.0
    expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0, keepdims=True) / n
    chi2 = float(((table - expected) ** 2 / expected).sum())
    return float(math.sqrt(chi2 / (n * smallest)))


@dataclass
class PairScore:
    first: str
    second: str
    metric: str
    score: float
    real_association: float


@dataclass
class FidelityReport:
    column_shapes: dict[str, dict[str, Any]]
    pair_trends: list[PairScore]
    column_shape_score: float
    pair_trend_score: float
    overall: float
    related_pairs_score: float | None
    related_pairs: int


def _subsample(table: Table, limit: int, rng: np.random.Generator) -> Table:
    if table.n_rows <= limit:
        return table
    return table.take(np.sort(rng.choice(table.n_rows, limit, replace=False)))


def fidelity(real: Table, synthetic: Table, *, seed: int = 0) -> FidelityReport:
    rng = np.random.default_rng(seed)
    columns = [column.name for column in _scored(real)]
    shapes: dict[str, dict[str, Any]] = {}
    for name in columns:
        metric, score = column_shape(real.column(name), synthetic.column(name))
        shapes[name] = {"metric": metric, "score": score}
    real_small = _subsample(real.select(columns), MAX_PAIR_ROWS, rng)
    synthetic_small = _subsample(synthetic.select(columns), MAX_PAIR_ROWS, rng)
    pairs: list[PairScore] = []
    codes_real: dict[str, tuple[npt.NDArray[np.int64], int]] = {}
    codes_synthetic: dict[str, npt.NDArray[np.int64]] = {}
    for name in columns:
        real_column = real_small.column(name)
        codes, size = _codes(real_column, real_column)
        if real_column.kind in SHAPE_KINDS_NUMERIC:
            synthetic_codes, _size = _codes(synthetic_small.column(name), real_column)
        else:
            keys = sorted(set(text_key(real_column).astype(str).tolist()))
            lookup = {key: index for index, key in enumerate(keys)}
            codes, size = _codes(real_column, real_column, lookup)
            synthetic_codes, size = _codes(synthetic_small.column(name), real_column, lookup)
        codes_real[name], codes_synthetic[name] = (codes, size), synthetic_codes
    for index, first in enumerate(columns):
        for second in columns[index + 1 :]:
            a, b = real_small.column(first), real_small.column(second)
            if a.kind in SHAPE_KINDS_NUMERIC and b.kind in SHAPE_KINDS_NUMERIC:
                r_real = _pearson(_floats(a), _floats(b))
                r_synth = _pearson(_floats(synthetic_small.column(first)), _floats(synthetic_small.column(second)))
                if r_real is not None:
                    score = 1.0 - abs(r_real - (r_synth or 0.0)) / 2.0
                    pairs.append(PairScore(first, second, "correlation_similarity", score, abs(r_real)))
                    continue
            (real_a, size_a), (real_b, size_b) = codes_real[first], codes_real[second]
            joint_real = real_a * size_b + real_b
            joint_synthetic = codes_synthetic[first] * size_b + codes_synthetic[second]
            similarity = _code_tv_complement(joint_real, joint_synthetic, size_a * size_b)
            association = code_cramers_v(real_a, real_b, size_a, size_b)
            pairs.append(PairScore(first, second, "contingency_similarity", similarity, association))
    shape_score = float(np.mean([value["score"] for value in shapes.values()])) if shapes else 0.0
    pair_score = float(np.mean([pair.score for pair in pairs])) if pairs else shape_score
    related = [pair.score for pair in pairs if pair.real_association >= RELATED_ASSOCIATION]
    return FidelityReport(
        column_shapes=shapes,
        pair_trends=pairs,
        column_shape_score=shape_score,
        pair_trend_score=pair_score,
        overall=(shape_score + pair_score) / 2.0,
        related_pairs_score=float(np.mean(related)) if related else None,
        related_pairs=len(related),
    )


# --- Utility -----------------------------------------------------------------------------------------


def _is_class_target(column: Column) -> bool:
    if column.kind in (ColumnKind.CATEGORY, ColumnKind.BOOLEAN):
        return True
    if column.kind == ColumnKind.INTEGER:
        return len(np.unique(_present(_floats(column)))) <= UTILITY_MAX_CLASSES
    return False


def choose_target(table: Table) -> str | None:
    """The column to predict when none is named: the last column if it can be predicted (a class column
    with 2 to 20 classes, or a number), else the last such class column, else the last number (tables
    usually end with their outcome)."""
    scored = _scored(table)

    def is_class_target(column: Column) -> bool:
        return _is_class_target(column) and 2 <= len(set(column_to_text(column)) - {""}) <= UTILITY_MAX_CLASSES

    if scored and (is_class_target(scored[-1]) or scored[-1].kind in (ColumnKind.NUMBER, ColumnKind.INTEGER)):
        return scored[-1].name
    for column in reversed(scored):
        if is_class_target(column):
            return column.name
    for column in reversed(scored):
        if column.kind in (ColumnKind.NUMBER, ColumnKind.INTEGER):
            return column.name
    return None


class _Encoder:
    """Features for a model: numbers as they are (NaN kept), categories as codes of the real training rows."""

    def __init__(self, table: Table, names: list[str]) -> None:
        self.names = names
        self.codes: dict[str, dict[str, int]] = {}
        for name in names:
            column = table.column(name)
            if column.kind not in SHAPE_KINDS_NUMERIC and column.kind != ColumnKind.BOOLEAN:
                keys = sorted(set(text_key(column).tolist()))
                self.codes[name] = {key: code for code, key in enumerate(keys)}

    def matrix(self, table: Table) -> FloatArray:
        parts = []
        for name in self.names:
            column = table.column(name)
            if name in self.codes:
                mapping = self.codes[name]
                parts.append(np.array([mapping.get(key, -1) for key in text_key(column).tolist()], dtype=np.float64))
            else:
                parts.append(_floats(column))
        return np.column_stack(parts) if parts else np.zeros((table.n_rows, 1))


@dataclass
class UtilityReport:
    target: str
    task: str  # "classification" or "regression"
    metric: str  # "roc_auc" (yes/no), "macro_f1" (other classes) or "r2" (numbers)
    real_score: float
    synthetic_score: float
    difference: float


def utility(
    train: Table,
    holdout: Table,
    synthetic: Table,
    *,
    target: str | None = None,
    exclude: Sequence[str] = (),
    seed: int = 0,
) -> UtilityReport | None:
    """Train-synthetic-test-real beside train-real-test-real; None if there is nothing to predict.
    ``exclude``: columns left out of the features (one that gives the target away)."""
    from threadpoolctl import threadpool_limits

    target = target or choose_target(train)
    if target is None or holdout.n_rows < 5:
        return None
    features = [column.name for column in _scored(train) if column.name != target and column.name not in exclude]
    if not features:
        return None
    rng = np.random.default_rng(seed)
    train = _subsample(train, MAX_UTILITY_ROWS, rng)
    synthetic = _subsample(synthetic, MAX_UTILITY_ROWS, rng)
    encoder = _Encoder(train, features)
    target_column = train.column(target)
    is_class = _is_class_target(target_column)
    binary = is_class and len(set(text_key(target_column).tolist())) == 2
    scores: dict[str, float] = {}
    # One thread: OpenMP's threads fight over a busy machine's cores and make small fits many times slower.
    with threadpool_limits(limits=1):
        for label, source in (("real", train), ("synthetic", synthetic)):
            score = _fit_and_score(source, holdout, encoder, target, is_class, binary, seed)
            if score is None:
                return None
            scores[label] = score
    return UtilityReport(
        target=target,
        task="classification" if is_class else "regression",
        metric=("roc_auc" if binary else "macro_f1") if is_class else "r2",
        real_score=scores["real"],
        synthetic_score=scores["synthetic"],
        difference=scores["synthetic"] - scores["real"],
    )


def _fit_and_score(
    source: Table, holdout: Table, encoder: _Encoder, target: str, is_class: bool, binary: bool, seed: int
) -> float | None:
    """Train on ``source``, score on ``holdout``: ROC AUC for a yes/no target (a rare class is not lost in
    an average), macro F1 for other classes, R² for a number."""
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
    from sklearn.metrics import f1_score, r2_score, roc_auc_score

    X, X_test = encoder.matrix(source), encoder.matrix(holdout)
    if is_class:
        y, y_test = text_key(source.column(target)).astype(str), text_key(holdout.column(target)).astype(str)
        if len(set(y.tolist())) < 2:
            return 0.5 if binary else 0.0
        classifier = HistGradientBoostingClassifier(max_iter=60, early_stopping=False, random_state=seed).fit(X, y)
        if binary:
            if len(set(y_test.tolist())) < 2:
                return None
            positive = sorted(set(y_test.tolist()))[-1]
            column = list(classifier.classes_).index(positive) if positive in classifier.classes_ else None
            scores = classifier.predict_proba(X_test)[:, column] if column is not None else np.zeros(len(y_test))
            return float(roc_auc_score(y_test == positive, scores))
        predicted = classifier.predict(X_test)
        return float(f1_score(y_test, predicted, average="macro", zero_division=0))
    y_numeric, y_test_numeric = _floats(source.column(target)), _floats(holdout.column(target))
    keep, keep_test = ~np.isnan(y_numeric), ~np.isnan(y_test_numeric)
    if keep.sum() < 5 or keep_test.sum() < 2:
        return None
    regressor = HistGradientBoostingRegressor(max_iter=60, early_stopping=False, random_state=seed)
    predicted_numbers = regressor.fit(X[keep], y_numeric[keep]).predict(X_test[keep_test])
    return float(r2_score(y_test_numeric[keep_test], predicted_numbers))


# --- Privacy -----------------------------------------------------------------------------------------


class _DistanceSpace:
    """Rows as points whose L1 distance is Gower-like: a number's range counts 1, a category mismatch 1,
    missing against present 1."""

    def __init__(self, reference: Table, names: list[str]) -> None:
        self.names = names
        self.ranges: dict[str, tuple[float, float]] = {}
        self.categories: dict[str, dict[str, int]] = {}
        for name in names:
            column = reference.column(name)
            if column.kind in SHAPE_KINDS_NUMERIC:
                values = _present(_floats(column))
                low, high = (float(values.min()), float(values.max())) if len(values) else (0.0, 1.0)
                self.ranges[name] = (low, (high - low) or 1.0)
            else:
                keys, counts = np.unique(text_key(column).astype(str), return_counts=True)
                top = keys[np.argsort(-counts, kind="stable")][:MAX_ONE_HOT]
                self.categories[name] = {key: index for index, key in enumerate(top.tolist())}

    def points(self, table: Table) -> FloatArray:
        parts: list[FloatArray] = []
        for name in self.names:
            column = table.column(name)
            if name in self.ranges:
                low, width = self.ranges[name]
                values = (_floats(column) - low) / width
                missing = np.isnan(values)
                parts.append(np.where(missing, 0.0, values)[:, None])
                parts.append(missing.astype(np.float64)[:, None])
            else:
                mapping = self.categories[name]
                one_hot = np.zeros((table.n_rows, len(mapping) + 1))
                codes = np.array([mapping.get(key, len(mapping)) for key in text_key(column).astype(str).tolist()])
                one_hot[np.arange(table.n_rows), codes] = 0.5
                parts.append(one_hot)
        return np.hstack(parts) if parts else np.zeros((table.n_rows, 1))


def _nearest(reference: FloatArray, queries: FloatArray) -> FloatArray:
    from sklearn.neighbors import NearestNeighbors

    model = NearestNeighbors(n_neighbors=1, metric="manhattan").fit(reference)
    distances, _indices = model.kneighbors(queries)
    return np.asarray(distances[:, 0], dtype=np.float64)


def _row_keys(table: Table, names: list[str]) -> list[str]:
    cells = [column_to_text(table.column(name)) for name in names]
    return ["\x1f".join(row) for row in zip(*cells, strict=True)] if cells else []


@dataclass
class PrivacyReport:
    dcr_synthetic_p5: float
    dcr_synthetic_median: float
    dcr_holdout_p5: float
    dcr_holdout_median: float
    dcr_p5_ratio: float | None
    dcr_median_ratio: float | None
    closer_to_training_share: float
    exact_copies: int
    exact_copy_share: float
    holdout_copy_share: float
    synthetic_histogram: list[float] = field(default_factory=list)
    holdout_histogram: list[float] = field(default_factory=list)
    histogram_edges: list[float] = field(default_factory=list)


def _ratio(synthetic: float, holdout: float) -> float | None:
    if holdout <= 0:
        return None if synthetic <= 0 else 1.0
    return synthetic / holdout


def privacy(train: Table, holdout: Table, synthetic: Table, *, seed: int = 0) -> PrivacyReport:
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        return _privacy(train, holdout, synthetic, seed=seed)


def _privacy(train: Table, holdout: Table, synthetic: Table, *, seed: int) -> PrivacyReport:
    rng = np.random.default_rng(seed)
    names = [column.name for column in _scored(train)]
    space = _DistanceSpace(train, names)
    reference = _subsample(train.select(names), MAX_DCR_REFERENCE_ROWS, rng)
    synthetic_sample = _subsample(synthetic.select(names), MAX_DCR_ROWS, rng)
    holdout_sample = _subsample(holdout.select(names), MAX_DCR_ROWS, rng)
    train_points = space.points(reference)
    synthetic_points = space.points(synthetic_sample)
    holdout_points = space.points(holdout_sample)
    dcr_synthetic = _nearest(train_points, synthetic_points)
    dcr_holdout = _nearest(train_points, holdout_points)
    # Closer to training than to holdout: against a training sample as large as the holdout sample.
    same_size = train_points[rng.choice(len(train_points), min(len(train_points), len(holdout_points)), replace=False)]
    to_train = _nearest(same_size, synthetic_points)
    to_holdout = _nearest(holdout_points, synthetic_points)
    closer = float(np.mean(np.where(to_train < to_holdout, 1.0, np.where(to_train == to_holdout, 0.5, 0.0))))
    train_keys = set(_row_keys(train, names))
    synthetic_keys = _row_keys(synthetic, names)
    holdout_keys = _row_keys(holdout, names)
    copies = sum(1 for key in synthetic_keys if key in train_keys)
    holdout_copies = sum(1 for key in holdout_keys if key in train_keys)
    p5_synthetic, p5_holdout = float(np.percentile(dcr_synthetic, 5)), float(np.percentile(dcr_holdout, 5))
    median_synthetic, median_holdout = float(np.median(dcr_synthetic)), float(np.median(dcr_holdout))
    top = float(np.percentile(np.concatenate([dcr_synthetic, dcr_holdout]), 99)) or 1.0
    edges = np.linspace(0.0, top, CHART_BINS + 1)
    synthetic_histogram = np.histogram(np.clip(dcr_synthetic, 0, top), bins=edges)[0] / len(dcr_synthetic)
    holdout_histogram = np.histogram(np.clip(dcr_holdout, 0, top), bins=edges)[0] / len(dcr_holdout)
    return PrivacyReport(
        dcr_synthetic_p5=p5_synthetic,
        dcr_synthetic_median=median_synthetic,
        dcr_holdout_p5=p5_holdout,
        dcr_holdout_median=median_holdout,
        dcr_p5_ratio=_ratio(p5_synthetic, p5_holdout),
        dcr_median_ratio=_ratio(median_synthetic, median_holdout),
        closer_to_training_share=closer,
        exact_copies=copies,
        exact_copy_share=copies / max(1, len(synthetic_keys)),
        holdout_copy_share=holdout_copies / max(1, len(holdout_keys)),
        synthetic_histogram=[float(value) for value in synthetic_histogram],
        holdout_histogram=[float(value) for value in holdout_histogram],
        histogram_edges=[float(value) for value in edges],
    )


@dataclass
class ReleaseGate:
    """Whether the synthetic table may be downloaded and shared; ``reasons`` are codes with figures."""

    allowed: bool
    reasons: list[dict[str, Any]]
    warnings: list[dict[str, Any]]


def release_gate(report: PrivacyReport) -> ReleaseGate:
    reasons: list[dict[str, Any]] = []
    warnings: list[dict[str, Any]] = []
    if report.dcr_p5_ratio is not None and report.dcr_p5_ratio < GATE_MIN_DCR_RATIO:
        reasons.append({"code": "dcr_ratio", "value": report.dcr_p5_ratio, "threshold": GATE_MIN_DCR_RATIO})
    allowed_copies = report.holdout_copy_share + GATE_COPY_TOLERANCE
    if report.exact_copies and report.exact_copy_share > allowed_copies:
        reasons.append(
            {
                "code": "exact_copies",
                "value": report.exact_copy_share,
                "count": report.exact_copies,
                "threshold": allowed_copies,
            }
        )
    if report.closer_to_training_share > CLOSER_SHARE_WARNING:
        warnings.append(
            {"code": "closer_to_training", "value": report.closer_to_training_share, "threshold": CLOSER_SHARE_WARNING}
        )
    return ReleaseGate(allowed=not reasons, reasons=reasons, warnings=warnings)


# --- Charts ------------------------------------------------------------------------------------------


def column_charts(real: Table, synthetic: Table) -> list[dict[str, Any]]:
    """Per scored column, the real and synthetic distributions side by side: shares of ``CHART_BINS``
    equal-width bins for numbers and dates, of the most common categories (the rest as one) otherwise."""
    charts: list[dict[str, Any]] = []
    for column in _scored(real):
        other = synthetic.column(column.name)
        if column.kind in SHAPE_KINDS_NUMERIC:
            a, b = _present(_floats(column)), _present(_floats(other))
            if not len(a):
                continue
            low, high = float(a.min()), float(a.max())
            edges = np.linspace(low, high if high > low else low + 1.0, CHART_BINS + 1)
            real_share = np.histogram(np.clip(a, low, edges[-1]), bins=edges)[0] / max(1, len(a))
            synthetic_share = np.histogram(np.clip(b, low, edges[-1]), bins=edges)[0] / max(1, len(b))
            charts.append(
                {
                    "column": column.name,
                    "kind": "histogram",
                    "low": low,
                    "high": high,
                    "labels": [],
                    "real": [float(value) for value in real_share],
                    "synthetic": [float(value) for value in synthetic_share],
                }
            )
        else:
            p, q = _distribution(text_key(column)), _distribution(text_key(other))
            labels = sorted(p, key=lambda key: -p[key])[:CHART_MAX_CATEGORIES]
            real_values = [p.get(label, 0.0) for label in labels]
            synthetic_values = [q.get(label, 0.0) for label in labels]
            if len(p) > len(labels):
                labels.append("\x00other")
                real_values.append(1.0 - sum(real_values))
                synthetic_values.append(max(0.0, 1.0 - sum(synthetic_values)))
            charts.append(
                {
                    "column": column.name,
                    "kind": "bars",
                    "labels": labels,
                    "real": real_values,
                    "synthetic": synthetic_values,
                }
            )
    return charts


def as_json(value: Any) -> Any:
    """A report dataclass as JSON-ready data (NaN and infinities as None)."""
    if hasattr(value, "__dataclass_fields__"):
        return as_json(asdict(value))
    if isinstance(value, dict):
        return {str(key): as_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [as_json(item) for item in value]
    if isinstance(value, float | np.floating):
        number = float(value)
        return None if math.isnan(number) or math.isinf(number) else round(number, 6)
    if isinstance(value, np.integer):
        return int(value)
    return value
