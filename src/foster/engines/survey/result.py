"""The estimate as the JSON of ``foster kpi estimate``:
``{"estimate", "se", "ci": [low, high], "deff", "n", "domains": {value: {"estimate", "se", "ci", "n"}}}``.
A number that cannot be computed (an interval with no degrees of freedom, an infinite design
effect) is ``null``."""

from __future__ import annotations

import math
from typing import Any

from foster.engines.survey.estimate import ProportionEstimate, SurveyEstimate


def _number(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def _interval(result: ProportionEstimate) -> list[float | None]:
    if result.ci is None:
        return [None, None]
    return [_number(result.ci[0]), _number(result.ci[1])]


def estimate_to_json(estimate: SurveyEstimate) -> dict[str, Any]:
    overall = estimate.overall
    return {
        "estimate": _number(overall.estimate),
        "se": _number(overall.se),
        "ci": _interval(overall),
        "deff": _number(overall.deff),
        "n": overall.n,
        "domains": {
            domain.label: {
                "estimate": _number(domain.result.estimate),
                "se": _number(domain.result.se),
                "ci": _interval(domain.result),
                "n": domain.result.n,
            }
            for domain in estimate.domains
        },
    }
