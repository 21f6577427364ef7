"""Attachments: type from content, size limit, sanitised names, download only with permission."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from foster.accounts.choices import Role
from foster.accounts.models import User
from foster.applications.attachments import file_type_detect, filename_sanitise
from foster.applications.models import Application, Attachment
from foster.programs.models import Call
from foster.registry.models import Company
from tests.applications.objects import (
    DOCX_BYTES,
    HWP_BYTES,
    HWPX_BYTES,
    JPEG_BYTES,
    PDF_BYTES,
    PNG_BYTES,
    XLSX_BYTES,
    application_build,
    complete_answers,
    english_client,
    upload,
    zip_bytes,
)
from tests.factories import UserFactory

ACCEPTED = [
    ("plan.pdf", PDF_BYTES, "pdf"),
    ("chart.png", PNG_BYTES, "png"),
    ("photo.jpg", JPEG_BYTES, "jpeg"),
    ("계획서.hwp", HWP_BYTES, "hwp"),
    ("계획서.hwpx", HWPX_BYTES, "hwpx"),
    ("plan.docx", DOCX_BYTES, "docx"),
    ("budget.xlsx", XLSX_BYTES, "xlsx"),
]


@pytest.mark.parametrize(("name", "content", "kind"), ACCEPTED)
def test_each_accepted_type_is_recognised_from_its_bytes(name: str, content: bytes, kind: str) -> None:
    assert file_type_detect(upload("whatever.bin", content)).kind == kind


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"MZ\x90\x00\x03" + b"\x00" * 100, "executable"),
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 100, "executable"),
        (b"#!/bin/sh\nrm -rf /\n", "executable"),
        (b"<script>alert(1)</script>", "executable"),
        (zip_bytes({"payload.exe": b"MZ"}), "unsupported_zip"),
        (b"just some text", "unsupported"),
        (b"", "empty"),
    ],
)
def test_other_content_is_refused_whatever_the_name(content: bytes, code: str) -> None:
    with pytest.raises(ValidationError) as caught:
        file_type_detect(upload("report.pdf", content))
    assert caught.value.code == code


def test_a_file_over_the_size_limit_is_refused(settings: Any) -> None:
    settings.APPLICATION_ATTACHMENT_MAX_BYTES = 100
    with pytest.raises(ValidationError) as caught:
        file_type_detect(upload("big.pdf", PDF_BYTES + b"0" * 100))
    assert caught.value.code == "too_large"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\김\\사업계획서.pdf", "사업계획서.pdf"),
        ("보고\x00서\x1b.pdf", "보고서.pdf"),
        ('a<b>:"c|?*.pdf', "a_b___c___.pdf"),
        (".hidden.pdf", "hidden.pdf"),
        ("report.pdf", "report.pdf"),
        ("chart.PDF", "chart.pdf"),
        ("", "attachment.pdf"),
    ],
)
def test_file_names_are_sanitised(name: str, expected: str) -> None:
    assert filename_sanitise(name, file_type_detect(upload("x", PDF_BYTES))) == expected


def test_a_name_that_lies_about_the_type_gets_the_real_ending() -> None:
    assert filename_sanitise("photo.pdf", file_type_detect(upload("x", PNG_BYTES))) == "photo.pdf.png"


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "content", "kind"), ACCEPTED)
def test_each_accepted_type_is_stored_through_the_form(
    name: str, content: bytes, kind: str, call: Call, company: Company, member: User
) -> None:
    application = application_build(call=call, company=company, applicant=member)

    response = english_client(member).post(
        reverse("applications:application-edit", kwargs={"pk": application.pk}),
        {"action": "save", "business_plan": upload(name, content)},
    )

    attachment = Attachment.objects.get()
    assert response.status_code == 302
    assert attachment.original_name == name
    assert attachment.size_bytes == len(content)
    assert attachment.file.name.startswith("attachments/")
    assert name not in attachment.file.name  # stored under a random name
    assert attachment.file.read() == content


@pytest.mark.django_db
def test_a_renamed_executable_is_refused_with_a_clear_message_and_nothing_stored(
    call: Call, company: Company, member: User, media_root: Any
) -> None:
    application = application_build(call=call, company=company, applicant=member)

    response = english_client(member).post(
        reverse("applications:application-edit", kwargs={"pk": application.pk}),
        {
            **complete_answers(),
            "action": "save",
            "business_plan": upload("사업계획서.pdf", b"MZ\x90\x00" + b"\x00" * 64),
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["business_plan"] == [
        "This file is a program or a script, not a document, whatever its name says. It was refused."
    ]
    application.refresh_from_db()
    assert application.answers == {}
    assert not Attachment.objects.exists()
    assert not list(media_root.rglob("*.*"))


# --- download permission ------------------------------------------------------------------------


@pytest.fixture
def attachment(call: Call, company: Company, member: User) -> Attachment:
    application = application_build(call=call, company=company, applicant=member)
    english_client(member).post(
        reverse("applications:application-edit", kwargs={"pk": application.pk}),
        {"action": "save", "business_plan": upload("../사업 계획서.pdf", PDF_BYTES)},
    )
    return Attachment.objects.get()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["member", "official"])
def test_the_company_and_the_agency_may_download(who: str, attachment: Attachment, request: Any) -> None:
    user = request.getfixturevalue(who)

    response = english_client(user).get(reverse("applications:attachment-download", kwargs={"pk": attachment.pk}))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%EC%82%AC%EC%97%85%20%EA%B3%84%ED%9A%8D%EC%84%9C.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["other_member", "other_official", "reviewer", "public"])
def test_anyone_else_gets_404_and_nothing_changes(who: str, attachment: Attachment, request: Any) -> None:
    if who in {"reviewer", "public"}:
        user = UserFactory(role=Role.REVIEWER if who == "reviewer" else Role.PUBLIC)
    else:
        user = request.getfixturevalue(who)
    before = (list(Attachment.objects.values()), list(Application.objects.values()))

    response = english_client(user).get(reverse("applications:attachment-download", kwargs={"pk": attachment.pk}))

    assert response.status_code == 404
    assert (list(Attachment.objects.values()), list(Application.objects.values())) == before
