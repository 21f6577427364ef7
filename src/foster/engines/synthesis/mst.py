"""MST: synthetic data with a formal (ε, δ) differential-privacy guarantee, on numpy.

The method of McKenna, Miklau and Sheldon, "Winning the NIST Contest: A scalable and general approach
to differentially private synthetic data" (Journal of Privacy and Confidentiality 11(3), 2021), written
here on numpy because the reference implementation (``mbi``, private-pgm) now requires JAX
(docs/dependencies.md). The privacy budget is kept in zero-concentrated DP (Bun and Steinke 2016): ρ is
the largest value whose conversion to (ε, δ)-DP by Canonne, Kamath and Steinke ("The Discrete Gaussian
for Differential Privacy", NeurIPS 2020, Proposition 12 — the conversion MST's reference code uses)
stays within the requested ε and δ. A third of ρ goes to each of three steps:

1. **One-way marginals**: the count of every value of every column (numbers in ``FINE_BINS`` equal-width
   bins) plus Gaussian noise (σ = √(d / 2ρ₁), d columns; each record changes each marginal by 1).
   Values whose noisy count is under 3σ are merged into one group, and numeric bins into at most
   ``MAX_GROUPS`` contiguous groups of about equal noisy mass (post-processing, free).
2. **Selection**: the pairs of columns whose real two-way table is furthest (L1) from the independent
   estimate of step 1 are chosen one by one with the exponential mechanism (sensitivity 1, ε' = √(8ρ₂/(d-1))
   per round), keeping only pairs that join two parts of a spanning tree (Kruskal): a maximum spanning tree.
3. **Measurement**: the two-way table of every tree edge plus Gaussian noise (σ = √((d-1) / 2ρ₃)).

The synthetic rows are then drawn along the tree (post-processing): the root column from its noisy
marginal, each other column from its noisy two-way table with its parent, negative counts cut to zero.
Private-PGM would fit one graphical model consistent with all noisy tables; on a tree drawing from the
edges directly is the simpler estimator, with somewhat more noise where tables disagree.

What the guarantee covers: the rows' values. The *domain* is taken as public: column names and kinds,
the list of categories and the numeric ranges (from the range rules the owner gives, else from the data).
Categories seen fewer than about 3σ times are merged, so rare values rarely show. Only pairs of columns
are modelled, along one tree: interactions of three or more columns, and rare combinations, are lost —
the report says so.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from foster.engines.synthesis.cart import round_to_format
from foster.engines.synthesis.rules import RangeRule, Rule, rules_repair
from foster.engines.synthesis.table import Column, ColumnKind, Table

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
Progress = Callable[[int, int], None]

FINE_BINS = 32
MAX_GROUPS = 16
MAX_CLASS_VALUES = 20
MAX_CATEGORY_GROUPS = 64
DEFAULT_DELTA = 1e-6


def cdp_delta(rho: float, epsilon: float) -> float:
    """The δ of ρ-zCDP at ``epsilon`` (Canonne, Kamath and Steinke 2020, Proposition 12)."""
    if rho <= 0:
        return 0.0
    low, high = 1.01, (epsilon + 1) / (2 * rho) + 2
    alpha = low
    for _ in range(1000):
        alpha = (low + high) / 2
        derivative = (2 * alpha - 1) * rho - epsilon + math.log1p(-1.0 / alpha)
        if derivative < 0:
            low = alpha
        else:
            high = alpha
    exponent = (alpha - 1) * (alpha * rho - epsilon) + alpha * math.log1p(-1 / alpha)
    return min(1.0, math.exp(exponent) / (alpha - 1.0))


def cdp_rho(epsilon: float, delta: float) -> float:
    """The largest ρ whose ρ-zCDP implies (ε, δ)-DP."""
    if delta >= 1:
        return 0.0
    low, high = 0.0, epsilon + 1
    for _ in range(1000):
        rho = (low + high) / 2
        if cdp_delta(rho, epsilon) <= delta:
            low = rho
        else:
            high = rho
    return low


@dataclass
class _Attribute:
    """A column on its discrete domain: fine codes (the last code is "missing"), then groups of them."""

    column: Column
    is_class: bool
    fine_codes: IntArray
    fine_size: int
    classes: npt.NDArray[np.object_] | FloatArray = field(default_factory=lambda: np.empty(0))
    edges: FloatArray = field(default_factory=lambda: np.empty(0))
    noisy_fine: FloatArray = field(default_factory=lambda: np.empty(0))
    group_of_fine: IntArray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    groups: int = 0

    @property
    def codes(self) -> IntArray:
        return self.group_of_fine[self.fine_codes]


def _attribute(column: Column, bounds: dict[str, tuple[float | None, float | None]]) -> _Attribute:
    missing = column.missing_mask()
    if column.kind in (ColumnKind.CATEGORY, ColumnKind.BOOLEAN) or (
        column.kind == ColumnKind.INTEGER and len(np.unique(column.values[~missing])) <= MAX_CLASS_VALUES
    ):
        if column.kind == ColumnKind.CATEGORY:
            classes_object = np.unique(column.values[~missing].astype(str)).astype(object)
            lookup = {value: index for index, value in enumerate(classes_object.tolist())}
            codes = np.array(
                [len(classes_object) if value is None else lookup[str(value)] for value in column.values.tolist()],
                dtype=np.int64,
            )
            return _Attribute(column, True, codes, len(classes_object) + 1, classes=classes_object)
        values = column.values.astype(np.float64)
        classes_float = np.unique(values[~missing])
        codes = np.full(len(values), len(classes_float), dtype=np.int64)
        codes[~missing] = np.searchsorted(classes_float, values[~missing])
        return _Attribute(column, True, codes, len(classes_float) + 1, classes=classes_float)
    values = column.values.astype(np.float64)
    present = values[~missing]
    low, high = bounds.get(column.name, (None, None))
    low = float(present.min()) if low is None and len(present) else (low or 0.0)
    high = float(present.max()) if high is None and len(present) else (high if high is not None else low + 1.0)
    if high <= low:
        high = low + 1.0
    edges = np.linspace(low, high, FINE_BINS + 1)
    codes = np.full(len(values), FINE_BINS, dtype=np.int64)
    codes[~missing] = np.clip(np.searchsorted(edges, present, side="right") - 1, 0, FINE_BINS - 1)
    return _Attribute(column, False, codes, FINE_BINS + 1, edges=edges)


def _compress(attribute: _Attribute, sigma: float) -> None:
    """Group the fine codes from their noisy counts (post-processing)."""
    noisy = np.clip(attribute.noisy_fine, 0.0, None)
    threshold = 3 * sigma
    groups = np.zeros(attribute.fine_size, dtype=np.int64)
    if attribute.is_class:
        strong = np.flatnonzero(noisy >= threshold)
        strong = strong[np.argsort(-noisy[strong], kind="stable")][: MAX_CATEGORY_GROUPS - 1]
        weak_group = len(strong)
        groups[:] = weak_group
        for group, code in enumerate(strong):
            groups[code] = group
        attribute.groups = len(strong) + (1 if len(strong) < attribute.fine_size else 0)
    else:
        values = noisy[:FINE_BINS]
        total = values.sum()
        target = max(total / MAX_GROUPS, threshold)
        group, mass = 0, 0.0
        values = values.astype(np.float64)
        for fine in range(FINE_BINS):
            groups[fine] = group
            mass += values[fine]
            if mass >= target and fine < FINE_BINS - 1:
                group, mass = group + 1, 0.0
        if mass < target and group > 0:  # too little mass in the last group: join it to the one before
            groups[groups == group] = group - 1
            group -= 1
        missing_group = group + 1
        groups[FINE_BINS] = missing_group if noisy[FINE_BINS] >= threshold else group
        attribute.groups = int(groups.max()) + 1
    attribute.group_of_fine = groups


def _counts(codes: IntArray, size: int) -> FloatArray:
    return np.bincount(codes, minlength=size).astype(np.float64)


def _pair_counts(a: _Attribute, b: _Attribute) -> FloatArray:
    return _counts(a.codes * b.groups + b.codes, a.groups * b.groups).reshape(a.groups, b.groups)


def _group_marginal(attribute: _Attribute) -> FloatArray:
    noisy = np.clip(attribute.noisy_fine, 0.0, None)
    marginal = np.zeros(attribute.groups)
    np.add.at(marginal, attribute.group_of_fine, noisy)
    return marginal


def _normalise(weights: FloatArray) -> FloatArray:
    total = weights.sum()
    return weights / total if total > 0 else np.full(len(weights), 1.0 / len(weights))


@dataclass
class MstResult:
    table: Table
    rho: float
    epsilon: float
    delta: float
    edges: list[tuple[str, str]]


class MstSynthesizer:
    """Fit with a privacy budget, then ``sample``; the noisy measurements are all that is kept."""

    def __init__(self, *, epsilon: float, delta: float = DEFAULT_DELTA) -> None:
        if epsilon <= 0 or not 0 < delta < 1:
            raise ValueError("epsilon must be positive and delta between 0 and 1")
        self.epsilon, self.delta = epsilon, delta
        self.rho = cdp_rho(epsilon, delta)
        self.attributes: list[_Attribute] = []
        self.tree: list[tuple[int, int]] = []
        self.conditionals: dict[tuple[int, int], FloatArray] = {}
        self.template: Table | None = None
        self.rules: list[Rule] = []
        self.n_estimate = 0.0
        self._marginals: list[FloatArray] = []

    def fit(
        self, table: Table, *, seed: int, rules: Sequence[Rule] = (), progress: Progress | None = None
    ) -> MstSynthesizer:
        rng = np.random.default_rng(seed)
        self.template, self.rules = table, list(rules)
        bounds: dict[str, tuple[float | None, float | None]] = {}
        for rule in rules:
            if isinstance(rule, RangeRule):
                bounds[rule.column] = (rule.minimum, rule.maximum)
        modelled = [column for column in table.columns if column.kind != ColumnKind.IDENTIFIER]
        self.attributes = [_attribute(column, bounds) for column in modelled]
        d = len(self.attributes)
        rho_part = self.rho / 3
        # 1. One-way marginals.
        sigma_one = math.sqrt(d / (2 * rho_part))
        for attribute in self.attributes:
            counts = _counts(attribute.fine_codes, attribute.fine_size)
            attribute.noisy_fine = counts + rng.normal(0.0, sigma_one, attribute.fine_size)
            _compress(attribute, sigma_one)
        marginals = [_group_marginal(attribute) for attribute in self.attributes]
        self.n_estimate = max(1.0, float(np.median([marginal.sum() for marginal in marginals])))
        if progress:
            progress(1, 3)
        # 2. Selection of a maximum spanning tree with the exponential mechanism.
        self.tree = []
        if d > 1:
            epsilon_round = math.sqrt(8 * rho_part / (d - 1))
            scores: dict[tuple[int, int], float] = {}
            for i in range(d):
                for j in range(i + 1, d):
                    estimate = np.outer(_normalise(marginals[i]), _normalise(marginals[j])) * self.n_estimate
                    scores[(i, j)] = float(
                        np.abs(_pair_counts(self.attributes[i], self.attributes[j]) - estimate).sum()
                    )
            component = list(range(d))

            def find(node: int) -> int:
                while component[node] != node:
                    component[node] = component[component[node]]
                    node = component[node]
                return node

            for _round in range(d - 1):
                candidates = [pair for pair in scores if find(pair[0]) != find(pair[1])]
                quality = np.array([scores[pair] for pair in candidates])
                weights = np.exp(0.5 * epsilon_round * (quality - quality.max()))
                chosen = candidates[int(rng.choice(len(candidates), p=weights / weights.sum()))]
                self.tree.append(chosen)
                component[find(chosen[0])] = find(chosen[1])
        if progress:
            progress(2, 3)
        # 3. Measurement of the tree's two-way tables.
        self.conditionals = {}
        if self.tree:
            sigma_two = math.sqrt(len(self.tree) / (2 * rho_part))
            for i, j in self.tree:
                counts = _pair_counts(self.attributes[i], self.attributes[j])
                noisy = np.clip(counts + rng.normal(0.0, sigma_two, counts.shape), 0.0, None)
                self.conditionals[(i, j)] = noisy
        self._marginals = marginals
        if progress:
            progress(3, 3)
        return self

    def _draw_groups(self, n: int, rng: np.random.Generator) -> list[IntArray]:
        d = len(self.attributes)
        neighbours: dict[int, list[int]] = {node: [] for node in range(d)}
        for i, j in self.tree:
            neighbours[i].append(j)
            neighbours[j].append(i)
        root = max(range(d), key=lambda node: len(neighbours[node])) if d else 0
        drawn: dict[int, IntArray] = {}
        drawn[root] = rng.choice(self.attributes[root].groups, size=n, p=_normalise(self._marginals[root]))
        queue, seen = [root], {root}
        while queue:
            parent = queue.pop(0)
            for child in neighbours[parent]:
                if child in seen:
                    continue
                seen.add(child)
                queue.append(child)
                table = (
                    self.conditionals[(parent, child)]
                    if (parent, child) in self.conditionals
                    else self.conditionals[(child, parent)].T
                )
                fallback = _normalise(self._marginals[child])
                codes = np.zeros(n, dtype=np.int64)
                parent_codes = drawn[parent]
                for value in np.unique(parent_codes):
                    rows = np.flatnonzero(parent_codes == value)
                    weights = table[value]
                    probabilities = _normalise(weights) if weights.sum() > 0 else fallback
                    codes[rows] = rng.choice(len(probabilities), size=len(rows), p=probabilities)
                drawn[child] = codes
        for node in range(d):  # a column outside the tree (only when d == 1)
            if node not in drawn:
                drawn[node] = rng.choice(self.attributes[node].groups, size=n, p=_normalise(self._marginals[node]))
        return [drawn[node] for node in range(d)]

    def _decode(
        self, attribute: _Attribute, groups: IntArray, rng: np.random.Generator
    ) -> npt.NDArray[np.float64] | npt.NDArray[np.object_]:
        noisy = np.clip(attribute.noisy_fine, 0.0, None)
        fine = np.zeros(len(groups), dtype=np.int64)
        for group in np.unique(groups):
            members = np.flatnonzero(attribute.group_of_fine == group)
            rows = np.flatnonzero(groups == group)
            fine[rows] = rng.choice(members, size=len(rows), p=_normalise(noisy[members]))
        missing_code = attribute.fine_size - 1
        column = attribute.column
        if attribute.is_class:
            present = fine != missing_code
            if column.kind == ColumnKind.CATEGORY:
                out = np.empty(len(groups), dtype=object)
                out[:] = None
                out[present] = attribute.classes[fine[present]]
                return out
            numbers = np.full(len(groups), np.nan)
            numbers[present] = attribute.classes[fine[present]].astype(np.float64)
            return numbers
        values = np.full(len(groups), np.nan)
        present = fine != missing_code
        low, high = attribute.edges[fine[present]], attribute.edges[fine[present] + 1]
        values[present] = low + rng.random(int(present.sum())) * (high - low)
        return round_to_format(column, values)

    def sample(self, n: int, *, seed: int) -> Table:
        if self.template is None:
            raise ValueError("fit first")
        rng = np.random.default_rng(seed)
        groups = self._draw_groups(n, rng)
        by_name = {
            attribute.column.name: (attribute, codes) for attribute, codes in zip(self.attributes, groups, strict=True)
        }
        columns: list[Column] = []
        for column in self.template.columns:
            if column.name not in by_name:
                labels = np.empty(n, dtype=object)
                labels[:] = [f"SYN-{index + 1:06d}" for index in range(n)]
                columns.append(column.with_values(labels))
                continue
            attribute, codes = by_name[column.name]
            columns.append(column.with_values(self._decode(attribute, codes, rng)))
        table = Table(columns)
        if self.rules:
            table = rules_repair(table, self.rules)
            table = Table(
                [
                    column.with_values(round_to_format(column, column.values))
                    if column.kind in (ColumnKind.NUMBER, ColumnKind.INTEGER, ColumnKind.DATE, ColumnKind.DATETIME)
                    else column
                    for column in table.columns
                ]
            )
        return table

    def edge_names(self) -> list[tuple[str, str]]:
        return [(self.attributes[i].column.name, self.attributes[j].column.name) for i, j in self.tree]
