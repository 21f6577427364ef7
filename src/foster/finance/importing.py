"""Imports of other agencies' exposures: a CSV or XLSX file of (business registration number,
exposure in won) reported by one agency as of one date. All or nothing, as the registry import:
every row is checked first, a file with any bad row changes nothing, and every bad row is
reported with its column and reason. Idempotent: each figure is posted under the key
(agency, date, registration number), so importing the same file again changes nothing, and a
different figure for the same agency, date and company is reported as a bad row.

Reading (UTF-8 or CP949 CSV, comma or tab, XLSX; cell parsing) is the registry import's
(``foster.registry.importing``) and ``foster.core.csv_files``'s; registration numbers are
checked by ``foster.registry.validation``.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_slug
from django.db import transaction
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
from foster.core.services import audit_event_record
from foster.finance.ledger import TransferRefused, content_hash
from foster.finance.models import ExposureImport, IdempotencyKey
from foster.finance.services import external_exposure_key, external_exposure_request, external_exposure_set
from foster.registry.models import Company
from foster.registry.validation import clean_business_registration_number

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000
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


def exposure_import(*, user: Any, file: IO[bytes], filename: str, source: str, as_of: dt.date) -> ExposureImportResult:
    """Check every row of the file and, if none is bad, post each company's reported exposure in
    one transaction (only the figures that changed make transfers)."""
    if not user.has_perm("finance.import_exposures"):
        raise PermissionDenied(_("Only agency officials import other agencies' exposures."))
    source = (source or "").strip().lower()
    try:
        validate_slug(source)
    except ValidationError:
        raise ValidationError({"source": [_("Enter the reporting agency's code, e.g. kibo.")]}) from None
    result = ExposureImportResult()
    data = file.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        result.errors.append(RowError(None, "", "", _("The file is larger than 20 MB.")))
        return result
    try:
        records = _records(io.BytesIO(data))
    except TableRefused as refusal:
        result.errors.append(RowError(None, "", "", str(refusal)))
        return result

    columns: dict[str, int] = {}
    parsed: list[tuple[int, str, int]] = []
    seen: dict[str, int] = {}
    for number, cells in enumerate(records, start=1):
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
                return result
            continue
        result.rows += 1
        if result.rows > MAX_ROWS:
            result.errors.append(RowError(None, "", "", _("The file has too many rows; split it.")))
            return result
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

    companies = {
        company.business_registration_number: company
        for company in Company.objects.filter(business_registration_number__in=[row[1] for row in parsed])
    }
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
    if result.errors:
        return result

    with transaction.atomic():
        for _number, registration_number, amount in parsed:
            company = companies[registration_number]
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
                continue
            if outcome.is_new:
                result.changed += 1
            else:
                result.unchanged += 1
        result.record = ExposureImport.objects.create(
            source=source,
            as_of=as_of,
            filename=filename[:200],
            rows=result.rows,
            changed=result.changed,
            created_by=user if getattr(user, "is_authenticated", False) else None,
        )
        audit_event_record(
            actor=user,
            action="finance.exposure_import",
            target=result.record,
            changes={"rows": result.rows, "changed": result.changed, "unchanged": result.unchanged},
        )
    return result
