"""Writes of the finance ledger: each service checks the permission, validates its input, and
records one transfer through ``ledger.transfer_execute`` under the caller's idempotency key (the
same key and request give the first outcome again; another request with the key is refused).

Every service that settles an agreement's reservation locks the agreement row
(``select_for_update``) inside the transfer's transaction, after the key and before the exposure
counter and the accounts (the lock order of ``foster.finance.ledger``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from foster.finance import schedules
from foster.finance.choices import (
    EXPOSURE_INSTRUMENTS,
    AccountKind,
    AgreementStatus,
    EntryPhase,
    FundingSource,
    Instrument,
    RepaymentMethod,
    ScheduleKind,
    TransferKind,
)
from foster.finance.ledger import (
    Line,
    Outcome,
    TransferPlan,
    TransferRefused,
    account_for,
    clean_amount,
    transfer_execute,
)
from foster.finance.models import REFERENCE_MAX_LENGTH, Account, Agreement, Entry, ScheduleItem, Transfer
from foster.finance.selectors import exposure_cap_for_program
from foster.programs.choices import ProgramType
from foster.programs.models import Program
from foster.registry.models import Company

PENDING, POSTED = EntryPhase.PENDING, EntryPhase.POSTED

INSTRUMENT_ACCOUNT: dict[str, str] = {
    Instrument.LOAN: AccountKind.LOAN_RECEIVABLE,
    Instrument.GUARANTEE: AccountKind.GUARANTEE_EXPOSURE,
    Instrument.GRANT: AccountKind.GRANT_DISBURSED,
    Instrument.RND: AccountKind.GRANT_DISBURSED,
    Instrument.HIGH_RISK_RND: AccountKind.GRANT_DISBURSED,
}


def _check_manage(user: Any, program: Program) -> None:
    if not user.has_perm("finance.manage_program_money", program):
        raise PermissionDenied(_("Only officials of the program's agency may move its money."))


# --- Budgets and funds ------------------------------------------------------------------------


def _clean_source(source: str) -> str:
    if source not in (FundingSource.GOVERNMENT, FundingSource.PRIVATE):
        raise ValidationError({"source": [_("Choose government or private.")]})
    return source


def budget_fund(*, user: Any, key: str, program: Program, amount_krw: int, source: str = "government") -> Outcome:
    """Put ``amount_krw`` of ``source`` money into the program's budget (posted)."""
    _check_manage(user, program)
    amount = clean_amount(amount_krw)
    source = _clean_source(source)

    def plan() -> TransferPlan:
        appropriation = account_for(AccountKind.APPROPRIATION, source=source)
        budget = account_for(AccountKind.PROGRAM_BUDGET, program=program)
        return TransferPlan(
            kind=TransferKind.BUDGET_FUND,
            amount_krw=amount,
            program=program,
            lines=[Line(appropriation, -amount), Line(budget, amount)],
            description=_("Budget funded from %(source)s money") % {"source": FundingSource(source).label},
        )

    request = {"op": "budget_fund", "program": program.pk, "amount": amount, "source": source}
    return transfer_execute(key=key, request=request, plan=plan, actor=user, audit_action="finance.budget_fund")


def fund_commit(*, user: Any, key: str, program: Program, amount_krw: int, source: str) -> Outcome:
    """Record a commitment of ``source`` money (government or private) to a fund program."""
    _check_manage(user, program)
    amount = clean_amount(amount_krw)
    source = _clean_source(source)

    def plan() -> TransferPlan:
        return TransferPlan(
            kind=TransferKind.FUND_COMMIT,
            amount_krw=amount,
            program=program,
            lines=[
                Line(account_for(AccountKind.APPROPRIATION, source=source), -amount),
                Line(account_for(AccountKind.FUND_COMMITMENT, program=program, source=source), amount),
            ],
        )

    request = {"op": "fund_commit", "program": program.pk, "amount": amount, "source": source}
    return transfer_execute(key=key, request=request, plan=plan, actor=user, audit_action="finance.fund_commit")


def fund_capital_call(*, user: Any, key: str, program: Program, amount_krw: int, source: str) -> Outcome:
    """Call ``amount_krw`` of committed ``source`` capital; refused beyond what is committed and not yet called."""
    _check_manage(user, program)
    amount = clean_amount(amount_krw)
    source = _clean_source(source)

    def plan() -> TransferPlan:
        commitment = account_for(AccountKind.FUND_COMMITMENT, program=program, source=source)
        return TransferPlan(
            kind=TransferKind.CAPITAL_CALL,
            amount_krw=amount,
            program=program,
            lines=[
                Line(commitment, -amount),
                Line(account_for(AccountKind.FUND_PAID_IN, program=program, source=source), amount),
            ],
            floor_accounts=frozenset({commitment.pk}),
        )

    request = {"op": "capital_call", "program": program.pk, "amount": amount, "source": source}
    return transfer_execute(key=key, request=request, plan=plan, actor=user, audit_action="finance.capital_call")


def fund_invest(
    *, user: Any, key: str, program: Program, company: Company, amount_krw: int, source: str, note: str = ""
) -> Outcome:
    """Record the fund ``program``'s investment of ``amount_krw`` of paid-in ``source`` capital into
    ``company`` (an accelerator startup's follow-on round, for instance). The money moves from the
    fund's paid-in account of that source to the fund's investment in the company, so the fund's
    size by source (commitments plus paid-in plus investments, ``ai_fund_monitor``) does not change;
    refused beyond the capital paid in and not yet invested. Not exposure: an equity investment is
    not a loan or a guarantee."""
    _check_manage(user, program)
    if program.program_type != ProgramType.FUND_INVESTMENT:
        raise ValidationError({"program": [_("Only a fund investment program invests in companies.")]})
    amount = clean_amount(amount_krw)
    source = _clean_source(source)
    note = (note or "").strip()[:300]

    def plan() -> TransferPlan:
        paid_in = account_for(AccountKind.FUND_PAID_IN, program=program, source=source)
        return TransferPlan(
            kind=TransferKind.FUND_INVEST,
            amount_krw=amount,
            program=program,
            company=company,
            lines=[
                Line(paid_in, -amount),
                Line(account_for(AccountKind.FUND_INVESTMENT, program=program, company=company, source=source), amount),
            ],
            floor_accounts=frozenset({paid_in.pk}),
            description=note or _("Fund investment into %(company)s") % {"company": company.name_ko},
        )

    request = {"op": "fund_invest", "program": program.pk, "company": company.pk, "amount": amount, "source": source}
    return transfer_execute(key=key, request=request, plan=plan, actor=user, audit_action="finance.fund_invest")


PROGRAM_MONEY_SERVICES: dict[str, Callable[..., Outcome]] = {
    "budget_fund": budget_fund,
    "fund_commit": fund_commit,
    "capital_call": fund_capital_call,
}
"""The program money operations by name (the page's and the API's ``operation``)."""


# --- Agreements -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleLine:
    kind: str
    due_on: dt.date
    principal_krw: int
    interest_krw: int = 0


def _instrument_for(program: Program, instrument: str) -> str:
    if instrument not in Instrument.values:
        raise ValidationError({"instrument": [_("Choose an instrument.")]})
    if program.program_type == ProgramType.HIGH_RISK_RND and instrument != Instrument.HIGH_RISK_RND:
        raise ValidationError({"instrument": [_("A high-risk R&D program gives high-risk R&D funds only.")]})
    return instrument


@dataclass(frozen=True)
class LoanScheduleTerms:
    """How to compute a loan's schedule at approval: ``method`` (``RepaymentMethod``), monthly
    instalments over ``term_months`` from ``starts_on`` (the planned disbursement date), the first
    ``grace_months`` interest only. The rate is the agreement's."""

    method: str
    term_months: int
    starts_on: dt.date
    grace_months: int = 0


def loan_schedule_lines(
    *, amount_krw: int, interest_rate_basis_points: int, terms: LoanScheduleTerms
) -> list[ScheduleLine]:
    """The computed schedule of a loan: one disbursement of the whole amount on ``starts_on``, then
    the repayments of ``finance.schedules.loan_schedule``. Raises ValidationError naming the bad term."""
    if terms.method not in schedules.METHODS:
        raise ValidationError({"repayment_method": [_("Choose equal principal, equal instalment or bullet.")]})
    if not isinstance(terms.term_months, int) or not 1 <= terms.term_months <= schedules.MAX_TERM_MONTHS:
        raise ValidationError({"term_months": [_("Enter a term of 1 to 600 months.")]})
    if not isinstance(terms.grace_months, int) or not 0 <= terms.grace_months < terms.term_months:
        raise ValidationError({"grace_months": [_("The grace period must be shorter than the term.")]})
    if not isinstance(terms.starts_on, dt.date):
        raise ValidationError({"starts_on": [_("Enter the date the loan starts.")]})
    instalments = schedules.loan_schedule(
        schedules.LoanTerms(
            principal_krw=amount_krw,
            annual_rate_basis_points=interest_rate_basis_points,
            term_months=terms.term_months,
            start_on=terms.starts_on,
            method=terms.method,
            grace_months=terms.grace_months,
        )
    )
    return [
        ScheduleLine(ScheduleKind.DISBURSEMENT, terms.starts_on, amount_krw),
        *(
            ScheduleLine(ScheduleKind.REPAYMENT, item.due_on, item.principal_krw, item.interest_krw)
            for item in instalments
        ),
    ]


def _required_private_krw(program: Program, amount: int) -> int:
    ratio = program.private_matching_ratio or Decimal(0)
    required = Decimal(amount) * Decimal(ratio)
    return int(required.to_integral_value(rounding="ROUND_CEILING"))


def agreement_approve(
    *,
    user: Any,
    key: str,
    program: Program,
    company: Company,
    instrument: str,
    amount_krw: int,
    interest_rate_basis_points: int = 0,
    private_matched_krw: int = 0,
    schedule: Sequence[ScheduleLine] = (),
    loan_terms: LoanScheduleTerms | None = None,
    reference: str = "",
) -> Outcome:
    """Approve an agreement: reserve ``amount_krw`` of the program's budget (pending) and, for loans
    and guarantees, count it against the company's exposure cap at once. Refused (and recorded as
    the key's outcome) when the budget or the cap has no room. High-risk R&D needs private
    investment of at least the program's matching ratio times the amount. A loan given
    ``loan_terms`` gets its schedule computed (``loan_schedule_lines``) instead of a typed one.
    ``reference`` is the agency's own number for the agreement (unique); without one the key is used."""
    _check_manage(user, program)
    reference = reference.strip() or key
    if len(reference) > REFERENCE_MAX_LENGTH:
        raise ValidationError(
            {"reference": [_("Use at most %(limit)s characters for the reference.") % {"limit": REFERENCE_MAX_LENGTH}]}
        )
    amount = clean_amount(amount_krw)
    instrument = _instrument_for(program, instrument)
    matched = clean_amount(private_matched_krw, "private_matched_krw", allow_zero=True)
    if not isinstance(interest_rate_basis_points, int) or not 0 <= interest_rate_basis_points <= 5_000:
        raise ValidationError({"interest_rate_basis_points": [_("Enter a rate between 0 and 5000 basis points.")]})
    if instrument == Instrument.HIGH_RISK_RND and matched < _required_private_krw(program, amount):
        raise ValidationError(
            {
                "private_matched_krw": [
                    _("High-risk R&D money is matched by private investment: at least KRW %(required)s is needed.")
                    % {"required": f"{_required_private_krw(program, amount):,}"}
                ]
            }
        )
    if loan_terms is not None:
        if instrument != Instrument.LOAN:
            raise ValidationError({"repayment_method": [_("Only loans have a computed repayment schedule.")]})
        if schedule:
            raise ValidationError({"schedule": [_("Give either a typed schedule or the loan's terms, not both.")]})
        schedule = loan_schedule_lines(
            amount_krw=amount, interest_rate_basis_points=interest_rate_basis_points, terms=loan_terms
        )
    schedule = list(schedule)
    for item in schedule:
        clean_amount(item.principal_krw, "schedule", allow_zero=True)
        clean_amount(item.interest_krw, "schedule", allow_zero=True)
    disbursements = sum(item.principal_krw for item in schedule if item.kind == ScheduleKind.DISBURSEMENT)
    if disbursements > amount:
        raise ValidationError({"schedule": [_("The disbursements add up to more than the agreement's amount.")]})
    counts_as_exposure = instrument in EXPOSURE_INSTRUMENTS
    cap = exposure_cap_for_program(program)

    def plan() -> TransferPlan:
        if Agreement.objects.filter(reference=reference).exists():
            raise ValidationError(
                {
                    "reference": [
                        _("Another agreement already has the reference %(reference)s; enter a different one.")
                        % {"reference": reference}
                    ]
                }
            )
        agreement = Agreement.objects.create(
            program=program,
            company=company,
            instrument=instrument,
            reference=reference,
            amount_krw=amount,
            interest_rate_basis_points=interest_rate_basis_points,
            private_matched_krw=matched,
            repayment_method=loan_terms.method if loan_terms else RepaymentMethod.NONE,
            term_months=loan_terms.term_months if loan_terms else 0,
            grace_months=loan_terms.grace_months if loan_terms else 0,
            starts_on=loan_terms.starts_on if loan_terms else None,
            status=AgreementStatus.APPROVED,
            created_by=user if getattr(user, "is_authenticated", False) else None,
        )
        ScheduleItem.objects.bulk_create(
            ScheduleItem(
                agreement=agreement,
                kind=item.kind,
                due_on=item.due_on,
                principal_krw=item.principal_krw,
                interest_krw=item.interest_krw,
            )
            for item in schedule
        )
        budget = account_for(AccountKind.PROGRAM_BUDGET, program=program)
        target = account_for(INSTRUMENT_ACCOUNT[instrument], company=company)
        return TransferPlan(
            kind=TransferKind.RESERVE,
            amount_krw=amount,
            company=company,
            program=program,
            agreement=agreement,
            lines=[Line(budget, -amount, PENDING), Line(target, amount, PENDING)],
            exposure_krw=amount if counts_as_exposure else 0,
            cap_krw=cap,
            floor_accounts=frozenset({budget.pk}),
            description=_("Approval of %(reference)s") % {"reference": reference},
            after=lambda transfer: _set_reservation(agreement, transfer),
        )

    request = {
        "op": "approve",
        "program": program.pk,
        "company": company.pk,
        "instrument": instrument,
        "amount": amount,
        "rate": interest_rate_basis_points,
        "matched": matched,
        "schedule": [[item.kind, item.due_on.isoformat(), item.principal_krw, item.interest_krw] for item in schedule],
    }
    if reference != key:  # a key's request from before references could be typed keeps its fingerprint
        request["reference"] = reference
    if loan_terms is not None:
        request["terms"] = [loan_terms.method, loan_terms.term_months, loan_terms.grace_months]
    return transfer_execute(key=key, request=request, plan=plan, actor=user, audit_action="finance.agreement_approve")


def _set_reservation(agreement: Agreement, transfer: Transfer) -> None:
    Agreement.objects.filter(pk=agreement.pk).update(reservation=transfer)
    agreement.reservation = transfer


def _locked(agreement: Agreement) -> Agreement:
    return (
        Agreement.objects.select_for_update(of=("self",))
        .select_related("reservation", "program", "company")
        .get(pk=agreement.pk)
    )


def agreement_remaining_krw(agreement: Agreement) -> int:
    """What is still reserved and neither posted nor voided (from the entries of its settlements)."""
    if agreement.reservation_id is None:
        return 0
    settled = Transfer.objects.filter(pending_of_id=agreement.reservation_id, reverses__isnull=True).aggregate(
        total=Sum("amount_krw")
    )["total"]
    return agreement.amount_krw - (settled or 0)


def _instrument_account(agreement: Agreement) -> Account:
    return account_for(INSTRUMENT_ACCOUNT[Instrument(agreement.instrument)], company=agreement.company)


def agreement_disburse(*, user: Any, key: str, agreement: Agreement, amount_krw: int) -> Outcome:
    """Post ``amount_krw`` of the agreement's reservation: a loan disbursement, a guarantee's
    issuance, a grant or R&D instalment. The exposure was counted at approval and does not change.
    Locks the agreement row."""
    _check_manage(user, agreement.program)
    amount = clean_amount(amount_krw)

    def plan() -> TransferPlan:
        locked = _locked(agreement)
        if locked.status in (AgreementStatus.CANCELLED, AgreementStatus.CLOSED):
            raise TransferRefused(_("The agreement is closed or cancelled."))
        remaining = agreement_remaining_krw(locked)
        if amount > remaining:
            raise TransferRefused(
                _("Only KRW %(remaining)s of the approved amount is left to pay out.") % {"remaining": f"{remaining:,}"}
            )
        budget = account_for(AccountKind.PROGRAM_BUDGET, program=locked.program)
        target = _instrument_account(locked)
        Agreement.objects.filter(pk=locked.pk).update(status=AgreementStatus.ACTIVE)
        return TransferPlan(
            kind=TransferKind.POST,
            amount_krw=amount,
            company=locked.company,
            program=locked.program,
            agreement=locked,
            pending_of=locked.reservation,
            lines=[
                Line(budget, amount, PENDING),
                Line(target, -amount, PENDING),
                Line(budget, -amount, POSTED),
                Line(target, amount, POSTED),
            ],
        )

    request = {"op": "disburse", "agreement": agreement.pk, "amount": amount}
    return transfer_execute(key=key, request=request, plan=plan, actor=user, audit_action="finance.agreement_disburse")


def agreement_cancel(*, user: Any, key: str, agreement: Agreement) -> Outcome:
    """Void what is left of the agreement's reservation: the budget and the company's exposure get
    it back. An agreement with nothing paid out becomes cancelled. Locks the agreement row."""
    _check_manage(user, agreement.program)

    def plan() -> TransferPlan:
        locked = _locked(agreement)
        remaining = agreement_remaining_krw(locked)
        if remaining <= 0 or locked.status == AgreementStatus.CANCELLED:
            raise TransferRefused(_("Nothing of this agreement is left to cancel."))
        budget = account_for(AccountKind.PROGRAM_BUDGET, program=locked.program)
        target = _instrument_account(locked)
        nothing_paid = remaining == locked.amount_krw
        Agreement.objects.filter(pk=locked.pk).update(
            status=AgreementStatus.CANCELLED if nothing_paid else locked.status
        )
        return TransferPlan(
            kind=TransferKind.VOID,
            amount_krw=remaining,
            company=locked.company,
            program=locked.program,
            agreement=locked,
            pending_of=locked.reservation,
            lines=[Line(budget, remaining, PENDING), Line(target, -remaining, PENDING)],
            exposure_krw=-remaining if locked.instrument in EXPOSURE_INSTRUMENTS else 0,
        )

    request = {"op": "cancel", "agreement": agreement.pk}
    return transfer_execute(key=key, request=request, plan=plan, actor=user, audit_action="finance.agreement_cancel")


def agreement_posted_krw(agreement: Agreement, kind: str) -> int:
    """The agreement's posted balance on its company's account of ``kind`` (from the entries)."""
    total = Entry.objects.filter(
        transfer__agreement=agreement, account__kind=kind, account__company=agreement.company, phase=POSTED
    ).aggregate(total=Sum("amount_krw"))["total"]
    return total or 0


def loan_accrued_interest_krw(agreement: Agreement, *, on: dt.date) -> int:
    """Interest of ``agreement`` (a loan) accrued until ``on`` and not yet paid, actual/365
    (``schedules.accrued_interest_krw``): on each day's outstanding principal, from the date of the
    last repayment that paid interest (it settled the interest to its date) or else of the first
    disbursement. Dates are the transfers' dates in Korea; reversed repayments do not count."""
    rows = list(
        Transfer.objects.filter(
            agreement=agreement, kind__in=[TransferKind.POST, TransferKind.REPAYMENT], reversed_by__isnull=True
        )
        .order_by("created_at", "id")
        .values_list("kind", "amount_krw", "exposure_delta_krw", "created_at")
    )
    changes: list[tuple[dt.date, int]] = []
    start: dt.date | None = None
    for kind, amount, exposure_delta, created_at in rows:
        day = timezone.localdate(created_at)
        if kind == TransferKind.POST:
            changes.append((day, amount))
            start = start or day
        else:
            changes.append((day, exposure_delta))  # minus the principal repaid
            if amount + exposure_delta > 0:  # it paid interest
                start = day
    if start is None:
        return 0
    return schedules.accrued_interest_krw(
        principal_changes=changes, start=start, end=on, annual_rate_basis_points=agreement.interest_rate_basis_points
    )


def _schedule_recompute(agreement: Agreement, *, on: dt.date, outstanding_krw: int) -> None:
    """After a repayment on ``on``: if the instalments still to come plan to collect more principal
    than ``outstanding_krw`` (what the company owes, paid out or not), the repayment was early, and
    those instalments are computed again from ``outstanding_krw`` by the loan's method, on the same
    dates (lower instalments, same term). Nothing outstanding: the remaining instalments go."""
    if not agreement.repayment_method:
        return
    future = list(
        ScheduleItem.objects.filter(agreement=agreement, kind=ScheduleKind.REPAYMENT, due_on__gt=on).order_by(
            "due_on", "id"
        )
    )
    if sum(item.principal_krw for item in future) <= outstanding_krw:
        return
    grace_ends = schedules.add_months(agreement.starts_on, agreement.grace_months) if agreement.starts_on else on
    dates = [item.due_on for item in future]
    instalments = schedules.remaining_schedule(
        outstanding_krw=outstanding_krw,
        annual_rate_basis_points=agreement.interest_rate_basis_points,
        due_dates=dates,
        method=agreement.repayment_method,
        grace_periods=sum(1 for date in dates if date <= grace_ends),
    )
    ScheduleItem.objects.filter(pk__in=[item.pk for item in future]).delete()
    ScheduleItem.objects.bulk_create(
        ScheduleItem(
            agreement=agreement,
            kind=ScheduleKind.REPAYMENT,
            due_on=item.due_on,
            principal_krw=item.principal_krw,
            interest_krw=item.interest_krw,
        )
        for item in instalments
    )


def loan_repay(
    *, user: Any, key: str, agreement: Agreement, principal_krw: int, interest_krw: int | None = None
) -> Outcome:
    """Record a repayment of a loan: principal (scheduled or early) lowers the receivable and the
    company's exposure; interest is income. ``interest_krw`` None (not typed) is the interest
    accrued to today (``loan_accrued_interest_krw``, actual/365). Refused beyond the outstanding
    principal. A repayment ahead of a computed schedule re-computes the instalments still to come
    (``_schedule_recompute``). Locks the agreement row."""
    _check_manage(user, agreement.program)
    principal = clean_amount(principal_krw, "principal_krw", allow_zero=True)
    interest = None if interest_krw is None else clean_amount(interest_krw, "interest_krw", allow_zero=True)
    if interest is not None and principal + interest == 0:
        raise ValidationError({"principal_krw": [_("Enter the principal or the interest repaid.")]})
    if agreement.instrument != Instrument.LOAN:
        raise ValidationError({"agreement": [_("Only loans are repaid.")]})

    def plan() -> TransferPlan:
        locked = _locked(agreement)
        today = timezone.localdate()
        outstanding = agreement_posted_krw(locked, AccountKind.LOAN_RECEIVABLE)
        if principal > outstanding:
            raise TransferRefused(
                _("Only KRW %(outstanding)s of principal is outstanding.") % {"outstanding": f"{outstanding:,}"}
            )
        paid_interest = loan_accrued_interest_krw(locked, on=today) if interest is None else interest
        if principal + paid_interest == 0:
            raise TransferRefused(_("Nothing is due: no principal was entered and no interest has accrued."))
        repayments = account_for(AccountKind.REPAYMENTS, program=locked.program)
        lines = []
        if principal:
            lines += [
                Line(account_for(AccountKind.LOAN_RECEIVABLE, company=locked.company), -principal),
                Line(repayments, principal),
            ]
        if paid_interest:
            lines += [
                Line(account_for(AccountKind.INTEREST_INCOME, program=locked.program), -paid_interest),
                Line(repayments, paid_interest),
            ]
        not_paid_out = agreement_remaining_krw(locked)
        if principal == outstanding and not_paid_out == 0:
            Agreement.objects.filter(pk=locked.pk).update(status=AgreementStatus.CLOSED)
        if principal:
            _schedule_recompute(locked, on=today, outstanding_krw=outstanding - principal + max(0, not_paid_out))
        description = (
            _("Interest accrued to %(date)s, actual/365") % {"date": today.isoformat()} if interest is None else ""
        )
        return TransferPlan(
            kind=TransferKind.REPAYMENT,
            amount_krw=principal + paid_interest,
            company=locked.company,
            program=locked.program,
            agreement=locked,
            lines=lines,
            exposure_krw=-principal,
            description=description,
        )

    request = {
        "op": "repay",
        "agreement": agreement.pk,
        "principal": principal,
        "interest": "accrued" if interest is None else interest,
    }
    return transfer_execute(key=key, request=request, plan=plan, actor=user, audit_action="finance.loan_repay")


def guarantee_release(*, user: Any, key: str, agreement: Agreement, amount_krw: int) -> Outcome:
    """Release issued guarantee (the guaranteed loan was repaid): exposure and guarantee capacity
    come back. Locks the agreement row."""
    return _guarantee_settle(user=user, key=key, agreement=agreement, amount_krw=amount_krw, is_claim=False)


def guarantee_claim(*, user: Any, key: str, agreement: Agreement, amount_krw: int) -> Outcome:
    """Pay a claim on an issued guarantee: the guarantee becomes a claim on the company (a loan
    receivable), so the company's exposure does not change. Locks the agreement row."""
    return _guarantee_settle(user=user, key=key, agreement=agreement, amount_krw=amount_krw, is_claim=True)


def _guarantee_settle(*, user: Any, key: str, agreement: Agreement, amount_krw: int, is_claim: bool) -> Outcome:
    _check_manage(user, agreement.program)
    amount = clean_amount(amount_krw)
    if agreement.instrument != Instrument.GUARANTEE:
        raise ValidationError({"agreement": [_("Only guarantees are released or claimed.")]})

    def plan() -> TransferPlan:
        locked = _locked(agreement)
        issued = agreement_posted_krw(locked, AccountKind.GUARANTEE_EXPOSURE)
        if amount > issued:
            raise TransferRefused(
                _("Only KRW %(issued)s of this guarantee is outstanding.") % {"issued": f"{issued:,}"}
            )
        exposure = account_for(AccountKind.GUARANTEE_EXPOSURE, company=locked.company)
        counterpart = (
            account_for(AccountKind.LOAN_RECEIVABLE, company=locked.company)
            if is_claim
            else account_for(AccountKind.PROGRAM_BUDGET, program=locked.program)
        )
        return TransferPlan(
            kind=TransferKind.GUARANTEE_CLAIM if is_claim else TransferKind.GUARANTEE_RELEASE,
            amount_krw=amount,
            company=locked.company,
            program=locked.program,
            agreement=locked,
            lines=[Line(exposure, -amount), Line(counterpart, amount)],
            exposure_krw=0 if is_claim else -amount,
        )

    request = {"op": "claim" if is_claim else "release", "agreement": agreement.pk, "amount": amount}
    return transfer_execute(
        key=key,
        request=request,
        plan=plan,
        actor=user,
        audit_action="finance.guarantee_claim" if is_claim else "finance.guarantee_release",
    )


def grant_settle(*, user: Any, key: str, agreement: Agreement, unspent_krw: int) -> Outcome:
    """Settle a grant or R&D agreement: the company returns ``unspent_krw`` of what was paid, which
    goes back to the program's budget. Locks the agreement row."""
    _check_manage(user, agreement.program)
    unspent = clean_amount(unspent_krw, "unspent_krw")
    if agreement.instrument in EXPOSURE_INSTRUMENTS:
        raise ValidationError({"agreement": [_("Only grants and R&D funds are settled.")]})

    def plan() -> TransferPlan:
        locked = _locked(agreement)
        paid = agreement_posted_krw(locked, AccountKind.GRANT_DISBURSED)
        if unspent > paid:
            raise TransferRefused(_("Only KRW %(paid)s was paid out.") % {"paid": f"{paid:,}"})
        return TransferPlan(
            kind=TransferKind.SETTLEMENT,
            amount_krw=unspent,
            company=locked.company,
            program=locked.program,
            agreement=locked,
            lines=[
                Line(account_for(AccountKind.GRANT_DISBURSED, company=locked.company), -unspent),
                Line(account_for(AccountKind.PROGRAM_BUDGET, program=locked.program), unspent),
            ],
        )

    request = {"op": "settle", "agreement": agreement.pk, "unspent": unspent}
    return transfer_execute(key=key, request=request, plan=plan, actor=user, audit_action="finance.grant_settle")


REVERSIBLE = frozenset(
    {
        TransferKind.BUDGET_FUND,
        TransferKind.REPAYMENT,
        TransferKind.GUARANTEE_RELEASE,
        TransferKind.GUARANTEE_CLAIM,
        TransferKind.SETTLEMENT,
        TransferKind.FUND_COMMIT,
        TransferKind.CAPITAL_CALL,
        TransferKind.FUND_INVEST,
    }
)


def transfer_reversal_refusal(transfer: Transfer) -> str:
    """Why ``transfer`` cannot be reversed, for the page to say before anyone tries; "" if it can
    (the cap and the budget floors are still checked when it is)."""
    if transfer.kind not in REVERSIBLE:
        return _(
            "Approvals, postings and cancellations are corrected by cancelling what is left of the agreement, "
            "and reported exposures by importing the corrected figure; this transfer cannot be reversed."
        )
    if Transfer.objects.filter(reverses=transfer).exists():
        return _("This transfer was already reversed.")
    return ""


def transfer_reverse(*, user: Any, key: str, transfer: Transfer, reason: str) -> Outcome:
    """Correct a posted transfer by a reversing one (the entries negated); nothing is deleted.
    Approvals, postings and cancellations are corrected by cancelling instead. A reversal that
    raises a company's exposure is held to the cap like an approval."""
    program = transfer.program
    if program is None or not user.has_perm("finance.manage_program_money", program):
        raise PermissionDenied(_("Only officials of the program's agency may correct its transfers."))
    if transfer.kind not in REVERSIBLE:
        raise ValidationError({"transfer": [transfer_reversal_refusal(transfer)]})
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Say why the transfer is reversed.")]})

    def plan() -> TransferPlan:
        if Transfer.objects.filter(reverses=transfer).exists():
            raise TransferRefused(_("This transfer was already reversed."))
        lines = [
            Line(entry.account, -entry.amount_krw, entry.phase) for entry in transfer.entries.select_related("account")
        ]
        floors = frozenset(
            line.account.pk
            for line in lines
            if line.account.kind in (AccountKind.PROGRAM_BUDGET, AccountKind.FUND_COMMITMENT, AccountKind.FUND_PAID_IN)
        )
        return TransferPlan(
            kind=TransferKind.REVERSAL,
            amount_krw=transfer.amount_krw,
            company=transfer.company,
            program=program,
            agreement=transfer.agreement,
            reverses=transfer,
            lines=lines,
            exposure_krw=-transfer.exposure_delta_krw,
            cap_krw=exposure_cap_for_program(program),
            floor_accounts=floors,
            description=reason.strip(),
        )

    request = {"op": "reverse", "transfer": transfer.pk, "reason": reason.strip()}
    return transfer_execute(key=key, request=request, plan=plan, actor=user, audit_action="finance.transfer_reverse")


def external_exposure_set(
    *, key: str, company: Company, source: str, as_of: dt.date, amount_krw: int, actor: Any = None
) -> Outcome:
    """Set ``company``'s exposure reported by agency ``source`` to ``amount_krw`` as of ``as_of``
    (the change against what was recorded is posted). A reported fact: not refused by the cap;
    the company's headroom shrinks, to zero if need be. Called by the import."""
    amount = clean_amount(amount_krw, allow_zero=True)

    def plan() -> TransferPlan:
        exposure = account_for(AccountKind.EXTERNAL_EXPOSURE, company=company, source=source)
        counterpart = account_for(AccountKind.EXTERNAL_SOURCE, source=source)
        current = Account.objects.filter(pk=exposure.pk).values_list("posted_krw", flat=True).get()
        delta = amount - current
        if delta == 0:
            raise TransferRefused(_("No change: the reported exposure is already recorded."))
        return TransferPlan(
            kind=TransferKind.EXTERNAL_EXPOSURE,
            amount_krw=abs(delta),
            company=company,
            lines=[Line(exposure, delta), Line(counterpart, -delta)],
            exposure_krw=delta,
            cap_krw=None,
            description=_("Reported by %(source)s as of %(date)s") % {"source": source, "date": as_of.isoformat()},
        )

    request = external_exposure_request(company=company, source=source, as_of=as_of, amount_krw=amount)
    return transfer_execute(key=key, request=request, plan=plan, actor=actor)


def external_exposure_key(*, company: Company, source: str, as_of: dt.date) -> str:
    """The idempotency key of one reported exposure: one figure per agency, company and date."""
    return f"exposure-import:{source}:{as_of.isoformat()}:{company.business_registration_number}"


def external_exposure_request(*, company: Company, source: str, as_of: dt.date, amount_krw: int) -> dict[str, Any]:
    return {"op": "external", "company": company.pk, "source": source, "as_of": as_of.isoformat(), "amount": amount_krw}


def agreement_operation_apply(*, user: Any, agreement: Agreement, data: dict[str, Any]) -> Outcome:
    """Apply one named operation to ``agreement`` (the form's and the API's single entry point):
    ``data`` has ``operation``, ``idempotency_key``, ``amount_krw`` and, for repayments, ``interest_krw``
    (None or missing: the interest accrued is computed)."""
    key, amount, interest = data["idempotency_key"], data.get("amount_krw") or 0, data.get("interest_krw")
    operation = data["operation"]
    if operation == "disburse":
        return agreement_disburse(user=user, key=key, agreement=agreement, amount_krw=amount)
    if operation == "repay":
        return loan_repay(user=user, key=key, agreement=agreement, principal_krw=amount, interest_krw=interest)
    if operation == "cancel":
        return agreement_cancel(user=user, key=key, agreement=agreement)
    if operation == "release":
        return guarantee_release(user=user, key=key, agreement=agreement, amount_krw=amount)
    if operation == "claim":
        return guarantee_claim(user=user, key=key, agreement=agreement, amount_krw=amount)
    if operation == "settle":
        return grant_settle(user=user, key=key, agreement=agreement, unspent_krw=amount)
    raise ValidationError({"operation": [_("Choose an operation.")]})
