"""Imports of other agencies' exposures: a CSV or XLSX file of (business registration number,
exposure in won) reported by one agency as of one date. All or nothing, as the registry import:
every row is checked first, a file with any bad row changes nothing, and every bad row is
reported with its column and reason. Idempotent: each figure is posted under the key
(agency, date, registration number), so importing the same file again changes nothing, and a
different figure for the same agency, date and company is reported as a bad row.

The page runs it in the background like the registry's company import: the upload is stored
(``exposure_import_create``), checked by a job (``exposure_import_check``, a dry run that posts
nothing) and, once the official confirms, applied by another job (``exposure_import_apply``, which
checks again and posts everything in one transaction). ``foster.finance.tasks`` has the tasks;
``core.Job`` the progress the page shows.

Reading (UTF-8 or CP949 CSV, comma or tab, XLSX; cell parsing) is the registry import's
(``foster.registry.importing``) and ``foster.core.csv_files``'s; registration numbers are
checked by ``foster.registry.validation``.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.validators import validate_slug
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from foster.core.csv_files import (
    RowError,
    TableRefused,
    cell_text,
    header_key,
    is_xlsx,
    parse_whole_number,
    rows_from_csv,
    rows_from_xlsx,
)
from foster.core.jobs import job_enqueue
from foster.core.models import Job
from foster.core.services import audit_event_record, job_create
from foster.finance.choices import AccountKind
from foster.finance.ledger import TransferRefused, content_hash
from foster.finance.models import Account, ExposureImport, IdempotencyKey
from foster.finance.services import external_exposure_key, external_exposure_request, external_exposure_set
from foster.finance.tasks import exposure_import_apply_task, exposure_import_check_task
from foster.registry.choices import ImportStatus
from foster.registry.models import Company
from foster.registry.validation import clean_business_registration_number

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000
PROGRESS_EVERY = 1_000  # rows between progress reports
LOOKUP_BATCH_SIZE = 900  # registration numbers per IN (...) query; below SQLite's 999 parameters
STORED_ERROR_LIMIT = 10_000
Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``: ``stage`` is ``check`` or ``write``."""
HEADERS = {
    header_key(name): column
    for name, column in (
        ("business_registration_number", "business_registration_number"),
        ("사업자등록번호", "business_registration_number"),
        ("exposure_krw", "exposure_krw"),
        ("잔액", "exposure_krw"),
        ("보증대출잔액", "exposure_krw"),
        ("익스포저", "exposure_krw"),
    )
}


@dataclass
class ExposureImportResult:
    rows: int = 0
    changed: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    record: ExposureImport | None = None

    @property
    def is_valid(self) -> bool:
        return not self.errors


def _records(handle: IO[bytes]) -> Any:
    head = handle.read(8)
    handle.seek(0)
    if is_xlsx(head):
        records, _total, close = rows_from_xlsx(handle)
        rows = [list(cells) for cells in records]
        close()
        return rows
    records, _total = rows_from_csv(handle.read())
    return list(records)


def _clean_source(source: str) -> str:
    source = (source or "").strip().lower()
    try:
        validate_slug(source)
    except ValidationError:
        raise ValidationError({"source": [_("Enter the reporting agency's code, e.g. kibo.")]}) from None
    return source


def _check_may_import(user: Any) -> None:
    if not user.has_perm("finance.import_exposures"):
        raise PermissionDenied(_("Only agency officials import other agencies' exposures."))


@dataclass
class _Checked:
    result: ExposureImportResult
    parsed: list[tuple[int, str, int]]
    companies: dict[str, Company]


def _check(data: bytes, *, source: str, as_of: dt.date, progress: Progress | None = None) -> _Checked:
    """Read and check every row of the file's bytes; nothing is written."""
    result = ExposureImportResult()
    checked = _Checked(result, [], {})
    if len(data) > MAX_FILE_BYTES:
        result.errors.append(RowError(None, "", "", _("The file is larger than 20 MB.")))
        return checked
    try:
        records = _records(io.BytesIO(data))
    except TableRefused as refusal:
        result.errors.append(RowError(None, "", "", str(refusal)))
        return checked
    total = len(records)
    if progress:
        progress("check", 0, total)

    columns: dict[str, int] = {}
    parsed = checked.parsed
    seen: dict[str, int] = {}
    for number, cells in enumerate(records, start=1):
        if progress and number % PROGRESS_EVERY == 0:
            progress("check", number, total)
        texts = [cell_text(cell) for cell in cells]
        if not any(texts):
            continue
        if not columns:
            for index, text in enumerate(texts):
                if header_key(text) in HEADERS:
                    columns[HEADERS[header_key(text)]] = index
            for needed in ("business_registration_number", "exposure_krw"):
                if needed not in columns:
                    result.errors.append(
                        RowError(number, needed, "", _("Add a column “%(column)s”.") % {"column": needed})
                    )
            if result.errors:
                return checked
            continue
        result.rows += 1
        if result.rows > MAX_ROWS:
            result.errors.append(RowError(None, "", "", _("The file has too many rows; split it.")))
            return checked
        number_text = (
            texts[columns["business_registration_number"]]
            if columns["business_registration_number"] < len(texts)
            else ""
        )
        amount_index = columns["exposure_krw"]
        amount_cell = cells[amount_index] if amount_index < len(cells) else None
        amount_text = texts[amount_index] if amount_index < len(texts) else ""
        try:
            registration_number = clean_business_registration_number(number_text)
        except ValidationError as error:
            result.errors.append(RowError(number, "business_registration_number", number_text, error.messages[0]))
            continue
        try:
            amount = parse_whole_number(amount_cell, amount_text)
            if amount < 0:
                raise ValidationError(_("Exposure cannot be negative."))
        except ValidationError as error:
            result.errors.append(RowError(number, "exposure_krw", amount_text, error.messages[0]))
            continue
        if registration_number in seen:
            result.errors.append(
                RowError(
                    number,
                    "business_registration_number",
                    number_text,
                    _("The company appears twice (also in row %(row)s).") % {"row": seen[registration_number]},
                )
            )
            continue
        seen[registration_number] = number
        parsed.append((number, registration_number, amount))

    companies = checked.companies
    numbers = [row[1] for row in parsed]
    for start in range(0, len(numbers), LOOKUP_BATCH_SIZE):
        batch = numbers[start : start + LOOKUP_BATCH_SIZE]
        companies.update(
            (company.business_registration_number, company)
            for company in Company.objects.filter(business_registration_number__in=batch)
        )
    for number, registration_number, amount in parsed:
        company = companies.get(registration_number)
        if company is None:
            result.errors.append(
                RowError(
                    number,
                    "business_registration_number",
                    registration_number,
                    _("No company with this registration number is in the registry."),
                )
            )
            continue
        key = external_exposure_key(company=company, source=source, as_of=as_of)
        digest = content_hash(external_exposure_request(company=company, source=source, as_of=as_of, amount_krw=amount))
        previous = IdempotencyKey.objects.filter(key=key).values_list("content_hash", flat=True).first()
        if previous is not None and previous != digest:
            result.errors.append(
                RowError(
                    number,
                    "exposure_krw",
                    str(amount),
                    _("A different figure for this company, agency and date was imported before."),
                )
            )
    if not result.rows and not result.errors:
        result.errors.append(RowError(None, "", "", _("The file has no rows.")))
    if progress:
        progress("check", total, total)
    return checked


def _post_all(checked: _Checked, *, user: Any, source: str, as_of: dt.date, progress: Progress | None = None) -> None:
    """Post every checked figure (in the caller's transaction): each under its key, so a figure
    already imported is replayed, not posted twice."""
    result = checked.result
    total = len(checked.parsed)
    for done, (_number, registration_number, amount) in enumerate(checked.parsed, start=1):
        company = checked.companies[registration_number]
        try:
            outcome = external_exposure_set(
                key=external_exposure_key(company=company, source=source, as_of=as_of),
                company=company,
                source=source,
                as_of=as_of,
                amount_krw=amount,
                actor=user,
            )
        except TransferRefused:  # no change against what is recorded
            result.unchanged += 1
        else:
            if outcome.is_new:
                result.changed += 1
            else:
                result.unchanged += 1
        if progress and done % PROGRESS_EVERY == 0:
            progress("write", done, total)
    if progress:
        progress("write", total, total)


def _audit(user: Any, record: ExposureImport, result: ExposureImportResult) -> None:
    audit_event_record(
        actor=user,
        action="finance.exposure_import",
        target=record,
        changes={"rows": result.rows, "changed": result.changed, "unchanged": result.unchanged},
    )


def exposure_import(*, user: Any, file: IO[bytes], filename: str, source: str, as_of: dt.date) -> ExposureImportResult:
    """Check every row of the file and, if none is bad, post each company's reported exposure in
    one transaction (only the figures that changed make transfers), in the caller's process.
    The page uses the background flow below instead (``exposure_import_create`` and the jobs)."""
    _check_may_import(user)
    source = _clean_source(source)
    checked = _check(file.read(MAX_FILE_BYTES + 1), source=source, as_of=as_of)
    result = checked.result
    if result.errors:
        return result
    with transaction.atomic():
        _post_all(checked, user=user, source=source, as_of=as_of)
        result.record = ExposureImport.objects.create(
            source=source,
            as_of=as_of,
            filename=filename[:200],
            rows=result.rows,
            changed=result.changed,
            status=ImportStatus.APPLIED,
            applied_at=timezone.now(),
            created_by=user if getattr(user, "is_authenticated", False) else None,
        )
        _audit(user, result.record, result)
    return result


# --- In the background: upload, check (a dry run), apply ---------------------------------------


def _plan_json(result: ExposureImportResult) -> dict[str, Any]:
    return {
        "rows": result.rows,
        "changed": result.changed,
        "unchanged": result.unchanged,
        "error_count": len(result.errors),
        "errors": [error.as_json() for error in result.errors[:STORED_ERROR_LIMIT]],
    }


def _mark(record: ExposureImport, status: str, plan: dict[str, Any], *extra_fields: str) -> None:
    record.status = status
    record.plan = plan
    record.save(update_fields=["status", "plan", *extra_fields])


def exposure_import_create(
    *, user: Any, file: IO[bytes], filename: str, source: str, as_of: dt.date, language: str
) -> ExposureImport:
    """Store an uploaded file as an import waiting for its check. Raises ValidationError for a bad
    agency code or a file above 20 MB."""
    _check_may_import(user)
    source = _clean_source(source)
    name = os.path.basename(filename) or "exposures.csv"
    wrapped = File(file, name=name)
    if wrapped.size > MAX_FILE_BYTES:
        raise ValidationError({"file": [_("The file is larger than 20 MB.")]})
    record = ExposureImport(
        source=source,
        as_of=as_of,
        filename=name[:200],
        language=language,
        status=ImportStatus.CHECKING,
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    record.file.save(name, wrapped, save=False)
    record.save()
    return record


def _read(record: ExposureImport) -> bytes:
    with record.file.open("rb") as handle:
        return handle.read(MAX_FILE_BYTES + 1)


def exposure_import_check(
    *, user: Any, record: ExposureImport, progress: Progress | None = None
) -> ExposureImportResult:
    """The dry run: check every row, store the counts and the bad rows; nothing is posted."""
    _check_may_import(user)
    checked = _check(_read(record), source=record.source, as_of=record.as_of, progress=progress)
    result = checked.result
    if not result.errors:  # what applying would change, without writing anything
        for _number, registration_number, amount in checked.parsed:
            company = checked.companies[registration_number]
            current = (
                Account.objects.filter(kind=AccountKind.EXTERNAL_EXPOSURE, company=company, source=record.source)
                .values_list("posted_krw", flat=True)
                .first()
                or 0
            )
            if current == amount:
                result.unchanged += 1
            else:
                result.changed += 1
    _mark(record, ImportStatus.INVALID if result.errors else ImportStatus.READY, _plan_json(result))
    record.rows = result.rows
    record.save(update_fields=["rows"])
    return result


def exposure_import_apply(
    *, user: Any, record: ExposureImport, progress: Progress | None = None
) -> ExposureImportResult:
    """Check the file again and, if every row is still valid, post it all in one transaction (all
    or nothing). Locks the import row, so an import is applied once."""
    _check_may_import(user)
    checked = _check(_read(record), source=record.source, as_of=record.as_of, progress=progress)
    result = checked.result
    if result.errors:
        _mark(record, ImportStatus.INVALID, _plan_json(result))
        return result
    with transaction.atomic():
        locked = ExposureImport.objects.select_for_update().get(pk=record.pk)
        if locked.status == ImportStatus.APPLIED:
            raise TableRefused(_("This file has already been imported."))
        _post_all(checked, user=user, source=record.source, as_of=record.as_of, progress=progress)
        locked.rows, locked.changed, locked.applied_at = result.rows, result.changed, timezone.now()
        _mark(locked, ImportStatus.APPLIED, _plan_json(result), "rows", "changed", "applied_at")
        _audit(user, locked, result)
    record.refresh_from_db()
    result.record = record
    return result


def exposure_import_check_enqueue(*, user: Any, record: ExposureImport) -> Job:
    """Queue the dry run in the background; the returned job shows its progress."""
    _check_may_import(user)
    job = job_create(kind="finance.exposure_import.check", owner=user, message=_("Waiting to start"))
    record.job, record.status = job, ImportStatus.CHECKING
    record.save(update_fields=["job", "status"])
    job_enqueue(exposure_import_check_task, job, import_id=record.pk)
    return job


def exposure_import_apply_enqueue(*, user: Any, record: ExposureImport) -> Job:
    """Queue applying a checked file; refused unless its dry run found no error and it is not applied yet."""
    _check_may_import(user)
    with transaction.atomic():
        job = job_create(kind="finance.exposure_import.apply", owner=user, message=_("Waiting to start"))
        claimed = ExposureImport.objects.filter(pk=record.pk, status=ImportStatus.READY).update(
            status=ImportStatus.APPLYING, job=job
        )
        if not claimed:  # raising rolls back the job created above
            raise TableRefused(
                _("This import cannot be applied now: it has errors, is being applied, or was already applied.")
            )
        job_enqueue(exposure_import_apply_task, job, import_id=record.pk)
    record.refresh_from_db()
    return job
