"""Demo data of the finance ledger: funded budgets, a few loans (with schedules, disbursements
and repayments) and guarantees for demo companies, one company near the cap, and exposure
reported by another agency. Idempotent: every posting has a fixed idempotency key, so running it
again replays the first outcomes and adds nothing."""

from __future__ import annotations

import contextlib
import datetime as dt
import random

from foster.accounts.choices import Role
from foster.accounts.models import AgencyMembership, User
from foster.finance.choices import Instrument, ScheduleKind
from foster.finance.ledger import TransferRefused
from foster.finance.services import (
    ScheduleLine,
    agreement_approve,
    agreement_disburse,
    budget_fund,
    external_exposure_key,
    external_exposure_set,
    loan_repay,
)
from foster.programs.models import Program
from foster.registry.models import Company, CompanyMembership

BILLION = 1_000_000_000
LOAN_PROGRAM = "kosme-ai-policy-loan"
GUARANTEE_PROGRAM = "kodit-ai-guarantee"
GENERAL_LOAN_PROGRAM = "kosme-sme-policy-loan"  # not an innovative growth area: the liquidity share's other part
STRATEGIC_RND_PROGRAM = "tipa-strategic-tech-rnd"
GENERAL_RND_PROGRAM = "tipa-sme-rnd"  # not strategic technology: the R&D share's other part


def _official(program: Program) -> User | None:
    membership = (
        AgencyMembership.objects.filter(agency=program.agency, user__role=Role.AGENCY_OFFICIAL)
        .select_related("user")
        .order_by("user_id")
        .first()
    )
    return membership.user if membership else None


def finance_seed(*, seed: int = 2026) -> int:
    """Seed the demo ledger; returns the number of agreements approved by this run."""
    loan_program = Program.objects.filter(code=LOAN_PROGRAM).first()
    guarantee_program = Program.objects.filter(code=GUARANTEE_PROGRAM).first()
    if loan_program is None or guarantee_program is None:
        return 0
    lender, guarantor = _official(loan_program), _official(guarantee_program)
    if lender is None or guarantor is None:
        return 0
    budget_fund(user=lender, key="demo-fund-loan", program=loan_program, amount_krw=500 * BILLION)
    budget_fund(user=guarantor, key="demo-fund-guarantee", program=guarantee_program, amount_krw=800 * BILLION)

    generator = random.Random(seed)  # nosec B311  # seeded generator for reproducible demo data, not a secret
    member_company_ids = list(CompanyMembership.objects.values_list("company_id", flat=True)[:1])
    companies = list(Company.objects.filter(pk__in=member_company_ids)) + list(
        Company.objects.exclude(pk__in=member_company_ids).order_by("id")[:11]
    )
    created = 0
    start = dt.date(2026, 1, 15)
    for index, company in enumerate(companies):
        amount = generator.choice([1, 2, 3, 5]) * BILLION
        months = [start + dt.timedelta(days=30 * step) for step in range(4)]
        schedule = [
            ScheduleLine(ScheduleKind.DISBURSEMENT, months[0], amount // 2),
            ScheduleLine(ScheduleKind.DISBURSEMENT, months[1], amount - amount // 2),
            ScheduleLine(ScheduleKind.REPAYMENT, months[3], amount // 4, amount * 3 // 100 // 4),
        ]
        try:
            loan = agreement_approve(
                user=lender,
                key=f"demo-loan-{company.pk}",
                program=loan_program,
                company=company,
                instrument=Instrument.LOAN,
                amount_krw=amount,
                interest_rate_basis_points=300,
                schedule=schedule,
            )
            agreement = loan.transfer.agreement
            assert agreement is not None
            created += loan.is_new
            agreement_disburse(
                user=lender, key=f"demo-loan-{company.pk}-d1", agreement=agreement, amount_krw=amount // 2
            )
            if index % 2 == 0:
                loan_repay(
                    user=lender,
                    key=f"demo-loan-{company.pk}-r1",
                    agreement=agreement,
                    principal_krw=amount // 10,
                    interest_krw=amount * 3 // 100 // 4,
                )
            if index % 3 == 0:
                guarantee = agreement_approve(
                    user=guarantor,
                    key=f"demo-guarantee-{company.pk}",
                    program=guarantee_program,
                    company=company,
                    instrument=Instrument.GUARANTEE,
                    amount_krw=2 * BILLION,
                )
                created += guarantee.is_new
                assert guarantee.transfer.agreement is not None
                agreement_disburse(
                    user=guarantor,
                    key=f"demo-guarantee-{company.pk}-issue",
                    agreement=guarantee.transfer.agreement,
                    amount_krw=2 * BILLION,
                )
        except TransferRefused:
            continue  # a demo company that has no room left keeps what it has
    created += _other_money_seed(companies=companies, generator=generator)
    if len(companies) > 1:  # one company close to the cap, partly through another agency
        near = companies[1]
        as_of = dt.date(2026, 9, 30)
        with contextlib.suppress(TransferRefused):  # recorded by an earlier run
            external_exposure_set(
                key=external_exposure_key(company=near, source="kibo", as_of=as_of),
                company=near,
                source="kibo",
                as_of=as_of,
                amount_krw=4 * BILLION,
            )
    return created


def _other_money_seed(*, companies: list[Company], generator: random.Random) -> int:
    """Loans of the general SME program (outside the innovative growth areas) and R&D grants of
    the strategic and the general R&D programs, so that the policy monitors show real shares
    rather than 100% or nothing; returns the agreements approved by this run."""
    created = 0
    plans = (
        (GENERAL_LOAN_PROGRAM, Instrument.LOAN, companies[4:10], (1, 2, 3), 2_000),
        (STRATEGIC_RND_PROGRAM, Instrument.RND, companies[:5], (1, 2), 330),
        (GENERAL_RND_PROGRAM, Instrument.RND, companies[5:9], (1,), 300),
    )
    for code, instrument, chosen, billions, budget_billions in plans:
        program = Program.objects.filter(code=code).first()
        official = _official(program) if program is not None else None
        if program is None or official is None:
            continue
        budget_fund(user=official, key=f"demo-fund-{code}", program=program, amount_krw=budget_billions * BILLION)
        for company in chosen:
            amount = generator.choice(billions) * BILLION
            try:
                outcome = agreement_approve(
                    user=official,
                    key=f"demo-{code}-{company.pk}",
                    program=program,
                    company=company,
                    instrument=instrument,
                    amount_krw=amount,
                    interest_rate_basis_points=250 if instrument == Instrument.LOAN else 0,
                )
            except TransferRefused:
                continue  # no room left under the cap: the demo keeps what it has
            created += outcome.is_new
            agreement = outcome.transfer.agreement
            assert agreement is not None
            agreement_disburse(
                user=official, key=f"demo-{code}-{company.pk}-d1", agreement=agreement, amount_krw=amount // 2
            )
    return created
