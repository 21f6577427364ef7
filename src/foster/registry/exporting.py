"""Export of a filtered company list to CSV and XLSX, with the columns the importer reads back.

Rows come from ``company_search`` (the scoping selector), so an export holds exactly what the
user may see in the list with the same filters. CSV is UTF-8 with a byte-order mark so that
Korean Excel opens it correctly; both formats are written row by row (streamed), never built
whole in memory. Cells that a spreadsheet would run as a formula are written as plain text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from typing import IO, Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from foster.registry.importing import FIELDS, FORMULA_PREFIXES, KOREAN_HEADERS
from foster.registry.models import Company
from foster.registry.selectors import CompanyFilter, company_filter, company_search

EXPORT_FORMATS = ("csv", "xlsx")
XLSX_MAX_ROWS = 1_048_575  # an Excel sheet holds 1,048,576 rows, one of them the header
CHUNK_ROWS = 2_000
TEXT_FIELDS = frozenset({"name_ko", "name_en"})


class ExportRefused(Exception):
    """The export cannot be made; the message says what to do instead."""


def company_export_queryset(*, user: Any, filters: CompanyFilter) -> QuerySet[Company]:
    """The companies an export by ``user`` holds: the scoped, filtered list.

    ``user`` None is an operator at the command line, who exports the whole registry (filtered).
    """
    if user is None:
        return company_filter(queryset=Company.objects.all(), filters=filters)
    if not user.has_perm("registry.export_companies"):
        raise PermissionDenied(_("You may not export the company list."))
    return company_search(user=user, filters=filters)


def export_headers(language: str) -> list[str]:
    """Column names: Korean when ``language`` is Korean, otherwise the English field names."""
    if language.startswith("ko"):
        return [KOREAN_HEADERS[name] for name in FIELDS]
    return list(FIELDS)


def _values(queryset: QuerySet[Company]) -> Iterator[tuple[Any, ...]]:
    return queryset.values_list(*FIELDS).iterator(chunk_size=CHUNK_ROWS)


def _export_row(values: tuple[Any, ...]) -> list[Any]:
    row = list(values)
    number = row[0]
    row[0] = f"{number[:3]}-{number[3:5]}-{number[5:]}"  # as on the certificate; Excel keeps it as text
    return row


def escape_formula(text: str) -> str:
    """Text a spreadsheet shows as written: a leading ``=``, ``+``, ``-`` or ``@`` gets a ``'`` before it
    (the importer takes it off again), so that opening a file never runs a formula from the data."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


_TEXT_INDEXES = tuple(index for index, name in enumerate(FIELDS) if name in TEXT_FIELDS)
_DATE_INDEX = FIELDS.index("founded_on")


def company_export_csv(
    *, queryset: QuerySet[Company], language: str, progress: Callable[[int], None] | None = None
) -> Iterator[str]:
    """The CSV text in pieces (the first starts with the byte-order mark), for a streaming response."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(export_headers(language))
    count = 0
    for values in _values(queryset):
        row = _export_row(values)
        for index in _TEXT_INDEXES:
            row[index] = escape_formula(row[index])
        row[_DATE_INDEX] = row[_DATE_INDEX].isoformat()
        writer.writerow(row)
        count += 1
        if count % CHUNK_ROWS == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            if progress:
                progress(CHUNK_ROWS)
    yield buffer.getvalue()
    if progress and count % CHUNK_ROWS:
        progress(count % CHUNK_ROWS)


def company_export_xlsx(
    *,
    queryset: QuerySet[Company],
    language: str,
    destination: IO[bytes],
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the workbook to ``destination`` row by row (openpyxl write-only); returns the row count.

    Raises ExportRefused when the list has more rows than an Excel sheet holds.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    total = queryset.count()
    if total > XLSX_MAX_ROWS:
        raise ExportRefused(
            _(
                "An Excel sheet holds at most %(limit)s companies and this list has %(total)s. "
                "Narrow the filters or export CSV."
            )
            % {"limit": f"{XLSX_MAX_ROWS:,}", "total": f"{total:,}"}
        )
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Companies"))
    sheet.append(export_headers(language))
    count = 0
    for values in _values(queryset):
        row = _export_row(values)
        for index in _TEXT_INDEXES:
            cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", row[index]))
            cell.data_type = "s"  # never a formula, even when the name starts with "="
            row[index] = cell
        date_cell = WriteOnlyCell(sheet, value=row[_DATE_INDEX])
        date_cell.number_format = "yyyy-mm-dd"
        row[_DATE_INDEX] = date_cell
        sheet.append(row)
        count += 1
        if progress and count % CHUNK_ROWS == 0:
            progress(CHUNK_ROWS)
    if progress and count % CHUNK_ROWS:
        progress(count % CHUNK_ROWS)
    workbook.save(destination)
    return count


def export_filename(extension: str) -> str:
    """``companies-20260301-0930.csv``: when the export was made, in local time."""
    from django.utils import timezone

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return f"companies-{stamp}.{extension}"


__all__ = [
    "EXPORT_FORMATS",
    "ExportRefused",
    "company_export_csv",
    "company_export_queryset",
    "company_export_xlsx",
    "escape_formula",
    "export_filename",
    "export_headers",
]
