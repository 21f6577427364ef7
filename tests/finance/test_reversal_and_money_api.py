"""Reversing a posted transfer from its page and the API; a program's money through the API."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from foster.accounts.models import User
from foster.core.models import AuditEvent
from foster.finance.choices import AccountKind, Instrument, TransferKind
from foster.finance.ledger import account_for
from foster.finance.models import Entry, Transfer
from foster.finance.reconcile import ledger_reconcile
from foster.finance.selectors import company_exposure_krw
from foster.finance.services import agreement_approve, agreement_disburse, loan_repay
from foster.programs.choices import ProgramType
from foster.programs.models import Program
from foster.registry.models import Company
from tests.factories import AgencyFactory, AgencyMembershipFactory, ProgramFactory
from tests.http import english_client

pytestmark = pytest.mark.django_db
BILLION = 1_000_000_000


def signed_in(user: User) -> Client:
    return english_client(user)


def repayment(official: User, program: Program, company: Company) -> Transfer:
    agreement = agreement_approve(
        user=official, key="a", program=program, company=company, instrument=Instrument.LOAN, amount_krw=BILLION
    ).transfer.agreement
    assert agreement is not None
    agreement_disburse(user=official, key="d", agreement=agreement, amount_krw=BILLION)
    return loan_repay(user=official, key="r", agreement=agreement, principal_krw=400_000_000, interest_krw=0).transfer


def test_an_official_reverses_a_repayment_with_a_reason(
    official: User, loan_program: Program, borrower: Company
) -> None:
    posted = repayment(official, loan_program, borrower)
    client = signed_in(official)
    page = client.get(reverse("finance:transfer-detail", args=[posted.pk]))
    key = page.context["form"].initial["idempotency_key"]
    url = reverse("finance:transfer-reverse", args=[posted.pk])

    without_reason = client.post(url, {"idempotency_key": key, "reason": " "})
    assert without_reason.status_code == 200 and "reason" in without_reason.context["form"].errors
    assert not Transfer.objects.filter(kind=TransferKind.REVERSAL).exists()

    first = client.post(url, {"idempotency_key": key, "reason": "entered twice"})
    again = client.post(url, {"idempotency_key": key, "reason": "entered twice"})
    reversal = Transfer.objects.get(kind=TransferKind.REVERSAL)
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"] == reverse("finance:transfer-detail", args=[reversal.pk])
    assert (reversal.reverses_id, reversal.description) == (posted.pk, "entered twice")
    assert company_exposure_krw(borrower) == BILLION
    event = AuditEvent.objects.get(action="finance.transfer_reverse")
    assert (event.actor_id, event.reason) == (official.pk, "entered twice")

    done = client.get(reverse("finance:transfer-detail", args=[posted.pk]))
    twice = client.post(url, {"idempotency_key": "another", "reason": "again"})
    assert done.context["form"] is None and done.context["reversed_by"] == reversal
    assert twice.status_code == 200 and "already reversed" in twice.content.decode()
    assert Transfer.objects.filter(kind=TransferKind.REVERSAL).count() == 1
    assert ledger_reconcile() == []


def test_an_approval_cannot_be_reversed_and_the_page_says_why(
    official: User, loan_program: Program, borrower: Company
) -> None:
    posted = repayment(official, loan_program, borrower)
    reservation = posted.agreement.reservation  # type: ignore[union-attr]
    assert reservation is not None
    client = signed_in(official)
    entries = Entry.objects.count()
    page = client.get(reverse("finance:transfer-detail", args=[reservation.pk]))
    refused = client.post(
        reverse("finance:transfer-reverse", args=[reservation.pk]), {"idempotency_key": "k", "reason": "oops"}
    )
    assert page.context["form"] is None and "corrected by cancelling" in page.content.decode()
    assert refused.status_code == 200 and "corrected by cancelling" in refused.content.decode()
    assert Entry.objects.count() == entries


def test_the_api_reverses_idempotently(official: User, loan_program: Program, borrower: Company) -> None:
    posted = repayment(official, loan_program, borrower)
    client = signed_in(official)
    url = reverse("api:finance-transfer-reverse", args=[posted.pk])
    body = {"reason": "wrong amount"}

    first = client.post(url, body, content_type="application/json", headers={"idempotency-key": "x1"})
    again = client.post(url, body, content_type="application/json", headers={"idempotency-key": "x1"})
    other = client.post(url, {"reason": "else"}, content_type="application/json", headers={"idempotency-key": "x1"})
    twice = client.post(url, body, content_type="application/json", headers={"idempotency-key": "x2"})
    no_reason = client.post(url, {}, content_type="application/json", headers={"idempotency-key": "x3"})

    assert [r.status_code for r in (first, again, other, twice, no_reason)] == [201, 200, 409, 400, 400]
    assert first.json()["reverses"] == posted.pk and first.json()["id"] == again.json()["id"]
    reservation = posted.agreement.reservation  # type: ignore[union-attr]
    assert reservation is not None
    approval = client.post(
        reverse("api:finance-transfer-reverse", args=[reservation.pk]),
        body,
        content_type="application/json",
        headers={"idempotency-key": "x4"},
    )
    assert approval.status_code == 400 and "transfer" in approval.json()


def test_the_api_funds_budgets_and_funds(official: User, agency: object) -> None:
    fund = ProgramFactory(agency=agency, program_type=ProgramType.FUND_INVESTMENT, policy_tags=["ai"])
    client = signed_in(official)
    url = reverse("api:finance-transfer-list")

    def post(key: str, **body: object) -> tuple[int, dict[str, object]]:
        response = client.post(
            url,
            {"program": fund.pk, "source": "private", **body},
            content_type="application/json",
            headers={"idempotency-key": key},
        )
        return response.status_code, response.json()

    assert post("b1", operation="budget_fund", amount_krw=BILLION)[0] == 201
    assert post("b1", operation="budget_fund", amount_krw=BILLION)[0] == 200
    assert post("b1", operation="budget_fund", amount_krw=2 * BILLION)[0] == 409
    assert post("c1", operation="fund_commit", amount_krw=3 * BILLION)[0] == 201
    status, call = post("k1", operation="capital_call", amount_krw=2 * BILLION)
    assert status == 201 and call["kind"] == TransferKind.CAPITAL_CALL
    assert post("k2", operation="capital_call", amount_krw=2 * BILLION)[0] == 400  # only 1 billion left uncalled
    assert post("k3", operation="tax", amount_krw=1)[0] == 400
    assert account_for(AccountKind.FUND_PAID_IN, program=fund, source="private").posted_krw == 2 * BILLION
    assert account_for(AccountKind.PROGRAM_BUDGET, program=fund).posted_krw == BILLION

    outsider = AgencyMembershipFactory(agency=AgencyFactory(code="kibo")).user
    before = Transfer.objects.count()
    hidden = signed_in(outsider).post(
        url,
        {"program": fund.pk, "source": "private", "operation": "budget_fund", "amount_krw": 1},
        content_type="application/json",
        headers={"idempotency-key": "o1"},
    )
    assert hidden.status_code == 400 and "program" in hidden.json()
    assert Transfer.objects.count() == before
