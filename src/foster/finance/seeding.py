"""Demo data of the finance ledger: funded budgets, a few loans (with schedules, disbursements
and repayments) and guarantees for demo companies, one company near the cap, and exposure
reported by another agency. Idempotent: every posting has a fixed idempotency key, so running it
again replays the first outcomes and adds nothing."""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from typing import Any

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


# The bulk ledger of the load test (``foster seed --ledger-entries``): loans of the two KOSME loan
# programs, ten entries each, made the way the services make them (see ``finance.services``):
#   approval (reserve, pending):          budget -a, receivable +a
#   disbursement (post of the reserve):   pending budget +a, receivable -a; posted budget -a, receivable +a
#   two repayments (posted):              receivable -r, repayments +r (each)
ENTRIES_PER_LOAN = 10
TRANSFERS_PER_LOAN = 4
BULK_LOAN_PROGRAMS = (LOAN_PROGRAM, GENERAL_LOAN_PROGRAM)
BULK_YEARS = (2021, 2026)  # approvals spread over these years (inclusive)


def ledger_bulk_seed(*, entries: int, seed: int = 1) -> int:
    """Add about ``entries`` ledger entries as loans of the KOSME loan programs to the companies of
    the registry (one loan per company, in id order, then round again), with their agreements and
    transfers; then set every running total from the entries, so that ``foster ledger reconcile``
    is clean. PostgreSQL only (``INSERT ... SELECT generate_series``); the entry and transfer
    tables are loaded without their secondary indexes and foreign keys, which are rebuilt and
    re-validated at the end (``foster.core.bulk``), all in one transaction. The programs' budgets
    are funded first through ``budget_fund``. Returns the number of entries added.
    """
    from django.db import connection

    from foster.core.bulk import load_constraints_deferred, statistics_refresh
    from foster.finance.choices import AccountKind, AgreementStatus, EntryPhase, TransferKind
    from foster.finance.ledger import account_code, account_for
    from foster.finance.models import Account, Agreement, CompanyExposure, Entry, Transfer

    if connection.vendor != "postgresql":
        raise NotImplementedError("the bulk ledger is loaded with PostgreSQL's generate_series")
    loans = entries // ENTRIES_PER_LOAN
    programs = list(Program.objects.filter(code__in=BULK_LOAN_PROGRAMS).order_by("code"))
    company_count = Company.objects.count()
    if loans <= 0 or not programs or not company_count:
        return 0
    # Amounts: 10 to 100 million won a loan, repaid by a tenth twice; the budget covers them all.
    budget_needed = 110 * 1_000_000 * (loans // len(programs) + 1)
    for program in programs:
        official = _official(program)
        if official is None:
            raise ValueError(f"program {program.code} has no official to fund its budget")
        budget_fund(user=official, key=f"load-fund-{seed}-{program.code}", program=program, amount_krw=budget_needed)
    budgets = [account_for(AccountKind.PROGRAM_BUDGET, program=program).pk for program in programs]
    repayments = [account_for(AccountKind.REPAYMENTS, program=program).pk for program in programs]
    tables = [Entry._meta.db_table, Transfer._meta.db_table, Agreement._meta.db_table]
    first_year, last_year = BULK_YEARS
    with load_constraints_deferred(tables, foreign_keys=True), connection.cursor() as cursor:
        # One row per loan: its number, company, program (by position), amount and approval time.
        cursor.execute(
            """
            CREATE TEMPORARY TABLE load_loan ON COMMIT DROP AS
            WITH company AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM registry_company)
            SELECT loan.n, company.id AS company_id, (loan.n / %(years)s) %% %(programs)s AS program_n,
                   (10 + (loan.n * 7919 + %(seed)s) %% 91) * 1000000::bigint AS amount,
                   make_timestamptz(%(first)s + (loan.n %% %(years)s)::int, 1, 1, 9, 0, 0, 'Asia/Seoul')
                     + ((loan.n * 104729) %% 364) * interval '1 day' AS approved_at
            FROM generate_series(0, %(loans)s::bigint - 1) AS loan(n)
            JOIN company ON company.n = loan.n %% %(companies)s
            """,
            {
                "programs": len(programs),
                "seed": seed,
                "first": first_year,
                "years": last_year - first_year + 1,
                "loans": loans,
                "companies": company_count,
            },
        )
        cursor.execute(
            "UPDATE load_loan SET approved_at = LEAST(approved_at, now() - interval '1 day')"
        )  # none in the future
        # Ids reserved from the sequences so that every row's keys are computed, not looked up.
        cursor.execute("SELECT nextval(pg_get_serial_sequence('finance_agreement', 'id'))")
        agreement_base = cursor.fetchone()[0]
        cursor.execute("SELECT setval(pg_get_serial_sequence('finance_agreement', 'id'), %s)", [agreement_base + loans])
        cursor.execute("SELECT nextval(pg_get_serial_sequence('finance_transfer', 'id'))")
        transfer_base = cursor.fetchone()[0]
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('finance_transfer', 'id'), %s)",
            [transfer_base + TRANSFERS_PER_LOAN * loans],
        )
        # The receivable account of every company that gets a loan, under ``account_for``'s code.
        cursor.execute(
            """
            INSERT INTO finance_account (code, kind, company_id, source, posted_krw, pending_krw)
            SELECT DISTINCT replace(%s, '{company}', company_id::text), %s, company_id, '', 0, 0 FROM load_loan
            ON CONFLICT (code) DO NOTHING
            """,
            [account_code(AccountKind.LOAN_RECEIVABLE, company_id="{company}"), AccountKind.LOAN_RECEIVABLE],
        )
        cursor.execute(
            """
            CREATE TEMPORARY TABLE load_receivable ON COMMIT DROP AS
            SELECT company_id, id AS account_id FROM finance_account
            WHERE kind = %s AND program_id IS NULL AND source = ''
            """,
            [AccountKind.LOAN_RECEIVABLE],
        )
        cursor.execute("CREATE INDEX ON load_receivable (company_id)")
        cursor.execute(
            """
            INSERT INTO finance_agreement (id, program_id, company_id, instrument, reference, amount_krw,
                interest_rate_basis_points, private_matched_krw, repayment_method, term_months, grace_months,
                status, reservation_id, created_at)
            SELECT %(agreement_base)s + n, (%(programs)s::bigint[])[program_n + 1], company_id, 'loan',
                'LOAD-' || %(seed)s || '-' || n, amount, 300, 0, '', 0, 0, %(status)s,
                %(transfer_base)s + 4 * n, approved_at
            FROM load_loan
            """,
            {
                "agreement_base": agreement_base,
                "programs": [program.pk for program in programs],
                "seed": seed,
                "status": AgreementStatus.ACTIVE,
                "transfer_base": transfer_base,
            },
        )
        cursor.execute(
            """
            INSERT INTO finance_transfer (id, kind, amount_krw, company_id, program_id, agreement_id, pending_of_id,
                exposure_delta_krw, description, created_at)
            SELECT %(transfer_base)s + 4 * n + step.k,
                (ARRAY[%(reserve)s, %(post)s, %(repayment)s, %(repayment)s])[step.k + 1],
                CASE WHEN step.k < 2 THEN amount ELSE amount / 10 END,
                company_id, (%(programs)s::bigint[])[program_n + 1], %(agreement_base)s + n,
                CASE WHEN step.k = 1 THEN %(transfer_base)s + 4 * n END,
                CASE step.k WHEN 0 THEN amount WHEN 1 THEN 0 ELSE -(amount / 10) END,
                '', approved_at + step.k * interval '20 days'
            FROM load_loan CROSS JOIN generate_series(0, 3) AS step(k)
            """,
            {
                "transfer_base": transfer_base,
                "agreement_base": agreement_base,
                "programs": [program.pk for program in programs],
                "reserve": TransferKind.RESERVE,
                "post": TransferKind.POST,
                "repayment": TransferKind.REPAYMENT,
            },
        )
        cursor.execute(
            """
            INSERT INTO finance_entry (transfer_id, account_id, phase, amount_krw)
            SELECT %(transfer_base)s + 4 * loan.n + line.step,
                CASE WHEN line.account = 'budget' THEN (%(budgets)s::bigint[])[loan.program_n + 1]
                     WHEN line.account = 'repayments' THEN (%(repayments)s::bigint[])[loan.program_n + 1]
                     ELSE receivable.account_id END,
                line.phase,
                line.sign * CASE WHEN line.step < 2 THEN loan.amount ELSE loan.amount / 10 END
            FROM load_loan AS loan
            JOIN load_receivable AS receivable ON receivable.company_id = loan.company_id
            CROSS JOIN (VALUES
                (0, 'budget', %(pending)s, -1), (0, 'receivable', %(pending)s, 1),
                (1, 'budget', %(pending)s, 1), (1, 'receivable', %(pending)s, -1),
                (1, 'budget', %(posted)s, -1), (1, 'receivable', %(posted)s, 1),
                (2, 'receivable', %(posted)s, -1), (2, 'repayments', %(posted)s, 1),
                (3, 'receivable', %(posted)s, -1), (3, 'repayments', %(posted)s, 1)
            ) AS line(step, account, phase, sign)
            """,
            {
                "transfer_base": transfer_base,
                "budgets": budgets,
                "repayments": repayments,
                "pending": EntryPhase.PENDING,
                "posted": EntryPhase.POSTED,
            },
        )
        added = cursor.rowcount
        totals_from_entries(cursor)
    statistics_refresh([*tables, Account._meta.db_table, CompanyExposure._meta.db_table])
    return added


def totals_from_entries(cursor: Any) -> None:
    """Set every account's running totals and every company's exposure counter from the entries
    (what ``foster ledger reconcile`` checks), in three statements. For bulk loads only: the
    services keep the totals up to date entry by entry."""
    from foster.finance.choices import EXPOSURE_KINDS

    cursor.execute("SET LOCAL work_mem = '256MB'")  # one pass over the entries, grouped in memory
    cursor.execute(
        """
        UPDATE finance_account AS account SET posted_krw = sums.posted, pending_krw = sums.pending
        FROM (SELECT account_id,
                     COALESCE(SUM(amount_krw) FILTER (WHERE phase = 'posted'), 0) AS posted,
                     COALESCE(SUM(amount_krw) FILTER (WHERE phase = 'pending'), 0) AS pending
              FROM finance_entry GROUP BY account_id) AS sums
        WHERE account.id = sums.account_id
          AND (account.posted_krw, account.pending_krw) IS DISTINCT FROM (sums.posted, sums.pending)
        """
    )
    kinds = [str(kind) for kind in EXPOSURE_KINDS]
    cursor.execute(
        """
        INSERT INTO finance_companyexposure (company_id, total_krw)
        SELECT company_id, SUM(posted_krw + pending_krw) FROM finance_account
        WHERE kind = ANY(%s) AND company_id IS NOT NULL GROUP BY company_id
        ON CONFLICT (company_id) DO UPDATE SET total_krw = EXCLUDED.total_krw
        """,
        [kinds],
    )
