"""Cleaning raw text before analysis: HTML, entities, Unicode forms, control characters, length.

Profiles and problems are typed by people or pasted from web pages and word processors, so a text
may carry HTML tags, entities (``&amp;``), full-width letters, emoji, zero-width characters or be
far longer than any real description. ``clean_text`` turns each into plain text the analysers can
read; it never fails. The cleaned text is only analysed, never rendered: callers that show a
profile escape its original text themselves.
"""

from __future__ import annotations

import html
import re
import unicodedata

MAX_TEXT_CHARACTERS = 20_000
"""Longer texts are cut here: a real problem or solution description is a few paragraphs."""

_SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^<>]{0,2000}>")
_CONTROL = re.compile(r"[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")
_SPACE = re.compile(r"\s+")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_LATIN = re.compile(r"[A-Za-z]")


def clean_text(text: str | None, *, max_characters: int = MAX_TEXT_CHARACTERS) -> str:
    """Plain text: tags dropped, entities decoded, NFKC-normalised, control characters removed, cut."""
    if not text:
        return ""
    text = str(text)[: max_characters * 4]
    if "<" in text:
        text = _TAG.sub(" ", _SCRIPT_OR_STYLE.sub(" ", text))
    if "&" in text:
        text = html.unescape(text)
    text = unicodedata.normalize("NFKC", text)
    text = _CONTROL.sub(" ", text)
    return _SPACE.sub(" ", text).strip()[:max_characters]


def detect_language(text: str) -> str:
    """``"ko"`` when Hangul syllables are at least a fifth of the letters, else ``"en"``."""
    hangul = len(_HANGUL.findall(text))
    latin = len(_LATIN.findall(text))
    if hangul == 0:
        return "en"
    return "ko" if hangul * 5 >= hangul + latin else "en"
