"""Fault injection: a failure after the commit but before the answer, a failure in the middle of
a posting, and (on PostgreSQL) a process killed in the middle of a posting. Each time the retry
with the same key gives exactly one posting, nothing is half-written and the ledger reconciles."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from io import StringIO
from unittest import mock
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.db import connection

from foster.accounts.models import User
from foster.finance.choices import Instrument, TransferKind
from foster.finance.models import Agreement, CompanyExposure, Entry, IdempotencyKey, Transfer
from foster.finance.reconcile import ledger_reconcile
from foster.finance.selectors import company_exposure_krw
from foster.finance.services import agreement_approve, agreement_disburse
from foster.programs.models import Program
from foster.registry.models import Company

BILLION = 1_000_000_000


def _ledger_rows() -> tuple[int, int, int, int, int]:
    return (
        Transfer.objects.count(),
        Entry.objects.count(),
        IdempotencyKey.objects.count(),
        Agreement.objects.count(),
        sum(CompanyExposure.objects.values_list("total_krw", flat=True)),
    )


def _reconcile_is_clean() -> bool:
    output = StringIO()
    try:
        call_command("ledger", "reconcile", stdout=output)
    except SystemExit as exit_:
        return exit_.code == 0
    return True


@pytest.mark.django_db
def test_a_failure_after_the_commit_then_a_retry_posts_once(
    official: User, loan_program: Program, borrower: Company
) -> None:
    agreement = agreement_approve(
        user=official, key="a", program=loan_program, company=borrower, instrument=Instrument.LOAN, amount_krw=BILLION
    ).transfer.agreement
    assert agreement is not None

    def respond() -> None:  # the service committed; the answer never reaches the client
        agreement_disburse(user=official, key="pay-1", agreement=agreement, amount_krw=BILLION)
        raise ConnectionResetError("the client went away")

    with pytest.raises(ConnectionResetError):
        respond()
    retried = agreement_disburse(user=official, key="pay-1", agreement=agreement, amount_krw=BILLION)

    assert not retried.is_new
    assert Transfer.objects.filter(kind=TransferKind.POST).count() == 1
    assert company_exposure_krw(borrower) == BILLION
    assert _reconcile_is_clean()


@pytest.mark.django_db
@pytest.mark.parametrize("failing_step", ["entries", "account totals", "after hook"])
def test_a_failure_in_the_middle_of_a_posting_leaves_nothing(
    official: User, loan_program: Program, borrower: Company, failing_step: str
) -> None:
    before = _ledger_rows()
    target = {
        "entries": "foster.finance.ledger.Entry.objects.bulk_create",
        "account totals": "foster.finance.ledger.Account.objects.filter",
        "after hook": "foster.finance.services._set_reservation",
    }[failing_step]
    with mock.patch(target, side_effect=OSError("disk full")), pytest.raises(OSError):
        agreement_approve(
            user=official,
            key="half",
            program=loan_program,
            company=borrower,
            instrument=Instrument.LOAN,
            amount_krw=BILLION,
        )
    assert _ledger_rows() == before
    assert ledger_reconcile() == []
    # The key was not used up: the retry is a fresh attempt and succeeds, once.
    outcome = agreement_approve(
        user=official,
        key="half",
        program=loan_program,
        company=borrower,
        instrument=Instrument.LOAN,
        amount_krw=BILLION,
    )
    assert outcome.is_new and company_exposure_krw(borrower) == BILLION
    assert _reconcile_is_clean()


def _database_url() -> str:
    params = connection.settings_dict
    credentials = quote(params["USER"] or "", safe="")
    if params["PASSWORD"]:
        credentials += ":" + quote(params["PASSWORD"], safe="")
    return f"postgres://{credentials}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}/{params['NAME']}"


KILLED_POSTING = """
import sys, time, django
django.setup()
from foster.finance import ledger
from foster.finance.models import Agreement
from foster.finance.services import agreement_disburse
from foster.accounts.models import User

original = ledger.Entry.objects.bulk_create
def slow_bulk_create(*args, **kwargs):
    result = original(*args, **kwargs)
    print("entries written, transaction open", flush=True)
    time.sleep(60)  # killed here
    return result
ledger.Entry.objects.bulk_create = slow_bulk_create
agreement = Agreement.objects.get(pk=int(sys.argv[1]))
agreement_disburse(user=User.objects.get(pk=int(sys.argv[2])), key="killed", agreement=agreement, amount_krw=10**9)
"""


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="killing a writer needs a server database: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_process_killed_in_the_middle_of_a_posting_leaves_nothing(
    official: User, loan_program: Program, borrower: Company
) -> None:
    agreement = agreement_approve(
        user=official, key="k", program=loan_program, company=borrower, instrument=Instrument.LOAN, amount_krw=BILLION
    ).transfer.agreement
    assert agreement is not None
    before = _ledger_rows()
    process = subprocess.Popen(
        [sys.executable, "-c", KILLED_POSTING, str(agreement.pk), str(official.pk)],
        env={
            **os.environ,
            "FOSTER_MODE": "test",
            "DATABASE_URL": _database_url(),
            "DJANGO_SETTINGS_MODULE": "foster.config.settings",
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    assert "entries written" in line, line + (process.stderr.read() if process.stderr else "")
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    time.sleep(0.5)  # the server notices the closed connection and rolls the transaction back

    assert _ledger_rows() == before
    assert not IdempotencyKey.objects.filter(key="killed").exists()
    retried = agreement_disburse(user=official, key="killed", agreement=agreement, amount_krw=BILLION)
    assert retried.is_new
    assert Transfer.objects.filter(kind=TransferKind.POST).count() == 1
    assert _reconcile_is_clean()
