"""Objects the application tests (and the authorization matrix) build: calls with a form, applications,
and tiny but real files of every accepted type."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from foster.accounts.models import Agency
from foster.applications.choices import ApplicationStatus
from foster.applications.models import Application
from foster.programs.models import ApplicationForm, Call, Program
from foster.registry.models import Company

SCHEMA: dict[str, Any] = {
    "sections": [
        {
            "key": "basics",
            "title_ko": "기본 정보",
            "title_en": "Basics",
            "show_if": None,
            "fields": [
                {
                    "key": "summary",
                    "type": "long_text",
                    "label_ko": "사업 요약",
                    "label_en": "Summary",
                    "help_ko": "한 쪽 이내",
                    "help_en": "One page at most",
                    "required": True,
                    "max_length": 2000,
                },
                {
                    "key": "employees",
                    "type": "number",
                    "label_ko": "직원 수",
                    "label_en": "Employees",
                    "required": False,
                    "min": 0,
                },
                {
                    "key": "own_funds",
                    "type": "money",
                    "label_ko": "자부담",
                    "label_en": "Own funds",
                    "required": True,
                    "min": 0,
                },
                {
                    "key": "track",
                    "type": "choice",
                    "label_ko": "분야",
                    "label_en": "Track",
                    "required": True,
                    "choices": [
                        {"value": "software", "label_ko": "소프트웨어", "label_en": "Software"},
                        {"value": "hardware", "label_ko": "하드웨어", "label_en": "Hardware"},
                    ],
                },
                {
                    "key": "tags",
                    "type": "multi_choice",
                    "label_ko": "태그",
                    "label_en": "Tags",
                    "required": False,
                    "choices": ["vision", "language", "robotics"],
                },
                {"key": "start_on", "type": "date", "label_ko": "시작일", "label_en": "Start date", "required": True},
                {
                    "key": "business_plan",
                    "type": "file",
                    "label_ko": "사업계획서",
                    "label_en": "Business plan",
                    "required": True,
                },
            ],
        },
        {
            "key": "hardware",
            "title_ko": "하드웨어 정보",
            "title_en": "Hardware",
            "show_if": {"field": "track", "equals": "hardware"},
            "fields": [
                {
                    "key": "factory_site",
                    "type": "text",
                    "label_ko": "공장 위치",
                    "label_en": "Factory site",
                    "required": True,
                },
            ],
        },
    ]
}

RULES: dict[str, Any] = {
    "version": 1,
    "rules": [
        {"kind": "size_class_in", "size_classes": ["small", "startup"]},
        {"kind": "region_in", "regions": ["seoul"]},
        {"kind": "company_age_at_most", "years": 7},
        {"kind": "required_documents", "document_kinds": ["business_plan"]},
    ],
}

_counter = iter(range(1, 10**9))


def call_build(*, agency: Agency, is_open: bool = True, rules: dict[str, Any] | None = None, **fields: Any) -> Call:
    """A call of a new program of ``agency`` with one form version (``SCHEMA``)."""
    number = next(_counter)
    program = Program.objects.create(
        agency=agency,
        code=f"test-program-{number}",
        name_ko=f"시험사업{number}",
        name_en=f"Test program {number}",
        program_type="grant",
    )
    now = timezone.now()
    opens_at = now - dt.timedelta(days=10) if is_open else now - dt.timedelta(days=60)
    closes_at = now + dt.timedelta(days=20) if is_open else now - dt.timedelta(days=30)
    call = Call.objects.create(
        program=program,
        code=f"test-call-{number}",
        title_ko=f"시험공고{number}",
        title_en=f"Test call {number}",
        opens_at=opens_at,
        closes_at=closes_at,
        budget_krw=10_000_000_000,
        max_award_krw=500_000_000,
        eligibility_rules=RULES if rules is None else rules,
        **fields,
    )
    ApplicationForm.objects.create(call=call, version=1, schema=SCHEMA)
    return call


def application_build(
    *, call: Call, company: Company, applicant: Any, status: str = ApplicationStatus.DRAFT, **fields: Any
) -> Application:
    """An application in ``status`` written directly (tests of later steps start from here)."""
    return Application.objects.create(
        call=call, company=company, form=call.current_form(), applicant=applicant, status=status, **fields
    )


# --- tiny real files ---------------------------------------------------------------------------

PDF_BYTES = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
HWP_BYTES = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


DOCX_BYTES = zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX_BYTES = zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
HWPX_BYTES = zip_bytes({"mimetype": b"application/hwp+zip", "Contents/section0.xml": b"<sec/>"})


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def complete_answers(**changes: Any) -> dict[str, Any]:
    """A valid, complete POST body for ``SCHEMA`` (without the file)."""
    data = {
        "title": "AI 비전 검사 고도화",
        "requested_amount_krw": "150,000,000",
        "summary": "제조 현장의 불량 검사를 AI로 자동화합니다.",
        "employees": "12",
        "own_funds": "30,000,000",
        "track": "software",
        "tags": ["vision"],
        "start_on": "2026-03-01",
    }
    data.update(changes)
    return data


def english_client(user: Any) -> Any:
    """A test client logged in as ``user`` reading the English interface."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
