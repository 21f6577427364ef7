"""Races on PostgreSQL with real separate connections (one per thread, ``transaction=True``):
the cap holds under 32 concurrent approvals, and 16 concurrent retries of one key make one transfer."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from foster.accounts.models import Agency, User
from foster.finance.choices import Instrument, TransferKind
from foster.finance.ledger import TransferRefused
from foster.finance.models import DEFAULT_EXPOSURE_CAP_KRW, Agreement, IdempotencyKey, Transfer
from foster.finance.reconcile import ledger_reconcile
from foster.finance.selectors import company_exposure_krw
from foster.finance.services import agreement_approve, budget_fund
from foster.programs.choices import ProgramType
from tests.factories import AgencyFactory, AgencyMembershipFactory, CompanyFactory, ProgramFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a race needs separate connections: PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def run_at_once(count: int, work: Callable[[int], Any]) -> list[Any]:
    """Run ``work(index)`` in ``count`` threads released together; each thread has its own connection."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def thread_body(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        except BaseException as error:
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=thread_body, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def _official_and_program() -> tuple[User, Any]:
    agency: Agency = AgencyFactory(code="kosme")
    official = AgencyMembershipFactory(agency=agency).user
    program = ProgramFactory(agency=agency, program_type=ProgramType.LOAN)
    budget_fund(user=official, key="race-budget", program=program, amount_krw=10**13)
    return official, program


def test_32_concurrent_approvals_never_pass_the_cap() -> None:
    official, program = _official_and_program()
    company = CompanyFactory()
    headroom = DEFAULT_EXPOSURE_CAP_KRW
    # 32 amounts (whole won, not all equal) summing to twice the headroom.
    generator = random.Random(5)
    weights = [generator.randint(1, 100) for _ in range(32)]
    amounts = [2 * headroom * weight // sum(weights) for weight in weights]
    amounts[0] += 2 * headroom - sum(amounts)
    assert sum(amounts) == 2 * headroom

    def approve(index: int) -> int:
        agreement_approve(
            user=official,
            key=f"race-{index}",
            program=program,
            company=company,
            instrument=Instrument.LOAN,
            amount_krw=amounts[index],
        )
        return amounts[index]

    results = run_at_once(32, approve)

    unexpected = [
        result for result in results if isinstance(result, BaseException) and not isinstance(result, TransferRefused)
    ]
    assert unexpected == []
    accepted = [result for result in results if isinstance(result, int)]
    assert 0 < len(accepted) < 32
    assert sum(accepted) <= DEFAULT_EXPOSURE_CAP_KRW
    assert sum(accepted) == company_exposure_krw(company)
    assert Agreement.objects.filter(company=company).count() == len(accepted)
    assert IdempotencyKey.objects.filter(key__startswith="race-", transfer__isnull=True).count() == 32 - len(accepted)
    assert ledger_reconcile() == []


def test_16_concurrent_retries_of_one_key_make_one_transfer() -> None:
    official, program = _official_and_program()
    company = CompanyFactory()

    def retry(index: int) -> int:
        outcome = agreement_approve(
            user=official,
            key="one-key",
            program=program,
            company=company,
            instrument=Instrument.LOAN,
            amount_krw=1_000_000_000,
        )
        return outcome.transfer.pk

    results = run_at_once(16, retry)

    assert [result for result in results if isinstance(result, BaseException)] == []
    assert len(set(results)) == 1
    assert Transfer.objects.filter(kind=TransferKind.RESERVE, company=company).count() == 1
    assert company_exposure_krw(company) == 1_000_000_000
    assert ledger_reconcile() == []
