"""Family firm lists: an official imports a CSV of (reviewer e-mail, company registration number)
pairs; each becomes a conflict of interest. All or nothing: a file with any bad row imports
nothing and every bad row is reported with its reason, as the company import does.

Columns (first row): ``email`` and ``business_registration_number``, or in Korean ``이메일`` and
``사업자등록번호``. Decoding (UTF-8 with or without byte-order mark, or CP949), comma or tab
separators and header matching are ``foster.core.csv_files``'s, shared with the company import.
Rows are checked first and written in bulk.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from foster.core.csv_files import CsvDecodeError, RowError, csv_records, decode_csv, header_key
from foster.core.services import audit_event_record
from foster.registry.models import Company
from foster.registry.validation import clean_business_registration_number
from foster.reviews.choices import ConflictSource
from foster.reviews.models import ConflictOfInterest
from foster.reviews.selectors import reviewer_pool_queryset_for

MAX_FILE_BYTES = 5 * 1024 * 1024
# Header cell (compared through ``header_key``) -> column.
HEADERS = {
    header_key(name): column
    for name, column in (
        ("email", "email"),
        ("이메일", "email"),
        ("business_registration_number", "business_registration_number"),
        ("사업자등록번호", "business_registration_number"),
    )
}


@dataclass
class FamilyFirmImportResult:
    rows: int = 0
    created: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors


def family_firm_import(*, user: Any, content: bytes) -> FamilyFirmImportResult:
    """Check every row and, if none is bad, store the conflicts in one transaction."""
    if not user.has_perm("reviews.import_family_firms"):
        raise PermissionDenied(_("You may not import family firm lists."))
    result = FamilyFirmImportResult()
    if len(content) > MAX_FILE_BYTES:
        result.errors.append(RowError(None, "", "", _("The file is larger than 5 MB.")))
        return result
    try:
        reader = csv_records(decode_csv(content))
    except CsvDecodeError:
        message = _("The file is neither UTF-8 nor CP949 text; save it as CSV and try again.")
        result.errors.append(RowError(None, "", "", message))
        return result
    columns = [HEADERS.get(header_key(cell), "") for cell in next(reader, [])]
    if "email" not in columns or "business_registration_number" not in columns:
        result.errors.append(
            RowError(1, "", "", _("The first row must name the columns email and business_registration_number."))
        )
        return result
    email_at, number_at = columns.index("email"), columns.index("business_registration_number")
    pool = {profile.user.email.lower(): profile for profile in reviewer_pool_queryset_for(user)}
    parsed: list[tuple[int, Any, str]] = []
    for row_number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        result.rows += 1
        email = cells[email_at].strip() if len(cells) > email_at else ""
        raw_number = cells[number_at].strip() if len(cells) > number_at else ""
        profile = pool.get(email.lower())
        if profile is None:
            result.errors.append(
                RowError(row_number, "email", email, _("No reviewer of your agency's pool has this e-mail."))
            )
        try:
            number = clean_business_registration_number(raw_number)
        except ValidationError as error:
            result.errors.append(RowError(row_number, "business_registration_number", raw_number, error.messages[0]))
            continue
        if profile is not None:
            parsed.append((row_number, profile, number))
    companies = dict(
        Company.objects.filter(
            business_registration_number__in={number for _row, _profile, number in parsed}
        ).values_list("business_registration_number", "id")
    )
    for row_number, _profile, number in parsed:
        if number not in companies:
            result.errors.append(
                RowError(
                    row_number, "business_registration_number", number, _("No company with this number is registered.")
                )
            )
    if result.rows == 0 and not result.errors:
        result.errors.append(RowError(None, "", "", _("The file has no rows.")))
    if result.errors:
        return result
    with transaction.atomic():
        recorded = set(
            ConflictOfInterest.objects.filter(
                source=ConflictSource.FAMILY_FIRM, reviewer_id__in={profile.pk for _row, profile, _number in parsed}
            ).values_list("reviewer_id", "company_id")
        )
        new: list[ConflictOfInterest] = []
        for _row, profile, number in parsed:
            pair = (profile.pk, companies[number])
            if pair in recorded:
                result.unchanged += 1
                continue
            recorded.add(pair)
            new.append(ConflictOfInterest(reviewer=profile, company_id=pair[1], source=ConflictSource.FAMILY_FIRM))
        ConflictOfInterest.objects.bulk_create(new, ignore_conflicts=True)
        result.created = len(new)
        agency = user.agency_memberships.select_related("agency").first().agency
        audit_event_record(
            actor=user,
            action="reviews.family_firm_import",
            target=agency,
            changes={"rows": result.rows, "created": result.created, "unchanged": result.unchanged},
        )
    return result
