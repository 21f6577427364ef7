"""Objects of the import routes for tests (also used by tests/test_authorization.py)."""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from foster.registry.choices import ImportStatus
from foster.registry.models import CompanyImport
from foster.registry.seeding import registration_number

HEADER = "사업자등록번호,기업명,영문명,업종코드,지역,기업규모,설립일,종업원수,매출액,AI도입현황\r\n"


def small_csv() -> bytes:
    """A valid two-company file in UTF-8 with Korean column names."""
    rows = [
        f'{registration_number(7_001)},(주)가져오기,Import Co.,26,서울특별시,small,2019-05-01,12,"1,500,000",none',
        f"{registration_number(7_002)},주식회사 둘째,,62,gyeonggi,startup,2023.01.15,3,0,in_use",
    ]
    return (HEADER + "\r\n".join(rows) + "\r\n").encode("utf-8")


def company_import_for(*, owner: Any) -> CompanyImport:
    """A checked import started by ``owner`` (its file stored under MEDIA_ROOT)."""
    company_import = CompanyImport(
        owner=owner, original_name="companies.csv", sha256="0" * 64, language="ko", status=ImportStatus.READY
    )
    company_import.file.save("companies.csv", ContentFile(small_csv()), save=False)
    company_import.plan = {"rows": 2, "created": 2, "updated": 0, "unchanged": 0, "errors": [], "error_count": 0}
    company_import.save()
    return company_import


def company_import_upload() -> dict[str, Any]:
    """The POST body of the upload form."""
    return {"file": SimpleUploadedFile("companies.csv", small_csv(), content_type="text/csv")}
