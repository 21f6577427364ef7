"""Fixtures of the KPI tests: a registry of synthetic companies and the demo surveys seeded from it."""

from __future__ import annotations

from typing import Any

import pytest

from foster.kpi.models import Survey
from foster.kpi.seeding import HEADLINE_CODE, kpi_seed
from foster.registry.seeding import companies_seed


@pytest.fixture
def registry(db: None) -> int:
    return companies_seed(count=3_000, seed=7)


@pytest.fixture
def headline(registry: int) -> Survey:
    kpi_seed(seed=11)
    return Survey.objects.get(code=HEADLINE_CODE)


@pytest.fixture
def media_root(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
