"""Bulk import through its services: exact rows written, all-or-nothing, encodings, XLSX, dry run, refusals."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from foster.accounts.choices import Role
from foster.accounts.models import User
from foster.core.models import AuditEvent
from foster.registry.choices import ImportStatus
from foster.registry.importing import (
    ImportRefused,
    RowError,
    company_import_apply,
    company_import_create,
)
from foster.registry.models import Company, CompanyImport
from foster.registry.seeding import registration_number
from tests.factories import CompanyFactory
from tests.registry.conftest import registry_state, run_import

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root", "english")]

KOREAN_HEADER = "사업자등록번호,기업명,영문명,업종코드,지역,기업규모,설립일,종업원수,매출액,AI도입현황"
ENGLISH_HEADER = (
    "business_registration_number,name_ko,name_en,ksic_division,region,size_class,founded_on,"
    "employees,revenue_krw,ai_adoption"
)
NUMBER_A = registration_number(10)
NUMBER_B = registration_number(11)
NUMBER_C = registration_number(12)


def dashed(number: str) -> str:
    return f"{number[:3]}-{number[3:5]}-{number[5:]}"


def csv_bytes(*lines: str, header: str = KOREAN_HEADER, encoding: str = "utf-8") -> bytes:
    return ("\r\n".join([header, *lines]) + "\r\n").encode(encoding)


def company_values(number: str) -> dict[str, Any]:
    return Company.objects.filter(business_registration_number=number).values(
        "name_ko",
        "name_en",
        "ksic_section",
        "ksic_division",
        "region",
        "size_class",
        "founded_on",
        "employees",
        "revenue_krw",
        "ai_adoption",
    )[0]


@pytest.fixture
def official(make_user: Callable[[str], User]) -> User:
    return make_user(Role.AGENCY_OFFICIAL)


def test_valid_file_creates_and_updates_exact_rows(official: User) -> None:
    CompanyFactory(business_registration_number=NUMBER_A, name_ko="(주)기존", name_en="Old Co.", employees=12)
    content = csv_bytes(
        f'{dashed(NUMBER_A)},(주)기존,Existing Co.,26,서울특별시,small,2020-03-01,40,"1,500,000,000",exploring',
        f"{NUMBER_B},(주)새회사,New Co.,62,경기도,startup,2023.01.15,3,0,in_use",
        f'{NUMBER_C},주식회사 셋째,,1,부산,중기업,19991231,"1,200","25,000,000,000",',
    )

    plan = run_import(official, content)

    assert (plan.rows, plan.created, plan.updated, plan.unchanged, plan.errors) == (3, 2, 1, 0, [])
    assert [(change.field, change.before, change.after) for change in plan.updates[0].changes] == [
        ("name_en", "Old Co.", "Existing Co."),
        ("employees", 12, 40),
    ]
    assert Company.objects.count() == 3
    assert company_values(NUMBER_A) == {
        "name_ko": "(주)기존",
        "name_en": "Existing Co.",
        "ksic_section": "C",
        "ksic_division": "26",
        "region": "seoul",
        "size_class": "small",
        "founded_on": dt.date(2020, 3, 1),
        "employees": 40,
        "revenue_krw": 1_500_000_000,
        "ai_adoption": "exploring",
    }
    assert company_values(NUMBER_B) == {
        "name_ko": "(주)새회사",
        "name_en": "New Co.",
        "ksic_section": "J",
        "ksic_division": "62",
        "region": "gyeonggi",
        "size_class": "startup",
        "founded_on": dt.date(2023, 1, 15),
        "employees": 3,
        "revenue_krw": 0,
        "ai_adoption": "in_use",
    }
    assert company_values(NUMBER_C) == {
        "name_ko": "주식회사 셋째",
        "name_en": "",
        "ksic_section": "A",
        "ksic_division": "01",
        "region": "busan",
        "size_class": "medium",
        "founded_on": dt.date(1999, 12, 31),
        "employees": 1200,
        "revenue_krw": 25_000_000_000,
        "ai_adoption": "none",
    }
    event = AuditEvent.objects.get()
    company_import = CompanyImport.objects.get()
    assert (event.action, event.actor, event.object_type, event.object_id) == (
        "company.import",
        official,
        "registry.companyimport",
        str(company_import.pk),
    )
    assert event.changes == {
        "file": "companies.csv",
        "sha256": company_import.sha256,
        "rows": 3,
        "created": 2,
        "updated": 1,
        "unchanged": 0,
    }
    assert company_import.status == ImportStatus.APPLIED
    assert company_import.applied_at is not None


def test_one_bad_row_imports_nothing_and_names_its_row_and_column(official: User) -> None:
    CompanyFactory(business_registration_number=NUMBER_A, employees=12)
    before = registry_state()
    content = csv_bytes(
        f"{NUMBER_A},(주)기존,Existing Co.,26,seoul,small,2020-03-01,99,0,none",
        f"{NUMBER_B},(주)새회사,New Co.,62,gyeonggi,startup,2023-01-15,3,0,in_use",
        f"{NUMBER_C},(주)잘못,Wrong Co.,62,화성,startup,2023-01-15,3,0,in_use",
    )

    plan = run_import(official, content)

    assert plan.errors == [
        RowError(
            row=4,
            column="지역",
            value="화성",
            message="“화성” is not one of the 17 regions. Write its name, such as 서울특별시 or 경기도, "
            "or its code, such as seoul.",
        )
    ]
    assert registry_state() == before
    assert not AuditEvent.objects.exists()
    company_import = CompanyImport.objects.get()
    assert company_import.status == ImportStatus.INVALID
    assert company_import.plan["errors"] == [
        {"row": 4, "column": "지역", "value": "화성", "message": plan.errors[0].message}
    ]


def test_every_bad_row_and_column_is_reported(official: User) -> None:
    wrong_check_digit = NUMBER_B[:9] + str((int(NUMBER_B[9]) + 1) % 10)
    content = csv_bytes(
        f"{NUMBER_A},(주)하나,,26,seoul,small,2020-02-30,5,0,none",
        f"{wrong_check_digit},(주)둘,,26,seoul,small,2020-02-01,5,0,none",
        f"{NUMBER_A},(주)셋,,04,seoul,giant,2020-02-01,-5,1.5,none",
        f"{NUMBER_C},,,26,seoul,small,2020-02-01,5,0,none",
    )

    plan = run_import(official, content)

    assert [(error.row, error.column, error.value) for error in plan.errors] == [
        (2, "설립일", "2020-02-30"),
        (3, "사업자등록번호", wrong_check_digit),
        (4, "사업자등록번호", NUMBER_A),
        (4, "업종코드", "04"),
        (4, "기업규모", "giant"),
        (4, "종업원수", "-5"),
        (4, "매출액", "1.5"),
        (5, "기업명", ""),
    ]
    messages = {(error.row, error.column): error.message for error in plan.errors}
    assert messages[(4, "사업자등록번호")].startswith("This registration number is also on row 2.")
    assert messages[(3, "사업자등록번호")].startswith(f"The check digit of “{wrong_check_digit}” is wrong")
    assert messages[(5, "기업명")] == "Enter the company's Korean name."
    assert plan.error_rows == 4
    assert Company.objects.count() == 0


def test_cp949_file_imports_korean_names(official: User) -> None:
    content = csv_bytes(
        f"{NUMBER_A},(주)한빛정밀,Hanbit Precision,29,충청북도,중견기업,2001-07-01,350,0,탐색",
        encoding="cp949",
    )
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")

    plan = run_import(official, content)

    assert (plan.created, plan.errors) == (1, [])
    assert company_values(NUMBER_A) == {
        "name_ko": "(주)한빛정밀",
        "name_en": "Hanbit Precision",
        "ksic_section": "C",
        "ksic_division": "29",
        "region": "chungbuk",
        "size_class": "mid_sized",
        "founded_on": dt.date(2001, 7, 1),
        "employees": 350,
        "revenue_krw": 0,
        "ai_adoption": "exploring",
    }


def test_utf8_with_byte_order_mark_and_english_headers(official: User) -> None:
    content = b"\xef\xbb\xbf" + csv_bytes(
        f"{NUMBER_A},(주)영문머리,Header Co.,62,seoul,startup,2024-02-29,2,0,ai_provider", header=ENGLISH_HEADER
    )

    plan = run_import(official, content)

    assert (plan.created, plan.errors) == (1, [])
    assert Company.objects.get().name_ko == "(주)영문머리"


def test_xlsx_file_with_excel_types(official: User) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(KOREAN_HEADER.split(","))
    sheet.append(
        [
            int(NUMBER_A),
            "(주)엑셀",
            "Excel Co.",
            1,
            "제주특별자치도",
            "소기업",
            dt.datetime(2018, 4, 2),
            7,
            1.2e9,
            "in_use",
        ]
    )
    sheet.append([])  # an empty row is skipped; row numbers stay as Excel shows them
    sheet.append([NUMBER_B, "(주)엑셀둘", None, "62", "seoul", "small", "2019-01-01", "x", 0, "none"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    plan = run_import(official, buffer.getvalue(), filename="companies.xlsx")

    assert [(error.row, error.column, error.value) for error in plan.errors] == [(4, "종업원수", "x")]
    assert Company.objects.count() == 0

    sheet.cell(row=4, column=8, value=8)
    buffer = io.BytesIO()
    workbook.save(buffer)
    plan = run_import(official, buffer.getvalue(), filename="companies.xlsx")

    assert (plan.created, plan.errors) == (2, [])
    assert company_values(NUMBER_A) == {
        "name_ko": "(주)엑셀",
        "name_en": "Excel Co.",
        "ksic_section": "A",
        "ksic_division": "01",
        "region": "jeju",
        "size_class": "small",
        "founded_on": dt.date(2018, 4, 2),
        "employees": 7,
        "revenue_krw": 1_200_000_000,
        "ai_adoption": "in_use",
    }


def test_dry_run_changes_nothing(official: User) -> None:
    CompanyFactory(business_registration_number=NUMBER_A, name_ko="(주)예전", employees=12)
    before = registry_state()
    content = csv_bytes(
        f"{NUMBER_A},(주)기존,,26,seoul,small,2020-03-01,13,,",
        f"{NUMBER_B},(주)새회사,New Co.,62,gyeonggi,startup,2023-01-15,3,0,in_use",
    )

    plan = run_import(official, content, dry_run=True)

    assert (plan.created, plan.updated, plan.unchanged) == (1, 1, 0)
    assert [(change.field, change.before, change.after) for change in plan.updates[0].changes] == [
        ("name_ko", "(주)예전", "(주)기존"),
        ("employees", 12, 13),
    ]
    assert registry_state() == before
    assert not AuditEvent.objects.exists()
    company_import = CompanyImport.objects.get()
    assert company_import.status == ImportStatus.READY
    assert (company_import.plan["created"], company_import.plan["updated"]) == (1, 1)
    assert company_import.plan["updates"][0]["changes"][1] == {
        "field": "employees",
        "column": "종업원수",
        "before": 12,
        "after": 13,
    }


def test_empty_cells_keep_current_values_on_update(official: User) -> None:
    CompanyFactory(business_registration_number=NUMBER_A, name_en="Kept Co.", employees=12, revenue_krw=9_000)
    before = company_values(NUMBER_A)
    content = csv_bytes(f"{NUMBER_A},{before['name_ko']},,,,,,,,", header=KOREAN_HEADER)

    plan = run_import(official, content)

    assert (plan.updated, plan.unchanged, plan.errors) == (0, 1, [])
    assert company_values(NUMBER_A) == before


@pytest.mark.parametrize("role", [Role.COMPANY_MEMBER, Role.MINISTRY_PLANNER, Role.REVIEWER, Role.PUBLIC])
def test_only_officials_may_import(role: str, make_user: Callable[[str], User]) -> None:
    user = make_user(role)
    before = registry_state()
    content = csv_bytes(f"{NUMBER_B},(주)새회사,New Co.,62,gyeonggi,startup,2023-01-15,3,0,in_use")

    with pytest.raises(PermissionDenied):
        company_import_create(user=user, file=io.BytesIO(content), filename="companies.csv", language="en")

    assert registry_state() == before
    assert not CompanyImport.objects.exists()


def test_an_import_is_applied_only_once(official: User) -> None:
    content = csv_bytes(f"{NUMBER_B},(주)새회사,New Co.,62,gyeonggi,startup,2023-01-15,3,0,in_use")
    run_import(official, content)
    company_import = CompanyImport.objects.get()

    with pytest.raises(ImportRefused, match="already been imported"):
        company_import_apply(user=official, company_import=company_import)

    assert Company.objects.count() == 1
    assert AuditEvent.objects.count() == 1


def test_row_limit_from_settings(official: User, settings: Any) -> None:
    settings.FOSTER_IMPORT_MAX_ROWS = 2
    content = csv_bytes(
        *(f"{registration_number(index)},(주)회사{index},,62,seoul,small,2020-01-01,1,0,none" for index in range(3))
    )

    plan = run_import(official, content)

    assert [error.message for error in plan.errors] == [
        "The file has more than 2 rows. Split it into files of at most 2 rows each."
    ]
    assert Company.objects.count() == 0


def test_unknown_and_missing_columns_are_named(official: User) -> None:
    content = "사업자등록번호,기업명,업종,지역,기업규모,설립일\r\n".encode()

    plan = run_import(official, content)

    assert [(error.row, error.column) for error in plan.errors] == [(1, "업종"), (1, "업종코드")]
    assert plan.errors[0].message.startswith("“업종” is not a column Foster knows. Rename it to one of:")
    assert plan.errors[1].message == "Add a column “업종코드”: every company needs it."


def test_duplicate_columns_are_refused(official: User) -> None:
    content = "사업자등록번호,business_registration_number,기업명,업종코드,지역,기업규모,설립일\r\n".encode()

    plan = run_import(official, content)

    assert [(error.row, error.column, error.message) for error in plan.errors] == [
        (
            1,
            "business_registration_number",
            "The column “business_registration_number” appears twice (also as “사업자등록번호”); "
            "keep only one of them.",
        )
    ]


@pytest.mark.parametrize(
    ("column", "cell", "field", "expected"),
    [
        ("지역", "서울", "region", "seoul"),
        ("지역", "SEOUL", "region", "seoul"),
        ("지역", "전라북도", "region", "jeonbuk"),
        ("지역", "South Gyeongsang", "region", "gyeongnam"),
        ("기업규모", "mid_sized", "size_class", "mid_sized"),
        ("기업규모", "Large enterprise", "size_class", "large"),
        ("AI도입현황", "AI provider", "ai_adoption", "ai_provider"),
        ("설립일", "2020. 3. 1.", "founded_on", dt.date(2020, 3, 1)),
        ("설립일", "2020/03/01", "founded_on", dt.date(2020, 3, 1)),
        ("설립일", "20200301", "founded_on", dt.date(2020, 3, 1)),
        ("종업원수", " 1,234 ", "employees", 1234),
        ("매출액", "₩2,500,000", "revenue_krw", 2_500_000),
        ("매출액", "2500000.00", "revenue_krw", 2_500_000),
        ("업종코드", "C26", "ksic_division", "26"),
        ("업종코드", "26110", "ksic_division", "26"),
        ("기업명", "'=HYPERLINK(1)", "name_ko", "=HYPERLINK(1)"),
    ],
)
def test_cell_formats(official: User, column: str, cell: str, field: str, expected: Any) -> None:
    values = dict.fromkeys(KOREAN_HEADER.split(","), "")
    values.update(
        {
            "사업자등록번호": NUMBER_A,
            "기업명": "(주)형식",
            "업종코드": "62",
            "지역": "seoul",
            "기업규모": "small",
            "설립일": "2020-01-01",
            column: cell,
        }
    )
    line = ",".join(f'"{value}"' for value in values.values())

    plan = run_import(official, csv_bytes(line))

    assert plan.errors == []
    assert Company.objects.values_list(field, flat=True).get() == expected


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("companies.xls", b"\xd0\xcf\x11\xe0rest", "Old Excel files (.xls) cannot be read."),
        ("companies.pdf", b"%PDF-1.4", "Upload a CSV or Excel (.xlsx) file; “companies.pdf” is neither."),
    ],
)
def test_unsupported_files_are_refused(official: User, filename: str, content: bytes, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        company_import_create(user=official, file=io.BytesIO(content), filename=filename, language="en")

    assert caught.value.messages[0].startswith(message)
    assert not CompanyImport.objects.exists()


def test_unreadable_text_and_workbooks_fail_with_a_reason(official: User) -> None:
    with pytest.raises(ImportRefused, match="neither UTF-8 nor CP949"):
        run_import(official, b"\xff\xfe\x00\x81\x00\xff" * 10)
    with pytest.raises(ImportRefused, match="could not be read as an Excel workbook"):
        run_import(official, b"PK\x03\x04broken", filename="companies.xlsx")

    assert [item.status for item in CompanyImport.objects.order_by("pk")] == [ImportStatus.FAILED] * 2
    assert Company.objects.count() == 0


def test_a_company_registered_between_check_and_write_becomes_an_update(
    official: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from foster.registry import importing

    content = csv_bytes(f"{NUMBER_B},(주)새회사,New Co.,62,gyeonggi,startup,2023-01-15,3,0,in_use")
    company_import = company_import_create(
        user=official, file=io.BytesIO(content), filename="companies.csv", language="en"
    )
    real_lookup = importing._existing_companies

    def lookup_then_someone_registers(keys: Any, *, lock: bool = False) -> dict[str, dict[str, Any]]:
        found = real_lookup(keys, lock=lock)
        if not lock:  # the check ran; now someone else registers the same company
            CompanyFactory(
                business_registration_number=NUMBER_B, name_ko="(주)먼저", name_en="Earlier Co.", employees=1
            )
        return found

    monkeypatch.setattr(importing, "_existing_companies", lookup_then_someone_registers)

    plan = company_import_apply(user=official, company_import=company_import)

    assert (plan.created, plan.updated) == (0, 1)
    assert [(change.field, change.before, change.after) for change in plan.updates[0].changes][:2] == [
        ("name_ko", "(주)먼저", "(주)새회사"),
        ("name_en", "Earlier Co.", "New Co."),
    ]
    assert company_values(NUMBER_B)["employees"] == 3
    assert Company.objects.count() == 1


def test_a_malformed_csv_fails_with_a_reason(official: User) -> None:
    with pytest.raises(ImportRefused, match="The CSV file is malformed"):
        run_import(official, csv_bytes(f"{NUMBER_A},(주){'가' * 200_000},,26,seoul,small,2020-01-01,1,0,none"))

    assert Company.objects.count() == 0


def test_control_characters_in_names_are_refused(official: User) -> None:
    plan = run_import(official, csv_bytes(f'{NUMBER_A},"(주)줄\n바꿈",,26,seoul,small,2020-01-01,1,0,none'))

    assert [(error.row, error.column, error.message) for error in plan.errors] == [
        (2, "기업명", "Remove the line breaks, tabs and other control characters from this name.")
    ]
    assert Company.objects.count() == 0
