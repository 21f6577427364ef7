"""Small template helpers of the page layout (``{% load foster_ui %}``)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

register = template.Library()

# Audit actions as people read them; an action not listed here is shown by its code.
AUDIT_ACTION_LABELS: dict[str, str | Promise] = {
    "company.register": _("Company registered"),
    "company.update": _("Company details changed"),
    "company.import": _("Company imported"),
    "valuation.add": _("Valuation added"),
    "user.signup": _("Account created"),
    "agency_membership.grant": _("Agency membership granted"),
}


@register.filter
def has_required_field(form: Any) -> bool:
    """Whether any visible field of ``form`` is required (then the page explains the marker)."""
    return any(field.field.required for field in form.visible_fields())


@register.filter
def audit_action_label(action: str) -> str | Promise:
    """The readable name of an audit event's action code."""
    return AUDIT_ACTION_LABELS.get(action, action)


@register.filter
def pick_fields(form: Any, names: str) -> list[Any]:
    """The bound fields of ``form`` named in the comma-separated ``names``, in that order."""
    return [form[name] for name in names.split(",") if name in form.fields]


@register.filter
def omit_fields(form: Any, names: str) -> list[Any]:
    """The visible bound fields of ``form`` not named in ``names`` (so a new field is never lost)."""
    excluded = set(names.split(","))
    return [field for field in form.visible_fields() if field.name not in excluded]
