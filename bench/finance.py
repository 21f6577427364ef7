"""Benchmark: finance ledger postings per second with the cap check, beside plain inserts of the
same rows, and the cost of ``foster ledger reconcile`` at millions of entries (PostgreSQL).

    .venv/bin/python bench/finance.py [--postings 2000] [--entries 10000000] [--keep] [--no-readme]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/finance.py

Creates a fresh database ``foster_bench_finance`` next to DATABASE_URL and migrates it. Then:

1. Postings: ``--postings`` loan approvals (``agreement_approve``: idempotency key, agreement,
   pending transfer of two entries, conditional exposure UPDATE against the cap, budget floor,
   running totals, audit event; one transaction each) with 1 writer and with 8 concurrent writers
   (threads, each with its own connection), each approval for its own company. Beside them, in
   the same run, "plain inserts": the same transfer and two entry rows inserted with no key, no
   cap, no totals and no audit (one transaction each), with 1 and 8 writers. A third case puts all
   8 writers on one company (the counter row is the hot spot).
2. Reconcile: the entries table is filled to ``--entries`` rows with balanced transfers
   (INSERT ... SELECT generate_series), the running totals set to match, and
   ``ledger_reconcile()`` timed (two GROUP BY passes over the entries).

The results go to this benchmark's section of bench/README.md with the machine and the command.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from common import README, cpu_and_memory, postgres_execute, readme_text, setup_django, url_with_database

SECTION_START = "<!-- bench:finance:start -->"
SECTION_END = "<!-- bench:finance:end -->"
DATABASE_NAME = "foster_bench_finance"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/postgres"


def _in_threads(writers: int, total: int, work: Callable[[int], None]) -> float:
    """Run ``work(i)`` for i in range(total) split over ``writers`` threads; returns seconds."""
    from django.db import connections

    barrier = threading.Barrier(writers + 1)
    errors: list[BaseException] = []

    def body(offset: int) -> None:
        barrier.wait()
        try:
            for index in range(offset, total, writers):
                work(index)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=body, args=(offset,)) for offset in range(writers)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise errors[0]
    return elapsed


def _postings(count: int) -> list[tuple[str, int, float]]:
    from foster.accounts.choices import Role
    from foster.accounts.models import Agency, AgencyMembership, User
    from foster.finance.choices import AccountKind, EntryPhase, Instrument, TransferKind
    from foster.finance.ledger import TransferRefused, account_for
    from foster.finance.models import Entry, Transfer
    from foster.finance.services import agreement_approve, budget_fund
    from foster.programs.models import Program
    from foster.registry.models import Company
    from foster.registry.seeding import registration_number

    agency = Agency.objects.create(code="kosme", name_ko="중진공", name_en="KOSME")
    official = User.objects.create(email="bench@kosme.kr", full_name="벤치", role=Role.AGENCY_OFFICIAL)
    AgencyMembership.objects.create(user=official, agency=agency)
    program = Program.objects.create(
        agency=agency, code="bench-loan", name_ko="융자", name_en="Loan", program_type="loan"
    )
    budget_fund(user=official, key="bench-budget", program=program, amount_krw=10**15)
    companies = Company.objects.bulk_create(
        Company(
            business_registration_number=registration_number(100_000 + index),
            name_ko=f"(주)벤치{index}",
            ksic_section="C",
            ksic_division="26",
            region="seoul",
            size_class="small",
            founded_on="2020-01-01",
        )
        for index in range(6 * count + 1)
    )
    budget = account_for(AccountKind.PROGRAM_BUDGET, program=program)
    receivables = [account_for(AccountKind.LOAN_RECEIVABLE, company=company) for company in companies[: 2 * count]]

    results: list[tuple[str, int, float]] = []

    def approve(run: str, company_offset: int, same_company: bool = False) -> Callable[[int], None]:
        def work(index: int) -> None:
            company = companies[-1] if same_company else companies[company_offset + index]
            with contextlib.suppress(TransferRefused):  # the cap is far away here
                agreement_approve(
                    user=official,
                    key=f"{run}-{index}",
                    program=program,
                    company=company,
                    instrument=Instrument.LOAN,
                    amount_krw=1_000_000,
                )

        return work

    def plain(offset: int) -> Callable[[int], None]:
        from django.db import transaction

        def work(index: int) -> None:
            with transaction.atomic():
                transfer = Transfer.objects.create(kind=TransferKind.RESERVE, amount_krw=1_000_000, program=program)
                Entry.objects.bulk_create(
                    [
                        Entry(transfer=transfer, account=budget, phase=EntryPhase.PENDING, amount_krw=-1_000_000),
                        Entry(
                            transfer=transfer,
                            account=receivables[(offset + index) % len(receivables)],
                            phase=EntryPhase.PENDING,
                            amount_krw=1_000_000,
                        ),
                    ]
                )

        return work

    cases = [
        ("plain inserts (transfer + 2 entries)", 1, plain(0)),
        ("postings with cap check (approval)", 1, approve("one", 2 * count)),
        ("plain inserts (transfer + 2 entries)", 8, plain(count)),
        ("postings with cap check (approval)", 8, approve("eight", 3 * count)),
        ("postings with cap check, all on one company", 8, approve("hot", 4 * count, same_company=True)),
    ]
    for label, writers, work in cases:
        seconds = _in_threads(writers, count, work)
        results.append((label, writers, count / seconds))
        print(f"{label:<48} writers={writers}  {count / seconds:8.1f} /s  ({seconds:.2f} s)", flush=True)
    # The plain inserts left unbalanced pending entries on purpose-less totals: remove them before reconcile.
    Entry.objects.filter(transfer__idempotency_key__isnull=True, transfer__kind=TransferKind.RESERVE).delete()
    Transfer.objects.filter(idempotency_key__isnull=True, kind=TransferKind.RESERVE).delete()
    return results


def _reconcile(entries: int) -> tuple[int, float, int, float]:
    from django.db import connection

    from foster.finance.models import Account, Entry
    from foster.finance.reconcile import ledger_reconcile

    existing = Entry.objects.count()
    transfers = max(0, (entries - existing) // 2)
    budget_id = Account.objects.get(kind="program_budget").pk
    receivable_ids = list(Account.objects.filter(kind="loan_receivable").values_list("pk", flat=True))
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM finance_transfer")
        first = cursor.fetchone()[0] + 1
        cursor.execute(
            "INSERT INTO finance_transfer (kind, amount_krw, exposure_delta_krw, description, created_at) "
            "SELECT 'post', 1000, 0, '', now() FROM generate_series(1, %s)",
            [transfers],
        )
        cursor.execute(
            "INSERT INTO finance_entry (transfer_id, account_id, phase, amount_krw) "
            "SELECT id, %s, 'posted', -1000 FROM finance_transfer WHERE id >= %s "
            "UNION ALL SELECT id, (%s::bigint[])[1 + id %% %s], 'posted', 1000 FROM finance_transfer WHERE id >= %s",
            [budget_id, first, receivable_ids, len(receivable_ids), first],
        )
        cursor.execute(
            "UPDATE finance_account a SET posted_krw = s.total FROM "
            "(SELECT account_id, SUM(amount_krw) AS total FROM finance_entry WHERE phase = 'posted' "
            "GROUP BY account_id) s WHERE a.id = s.account_id"
        )
        cursor.execute(
            "INSERT INTO finance_companyexposure (company_id, total_krw) SELECT DISTINCT company_id, 0 "
            "FROM finance_account WHERE kind = 'loan_receivable' ON CONFLICT DO NOTHING"
        )
        cursor.execute(
            "UPDATE finance_companyexposure e SET total_krw = s.total FROM "
            "(SELECT a.company_id, SUM(a.posted_krw + a.pending_krw) AS total FROM finance_account a "
            "WHERE a.kind IN ('loan_receivable', 'guarantee_exposure', 'external_exposure') GROUP BY a.company_id) s "
            "WHERE e.company_id = s.company_id"
        )
        cursor.execute("ANALYZE finance_entry")
    load_seconds = time.perf_counter() - started
    total = Entry.objects.count()
    print(f"loaded {total:,} entries in {load_seconds:.1f} s", flush=True)
    started = time.perf_counter()
    differences = ledger_reconcile()
    seconds = time.perf_counter() - started
    print(f"reconcile of {total:,} entries: {seconds:.1f} s, {len(differences)} differences", flush=True)
    return total, seconds, len(differences), load_seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postings", type=int, default=2_000)
    parser.add_argument("--entries", type=int, default=10_000_000)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--no-readme", action="store_true")
    arguments = parser.parse_args()
    base_url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    url = url_with_database(base_url, DATABASE_NAME)
    postgres_execute(base_url, f"DROP DATABASE IF EXISTS {DATABASE_NAME}")
    postgres_execute(base_url, f"CREATE DATABASE {DATABASE_NAME}")
    try:
        setup_django(url)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        postings = _postings(arguments.postings)
        reconcile = _reconcile(arguments.entries)
        if not arguments.no_readme:
            _write_readme(arguments, postings, reconcile)
    finally:
        from django.db import connections

        connections.close_all()
        if not arguments.keep:
            postgres_execute(base_url, f"DROP DATABASE IF EXISTS {DATABASE_NAME}")


def _write_readme(
    arguments: Any, postings: list[tuple[str, int, float]], reconcile: tuple[int, float, int, float]
) -> None:
    from django.db import connection

    cpu, memory = cpu_and_memory()
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    entries, seconds, differences, load_seconds = reconcile
    lines = [
        SECTION_START,
        f"### Run of {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC",
        "",
        f"- command: `.venv/bin/python bench/finance.py --postings {arguments.postings} --entries {arguments.entries}`",
        f"- machine: {os.cpu_count()} vCPUs ({cpu}), {memory or 0:.1f} GiB RAM, Linux, "
        f"Python {platform.python_version()}, "
        f"PostgreSQL {server} (default settings, local socket over TCP); 1-minute load average {load:.1f} at the end "
        "(the machine is shared with other engineers' jobs)",
        "- writers are threads in one Python process, each with its own connection; with 2 vCPUs and the GIL,",
        "  8 writers measure contention and Python's share of the cost more than the database's ceiling",
        "",
        "| case | writers | per second |",
        "|---|---:|---:|",
        *[f"| {label} | {writers} | {rate:,.0f} |" for label, writers, rate in postings],
        "",
        f"Reconcile: {entries:,} entries in {seconds:.1f} s ({differences} differences); "
        f"loading them took {load_seconds:.0f} s.",
        SECTION_END,
    ]
    text = readme_text()
    section = "\n".join(lines)
    if SECTION_START in text:
        before, rest = text.split(SECTION_START, 1)
        after = rest.split(SECTION_END, 1)[1]
        text = before + section + after
    else:
        text = (
            text.rstrip("\n")
            + "\n\n\n## Finance ledger: postings with the cap check, and reconcile (PostgreSQL)\n\n"
            + section
            + "\n"
        )
    README.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
