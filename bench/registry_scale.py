"""Benchmark: the company list, search and API on a registry of 1,000,000 companies (PostgreSQL).

    .venv/bin/python bench/registry_scale.py [--companies 1000000] [--repeat 40] [--keep] [--no-readme]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/registry_scale.py

Creates a fresh database ``foster_bench_scale`` next to DATABASE_URL (default: the local server),
migrates it and fills it with ``foster seed --companies N`` (timed: the seeding throughput). Then,
as an agency official through ``django.test.Client``, it requests each page and API call below
``--repeat`` times and, in the same loop, runs the bare SQL of that request with a raw cursor:
the statements the request sent to ``registry_company`` (the paginator's capped COUNT and the
page's SELECT), captured from the request itself. p50 and p95 of both are printed side by side,
with the indexes PostgreSQL used (from EXPLAIN), and written to this benchmark's section of
bench/README.md with the machine, the load and the command. The database is dropped at the end
unless --keep (``--reuse NAME`` skips creating and seeding and uses that database as it is).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from typing import Any

from common import README, REPO, cpu_and_memory, postgres_execute, readme_text, setup_django, url_with_database

SECTION_START = "<!-- bench:registry_scale:start -->"
SECTION_END = "<!-- bench:registry_scale:end -->"
DATABASE_NAME = "foster_bench_scale"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/postgres"
WARM_UP = 3


def _foster(*arguments: str, database_url: str) -> str:
    environment = {**os.environ, "FOSTER_MODE": "test", "DATABASE_URL": database_url, "TASK_BACKEND": "immediate"}
    completed = subprocess.run(
        [sys.executable, "-m", "foster.cli", *arguments],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    )
    if completed.returncode:
        raise SystemExit(f"foster {' '.join(arguments)} failed:\n{completed.stdout}\n{completed.stderr}")
    return completed.stdout


def _cases() -> list[tuple[str, str, dict[str, Any]]]:
    """(label, URL name, GET parameters) of every measured request."""
    from foster.registry.models import Company

    number = Company.objects.order_by("id").values_list("business_registration_number", flat=True).first() or ""
    fragment = number[3:8]  # five digits from the middle of a real number
    searches = [
        ("search ko, 2 chars '한빛'", {"q": "한빛"}),
        ("search ko, 4 chars '한빛테크'", {"q": "한빛테크"}),
        ("search ko, broad '스마트'", {"q": "스마트"}),
        ("search en 'robot'", {"q": "robot"}),
        ("search en 'hanbit' (late in name order)", {"q": "hanbit"}),
        (f"search number '{fragment}'", {"q": fragment}),
        ("filter region+size", {"region": "busan", "size_class": "medium"}),
    ]
    cases: list[tuple[str, str, dict[str, Any]]] = [
        ("list, first page", "registry:company-list", {}),
        ("list, page 200", "registry:company-list", {"page": 200}),
    ]
    cases += [(f"page: {label}", "registry:company-list", params) for label, params in searches]
    cases += [
        ("api: list, first page", "api:company-list", {}),
        ("api: list, page 200", "api:company-list", {"page": 200}),
    ]
    cases += [(f"api: {label}", "api:company-list", params) for label, params in searches]
    return cases


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = statistics.quantiles(ordered, n=20, method="inclusive")[-1] if len(ordered) > 1 else ordered[0]
    return statistics.median(ordered) * 1000, p95 * 1000


def _indexes_used(cursor: Any, statements: list[tuple[str, Any]]) -> str:
    """The indexes (or sequential scans) of the plans of ``statements``, from EXPLAIN."""
    used: list[str] = []

    def walk(node: dict[str, Any]) -> None:
        if "Index Name" in node:
            name = node["Index Name"].removeprefix("registry_company_")
            if name not in used:
                used.append(name)
        elif node.get("Node Type") == "Seq Scan" and "seq scan" not in used:
            used.append("seq scan")
        for child in node.get("Plans", []):
            walk(child)

    for sql, params in statements:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
        walk((json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"])
    return ", ".join(used)


def measure(repeat: int) -> list[dict[str, Any]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from foster.accounts.choices import Role
    from foster.accounts.models import Agency, AgencyMembership, User
    from foster.core.pagination import CappedCountPaginator
    from foster.registry.selectors import CompanyFilter, company_search

    official, _created = User.objects.get_or_create(
        email="bench-official@kosme.example", defaults={"full_name": "벤치", "role": Role.AGENCY_OFFICIAL}
    )
    AgencyMembership.objects.get_or_create(user=official, agency=Agency.objects.get(code="kosme"))
    client = Client(headers={"accept-language": "ko"})
    client.force_login(official)

    results = []
    for label, url_name, params in _cases():
        url = reverse(url_name)
        for _ in range(WARM_UP):
            response = client.get(url, params)
            assert response.status_code == 200, (label, response.status_code)
        with CaptureQueriesContext(connection) as captured:
            client.get(url, params)
        query_count = len(captured.captured_queries)
        # The request's own statements on the registry, with their parameters bound by the driver.
        statements = [(query["sql"], None) for query in captured.captured_queries if "registry_company" in query["sql"]]
        page_times: list[float] = []
        sql_times: list[float] = []
        with connection.cursor() as cursor:
            for sql, _params in statements:
                cursor.execute(sql)
                cursor.fetchall()
            for _ in range(repeat):
                started = time.perf_counter()
                response = client.get(url, params)
                page_times.append(time.perf_counter() - started)
                started = time.perf_counter()
                for sql, _params in statements:
                    cursor.execute(sql)
                    cursor.fetchall()
                sql_times.append(time.perf_counter() - started)
            plan = _indexes_used(cursor, statements)
        if url_name.startswith("api:"):
            body = response.json()
            rows, count = len(body["results"]), f"{body['count']:,}{'' if body['count_is_exact'] else '+'}"
        else:  # the page's own paginator, rebuilt outside the timed loop (templates hide it from us)
            filters = CompanyFilter(query=params.get("q", ""), region=params.get("region", ""),
                                    size_class=params.get("size_class", ""))  # fmt: skip
            paginator = CappedCountPaginator(company_search(user=official, filters=filters), 50)
            rows = len(paginator.get_page(params.get("page")).object_list)
            count = f"{paginator.count:,}{'' if paginator.count_is_exact else '+'}"
        page_p50, page_p95 = _percentiles(page_times)
        sql_p50, sql_p95 = _percentiles(sql_times)
        result = {
            "case": label,
            "rows": rows,
            "count": count,
            "queries": query_count,
            "page_p50": page_p50,
            "page_p95": page_p95,
            "sql_p50": sql_p50,
            "sql_p95": sql_p95,
            "plan": plan,
        }
        print(
            f"{label:<40} page p50 {page_p50:7.1f} p95 {page_p95:7.1f} | SQL p50 {sql_p50:7.1f} p95 {sql_p95:7.1f} ms"
            f" | {count} | {plan}",
            file=sys.stderr,
            flush=True,
        )
        results.append(result)
    return results


def _machine(database_url: str) -> list[str]:
    cpu, gib = cpu_and_memory()
    memory = f", {gib:.0f} GB RAM" if gib else ""
    import psycopg

    with psycopg.connect(database_url) as connection:
        version = connection.execute("SHOW server_version").fetchone()[0]  # type: ignore[index]
        settings = {
            name: connection.execute(f"SHOW {name}").fetchone()[0]  # type: ignore[index]
            for name in ("shared_buffers", "work_mem", "max_parallel_workers_per_gather")
        }
    return [
        f"- machine: {cpu}, {os.cpu_count()} cores{memory}; {platform.platform()}; Python {platform.python_version()}",
        f"- PostgreSQL {version} (local socket over TCP), " + ", ".join(f"{k} {v}" for k, v in settings.items()),
    ]


def _table(results: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| request | rows shown | count | queries | page p50 | page p95 | bare SQL p50 | bare SQL p95 | indexes used |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in results:
        lines.append(
            f"| {row['case']} | {row['rows']} | {row['count']} | {row['queries']} | {row['page_p50']:.1f} ms"
            f" | {row['page_p95']:.1f} ms | {row['sql_p50']:.1f} ms | {row['sql_p95']:.1f} ms | {row['plan']} |"
        )
    return lines


INTRO = """\
`bench/registry_scale.py` seeds a fresh PostgreSQL database with `foster seed`, then times the company
list page, search and filters and the same calls through the API as an agency official, each beside
the bare SQL of that very request (its capped COUNT and its page SELECT, run with a raw cursor) in
the same loop. "page" is the whole Django request through `django.test.Client` (middleware, session,
permission checks, template or serializer); the difference to "bare SQL" is Foster's own cost.

What was slow at 1,000,000 companies, and what was done (see `foster.core.pagination`,
`foster.registry.selectors.company_query_condition` and migration `registry/0004`):

- The paginator's `COUNT(*)` ran on every page (about 100 ms unfiltered, more for broad searches).
  It now counts at most 10,000 rows; above that the page says "more than 10,000" and the API
  returns `count_is_exact: false`. Pages stop there (200 pages of 50); narrowing the search shows the rest.
- Pages after the first read `OFFSET` rows from the table: they now find the page's keys first
  (an index-only walk of `(name_ko, id)`) and read only those 50 rows (page 200: about 45 ms -> 5 ms).
- One- and two-character queries have no trigram, so `LIKE '%xy%'` scanned the table (about 0.8 s)
  or walked the name index testing every row (up to 10 s for "한빛"). They now match the start of a
  name (also after a legal form such as "(주)"), the start of a word, or the start of the number,
  served by `text_pattern_ops` btrees and the trigram indexes; three characters or more still match
  anywhere (the trigram GIN indexes of migration 0002, whose expression `UPPER("name_ko"::text)` is the
  one Django generates for `icontains`; EXPLAIN shows them used).
- Ordered by the bare `name_ko`, PostgreSQL sometimes walked the name index and tested each row
  until a page was full: fast when matches are everywhere, seconds when they all sort late (e.g.
  "hanbit": its Korean names begin with 한). Text searches now sort the matches they fetched through
  the indexes; the cost grows with the number of matches (hundreds of ms for searches matching
  more than 100,000 companies), never with the position of the matches in the name order.
- `get_FOO_display()` translated every choice on each call; the three labels per row took a third of
  the list's rendering time. `Company` now defines them directly.

Known limits: a search matching a large share of the registry ("스마트": 143,000 companies) costs a
few hundred ms (it reads every match from the table; PostgreSQL here has the default 128 MB of
shared_buffers, smaller than the table and its indexes). The HTML page spends 30-40 ms rendering
50 rows and the filter form, several times the SQL.
"""


def _write_readme(block: str) -> None:
    text = readme_text()
    if SECTION_START in text and SECTION_END in text:
        before, rest = text.split(SECTION_START, 1)
        _old, after = rest.split(SECTION_END, 1)
        text = f"{before}{SECTION_START}\n{INTRO}\n{block}\n{SECTION_END}{after}"
    else:
        text = (
            text.rstrip("\n")
            + "\n\n## Company list, search and API at 1,000,000 companies (PostgreSQL)\n\n"
            + f"{SECTION_START}\n{INTRO}\n{block}\n{SECTION_END}\n"
        )
    README.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--companies", type=int, default=1_000_000, help="Companies to seed (default 1,000,000).")
    parser.add_argument("--repeat", type=int, default=40, help="Timed repetitions of each request (default 40).")
    parser.add_argument("--keep", action="store_true", help="Keep the benchmark database at the end.")
    parser.add_argument("--reuse", metavar="NAME", help="Use this existing, seeded database; do not seed or drop.")
    parser.add_argument("--no-readme", action="store_true", help="Print the table only; do not touch README.md.")
    options = parser.parse_args()

    base_url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    if not base_url.startswith("postgres"):
        raise SystemExit("This benchmark needs PostgreSQL: set DATABASE_URL=postgres://...")
    name = options.reuse or DATABASE_NAME
    database_url = url_with_database(base_url, name)
    load_before = os.getloadavg()
    seeding = "not measured in this run (--reuse)"
    if not options.reuse:
        postgres_execute(base_url, f'DROP DATABASE IF EXISTS "{name}"')
        postgres_execute(base_url, f'CREATE DATABASE "{name}"')
        _foster("migrate", "--verbosity", "0", database_url=database_url)
        print(f"Seeding {options.companies:,} companies…", file=sys.stderr, flush=True)
        started = time.perf_counter()
        output = _foster("seed", "--companies", str(options.companies), "--verbosity", "0", database_url=database_url)
        elapsed = time.perf_counter() - started
        seeding = (
            f"`foster seed --companies {options.companies}` (COPY, secondary indexes rebuilt once, VACUUM ANALYZE; "
            f"with valuation histories): {elapsed:.0f} s wall clock, {options.companies / elapsed:,.0f} companies/s "
            f"including process start-up and migrations check (the command said: {output.strip()})"
        )
        print(seeding, file=sys.stderr, flush=True)
    try:
        setup_django(database_url, DEBUG="false")
        results = measure(options.repeat)
    finally:
        if not options.reuse and not options.keep:
            from django.db import connections

            connections.close_all()
            postgres_execute(base_url, f'DROP DATABASE IF EXISTS "{name}"')
    load_after = os.getloadavg()

    arguments = [argument for argument in sys.argv[1:] if argument != "--no-readme"]
    command = " ".join([f"DATABASE_URL={base_url}", ".venv/bin/python bench/registry_scale.py", *arguments])
    lines = [
        f"### Run of {time.strftime('%Y-%m-%d %H:%M')}",
        "",
        f"- command: `{command}`",
        *_machine(database_url if options.reuse or options.keep else base_url),
        f"- load average before / after: {load_before[0]:.1f} / {load_after[0]:.1f} "
        "(the machine is shared; other work running at the same time inflates every number alike)",
        f"- seeding: {seeding}",
        f"- each request {options.repeat} times after {WARM_UP} warm-up requests, as an agency official; the bare SQL"
        " (the request's own statements on `registry_company`, run with a raw cursor) in the same loop",
        "",
        *_table(results),
    ]
    block = "\n".join(lines)
    print("\n" + block)
    if not options.no_readme:
        _write_readme(block)
        print(f"\nWritten to {README.relative_to(REPO)}.", file=sys.stderr)


if __name__ == "__main__":
    main()
