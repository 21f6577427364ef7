"""Figures that aggregate large tables, computed once and served from the cache until what they
depend on changes.

A figure is cached under its key and the current *generation* of each area it depends on
(``"ledger"``, ``"registry"``). A write to an area calls ``area_changed(area)`` when its
transaction commits, which moves the area to a new generation: every figure that depends on it is
recomputed at its next request, in every process that shares the cache (``CACHE_URL``; with the
per-process default cache, other processes see the change when the entry expires). Every entry
also expires after ``timeout`` seconds, which bounds how stale a figure can be on what no area
tracks (surveys, education, applications): ``FIGURE_SECONDS`` is 5 minutes.

Only ``compute``'s return value is cached; it must be picklable and must not depend on the user
(the callers scope by permission before or after). Translated text is cached per language.
See ADR 0013.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import get_language

T = TypeVar("T")

FIGURE_SECONDS = 300
_GENERATION_SECONDS = 7 * 24 * 3600  # far longer than any figure lives


def _generation_key(area: str) -> str:
    return f"foster:generation:{area}"


def area_generation(area: str) -> str:
    """The current generation of ``area`` (a new one if none is stored)."""
    key = _generation_key(area)
    generation = cache.get(key)
    if generation is None:
        generation = uuid.uuid4().hex
        if not cache.add(key, generation, _GENERATION_SECONDS):
            generation = cache.get(key) or generation
    return str(generation)


def area_changed(area: str) -> None:
    """Mark ``area`` changed once the current transaction commits (at once outside one): every
    figure depending on it is recomputed at its next request."""
    transaction.on_commit(lambda: cache.set(_generation_key(area), uuid.uuid4().hex, _GENERATION_SECONDS))


def cached_figure(key: str, compute: Callable[[], T], *, areas: Iterable[str] = (), timeout: int = FIGURE_SECONDS) -> T:
    """``compute()``, from the cache while no area in ``areas`` changed and ``timeout`` has not passed."""
    generations = ".".join(area_generation(area) for area in sorted(areas))
    full_key = f"foster:figure:{key}:{get_language() or '-'}:{generations}"
    missing = object()
    value = cache.get(full_key, missing)
    if value is missing:
        value = compute()
        cache.set(full_key, value, timeout)
    return value
