"""The shared CSV reading used by every import."""

from __future__ import annotations

import pytest

from foster.core.csv_files import CsvDecodeError, csv_records, decode_csv, header_key


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("사업자등록번호,기업명\n".encode("utf-8-sig"), "사업자등록번호,기업명\n"),
        ("사업자등록번호,기업명\n".encode(), "사업자등록번호,기업명\n"),
        ("사업자등록번호,기업명\n".encode("cp949"), "사업자등록번호,기업명\n"),
    ],
    ids=["utf-8 with byte-order mark", "utf-8", "cp949"],
)
def test_decode_csv_reads_the_encodings_korean_excel_writes(data: bytes, expected: str) -> None:
    assert decode_csv(data) == expected


def test_decode_csv_refuses_bytes_that_are_neither_utf8_nor_cp949() -> None:
    with pytest.raises(CsvDecodeError):
        decode_csv(b"\xff\xfe\xfa\xfb\x80")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a,b\n1,2\n", [["a", "b"], ["1", "2"]]),
        ("a\tb\n1\t2\n", [["a", "b"], ["1", "2"]]),
        ('a,b\n"1,5",2\n', [["a", "b"], ["1,5", "2"]]),
    ],
    ids=["comma", "tab", "quoted comma"],
)
def test_csv_records_detects_comma_or_tab(text: str, expected: list[list[str]]) -> None:
    assert list(csv_records(text)) == expected


def test_header_key_ignores_spacing_case_and_punctuation() -> None:
    assert header_key("\ufeff사업자 등록번호") == header_key("사업자등록번호") == "사업자등록번호"
    assert header_key("Business_Registration-Number (10)") == "businessregistrationnumber10"
