"""Plotly's JavaScript bundle served from the installed ``plotly`` Python package, never a CDN.

``PlotlyFinder`` is a staticfiles finder that exposes exactly one file of the package,
``plotly/package_data/plotly.min.js``, as the static path ``vendor/plotly/plotly.min.js``;
``collectstatic`` copies it like any other static file and WhiteNoise serves it (ADR 0004: front-end
assets come from installed packages). The version is the Python package's, fixed by the lock file.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

STATIC_PATH = "vendor/plotly/plotly.min.js"
BUNDLE_NAME = "plotly.min.js"


def plotly_bundle_directory() -> Path:
    import plotly  # type: ignore[import-untyped]  # plotly ships no type hints

    return Path(plotly.__file__).parent / "package_data"


class PlotlyFinder(BaseFinder):
    """Finds ``vendor/plotly/plotly.min.js`` in the installed plotly package."""

    def check(self, **kwargs: Any) -> list[Any]:
        return []

    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> Any:
        if path != STATIC_PATH:
            return [] if find_all else ""
        bundle = str(plotly_bundle_directory() / BUNDLE_NAME)
        return [bundle] if find_all else bundle

    def list(self, ignore_patterns: Any) -> Iterator[tuple[str, FileSystemStorage]]:
        storage = FileSystemStorage(location=str(plotly_bundle_directory()))
        storage.prefix = "vendor/plotly"  # type: ignore[attr-defined]
        yield BUNDLE_NAME, storage
