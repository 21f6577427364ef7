"""Imports of other agencies' exposures: all or nothing, idempotent, CSV and XLSX."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from foster.accounts.models import User
from foster.finance.importing import exposure_import
from foster.finance.models import Entry, ExposureImport, Transfer
from foster.finance.reconcile import ledger_reconcile
from foster.finance.selectors import company_exposure_headroom_krw, company_exposure_krw
from foster.registry.models import Company
from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2026, 9, 30)


def csv_file(rows: list[tuple[str, str]], header: str = "사업자등록번호,잔액") -> io.BytesIO:
    text = header + "\n" + "\n".join(f"{number},{amount}" for number, amount in rows) + "\n"
    return io.BytesIO(text.encode("cp949"))


def run(user: User, handle: io.BytesIO, *, as_of: dt.date = AS_OF):  # type: ignore[no-untyped-def]
    return exposure_import(user=user, file=handle, filename="kibo.csv", source="kibo", as_of=as_of)


def test_an_import_posts_each_companys_exposure_once(official: User) -> None:
    first, second = CompanyFactory(), CompanyFactory()
    rows = [(first.business_registration_number, '"3,000,000,000"'), (second.business_registration_number, "0")]

    result = run(official, csv_file(rows))

    assert (result.rows, result.changed, result.unchanged, result.errors) == (2, 1, 1, [])
    assert company_exposure_krw(first) == 3_000_000_000
    assert company_exposure_headroom_krw(first) == 7_000_000_000
    again = run(official, csv_file(rows))
    assert (again.changed, again.unchanged) == (0, 2)
    assert Transfer.objects.count() == 1 and ExposureImport.objects.count() == 2
    later = run(official, csv_file([(first.business_registration_number, "1000000000")]), as_of=dt.date(2026, 10, 31))
    assert later.changed == 1 and company_exposure_krw(first) == 1_000_000_000
    assert ledger_reconcile() == []


def test_one_bad_row_imports_nothing(official: User) -> None:
    company = CompanyFactory()
    rows = [
        (company.business_registration_number, "500000000"),
        ("123-45-6789", "1"),  # nine digits
        (company.business_registration_number, "2"),  # twice
        ("1168200276", "10"),  # valid but not in the registry
    ]
    result = run(official, csv_file([*rows, (CompanyFactory().business_registration_number, "-5")]))
    assert [(error.row, error.column) for error in result.errors] == [
        (3, "business_registration_number"),
        (4, "business_registration_number"),
        (6, "exposure_krw"),
        (5, "business_registration_number"),
    ]
    assert Entry.objects.count() == 0 and ExposureImport.objects.count() == 0


def test_another_figure_for_the_same_date_is_refused(official: User) -> None:
    company = CompanyFactory()
    run(official, csv_file([(company.business_registration_number, "500000000")]))
    result = run(official, csv_file([(company.business_registration_number, "600000000")]))
    assert [error.column for error in result.errors] == ["exposure_krw"]
    assert company_exposure_krw(company) == 500_000_000


def test_an_xlsx_file_with_english_headers(official: User, borrower: Company) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["business_registration_number", "exposure_krw"])
    sheet.append([borrower.business_registration_number, 2_500_000_000])
    handle = io.BytesIO()
    workbook.save(handle)
    handle.seek(0)
    result = run(official, handle)
    assert result.errors == [] and company_exposure_krw(borrower) == 2_500_000_000
