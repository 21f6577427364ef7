"""Rubrics: weighted criteria on their own scales, aggregated to one score from 0 to 100.

Each criterion score is first mapped linearly from its scale to 0–100 (minimum → 0, maximum → 100),
then the criteria are averaged with their weights. So a 7 on a 0–10 criterion counts as 70 and a 4
on a 1–5 criterion as 75, whatever the scales; weights say only how much each criterion matters.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Criterion:
    """One rubric criterion: scores from ``minimum`` to ``maximum`` (e.g. 0–10 or 1–5), ``weight`` > 0."""

    key: str
    weight: float
    minimum: float
    maximum: float

    def __post_init__(self) -> None:
        if not self.key:
            raise ValueError("a criterion needs a key")
        if not (math.isfinite(self.weight) and self.weight > 0):
            raise ValueError(f"criterion {self.key!r}: weight must be a positive number")
        if not (math.isfinite(self.minimum) and math.isfinite(self.maximum) and self.maximum > self.minimum):
            raise ValueError(f"criterion {self.key!r}: the scale needs a finite minimum below its maximum")

    def normalise(self, score: float) -> float:
        """``score`` on this criterion's scale as a number from 0 to 100."""
        if not (math.isfinite(score) and self.minimum <= score <= self.maximum):
            raise ValueError(f"criterion {self.key!r}: score {score} is outside {self.minimum}–{self.maximum}")
        return (score - self.minimum) / (self.maximum - self.minimum) * 100.0


@dataclass(frozen=True, slots=True)
class Rubric:
    """Weighted criteria; ``aggregate`` turns one sheet's criterion scores into a 0–100 score."""

    criteria: tuple[Criterion, ...]

    def __post_init__(self) -> None:
        if not self.criteria:
            raise ValueError("a rubric needs at least one criterion")
        keys = [criterion.key for criterion in self.criteria]
        if len(set(keys)) != len(keys):
            raise ValueError("criterion keys must be unique")

    @property
    def total_weight(self) -> float:
        return math.fsum(criterion.weight for criterion in self.criteria)

    def aggregate(self, scores: Mapping[str, float]) -> float:
        """Weighted mean of the normalised criterion scores; every criterion must be scored, no other."""
        expected = {criterion.key for criterion in self.criteria}
        missing, unknown = expected - set(scores), set(scores) - expected
        if missing or unknown:
            raise ValueError(
                f"criterion scores do not match the rubric: missing {sorted(missing)}, unknown {sorted(unknown)}"
            )
        weighted = math.fsum(
            criterion.weight * criterion.normalise(scores[criterion.key]) for criterion in self.criteria
        )
        return weighted / self.total_weight
