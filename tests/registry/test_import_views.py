"""The import and export pages over HTTP: upload, background check, errors, plan, apply, refusals."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from foster.accounts.choices import Role
from foster.accounts.models import User
from foster.core.choices import JobStatus
from foster.core.models import AuditEvent
from foster.registry.choices import ImportStatus, Region
from foster.registry.models import Company, CompanyImport
from foster.registry.seeding import registration_number
from tests.factories import CompanyFactory
from tests.registry.conftest import registry_state

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root", "english")]

HEADER = "사업자등록번호,기업명,영문명,업종코드,지역,기업규모,설립일,종업원수,매출액,AI도입현황"
NUMBER_A = registration_number(20)
NUMBER_B = registration_number(21)


def in_english(client: Client) -> Client:
    """Pages and the messages stored with an import in English (Korean is the default)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def upload(name: str, *lines: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ("\r\n".join([HEADER, *lines]) + "\r\n").encode("utf-8"), content_type="text/csv")


@pytest.fixture
def official(make_user: Callable[[str], User]) -> User:
    return make_user(Role.AGENCY_OFFICIAL)


@pytest.fixture
def official_client(official: User) -> Client:
    client = in_english(Client())
    client.force_login(official)
    return client


def test_upload_check_and_apply(
    official_client: Client, official: User, django_capture_on_commit_callbacks: Any
) -> None:
    CompanyFactory(business_registration_number=NUMBER_A, name_ko="(주)기존", employees=12)
    file = upload(
        "companies.csv",
        f"{NUMBER_A},(주)기존,,26,seoul,small,2020-03-01,30,,",
        f"{NUMBER_B},(주)새회사,New Co.,62,경기도,startup,2023-01-15,3,0,in_use",
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = official_client.post(reverse("registry:company-import"), {"file": file})

    company_import = CompanyImport.objects.get()
    detail_url = reverse("registry:company-import-detail", args=[company_import.pk])
    assert (response.status_code, response["Location"]) == (302, detail_url)
    assert company_import.status == ImportStatus.READY
    assert company_import.owner == official
    assert company_import.job is not None
    assert (company_import.job.status, company_import.job.result["next_url"]) == (JobStatus.SUCCEEDED, detail_url)
    assert (company_import.job.done, company_import.job.total) == (4, 4)  # 2 rows read, 2 rows checked
    assert Company.objects.count() == 1

    page = official_client.get(detail_url).content.decode()
    assert "Apply this import" in page
    assert "(주)새회사" in page
    assert "<td>종업원수</td>\n        <td>12</td>\n        <td>30</td>" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = official_client.post(detail_url)

    assert (response.status_code, response["Location"]) == (302, detail_url)
    company_import.refresh_from_db()
    assert company_import.status == ImportStatus.APPLIED
    assert company_import.job is not None
    assert (company_import.job.status, company_import.job.done, company_import.job.total) == (
        JobStatus.SUCCEEDED,
        6,
        6,
    )
    assert company_import.job.result["created"] == 1
    assert Company.objects.get(business_registration_number=NUMBER_A).employees == 30
    assert Company.objects.get(business_registration_number=NUMBER_B).region == Region.GYEONGGI
    assert AuditEvent.objects.filter(action="company.import").count() == 1
    page = official_client.get(detail_url).content.decode()
    assert "1 companies added, 1 updated, 0 unchanged." in page

    with django_capture_on_commit_callbacks(execute=True):
        official_client.post(detail_url)  # a second click applies nothing
    assert AuditEvent.objects.filter(action="company.import").count() == 1


def test_bad_row_is_listed_and_nothing_is_imported(
    official_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    before = registry_state()
    file = upload(
        "companies.csv",
        f"{NUMBER_A},(주)하나,,26,seoul,small,2020-03-01,3,0,none",
        f"{NUMBER_B},(주)둘,,26,seoul,small,2020-13-01,3,0,none",
    )

    with django_capture_on_commit_callbacks(execute=True):
        official_client.post(reverse("registry:company-import"), {"file": file})

    company_import = CompanyImport.objects.get()
    detail_url = reverse("registry:company-import-detail", args=[company_import.pk])
    page = official_client.get(detail_url).content.decode()
    assert company_import.status == ImportStatus.INVALID
    assert "nothing was imported" in page
    assert '<td class="number">3</td>\n        <td>설립일</td>\n        <td>2020-13-01</td>' in page
    assert "Apply this import" not in page
    assert registry_state() == before

    with django_capture_on_commit_callbacks(execute=True):
        official_client.post(detail_url)  # applying an invalid import is refused
    assert registry_state() == before

    download = official_client.get(detail_url, {"download": "errors"})
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows == [
        ["Row", "Column", "Value", "What to fix"],
        ["3", "설립일", "2020-13-01", "“2020-13-01” is not a date. Write it as YYYY-MM-DD, for example 2020-03-01."],
    ]


def test_xlsx_upload(official_client: Client, django_capture_on_commit_callbacks: Any) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(HEADER.split(","))
    sheet.append([NUMBER_A, "(주)엑셀", "", "62", "seoul", "small", "2020-03-01", 3, 0, "none"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    file = SimpleUploadedFile("companies.xlsx", buffer.getvalue())

    with django_capture_on_commit_callbacks(execute=True):
        official_client.post(reverse("registry:company-import"), {"file": file})
    company_import = CompanyImport.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        official_client.post(reverse("registry:company-import-detail", args=[company_import.pk]))

    assert Company.objects.get().name_ko == "(주)엑셀"


def test_unsupported_file_shows_the_form_again(official_client: Client) -> None:
    file = SimpleUploadedFile("companies.xls", b"\xd0\xcf\x11\xe0")

    response = official_client.post(reverse("registry:company-import"), {"file": file})

    assert response.status_code == 200
    assert "Old Excel files (.xls) cannot be read." in response.content.decode()
    assert not CompanyImport.objects.exists()


@pytest.mark.parametrize("role", [Role.COMPANY_MEMBER, Role.MINISTRY_PLANNER, Role.PUBLIC, Role.REVIEWER])
def test_non_officials_are_refused_and_nothing_changes(
    role: str, client_for: Callable[[str | None], Client], django_capture_on_commit_callbacks: Any
) -> None:
    client = in_english(client_for(role))
    before = registry_state()
    file = upload("companies.csv", f"{NUMBER_B},(주)새회사,New Co.,62,경기도,startup,2023-01-15,3,0,in_use")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("registry:company-import"), {"file": file})

    assert response.status_code == 403
    assert client.get(reverse("registry:company-import")).status_code == 403
    assert registry_state() == before
    assert not CompanyImport.objects.exists()


def test_another_officials_import_is_hidden(
    official: User, make_user: Callable[[str], User], django_capture_on_commit_callbacks: Any
) -> None:
    from tests.registry.transfer_objects import company_import_for

    company_import = company_import_for(owner=official)
    other = Client()
    other.force_login(make_user(Role.AGENCY_OFFICIAL))
    url = reverse("registry:company-import-detail", args=[company_import.pk])

    with django_capture_on_commit_callbacks(execute=True):
        responses = [other.get(url).status_code, other.post(url).status_code]

    assert responses == [404, 404]
    assert Company.objects.count() == 0
    company_import.refresh_from_db()
    assert company_import.status == ImportStatus.READY


def test_export_view_streams_csv_with_the_list_filters(official_client: Client) -> None:
    CompanyFactory(name_ko="(주)부산", region=Region.BUSAN)
    CompanyFactory(name_ko="(주)서울", region=Region.SEOUL)

    response = official_client.get(reverse("registry:company-export"), {"format": "csv", "region": "busan"})

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="companies-')
    body = b"".join(response.streaming_content).decode("utf-8")  # type: ignore[attr-defined]
    lines = body.splitlines()
    assert lines[0].startswith("\ufeff")
    assert [line.split(",")[1] for line in lines[1:]] == ["(주)부산"]


def test_export_view_xlsx(official_client: Client) -> None:
    CompanyFactory(name_ko="(주)엑셀로")

    response = official_client.get(reverse("registry:company-export"), {"format": "xlsx"})

    content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    assert [row[1] for row in sheet.iter_rows(values_only=True)] == ["name_ko", "(주)엑셀로"]


@pytest.mark.parametrize("role", [Role.COMPANY_MEMBER, Role.PUBLIC, Role.REVIEWER])
def test_export_view_refuses_other_roles(role: str, client_for: Callable[[str | None], Client]) -> None:
    assert client_for(role).get(reverse("registry:company-export")).status_code == 403


def test_navigation_and_list_links(client_for: Callable[[str | None], Client]) -> None:
    official_page = in_english(client_for(Role.AGENCY_OFFICIAL)).get(reverse("registry:company-list")).content.decode()
    planner_page = in_english(client_for(Role.MINISTRY_PLANNER)).get(reverse("registry:company-list")).content.decode()
    member_page = in_english(client_for(Role.COMPANY_MEMBER)).get(reverse("registry:company-list")).content.decode()

    import_link = f'href="{reverse("registry:company-import")}"'
    export_link = f'href="{reverse("registry:company-export")}?format=xlsx'
    assert import_link in official_page
    assert export_link in official_page
    assert import_link not in planner_page
    assert export_link in planner_page
    assert import_link not in member_page
    assert export_link not in member_page


def test_a_queued_check_shows_its_progress(official_client: Client) -> None:
    file = upload("companies.csv", f"{NUMBER_A},(주)하나,,26,seoul,small,2020-03-01,3,0,none")

    official_client.post(reverse("registry:company-import"), {"file": file})  # the task waits for the commit

    company_import = CompanyImport.objects.get()
    assert company_import.job is not None
    page = official_client.get(reverse("registry:company-import-detail", args=[company_import.pk])).content.decode()
    assert company_import.status == ImportStatus.CHECKING
    assert f'hx-get="{reverse("core:job-detail", args=[company_import.job.pk])}"' in page
    assert "Apply this import" not in page


def test_pages_render_in_korean(client_for: Callable[[str | None], Client]) -> None:
    client = client_for(Role.AGENCY_OFFICIAL)

    response = client.get(reverse("registry:company-import"))

    assert response.status_code == 200
    assert "사업자등록번호" in response.content.decode()


def test_error_download_does_not_carry_formulas(
    official_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    file = upload("companies.csv", f"{NUMBER_A},(주)하나,,26,=1+2,small,2020-03-01,3,0,none")

    with django_capture_on_commit_callbacks(execute=True):
        official_client.post(reverse("registry:company-import"), {"file": file})
    company_import = CompanyImport.objects.get()
    download = official_client.get(
        reverse("registry:company-import-detail", args=[company_import.pk]), {"download": "errors"}
    )

    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[1][:3] == ["2", "지역", "'=1+2"]
