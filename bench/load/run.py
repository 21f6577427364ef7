"""Run the load scenario (bench/load/locustfile.py) against gunicorn on a seeded PostgreSQL database.

    .venv/bin/python bench/load/run.py --database foster_load_main [--users 50] [--duration 10m]
        [--workers 4] [--port 8150] [--baseline-duration 60s] [--out var/load/results]

The database must be seeded first (bench/README.md, "Load"):

    foster seed --companies 1000000 --applications 100000 --ledger-entries 10000000 --load-users 60

What it does, in one run:

1. reads from the database what the simulated users need (calls, programs, transfers, names and
   registration numbers to search, the log-ins) into ``OUT/targets.json``;
2. ``foster collectstatic`` and starts gunicorn (``--workers`` sync workers) with production
   settings: ``FOSTER_MODE=production``, ``DEBUG`` off, a random ``SECRET_KEY``, HTTPS as seen
   through a TLS-terminating proxy (``X-Forwarded-Proto``), WhiteNoise's compressed manifest,
   ``CONN_MAX_AGE=60``, log level WARNING, no access log;
3. the baseline: the same number of users with the same pauses on ``/healthz/`` (Django and one
   ``SELECT 1``) and a static file, for ``--baseline-duration``;
4. the scenario, headless, for ``--duration``, with ``--csv``;
5. prints and writes (``OUT/results.md``) per request type: count, requests per second, p50,
   p95, p99, errors; and the load average before and after.
"""

from __future__ import annotations

import argparse
import base64
import csv
import json
import os
import random
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SCENARIO_CLASSES = ["Visitor", "CompanyMember", "Reviewer", "Official", "Planner"]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/postgres"


def database_url(name: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    base = os.environ.get("DATABASE_URL", DEFAULT_URL)
    return urlunsplit(urlsplit(base)._replace(path=f"/{name}"))


def targets_write(url: str, path: Path, static_path: str) -> dict[str, Any]:
    """What the simulated users need to know, read from the seeded database."""
    os.environ.update(FOSTER_MODE="demo", DATABASE_URL=url, TASK_BACKEND="immediate", LOG_LEVEL="WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "foster.config.settings")
    sys.path.insert(0, str(REPO / "src"))
    import django

    django.setup()
    from django.db.models import Count
    from django.utils import timezone

    from foster.accounts.choices import Role
    from foster.accounts.models import AgencyMembership, User
    from foster.accounts.two_factor import two_factor_demo_enrol
    from foster.applications.models import Application
    from foster.core.demo import DEMO_PASSWORD
    from foster.core.load_seeding import LOAD_DOMAIN
    from foster.finance.models import Transfer
    from foster.programs.models import Call
    from foster.registry.models import Company

    now = timezone.now()
    officials = []
    for membership in (
        AgencyMembership.objects.filter(user__role=Role.AGENCY_OFFICIAL, user__email__endswith=".demo.foster.kr")
        .select_related("user", "agency")
        .order_by("user__email")
    ):
        agency = membership.agency
        calls = list(
            Application.objects.filter(call__program__agency=agency)
            .values("call_id")
            .annotate(n=Count("id"))
            .order_by("-n")
            .values_list("call_id", flat=True)[:5]
        )
        programs = list(
            Transfer.objects.filter(program__agency=agency)
            .order_by("program_id")
            .values_list("program_id", flat=True)
            .distinct()
        )
        transfers = list(
            Transfer.objects.filter(program__agency=agency).order_by("-id").values_list("id", flat=True)[:2000:20]
        )
        companies = list(
            Transfer.objects.filter(program__agency=agency, company__isnull=False)
            .order_by("-id")
            .values_list("company_id", flat=True)[:2000:20]
        )
        officials.append(
            {
                "email": membership.user.email,
                "agency": agency.code,
                "calls": calls,
                "programs": programs,
                "transfers": transfers,
                "companies": companies,
            }
        )
    # Prefer the officials with calls and ledger pages to show, as in the field.
    officials.sort(key=lambda row: (not row["calls"], not row["transfers"], row["email"]))
    first, last = Company.objects.order_by("id").values_list("id", flat=True)[0], Company.objects.latest("id").pk
    chosen = random.Random(7).sample(range(first, last + 1), k=min(400, last - first + 1))
    sample = list(Company.objects.filter(pk__in=chosen).values_list("name_ko", "business_registration_number")[:200])
    # Officials and planners log in with two factors: the simulated people hold their authenticator
    # (the demo accounts have one; one is given where missing, as an administrator would).
    two_factor_users = [row["email"] for row in officials] + ["planner@mss.demo.foster.kr"]
    authenticators = {
        user.email: two_factor_demo_enrol(user=user).secret for user in User.objects.filter(email__in=two_factor_users)
    }
    targets = {
        "password": DEMO_PASSWORD,
        "authenticators": authenticators,
        "planner": "planner@mss.demo.foster.kr",
        "officials": officials,
        "members": sorted(
            User.objects.filter(email__startswith="member", email__endswith=LOAD_DOMAIN).values_list("email", flat=True)
        ),
        "reviewers": sorted(
            User.objects.filter(email__startswith="reviewer", email__endswith=LOAD_DOMAIN).values_list(
                "email", flat=True
            )
        ),
        "call_codes": list(
            Call.objects.filter(opens_at__lte=now, closes_at__gt=now).order_by("code").values_list("code", flat=True)
        ),
        # What officials type: a distinctive part of a name (legal form and spaces dropped), a
        # full registration number and its first five digits.
        "company_names": sorted({name.replace("(주)", "").replace("주식회사 ", "")[:4] for name, _n in sample}),
        "company_numbers": sorted({number for _name, number in sample[:50]} | {n[:5] for _name, n in sample[50:100]}),
        "static_path": static_path,
    }
    path.write_text(json.dumps(targets, ensure_ascii=False, indent=1), encoding="utf-8")
    return targets


def _sealing_key_here() -> str:
    from foster.core.sealing import sealing_key

    return base64.urlsafe_b64encode(sealing_key()).decode("ascii")


def server_environment(url: str, static_root: Path, cache_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "FOSTER_MODE": "production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": url,
        "STATIC_ROOT": str(static_root),
        "TASK_BACKEND": "database",
        "LOG_LEVEL": "WARNING",
        "CONN_MAX_AGE": "60",
        "CACHE_URL": cache_url,
        "DJANGO_SETTINGS_MODULE": "foster.config.settings",
    }


def cache_forget(cache_url: str) -> None:
    """Start cold: remove Foster's keys (and only those) from the cache database of earlier runs."""
    import redis

    client = redis.Redis.from_url(cache_url)
    keys = list(client.scan_iter(match="*foster:*", count=1000))
    if keys:
        client.delete(*keys)


def server_cpu_seconds(master: int) -> float:
    """CPU seconds (user + system) used so far by gunicorn's workers (Linux ``/proc``; 0 elsewhere)."""
    total = 0.0
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        ticks = os.sysconf("SC_CLK_TCK")
        for pid in children:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    except (OSError, ValueError):
        return 0.0
    return total


def wait_until_up(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz/", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("gunicorn did not answer /healthz/ in time")


def locust(
    *, classes: list[str], users: int, duration: str, port: int, prefix: Path, targets: Path
) -> subprocess.CompletedProcess[str]:
    command = [
        str(BIN / "locust"),
        "-f",
        str(Path(__file__).with_name("locustfile.py")),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(max(1, users // 50)),  # one log-in a second: people arrive, they do not all log in at once
        "--run-time",
        duration,
        "--host",
        f"http://127.0.0.1:{port}",
        "--csv",
        str(prefix),
        "--only-summary",
        "--stop-timeout",
        "10",
        "--loglevel",
        "WARNING",
        *classes,
    ]
    environment = {**os.environ, "FOSTER_LOAD_TARGETS": str(targets)}
    completed = subprocess.run(command, env=environment, text=True, capture_output=True, check=False)
    if not Path(f"{prefix}_stats.csv").exists():
        raise SystemExit(f"locust failed:\n{completed.stderr}")
    return completed


def stats_rows(prefix: Path) -> list[dict[str, Any]]:
    rows = []
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            rows.append(
                {
                    "name": row["Name"] if row["Type"] else "",
                    "method": row["Type"],
                    "count": int(row["Request Count"]),
                    "failures": int(row["Failure Count"]),
                    "rps": float(row["Requests/s"]),
                    "p50": row["50%"],
                    "p95": row["95%"],
                    "p99": row["99%"],
                    "mean": float(row["Average Response Time"]),
                }
            )
    return rows


def table(rows: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| request type | count | req/s | p50 (ms) | p95 (ms) | p99 (ms) | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        name = row["name"] or "**all**"
        if row["method"] == "POST":
            name += " (POST)"
        lines.append(
            f"| {name} | {row['count']:,} | {row['rps']:.2f} | {row['p50']} | {row['p95']} | {row['p99']} "
            f"| {row['failures']} |"
        )
    return lines


def failures(prefix: Path) -> list[str]:
    path = Path(f"{prefix}_failures.csv")
    if not path.exists():
        return []
    with open(path, encoding="utf-8") as handle:
        return [
            f"- {row['Method']} {row['Name']}: {row['Error']} ({row['Occurrences']}x)" for row in csv.DictReader(handle)
        ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="foster_load_main", help="seeded PostgreSQL database (same server)")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", default="2m", help="scenario run time (locust syntax: 90s, 10m)")
    parser.add_argument("--baseline-duration", default="60s")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--port", type=int, default=8150)
    parser.add_argument("--out", default=str(REPO / "var" / "load" / "results"))
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--collectstatic", action="store_true", help="collect the static files even if collected")
    parser.add_argument(
        "--cache-url",
        default="redis://127.0.0.1:6379/13",
        help="shared cache of the gunicorn workers (a Redis database of its own; empty: one cache per worker)",
    )
    arguments = parser.parse_args()
    out = Path(arguments.out)
    out.mkdir(parents=True, exist_ok=True)
    url = database_url(arguments.database)
    static_root = out.parent / "static"  # shared by the runs: compressing every file takes minutes
    environment = server_environment(url, static_root, arguments.cache_url)
    if arguments.cache_url:
        cache_forget(arguments.cache_url)
    if arguments.collectstatic or not (static_root / "staticfiles.json").exists():
        command = [str(BIN / "foster"), "collectstatic", "--noinput", "-v0"]
        subprocess.run(command, env=environment, check=True, cwd=REPO)
    manifest = json.loads((static_root / "staticfiles.json").read_text(encoding="utf-8"))
    static_path = "/static/" + manifest["paths"]["core/foster.css"]
    targets_path = out / "targets.json"
    targets = targets_write(url, targets_path, static_path)
    print(
        f"targets: {len(targets['officials'])} officials, {len(targets['members'])} members, "
        f"{len(targets['reviewers'])} reviewers, {len(targets['call_codes'])} open calls",
        flush=True,
    )
    # The authenticators were enrolled (their secrets sealed) in this process, under the demo key:
    # the server opens them with that key, whatever its own SECRET_KEY.
    environment["FOSTER_SEALING_KEY"] = _sealing_key_here()
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "foster.config.wsgi",
            "--bind",
            f"127.0.0.1:{arguments.port}",
            "--workers",
            str(arguments.workers),
            "--timeout",
            "60",
            "--graceful-timeout",
            "10",
        ],
        env=environment,
        cwd=REPO,
        stdout=open(out / "gunicorn.log", "w"),  # noqa: SIM115 - closed with the process
        stderr=subprocess.STDOUT,
    )
    report: list[str] = []
    try:
        wait_until_up(arguments.port)
        load_before = os.getloadavg()
        started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        if not arguments.no_baseline:
            completed = locust(
                classes=["Baseline"],
                users=arguments.users,
                duration=arguments.baseline_duration,
                port=arguments.port,
                prefix=out / "baseline",
                targets=targets_path,
            )
            if completed.returncode not in (0, 1):
                print(completed.stderr, file=sys.stderr)
            baseline = stats_rows(out / "baseline")
        cpu_before = server_cpu_seconds(server.pid)
        completed = locust(
            classes=SCENARIO_CLASSES,
            users=arguments.users,
            duration=arguments.duration,
            port=arguments.port,
            prefix=out / "scenario",
            targets=targets_path,
        )
        if completed.returncode not in (0, 1):  # 1: some requests failed; they are in the table
            print(completed.stderr, file=sys.stderr)
        load_after = os.getloadavg()
        cpu = server_cpu_seconds(server.pid) - cpu_before
        scenario = stats_rows(out / "scenario")
        requests = sum(row["count"] for row in scenario if not row["method"])
        report = [
            f"### Run of {started}",
            "",
            f"- command: `.venv/bin/python bench/load/run.py --database {arguments.database} --users {arguments.users}"
            f" --duration {arguments.duration} --baseline-duration {arguments.baseline_duration}"
            f" --workers {arguments.workers}`",
            f"- gunicorn: {arguments.workers} sync workers, cache {arguments.cache_url or 'per worker'};"
            f" locust: {arguments.users} users, pauses of 1-3 s",
            f"- load average (1, 5, 15 min) before: {', '.join(f'{v:.2f}' for v in load_before)};"
            f" after: {', '.join(f'{v:.2f}' for v in load_after)}",
            f"- CPU of the gunicorn workers during the scenario: {cpu:.0f} s"
            + (f", {cpu / requests * 1000:.0f} ms a request (PostgreSQL not counted)" if requests else ""),
            "",
        ]
        if not arguments.no_baseline:
            report += [
                f"Baseline ({arguments.baseline_duration}, same server, same users and pauses):",
                "",
                *table(baseline),
                "",
            ]
        report += [f"Scenario ({arguments.duration}):", "", *table(scenario), ""]
        errors = failures(out / "scenario")
        report += ["Errors:", "", *(errors or ["- none"]), ""]
        (out / "results.md").write_text("\n".join(report) + "\n", encoding="utf-8")
        print("\n".join(report))
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main()
