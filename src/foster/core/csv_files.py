"""Reading uploaded CSV and XLSX tables the way Korean offices save them, for every import service.

Excel in Korea saves CSV as CP949 (EUC-KR) unless told "CSV UTF-8", which adds a byte-order mark;
some tools save tab-separated text under a .csv name. ``csv_records`` reads all three; header
cells are compared through ``header_key`` so "사업자 등록번호", "Business_Registration_Number" and
"businessregistrationnumber" name the same column. A bad cell is reported as a ``RowError``.
Workbooks are read from their first sheet (``is_xlsx``, ``rows_from_xlsx``); a file that cannot be
read at all raises ``TableRefused`` with what to do.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ENCODINGS = ("utf-8-sig", "cp949")


class TableRefused(Exception):
    """An uploaded table cannot be read at all; the message says what to do in words the user can act on."""


class CsvDecodeError(ValueError):
    """The file is neither UTF-8 nor CP949 text; the caller words the message (what to save it as
    depends on the import)."""


@dataclass(frozen=True)
class RowError:
    """A bad cell: its row as Excel numbers it (the header is row 1; None for the file as a whole)."""

    row: int | None
    column: str
    value: str
    message: str

    def as_json(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "value": self.value, "message": self.message}


def decode_csv(data: bytes) -> str:
    """``data`` as text: UTF-8 (with or without a byte-order mark), else CP949. Raises CsvDecodeError."""
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CsvDecodeError(f"neither {' nor '.join(ENCODINGS)}")


def csv_delimiter(text: str) -> str:
    """Tab when the first line has tabs and no comma, else comma."""
    first_line = text.split("\n", 1)[0]
    return "\t" if "\t" in first_line and "," not in first_line else ","


def csv_records(text: str) -> Iterator[list[str]]:
    """The records of decoded CSV text (comma or tab separated)."""
    return csv.reader(io.StringIO(text, newline=""), delimiter=csv_delimiter(text))


def header_key(text: str) -> str:
    """A header cell reduced for matching: no byte-order mark, spaces, ``_``, ``-`` or brackets; lower case."""
    return re.sub(r"[\s_\-()]", "", text.replace("\ufeff", "")).lower()


def cell_text(value: Any) -> str:
    """A cell of a CSV or XLSX row as trimmed text (whole floats without ".0", datetimes in ISO form)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return str(value).strip()


def rows_from_csv(data: bytes) -> tuple[Iterator[Sequence[Any]], int]:
    """The records of an uploaded CSV file and how many there are. Raises TableRefused."""
    try:
        text = decode_csv(data)
    except CsvDecodeError:
        raise TableRefused(
            _(
                "The file is neither UTF-8 nor CP949/EUC-KR text. In Excel, use Save As and "
                "choose “CSV UTF-8 (comma delimited)” or “Excel Workbook (.xlsx)”."
            )
        ) from None
    total = sum(1 for _record in csv_records(text))
    return csv_records(text), total


def rows_from_xlsx(handle: IO[bytes]) -> tuple[Iterator[Sequence[Any]], int, Callable[[], None]]:
    """The rows of the first sheet of a workbook, their number and the function that closes it."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        raise TableRefused(
            _("The file could not be read as an Excel workbook. Open it in Excel and save it again as .xlsx or CSV.")
        ) from None
    if not workbook.worksheets:
        workbook.close()
        raise TableRefused(_("The workbook has no sheet. Put the rows on the first sheet."))
    sheet = workbook.worksheets[0]
    total = int(sheet.max_row or 0)
    return sheet.iter_rows(values_only=True), total, workbook.close


def is_xlsx(head: bytes) -> bool:
    """Whether a file starting with ``head`` is a workbook (a ZIP container) rather than CSV text."""
    return head.startswith(b"PK\x03\x04")


def parse_whole_number(cell: Any, text: str) -> int:
    """A whole number from a cell: 1500000, "1,500,000" or "₩1,500,000". Raises ValidationError."""
    if isinstance(cell, bool):
        raise ValidationError(_("Write a whole number here, not TRUE or FALSE."))
    if isinstance(cell, int):
        return cell
    if isinstance(cell, float) and cell.is_integer():
        return int(cell)
    cleaned = text.replace(",", "").replace(" ", "").removeprefix("₩")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite() or number != number.to_integral_value():
        raise ValidationError(
            _("“%(value)s” is not a whole number. Write digits only, for example 1500000 or 1,500,000.")
            % {"value": text}
        )
    return int(number)
