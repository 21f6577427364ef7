"""Reading an uploaded table (CSV in UTF-8 or CP949/EUC-KR, XLSX, Parquet) within limits, by its content.

The format is told by the first bytes, not by the file's name: a ZIP container is a workbook, ``PAR1``
is Parquet, anything else must be text. A file with NUL bytes or a known binary signature (an image,
a PDF, a program) renamed ``.csv`` is refused as binary. Text is UTF-8 (with or without a byte-order
mark) or CP949, decided on the first 64 KiB and held to for the rest of the file.

The limits are checked while reading, never after: a file over ``max_bytes`` is refused before a byte
is parsed, and a table with more than ``max_rows`` data rows is refused as soon as the row after the
limit is read (10 million rows are never held in memory). Every refusal is a ``TableRefusal`` with a
stable ``code`` and the figures the caller needs to word a message in the user's language.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import math
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

SNIFF_BYTES = 64 * 1024
DELIMITERS = (",", "\t", ";", "|")
BINARY_SIGNATURES = (
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"%PDF",
    b"\x7fELF",
    b"MZ",
    b"\x1f\x8b",
    b"BZh",
    b"7z\xbc\xaf",
    b"Rar!",
    b"\xd0\xcf\x11\xe0",  # legacy .xls / .doc
    b"SQLite format 3",
)


@dataclass(frozen=True)
class ReadLimits:
    """How large an uploaded table may be."""

    max_bytes: int = 200 * 1024 * 1024
    max_rows: int = 1_000_000
    max_columns: int = 200
    max_cells: int = 50_000_000
    min_rows: int = 20


class TableRefusal(Exception):
    """The table cannot be read; ``code`` says why and ``params`` holds the figures for the message.

    Codes: ``empty``, ``too_large``, ``binary``, ``encoding``, ``single_column``, ``ragged``, ``cell_too_long``,
    ``no_header``, ``too_many_rows``, ``too_few_rows``, ``too_many_columns``, ``too_many_cells``,
    ``workbook``, ``parquet``.
    """

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(f"{code}: {params}" if params else code)
        self.code = code
        self.params = params


@dataclass
class RawTable:
    """The cells of a table as text: ``columns[i]`` holds the cells under ``header[i]``."""

    header: list[str]
    columns: list[list[str]]
    file_format: str  # "csv", "xlsx" or "parquet"
    encoding: str = ""
    delimiter: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def n_rows(self) -> int:
        return len(self.columns[0]) if self.columns else 0


def sniff_format(head: bytes) -> str:
    """``xlsx``, ``parquet``, ``csv`` or ``binary`` from the first bytes of a file."""
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"PAR1"):
        return "parquet"
    if any(head.startswith(signature) for signature in BINARY_SIGNATURES) or b"\x00" in head:
        return "binary"
    return "csv"


def sniff_encoding(head: bytes) -> str:
    """``utf-8-sig`` or ``cp949`` for text starting with ``head`` (its last character may be cut
    short); raises ``TableRefusal("encoding")`` if it is neither."""
    for encoding in ("utf-8-sig", "cp949"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            decoder.decode(head, final=False)
        except UnicodeDecodeError:
            continue
        return encoding
    raise TableRefusal("encoding")


def _file_size(stream: IO[bytes]) -> int | None:
    try:
        return os.fstat(stream.fileno()).st_size
    except (AttributeError, OSError, io.UnsupportedOperation):
        pass
    try:
        position = stream.tell()
        size = stream.seek(0, io.SEEK_END)
        stream.seek(position)
        return size
    except (OSError, io.UnsupportedOperation):
        return None


def _unique_header(cells: Sequence[str]) -> list[str]:
    """Header cells trimmed; a blank one named after its position, a repeated one numbered."""
    names: list[str] = []
    seen: set[str] = set()
    for position, cell in enumerate(cells, start=1):
        name = cell.replace("\ufeff", "").strip() or f"column_{position}"
        candidate, counter = name, 2
        while candidate in seen:
            candidate, counter = f"{name}_{counter}", counter + 1
        seen.add(candidate)
        names.append(candidate)
    return names


def _check_shape(header: list[str], limits: ReadLimits) -> None:
    if len(header) < 2:
        raise TableRefusal("single_column", header=header[0] if header else "")
    if len(header) > limits.max_columns:
        raise TableRefusal("too_many_columns", columns=len(header), limit=limits.max_columns)


def _collect(header: list[str], rows: Iterable[Sequence[str]], limits: ReadLimits) -> list[list[str]]:
    """Cells by column from ``rows`` (blank rows skipped); ragged rows, too many rows or cells refused."""
    width = len(header)
    columns: list[list[str]] = [[] for _ in header]
    ragged: list[int] = []
    count = 0
    max_rows = min(limits.max_rows, limits.max_cells // max(1, width))
    for line_number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != width:
            trimmed = list(row)
            while len(trimmed) > width and not trimmed[-1].strip():
                trimmed.pop()  # Excel writes trailing empty cells after a widened row
            if len(trimmed) != width:
                ragged.append(line_number)
                if len(ragged) >= 5:
                    break
                continue
            row = trimmed
        count += 1
        if count > max_rows:
            if max_rows < limits.max_rows:
                raise TableRefusal("too_many_cells", limit=limits.max_cells, columns=width)
            raise TableRefusal("too_many_rows", limit=limits.max_rows)
        for column, cell in zip(columns, row, strict=True):
            column.append(cell)
    if ragged:
        raise TableRefusal("ragged", lines=ragged, columns=width)
    if count == 0:
        raise TableRefusal("empty")
    if count < limits.min_rows:
        raise TableRefusal("too_few_rows", rows=count, limit=limits.min_rows)
    return columns


def _delimiter(first_line: str) -> str:
    counts = {delimiter: first_line.count(delimiter) for delimiter in DELIMITERS}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def read_csv(stream: IO[bytes], limits: ReadLimits, head: bytes) -> RawTable:
    encoding = sniff_encoding(head)
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    try:
        first_line = head.decode(encoding, errors="ignore").replace("\r", "\n").split("\n", 1)[0]
        delimiter = _delimiter(first_line)
        reader = csv.reader(text, delimiter=delimiter)
        try:
            header_cells = next(reader, None)
            if header_cells is None or not any(cell.strip() for cell in header_cells):
                raise TableRefusal("empty")
            header = _unique_header(header_cells)
            _check_shape(header, limits)
            columns = _collect(header, reader, limits)
        except UnicodeDecodeError:
            raise TableRefusal("encoding", line=reader.line_num + 1) from None
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                raise TableRefusal("cell_too_long", line=reader.line_num, limit=csv.field_size_limit()) from None
            raise TableRefusal("ragged", lines=[reader.line_num], columns=0, detail=str(error)) from None
    finally:
        text.detach()
    return RawTable(header, columns, "csv", encoding=encoding.replace("-sig", ""), delimiter=delimiter)


def cell_text(value: Any) -> str:
    """A workbook or Parquet cell as text: whole floats without ``.0``, dates in ISO form."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ") if value.time() != dt.time() else value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def read_xlsx(stream: IO[bytes], limits: ReadLimits) -> RawTable:
    import zipfile

    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        raise TableRefusal("workbook") from None
    try:
        if not workbook.worksheets:
            raise TableRefusal("empty")
        sheet = workbook.worksheets[0]
        declared_rows = int(sheet.max_row or 0)
        if declared_rows - 1 > limits.max_rows:
            raise TableRefusal("too_many_rows", limit=limits.max_rows)
        rows: Iterator[tuple[Any, ...]] = sheet.iter_rows(values_only=True)
        first = next(rows, None)
        if first is None or not any(cell_text(cell) for cell in first):
            raise TableRefusal("empty")
        width = max((index + 1 for index, cell in enumerate(first) if cell_text(cell)), default=0)
        header = _unique_header([cell_text(cell) for cell in first[:width]])
        _check_shape(header, limits)

        def text_rows() -> Iterator[list[str]]:
            for row in rows:
                cells = [cell_text(cell) for cell in row]
                while len(cells) > width and not cells[-1]:
                    cells.pop()
                yield cells + [""] * (width - len(cells)) if len(cells) <= width else cells

        columns = _collect(header, text_rows(), limits)
    finally:
        workbook.close()
    return RawTable(header, columns, "xlsx")


def read_parquet(stream: IO[bytes], limits: ReadLimits) -> RawTable:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(stream)
    except (pa.ArrowException, OSError, ValueError):
        raise TableRefusal("parquet") from None
    if parquet.metadata.num_rows > limits.max_rows:
        raise TableRefusal("too_many_rows", limit=limits.max_rows)
    header = _unique_header([str(name) for name in parquet.schema_arrow.names])
    _check_shape(header, limits)
    try:
        table = parquet.read()
    except (pa.ArrowException, OSError, ValueError):
        raise TableRefusal("parquet") from None
    columns = [[cell_text(value) for value in table.column(index).to_pylist()] for index in range(len(header))]
    rows = list(zip(*columns, strict=True))
    return RawTable(header, _collect(header, rows, limits), "parquet")


def read_table(stream: IO[bytes], limits: ReadLimits | None = None) -> RawTable:
    """Read a table from a binary stream positioned at its start; raises ``TableRefusal``."""
    limits = limits or ReadLimits()
    size = _file_size(stream)
    if size == 0:
        raise TableRefusal("empty")
    if size is not None and size > limits.max_bytes:
        raise TableRefusal("too_large", size=size, limit=limits.max_bytes)
    start = stream.tell() if stream.seekable() else 0
    head = stream.read(SNIFF_BYTES)
    if not head:
        raise TableRefusal("empty")
    if stream.seekable():
        stream.seek(start)
    else:
        stream = io.BufferedReader(_Prepended(head, stream))
    file_format = sniff_format(head)
    if file_format == "binary":
        raise TableRefusal("binary")
    if file_format == "xlsx":
        return read_xlsx(stream, limits)
    if file_format == "parquet":
        return read_parquet(stream, limits)
    if not head.strip(b" \t\r\n\xef\xbb\xbf"):
        raise TableRefusal("empty")
    return read_csv(stream, limits, head)


def read_table_path(path: str | os.PathLike[str], limits: ReadLimits | None = None) -> RawTable:
    with open(path, "rb") as stream:
        return read_table(stream, limits)


class _Prepended(io.RawIOBase):
    """A non-seekable stream with its already-read head put back in front."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self._head = head
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._head:
            count = min(len(buffer), len(self._head))
            buffer[:count] = self._head[:count]
            self._head = self._head[count:]
            return count
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)
