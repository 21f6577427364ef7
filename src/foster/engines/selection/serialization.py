"""The problem file (JSON) and the result file: reading with clear messages, writing.

``problem_from_json`` takes the parsed JSON (``json.load``) and returns a ``SelectionProblem`` or
raises ``ProblemFormatError`` listing every mistake, each naming its element the way the file
does: ``constraints[3] (regional minimum Busan): 'min' must be a number``. The format is
documented in ``docs/selection.md``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from foster.engines.selection.problem import (
    AttributeValue,
    Candidate,
    Constraint,
    ConstraintType,
    Decision,
    Lottery,
    Override,
    SelectionProblem,
    SensitivitySettings,
    problem_errors,
)
from foster.engines.selection.result import Explanation, SelectionResult

TOP_LEVEL_FIELDS = {
    "name",
    "description",
    "candidates",
    "constraints",
    "locked_in",
    "locked_out",
    "overrides",
    "seed",
    "lottery",
    "sensitivity",
}
CANDIDATE_FIELDS = {"id", "value", "costs", "attributes", "spread"}
CONSTRAINT_FIELDS = {"name", "type", "cost", "where", "min", "max", "group_by", "existing"}
MAX_ERRORS = 50


class ProblemFormatError(ValueError):
    """The problem file is not valid; ``errors`` lists every mistake found (at most 50)."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors[:MAX_ERRORS]
        more = len(errors) - len(self.errors)
        text = "\n".join(self.errors) + (f"\n... and {more} more" if more > 0 else "")
        super().__init__(text)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _describe(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return repr(value)


class _Reader:
    def __init__(self) -> None:
        self.errors: list[str] = []

    def error(self, message: str) -> None:
        self.errors.append(message)

    def unknown_fields(self, label: str, data: Mapping[str, Any], known: set[str]) -> None:
        for key in data:
            if key not in known:
                self.error(f"{label}: unknown field {key!r} (known: {', '.join(sorted(known))})")

    def number(self, label: str, data: Mapping[str, Any], key: str, *, required: bool) -> float | None:
        if key not in data or (data[key] is None and not required):
            if required:
                self.error(f"{label}: {key!r} is missing")
            return None
        value = data[key]
        if not _is_number(value):
            self.error(f"{label}: {key!r} must be a number, not {_describe(value)}")
            return None
        return float(value)

    def text(self, label: str, data: Mapping[str, Any], key: str, *, required: bool) -> str | None:
        if key not in data:
            if required:
                self.error(f"{label}: {key!r} is missing")
            return None
        value = data[key]
        if not isinstance(value, str) or (required and not value.strip()):
            self.error(f"{label}: {key!r} must be a non-empty text, not {_describe(value)}")
            return None
        return value

    def where(self, label: str, data: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
        raw = data.get("where", {})
        if not isinstance(raw, dict):
            self.error(f"{label}: 'where' must be an object {{attribute: value or [values]}}")
            return {}
        where: dict[str, tuple[str, ...]] = {}
        for attribute, value in raw.items():
            if isinstance(value, str):
                where[attribute] = (value,)
            elif isinstance(value, list) and all(isinstance(item, str) for item in value):
                where[attribute] = tuple(value)
            else:
                self.error(f"{label}: 'where' value of {attribute!r} must be a text or a list of texts")
        return where

    def candidate(self, index: int, data: object) -> Candidate | None:
        if not isinstance(data, dict):
            self.error(f"candidates[{index}]: must be an object, not {_describe(data)}")
            return None
        identifier = data.get("id")
        if not isinstance(identifier, str) or not identifier:
            self.error(f"candidates[{index}]: 'id' must be a non-empty text, not {_describe(identifier)}")
            return None
        label = f"candidates[{index}] ({identifier})"
        self.unknown_fields(label, data, CANDIDATE_FIELDS)
        value = self.number(label, data, "value", required=True)
        costs = self.numbers(
            label,
            data,
            "costs",
            key_word="name",
            item=lambda name, amount: f"cost {name!r} must be a number, not {amount}",
        )
        attributes: dict[str, AttributeValue] = {}
        raw_attributes = data.get("attributes", {})
        if not isinstance(raw_attributes, dict):
            self.error(f"{label}: 'attributes' must be an object {{name: text or [texts]}}")
        else:
            for name, item in raw_attributes.items():
                if isinstance(item, str):
                    attributes[name] = item
                elif isinstance(item, list) and all(isinstance(part, str) for part in item):
                    attributes[name] = tuple(item)
                else:
                    self.error(f"{label}: attribute {name!r} must be a text or a list of texts")
        spread = self.number(label, data, "spread", required=False)
        if value is None:
            return None
        return Candidate(id=identifier, value=value, costs=costs, attributes=attributes, spread=spread)

    def numbers(
        self, label: str, data: dict[str, Any], field: str, *, key_word: str, item: Callable[[str, str], str]
    ) -> dict[str, float]:
        """An optional object ``{key: number}`` of ``data``; each bad entry is one error (``item``
        words it from the key and a description of the bad value)."""
        numbers: dict[str, float] = {}
        raw = data.get(field, {})
        if not isinstance(raw, dict):
            self.error(f"{label}: {field!r} must be an object {{{key_word}: number}}")
            return numbers
        for key, amount in raw.items():
            if _is_number(amount):
                numbers[key] = float(amount)
            else:
                self.error(f"{label}: {item(key, _describe(amount))}")
        return numbers

    def constraint(self, index: int, data: object) -> Constraint | None:
        if not isinstance(data, dict):
            self.error(f"constraints[{index}]: must be an object, not {_describe(data)}")
            return None
        name = data.get("name")
        label = f"constraints[{index}] ({name})" if isinstance(name, str) and name else f"constraints[{index}]"
        if not isinstance(name, str) or not name.strip():
            self.error(f"{label}: 'name' must be a non-empty text")
            return None
        self.unknown_fields(label, data, CONSTRAINT_FIELDS)
        kind = data.get("type")
        if kind not in {item.value for item in ConstraintType}:
            self.error(f"{label}: 'type' must be one of sum, count, share, group_sum, not {_describe(kind)}")
            return None
        before = len(self.errors)
        cost = self.text(label, data, "cost", required=False)
        group_by = self.text(label, data, "group_by", required=False)
        minimum = self.number(label, data, "min", required=False)
        maximum = self.number(label, data, "max", required=False)
        where = self.where(label, data)
        existing = self.numbers(
            label,
            data,
            "existing",
            key_word="group",
            item=lambda group, _amount: f"existing amount of group {group!r} must be a number",
        )
        if len(self.errors) > before:
            return None
        return Constraint(
            name=name,
            type=ConstraintType(kind),
            cost=cost,
            where=where,
            min=minimum,
            max=maximum,
            group_by=group_by,
            existing=existing,
        )

    def id_list(self, key: str, raw: object) -> list[str]:
        if not isinstance(raw, list):
            self.error(f"{key}: must be a list of candidate ids")
            return []
        ids = []
        for index, item in enumerate(raw):
            if isinstance(item, str):
                ids.append(item)
            else:
                self.error(f"{key}[{index}]: must be a candidate id (a text), not {_describe(item)}")
        return ids

    def overrides(self, raw: object) -> list[Override]:
        if not isinstance(raw, list):
            self.error("overrides: must be a list of {id, decision, reason}")
            return []
        overrides = []
        for index, item in enumerate(raw):
            if not isinstance(item, dict):
                self.error(f"overrides[{index}]: must be an object {{id, decision, reason}}")
                continue
            label = f"overrides[{index}] ({item.get('id')})"
            self.unknown_fields(label, item, {"id", "decision", "reason"})
            identifier = self.text(label, item, "id", required=True)
            decision = item.get("decision")
            if decision not in ("in", "out"):
                self.error(f'{label}: \'decision\' must be "in" or "out", not {_describe(decision)}')
            reason = item.get("reason")
            if not isinstance(reason, str) or not reason.strip():
                self.error(f"{label}: 'reason' is required: say why the committee decided so")
                continue
            if identifier is not None and decision in ("in", "out"):
                overrides.append(Override(id=identifier, decision=Decision(decision), reason=reason))
        return overrides

    def lottery(self, raw: object) -> Lottery | None:
        if not isinstance(raw, dict):
            self.error('lottery: must be an object {"tie_band": number}')
            return None
        self.unknown_fields("lottery", raw, {"tie_band"})
        band = self.number("lottery", raw, "tie_band", required=False)
        return Lottery(tie_band=band if band is not None else 0.0)

    def sensitivity(self, raw: object) -> SensitivitySettings | None:
        if not isinstance(raw, dict):
            self.error("sensitivity: must be an object {constraint, from, to, points}")
            return None
        self.unknown_fields("sensitivity", raw, {"constraint", "from", "to", "points"})
        constraint = self.text("sensitivity", raw, "constraint", required=False)
        low = self.number("sensitivity", raw, "from", required=False)
        high = self.number("sensitivity", raw, "to", required=False)
        points = raw.get("points", 11)
        if not isinstance(points, int) or isinstance(points, bool):
            self.error("sensitivity: 'points' must be a whole number")
            points = 11
        return SensitivitySettings(
            constraint=constraint, low=0.5 if low is None else low, high=1.5 if high is None else high, points=points
        )


def problem_from_json(data: object) -> SelectionProblem:
    """The problem in a parsed problem file; ``ProblemFormatError`` listing every mistake."""
    reader = _Reader()
    if not isinstance(data, dict):
        raise ProblemFormatError([f"the problem must be a JSON object, not {_describe(data)}"])
    reader.unknown_fields("problem", data, TOP_LEVEL_FIELDS)
    raw_candidates = data.get("candidates")
    candidates: list[Candidate] = []
    if not isinstance(raw_candidates, list):
        reader.error("candidates: must be a list of candidates (it is missing or not a list)")
    else:
        for index, item in enumerate(raw_candidates):
            candidate = reader.candidate(index, item)
            if candidate is not None:
                candidates.append(candidate)
    raw_constraints = data.get("constraints", [])
    constraints: list[Constraint] = []
    if not isinstance(raw_constraints, list):
        reader.error("constraints: must be a list")
    else:
        for index, item in enumerate(raw_constraints):
            constraint = reader.constraint(index, item)
            if constraint is not None:
                constraints.append(constraint)
    locked_in = reader.id_list("locked_in", data.get("locked_in", []))
    locked_out = reader.id_list("locked_out", data.get("locked_out", []))
    overrides = reader.overrides(data.get("overrides", []))
    seed = data.get("seed", 0)
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        reader.error(f"seed: must be a whole number of at least 0, not {_describe(seed)}")
        seed = 0
    lottery = reader.lottery(data["lottery"]) if data.get("lottery") is not None else None
    sensitivity = reader.sensitivity(data["sensitivity"]) if data.get("sensitivity") is not None else None
    if reader.errors:
        raise ProblemFormatError(reader.errors)
    problem = SelectionProblem(
        candidates=candidates,
        constraints=constraints,
        locked_in=locked_in,
        locked_out=locked_out,
        overrides=overrides,
        seed=seed,
        lottery=lottery,
        sensitivity=sensitivity,
    )
    errors = problem_errors(problem)
    if errors:
        raise ProblemFormatError(errors)
    return problem


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() and abs(value) < 2**53 else float(value)


def problem_to_json(problem: SelectionProblem) -> dict[str, Any]:
    """The problem file of ``problem`` (the inverse of ``problem_from_json``)."""
    candidates = []
    for candidate in problem.candidates:
        item: dict[str, Any] = {"id": candidate.id, "value": _number(candidate.value)}
        if candidate.costs:
            item["costs"] = {name: _number(amount) for name, amount in candidate.costs.items()}
        if candidate.attributes:
            item["attributes"] = {
                name: value if isinstance(value, str) else list(value) for name, value in candidate.attributes.items()
            }
        if candidate.spread is not None:
            item["spread"] = _number(candidate.spread)
        candidates.append(item)
    constraints = []
    for constraint in problem.constraints:
        entry: dict[str, Any] = {"name": constraint.name, "type": str(constraint.type)}
        if constraint.cost is not None:
            entry["cost"] = constraint.cost
        if constraint.where:
            entry["where"] = {key: list(values) for key, values in constraint.where.items()}
        if constraint.group_by is not None:
            entry["group_by"] = constraint.group_by
        if constraint.min is not None:
            entry["min"] = _number(constraint.min)
        if constraint.max is not None:
            entry["max"] = _number(constraint.max)
        if constraint.existing:
            entry["existing"] = {group: _number(amount) for group, amount in constraint.existing.items()}
        constraints.append(entry)
    data: dict[str, Any] = {"candidates": candidates, "constraints": constraints, "seed": problem.seed}
    if problem.locked_in:
        data["locked_in"] = list(problem.locked_in)
    if problem.locked_out:
        data["locked_out"] = list(problem.locked_out)
    if problem.overrides:
        data["overrides"] = [{"id": o.id, "decision": str(o.decision), "reason": o.reason} for o in problem.overrides]
    if problem.lottery is not None:
        data["lottery"] = {"tie_band": problem.lottery.tie_band}
    if problem.sensitivity is not None:
        settings = problem.sensitivity
        data["sensitivity"] = {"from": settings.low, "to": settings.high, "points": settings.points}
        if settings.constraint is not None:
            data["sensitivity"]["constraint"] = settings.constraint
    return data


def _explanation_json(explanation: Explanation) -> dict[str, Any]:
    item: dict[str, Any] = {
        "code": str(explanation.code),
        "selected": explanation.is_selected,
        "params": {
            key: list(value) if isinstance(value, tuple) else value for key, value in explanation.params.items()
        },
        "text": explanation.text,
    }
    if explanation.flip is not None:
        flip = explanation.flip
        item["flip"] = {
            "direction": flip.direction,
            "value_change": flip.value_change,
            "lower": flip.lower,
            "upper": flip.upper,
            "is_exact": flip.is_exact,
            "is_possible": flip.is_possible,
        }
    return item


def result_to_json(result: SelectionResult) -> dict[str, Any]:
    """The result file. Everything but ``statistics`` (timings) is the same on every re-run."""
    data: dict[str, Any] = {
        "status": str(result.status),
        "objective": result.objective,
        "bound": result.bound,
        "gap": result.gap,
        "selected": list(result.selected),
        "binding": list(result.binding),
        "seed": result.seed,
        "message": result.message,
        "explanations": {identifier: _explanation_json(item) for identifier, item in result.explanations.items()},
        "conflict": None,
        "lottery": None,
        "overrides": None,
        "sensitivity": None,
        "quota_costs": [
            {
                "constraint": cost.constraint,
                "type": cost.type,
                "status_without": str(cost.status_without),
                "objective_without": cost.objective_without,
                "cost": cost.cost,
                "is_exact": cost.is_exact,
            }
            for cost in result.quota_costs
        ],
    }
    if result.conflict is not None:
        conflict = result.conflict
        data["conflict"] = {
            "constraints": list(conflict.constraints),
            "locks": list(conflict.locks),
            "is_irreducible": conflict.is_irreducible,
            "text": conflict.text,
        }
    if result.lottery is not None:
        lottery = result.lottery
        data["lottery"] = {
            "seed": lottery.seed,
            "tie_band": lottery.tie_band,
            "tied": list(lottery.tied),
            "draw_order": list(lottery.draw_order),
            "winners": list(lottery.winners),
            "objective_before": lottery.objective_before,
            "objective_after": lottery.objective_after,
        }
    if result.overrides is not None:
        record = result.overrides
        data["overrides"] = {
            "overrides": [{"id": i, "decision": d, "reason": r} for i, d, r in record.overrides],
            "status_without": str(record.status_without),
            "objective_without": record.objective_without,
            "objective_lost": record.objective_lost,
            "is_exact": record.is_exact,
        }
    if result.sensitivity is not None:
        sensitivity = result.sensitivity
        data["sensitivity"] = {
            "constraint": sensitivity.constraint,
            "cost": sensitivity.cost,
            "points": [
                {
                    "factor": point.factor,
                    "limit": point.limit,
                    "status": str(point.status),
                    "objective": point.objective,
                    "bound": point.bound,
                    "selected_count": point.selected_count,
                    "total_cost": point.total_cost,
                }
                for point in sensitivity.points
            ],
        }
    if result.statistics is not None:
        stats = result.statistics
        data["statistics"] = {
            "columns": stats.columns,
            "rows": stats.rows,
            "dropped_group_rows": stats.dropped_group_rows,
            "lp_bound": stats.lp_bound,
            "core_sizes": list(stats.core_sizes),
            "fixed_by_reduced_cost": stats.fixed_by_reduced_cost,
            "seconds": round(stats.seconds, 3),
            "solve_seconds": round(stats.solve_seconds, 3),
            "lp_seconds": round(stats.lp_seconds, 3),
            "core_seconds": round(stats.core_seconds, 3),
            "resolves": stats.resolves,
        }
    return data
