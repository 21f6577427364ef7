"""Filling in and submitting an application over HTTP: per-field errors, nothing stored on
failure, conditional sections, form versions, automatic screening with every failing reason."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from foster.accounts.models import User
from foster.applications.choices import ApplicationStatus
from foster.applications.models import Application, Attachment, StatusChange
from foster.core.models import AuditEvent, Notification
from foster.programs.models import ApplicationForm, Call
from foster.registry.models import Company
from tests.applications.objects import PDF_BYTES, SCHEMA, application_build, call_build, complete_answers, upload

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    """Logged in, reading the English interface (the messages asserted are the English ones)."""
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _state(application: Application) -> dict[str, Any]:
    application.refresh_from_db()
    return {
        "status": application.status,
        "answers": application.answers,
        "title": application.title,
        "amount": application.requested_amount_krw,
        "attachments": Attachment.objects.count(),
        "changes": StatusChange.objects.count(),
        "notifications": Notification.objects.count(),
    }


def test_start_creates_a_draft_on_the_current_form_version(call: Call, company: Company, member: User) -> None:
    response = _client(member).post(
        reverse("applications:application-start", kwargs={"call_code": call.code}), {"company": company.pk}
    )

    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("applications:application-edit", kwargs={"pk": application.pk})
    assert (application.status, application.company, application.form.version) == ("draft", company, 1)
    assert AuditEvent.objects.filter(action="application.start", object_id=str(application.pk)).count() == 1


def test_start_is_refused_when_the_call_is_closed(agency: Any, company: Company, member: User) -> None:
    closed = call_build(agency=agency, is_open=False)
    url = reverse("applications:application-start", kwargs={"call_code": closed.code})

    page = _client(member).get(url)
    response = _client(member).post(url, {"company": company.pk})

    assert "This call closed on" in page.content.decode()
    assert response.status_code == 200
    assert not Application.objects.exists()


def test_start_refuses_someone_elses_company(call: Call, member: User, other_member: User) -> None:
    other_company = other_member.company_memberships.get().company
    response = _client(member).post(
        reverse("applications:application-start", kwargs={"call_code": call.code}), {"company": other_company.pk}
    )

    assert response.status_code == 200  # the choice is not offered: the form comes back with an error
    assert "company" in response.context["form"].errors
    assert not Application.objects.exists()


def test_submit_with_missing_and_mistyped_fields_is_refused_per_field_and_stores_nothing(
    call: Call, company: Company, member: User
) -> None:
    application = application_build(call=call, company=company, applicant=member)
    before = _state(application)
    body = {
        "action": "submit",
        "title": "",
        "requested_amount_krw": "일억",
        "summary": "",
        "employees": "twelve",
        "own_funds": "1,000,000",
        "track": "quantum",
        "start_on": "2026-13-45",
    }

    response = _client(member).post(reverse("applications:application-edit", kwargs={"pk": application.pk}), body)

    errors = response.context["form"].errors
    assert response.status_code == 200
    assert set(errors) == {
        "title",
        "requested_amount_krw",
        "summary",
        "employees",
        "track",
        "start_on",
        "business_plan",
    }
    assert errors["requested_amount_krw"] == ["Enter an amount in whole won, such as 150,000,000."]
    assert all(len(messages) == 1 for messages in errors.values())
    assert _state(application) == before


def test_submit_too_large_an_amount_is_refused(call: Call, company: Company, member: User) -> None:
    application = application_build(call=call, company=company, applicant=member)
    body = {
        **complete_answers(requested_amount_krw="600,000,000"),
        "action": "submit",
        "business_plan": upload("plan.pdf", PDF_BYTES),
    }

    response = _client(member).post(reverse("applications:application-edit", kwargs={"pk": application.pk}), body)

    assert response.context["form"].errors["requested_amount_krw"] == ["Enter at most 500,000,000 won."]
    assert _state(application)["status"] == "draft"
    assert Attachment.objects.count() == 0


def test_draft_saves_partial_answers_and_parses_money(call: Call, company: Company, member: User) -> None:
    application = application_build(call=call, company=company, applicant=member)

    response = _client(member).post(
        reverse("applications:application-edit", kwargs={"pk": application.pk}),
        {"action": "save", "summary": "초안", "own_funds": "₩30,000,000원", "requested_amount_krw": "1,500,000"},
    )

    application.refresh_from_db()
    assert response.status_code == 302
    assert application.status == "draft"
    assert application.answers == {"summary": "초안", "own_funds": 30_000_000}
    assert application.requested_amount_krw == 1_500_000


def test_submit_complete_answers_submits_screens_and_notifies(
    call: Call, company: Company, member: User, django_capture_on_commit_callbacks: Any
) -> None:
    application = application_build(call=call, company=company, applicant=member)
    body = {**complete_answers(), "action": "submit", "business_plan": upload("../../사업계획서.pdf", PDF_BYTES)}

    with django_capture_on_commit_callbacks(execute=True):
        response = _client(member).post(reverse("applications:application-edit", kwargs={"pk": application.pk}), body)

    application.refresh_from_db()
    assert response.status_code == 302
    assert application.status == ApplicationStatus.ELIGIBLE
    assert application.is_eligible is True
    assert application.answers == {
        "summary": "제조 현장의 불량 검사를 AI로 자동화합니다.",
        "employees": 12,
        "own_funds": 30_000_000,
        "track": "software",
        "tags": ["vision"],
        "start_on": "2026-03-01",
    }
    assert (application.title, application.requested_amount_krw) == ("AI 비전 검사 고도화", 150_000_000)
    assert list(application.status_changes.values_list("transition", "actor")) == [
        ("submit", member.pk),
        ("screen_eligible", None),
    ]
    assert application.attachments.get().original_name == "사업계획서.pdf"
    assert sorted(Notification.objects.filter(user=member).values_list("kind", flat=True)) == [
        "screening_result",
        "submission_received",
    ]
    assert len(mail.outbox) == 2


def test_conditional_section_is_required_only_when_its_condition_holds(
    call: Call, company: Company, member: User
) -> None:
    application = application_build(call=call, company=company, applicant=member)
    url = reverse("applications:application-edit", kwargs={"pk": application.pk})
    client = _client(member)

    refused = client.post(
        url, {**complete_answers(track="hardware"), "action": "submit", "business_plan": upload("plan.pdf", PDF_BYTES)}
    )
    accepted = client.post(
        url,
        {
            **complete_answers(track="hardware", factory_site="경기 화성"),
            "action": "submit",
            "business_plan": upload("plan.pdf", PDF_BYTES),
        },
    )

    assert refused.context["form"].errors == {"factory_site": ["This field is required."]}
    assert accepted.status_code == 302
    application.refresh_from_db()
    assert application.answers["factory_site"] == "경기 화성"


def test_hidden_section_answers_are_discarded(call: Call, company: Company, member: User) -> None:
    application = application_build(call=call, company=company, applicant=member)
    body = {
        **complete_answers(track="software", factory_site="버려질 값"),
        "action": "submit",
        "business_plan": upload("plan.pdf", PDF_BYTES),
    }

    response = _client(member).post(reverse("applications:application-edit", kwargs={"pk": application.pk}), body)

    application.refresh_from_db()
    assert response.status_code == 302
    assert "factory_site" not in application.answers


def test_application_keeps_the_form_version_it_was_started_with(call: Call, company: Company, member: User) -> None:
    application = application_build(call=call, company=company, applicant=member)
    changed = {"sections": [{**SCHEMA["sections"][0], "fields": SCHEMA["sections"][0]["fields"][:1]}]}
    ApplicationForm.objects.create(call=call, version=2, schema=changed)

    page = _client(member).get(reverse("applications:application-edit", kwargs={"pk": application.pk}))

    assert application.form.version == 1
    assert "own_funds" in page.context["form"].fields  # v1's fields, not v2's


def test_an_ineligible_company_sees_every_failing_rule_with_its_reason(
    agency: Any, member: User, django_capture_on_commit_callbacks: Any
) -> None:
    call = call_build(agency=agency)
    company = member.company_memberships.get().company
    Company.objects.filter(pk=company.pk).update(size_class="large", region="busan", founded_on=dt.date(2001, 1, 1))
    application = application_build(call=call, company=company, applicant=member)
    body = {**complete_answers(), "action": "submit", "business_plan": upload("plan.pdf", PDF_BYTES)}
    client = _client(member)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("applications:application-edit", kwargs={"pk": application.pk}), body)
    page = client.get(
        reverse("applications:application-detail", kwargs={"pk": application.pk}), HTTP_ACCEPT_LANGUAGE="en"
    )

    application.refresh_from_db()
    failures = [item for item in page.context["eligibility"] if not item["passed"]]
    assert application.status == ApplicationStatus.INELIGIBLE
    assert [item["code"] for item in failures] == ["size_class_not_allowed", "region_not_allowed", "company_too_old"]
    html = page.content.decode()
    for item in failures:
        assert item["reason"] in html
    notice = Notification.objects.get(user=member, kind="screening_result")
    assert notice.body.count("\n- ") == 3


def test_a_submitted_application_cannot_be_edited(call: Call, company: Company, member: User) -> None:
    application = application_build(call=call, company=company, applicant=member, status="submitted")

    response = _client(member).post(
        reverse("applications:application-edit", kwargs={"pk": application.pk}),
        {**complete_answers(), "action": "save"},
    )

    application.refresh_from_db()
    assert response.status_code == 302
    assert application.answers == {}


def test_a_schema_that_asks_title_and_amount_itself_fills_the_columns(
    agency: Any, company: Company, member: User
) -> None:
    from foster.programs.seeding import form_schema

    call = call_build(agency=agency)
    form = ApplicationForm.objects.create(call=call, version=2, schema=form_schema(500_000_000, ("business_plan",)))
    application = Application.objects.create(call=call, company=company, form=form, applicant=member)
    body = {
        "action": "submit",
        "project_title": "설비 예지보전",
        "summary": "요약",
        "requested_amount": "200,000,000",
        "ai_area": "vision",
        "is_consortium": "no",
        "start_date": "2026-05-01",
        "business_plan": upload("plan.hwpx", b"PK"),
    }
    client = _client(member)
    url = reverse("applications:application-edit", kwargs={"pk": application.pk})

    page = client.get(url)
    refused = client.post(url, body)
    from tests.applications.objects import HWPX_BYTES

    accepted = client.post(url, {**body, "business_plan": upload("plan.hwpx", HWPX_BYTES)})

    application.refresh_from_db()
    assert "title" not in page.context["form"].fields
    assert "business_plan" in refused.context["form"].errors
    assert accepted.status_code == 302
    assert (application.title, application.requested_amount_krw) == ("설비 예지보전", 200_000_000)
