"""Real processes for the fault, backup and scale-out tests: gunicorn web servers, task workers and a
throw-away PostgreSQL cluster, all on the test database.

On PostgreSQL the processes use the test database itself (the tests are transactional, so what the
test writes is committed and visible to them). SQLite's test database lives in this process's
memory, so ``SharedDatabase`` copies it into a file for the processes (``publish``) and copies the
file back (``collect``) before the test reads it through the ORM: both with SQLite's backup API.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psutil
import pyotp
import requests
from django.db import connection

from foster.finance.choices import AccountKind, TransferKind
from foster.finance.models import Account, IdempotencyKey, Transfer
from foster.finance.reconcile import ledger_reconcile
from foster.programs.models import Program

REPOSITORY = Path(__file__).resolve().parents[2]
START_TIMEOUT = 90  # seconds for a process to come up on a busy 2-core machine
PORTS = range(
    int(os.environ.get("FOSTER_TEST_PORT_FIRST", "8200")), int(os.environ.get("FOSTER_TEST_PORT_LAST", "8299"))
)


def free_port(ports: range = PORTS) -> int:
    """A port of ``ports`` nobody listens on, tried in random order so that parallel test processes
    (pytest-xdist) rarely probe the same one at once."""
    for port in random.sample(list(ports), len(ports)):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {ports}")


def postgres_url(params: dict[str, Any]) -> str:
    credentials = quote(params.get("USER") or "", safe="")
    if params.get("PASSWORD"):
        credentials += ":" + quote(params["PASSWORD"], safe="")
    host = params.get("HOST") or "127.0.0.1"
    return f"postgres://{credentials}@{host}:{params.get('PORT') or 5432}/{params['NAME']}"


@dataclass
class SharedDatabase:
    """The test database as other processes reach it."""

    url: str
    sqlite_file: Path | None = None

    def publish(self) -> None:
        """Make what this process wrote visible to the processes (SQLite: copy memory to the file)."""
        if self.sqlite_file is None:
            return
        connection.ensure_connection()
        destination = sqlite3.connect(self.sqlite_file)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()

    def collect(self) -> None:
        """Make what the processes wrote visible to this process (SQLite: copy the file to memory)."""
        if self.sqlite_file is None:
            return
        connection.ensure_connection()
        source = sqlite3.connect(self.sqlite_file)
        try:
            source.backup(connection.connection)
        finally:
            source.close()


def shared_database(directory: Path) -> SharedDatabase:
    if connection.vendor == "postgresql":
        return SharedDatabase(postgres_url(connection.settings_dict))
    file = directory / "shared.sqlite3"
    database = SharedDatabase(f"sqlite:///{file}", file)
    database.publish()
    return database


def environment(database_url: str, directory: Path, **extra: str) -> dict[str, str]:
    """The environment of a web or worker process: test mode (SQLite allowed, test secret key),
    the shared database, the shared media directory, tasks as ``extra`` says."""
    return {
        **os.environ,
        "FOSTER_MODE": "test",
        "DATABASE_URL": database_url,
        "FOSTER_VAR_DIR": str(directory / "var"),
        "MEDIA_ROOT": str(directory / "media"),
        "PYTHONPATH": str(REPOSITORY),  # the workers import the test tasks (tests.ops.tasks)
        "LOG_LEVEL": "WARNING",
        **extra,
    }


@dataclass
class Process:
    """A child process with its output in a log file; stopped (and its children) at the end."""

    name: str
    popen: subprocess.Popen[bytes]
    log: Path
    port: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def pid(self) -> int:
        return self.popen.pid

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def children(self) -> list[psutil.Process]:
        try:
            return psutil.Process(self.pid).children()
        except psutil.NoSuchProcess:
            return []

    def stop(self, timeout: float = 20) -> None:
        if self.popen.poll() is not None:
            return
        self.popen.send_signal(signal.SIGTERM)
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            for child in self.children():
                with contextlib.suppress(psutil.NoSuchProcess):
                    child.kill()
            self.popen.kill()
            self.popen.wait(timeout=timeout)


def start(name: str, arguments: list[str], env: dict[str, str], directory: Path, port: int | None = None) -> Process:
    log = directory / f"{name}.log"
    stream = log.open("wb")
    popen = subprocess.Popen(arguments, cwd=REPOSITORY, env=env, stdout=stream, stderr=subprocess.STDOUT)
    stream.close()
    return Process(name, popen, log, port)


def start_gunicorn(name: str, database_url: str, directory: Path, *, workers: int = 2, **extra: str) -> Process:
    """gunicorn serving Foster on a free port; returns once ``/healthz/`` answers 200."""
    port = free_port()
    process = start(
        name,
        [
            sys.executable,
            "-m",
            "gunicorn",
            "foster.config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "60",
            "--graceful-timeout",
            "5",
            "--preload",  # workers fork from a master that has loaded Django: a killed one is back at once
            "--log-level",
            "warning",
        ],
        environment(database_url, directory, **extra),
        directory,
        port,
    )
    try:
        wait_until(
            lambda: _healthy(process),
            what=f"{name} answers /healthz/",
            interval=0.2,
            detail=process.output,
        )
    except BaseException:
        process.stop()
        raise
    return process


def _healthy(process: Process) -> bool:
    if process.popen.poll() is not None:
        raise RuntimeError(f"{process.name} exited: {process.output()}")
    try:
        return requests.get(f"{process.url}/healthz/", timeout=10).status_code == 200
    except requests.RequestException:  # not listening yet, or no worker has booted yet
        return False


def foster(arguments: list[str], database_url: str, directory: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    """Run one ``foster`` command to the end in its own process."""
    return subprocess.run(
        [sys.executable, "-m", "foster.cli", *arguments],
        cwd=REPOSITORY,
        env=environment(database_url, directory, **extra),
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT * 2,
        check=False,
    )


def wait_until(
    condition: Any, *, what: str, timeout: float = START_TIMEOUT, interval: float = 0.1, detail: Any = None
) -> Any:
    """Poll ``condition()`` until it returns something true; fail the test after ``timeout`` seconds
    (saying ``detail()`` if given)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting until {what}" + (f": {detail()}" if detail else ""))
        time.sleep(interval)


# --- A throw-away PostgreSQL cluster ---------------------------------------------------------------


def postgres_binaries() -> Path | None:
    """The directory of initdb and pg_ctl: FOSTER_TEST_PG_BIN, PATH, or Debian's versioned directory."""
    configured = os.environ.get("FOSTER_TEST_PG_BIN")
    if configured:
        return Path(configured)
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent  # pg_ctl and friends live next to the real initdb
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda path: path.parent.parent.name)
    return candidates[-1].parent if candidates else None


@dataclass
class Cluster:
    """A PostgreSQL cluster of its own in a temporary directory, on its own port (trust, no socket file)."""

    data: Path
    port: int
    bin: Path
    run_as: str | None  # initdb and postgres refuse to run as root: then as this system user

    def _run(self, *arguments: str) -> subprocess.CompletedProcess[str]:
        command = [str(self.bin / arguments[0]), *arguments[1:]]
        if self.run_as:
            command = ["runuser", "-u", self.run_as, "--", *command]
        return subprocess.run(command, capture_output=True, text=True, timeout=START_TIMEOUT, check=True)

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.data / "server.log"), "-w", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def sql(self, statement: str, database: str = "postgres") -> list[tuple[Any, ...]]:
        """Run one statement in ``database`` (autocommit) and return its rows."""
        import psycopg

        with (
            psycopg.connect(
                host="127.0.0.1", port=self.port, user="postgres", dbname=database, autocommit=True
            ) as connection,
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)  # type: ignore[arg-type]  # the tests' own statements
            return cursor.fetchall() if cursor.description else []

    def settings(self, name: str) -> dict[str, Any]:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": "postgres",
            "PASSWORD": "",
            "HOST": "127.0.0.1",
            "PORT": self.port,
        }


@contextlib.contextmanager
def throwaway_cluster(ports: range) -> Iterator[Cluster]:
    """A new cluster in a new temporary directory (outside pytest's, which only root may enter when
    the tests run as root and the cluster as the postgres user); removed at the end."""
    binaries = postgres_binaries()
    if binaries is None or not (binaries / "pg_ctl").exists():
        raise LookupError("initdb and pg_ctl were not found (set FOSTER_TEST_PG_BIN)")
    directory = Path(tempfile.mkdtemp(prefix="foster-cluster-"))
    run_as = None
    data = directory / "cluster"
    if os.geteuid() == 0:
        try:
            account = pwd.getpwnam("postgres")
        except KeyError:
            raise LookupError("running as root and there is no postgres system user to run a cluster") from None
        run_as = "postgres"
        directory.chmod(0o755)
        data.mkdir()
        os.chown(data, account.pw_uid, account.pw_gid)
    cluster = Cluster(data, free_port(ports), binaries, run_as)
    try:
        cluster.init()
        cluster.start()
        try:
            yield cluster
        finally:
            with contextlib.suppress(subprocess.CalledProcessError):
                cluster.stop()
    finally:
        shutil.rmtree(directory, ignore_errors=True)


# --- A client that writes ledger transfers and retries until each is acknowledged ------------------


@dataclass
class Attempt:
    key: str
    status: int | None  # None: the connection failed (the server died mid-request or was not there)
    body: str


@dataclass(frozen=True)
class LoggedIn:
    """A session a client got by logging in through the pages with both factors: its cookies and
    the CSRF token that session-authenticated writes send back in ``X-CSRFToken``."""

    cookies: dict[str, str]
    csrf_token: str

    def session(self) -> requests.Session:
        session = requests.Session()
        session.cookies.update(self.cookies)
        session.headers["X-CSRFToken"] = self.csrf_token
        return session


def page_csrf_token(session: requests.Session, url: str) -> str:
    """The CSRF token of the form on the page at ``url``."""
    page = session.get(url, timeout=30)
    assert page.status_code == 200, (url, page.status_code)
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def log_in_both_factors(base_url: str, email: str, password: str, secret: str) -> LoggedIn:
    """Log in as a person does: the password on the log-in page, then the authenticator's current
    code (computed from the device's secret) on the second-factor page. An official cannot use an
    API token (a single factor), so clients of the officials' API log in like this."""
    session = requests.Session()
    response = session.post(
        f"{base_url}/accounts/login/",
        data={
            "username": email,
            "password": password,
            "csrfmiddlewaretoken": page_csrf_token(session, f"{base_url}/accounts/login/"),
        },
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 302 and "/login/two-factor/" in response.headers["Location"], response.text[:2000]
    response = session.post(
        f"{base_url}/accounts/login/two-factor/",
        data={
            "code": pyotp.TOTP(secret).now(),
            "csrfmiddlewaretoken": page_csrf_token(session, f"{base_url}/accounts/login/two-factor/"),
        },
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 302 and "two-factor" not in response.headers["Location"], response.text[:2000]
    cookies = session.cookies.get_dict()
    csrf = next(value for name, value in cookies.items() if name.endswith("csrftoken"))
    return LoggedIn(cookies, csrf)


@dataclass
class TransferWriter:
    """Threads posting ``budget_fund`` transfers through the API, each under its own idempotency
    key, as a careful client does: a failure (5xx, a dropped connection) is retried with the same
    key until the server acknowledges it (201 new, 200 the key's first outcome replayed)."""

    base_urls: list[str]
    logged_in: LoggedIn
    program_id: int
    threads: int = 4
    transfers_per_thread: int = 30
    max_attempts: int = 400
    acknowledged: dict[str, int] = field(default_factory=dict)  # key -> amount
    failures: list[Attempt] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # a key never acknowledged: the test fails

    def amount(self, thread: int, index: int) -> int:
        return 1_000_000 + thread * 1_000 + index

    def _post(self, session: requests.Session, base_url: str, key: str, amount: int) -> Attempt:
        try:
            response = session.post(
                f"{base_url}/api/v1/finance/transfers/",
                json={
                    "program": self.program_id,
                    "operation": "budget_fund",
                    "source": "government",
                    "amount_krw": amount,
                },
                headers={"Idempotency-Key": key},
                timeout=30,
            )
        except requests.RequestException as error:
            return Attempt(key, None, str(error))
        return Attempt(key, response.status_code, response.text)

    def _run(self, thread: int) -> None:
        session = self.logged_in.session()
        for index in range(self.transfers_per_thread):
            key, amount = f"ops-{thread}-{index}", self.amount(thread, index)
            for attempt_number in range(self.max_attempts):
                base_url = self.base_urls[(thread + index + attempt_number) % len(self.base_urls)]
                attempt = self._post(session, base_url, key, amount)
                if attempt.status in (200, 201):
                    self.acknowledged[key] = amount
                    break
                if attempt.status is not None and attempt.status < 500:  # refused: a retry would not help
                    self.errors.append(f"{key} was refused: {attempt.status} {attempt.body[:500]}")
                    return
                self.failures.append(attempt)
                if attempt.status is None:
                    session = self.logged_in.session()  # a fresh connection after a dropped one
                time.sleep(0.05)
            else:
                self.errors.append(f"{key} was never acknowledged: {self.failures[-1]}")
                return

    def start(self) -> list[Any]:
        workers = [threading.Thread(target=self._run, args=(thread,), daemon=True) for thread in range(self.threads)]
        for worker in workers:
            worker.start()
        return workers


def assert_every_acknowledged_write_is_there_once(writer: TransferWriter, program: Program) -> None:
    """Every key the client saw acknowledged has its transfer, once, with its amount; the program's
    budget holds their sum; the ledger reconciles."""
    assert writer.errors == []
    keys = dict(IdempotencyKey.objects.filter(key__startswith="ops-").values_list("key", "transfer__amount_krw"))
    assert keys == writer.acknowledged  # each acknowledged key recorded, with its own amount; no other key
    transfers = Transfer.objects.filter(program=program, kind=TransferKind.BUDGET_FUND)
    assert transfers.count() == len(writer.acknowledged)  # no retry recorded twice
    budget = Account.objects.get(kind=AccountKind.PROGRAM_BUDGET, program=program)
    assert budget.posted_krw == sum(writer.acknowledged.values())
    assert ledger_reconcile() == []
