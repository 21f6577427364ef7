"""Fixtures of the registry's import and export tests: uploads under a temporary MEDIA_ROOT, English messages.

The import and export test modules use them with ``pytest.mark.usefixtures("media_root", "english")``.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from foster.registry.importing import (
    COMPARED_FIELDS,
    ImportPlan,
    company_import_apply,
    company_import_check,
    company_import_create,
)
from foster.registry.models import Company


@pytest.fixture
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def run_import(user: Any, content: bytes, *, filename: str = "companies.csv", dry_run: bool = False) -> ImportPlan:
    """Upload ``content`` as ``user`` and check it (dry run) or apply it, as the pages and the CLI do."""
    company_import = company_import_create(user=user, file=io.BytesIO(content), filename=filename, language="en")
    if dry_run:
        return company_import_check(user=user, company_import=company_import)
    return company_import_apply(user=user, company_import=company_import)


def registry_state() -> list[tuple[Any, ...]]:
    """Every company's values, to show that a refused import changed nothing."""
    return list(Company.objects.order_by("pk").values_list("pk", *COMPARED_FIELDS, "updated_at"))
