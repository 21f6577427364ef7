"""Loan schedules computed at approval, interest accrued by the day, and the schedule
re-computed after an early repayment (through the services and the pages)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time

from foster.accounts.models import User
from foster.finance.choices import AgreementStatus, Instrument, ScheduleKind
from foster.finance.models import Agreement, ScheduleItem
from foster.finance.reconcile import ledger_reconcile
from foster.finance.services import (
    LoanScheduleTerms,
    agreement_approve,
    agreement_disburse,
    loan_accrued_interest_krw,
    loan_repay,
)
from foster.programs.models import Program
from foster.registry.models import Company

pytestmark = pytest.mark.django_db
MILLION = 1_000_000


def approve_loan(
    official: User,
    program: Program,
    company: Company,
    amount: int,
    *,
    rate: int = 0,
    key: str = "loan",
    **terms: object,
) -> Agreement:
    terms = {"method": "equal_principal", "term_months": 12, "starts_on": dt.date(2026, 1, 10), **terms}
    outcome = agreement_approve(
        user=official,
        key=key,
        program=program,
        company=company,
        instrument=Instrument.LOAN,
        amount_krw=amount,
        interest_rate_basis_points=rate,
        loan_terms=LoanScheduleTerms(**terms),  # type: ignore[arg-type]
    )
    assert outcome.transfer.agreement is not None
    return outcome.transfer.agreement


def repayments(agreement: Agreement) -> list[tuple[dt.date, int, int]]:
    items = agreement.schedule.filter(kind=ScheduleKind.REPAYMENT).order_by("due_on")
    return [(item.due_on, item.principal_krw, item.interest_krw) for item in items]


def test_the_approval_computes_the_schedule(official: User, loan_program: Program, borrower: Company) -> None:
    agreement = approve_loan(
        official, loan_program, borrower, 1_000_000, rate=1_200, method="annuity", term_months=4, grace_months=1
    )
    assert (agreement.repayment_method, agreement.term_months, agreement.grace_months) == ("annuity", 4, 1)
    disbursement = agreement.schedule.get(kind=ScheduleKind.DISBURSEMENT)
    assert (disbursement.due_on, disbursement.principal_krw) == (dt.date(2026, 1, 10), 1_000_000)
    assert repayments(agreement) == [
        (dt.date(2026, 2, 10), 0, 10_000),
        (dt.date(2026, 3, 10), 330_022, 10_000),
        (dt.date(2026, 4, 10), 333_323, 6_699),
        (dt.date(2026, 5, 10), 336_655, 3_366),
    ]


def test_only_loans_get_a_computed_schedule(official: User, loan_program: Program, borrower: Company) -> None:
    with pytest.raises(ValidationError) as refused:
        agreement_approve(
            user=official,
            key="g",
            program=loan_program,
            company=borrower,
            instrument=Instrument.GUARANTEE,
            amount_krw=MILLION,
            loan_terms=LoanScheduleTerms("bullet", 12, dt.date(2026, 1, 1)),
        )
    assert "repayment_method" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        approve_loan(official, loan_program, borrower, MILLION, grace_months=12)
    assert "grace_months" in refused.value.message_dict
    assert Agreement.objects.count() == 0 and ScheduleItem.objects.count() == 0


def test_interest_not_typed_is_accrued_actual_365(official: User, loan_program: Program, borrower: Company) -> None:
    # 365 million at 10% earns 100,000 won a day.
    agreement = approve_loan(official, loan_program, borrower, 365 * MILLION, rate=1_000, method="bullet")
    with freeze_time("2026-03-01 03:00"):
        agreement_disburse(user=official, key="d", agreement=agreement, amount_krw=365 * MILLION)
    with freeze_time("2026-03-11 03:00"):
        assert loan_accrued_interest_krw(agreement, on=dt.date(2026, 3, 11)) == 1_000_000
        first = loan_repay(user=official, key="r1", agreement=agreement, principal_krw=100 * MILLION).transfer
    assert first.amount_krw == 101 * MILLION
    with freeze_time("2026-03-16 03:00"):  # 265 million for 5 days: 363,013.69 rounded down
        second = loan_repay(user=official, key="r2", agreement=agreement, principal_krw=0).transfer
        assert second.amount_krw == 363_013
        again = loan_repay(user=official, key="r2", agreement=agreement, principal_krw=0)
    with freeze_time("2026-03-17 03:00"):  # the retry a day later replays the first outcome
        late_retry = loan_repay(user=official, key="r2", agreement=agreement, principal_krw=0)
    assert (again.is_new, late_retry.is_new, late_retry.transfer.pk) == (False, False, second.pk)
    with freeze_time("2026-03-20 03:00"):  # typed interest is taken as typed
        typed = loan_repay(user=official, key="r3", agreement=agreement, principal_krw=0, interest_krw=7)
    assert typed.transfer.amount_krw == 7
    assert ledger_reconcile() == []


def test_an_early_repayment_recomputes_what_is_left(official: User, loan_program: Program, borrower: Company) -> None:
    agreement = approve_loan(official, loan_program, borrower, 1_200 * MILLION)  # 100 million a month, no interest
    with freeze_time("2026-01-10 03:00"):
        agreement_disburse(user=official, key="d", agreement=agreement, amount_krw=1_200 * MILLION)
    before = repayments(agreement)
    with freeze_time("2026-02-10 03:00"):  # on time: nothing changes
        loan_repay(user=official, key="r1", agreement=agreement, principal_krw=100 * MILLION)
    assert repayments(agreement) == before
    with freeze_time("2026-03-01 03:00"):  # 500 million early: 600 million over the 11 instalments left
        loan_repay(user=official, key="r2", agreement=agreement, principal_krw=500 * MILLION)
    after = repayments(agreement)
    assert after[0] == before[0] and [due for due, _p, _i in after] == [due for due, _p, _i in before]
    assert [principal for _due, principal, _i in after[1:]] == [54_545_454] * 10 + [54_545_460]
    with freeze_time("2026-04-01 03:00"):  # the rest, early: nothing left to schedule
        loan_repay(user=official, key="r3", agreement=agreement, principal_krw=600 * MILLION)
    assert [due for due, _p, _i in repayments(agreement)] == [dt.date(2026, 2, 10), dt.date(2026, 3, 10)]
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.CLOSED
    assert ledger_reconcile() == []


def test_the_pages_compute_the_schedule_and_the_interest(
    official: User, loan_program: Program, borrower: Company
) -> None:
    client = Client()
    client.force_login(official)
    response = client.post(
        reverse("finance:agreement-approve", args=[loan_program.pk]),
        {
            "idempotency_key": "page-loan",
            "reference": "2026-LOAN-0001",
            "business_registration_number": borrower.business_registration_number,
            "instrument": "loan",
            "amount_krw": 365 * MILLION,
            "interest_rate_basis_points": 1_000,
            "private_matched_krw": 0,
            "repayment_method": "equal_principal",
            "term_months": 12,
            "grace_months": 2,
            "starts_on": "2026-03-01",
        },
    )
    assert response.status_code == 302
    agreement = Agreement.objects.get()
    assert agreement.schedule.filter(kind=ScheduleKind.REPAYMENT).count() == 12
    with freeze_time("2026-03-01 03:00"):
        agreement_disburse(user=official, key="d", agreement=agreement, amount_krw=365 * MILLION)
    operate = reverse("finance:agreement-operate", args=[agreement.pk])
    with freeze_time("2026-03-04 03:00"):
        answer = client.post(operate, {"idempotency_key": "p", "operation": "repay", "amount_krw": 0})
    assert answer.status_code == 302
    assert agreement.transfers.get(kind="repayment").amount_krw == 300_000
    missing = client.post(
        reverse("finance:agreement-approve", args=[loan_program.pk]),
        {
            "idempotency_key": "page-loan-2",
            "reference": "2026-LOAN-0002",
            "business_registration_number": borrower.business_registration_number,
            "instrument": "loan",
            "amount_krw": MILLION,
            "repayment_method": "annuity",
        },
    )
    assert missing.status_code == 200 and set(missing.context["form"].errors) == {"term_months", "starts_on"}
