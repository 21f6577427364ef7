"""Demo applications: a few thousand across the demo calls, in plausible states, screened with the
real eligibility rules (``programs.eligibility.application_eligibility``) and with their status
history. Deterministic from a seed. A bulk path: rows are written with ``bulk_create`` and no
notification is sent.

Calls are seeded in the order they close, so a round is screened after the rounds before it: a
company selected in a closed round of a designation program is already designated when it applies
to the open round (``applications.services.designated_company_ids``), and is screened ineligible.
A fifth of each round's applicants applied to an earlier round of the same program.

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

from foster.accounts.choices import Role
from foster.accounts.models import User
from foster.applications.choices import ApplicationStatus as S
from foster.applications.models import Application, Attachment, StatusChange
from foster.applications.schema import requested_amount_key, schema_fields, section_is_shown, title_key
from foster.applications.services import designated_company_ids
from foster.applications.workflow import TRANSITIONS_BY_NAME
from foster.core.models import AuditEvent
from foster.programs.choices import FieldType
from foster.programs.eligibility import application_eligibility
from foster.programs.models import Call
from foster.registry.models import Company, CompanyMembership

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

# Where eligible applications of a closed call end up, with weights; each path is a chain of
# workflow steps (``workflow.TRANSITIONS``) taken after the screening.
CLOSED_PATHS: list[tuple[list[str], int]] = [
    (["start_review", "finish_review", "select"], 10),
    (["start_review", "finish_review", "select", "sign_agreement", "activate"], 10),
    (["start_review", "finish_review", "reserve"], 10),
    (["start_review", "finish_review", "reject"], 45),
    (["start_review"], 15),
    (["withdraw"], 10),
]
OPEN_PATHS: list[tuple[list[str], int]] = [
    ([], 70),
    (["start_review"], 20),
    (["withdraw"], 10),
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
    rng = random.Random(seed)  # nosec B311  # seeded generator for reproducible demo data, not a secret
    if not default_storage.exists(SAMPLE_NAME):
        default_storage.save(SAMPLE_NAME, ContentFile(SAMPLE_PDF))
    digest = hashlib.sha256(SAMPLE_PDF).hexdigest()
    company_ids = list(Company.objects.order_by("id").values_list("id", flat=True))
    fallback_user = User.objects.filter(role=Role.COMPANY_MEMBER).order_by("id").first()
    now = timezone.now()
    created = 0
    calls = (
        Call.objects.filter(opens_at__lte=now)
        .select_related("program", "program__agency")
        .order_by("closes_at", "code")
    )
    applicants_of_program: dict[int, list[int]] = {}
    for call in calls:
        form = call.current_form()
        if form is None or not company_ids or fallback_user is None:
            continue
        earlier = applicants_of_program.setdefault(call.program_id, [])
        returning = rng.sample(earlier, k=min(len(earlier), per_call // 5))
        sample = rng.sample(company_ids, k=min(per_call, len(company_ids)))
        chosen = list(dict.fromkeys([*returning, *sample]))[:per_call]
        companies = Company.objects.in_bulk(chosen)
        members = _first_members(chosen)
        designated = designated_company_ids(chosen)
        with transaction.atomic():
            created += _seed_call(
                call, form, [companies[pk] for pk in chosen], members, designated, fallback_user.pk, rng, digest, now
            )
        already = set(earlier)
        earlier.extend(pk for pk in chosen if pk not in already)
    return created


def _first_members(company_ids: list[int]) -> dict[int, int]:
    members: dict[int, int] = {}
    for company_id, user_id in CompanyMembership.objects.filter(company_id__in=company_ids).values_list(
        "company_id", "user_id"
    ):
        members.setdefault(company_id, user_id)
    return members


def _seed_call(
    call: Call,
    form: Any,
    companies: list[Company],
    members: dict[int, int],
    designated: set[int],
    fallback_user_id: int,
    rng: random.Random,
    digest: str,
    now: Any,
) -> int:
    is_open = call.closes_at > now
    schema = form.schema
    file_keys = [field["key"] for _s, field in schema_fields(schema) if field.get("type") == FieldType.FILE]
    title_field, amount_field = title_key(schema), requested_amount_key(schema)
    applications, plans = [], []
    for company in companies:
        generated = [
            (section, field["key"], _answer(field, rng, call))
            for section, field in schema_fields(schema)
            if field.get("type") != FieldType.FILE
        ]
        every_answer = {key: value for _section, key, value in generated}
        # The answers of a section the answers hide are discarded, as on submission.
        answers = {key: value for section, key, value in generated if section_is_shown(section, every_answer)}
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
                applicant_id=members.get(company.pk, fallback_user_id),
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
        steps: list[tuple[str, int | None]] = [("submit", row.applicant_id)]
        report = application_eligibility(
            company=row.company,
            call=call,
            requested_amount_krw=row.requested_amount_krw,
            document_kinds=frozenset(attached),
            designated=row.company_id in designated,
        )
        row.eligibility, row.is_eligible = report.to_data(), report.is_eligible
        steps.append(("screen_eligible" if report.is_eligible else "screen_ineligible", None))
        if report.is_eligible:
            paths = OPEN_PATHS if is_open else CLOSED_PATHS
            path = rng.choices([p for p, _w in paths], weights=[w for _p, w in paths])[0]
            steps.extend((name, row.applicant_id if name == "withdraw" else None) for name in path)
        status: str = S.DRAFT
        for name, actor_id in steps:
            transition = TRANSITIONS_BY_NAME[name]
            assert status in transition.source, f"{name} cannot follow {status}"
            source, target = status, transition.target
            status = target
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
                    object_type=Application._meta.label_lower,
                    object_id=str(row.pk),
                    reason=reason,
                    changes={"status": [source, target], "seeded": True},
                )
            )
        row.status = status
    Application.objects.bulk_update(list(saved.values()), ["status", "eligibility", "is_eligible"], batch_size=500)
    Attachment.objects.bulk_create(attachments, batch_size=1000)
    StatusChange.objects.bulk_create(changes, batch_size=1000)
    AuditEvent.objects.bulk_create(events, batch_size=1000)
    return len(applications)


def applications_bulk_seed(*, total: int, seed: int = 1) -> int:
    """Bring the number of applications up to ``total`` for the load test (``foster seed
    --applications``): each call that has demo applications (``applications_seed``) gets an equal
    share more, each a copy of one of that call's demo applications (form, status, answers,
    screening, amounts, dates) for another company of the registry, so every call keeps its mix of
    states. PostgreSQL only (one ``INSERT ... SELECT`` per call over consecutive companies from a
    point that depends on the call and ``seed``; a company that already has a live application to
    the call is skipped). The copies have no status history or attachments. Returns the number added.
    """
    from django.db import connection

    from foster.core.bulk import statistics_refresh

    if connection.vendor != "postgresql":
        raise NotImplementedError("the bulk applications are loaded with PostgreSQL's generate_series")
    missing = total - Application.objects.count()
    call_ids = list(Application.objects.order_by("call_id").values_list("call_id", flat=True).distinct())
    company_count = Company.objects.count()
    if missing <= 0 or not call_ids or not company_count:
        return 0
    added = 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE load_company ON COMMIT DROP AS "
            "SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM registry_company"
        )
        cursor.execute("CREATE UNIQUE INDEX ON load_company (n)")
        for position, call_id in enumerate(call_ids):
            share = missing // len(call_ids) + (1 if position < missing % len(call_ids) else 0)
            start = (call_id * 104_729 + seed * 7_919) % company_count
            cursor.execute(
                """
                WITH template AS (
                    SELECT row_number() OVER (ORDER BY id) - 1 AS n, count(*) OVER () AS size, *
                    FROM applications_application WHERE call_id = %(call)s AND status <> 'draft'
                )
                INSERT INTO applications_application (call_id, company_id, form_id, applicant_id, status, title,
                    requested_amount_krw, answers, eligibility, is_eligible, submitted_at, created_at, updated_at)
                SELECT template.call_id, company.id, template.form_id, template.applicant_id, template.status,
                    template.title, template.requested_amount_krw, template.answers, template.eligibility,
                    template.is_eligible, template.submitted_at, template.created_at, template.updated_at
                FROM generate_series(0, %(share)s - 1) AS copy(n)
                JOIN load_company AS company ON company.n = (%(start)s + copy.n) %% %(companies)s
                JOIN template ON template.n = copy.n %% template.size
                ON CONFLICT DO NOTHING
                """,
                {"call": call_id, "share": share, "start": start, "companies": company_count},
            )
            added += cursor.rowcount
    statistics_refresh([Application._meta.db_table])
    return added
