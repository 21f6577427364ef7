"""Writes of the data creation LAB (docs/datalab.md).

Each service checks the permission, validates every input (a ``ValidationError`` names each bad field
and nothing is stored), writes rows and files and an audit event atomically, and queues background work
with ``transaction.on_commit`` through ``core.jobs.job_enqueue``. Files are written under MEDIA_ROOT with
Django's storage, under random names; a file written by a transaction that did not commit is removed,
and a file whose row is removed goes only once that removal has committed.

The original upload never leaves the LAB: no service returns it, and ``dataset_delete_original`` (the
owner's request, or the daily retention task) removes it.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import secrets
import uuid
from dataclasses import dataclass, field
from typing import IO, Any

import numpy as np
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from foster.applications.attachments import filename_sanitise
from foster.core.jobs import JobCancelled, JobError, JobReport, job_enqueue
from foster.core.services import (
    audit_event_record,
    job_cancel_request,
    job_cancelled,
    job_create,
)
from foster.datalab.choices import (
    ColumnKindChoice,
    DatasetState,
    DeletionReason,
    PermittedUse,
    PersonalDataHandling,
    RunState,
    SynthesisMethod,
)
from foster.datalab.models import Dataset, DownloadRecord, SharingAgreement, SynthesisRun
from foster.datalab.permissions import lab_company_ids_of
from foster.datalab.tables import (
    cell_error_message,
    column_settings,
    default_target,
    prepared_table,
    read_upload,
    refusal_message,
    rule_error_message,
    synthesis_error_message,
)
from foster.engines.synthesis import (
    CellError,
    Column,
    ColumnKind,
    Condition,
    Method,
    Rule,
    RuleError,
    SynthesisError,
    SynthesisOptions,
    Table,
    TableRefusal,
    parse_rule,
    synthesize,
    table_to_rows,
)
from foster.engines.synthesis.reading import SNIFF_BYTES, sniff_encoding, sniff_format
from foster.registry.models import Company

MAX_TITLE_CHARS = 200
MAX_PURPOSE_CHARS = 2_000
MAX_RULES = 30
MAX_SEED = 2**31 - 1
MAX_EPSILON = 100.0
MAX_SYNTHETIC_ROWS = 1_000_000
PROGRESS_TOTAL = 100


class _Errors:
    """Collects messages per field; ``raise_if_any`` raises them all at once."""

    def __init__(self) -> None:
        self.messages: dict[str, list[str]] = {}

    def add(self, name: str, message: str) -> None:
        self.messages.setdefault(name, []).append(message)

    def raise_if_any(self) -> None:
        if self.messages:
            raise ValidationError(self.messages)


def _sha256(stream: IO[bytes]) -> str:
    digest = hashlib.sha256()
    stream.seek(0)
    for chunk in iter(lambda: stream.read(1024 * 1024), b""):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()


def _delete_file_on_commit(field_file: Any) -> None:
    if field_file:
        storage, name = field_file.storage, field_file.name
        transaction.on_commit(lambda: storage.delete(name))


# --- Uploading and profiling ----------------------------------------------------------------------


def _quick_check(upload: UploadedFile) -> str:
    """Refuse at once what the first bytes already show: empty, too large, binary, unreadable text, one
    column. Returns the detected format. The full read (rows, ragged lines, limits) runs in the background."""
    size = upload.size or 0
    if size == 0:
        raise TableRefusal("empty")
    if size > settings.DATALAB_MAX_UPLOAD_BYTES:
        raise TableRefusal("too_large", size=size, limit=settings.DATALAB_MAX_UPLOAD_BYTES)
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    file_format = sniff_format(head)
    if file_format == "binary":
        raise TableRefusal("binary")
    if file_format == "csv":
        if not head.strip(b" \t\r\n\xef\xbb\xbf"):
            raise TableRefusal("empty")
        encoding = sniff_encoding(head)
        first_line = head.decode(encoding, errors="ignore").replace("\r", "\n").split("\n", 1)[0]
        if not any(delimiter in first_line for delimiter in (",", "\t", ";", "|")):
            raise TableRefusal("single_column", header=first_line.strip())
    return file_format


def dataset_upload(*, user: Any, company: Company, title: str, upload: UploadedFile) -> Dataset:
    """Store an uploaded table for ``company`` and queue its check and profile (``dataset_profile``).
    What the first bytes show is refused at once; nothing is stored then."""
    if company is None or company.pk not in lab_company_ids_of(user):
        raise PermissionDenied(_("Only members of the company may upload its data."))
    errors = _Errors()
    cleaned_title = (title or "").strip()
    if not cleaned_title:
        errors.add("title", _("Give the table a title, for example “2025 quality inspections”."))
    elif len(cleaned_title) > MAX_TITLE_CHARS:
        errors.add("title", _("Use at most %(count)s characters.") % {"count": MAX_TITLE_CHARS})
    file_format = ""
    try:
        file_format = _quick_check(upload)
    except TableRefusal as refusal:
        errors.add("file", refusal_message(refusal))
    errors.raise_if_any()
    original_name = filename_sanitise(upload.name or "") or "table"
    sha256 = _sha256(upload)
    upload.name = f"{uuid.uuid4().hex}.{file_format}"
    stored: list[str] = []
    try:
        with transaction.atomic():
            dataset = Dataset.objects.create(
                owner_company=company,
                uploaded_by=user,
                title=cleaned_title,
                original=upload,
                original_name=original_name,
                size_bytes=upload.size or 0,
                sha256=sha256,
                file_format=file_format,
                pseudonym_key=secrets.token_hex(32),
                retention_until=timezone.localdate() + dt.timedelta(days=settings.DATALAB_RETENTION_DAYS),
            )
            stored.append(dataset.original.name)
            job = job_create(kind="datalab.profile", owner=user, total=3, message=_("Checking the table"))
            dataset.profile_job = job
            dataset.save(update_fields=["profile_job"])
            audit_event_record(
                actor=user,
                action="datalab.dataset_upload",
                target=dataset,
                changes={"title": cleaned_title, "file": original_name, "size_bytes": dataset.size_bytes},
            )
            from foster.datalab.tasks import dataset_profile_task

            job_enqueue(dataset_profile_task, job, dataset_id=dataset.pk)
    except Exception:
        for name in stored:
            Dataset.original.field.storage.delete(name)
        raise
    return dataset


def dataset_profile(*, dataset_id: int, report: JobReport) -> None:
    """Read the whole table, infer the column kinds, find personal data and keep the profile (the body of
    ``dataset_profile_task``). A table that cannot be used is removed with its file: nothing half-made
    stays, and the job fails with what to fix."""
    dataset = Dataset.objects.filter(pk=dataset_id).first()
    if dataset is None:
        raise JobError(_("The table was removed before it could be checked."))
    report(0, 3, _("Reading the table"))
    try:
        with dataset.original.open("rb") as stream:
            raw = read_upload(stream)
    except TableRefusal as refusal:
        with transaction.atomic():
            _delete_file_on_commit(dataset.original)
            audit_event_record(actor=None, action="datalab.dataset_refused", target=dataset, reason=refusal.code)
            dataset.delete()
        raise JobError(refusal_message(refusal)) from None
    report(1, 3, _("Looking for personal data"))
    columns = column_settings(raw)
    report(2, 3, _("Writing the profile"))
    with transaction.atomic():
        updated = Dataset.objects.filter(pk=dataset_id, state=DatasetState.PROFILING).update(
            state=DatasetState.READY,
            row_count=raw.n_rows,
            columns=columns,
            encoding=raw.encoding,
            file_format=raw.file_format,
            updated_at=timezone.now(),
        )
        if not updated:
            raise JobError(_("The table was deleted while it was being checked."))
    report(3, 3, _("The table is ready"))
    report.result = {"next_url": reverse("datalab:dataset-detail", kwargs={"pk": dataset_id})}
    report.message = _("%(rows)s rows and %(columns)s columns checked.") % {
        "rows": f"{raw.n_rows:,}",
        "columns": len(raw.header),
    }


@dataclass
class ColumnChange:
    kind: str
    handling: str


def dataset_columns_update(*, user: Any, dataset: Dataset, changes: dict[str, ColumnChange]) -> Dataset:
    """Set the kind and the personal-data handling of columns. A kind that some cell does not fit is
    refused with the first such cell. Locks the dataset row."""
    if not user.has_perm("datalab.change_dataset", dataset):
        raise PermissionDenied(_("Only members of the owning company may change the table's settings."))
    with transaction.atomic():
        locked = Dataset.objects.select_for_update().get(pk=dataset.pk)
        if locked.state != DatasetState.READY:
            raise ValidationError(_("The table's settings can be changed only while its original is in the LAB."))
        errors = _Errors()
        kinds = set(ColumnKindChoice.values)
        handlings = set(PersonalDataHandling.values)
        columns = [dict(column) for column in locked.columns]
        before = {column["name"]: (column["kind"], column["handling"]) for column in columns}
        retyped: list[str] = []
        for column in columns:
            change = changes.get(column["name"])
            if change is None:
                continue
            if change.kind not in kinds:
                errors.add(f"kind:{column['name']}", _("Choose one of the listed kinds."))
                continue
            if change.handling not in handlings | {""}:
                errors.add(f"handling:{column['name']}", _("Choose one of the listed treatments."))
                continue
            if change.kind != column["kind"]:
                retyped.append(column["name"])
            column["kind"], column["handling"] = change.kind, change.handling
        errors.raise_if_any()
        if len([column for column in columns if column["handling"] != PersonalDataHandling.DROP]) < 2:
            raise ValidationError(_("Keep at least two columns: synthetic data of a single column tells nothing."))
        if retyped:
            with locked.original.open("rb") as stream:
                raw = read_upload(stream)
            try:
                prepared_table(
                    raw, [column for column in columns if column["name"] in retyped], key=locked.pseudonym_key
                )
            except CellError as error:
                raise ValidationError({f"kind:{error.column}": [cell_error_message(error)]}) from None
        locked.columns = columns
        locked.save(update_fields=["columns", "updated_at"])
        changed = {
            name: [list(before[name]), [column["kind"], column["handling"]]]
            for column in columns
            if (name := column["name"]) in before and before[name] != (column["kind"], column["handling"])
        }
        audit_event_record(actor=user, action="datalab.dataset_columns", target=locked, changes=changed)
    return locked


def dataset_delete_original(*, user: Any | None, dataset: Dataset, reason: str = DeletionReason.OWNER) -> Dataset:
    """Delete the original upload (the file, and the values shown in the profile); the synthetic results
    stay. ``user`` None is the retention task. Locks the dataset row."""
    if user is not None and not user.has_perm("datalab.change_dataset", dataset):
        raise PermissionDenied(_("Only members of the owning company may delete its data."))
    with transaction.atomic():
        locked = Dataset.objects.select_for_update().get(pk=dataset.pk)
        if locked.state == DatasetState.DELETED:
            return locked
        _delete_file_on_commit(locked.original)
        columns = []
        for column in locked.columns:
            summary = {key: value for key, value in column.get("summary", {}).items() if key in ("missing", "distinct")}
            columns.append({**column, "summary": summary})
        locked.original = ""
        locked.columns = columns
        locked.state = DatasetState.DELETED
        locked.original_deleted_at = timezone.now()
        locked.deletion_reason = reason
        locked.save()
        audit_event_record(actor=user, action="datalab.dataset_delete_original", target=locked, reason=reason)
    return locked


def retention_purge(*, today: dt.date | None = None) -> int:
    """Delete every original whose retention period has ended; returns how many."""
    day = today or timezone.localdate()
    expired = Dataset.objects.filter(state=DatasetState.READY, retention_until__lt=day)
    count = 0
    for dataset in expired:
        dataset_delete_original(user=None, dataset=dataset, reason=DeletionReason.RETENTION)
        count += 1
    return count


# --- Synthesis runs -------------------------------------------------------------------------------


@dataclass
class RunData:
    """A synthesis request as the form or the API gives it (text, checked by ``run_start``)."""

    method: str = SynthesisMethod.CART
    rows: int | None = None
    seed: int | None = None
    epsilon: float | None = None
    rules: str = ""
    condition_column: str = ""
    condition_value: str = ""
    condition_share: float | None = None
    target: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _schema_table(dataset: Dataset) -> Table:
    """The dataset's modelled columns without rows: enough to read rules against."""
    return Table(
        [
            Column(column["name"], ColumnKind(column["kind"]), np.empty(0))
            for column in dataset.columns
            if column.get("handling") != PersonalDataHandling.DROP
        ]
    )


def _validated_run(dataset: Dataset, data: RunData) -> dict[str, Any]:
    errors = _Errors()
    cleaned: dict[str, Any] = {}
    if data.method not in SynthesisMethod.values:
        errors.add("method", _("Choose one of the listed methods."))
    cleaned["method"] = data.method
    rows = data.rows if data.rows is not None else dataset.row_count
    if not isinstance(rows, int) or not 1 <= rows <= MAX_SYNTHETIC_ROWS:
        errors.add("rows", _("Ask for between 1 and 1,000,000 synthetic rows."))
    cleaned["rows"] = rows
    seed = data.seed if data.seed is not None else secrets.randbelow(MAX_SEED)
    if not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        errors.add("seed", _("The seed is a whole number from 0 to 2147483647; leave it empty for a random one."))
    cleaned["seed"] = seed
    cleaned["epsilon"] = cleaned["delta"] = None
    if data.method == SynthesisMethod.DP:
        if data.epsilon is None or not 0 < data.epsilon <= MAX_EPSILON:
            errors.add("epsilon", _("ε is a positive number up to 100; smaller means more private (1 is strong)."))
        cleaned["epsilon"], cleaned["delta"] = data.epsilon, settings.DATALAB_DP_DELTA
    schema = _schema_table(dataset)
    rules: list[Rule] = []
    lines = [line.strip() for line in (data.rules or "").splitlines() if line.strip()]
    if len(lines) > MAX_RULES:
        errors.add("rules", _("Give at most %(count)s rules.") % {"count": MAX_RULES})
    for line in lines[:MAX_RULES]:
        try:
            rules.append(parse_rule(line, schema))
        except RuleError as error:
            errors.add("rules", rule_error_message(error))
    cleaned["rules"] = [rule.describe() for rule in rules]
    names = set(schema.names)
    cleaned["condition"] = {}
    if data.condition_column:
        if data.method == SynthesisMethod.DP:
            errors.add("condition_column", _("Oversampling is not available with the differential-privacy method."))
        elif data.condition_column not in names:
            errors.add("condition_column", _("Choose a column of the table."))
        elif not data.condition_value.strip():
            errors.add("condition_value", _("Write the value to oversample, as it appears in the table."))
        elif data.condition_share is None or not 0 < data.condition_share < 1:
            errors.add("condition_share", _("The share is between 0 and 1, for example 0.3 for 30%."))
        else:
            cleaned["condition"] = {
                "column": data.condition_column,
                "value": data.condition_value.strip(),
                "share": data.condition_share,
            }
    if data.target and data.target not in names:
        errors.add("target", _("Choose a column of the table."))
    cleaned["target"] = data.target
    errors.raise_if_any()
    return cleaned


def run_start(*, user: Any, dataset: Dataset, data: RunData) -> SynthesisRun:
    """Queue a synthesis of ``dataset`` as a background job; the seed is drawn now when none is given,
    so the run can be repeated. One run of a dataset at a time. Locks the dataset row."""
    if not user.has_perm("datalab.change_dataset", dataset):
        raise PermissionDenied(_("Only members of the owning company may synthesise its data."))
    with transaction.atomic():
        locked = Dataset.objects.select_for_update().get(pk=dataset.pk)
        if not locked.has_original:
            raise ValidationError(_("The original table is no longer in the LAB (or is still being checked)."))
        if locked.runs.filter(state__in=[RunState.QUEUED, RunState.RUNNING]).exists():
            raise ValidationError(_("A synthesis of this table is already running; wait for it or cancel it."))
        cleaned = _validated_run(locked, data)
        job = job_create(kind="datalab.synthesis", owner=user, total=PROGRESS_TOTAL, message=_("Waiting for a worker"))
        run = SynthesisRun.objects.create(
            dataset=locked,
            requested_by=user,
            job=job,
            method=cleaned["method"],
            rows=cleaned["rows"],
            seed=cleaned["seed"],
            epsilon=cleaned["epsilon"],
            delta=cleaned["delta"],
            rules=cleaned["rules"],
            condition=cleaned["condition"],
            target=cleaned["target"],
        )
        audit_event_record(
            actor=user,
            action="datalab.run_start",
            target=run,
            changes={key: value for key, value in cleaned.items() if value not in (None, "", [], {})},
        )
        from foster.datalab.tasks import synthesis_run_task

        job_enqueue(synthesis_run_task, job, run_id=run.pk)
    return run


def _options(run: SynthesisRun, table: Table) -> SynthesisOptions:
    rules = tuple(parse_rule(text, table) for text in run.rules)
    condition = None
    if run.condition:
        condition = Condition(run.condition["column"], run.condition["value"], float(run.condition["share"]))
    return SynthesisOptions(
        method=Method.DP if run.method == SynthesisMethod.DP else Method.CART,
        rows=run.rows,
        seed=run.seed,
        epsilon=run.epsilon or 1.0,
        delta=run.delta or settings.DATALAB_DP_DELTA,
        rules=rules,
        condition=condition,
        target=run.target or default_target(table, run.dataset.columns),
    )


def synthetic_csv_bytes(table: Table) -> bytes:
    """The synthetic table as CSV in UTF-8 with a byte-order mark (Excel in Korea opens it correctly)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.names)
    writer.writerows(table_to_rows(table))
    return buffer.getvalue().encode("utf-8-sig")


_STAGE_SPAN = {"fit": (10, 60), "sample": (60, 70), "evaluate": (70, 95)}


def run_execute(*, run_id: int, report: JobReport) -> None:
    """Read, synthesise, measure and store (the body of ``synthesis_run_task``), checking between steps
    whether the owner cancelled. A cancelled or failed run keeps no file."""
    run = SynthesisRun.objects.select_related("dataset").filter(pk=run_id).first()
    if run is None or run.state != RunState.QUEUED:
        raise JobCancelled
    SynthesisRun.objects.filter(pk=run_id).update(state=RunState.RUNNING)
    stored_name = ""
    try:
        report.check_cancelled()
        report(2, PROGRESS_TOTAL, _("Reading the table"))
        dataset = run.dataset
        if not dataset.has_original:
            raise JobError(_("The original table is no longer in the LAB."))
        with dataset.original.open("rb") as stream:
            raw = read_upload(stream)
        try:
            table = prepared_table(raw, dataset.columns, key=dataset.pseudonym_key)
            options = _options(run, table)
        except CellError as error:
            raise JobError(cell_error_message(error)) from None
        except RuleError as error:
            raise JobError(rule_error_message(error)) from None
        del raw
        report.check_cancelled()
        messages = {
            "fit": _("Learning the table's shape"),
            "sample": _("Drawing synthetic rows"),
            "evaluate": _("Measuring fidelity, utility and privacy"),
        }

        def progress(stage: str, done: int, total: int) -> None:
            low, high = _STAGE_SPAN[stage]
            report(low + int((high - low) * done / max(1, total)), PROGRESS_TOTAL, messages[stage])
            report.check_cancelled()

        try:
            result = synthesize(table, options, progress)
        except SynthesisError as error:
            raise JobError(synthesis_error_message(error)) from None
        report.check_cancelled()
        report(96, PROGRESS_TOTAL, _("Writing the synthetic table"))
        content = synthetic_csv_bytes(result.table)
        gate = result.report["gate"]
        with transaction.atomic():
            locked = SynthesisRun.objects.select_for_update().get(pk=run_id)
            locked.synthetic_file.save(f"{uuid.uuid4().hex}.csv", ContentFile(content), save=False)
            stored_name = locked.synthetic_file.name
            locked.synthetic_sha256 = hashlib.sha256(content).hexdigest()
            locked.synthetic_size_bytes = len(content)
            locked.report = result.report
            locked.parameters = result.parameters
            locked.release_allowed = bool(gate["allowed"])
            locked.fit_seconds = result.fit_seconds
            locked.sample_seconds = result.sample_seconds
            locked.state = RunState.SUCCEEDED
            locked.finished_at = timezone.now()
            locked.save()
            audit_event_record(
                actor=None,
                action="datalab.run_finish",
                target=locked,
                changes={"release_allowed": locked.release_allowed, "seed": run.seed},
            )
        report(PROGRESS_TOTAL, PROGRESS_TOTAL, _("Done"))
        report.result = {"next_url": reverse("datalab:run-detail", kwargs={"pk": run_id})}
        report.message = (
            _("The synthetic table and its report are ready.")
            if locked.release_allowed
            else _("The report is ready, but the privacy check blocks the download; see why on the report.")
        )
    except JobCancelled:
        _run_stopped(run_id, stored_name, RunState.CANCELLED, _("Cancelled at the owner's request."))
        raise
    except JobError as error:
        _run_stopped(run_id, stored_name, RunState.FAILED, str(error))
        raise
    except Exception:
        _run_stopped(run_id, stored_name, RunState.FAILED, _("The synthesis failed unexpectedly; nothing was kept."))
        raise


def _run_stopped(run_id: int, stored_name: str, state: str, message: str) -> None:
    if stored_name:
        SynthesisRun.synthetic_file.field.storage.delete(stored_name)
    SynthesisRun.objects.filter(pk=run_id).update(
        state=state, message=message, finished_at=timezone.now(), synthetic_file="", report={}
    )


def run_cancel(*, user: Any, run: SynthesisRun) -> SynthesisRun:
    """Ask a queued or running synthesis to stop. A queued one stops at once; a running one at its next
    step (the task checks between columns)."""
    if not user.has_perm("datalab.change_synthesisrun", run):
        raise PermissionDenied(_("Only members of the owning company may cancel its syntheses."))
    with transaction.atomic():
        locked = SynthesisRun.objects.select_for_update().get(pk=run.pk)
        if locked.is_finished:
            raise ValidationError(_("This synthesis has already finished."))
        if locked.job_id:
            job_cancel_request(job_id=locked.job_id)
        if locked.state == RunState.QUEUED:
            locked.state, locked.message, locked.finished_at = (
                RunState.CANCELLED,
                _("Cancelled at the owner's request."),
                timezone.now(),
            )
            locked.save(update_fields=["state", "message", "finished_at"])
            if locked.job_id:
                job_cancelled(job_id=locked.job_id, message=_("Stopped at your request; nothing was kept."))
        audit_event_record(actor=user, action="datalab.run_cancel", target=locked)
    return locked


# --- Sharing and downloads ------------------------------------------------------------------------


@dataclass
class AgreementData:
    recipient_registration_number: str = ""
    purpose: str = ""
    permitted_use: str = ""
    conditions: str = ""
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None


def agreement_create(*, user: Any, run: SynthesisRun, data: AgreementData) -> SharingAgreement:
    """Share a synthetic result with a startup under an agreement (purpose, permitted use, period)."""
    if not user.has_perm("datalab.change_synthesisrun", run):
        raise PermissionDenied(_("Only members of the owning company may share its data."))
    errors = _Errors()
    if not run.is_downloadable:
        errors.add("__all__", _("Only a finished result that passed the privacy check can be shared."))
    digits = re.sub(r"\D", "", data.recipient_registration_number or "")
    recipient = Company.objects.filter(business_registration_number=digits).first() if len(digits) == 10 else None
    if recipient is None:
        errors.add(
            "recipient_registration_number",
            _("No company with this business registration number is registered in Foster."),
        )
    elif recipient.pk == run.dataset.owner_company_id:
        errors.add("recipient_registration_number", _("Share with another company, not your own."))
    purpose = (data.purpose or "").strip()
    if not purpose:
        errors.add("purpose", _("Say what the startup will do with the data."))
    elif len(purpose) > MAX_PURPOSE_CHARS:
        errors.add("purpose", _("Use at most %(count)s characters.") % {"count": MAX_PURPOSE_CHARS})
    if data.permitted_use not in PermittedUse.values:
        errors.add("permitted_use", _("Choose one of the listed uses."))
    conditions = (data.conditions or "").strip()[:MAX_PURPOSE_CHARS]
    today = timezone.localdate()
    if data.starts_on is None:
        errors.add("starts_on", _("Enter the first day of the agreement."))
    elif data.starts_on < today:
        errors.add("starts_on", _("The agreement cannot start in the past."))
    if data.ends_on is None:
        errors.add("ends_on", _("Enter the last day of the agreement."))
    elif data.starts_on is not None:
        if data.ends_on < data.starts_on:
            errors.add("ends_on", _("The last day must not be before the first."))
        elif (data.ends_on - data.starts_on).days > settings.DATALAB_MAX_AGREEMENT_DAYS:
            errors.add(
                "ends_on",
                _("An agreement lasts at most %(days)s days; agree a new one after that.")
                % {"days": settings.DATALAB_MAX_AGREEMENT_DAYS},
            )
    errors.raise_if_any()
    assert recipient is not None and data.starts_on is not None and data.ends_on is not None
    with transaction.atomic():
        agreement = SharingAgreement.objects.create(
            run=run,
            owner_company_id=run.dataset.owner_company_id,
            recipient_company=recipient,
            purpose=purpose,
            permitted_use=data.permitted_use,
            conditions=conditions,
            starts_on=data.starts_on,
            ends_on=data.ends_on,
            created_by=user,
        )
        audit_event_record(
            actor=user,
            action="datalab.agreement_create",
            target=agreement,
            changes={
                "recipient": recipient.business_registration_number,
                "purpose": purpose,
                "permitted_use": data.permitted_use,
                "starts_on": data.starts_on.isoformat(),
                "ends_on": data.ends_on.isoformat(),
            },
        )
    return agreement


def agreement_revoke(*, user: Any, agreement: SharingAgreement, reason: str = "") -> SharingAgreement:
    """End an agreement now: the startup can no longer download (what it downloaded stays logged)."""
    if not user.has_perm("datalab.revoke_agreement", agreement):
        raise PermissionDenied(_("Only the owning company may revoke its agreements."))
    with transaction.atomic():
        locked = SharingAgreement.objects.select_for_update().get(pk=agreement.pk)
        if locked.revoked_at is not None:
            raise ValidationError(_("This agreement was already revoked."))
        locked.revoked_at, locked.revoked_by, locked.revoke_reason = timezone.now(), user, (reason or "").strip()[:2000]
        locked.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        audit_event_record(actor=user, action="datalab.agreement_revoke", target=locked, reason=locked.revoke_reason)
    return locked


@dataclass
class Download:
    file: File[Any]
    filename: str
    record: DownloadRecord


def synthetic_download(*, user: Any, run: SynthesisRun) -> Download:
    """Open a synthetic file for ``user`` and log the download (with the agreement it happens under)."""
    if not user.has_perm("datalab.download_synthetic", run):
        raise PermissionDenied(_("Your company has no data-sharing agreement in force for this result."))
    if not run.is_downloadable:
        raise PermissionDenied(
            _("This result cannot be downloaded: it is not finished or the privacy check blocked it.")
        )
    companies = lab_company_ids_of(user)
    is_owner = run.dataset.owner_company_id in companies
    agreement = None
    company_id = run.dataset.owner_company_id if is_owner else None
    if not is_owner:
        today = timezone.localdate()
        agreement = (
            run.agreements.filter(
                recipient_company_id__in=companies, revoked_at__isnull=True, starts_on__lte=today, ends_on__gte=today
            )
            .order_by("-ends_on")
            .first()
        )
        if agreement is None:  # pragma: no cover - the permission above asked the same
            raise PermissionDenied(_("Your company has no data-sharing agreement in force for this result."))
        company_id = agreement.recipient_company_id
    with transaction.atomic():
        record = DownloadRecord.objects.create(
            run=run,
            agreement=agreement,
            user=user,
            company_id=company_id,
            sha256=run.synthetic_sha256,
            size_bytes=run.synthetic_size_bytes,
        )
        audit_event_record(
            actor=user,
            action="datalab.synthetic_download",
            target=run,
            changes={"agreement": agreement.pk if agreement else None, "company": company_id},
        )
    stem = filename_sanitise(run.dataset.title).rsplit(".", 1)[0] or "synthetic"
    return Download(file=run.synthetic_file.open("rb"), filename=f"{stem}-synthetic-{run.pk}.csv", record=record)
