"""Template helpers of the learning pages (``{% load learning_tags %}``)."""

from __future__ import annotations

from typing import Any

from django import template

from foster.core.i18n import in_language

register = template.Library()


@register.filter
def localised(obj: Any, field: str) -> str:
    """``obj.<field>_ko`` or ``obj.<field>_en`` by the active language (falling back to the other)."""
    if obj is None:
        return ""
    return in_language(getattr(obj, f"{field}_ko", "") or "", getattr(obj, f"{field}_en", "") or "")
