"""Uploading a table: a CP949 CSV is checked, profiled and its personal data found; every bad file gets a
message that says what to fix, and nothing half-made is kept (no row, no file)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from foster.core.choices import JobStatus
from foster.core.models import AuditEvent, Job
from foster.datalab.choices import DatasetState
from foster.datalab.models import Dataset
from foster.datalab.personal_data import detect_column, pseudonym
from foster.datalab.services import ColumnChange, dataset_columns_update
from tests.datalab.conftest import Member, quality_csv, stored_files, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _run_tasks(django_capture_on_commit_callbacks: Any) -> None:
    """Background tasks run when the request's transaction commits (the immediate task backend)."""
    global _capture
    _capture = django_capture_on_commit_callbacks


_capture: Any = None


def _post(member: Member, data: bytes, name: str = "품질검사.csv") -> Any:
    with _capture(execute=True):
        return member.client().post(
            reverse("datalab:dataset-upload"),
            {"company": member.company.pk, "title": "2025 품질검사", "file": upload(data, name)},
        )


def test_a_cp949_csv_is_profiled_and_its_personal_data_found(sme: Member, media_root: Path) -> None:
    response = _post(sme, quality_csv(400))
    dataset = Dataset.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "core:job-detail", args=[dataset.profile_job_id]
    )
    job = Job.objects.get(pk=dataset.profile_job_id)
    assert (job.status, job.message) == (JobStatus.SUCCEEDED, "400 rows and 17 columns checked.")
    assert job.result == {"next_url": reverse("datalab:dataset-detail", args=[dataset.pk])}
    assert (dataset.state, dataset.row_count, dataset.encoding, dataset.file_format) == (
        DatasetState.READY,
        400,
        "cp949",
        "csv",
    )
    columns = {column["name"]: column for column in dataset.columns}
    assert [name for name in columns][:3] == ["로트번호", "라인", "교대"]
    assert {
        name: column["kind"] for name, column in columns.items() if name in ("로트번호", "온도", "검사일", "불량")
    } == {
        "로트번호": "identifier",
        "검사일": "date",
        "온도": "number",
        "불량": "boolean",
    }
    assert (columns["검사자"]["personal_data"], columns["검사자"]["handling"]) == ("person_name", "pseudonymise")
    assert (columns["연락처"]["personal_data"], columns["연락처"]["handling"]) == ("phone", "drop")
    assert columns["검사자"]["summary"]["top"][0][0] == "•••"  # personal values are not shown in the profile
    assert columns["라인"]["summary"]["distinct"] == 4
    assert dataset.original_name == "품질검사.csv" and dataset.original.name.endswith(".csv")
    assert dataset.original.name != "품질검사.csv"
    assert AuditEvent.objects.filter(action="datalab.dataset_upload", object_id=str(dataset.pk)).count() == 1

    page = sme.client().get(reverse("datalab:dataset-detail", args=[dataset.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Personal data found" in text and "“연락처” looks like Phone number" in text
    assert len(stored_files(media_root)) == 1


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "empty.csv", "The file is empty or has no data rows under its header."),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "photo.csv", "This is not a table: its content is binary"),
        ("이름\n김철수\n".encode("cp949"), "one.csv", "Only one column was found."),
        (b"line,temp\n\xff\xfe\xfa,1\n", "mojibake.csv", "The text is neither UTF-8 nor CP949/EUC-KR"),
    ],
)
def test_what_the_first_bytes_show_is_refused_at_once(
    sme: Member, media_root: Path, data: bytes, name: str, message: str
) -> None:
    response = _post(sme, data, name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert (Dataset.objects.count(), Job.objects.count(), stored_files(media_root)) == (0, 0, [])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"a,b\n1,2\n3,4,5\n" + b"6,7\n" * 30, "Some rows do not have as many cells as the header (line 3)."),
        (b"a,b\n1,2\n3,4\n", "The table has only 2 data rows; synthesis needs at least 20."),
        (b"a,b\n" + b"1,2\n" * 20_000 + b"\xff\xfe,3\n", "The text is neither UTF-8 nor CP949/EUC-KR"),
    ],
)
def test_what_only_the_whole_file_shows_fails_the_check_and_leaves_nothing(
    sme: Member, media_root: Path, data: bytes, message: str
) -> None:
    response = _post(sme, data)
    job = Job.objects.get()
    assert response["Location"] == reverse("core:job-detail", args=[job.pk])
    assert job.status == JobStatus.FAILED and job.message.startswith(message)
    assert (Dataset.objects.count(), stored_files(media_root)) == (0, [])
    page = sme.client().get(reverse("core:job-detail", args=[job.pk]))
    assert message in page.content.decode()


def test_too_many_rows_are_refused_by_the_row_limit(sme: Member, media_root: Path, settings: Any) -> None:
    settings.DATALAB_MAX_ROWS = 100
    _post(sme, quality_csv(150))
    job = Job.objects.get()
    assert job.message == "The table has more than 100 rows, the most the LAB takes. Upload a sample or split it."
    assert (Dataset.objects.count(), stored_files(media_root)) == (0, [])


def test_a_file_over_the_size_limit_is_refused_before_its_body_is_read(sme: Member, settings: Any) -> None:
    settings.DATALAB_MAX_UPLOAD_BYTES = 1024
    response = _post(sme, quality_csv(1_000))
    assert response.status_code == 413
    assert "the LAB takes files of up to 1.0\xa0KB" in response.content.decode()
    assert Dataset.objects.count() == 0


def test_workbooks_are_accepted_under_a_csv_name_by_their_content(sme: Member) -> None:
    import io

    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["라인", "온도"])
    for index in range(30):
        sheet.append(["A" if index % 2 else "B", 180.5 + index])
    buffer = io.BytesIO()
    workbook.save(buffer)
    _post(sme, buffer.getvalue(), "renamed.csv")
    dataset = Dataset.objects.get()
    assert (dataset.state, dataset.file_format, dataset.row_count) == (DatasetState.READY, "xlsx", 30)


def test_column_kinds_and_treatments_are_changed_and_a_bad_kind_is_refused(sme: Member) -> None:
    _post(sme, quality_csv(60))
    dataset = Dataset.objects.get()
    updated = dataset_columns_update(
        user=sme.user,
        dataset=dataset,
        changes={"연락처": ColumnChange("category", "keep"), "작업자경력": ColumnChange("category", "")},
    )
    columns = {column["name"]: column for column in updated.columns}
    assert (columns["연락처"]["handling"], columns["작업자경력"]["kind"]) == ("keep", "category")
    assert AuditEvent.objects.filter(action="datalab.dataset_columns").get().changes["연락처"] == [
        ["identifier", "drop"],
        ["category", "keep"],
    ]
    response = sme.client().post(
        reverse("datalab:dataset-columns", args=[dataset.pk]),
        {
            **{f"kind:{column['name']}": column["kind"] for column in updated.columns},
            **{f"handling:{column['name']}": column["handling"] for column in updated.columns},
            "kind:라인": "number",
        },
    )
    assert response.status_code == 200
    assert "Column “라인”, row 2: “" in response.content.decode()
    assert {column["name"]: column["kind"] for column in Dataset.objects.get().columns}["라인"] == "category"


@pytest.mark.parametrize(
    ("header", "cells", "kind"),
    [
        ("주민번호", ["971013-9019902", "9710139019902", "990101-1111111"], "resident_number"),
        ("memo", ["call 010-1234-5678 today", "no", "mail 02-345-6789"], "phone"),
        ("연락처", ["010-1234-5678", "+82 10-2222-3333", "031-123-4567"], "phone"),
        ("email", ["kim@example.kr", "lee@foo.co.kr", "park@bar.com"], "email"),
        ("거래처", ["116-82-00276", "1168200276", "116-82-00276"], "business_number"),
        ("성명", ["김민수", "이영희", "박철수"], "person_name"),
        ("name", ["Jane Doe", "John Smith", "Ann Lee"], "person_name"),
    ],
)
def test_personal_data_is_found_by_its_content(header: str, cells: list[str], kind: str) -> None:
    finding = detect_column(header, cells)
    assert finding is not None and finding.kind == kind


@pytest.mark.parametrize(
    ("header", "cells"),
    [
        ("주민번호", ["971013-9019903", "800101-1234568", "800101-1234567"]),  # wrong check digits
        ("거래처", ["116-82-00277", "123-45-67891", "999-99-99999"]),
        ("name", ["브래킷", "하우징", "커버"]),  # product names under "name"
        ("라인", ["김", "이", "박"]),
        ("온도", ["010", "011", "012"]),
    ],
)
def test_look_alikes_are_not_taken_for_personal_data(header: str, cells: list[str]) -> None:
    assert detect_column(header, cells) is None


def test_pseudonyms_are_stable_under_one_key_and_differ_under_another() -> None:
    assert pseudonym("a" * 64, "김민수") == pseudonym("a" * 64, " 김민수 ")
    assert pseudonym("a" * 64, "김민수") != pseudonym("b" * 64, "김민수")
    assert pseudonym("a" * 64, "김민수").startswith("P-") and len(pseudonym("a" * 64, "김민수")) == 14
    assert pseudonym("a" * 64, "") == ""
