"""The exposure import page: upload, check in the background (a dry run with progress), confirm,
apply in the background all or nothing; idempotent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from foster.accounts.models import User
from foster.core.choices import JobStatus
from foster.core.models import AuditEvent
from foster.finance.models import Entry, ExposureImport, Transfer
from foster.finance.reconcile import ledger_reconcile
from foster.finance.selectors import company_exposure_krw
from foster.registry.choices import ImportStatus
from tests.factories import AgencyFactory, AgencyMembershipFactory, CompanyFactory
from tests.http import english_client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def csv_upload(rows: list[tuple[str, str]]) -> SimpleUploadedFile:
    text = "사업자등록번호,잔액\n" + "\n".join(f"{number},{amount}" for number, amount in rows) + "\n"
    return SimpleUploadedFile("kibo.csv", text.encode("cp949"), content_type="text/csv")


def upload(client: Any, rows: list[tuple[str, str]], capture: Any) -> ExposureImport:
    with capture(execute=True):
        response = client.post(
            reverse("finance:exposure-import"), {"source": "kibo", "as_of": "2026-09-30", "file": csv_upload(rows)}
        )
    record = ExposureImport.objects.latest("id")
    assert (response.status_code, response["Location"]) == (
        302,
        reverse("finance:exposure-import-detail", args=[record.pk]),
    )
    return record


def test_upload_check_confirm_apply(official: User, django_capture_on_commit_callbacks: Any) -> None:
    first, second = CompanyFactory(), CompanyFactory()
    rows = [(first.business_registration_number, "3000000000"), (second.business_registration_number, "0")]
    client = english_client(official)

    record = upload(client, rows, django_capture_on_commit_callbacks)

    assert record.status == ImportStatus.READY and record.job is not None
    assert (record.job.status, record.job.done, record.job.total) == (JobStatus.SUCCEEDED, 3, 3)
    assert (record.plan["rows"], record.plan["changed"], record.plan["unchanged"]) == (2, 1, 1)
    assert Entry.objects.count() == 0  # the check posts nothing
    detail = reverse("finance:exposure-import-detail", args=[record.pk])
    assert "Apply this import" in client.get(detail).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        applied = client.post(detail)
    record.refresh_from_db()
    assert applied.status_code == 302 and record.status == ImportStatus.APPLIED
    assert record.job is not None and (record.job.status, record.job.done, record.job.total) == (
        JobStatus.SUCCEEDED,
        6,
        6,
    )
    assert company_exposure_krw(first) == 3_000_000_000 and record.changed == 1
    assert AuditEvent.objects.filter(action="finance.exposure_import").count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        twice = client.post(detail)  # applying again is refused and changes nothing
    assert twice.status_code == 302 and Transfer.objects.count() == 1
    again = upload(client, rows, django_capture_on_commit_callbacks)  # the same file again: nothing to apply
    assert (again.status, again.plan["changed"], again.plan["unchanged"]) == (ImportStatus.READY, 0, 2)
    assert "changes nothing" in client.get(reverse("finance:exposure-import-detail", args=[again.pk])).content.decode()
    assert ledger_reconcile() == []


def test_a_bad_row_imports_nothing(official: User, django_capture_on_commit_callbacks: Any) -> None:
    company = CompanyFactory()
    client = english_client(official)
    record = upload(
        client, [(company.business_registration_number, "5"), ("123-45-6789", "1")], django_capture_on_commit_callbacks
    )
    assert record.status == ImportStatus.INVALID
    assert [(error["row"], error["column"]) for error in record.plan["errors"]] == [(3, "business_registration_number")]
    detail = reverse("finance:exposure-import-detail", args=[record.pk])
    assert "fix these rows" in client.get(detail).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(detail)
    record.refresh_from_db()
    assert record.status == ImportStatus.INVALID and Entry.objects.count() == 0


def test_a_change_between_check_and_apply_is_caught(official: User, django_capture_on_commit_callbacks: Any) -> None:
    """Someone imports another figure for the same agency, date and company after the check:
    the apply checks again and posts nothing."""
    company = CompanyFactory()
    client = english_client(official)
    record = upload(client, [(company.business_registration_number, "700")], django_capture_on_commit_callbacks)
    colleague = english_client(AgencyMembershipFactory(agency=AgencyFactory(code="kibo")).user)
    other = upload(colleague, [(company.business_registration_number, "800")], django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        colleague.post(reverse("finance:exposure-import-detail", args=[other.pk]))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("finance:exposure-import-detail", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == ImportStatus.INVALID and company_exposure_krw(company) == 800
    assert client.get(reverse("finance:exposure-import-detail", args=[other.pk])).status_code == 404
