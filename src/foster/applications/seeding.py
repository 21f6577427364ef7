"""Demo applications: a few thousand across the demo calls, in plausible states, screened with the
real eligibility rules (``programs.eligibility.application_eligibility``) and with their status
history. Deterministic from a seed. A bulk path: rows are written with ``bulk_create`` and no
notification is sent.

Every application's file fields point at one shared sample PDF (``attachments/demo/sample.pdf``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from foster.applications.choices import ApplicationStatus as S
from foster.applications.forms import requested_amount_key, schema_fields, title_key
from foster.applications.models import Application, Attachment, StatusChange
from foster.core.models import AuditEvent
from foster.programs.eligibility import application_eligibility
from foster.programs.models import Call
from foster.registry.models import Company

SAMPLE_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
SAMPLE_NAME = "attachments/demo/sample.pdf"
PER_CALL = 150
TITLES = [
    "AI 비전 검사 고도화",
    "제조 설비 예지보전",
    "생성형 AI 상담 서비스",
    "수요 예측 플랫폼",
    "스마트공장 데이터 분석",
]

# Where eligible applications of a closed call end up, with weights; each path is a chain of steps.
CLOSED_PATHS: list[tuple[list[tuple[str, str]], int]] = [
    ([("start_review", S.UNDER_REVIEW), ("finish_review", S.REVIEWED), ("select", S.SELECTED)], 10),
    (
        [
            ("start_review", S.UNDER_REVIEW),
            ("finish_review", S.REVIEWED),
            ("select", S.SELECTED),
            ("sign_agreement", S.AGREEMENT),
            ("activate", S.ACTIVE),
        ],
        10,
    ),
    ([("start_review", S.UNDER_REVIEW), ("finish_review", S.REVIEWED), ("reserve", S.RESERVE)], 10),
    ([("start_review", S.UNDER_REVIEW), ("finish_review", S.REVIEWED), ("reject", S.REJECTED)], 45),
    ([("start_review", S.UNDER_REVIEW)], 15),
    ([("withdraw", S.WITHDRAWN)], 10),
]
OPEN_PATHS: list[tuple[list[tuple[str, str]], int]] = [
    ([], 70),
    ([("start_review", S.UNDER_REVIEW)], 20),
    ([("withdraw", S.WITHDRAWN)], 10),
]


def _answer(field: dict[str, Any], rng: random.Random, call: Call) -> Any:
    kind = field.get("type")
    choices = [str(c.get("value")) if isinstance(c, dict) else str(c) for c in field.get("choices") or []]
    if kind == "money":
        return rng.randrange(1, 11) * call.max_award_krw // 10
    if kind == "number":
        return rng.randint(int(field.get("min") or 0), min(int(field.get("max") or 50), 50))
    if kind == "choice":
        return rng.choice(choices) if choices else ""
    if kind == "multi_choice":
        return rng.sample(choices, k=rng.randint(0, len(choices))) if choices else []
    if kind == "date":
        return (timezone.localdate(call.closes_at) + dt.timedelta(days=rng.randint(30, 90))).isoformat()
    if kind == "long_text":
        return "AI 기술을 활용해 생산성을 높이고 불량률을 줄이는 과제입니다."
    return rng.choice(TITLES)


def applications_seed(*, seed: int = 2026, per_call: int = PER_CALL) -> int:
    """Create demo applications for every call that has opened and has a form, if none exist yet.
    Returns how many were created."""
    if Application.objects.exists():
        return 0
    rng = random.Random(seed)
    if not default_storage.exists(SAMPLE_NAME):
        default_storage.save(SAMPLE_NAME, ContentFile(SAMPLE_PDF))
    digest = hashlib.sha256(SAMPLE_PDF).hexdigest()
    company_ids = list(Company.objects.order_by("id").values_list("id", flat=True))
    now = timezone.now()
    created = 0
    calls = Call.objects.filter(opens_at__lte=now).select_related("program", "program__agency").order_by("code")
    for call in calls:
        form = call.current_form()
        if form is None or not company_ids:
            continue
        companies = Company.objects.in_bulk(rng.sample(company_ids, k=min(per_call, len(company_ids))))
        members = _first_members(list(companies))
        with transaction.atomic():
            created += _seed_call(call, form, list(companies.values()), members, rng, digest, now)
    return created


def _first_members(company_ids: list[int]) -> dict[int, int]:
    from foster.registry.models import CompanyMembership

    members: dict[int, int] = {}
    for company_id, user_id in CompanyMembership.objects.filter(company_id__in=company_ids).values_list(
        "company_id", "user_id"
    ):
        members.setdefault(company_id, user_id)
    return members


def _seed_call(
    call: Call, form: Any, companies: list[Company], members: dict[int, int], rng: random.Random, digest: str, now: Any
) -> int:
    from foster.accounts.models import User

    fallback_user = User.objects.filter(role="company_member").order_by("id").first()
    if fallback_user is None:
        return 0
    is_open = call.closes_at > now
    schema = form.schema
    file_keys = [field["key"] for _s, field in schema_fields(schema) if field.get("type") == "file"]
    title_field, amount_field = title_key(schema), requested_amount_key(schema)
    applications, plans = [], []
    for company in companies:
        answers = {
            field["key"]: _answer(field, rng, call)
            for _s, field in schema_fields(schema)
            if field.get("type") != "file"
        }
        if answers.get("is_consortium") != "yes":
            answers = {k: v for k, v in answers.items() if k not in {"partner_names", "lead_share_percent"}}
        is_draft = is_open and rng.random() < 0.2
        attached = [key for key in file_keys if rng.random() < 0.93]
        given = answers.get(amount_field)
        amount: int = given if isinstance(given, int) else call.max_award_krw // 2
        submitted_at = call.opens_at + (min(call.closes_at, now) - call.opens_at) * rng.random()
        applications.append(
            Application(
                call=call,
                company=company,
                form=form,
                applicant_id=members.get(company.pk, fallback_user.pk),
                status=S.DRAFT if is_draft else S.SUBMITTED,
                title=str(answers.get(title_field) or rng.choice(TITLES)),
                requested_amount_krw=amount,
                answers=answers,
                submitted_at=None if is_draft else submitted_at,
            )
        )
        plans.append(attached)
    Application.objects.bulk_create(applications)
    saved = {a.company_id: a for a in Application.objects.filter(call=call).select_related("company")}
    attachments, changes, events = [], [], []
    for application, attached in zip(applications, plans, strict=True):
        row = saved[application.company_id]
        for key in attached:
            attachments.append(
                Attachment(
                    application=row,
                    field_key=key,
                    file=SAMPLE_NAME,
                    original_name=f"{key}.pdf",
                    content_type="application/pdf",
                    size_bytes=len(SAMPLE_PDF),
                    sha256=digest,
                )
            )
        if row.status == S.DRAFT:
            continue
        steps: list[tuple[str, str, str, int | None]] = [("submit", S.DRAFT, S.SUBMITTED, row.applicant_id)]
        report = application_eligibility(
            company=row.company,
            call=call,
            requested_amount_krw=row.requested_amount_krw,
            document_kinds=frozenset(attached),
            designated=False,
        )
        row.eligibility, row.is_eligible = report.to_data(), report.is_eligible
        screened = S.ELIGIBLE if report.is_eligible else S.INELIGIBLE
        steps.append(("screen_eligible" if report.is_eligible else "screen_ineligible", S.SUBMITTED, screened, None))
        status: str = screened
        if report.is_eligible:
            paths = OPEN_PATHS if call.closes_at > now else CLOSED_PATHS
            path = rng.choices([p for p, _w in paths], weights=[w for _p, w in paths])[0]
            for name, target in path:
                steps.append((name, status, target, row.applicant_id if name == "withdraw" else None))
                status = target
        row.status = status
        for name, source, target, actor_id in steps:
            reason = "사업 일정 변경" if name == "withdraw" else ""
            changes.append(
                StatusChange(
                    application=row,
                    actor_id=actor_id,
                    transition=name,
                    from_status=source,
                    to_status=target,
                    reason=reason,
                )
            )
            events.append(
                AuditEvent(
                    actor_id=actor_id,
                    action=f"application.{name}",
                    object_type="applications.application",
                    object_id=str(row.pk),
                    reason=reason,
                    changes={"status": [source, target], "seeded": True},
                )
            )
    Application.objects.bulk_update(list(saved.values()), ["status", "eligibility", "is_eligible"], batch_size=500)
    Attachment.objects.bulk_create(attachments, batch_size=1000)
    StatusChange.objects.bulk_create(changes, batch_size=1000)
    AuditEvent.objects.bulk_create(events, batch_size=1000)
    return len(applications)
