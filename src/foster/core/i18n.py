"""Bilingual data: picking the Korean or the English text of a record for the active language."""

from __future__ import annotations

from django.utils.translation import get_language


def is_english() -> bool:
    """Whether the active language is English (Korean is the default)."""
    return (get_language() or "ko").startswith("en")


def in_language(korean: str, english: str) -> str:
    """The text in the active language, falling back to the other one when it is empty."""
    return (english or korean) if is_english() else (korean or english)
