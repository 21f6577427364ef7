"""Reading a call's versioned form schema (format in ``programs.models.ApplicationForm``): its
sections and fields, which sections the answers show, and what a submission still lacks.

Used by the form that renders the schema, by the submission service (which checks completeness
again, whatever the form validated) and by the demo seeding.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

from foster.core.i18n import in_language
from foster.programs.choices import FieldType

# Fields every application has, kept in columns of their own (not in the schema's answers).
TITLE = "title"
REQUESTED_AMOUNT = "requested_amount_krw"
# A schema may ask for the title and the amount itself under one of these keys; its answer then
# fills the column (and the fixed field is not added).
TITLE_KEYS = (TITLE, "project_title")
REQUESTED_AMOUNT_KEYS = (REQUESTED_AMOUNT, "requested_amount")


def localized(item: dict[str, Any], base: str) -> str:
    """``item[base_ko]`` or ``item[base_en]`` in the current language, falling back to the other."""
    return in_language(str(item.get(f"{base}_ko") or ""), str(item.get(f"{base}_en") or ""))


def choice_options(field: dict[str, Any]) -> list[tuple[str, str]]:
    """A choice field's ``(value, label)`` pairs, labels in the current language (a plain string
    choice is its own label)."""
    result = []
    for choice in field.get("choices") or []:
        if isinstance(choice, dict):
            value = str(choice.get("value", ""))
            result.append((value, localized(choice, "label") or value))
        else:
            result.append((str(choice), str(choice)))
    return result


def schema_sections(schema: dict[str, Any]) -> list[dict[str, Any]]:
    sections = schema.get("sections") if isinstance(schema, dict) else None
    return [section for section in sections or [] if isinstance(section, dict)]


def schema_fields(schema: dict[str, Any]) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """Every ``(section, field)`` of the schema, in order."""
    for section in schema_sections(schema):
        for field in section.get("fields") or []:
            if isinstance(field, dict) and field.get("key"):
                yield section, field


def title_key(schema: dict[str, Any]) -> str:
    """The form key whose answer is the project title: the schema's own question, or ``title``."""
    keys = {field["key"] for _section, field in schema_fields(schema)}
    return next((key for key in TITLE_KEYS if key in keys), TITLE)


def requested_amount_key(schema: dict[str, Any]) -> str:
    """The form key whose answer is the requested amount: the schema's own question, or ours."""
    keys = {field["key"] for _section, field in schema_fields(schema) if field.get("type") == FieldType.MONEY}
    return next((key for key in REQUESTED_AMOUNT_KEYS if key in keys), REQUESTED_AMOUNT)


def section_is_shown(section: dict[str, Any], answers: dict[str, Any]) -> bool:
    """Whether ``section``'s ``show_if`` condition holds for ``answers`` (no condition: always)."""
    condition = section.get("show_if")
    if not condition:
        return True
    value = answers.get(condition.get("field"))
    expected = condition.get("equals")
    if isinstance(value, list):
        return expected in value
    return value == expected or (value is not None and str(value) == str(expected))


def is_blank(value: Any) -> bool:
    return value is None or value == "" or value == []


def missing_answers(
    schema: dict[str, Any], answers: dict[str, Any], attached: set[str] | frozenset[str]
) -> dict[str, list[str]]:
    """Required fields of shown sections with no answer (files: no attachment), with a message each.

    The service checks this again at submission, whatever the caller validated before.
    """
    missing: dict[str, list[str]] = {}
    for section, field in schema_fields(schema):
        if not field.get("required") or not section_is_shown(section, answers):
            continue
        key = field["key"]
        if field.get("type") == FieldType.FILE:
            if key not in attached:
                missing[key] = [_("Attach this document.")]
        elif is_blank(answers.get(key)):
            missing[key] = [_("This field is required.")]
    return missing
