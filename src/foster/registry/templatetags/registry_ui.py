"""Template helpers of the registry pages (``{% load registry_ui %}``)."""

from __future__ import annotations

from django import template

from foster.registry import ksic

register = template.Library()


@register.filter
def ksic_division_name(code: str) -> str:
    """The KSIC division's name in the active language; the code itself if it is unknown."""
    entry = ksic.divisions().get(code)
    return entry.name if entry else code
