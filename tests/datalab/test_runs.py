"""Synthesis runs, the release gate, sharing under an agreement, logged downloads, cancellation and the
deletion of originals (on request and after the retention period)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from foster.core.choices import JobStatus
from foster.core.jobs import JobReport
from foster.core.models import AuditEvent, Job
from foster.core.services import job_cancel_request
from foster.datalab.choices import DatasetState, DeletionReason, RunState
from foster.datalab.models import Dataset, DownloadRecord, SharingAgreement, SynthesisRun
from foster.datalab.services import (
    AgreementData,
    RunData,
    agreement_create,
    dataset_delete_original,
    dataset_upload,
    retention_purge,
    run_cancel,
    run_execute,
    run_start,
    synthetic_download,
)
from foster.datalab.tables import default_target, prepared_table, read_upload
from foster.datalab.tasks import retention_schedule
from tests.datalab.conftest import Member, member, quality_csv, stored_files, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Any:
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def dataset(sme: Member, committed: Any) -> Dataset:
    with committed():
        uploaded = dataset_upload(user=sme.user, company=sme.company, title="품질검사", upload=upload(quality_csv(400)))
    return Dataset.objects.get(pk=uploaded.pk)


def _start(member: Member, dataset: Dataset, committed: Any, **data: Any) -> SynthesisRun:
    with committed():
        run = run_start(user=member.user, dataset=dataset, data=RunData(**data))
    return SynthesisRun.objects.get(pk=run.pk)


def _agreement(run: SynthesisRun, startup: Member, sme: Member, **changes: Any) -> SharingAgreement:
    today = timezone.localdate()
    values: dict[str, Any] = {
        "recipient_registration_number": startup.company.business_registration_number,
        "purpose": "불량 예측 모델 개발",
        "permitted_use": "model_development",
        "starts_on": today,
        "ends_on": today + dt.timedelta(days=90),
        **changes,
    }
    return agreement_create(user=sme.user, run=run, data=AgreementData(**values))


def test_a_run_stores_the_synthetic_file_seed_parameters_and_report(
    sme: Member, dataset: Dataset, committed: Any, media_root: Path
) -> None:
    run = _start(sme, dataset, committed, seed=42, rules="온도 between 150 and 220", target="압력")
    assert (run.state, run.seed, run.release_allowed) == (RunState.SUCCEEDED, 42, True)
    assert Job.objects.get(pk=run.job_id).status == JobStatus.SUCCEEDED
    assert run.parameters["seed"] == 42 and run.parameters["rules"] == ["온도 between 150 and 220", "생산일 <= 검사일"]
    assert run.report["rows_synthetic"] == 400 and run.report["fidelity"]["overall"] > 0.8
    assert (run.report["utility"]["target"], run.report["utility"]["metric"]) == ("압력", "r2")
    # Without a named target the test predicts the last column that holds no personal data.
    with dataset.original.open("rb") as stream:
        table = prepared_table(read_upload(stream), dataset.columns, key=dataset.pseudonym_key)
    assert table.names[-1] == "검사자" and default_target(table, dataset.columns) == "불량"
    with run.synthetic_file.open("rb") as stream:
        content = stream.read()
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == [
        "로트번호",
        "라인",
        "교대",
        "제품",
        "자재공급사",
        "생산일",
        "검사일",
        "온도",
        "압력",
        "습도",
        "라인속도",
        "작업자경력",
        "두께",
        "불량",
        "불량유형",
        "검사자",
    ]
    assert len(rows) == 401
    assert all(row[15].startswith("P-") for row in rows[1:])  # names pseudonymised, the phone column dropped
    assert run.synthetic_size_bytes == len(content)
    # The same seed on the same table gives the same synthetic file.
    again = _start(sme, dataset, committed, seed=42, rules="온도 between 150 and 220", target="압력")
    with again.synthetic_file.open("rb") as stream:
        assert stream.read() == content
    assert len(stored_files(media_root)) == 3  # the original and two synthetic files


def test_bad_settings_are_refused_with_every_reason_and_nothing_started(sme: Member, dataset: Dataset) -> None:
    with pytest.raises(ValidationError) as caught:
        run_start(
            user=sme.user,
            dataset=dataset,
            data=RunData(method="dp", epsilon=0, rows=0, rules="온도 <= 라인\n색깔 > 3", condition_column="불량"),
        )
    assert caught.value.message_dict == {
        "rows": ["Ask for between 1 and 1,000,000 synthetic rows."],
        "epsilon": ["ε is a positive number up to 100; smaller means more private (1 is strong)."],
        "rules": [
            "Rule “온도 <= 라인”: “라인” is not a number or a date, so it has no order.",
            "Rule “색깔 > 3”: there is no column “색깔”.",
        ],
        "condition_column": ["Oversampling is not available with the differential-privacy method."],
    }
    assert SynthesisRun.objects.count() == 0


def test_the_dp_method_runs_with_its_budget_and_its_warning(sme: Member, dataset: Dataset, committed: Any) -> None:
    run = _start(sme, dataset, committed, method="dp", epsilon=1.0, seed=3)
    assert (run.state, run.epsilon, run.delta) == (RunState.SUCCEEDED, 1.0, 1e-6)
    assert run.report["dp"]["epsilon"] == 1.0
    assert run.report["warnings"][0]["code"] == "dp_rare_interactions_lost"
    page = sme.client().get(reverse("datalab:run-detail", args=[run.pk])).content.decode()
    assert "interactions of three or more columns and rare combinations" in page


def test_oversampling_the_rare_class(sme: Member, dataset: Dataset, committed: Any) -> None:
    run = _start(sme, dataset, committed, seed=5, condition_column="불량", condition_value="Y", condition_share=0.3)
    with run.synthetic_file.open("rb") as stream:
        rows = list(csv.DictReader(io.StringIO(stream.read().decode("utf-8-sig"))))
    share = sum(1 for row in rows if row["불량"] == "Y") / len(rows)
    assert 0.24 < share < 0.36
    assert run.report["warnings"][0]["code"] == "condition_applied"


def test_the_startup_downloads_during_its_agreement_and_every_download_is_logged(
    sme: Member, startup: Member, dataset: Dataset, committed: Any
) -> None:
    run = _start(sme, dataset, committed, seed=1)
    startup_client = startup.client()
    assert startup_client.get(reverse("datalab:run-detail", args=[run.pk])).status_code == 404
    agreement = _agreement(run, startup, sme)
    page = startup_client.get(reverse("datalab:run-detail", args=[run.pk]))
    assert page.status_code == 200 and "Download the synthetic table (CSV)" in page.content.decode()
    response = startup_client.get(reverse("datalab:run-download", args=[run.pk]))
    assert response.status_code == 200
    assert (
        response["Content-Disposition"]
        == f"attachment; filename*=utf-8''%ED%92%88%EC%A7%88%EA%B2%80%EC%82%AC-synthetic-{run.pk}.csv"
    )
    assert b"".join(response.streaming_content).decode("utf-8-sig").startswith("로트번호,라인")
    record = DownloadRecord.objects.get()
    assert (record.user, record.company, record.agreement, record.sha256) == (
        startup.user,
        startup.company,
        agreement,
        run.synthetic_sha256,
    )
    owner_page = sme.client().get(reverse("datalab:run-detail", args=[run.pk])).content.decode()
    assert startup.user.full_name in owner_page
    # After the last day, and once revoked, the startup can no longer download (403) but still sees the report.
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    SharingAgreement.objects.filter(pk=agreement.pk).update(
        starts_on=yesterday - dt.timedelta(days=30), ends_on=yesterday
    )
    assert startup_client.get(reverse("datalab:run-download", args=[run.pk])).status_code == 403
    assert startup_client.get(reverse("datalab:run-detail", args=[run.pk])).status_code == 200
    assert DownloadRecord.objects.count() == 1


def test_a_revoked_agreement_stops_downloads(sme: Member, startup: Member, dataset: Dataset, committed: Any) -> None:
    run = _start(sme, dataset, committed, seed=1)
    agreement = _agreement(run, startup, sme)
    response = sme.client().post(reverse("datalab:agreement-revoke", args=[agreement.pk]), {"reason": "계약 종료"})
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.revoked_at is not None and agreement.revoke_reason == "계약 종료"
    with pytest.raises(PermissionDenied):
        synthetic_download(user=startup.user, run=run)
    assert DownloadRecord.objects.count() == 0


def test_agreements_are_checked_field_by_field(sme: Member, startup: Member, dataset: Dataset, committed: Any) -> None:
    run = _start(sme, dataset, committed, seed=1)
    today = timezone.localdate()
    with pytest.raises(ValidationError) as caught:
        _agreement(
            run,
            startup,
            sme,
            recipient_registration_number=sme.company.business_registration_number,
            purpose=" ",
            permitted_use="resale",
            starts_on=today - dt.timedelta(days=1),
            ends_on=today + dt.timedelta(days=1_000),
        )
    assert caught.value.message_dict == {
        "recipient_registration_number": ["Share with another company, not your own."],
        "purpose": ["Say what the startup will do with the data."],
        "permitted_use": ["Choose one of the listed uses."],
        "starts_on": ["The agreement cannot start in the past."],
        "ends_on": ["An agreement lasts at most 730 days; agree a new one after that."],
    }
    with pytest.raises(ValidationError) as caught:
        _agreement(run, startup, sme, recipient_registration_number="123-45-67890")
    assert caught.value.message_dict == {
        "recipient_registration_number": ["No company with this business registration number is registered in Foster."]
    }
    other = member("startup", 70_003)
    with pytest.raises(PermissionDenied):
        _agreement(run, startup, other)
    assert SharingAgreement.objects.count() == 0


def test_the_release_gate_blocks_download_and_sharing_and_says_why(
    sme: Member, startup: Member, dataset: Dataset, committed: Any
) -> None:
    run = _start(sme, dataset, committed, seed=1)
    report = dict(run.report)
    report["gate"] = {
        "allowed": False,
        "reasons": [{"code": "dcr_ratio", "value": 0.41, "threshold": 0.8}],
        "warnings": [],
    }
    SynthesisRun.objects.filter(pk=run.pk).update(release_allowed=False, report=report)
    run.refresh_from_db()
    page = sme.client().get(reverse("datalab:run-detail", args=[run.pk])).content.decode()
    assert "Privacy check failed: download and sharing are blocked" in page
    assert "ratio 0.41, below the threshold of 0.8" in page
    assert sme.client().get(reverse("datalab:run-download", args=[run.pk])).status_code == 403
    with pytest.raises(ValidationError) as caught:
        _agreement(run, startup, sme)
    assert caught.value.message_dict["__all__"] == [
        "Only a finished result that passed the privacy check can be shared."
    ]


def test_the_original_is_never_served_and_is_deleted_on_request(
    sme: Member, dataset: Dataset, committed: Any, media_root: Path
) -> None:
    run = _start(sme, dataset, committed, seed=1)
    client = sme.client()
    assert client.get(f"/media/{dataset.original.name}").status_code == 404
    assert client.get(reverse("datalab:run-download", args=[run.pk])).status_code == 200
    original_path = Path(dataset.original.path)
    with committed():
        response = client.post(reverse("datalab:dataset-delete", args=[dataset.pk]), {"confirm": "yes"})
    assert response.status_code == 302
    dataset.refresh_from_db()
    assert (dataset.state, dataset.deletion_reason, dataset.original.name) == (
        DatasetState.DELETED,
        DeletionReason.OWNER,
        "",
    )
    assert not original_path.exists()
    assert all("top" not in column["summary"] and "minimum" not in column["summary"] for column in dataset.columns)
    assert Path(run.synthetic_file.path).exists()  # the synthetic result stays
    with pytest.raises(ValidationError):
        run_start(user=sme.user, dataset=dataset, data=RunData())


def test_the_daily_task_deletes_originals_past_their_retention(sme: Member, dataset: Dataset, committed: Any) -> None:
    kept = member("small", 70_010)
    with committed():
        fresh = dataset_upload(user=kept.user, company=kept.company, title="새 표", upload=upload(quality_csv(40)))
    Dataset.objects.filter(pk=dataset.pk).update(retention_until=timezone.localdate() - dt.timedelta(days=1))
    with committed():
        assert retention_purge() == 1
    dataset.refresh_from_db()
    assert (dataset.state, dataset.deletion_reason) == (DatasetState.DELETED, DeletionReason.RETENTION)
    assert Dataset.objects.get(pk=fresh.pk).state == DatasetState.READY
    event = AuditEvent.objects.get(action="datalab.dataset_delete_original")
    assert (event.actor, event.reason) == (None, "retention")
    assert retention_schedule() is False  # the immediate backend of the tests cannot run tasks later


def test_cancelling_a_queued_run_stops_it_at_once(sme: Member, dataset: Dataset) -> None:
    run = run_start(user=sme.user, dataset=dataset, data=RunData(seed=1))  # not committed: still queued
    cancelled = run_cancel(user=sme.user, run=run)
    assert cancelled.state == RunState.CANCELLED
    assert Job.objects.get(pk=run.job_id).status == JobStatus.CANCELLED
    with pytest.raises(ValidationError):
        run_cancel(user=sme.user, run=cancelled)


def test_a_run_cancelled_while_running_stops_between_steps_and_keeps_no_file(
    sme: Member, dataset: Dataset, media_root: Path
) -> None:
    run = run_start(user=sme.user, dataset=dataset, data=RunData(seed=1))
    assert run.job_id is not None
    report = JobReport(run.job_id)
    steps: list[int] = []
    original = report.__call__

    def progress(done: int, total: int | None = None, message: str | None = None) -> None:
        steps.append(done)
        original(done, total, message)
        if done >= 10:  # the owner presses Cancel once the fit has started
            job_cancel_request(job_id=run.job_id)

    report.__call__ = progress  # type: ignore[method-assign]
    from foster.core.jobs import JobCancelled

    with pytest.raises(JobCancelled):
        run_execute(run_id=run.pk, report=_Reporter(progress, report))
    run.refresh_from_db()
    assert (run.state, run.synthetic_file.name, run.report) == (RunState.CANCELLED, "", {})
    assert max(steps) < 60  # stopped during the fit, long before sampling
    assert len(stored_files(media_root)) == 1  # only the original


class _Reporter(JobReport):
    """A ``JobReport`` whose progress calls go through ``progress`` (to press Cancel mid-run)."""

    def __init__(self, progress: Any, inner: JobReport) -> None:
        super().__init__(inner.job_id)
        self._progress = progress

    def __call__(self, done: int, total: int | None = None, message: str | None = None) -> None:
        self._progress(done, total, message)


def test_other_companies_see_nothing_and_may_change_nothing(sme: Member, startup: Member, dataset: Dataset) -> None:
    client = startup.client()
    assert client.get(reverse("datalab:dataset-detail", args=[dataset.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        run_start(user=startup.user, dataset=dataset, data=RunData())
    with pytest.raises(PermissionDenied):
        dataset_delete_original(user=startup.user, dataset=dataset)
    assert Dataset.objects.get(pk=dataset.pk).state == DatasetState.READY
