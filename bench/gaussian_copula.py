"""A Gaussian-copula synthesizer, the baseline of bench/datalab.py (SDV's GaussianCopula is under the BSL
licence, so it is not a dependency; this is the same model written here and scored with our formulas).

Each column is turned into standard-normal scores through its empirical distribution: numbers and dates
by their rank (ties get the middle of their rank range), categories by an interval of [0, 1] as wide as
the category's share (SDV's treatment), a point drawn uniformly inside it. The correlation matrix of the
scores is estimated; synthetic scores are drawn from a multivariate normal with it and mapped back
through each column's empirical quantile function (linear between observed values) or category intervals.
Missing values are drawn independently at each column's missing rate; identifiers get fresh labels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import norm

from foster.engines.synthesis import Column, ColumnKind, Table
from foster.engines.synthesis.cart import round_to_format

NUMERIC = {ColumnKind.NUMBER, ColumnKind.INTEGER, ColumnKind.DATE, ColumnKind.DATETIME}


@dataclass
class _Marginal:
    column: Column
    missing_rate: float
    sorted_values: np.ndarray | None = None  # numeric
    categories: list[object] | None = None  # categorical
    cumulative: np.ndarray | None = None  # category interval ends


class GaussianCopula:
    def fit(self, table: Table, *, seed: int) -> GaussianCopula:
        rng = np.random.default_rng(seed)
        self.table = table
        self.marginals: list[_Marginal] = []
        scores = []
        for column in table.columns:
            if column.kind == ColumnKind.IDENTIFIER:
                continue
            missing = column.missing_mask()
            marginal = _Marginal(column, float(missing.mean()))
            n = len(column)
            u = np.full(n, 0.5)
            if column.kind in NUMERIC:
                values = column.values.astype(float)
                present = values[~missing]
                marginal.sorted_values = np.sort(present)
                if len(present):
                    left = np.searchsorted(marginal.sorted_values, present, side="left")
                    right = np.searchsorted(marginal.sorted_values, present, side="right")
                    u[~missing] = (left + right) / 2 / len(present)
            else:
                keys = np.array(["" if value is None else str(value) for value in column.values], dtype=object)
                if column.kind == ColumnKind.BOOLEAN:
                    keys = np.array([str(value) for value in column.values.astype(float)], dtype=object)
                categories, counts = np.unique(keys[~missing].astype(str), return_counts=True)
                shares = counts / max(1, counts.sum())
                marginal.categories = list(categories)
                marginal.cumulative = np.cumsum(shares)
                starts = marginal.cumulative - shares
                index = {category: position for position, category in enumerate(categories)}
                positions = np.array([index[key] for key in keys[~missing].astype(str)])
                if len(positions):
                    u[~missing] = starts[positions] + rng.random(len(positions)) * shares[positions]
            scores.append(norm.ppf(np.clip(u, 1e-6, 1 - 1e-6)))
            self.marginals.append(marginal)
        matrix = np.column_stack(scores)
        self.correlation = np.corrcoef(matrix, rowvar=False) if matrix.shape[1] > 1 else np.ones((1, 1))
        self.correlation = np.nan_to_num(self.correlation, nan=0.0)
        np.fill_diagonal(self.correlation, 1.0)
        return self

    def sample(self, n: int, *, seed: int) -> Table:
        rng = np.random.default_rng(seed)
        d = len(self.marginals)
        eigenvalues, vectors = np.linalg.eigh(self.correlation)
        root = vectors @ np.diag(np.sqrt(np.clip(eigenvalues, 0, None)))
        normal = rng.standard_normal((n, d)) @ root.T
        u = norm.cdf(normal)
        by_name = {}
        for index, marginal in enumerate(self.marginals):
            column = marginal.column
            missing = rng.random(n) < marginal.missing_rate
            if column.kind in NUMERIC:
                values = np.full(n, np.nan)
                ordered = marginal.sorted_values
                if ordered is not None and len(ordered):
                    positions = u[:, index] * (len(ordered) - 1)
                    values = np.interp(positions, np.arange(len(ordered)), ordered)
                values = round_to_format(column, values)
                values[missing] = np.nan
                by_name[column.name] = column.with_values(values)
            else:
                assert marginal.categories is not None and marginal.cumulative is not None
                positions = np.clip(
                    np.searchsorted(marginal.cumulative, u[:, index], side="right"), 0, len(marginal.categories) - 1
                )
                chosen = np.array(marginal.categories, dtype=object)[positions]
                if column.kind == ColumnKind.BOOLEAN:
                    values = chosen.astype(float)
                    values[missing] = np.nan
                    by_name[column.name] = column.with_values(values)
                else:
                    out = chosen.astype(object)
                    out[missing] = None
                    by_name[column.name] = column.with_values(out)
        columns = []
        for column in self.table.columns:
            if column.name in by_name:
                columns.append(by_name[column.name])
            else:
                labels = np.empty(n, dtype=object)
                labels[:] = [f"SYN-{index + 1:06d}" for index in range(n)]
                columns.append(column.with_values(labels))
        return Table(columns)
