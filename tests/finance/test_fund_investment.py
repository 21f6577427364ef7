"""A fund's investment into a company: paid-in capital moves to the company's holding, the AI fund
monitor's total stays, the floor refuses investing more than was paid in, a reversal undoes it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from foster.accounts.models import Agency, User
from foster.finance.choices import AccountKind, TransferKind
from foster.finance.ledger import TransferRefused
from foster.finance.models import Account, Transfer
from foster.finance.reconcile import ledger_reconcile
from foster.finance.selectors import ai_fund_monitor, company_exposure_krw
from foster.finance.services import fund_capital_call, fund_commit, fund_invest, transfer_reverse
from foster.programs.choices import ProgramType
from foster.programs.models import Program
from foster.registry.models import Company
from tests.factories import AgencyMembershipFactory, CompanyFactory, ProgramFactory

pytestmark = pytest.mark.django_db

BILLION = 1_000_000_000


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def fund(agency: Agency, official: User) -> Program:
    program = ProgramFactory(agency=agency, program_type=ProgramType.FUND_INVESTMENT, policy_tags=["ai"])
    fund_commit(user=official, key="commit-gov", program=program, amount_krw=10 * BILLION, source="government")
    fund_commit(user=official, key="commit-private", program=program, amount_krw=6 * BILLION, source="private")
    fund_capital_call(user=official, key="call-gov", program=program, amount_krw=4 * BILLION, source="government")
    return program


def _balance(kind: str, program: Program, source: str, company: Company | None = None) -> int:
    return Account.objects.get(kind=kind, program=program, source=source, company=company).posted_krw


def test_an_investment_moves_paid_in_capital_to_the_company(official: User, fund: Program) -> None:
    startup = CompanyFactory()
    before = ai_fund_monitor().by_source

    outcome = fund_invest(
        user=official, key="invest-1", program=fund, company=startup, amount_krw=1_500_000_000, source="government"
    )

    assert outcome.is_new
    assert outcome.transfer.kind == TransferKind.FUND_INVEST
    assert outcome.transfer.company == startup
    assert _balance(AccountKind.FUND_PAID_IN, fund, "government") == 2_500_000_000
    assert _balance(AccountKind.FUND_INVESTMENT, fund, "government", startup) == 1_500_000_000
    assert ai_fund_monitor().by_source == before == {"government": 10 * BILLION, "private": 6 * BILLION}
    assert company_exposure_krw(startup) == 0  # equity is not a loan or a guarantee
    assert ledger_reconcile() == []


def test_the_same_key_replays_and_nothing_is_invested_twice(official: User, fund: Program) -> None:
    startup = CompanyFactory()
    first = fund_invest(user=official, key="k", program=fund, company=startup, amount_krw=BILLION, source="government")
    again = fund_invest(user=official, key="k", program=fund, company=startup, amount_krw=BILLION, source="government")
    assert (again.transfer.pk, again.is_new) == (first.transfer.pk, False)
    assert _balance(AccountKind.FUND_INVESTMENT, fund, "government", startup) == BILLION


def test_investing_more_than_was_paid_in_is_refused_and_changes_nothing(official: User, fund: Program) -> None:
    startup = CompanyFactory()
    transfers = Transfer.objects.count()
    with pytest.raises(TransferRefused, match="Not enough left in Fund capital paid in"):
        fund_invest(
            user=official, key="too-much", program=fund, company=startup, amount_krw=5 * BILLION, source="government"
        )
    with pytest.raises(TransferRefused):  # nothing of private money was called yet
        fund_invest(user=official, key="private", program=fund, company=startup, amount_krw=1, source="private")
    assert Transfer.objects.count() == transfers
    assert _balance(AccountKind.FUND_PAID_IN, fund, "government") == 4 * BILLION
    assert ledger_reconcile() == []


def test_only_fund_programs_invest_and_only_their_officials(agency: Agency, official: User, fund: Program) -> None:
    loan = ProgramFactory(agency=agency, program_type=ProgramType.LOAN)
    with pytest.raises(ValidationError) as refused:
        fund_invest(user=official, key="x", program=loan, company=CompanyFactory(), amount_krw=1, source="government")
    assert refused.value.message_dict == {"program": ["Only a fund investment program invests in companies."]}
    stranger = AgencyMembershipFactory().user
    with pytest.raises(PermissionDenied):
        fund_invest(user=stranger, key="y", program=fund, company=CompanyFactory(), amount_krw=1, source="government")
    assert not Transfer.objects.filter(kind=TransferKind.FUND_INVEST).exists()


def test_a_reversal_returns_the_money_to_paid_in(official: User, fund: Program) -> None:
    startup = CompanyFactory()
    invested = fund_invest(
        user=official, key="inv", program=fund, company=startup, amount_krw=BILLION, source="government"
    ).transfer
    transfer_reverse(user=official, key="rev", transfer=invested, reason="Recorded against the wrong startup")
    assert _balance(AccountKind.FUND_INVESTMENT, fund, "government", startup) == 0
    assert _balance(AccountKind.FUND_PAID_IN, fund, "government") == 4 * BILLION
    assert ledger_reconcile() == []


def test_a_capital_call_already_invested_cannot_be_reversed_below_zero(official: User, fund: Program) -> None:
    fund_invest(
        user=official, key="inv", program=fund, company=CompanyFactory(), amount_krw=3 * BILLION, source="government"
    )
    call = Transfer.objects.get(kind=TransferKind.CAPITAL_CALL)
    with pytest.raises(TransferRefused):
        transfer_reverse(user=official, key="rev-call", transfer=call, reason="Called by mistake")
    assert _balance(AccountKind.FUND_PAID_IN, fund, "government") == BILLION
    assert ledger_reconcile() == []
