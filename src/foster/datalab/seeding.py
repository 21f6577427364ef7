"""Demo data of the data LAB: the demo SME's quality-inspection table (2,000 generated lots, saved as CP949
CSV the way Excel in Korea saves it, with an inspector's name and phone number), checked and profiled,
one synthesis with its report, and an agreement sharing the result with the demo startup.

The work runs here, synchronously, through the same service bodies the background tasks run
(``dataset_profile``, ``run_execute``), so the demo needs no worker to show a finished report.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import secrets

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from foster.accounts.models import User
from foster.core.jobs import job_running
from foster.core.services import job_create
from foster.datalab.choices import RunState
from foster.datalab.models import Dataset, SynthesisRun
from foster.datalab.services import AgreementData, agreement_create, dataset_profile, run_execute
from foster.engines.synthesis.samples import manufacturing_quality_rows
from foster.registry.models import Company, CompanyMembership

SME_EMAIL = "owner@sme.demo.foster.kr"
STARTUP_EMAIL = "founder@startup.demo.foster.kr"
DEMO_ROWS = 2_000
DEMO_TITLE = "2025년 부품 품질검사 기록"
INSPECTORS = ["김민수", "이영희", "박철수", "최지우", "정다은", "한상우", "윤서연", "장현우"]


def demo_quality_csv(rows: int = DEMO_ROWS, *, seed: int = 2026) -> bytes:
    """The demo table as CP949 CSV bytes."""
    header, body = manufacturing_quality_rows(rows, seed=seed, korean_headers=True)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow([*header, "검사자", "연락처"])
    for index, row in enumerate(body):
        phone = f"010-{2000 + (index * 7919) % 8000:04d}-{(index * 104_729) % 10_000:04d}"
        writer.writerow([*row, INSPECTORS[index % len(INSPECTORS)], phone])
    return buffer.getvalue().encode("cp949")


def _company_of(email: str) -> tuple[User, Company] | None:
    membership = CompanyMembership.objects.filter(user__email=email).select_related("user", "company").first()
    return (membership.user, membership.company) if membership else None


def datalab_seed(*, seed: int = 2026) -> Dataset | None:
    """Seed the demo SME's table, a finished synthesis and its agreement with the demo startup (once)."""
    owner = _company_of(SME_EMAIL)
    if owner is None or Dataset.objects.filter(owner_company=owner[1]).exists():
        return None
    user, company = owner
    data = demo_quality_csv(seed=seed)
    with transaction.atomic():
        dataset = Dataset(
            owner_company=company,
            uploaded_by=user,
            title=DEMO_TITLE,
            original_name="품질검사_2025.csv",
            size_bytes=len(data),
            pseudonym_key=secrets.token_hex(32),
            retention_until=timezone.localdate() + dt.timedelta(days=90),
        )
        dataset.original.save("demo-quality.csv", ContentFile(data), save=False)
        dataset.profile_job = job_create(kind="datalab.profile", owner=user, total=3)
        dataset.save()
    with job_running(dataset.profile_job.pk) as report:
        dataset_profile(dataset_id=dataset.pk, report=report)
    run = SynthesisRun.objects.create(
        dataset=dataset,
        requested_by=user,
        job=job_create(kind="datalab.synthesis", owner=user, total=100),
        rows=DEMO_ROWS,
        seed=seed,
        rules=["온도 between 150 and 220"],
    )
    assert run.job_id is not None
    with job_running(run.job_id) as report:
        run_execute(run_id=run.pk, report=report)
    run.refresh_from_db()
    recipient = _company_of(STARTUP_EMAIL)
    if run.state == RunState.SUCCEEDED and run.release_allowed and recipient is not None:
        today = timezone.localdate()
        agreement_create(
            user=user,
            run=run,
            data=AgreementData(
                recipient_registration_number=recipient[1].business_registration_number,
                purpose="야간조 불량 예측 모델의 개념검증(PoC)",
                permitted_use="proof_of_concept",
                conditions="제3자 제공 금지, 계약 종료 시 파기",
                starts_on=today,
                ends_on=today + dt.timedelta(days=180),
            ),
        )
    return dataset
