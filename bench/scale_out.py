"""Benchmark: what one machine serves with the several-process deployment of docs/deployment.md
(gunicorn web workers and RQ task workers on one PostgreSQL database).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/scale_out.py \
        [--seconds 10] [--clients 4] [--jobs 200] [--no-readme]

Creates a fresh database ``foster_ops_bench`` next to DATABASE_URL, migrates it, adds an agency
official (with an authenticator: officials log in with two factors) and a program, then
measures, each with 1 and with 2 gunicorn workers (``--clients`` client threads in this process
posting or getting as fast as answers come):

1. ``GET /healthz/`` (the baseline: Django's request cycle and one ``SELECT 1``);
2. ``GET /calls/`` (a simple public page: a query and a template);
3. ``POST /api/v1/finance/transfers/`` (a ledger transfer with an idempotency key, in the
   official's session past both factors);

and jobs per second with 1 and 2 ``foster rqworker`` processes on Redis (database 13 of REDIS_URL's
server) for ``--jobs`` minimal jobs (one ``core.Job`` with one progress step each), beside the same
number of RQ jobs that do nothing at all (the queue's own cost, the baseline).

The client threads run on the same 2-core machine as the servers, so every figure is a lower bound
of what the server side would do with the CPU to itself. Results go to bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import requests

from common import README, REPO, cpu_and_memory, postgres_execute, readme_text, url_with_database

SECTION_START = "<!-- bench:scale_out:start -->"
SECTION_END = "<!-- bench:scale_out:end -->"
DATABASE_NAME = "foster_ops_bench"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/postgres"


def load(base: str, seconds: float, clients: int, request: Any) -> tuple[float, int]:
    """Requests per second over ``seconds`` with ``clients`` threads; and the number of errors."""
    done, errors = [0] * clients, [0] * clients
    stop = time.monotonic() + seconds

    def client(number: int) -> None:
        session = requests.Session()
        sequence = 0
        while time.monotonic() < stop:
            sequence += 1
            response = request(session, base, f"bench-{number}-{sequence}-{time.monotonic_ns()}")
            if response.status_code < 400:
                done[number] += 1
            else:
                errors[number] += 1

    threads = [threading.Thread(target=client, args=(number,)) for number in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / (time.monotonic() - started), sum(errors)


def jobs_per_second(jobs: int, workers: int, env: dict[str, str], minimal: bool) -> float:
    """Queue ``jobs`` jobs, run ``workers`` burst workers until the queue is empty, and count jobs per
    second from the first job's start to the last job's end (RQ's own timestamps), so the workers'
    start-up (importing Django) is not counted."""
    import django_rq
    from rq.registry import FinishedJobRegistry
    from tests.ops.tasks import slow_steps

    from foster.core.jobs import job_enqueue
    from foster.core.services import job_create

    queue = django_rq.get_queue("default")
    queue.empty()
    finished = FinishedJobRegistry(queue=queue)
    for job_id in finished.get_job_ids():
        finished.remove(job_id, delete_job=True)
    if minimal:
        for _ in range(jobs):
            job_enqueue(slow_steps, job_create(kind="bench.minimal", owner=None, total=1), steps=1, pause=0.0)
    else:
        for _ in range(jobs):
            queue.enqueue("builtins.len", [])  # an RQ job that does nothing: the queue's own cost
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "foster.cli", "rqworker", "default", "--burst"]
            if minimal
            else [sys.executable, "-m", "rq.cli", "worker", "--burst", "--url", env["REDIS_URL"], "default"],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(workers)
    ]
    for process in processes:
        process.wait(timeout=1800)
    ran = [queue.fetch_job(job_id) for job_id in finished.get_job_ids()]
    starts = [job.started_at for job in ran if job is not None and job.started_at]
    ends = [job.ended_at for job in ran if job is not None and job.ended_at]
    assert len(ends) == jobs, f"{len(ends)} of {jobs} jobs finished"
    return jobs / (max(ends) - min(starts)).total_seconds()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--no-readme", action="store_true")
    options = parser.parse_args()

    server_url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    database_url = url_with_database(server_url, DATABASE_NAME)
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0").rsplit("/", 1)[0] + "/13"
    postgres_execute(server_url, f'DROP DATABASE IF EXISTS "{DATABASE_NAME}" WITH (FORCE)')
    postgres_execute(server_url, f"CREATE DATABASE \"{DATABASE_NAME}\" ENCODING 'UTF8' TEMPLATE template0")
    queue = {"TASK_BACKEND": "rq", "REDIS_URL": redis_url}
    sys.path.insert(0, str(REPO))
    # As common.setup_django, but this process queues the jobs on Redis (not the immediate backend).
    os.environ.update({"FOSTER_MODE": "test", "DATABASE_URL": database_url, **queue})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "foster.config.settings")
    import django

    django.setup()

    # The web and worker processes are started as the process tests start them (tests/ops/processes.py).
    from tests.factories import PASSWORD, AgencyMembershipFactory, ProgramFactory
    from tests.ops.processes import LoggedIn, environment, foster, log_in_both_factors, start_gunicorn

    from foster.accounts.two_factor import two_factor_demo_enrol

    work_dir = Path(tempfile.mkdtemp(prefix="foster-scale-out-"))
    env = environment(database_url, work_dir, **queue)
    foster(["migrate", "-v", "0"], database_url, work_dir, **queue).check_returncode()
    official = AgencyMembershipFactory().user
    program = ProgramFactory(agency=official.agency_memberships.get().agency)
    secret = two_factor_demo_enrol(user=official).secret
    sessions: list[LoggedIn] = []  # one log-in (a code is accepted once), kept across the servers

    def healthz(session: requests.Session, base: str, key: str) -> requests.Response:
        return session.get(f"{base}/healthz/", timeout=30)

    def calls(session: requests.Session, base: str, key: str) -> requests.Response:
        return session.get(f"{base}/calls/", timeout=30)

    def transfer(session: requests.Session, base: str, key: str) -> requests.Response:
        return session.post(
            f"{base}/api/v1/finance/transfers/",
            json={"program": program.pk, "operation": "budget_fund", "source": "government", "amount_krw": 1000},
            headers={"X-CSRFToken": sessions[0].csrf_token, "Idempotency-Key": key},
            cookies=sessions[0].cookies,
            timeout=30,
        )

    rows = []
    for workers in (1, 2):
        server = start_gunicorn(f"web-{workers}", database_url, work_dir, workers=workers, **queue)
        try:
            base = server.url
            if not sessions:  # once, before the client threads start (a code is accepted once)
                sessions.append(log_in_both_factors(base, official.email, PASSWORD, secret))
            for label, request in [
                ("GET /healthz/ (baseline)", healthz),
                ("GET /calls/ (public page)", calls),
                ("POST ledger transfer (API)", transfer),
            ]:
                load(base, 2, options.clients, request)  # warm up
                rate, errors = load(base, options.seconds, options.clients, request)
                rows.append((label, f"{workers} gunicorn", rate, errors))
                print(f"{label:32} {workers} gunicorn workers: {rate:7.1f}/s ({errors} errors)", flush=True)
        finally:
            server.stop()

    from foster.finance.reconcile import ledger_reconcile

    differences = len(ledger_reconcile())
    for workers in (1, 2):
        for minimal, label in [(False, "RQ job doing nothing (baseline)"), (True, "minimal Foster job (core.Job)")]:
            rate = jobs_per_second(options.jobs, workers, env, minimal)
            rows.append((label, f"{workers} rqworker", rate, 0))
            print(f"{label:32} {workers} RQ workers: {rate:7.1f}/s", flush=True)

    load_average = os.getloadavg()[0]
    if not options.no_readme:
        write_readme(rows, options, load_average, differences)
    postgres_execute(server_url, f'DROP DATABASE IF EXISTS "{DATABASE_NAME}" WITH (FORCE)')
    shutil.rmtree(work_dir, ignore_errors=True)


def write_readme(rows: list[tuple[str, str, float, int]], options: argparse.Namespace, load: float, diff: int) -> None:
    import psycopg

    cpu, memory = cpu_and_memory()
    table = ["| case | processes | per second | errors |", "|---|---|---:|---:|"]
    table += [f"| {label} | {processes} | {rate:,.1f} | {errors} |" for label, processes, rate, errors in rows]
    section = "\n".join(
        [
            SECTION_START,
            f"### Run of {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
            "",
            f"- command: `.venv/bin/python bench/scale_out.py --seconds {options.seconds:g} "
            f"--clients {options.clients} --jobs {options.jobs}`",
            f"- machine: {os.cpu_count()} vCPUs ({cpu}), {memory or 0:.1f} GiB RAM, {platform.system()}, Python "
            f"{platform.python_version()}, psycopg {psycopg.__version__}; 1-minute load average {load:.1f} at the end "
            "(the machine is shared with other engineers' jobs); the client threads run on the same 2 cores",
            f"- ledger after the run: `ledger_reconcile()` found {diff} differences",
            "",
            *table,
            SECTION_END,
        ]
    )
    text = readme_text()
    if SECTION_START in text:
        before, rest = text.split(SECTION_START, 1)
        text = before + section + rest.split(SECTION_END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n## Several processes on one machine (`bench/scale_out.py`)\n\n" + section + "\n"
    Path(README).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
