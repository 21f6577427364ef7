"""Objects and request bodies of the data LAB routes for tests/test_authorization.py.

``own datalab-dataset``: a checked table of the user's company (its original file in MEDIA_ROOT);
``other``: another company's. ``own datalab-run``: a finished, releasable synthesis of the user's
company's table; ``other``: another company's. ``own datalab-shared-run``: another company's result
shared with the user's company under an agreement in force. ``own datalab-agreement``: an agreement of
the user's company with a startup; ``other``: between two other companies.
"""

from __future__ import annotations

import datetime as dt
import io
from functools import cache
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from foster.accounts.models import User
from foster.datalab.choices import DatasetState, RunState
from foster.datalab.models import Dataset, SharingAgreement, SynthesisRun
from foster.datalab.services import synthetic_csv_bytes
from foster.datalab.tables import column_settings, prepared_table
from foster.engines.synthesis import SynthesisOptions, read_table, synthesize
from foster.registry.models import Company, CompanyMembership
from tests.datalab.conftest import quality_csv
from tests.factories import CompanyFactory


def _own_company(user: User | None) -> Company | None:
    membership = CompanyMembership.objects.filter(user=user).select_related("company").first() if user else None
    return membership.company if membership else None


@cache
def _sample() -> tuple[bytes, list[dict[str, Any]], bytes, dict[str, Any], dict[str, Any]]:
    """A small table, its column settings, and one synthesis of it (computed once per test process)."""
    from foster.engines.synthesis import ReadLimits

    original = quality_csv(60)
    raw = read_table(io.BytesIO(original), ReadLimits(min_rows=1))
    columns = column_settings(raw)
    result = synthesize(prepared_table(raw, columns, key="k" * 64), SynthesisOptions(seed=1))
    return original, columns, synthetic_csv_bytes(result.table), result.report, result.parameters


def dataset(user: User | None, variant: str) -> Dataset | None:
    company = _own_company(user) if variant == "own" else CompanyFactory()
    if company is None:
        return None
    original, columns, _synthetic, _report, _parameters = _sample()
    found = Dataset(
        owner_company=company,
        uploaded_by=user if variant == "own" else None,
        title="품질검사",
        original_name="품질검사.csv",
        size_bytes=len(original),
        file_format="csv",
        encoding="cp949",
        state=DatasetState.READY,
        row_count=60,
        columns=columns,
        pseudonym_key="k" * 64,
        retention_until=timezone.localdate() + dt.timedelta(days=90),
    )
    found.original.save("original.csv", ContentFile(original), save=False)
    found.save()
    return found


def run(user: User | None, variant: str) -> SynthesisRun | None:
    table = dataset(user, variant)
    if table is None:
        return None
    _original, _columns, synthetic, report, parameters = _sample()
    found = SynthesisRun(
        dataset=table,
        method="cart",
        rows=60,
        seed=1,
        state=RunState.SUCCEEDED,
        report=report,
        parameters=parameters,
        release_allowed=True,
        synthetic_sha256="0" * 64,
        synthetic_size_bytes=len(synthetic),
        finished_at=timezone.now(),
    )
    found.synthetic_file.save("synthetic.csv", ContentFile(synthetic), save=False)
    found.save()
    return found


def shared_run(user: User | None, variant: str) -> SynthesisRun | None:
    recipient = _own_company(user)
    if recipient is None:
        return None
    found = run(None, "other")
    assert found is not None
    today = timezone.localdate()
    SharingAgreement.objects.create(
        run=found,
        owner_company=found.dataset.owner_company,
        recipient_company=recipient,
        purpose="모델 개발",
        permitted_use="model_development",
        starts_on=today,
        ends_on=today + dt.timedelta(days=30),
    )
    return found


def agreement(user: User | None, variant: str) -> SharingAgreement | None:
    found = run(user, variant)
    if found is None:
        return None
    today = timezone.localdate()
    return SharingAgreement.objects.create(
        run=found,
        owner_company=found.dataset.owner_company,
        recipient_company=CompanyFactory(),
        purpose="모델 개발",
        permitted_use="model_development",
        starts_on=today,
        ends_on=today + dt.timedelta(days=30),
    )


OBJECT_BUILDERS = {
    "datalab-dataset": lambda world, variant: dataset(world.user, variant),
    "datalab-run": lambda world, variant: run(world.user, variant),
    "datalab-shared-run": lambda world, variant: shared_run(world.user, variant),
    "datalab-agreement": lambda world, variant: agreement(world.user, variant),
}


def _upload(world: Any, obj: Any) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    company = _own_company(world.user)
    return {
        "company": company.pk if company else "",
        "title": "품질검사",
        "file": SimpleUploadedFile("품질검사.csv", quality_csv(30), content_type="text/csv"),
    }


def _columns(world: Any, obj: Any) -> dict[str, Any]:
    return {
        **{f"kind:{column['name']}": column["kind"] for column in obj.columns},
        **{f"handling:{column['name']}": column["handling"] for column in obj.columns},
    }


def _agreement_form(world: Any, obj: Any) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "recipient_registration_number": CompanyFactory().business_registration_number,
        "purpose": "불량 예측 모델 개발",
        "permitted_use": "model_development",
        "starts_on": today.isoformat(),
        "ends_on": (today + dt.timedelta(days=30)).isoformat(),
    }


def world_payloads() -> dict[tuple[str, str], Any]:
    """``WRITE_PAYLOADS`` entries ``(world, obj) -> body`` for the data LAB routes."""
    return {
        ("datalab:dataset-upload", "POST"): _upload,
        ("datalab:dataset-columns", "POST"): _columns,
        ("datalab:run-start", "POST"): lambda world, obj: {"method": "cart", "seed": "3"},
        ("datalab:dataset-delete", "POST"): lambda world, obj: {"confirm": "yes"},
        ("datalab:run-cancel", "POST"): lambda world, obj: {},
        ("datalab:agreement-create", "POST"): _agreement_form,
        ("datalab:agreement-revoke", "POST"): lambda world, obj: {"reason": "종료"},
    }
