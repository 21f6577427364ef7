"""The additive reviewer-effect model: score = application effect + reviewer effect + noise.

For sheet (a, r) with score y, least squares fits ``y ≈ theta[a] + beta[r]``, with the reviewer
effects summing to zero. ``theta[a]`` is the application's adjusted score (what an average reviewer
would have given it) and ``beta[r]`` the reviewer's leniency (positive: scores above average).

The design matrix is sparse (two ones per sheet), and there are far fewer reviewers than
applications, so we eliminate the application effects instead of forming it: for fixed beta,
``theta[a]`` is the mean of ``y - beta[r]`` over a's sheets. Substituting leaves the normal
equations ``L beta = b`` in the reviewer effects alone, where
``L = sum over applications a of (I - J / n_a)`` restricted to a's reviewers (a graph Laplacian of
the reviewers who scored the same applications) and ``b[r] = sum of (y - mean of y over the
application)`` over r's sheets. Both are accumulated sheet by sheet with numpy; the reviewers ×
reviewers system is then solved densely.

Reviewer effects are only comparable among reviewers connected through shared applications.
``L`` is singular along each connected component, so the zero-sum condition is imposed per
component (for the usual connected review graph, that is the single global condition): we solve
``(L + C Cᵀ) beta = b`` with C the component indicator matrix, which is nonsingular and whose
solution satisfies ``Cᵀ beta = 0``. A reviewer whose applications had no other reviewer is a
component of their own and gets leniency 0. Applications in different components are compared on
their adjusted scores as they are, which the result flags with ``component_count``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from foster.engines.scoring.rubric import Rubric
from foster.engines.scoring.sheets import Identifier, Scores, ScoreSheet, collect


@dataclass(frozen=True, slots=True)
class AdditiveModel:
    """Adjusted score per application, leniency per reviewer, and how well the model fits.

    ``residual_std`` is the root mean square residual with the model's degrees of freedom removed,
    ``None`` when there are none left (every sheet is explained exactly). ``component_of_reviewer``
    numbers the connected groups of reviewers (0 for the first reviewer seen).
    """

    adjusted: Mapping[Identifier, float]
    leniency: Mapping[Identifier, float]
    residual_std: float | None
    component_count: int
    component_of_reviewer: Mapping[Identifier, int]


def _components(
    reviewer_count: int, application: npt.NDArray[np.int64], reviewer: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """Connected components of reviewers linked by shared applications (union–find)."""
    parent = list(range(reviewer_count))

    def find(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    first_reviewer: dict[int, int] = {}
    for app, rev in zip(application.tolist(), reviewer.tolist(), strict=True):
        other = first_reviewer.setdefault(app, rev)
        root_a, root_b = find(other), find(rev)
        if root_a != root_b:
            parent[max(root_a, root_b)] = min(root_a, root_b)
    roots = [find(node) for node in range(reviewer_count)]
    labels: dict[int, int] = {}
    return np.array([labels.setdefault(root, len(labels)) for root in roots], dtype=np.int64)


def fit_additive_model(sheets: Sequence[ScoreSheet], rubric: Rubric | None = None) -> AdditiveModel:
    """Least-squares application and reviewer effects, reviewer effects summing to zero (module docstring)."""
    return fit_additive_scores(collect(sheets, rubric))


def fit_additive_scores(scores: Scores) -> AdditiveModel:
    """``fit_additive_model`` of sheets already collected."""
    applications, reviewers = len(scores.application_ids), len(scores.reviewer_ids)
    if scores.value.size == 0:
        return AdditiveModel({}, {}, None, 0, {})
    app, rev, y = scores.application, scores.reviewer, scores.value
    per_application = np.bincount(app, minlength=applications).astype(np.float64)
    application_mean = np.bincount(app, weights=y, minlength=applications) / per_application

    laplacian = np.zeros((reviewers, reviewers))
    np.add.at(laplacian, (rev, rev), 1.0)
    order = np.argsort(app, kind="stable")
    boundaries = np.flatnonzero(np.diff(app[order])) + 1
    for group in np.split(order, boundaries):
        members = rev[group]
        laplacian[np.ix_(members, members)] -= 1.0 / group.size
    right_hand_side = np.bincount(rev, weights=y - application_mean[app], minlength=reviewers)

    component = _components(reviewers, app, rev)
    component_count = int(component.max()) + 1
    indicator = np.zeros((reviewers, component_count))
    indicator[np.arange(reviewers), component] = 1.0
    leniency = np.linalg.solve(laplacian + indicator @ indicator.T, right_hand_side)

    adjusted = np.bincount(app, weights=y - leniency[rev], minlength=applications) / per_application
    residual = y - adjusted[app] - leniency[rev]
    degrees_of_freedom = y.size - applications - reviewers + component_count
    residual_std = math.sqrt(float(residual @ residual) / degrees_of_freedom) if degrees_of_freedom > 0 else None
    return AdditiveModel(
        adjusted=dict(zip(scores.application_ids, adjusted.tolist(), strict=True)),
        leniency=dict(zip(scores.reviewer_ids, leniency.tolist(), strict=True)),
        residual_std=residual_std,
        component_count=component_count,
        component_of_reviewer=dict(zip(scores.reviewer_ids, component.tolist(), strict=True)),
    )
