"""The synthesis engine's tables and readers: kinds inferred from text, written back the same way, and every
bad file refused with its reason, 10 million rows without reading them all."""

from __future__ import annotations

import csv
import io
import math

import numpy as np
import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from foster.engines.synthesis import (
    CellError,
    ColumnKind,
    ReadLimits,
    TableRefusal,
    column_from_text,
    column_to_text,
    infer_kind,
    read_table,
    table_from_text,
    table_to_rows,
)

LIMITS = ReadLimits(min_rows=2)


@pytest.mark.parametrize(
    ("cells", "kind"),
    [
        (["1", "2", "30", ""], ColumnKind.INTEGER),
        (["1.5", "-2", "1,234.25", "NA"], ColumnKind.NUMBER),
        (["007", "012", "100"], ColumnKind.CATEGORY),  # codes with leading zeros stay text
        (["Y", "N", "y", ""], ColumnKind.BOOLEAN),
        (["예", "아니오", "예"], ColumnKind.BOOLEAN),
        (["0", "1", "1"], ColumnKind.BOOLEAN),
        (["2025.01.03", "2025.12.31"], ColumnKind.DATE),
        (["2025-01-03 08:15", "2025-01-03"], ColumnKind.DATETIME),
        (["라인A", "라인B", "라인A"], ColumnKind.CATEGORY),
        ([f"LOT-{index:04d}" for index in range(30)], ColumnKind.IDENTIFIER),
        (["", "-", "N/A"], ColumnKind.CATEGORY),
    ],
)
def test_kinds_are_inferred_from_the_text(cells: list[str], kind: ColumnKind) -> None:
    assert infer_kind(cells) == kind


def test_values_are_written_back_in_the_spelling_of_the_input() -> None:
    table = table_from_text(
        ["amount", "passed", "day", "when", "line"],
        [
            ["1,234.50", "", "7.25"],
            ["Y", "N", ""],
            ["2025.01.03", "2025.02.28", ""],
            ["2025-01-03 08:15", "", "2025-03-01 23:59"],
            ["가", "", "나"],
        ],
    )
    assert [column.kind for column in table.columns] == [
        ColumnKind.NUMBER,
        ColumnKind.BOOLEAN,
        ColumnKind.DATE,
        ColumnKind.DATETIME,
        ColumnKind.CATEGORY,
    ]
    assert table_to_rows(table) == [
        ["1234.50", "Y", "2025.01.03", "2025-01-03 08:15", "가"],
        ["", "N", "2025.02.28", "", ""],
        ["7.25", "", "", "2025-03-01 23:59", "나"],
    ]
    assert math.isnan(table.column("amount").values[1])


def test_a_kind_chosen_by_the_owner_that_a_cell_does_not_fit_names_the_cell() -> None:
    with pytest.raises(CellError) as caught:
        column_from_text("weight", ["1", "2", "heavy"], ColumnKind.NUMBER)
    assert (caught.value.column, caught.value.row, caught.value.value) == ("weight", 2, "heavy")
    assert column_to_text(column_from_text("weight", ["1", "2"], ColumnKind.CATEGORY)) == ["1", "2"]


def _csv_bytes(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)


def test_cp949_utf8_bom_and_other_delimiters_are_read() -> None:
    rows = [["라인", "온도"], ["가", "1.5"], ["나", "2.5"]]
    for data, encoding in ((_csv_bytes(rows, "cp949"), "cp949"), (_csv_bytes(rows, "utf-8-sig"), "utf-8")):
        raw = read_table(io.BytesIO(data), LIMITS)
        assert (raw.header, raw.columns, raw.encoding, raw.file_format) == (
            ["라인", "온도"],
            [["가", "나"], ["1.5", "2.5"]],
            encoding,
            "csv",
        )
    semicolons = read_table(io.BytesIO(b"a;b\n1;2\n3;4\n"), LIMITS)
    assert (semicolons.delimiter, semicolons.columns) == (";", [["1", "3"], ["2", "4"]])


def test_workbooks_and_parquet_are_read_by_their_content_whatever_the_name() -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in (["라인", "온도", None], ["가", 1.5, None], ["나", 2.0, None]):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    raw = read_table(io.BytesIO(buffer.getvalue()), LIMITS)
    assert (raw.file_format, raw.header, raw.columns) == ("xlsx", ["라인", "온도"], [["가", "나"], ["1.5", "2"]])

    parquet = io.BytesIO()
    pq.write_table(pa.table({"line": ["A", "B", None], "value": [1.5, None, 3.0]}), parquet)
    raw = read_table(io.BytesIO(parquet.getvalue()), LIMITS)
    assert (raw.file_format, raw.header, raw.columns) == (
        "parquet",
        ["line", "value"],
        [["A", "B", ""], ["1.5", "", "3"]],
    )


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b"\n\n", "empty"),
        (b"a,b\n", "empty"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "binary"),
        (b"%PDF-1.7\n1 0 obj", "binary"),
        (b"a,b\n1,2\x00\x00\n", "binary"),
        ("이름\n김\n이\n".encode("cp949"), "single_column"),
        (b"a,b\n\xff\xfe\xfd,2\n", "encoding"),
        (b"a,b\n1,2\n3,4,5\n6\n", "ragged"),
        (b"PK\x03\x04 not really a workbook", "workbook"),
        (b"PAR1 not really parquet", "parquet"),
    ],
)
def test_bad_files_are_refused_with_their_reason(data: bytes, code: str) -> None:
    with pytest.raises(TableRefusal) as caught:
        read_table(io.BytesIO(data), LIMITS)
    assert caught.value.code == code


def test_ragged_rows_are_named_by_their_line() -> None:
    with pytest.raises(TableRefusal) as caught:
        read_table(io.BytesIO(b"a,b\n1,2\n3,4,5\n6,7\n8\n"), LIMITS)
    assert caught.value.params == {"lines": [3, 5], "columns": 2}


def test_too_few_rows_too_many_columns_and_too_large_are_refused() -> None:
    with pytest.raises(TableRefusal) as caught:
        read_table(io.BytesIO(b"a,b\n1,2\n"), ReadLimits(min_rows=20))
    assert (caught.value.code, caught.value.params) == ("too_few_rows", {"rows": 1, "limit": 20})
    with pytest.raises(TableRefusal) as caught:
        read_table(io.BytesIO(b"a,b,c\n1,2,3\n4,5,6\n"), ReadLimits(max_columns=2, min_rows=1))
    assert caught.value.code == "too_many_columns"
    with pytest.raises(TableRefusal) as caught:
        read_table(io.BytesIO(b"a,b\n" + b"1,2\n" * 100), ReadLimits(max_bytes=100, min_rows=1))
    assert (caught.value.code, caught.value.params["size"]) == ("too_large", 404)


class TenMillionRows(io.RawIOBase):
    """A CSV of 10,000,000 rows made on the fly (never held in memory); counts the bytes read."""

    ROWS = 10_000_000

    def __init__(self) -> None:
        self.row = -1
        self.pending = b""
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while len(self.pending) < len(buffer) and self.row < self.ROWS:
            self.pending += b"line,value\n" if self.row < 0 else b"A,%d\n" % self.row
            self.row += 1
        count = min(len(buffer), len(self.pending))
        buffer[:count] = self.pending[:count]
        self.pending = self.pending[count:]
        self.bytes_read += count
        return count


def test_ten_million_rows_are_refused_early_by_the_row_limit() -> None:
    stream = TenMillionRows()
    with pytest.raises(TableRefusal) as caught:
        read_table(io.BufferedReader(stream), ReadLimits(max_rows=50_000))
    assert (caught.value.code, caught.value.params) == ("too_many_rows", {"limit": 50_000})
    # Read up to the row after the limit, and at most a buffer more: not the 10 million rows.
    assert stream.row < 50_000 + 20_000
    assert stream.bytes_read < 1_000_000


def test_a_column_of_numbers_with_missing_values_keeps_them_missing() -> None:
    column = column_from_text("x", ["1", "", "3"])
    assert column.kind == ColumnKind.INTEGER
    assert np.isnan(column.values[1]) and column.missing_mask().tolist() == [False, True, False]


def test_a_quote_left_open_is_refused_as_a_cell_too_long() -> None:
    data = b'a,b\n1,"' + b"x" * 200_000 + b"\n2,3\n"
    with pytest.raises(TableRefusal) as caught:
        read_table(io.BytesIO(data), LIMITS)
    assert (caught.value.code, caught.value.params["limit"]) == ("cell_too_long", 131_072)
