"""A progress bar for long ``foster`` commands (tqdm on a terminal, silent otherwise)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tqdm import tqdm


def cli_progress(*, total: int, description: str, stream: Any, enabled: bool = True) -> Callable[[int], None]:
    """Return a callback ``advance(n)`` that moves a progress bar on ``stream`` by n steps."""
    bar = tqdm(total=total, desc=description, file=stream, disable=not enabled, unit="rows", dynamic_ncols=True)

    def advance(steps: int) -> None:
        bar.update(steps)
        if bar.n >= total:
            bar.close()

    return advance
