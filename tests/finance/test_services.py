"""The ledger through its services: balanced transfers, two-phase money, the cap, idempotency."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from foster.accounts.models import User
from foster.finance.choices import AccountKind, AgreementStatus, EntryPhase, Instrument, TransferKind
from foster.finance.ledger import IdempotencyConflict, TransferRefused, account_for
from foster.finance.models import Account, Agreement, CompanyExposure, Entry, ExposureCapGroup, IdempotencyKey, Transfer
from foster.finance.reconcile import ledger_reconcile
from foster.finance.selectors import company_exposure_headroom_krw, company_exposure_krw
from foster.finance.services import (
    ScheduleLine,
    agreement_approve,
    agreement_cancel,
    agreement_disburse,
    budget_fund,
    fund_capital_call,
    fund_commit,
    grant_settle,
    guarantee_claim,
    guarantee_release,
    loan_repay,
    transfer_reverse,
)
from foster.programs.choices import ProgramType
from foster.programs.eligibility import exposure_headroom_krw
from foster.programs.models import Program
from foster.registry.models import Company
from tests.factories import AgencyFactory, AgencyMembershipFactory, ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db

BILLION = 1_000_000_000


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Services called directly speak English here (the messages asserted are the English ones)."""
    with translation.override("en"):
        yield


def approve(user: User, program: Program, company: Company, amount: int, key: str, **extra: object) -> Agreement:
    outcome = agreement_approve(
        user=user,
        key=key,
        program=program,
        company=company,
        instrument=extra.pop("instrument", Instrument.LOAN),
        amount_krw=amount,
        **extra,  # type: ignore[arg-type]
    )
    agreement = outcome.transfer.agreement
    assert agreement is not None
    return agreement


def balances(program: Program, company: Company) -> dict[str, tuple[int, int]]:
    return {
        account.kind: (account.posted_krw, account.pending_krw)
        for account in Account.objects.filter(program=program) | Account.objects.filter(company=company)
    }


def test_a_loan_from_approval_to_repayment(official: User, loan_program: Program, borrower: Company) -> None:
    agreement = approve(
        official,
        loan_program,
        borrower,
        3 * BILLION,
        "loan-1",
        interest_rate_basis_points=250,
        schedule=[
            ScheduleLine("disbursement", dt.date(2026, 1, 5), 2 * BILLION),
            ScheduleLine("disbursement", dt.date(2026, 6, 5), BILLION),
            ScheduleLine("repayment", dt.date(2027, 1, 5), 3 * BILLION, 75_000_000),
        ],
    )
    assert agreement.status == AgreementStatus.APPROVED and agreement.schedule.count() == 3
    assert company_exposure_krw(borrower) == 3 * BILLION  # pending counts against the cap
    assert balances(loan_program, borrower)[AccountKind.PROGRAM_BUDGET] == (100 * BILLION, -3 * BILLION)

    agreement_disburse(user=official, key="loan-1-d1", agreement=agreement, amount_krw=2 * BILLION)
    assert balances(loan_program, borrower)[AccountKind.LOAN_RECEIVABLE] == (2 * BILLION, BILLION)
    assert company_exposure_krw(borrower) == 3 * BILLION

    loan_repay(user=official, key="loan-1-r1", agreement=agreement, principal_krw=500_000_000, interest_krw=20_000_000)
    assert company_exposure_krw(borrower) == 2_500_000_000
    assert balances(loan_program, borrower)[AccountKind.INTEREST_INCOME] == (-20_000_000, 0)

    agreement_cancel(user=official, key="loan-1-cancel-rest", agreement=agreement)  # the undisbursed billion
    assert company_exposure_krw(borrower) == 1_500_000_000
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.ACTIVE

    loan_repay(user=official, key="loan-1-early", agreement=agreement, principal_krw=1_500_000_000)  # early repayment
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.CLOSED
    assert company_exposure_krw(borrower) == 0
    assert balances(loan_program, borrower)[AccountKind.PROGRAM_BUDGET] == (98 * BILLION, 0)
    assert ledger_reconcile() == []


def test_every_transfer_balances_in_each_phase(official: User, loan_program: Program, borrower: Company) -> None:
    agreement = approve(official, loan_program, borrower, BILLION, "balanced")
    agreement_disburse(user=official, key="balanced-d", agreement=agreement, amount_krw=400_000_000)
    for transfer in Transfer.objects.all():
        for phase in EntryPhase.values:
            assert sum(transfer.entries.filter(phase=phase).values_list("amount_krw", flat=True)) == 0


def test_the_cap_refuses_the_approval_that_would_pass_it(
    official: User, loan_program: Program, borrower: Company
) -> None:
    approve(official, loan_program, borrower, 9 * BILLION, "big")
    with pytest.raises(TransferRefused, match="it has KRW 9,000,000,000, so KRW 1,000,000,000 is left"):
        approve(official, loan_program, borrower, 2 * BILLION, "too-big")
    assert company_exposure_krw(borrower) == 9 * BILLION
    assert Agreement.objects.count() == 1 and Transfer.objects.filter(kind=TransferKind.RESERVE).count() == 1
    approve(official, loan_program, borrower, BILLION, "exactly-to-the-cap")
    assert company_exposure_headroom_krw(borrower) == 0 == exposure_headroom_krw(borrower)
    assert ledger_reconcile() == []


def test_grants_do_not_count_as_exposure(official: User, loan_program: Program, borrower: Company) -> None:
    approve(official, loan_program, borrower, 20 * BILLION, "grant", instrument=Instrument.GRANT)
    assert company_exposure_krw(borrower) == 0


def test_a_program_group_has_its_own_cap(official: User, loan_program: Program, borrower: Company) -> None:
    group = ExposureCapGroup.objects.create(code="small-loans", name_ko="소액", name_en="Small", cap_krw=2 * BILLION)
    group.programs.add(loan_program)
    with pytest.raises(TransferRefused):
        approve(official, loan_program, borrower, 3 * BILLION, "over-group-cap")
    approve(official, loan_program, borrower, 2 * BILLION, "within-group-cap")
    assert company_exposure_headroom_krw(borrower, loan_program) == 0
    assert company_exposure_headroom_krw(borrower) == 8 * BILLION


def test_pending_counts_against_the_budget(official: User, agency: object, borrower: Company) -> None:
    program = ProgramFactory(agency=agency, program_type=ProgramType.LOAN)
    budget_fund(user=official, key="small-budget", program=program, amount_krw=BILLION)
    approve(official, program, borrower, 700_000_000, "b1")
    with pytest.raises(TransferRefused, match="Not enough left"):
        approve(official, program, borrower, 400_000_000, "b2")
    assert company_exposure_krw(borrower) == 700_000_000  # the refused approval left the cap untouched
    assert ledger_reconcile() == []


def test_same_key_same_request_gives_the_first_outcome(
    official: User, loan_program: Program, borrower: Company
) -> None:
    first = agreement_approve(
        user=official, key="k", program=loan_program, company=borrower, instrument=Instrument.LOAN, amount_krw=BILLION
    )
    again = agreement_approve(
        user=official, key="k", program=loan_program, company=borrower, instrument=Instrument.LOAN, amount_krw=BILLION
    )
    assert first.is_new and not again.is_new and again.transfer == first.transfer
    assert Transfer.objects.filter(kind=TransferKind.RESERVE).count() == 1
    assert company_exposure_krw(borrower) == BILLION


def test_same_key_other_request_is_refused(official: User, loan_program: Program, borrower: Company) -> None:
    agreement_approve(
        user=official, key="k", program=loan_program, company=borrower, instrument=Instrument.LOAN, amount_krw=BILLION
    )
    before = (Entry.objects.count(), company_exposure_krw(borrower))
    with pytest.raises(IdempotencyConflict):
        agreement_approve(
            user=official,
            key="k",
            program=loan_program,
            company=borrower,
            instrument=Instrument.LOAN,
            amount_krw=2 * BILLION,
        )
    assert (Entry.objects.count(), company_exposure_krw(borrower)) == before


def test_a_refusal_is_the_keys_outcome(official: User, loan_program: Program, borrower: Company) -> None:
    approve(official, loan_program, borrower, 9 * BILLION, "big")
    for _attempt in range(2):
        with pytest.raises(TransferRefused):
            approve(official, loan_program, borrower, 2 * BILLION, "refused")
    row = IdempotencyKey.objects.get(key="refused")
    assert row.transfer is None and "limit" in row.refusal_message


def test_guarantee_issue_release_and_claim(official: User, agency: object, borrower: Company) -> None:
    program = ProgramFactory(agency=agency, program_type=ProgramType.GUARANTEE, policy_tags=["semiconductor"])
    budget_fund(user=official, key="g-fund", program=program, amount_krw=50 * BILLION)
    agreement = approve(official, program, borrower, 4 * BILLION, "g", instrument=Instrument.GUARANTEE)
    agreement_disburse(user=official, key="g-issue", agreement=agreement, amount_krw=4 * BILLION)
    guarantee_release(user=official, key="g-release", agreement=agreement, amount_krw=BILLION)
    assert company_exposure_krw(borrower) == 3 * BILLION
    guarantee_claim(user=official, key="g-claim", agreement=agreement, amount_krw=2 * BILLION)
    assert company_exposure_krw(borrower) == 3 * BILLION  # the claim is now a receivable
    assert account_for(AccountKind.LOAN_RECEIVABLE, company=borrower).posted_krw == 2 * BILLION
    with pytest.raises(TransferRefused):
        guarantee_release(user=official, key="g-release-2", agreement=agreement, amount_krw=2 * BILLION)
    assert ledger_reconcile() == []


def test_grant_instalments_and_settlement(official: User, agency: object, borrower: Company) -> None:
    program = ProgramFactory(agency=agency, program_type=ProgramType.RND, policy_tags=["strategic_technology"])
    budget_fund(user=official, key="rnd-fund", program=program, amount_krw=10 * BILLION)
    agreement = approve(official, program, borrower, 2 * BILLION, "rnd", instrument=Instrument.RND)
    agreement_disburse(user=official, key="rnd-1", agreement=agreement, amount_krw=BILLION)
    agreement_disburse(user=official, key="rnd-2", agreement=agreement, amount_krw=BILLION)
    with pytest.raises(TransferRefused):
        agreement_disburse(user=official, key="rnd-3", agreement=agreement, amount_krw=1)
    grant_settle(user=official, key="rnd-settle", agreement=agreement, unspent_krw=300_000_000)
    budget = account_for(AccountKind.PROGRAM_BUDGET, program=program)
    assert (budget.posted_krw, budget.pending_krw) == (8_300_000_000, 0)
    assert ledger_reconcile() == []


def test_high_risk_rnd_is_matched_by_private_investment(official: User, agency: object, borrower: Company) -> None:
    program = ProgramFactory(agency=agency, program_type=ProgramType.HIGH_RISK_RND, private_matching_ratio="0.50")
    budget_fund(user=official, key="hr-fund", program=program, amount_krw=10 * BILLION)
    with pytest.raises(ValidationError) as error:
        approve(
            official,
            program,
            borrower,
            2 * BILLION,
            "hr",
            instrument=Instrument.HIGH_RISK_RND,
            private_matched_krw=999_999_999,
        )
    assert "1,000,000,000" in error.value.message_dict["private_matched_krw"][0]
    approve(
        official, program, borrower, 2 * BILLION, "hr", instrument=Instrument.HIGH_RISK_RND, private_matched_krw=BILLION
    )


def test_fund_commitments_by_source_and_capital_calls(official: User, agency: object) -> None:
    fund = ProgramFactory(agency=agency, program_type=ProgramType.FUND_INVESTMENT)
    fund_commit(user=official, key="f-gov", program=fund, amount_krw=600 * BILLION, source="government")
    fund_commit(user=official, key="f-priv", program=fund, amount_krw=400 * BILLION, source="private")
    fund_capital_call(user=official, key="f-call", program=fund, amount_krw=100 * BILLION, source="private")
    with pytest.raises(TransferRefused):
        fund_capital_call(user=official, key="f-call-2", program=fund, amount_krw=301 * BILLION, source="private")
    assert account_for(AccountKind.FUND_PAID_IN, program=fund, source="private").posted_krw == 100 * BILLION
    assert ledger_reconcile() == []


def test_a_reversal_corrects_without_deleting(official: User, loan_program: Program, borrower: Company) -> None:
    agreement = approve(official, loan_program, borrower, BILLION, "rev")
    agreement_disburse(user=official, key="rev-d", agreement=agreement, amount_krw=BILLION)
    repayment = loan_repay(user=official, key="rev-r", agreement=agreement, principal_krw=400_000_000).transfer
    entries = Entry.objects.count()
    transfer_reverse(user=official, key="rev-x", transfer=repayment, reason="entered twice")
    assert Entry.objects.count() == entries + 2
    assert company_exposure_krw(borrower) == BILLION
    with pytest.raises(TransferRefused):
        transfer_reverse(user=official, key="rev-y", transfer=repayment, reason="again")
    with pytest.raises(ValidationError):
        transfer_reverse(user=official, key="rev-z", transfer=agreement.reservation, reason="no")  # type: ignore[arg-type]
    assert ledger_reconcile() == []


def test_another_agencys_official_may_not_move_the_money(loan_program: Program, borrower: Company) -> None:
    outsider = AgencyMembershipFactory(agency=AgencyFactory(code="kibo")).user
    before = (Transfer.objects.count(), IdempotencyKey.objects.count())
    with pytest.raises(PermissionDenied):
        approve(outsider, loan_program, borrower, BILLION, "outsider")
    with pytest.raises(PermissionDenied):
        approve(UserFactory(), loan_program, borrower, BILLION, "public")
    assert (Transfer.objects.count(), IdempotencyKey.objects.count()) == before


def test_reconcile_finds_a_tampered_total(official: User, loan_program: Program, borrower: Company) -> None:
    approve(official, loan_program, borrower, BILLION, "t")
    CompanyExposure.objects.filter(company=borrower).update(total_krw=5)
    Account.objects.filter(kind=AccountKind.PROGRAM_BUDGET).update(posted_krw=1)
    found = {(difference.what, difference.stored, difference.from_entries) for difference in ledger_reconcile()}
    assert found == {("exposure", 5, BILLION), ("account posted", 1, 100 * BILLION)}
