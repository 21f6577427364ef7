"""Export of the company list: formats, round trip through import, filters, scoping, the commands."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterator
from pathlib import Path

import openpyxl
import pytest
import rules
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError

from foster.accounts.choices import Role
from foster.accounts.models import User
from foster.accounts.permissions import is_signed_in
from foster.registry.choices import AIAdoption, Region, SizeClass
from foster.registry.exporting import company_export_csv, company_export_queryset, company_export_xlsx
from foster.registry.models import Company
from foster.registry.selectors import CompanyFilter
from tests.factories import CompanyFactory, CompanyMembershipFactory
from tests.registry.conftest import registry_state, run_import

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root", "english")]


@pytest.fixture
def official(make_user: Callable[[str], User]) -> User:
    return make_user(Role.AGENCY_OFFICIAL)


@pytest.fixture
def companies() -> list[Company]:
    """Companies whose values test the edges of both formats."""
    return [
        CompanyFactory(name_ko="(주)가나다", name_en="", ksic_division="01", ksic_section="A", region=Region.JEJU),
        CompanyFactory(name_ko='=HYPERLINK("x")', name_en='+Plus, "Quoted" Co.', region=Region.BUSAN),
        CompanyFactory(
            name_ko="주식회사 큰수",
            size_class=SizeClass.LARGE,
            employees=20_000,
            revenue_krw=50_000_000_000_000,
            founded_on=dt.date(1950, 1, 1),
            ai_adoption=AIAdoption.AI_PROVIDER,
        ),
    ]


def csv_text(user: User | None, filters: CompanyFilter = CompanyFilter(), language: str = "ko") -> str:  # noqa: B008
    queryset = company_export_queryset(user=user, filters=filters)
    return "".join(company_export_csv(queryset=queryset, language=language))


def test_csv_has_byte_order_mark_import_headers_and_escaped_formulas(official: User, companies: list[Company]) -> None:
    text = csv_text(official)

    assert text.startswith(
        "\ufeff사업자등록번호,기업명,영문명,업종코드,지역,기업규모,설립일,종업원수,매출액,AI도입현황\r\n"
    )
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    by_name = {row[1]: row for row in rows[1:]}
    number = companies[2].business_registration_number
    assert by_name["주식회사 큰수"] == [
        f"{number[:3]}-{number[3:5]}-{number[5:]}",
        "주식회사 큰수",
        companies[2].name_en,
        "26",
        "seoul",
        "large",
        "1950-01-01",
        "20000",
        "50000000000000",
        "ai_provider",
    ]
    assert by_name['\'=HYPERLINK("x")'][2] == '\'+Plus, "Quoted" Co.'
    assert by_name["(주)가나다"][3] == "01"


def test_csv_round_trips_through_import_without_changes(official: User, companies: list[Company]) -> None:
    before = registry_state()
    content = csv_text(official).encode("utf-8")

    plan = run_import(official, content)

    assert (plan.rows, plan.created, plan.updated, plan.unchanged, plan.errors) == (3, 0, 0, 3, [])
    assert registry_state() == before


def test_xlsx_round_trips_through_import_without_changes(official: User, companies: list[Company]) -> None:
    before = registry_state()
    buffer = io.BytesIO()
    count = company_export_xlsx(
        queryset=company_export_queryset(user=official, filters=CompanyFilter()), language="en", destination=buffer
    )
    workbook = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    sheet = workbook.worksheets[0]
    formula_cell = next(cell for cell in sheet["B"] if cell.value == '=HYPERLINK("x")')

    plan = run_import(official, buffer.getvalue(), filename="companies.xlsx")

    assert count == 3
    assert [cell.value for cell in sheet[1]][:3] == ["business_registration_number", "name_ko", "name_en"]
    assert formula_cell.data_type == "s"  # text, not a formula Excel would run
    assert (plan.rows, plan.created, plan.updated, plan.unchanged, plan.errors) == (3, 0, 0, 3, [])
    assert registry_state() == before


def test_export_applies_the_list_filters(official: User, companies: list[Company]) -> None:
    text = csv_text(official, CompanyFilter(region=Region.BUSAN))

    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))

    assert [row[1] for row in rows[1:]] == ['\'=HYPERLINK("x")']


@pytest.fixture
def export_open_to_everyone() -> Iterator[None]:
    """Grant export to every signed-in user for one test, to show that scoping holds on its own."""
    original = rules.permissions.permissions["registry.export_companies"]
    rules.set_perm("registry.export_companies", is_signed_in)
    yield
    rules.set_perm("registry.export_companies", original)


def test_company_member_may_not_export(make_user: Callable[[str], User], companies: list[Company]) -> None:
    member = make_user(Role.COMPANY_MEMBER)

    with pytest.raises(PermissionDenied, match="may not export"):
        company_export_queryset(user=member, filters=CompanyFilter())


@pytest.mark.usefixtures("export_open_to_everyone")
def test_export_is_scoped_even_when_permission_is_granted(
    make_user: Callable[[str], User], companies: list[Company]
) -> None:
    member = make_user(Role.COMPANY_MEMBER)
    own = Company.objects.get(memberships__user=member)
    CompanyMembershipFactory(user=member, company=companies[0])

    text = csv_text(member)

    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert sorted(row[0].replace("-", "") for row in rows[1:]) == sorted(
        [own.business_registration_number, companies[0].business_registration_number]
    )
    assert Company.objects.count() == 4


def test_export_command_writes_csv_and_xlsx(tmp_path: Path, companies: list[Company]) -> None:
    csv_path = tmp_path / "out.csv"
    xlsx_path = tmp_path / "out.xlsx"

    call_command("export-companies", "--out", str(csv_path), "--region", "busan", verbosity=0)
    call_command("export-companies", "--out", str(xlsx_path), "--headers", "en", verbosity=0)

    lines = csv_path.read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("사업자등록번호,")
    sheet = openpyxl.load_workbook(xlsx_path, read_only=True).worksheets[0]
    assert len(list(sheet.iter_rows(values_only=True))) == 4


def test_export_command_as_a_user_without_permission_fails(
    tmp_path: Path, make_user: Callable[[str], User], companies: list[Company]
) -> None:
    member = make_user(Role.COMPANY_MEMBER)

    with pytest.raises(CommandError, match="may not export companies"):
        call_command("export-companies", "--out", str(tmp_path / "out.csv"), "--as", member.email, verbosity=0)

    assert not (tmp_path / "out.csv").exists()


def test_import_command_prints_every_bad_row_and_fails(
    tmp_path: Path, official: User, capsys: pytest.CaptureFixture[str], companies: list[Company]
) -> None:
    export_path = tmp_path / "companies.csv"
    call_command("export-companies", "--out", str(export_path), verbosity=0)
    lines = export_path.read_text(encoding="utf-8-sig").splitlines()
    lines[2] = lines[2].replace(",seoul,", ",atlantis,").replace(",busan,", ",atlantis,")
    bad_path = tmp_path / "bad.csv"
    bad_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = registry_state()

    with pytest.raises(CommandError, match="Nothing was imported: 1 error in 1 row\\."):
        call_command("import-companies", str(bad_path), "--as", official.email, "--language", "en", verbosity=0)

    assert "row 3, column 지역 (value “atlantis”): “atlantis” is not one of the 17 regions" in capsys.readouterr().err
    assert registry_state() == before


def test_import_command_dry_run_and_apply(
    tmp_path: Path, official: User, capsys: pytest.CaptureFixture[str], companies: list[Company]
) -> None:
    export_path = tmp_path / "companies.csv"
    call_command("export-companies", "--out", str(export_path), verbosity=0)
    text = export_path.read_text(encoding="utf-8-sig").replace("20000", "20001")
    export_path.write_text(text, encoding="cp949", errors="strict")
    before = registry_state()

    call_command("import-companies", str(export_path), "--dry-run", verbosity=0)
    assert "3 rows: 0 companies would be added, 1 would be updated, 2 unchanged." in capsys.readouterr().out
    assert registry_state() == before

    call_command("import-companies", str(export_path), "--as", official.email, verbosity=0)
    assert "3 rows: 0 companies were added, 1 were updated, 2 unchanged." in capsys.readouterr().out
    assert Company.objects.get(name_ko="주식회사 큰수").employees == 20_001
