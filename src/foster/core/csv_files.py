"""Reading uploaded CSV files the way Korean offices save them, for every import service.

Excel in Korea saves CSV as CP949 (EUC-KR) unless told "CSV UTF-8", which adds a byte-order mark;
some tools save tab-separated text under a .csv name. ``csv_records`` reads all three; header
cells are compared through ``header_key`` so "사업자 등록번호", "Business_Registration_Number" and
"businessregistrationnumber" name the same column. A bad cell is reported as a ``RowError``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

ENCODINGS = ("utf-8-sig", "cp949")


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
