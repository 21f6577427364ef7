"""``foster ledger reconcile``: exit 0 when clean, 1 with each difference printed; the daily task."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from foster.accounts.models import User
from foster.core.models import DailyRun
from foster.finance.choices import Instrument
from foster.finance.models import CompanyExposure
from foster.finance.services import agreement_approve
from foster.finance.tasks import RECONCILE_RUN_NAME, ledger_reconcile_daily_task, ledger_reconcile_schedule
from foster.programs.models import Program
from foster.registry.models import Company

pytestmark = pytest.mark.django_db


def test_reconcile_exits_non_zero_on_a_difference(official: User, loan_program: Program, borrower: Company) -> None:
    agreement_approve(
        user=official, key="c", program=loan_program, company=borrower, instrument=Instrument.LOAN, amount_krw=10**9
    )
    clean = StringIO()
    call_command("ledger", "reconcile", stdout=clean)
    assert "no differences" in clean.getvalue()

    CompanyExposure.objects.filter(company=borrower).update(total_krw=1)
    output = StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("ledger", "reconcile", stdout=output)
    assert exit_.value.code == 1
    assert f"exposure company {borrower.pk}: stored 1, entries say 1,000,000,000" in output.getvalue()


def test_the_daily_task_reconciles_and_queues_the_next_run(settings: object) -> None:
    assert ledger_reconcile_daily_task.call() == 0
    # The immediate test backend cannot defer: nothing is queued, as core.schedule documents.
    assert not ledger_reconcile_schedule(now=dt.datetime(2026, 5, 1, tzinfo=dt.UTC))
    assert not DailyRun.objects.filter(name=RECONCILE_RUN_NAME).exists()
