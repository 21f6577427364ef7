"""Rule lists as JSON, so that officials store and edit them as data.

The format, versioned so it can change without guessing::

    {"version": 1,
     "rules": [{"kind": "size_class_in", "size_classes": ["small", "startup"]},
               {"kind": "company_age_at_most", "years": 7},
               {"kind": "not_designated"}]}

Each rule is an object with its ``kind`` and exactly that kind's fields; code sets are lists
(written sorted, so the same rules always give the same text). Reading rejects, with a
``RuleDataError`` that says where (``rules[1].years: ...``): an unknown kind, a missing or unknown
field, a value of the wrong type or shape, an unknown version.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import MISSING, fields
from typing import Any

from foster.engines.eligibility.rules import CODE_SET_FIELDS, RULE_KINDS, Rule, RuleDataError

FORMAT_VERSION = 1


def rule_to_data(rule: Rule) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": rule.kind}
    for rule_field in fields(rule):
        value = getattr(rule, rule_field.name)
        data[rule_field.name] = sorted(value) if isinstance(value, frozenset) else value
    return data


def rules_to_data(rules: Iterable[Rule]) -> dict[str, Any]:
    return {"version": FORMAT_VERSION, "rules": [rule_to_data(rule) for rule in rules]}


def rules_to_json(rules: Iterable[Rule]) -> str:
    return json.dumps(rules_to_data(rules), ensure_ascii=False, sort_keys=True)


def rule_from_data(data: object, where: str = "rule") -> Rule:
    if not isinstance(data, Mapping):
        raise RuleDataError(f"{where}: expected an object with a 'kind', got {type(data).__name__}")
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in RULE_KINDS:
        raise RuleDataError(f"{where}.kind: unknown rule kind {kind!r} (known: {', '.join(sorted(RULE_KINDS))})")
    rule_class = RULE_KINDS[kind]
    expected = {rule_field.name: rule_field for rule_field in fields(rule_class)}
    unknown = sorted(set(data) - set(expected) - {"kind"})
    if unknown:
        raise RuleDataError(f"{where}: unknown field(s) {', '.join(unknown)} for {kind}")
    arguments: dict[str, Any] = {}
    for name, rule_field in expected.items():
        if name not in data:
            if rule_field.default is MISSING and rule_field.default_factory is MISSING:
                raise RuleDataError(f"{where}.{name}: required for {kind}")
            continue
        value = data[name]
        if name in CODE_SET_FIELDS:
            if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
                raise RuleDataError(f"{where}.{name}: expected a list of strings")
            arguments[name] = frozenset(value)
        else:
            arguments[name] = value
    try:
        return rule_class(**arguments)
    except RuleDataError as error:
        raise RuleDataError(f"{where}: {error}") from None


def rules_from_data(data: object) -> tuple[Rule, ...]:
    if not isinstance(data, Mapping):
        raise RuleDataError("expected an object with 'version' and 'rules'")
    unknown = sorted(set(data) - {"version", "rules"})
    if unknown:
        raise RuleDataError(f"unknown top-level field(s) {', '.join(unknown)}")
    if data.get("version") != FORMAT_VERSION:
        raise RuleDataError(f"version: expected {FORMAT_VERSION}, got {data.get('version')!r}")
    rules = data.get("rules")
    if not isinstance(rules, Sequence) or isinstance(rules, str):
        raise RuleDataError("rules: expected a list")
    return tuple(rule_from_data(item, f"rules[{index}]") for index, item in enumerate(rules))


def rules_from_json(text: str) -> tuple[Rule, ...]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise RuleDataError(f"not valid JSON: {error}") from None
    return rules_from_data(data)
