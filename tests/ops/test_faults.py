"""Faults with real processes: a gunicorn worker killed with SIGKILL while ledger transfers are in
flight, a task worker killed mid-job, PostgreSQL restarted while a client writes (issue 10, part 5).

What must hold: every write the client saw acknowledged is in the database exactly once, nothing is
half-written (``foster ledger reconcile`` is clean), a dead worker's job ends failed with a message
on its page instead of "running" forever, and requests while the database is away get a clean 503.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from pathlib import Path

import pytest
import requests
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from foster.accounts.models import User
from foster.core.backup import backup_create, backup_restore
from foster.core.choices import JobStatus
from foster.core.jobs import job_enqueue
from foster.core.models import Job
from foster.core.services import job_create
from foster.core.tasks import platform_selfcheck
from foster.programs.models import Program
from tests.factories import PASSWORD
from tests.ops.processes import (
    SharedDatabase,
    TransferWriter,
    assert_every_acknowledged_write_is_there_once,
    environment,
    foster,
    log_in_both_factors,
    postgres_url,
    start,
    start_gunicorn,
    throwaway_cluster,
    wait_until,
)
from tests.ops.tasks import slow_steps

pytestmark = pytest.mark.django_db(transaction=True)

DATABASE_TASKS = {"TASKS": {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}}
CLUSTER_PORTS = range(
    int(os.environ.get("FOSTER_TEST_CLUSTER_PORT_FIRST", "55400")),
    int(os.environ.get("FOSTER_TEST_CLUSTER_PORT_LAST", "55499")),
)


def test_killing_web_workers_mid_request_loses_no_acknowledged_write(
    shared_db: SharedDatabase, work_dir: Path, official: User, totp_secret: str, program: Program
) -> None:
    web = start_gunicorn("web", shared_db.url, work_dir, workers=2)
    try:
        logged_in = log_in_both_factors(web.url, official.email, PASSWORD, totp_secret)
        writer = TransferWriter([web.url], logged_in, program.pk, threads=3, transfers_per_thread=10)
        threads = writer.start()
        killed = []
        for threshold in (6, 18):  # twice, while the three writers keep both workers busy
            wait_until(
                lambda t=threshold: len(writer.acknowledged) >= t,
                what=f"{threshold} acknowledged writes",
                detail=lambda: (writer.failures[-3:], web.output()[-2000:]),
            )
            # Both workers at once: three writers on two workers keep at least one of them in a request
            # (killing one alone sometimes caught it between two requests, interrupting nothing).
            for victim in web.children():
                os.kill(victim.pid, signal.SIGKILL)
                killed.append(victim.pid)
        for thread in threads:
            thread.join(timeout=300)
        assert not any(thread.is_alive() for thread in threads)
        assert len(writer.acknowledged) == 30
        assert all(child.pid not in killed for child in web.children())  # gunicorn replaced the killed ones
        # The kills interrupted requests in flight (dropped connections), which the client retried.
        assert any(attempt.status is None for attempt in writer.failures), writer.failures
        assert all(attempt.status is None or attempt.status >= 500 for attempt in writer.failures)
        assert not any("Traceback" in attempt.body for attempt in writer.failures)
    finally:
        web.stop()

    shared_db.collect()
    assert_every_acknowledged_write_is_there_once(writer, program)
    reconcile = foster(["ledger", "reconcile"], shared_db.url, work_dir)
    assert reconcile.returncode == 0, reconcile.stdout + reconcile.stderr
    assert "no differences" in reconcile.stdout


def test_a_task_worker_killed_mid_job_leaves_a_failed_job_and_a_new_worker_runs_new_jobs(
    shared_db: SharedDatabase, work_dir: Path, official: User
) -> None:
    User.objects.filter(pk=official.pk).update(preferred_language="en")  # the sweep writes in the owner's language
    with override_settings(**DATABASE_TASKS):
        doomed = job_create(kind="test.slow", owner=official, total=1000)
        job_enqueue(slow_steps, doomed, steps=1000, pause=0.05)
    shared_db.publish()
    lease = {"FOSTER_JOB_LEASE_SECONDS": "2", "FOSTER_JOB_HEARTBEAT_SECONDS": "0.5", "TASK_BACKEND": "database"}
    worker = start(
        "worker",
        [sys.executable, "-m", "foster.cli", "db_worker", "--no-startup-delay", "--interval", "0.2"],
        environment(shared_db.url, work_dir, **lease),
        work_dir,
    )
    try:

        def running_with_progress() -> bool:
            shared_db.collect()
            job = Job.objects.get(pk=doomed.pk)
            return job.status == JobStatus.RUNNING and job.done >= 3

        wait_until(running_with_progress, what="the slow job is running")
        os.kill(worker.pid, signal.SIGKILL)
        worker.popen.wait(timeout=30)
    finally:
        worker.stop()

    # Nobody renews the lease any more; the job still says "running" until it runs out and is swept.
    shared_db.collect()
    assert Job.objects.get(pk=doomed.pk).status == JobStatus.RUNNING
    wait_until(
        lambda: Job.objects.get(pk=doomed.pk).lease_expires_at < timezone.now(),  # type: ignore[operator]
        what="the dead worker's lease has run out",
        interval=0.2,
    )
    with override_settings(**DATABASE_TASKS):
        fresh = job_create(kind="core.selfcheck", owner=None, total=1)
        job_enqueue(platform_selfcheck, fresh)
    shared_db.publish()
    restarted = foster(
        ["db_worker", "--batch", "--no-startup-delay", "--interval", "0"],
        shared_db.url,
        work_dir,
        **lease,
    )
    assert restarted.returncode == 0, restarted.stdout + restarted.stderr

    shared_db.collect()
    doomed.refresh_from_db()
    assert doomed.status == JobStatus.FAILED
    assert 3 <= doomed.done < 1000
    assert doomed.message.startswith("The background worker running this job stopped before it finished")
    assert Job.objects.get(pk=fresh.pk).status == JobStatus.SUCCEEDED  # the new worker runs new jobs

    client = Client()
    client.force_login(official)
    page = client.get(reverse("core:job-detail", args=[doomed.pk])).content.decode()
    assert doomed.message in page


@pytest.mark.postgres
def test_restarting_postgresql_gives_clean_503s_then_reconnects_and_loses_no_acknowledged_write(
    work_dir: Path, official: User, totp_secret: str, program: Program
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("restarts a PostgreSQL server (a throw-away cluster of its own) and needs the PostgreSQL tools")
    with contextlib.ExitStack() as stack:
        try:
            cluster = stack.enter_context(throwaway_cluster(CLUSTER_PORTS))
        except LookupError as error:
            pytest.skip(f"cannot run a throw-away PostgreSQL cluster: {error}")
        # The test database (with the official, their authenticator and the program) copied into the cluster.
        backup_create(out=work_dir / "copy", database=connection.settings_dict, media_root=work_dir / "media")
        cluster.sql("CREATE DATABASE foster ENCODING 'UTF8' TEMPLATE template0")
        target = cluster.settings("foster")
        restored = backup_restore(source=work_dir / "copy", database=target, media_root=work_dir / "restored")
        assert restored.differences == []
        url = postgres_url(target)

        web = start_gunicorn("web", url, work_dir, workers=2)
        stack.callback(web.stop)
        logged_in = log_in_both_factors(web.url, official.email, PASSWORD, totp_secret)
        writer = TransferWriter([web.url], logged_in, program.pk, threads=3, transfers_per_thread=15)
        threads = writer.start()
        wait_until(lambda: len(writer.acknowledged) >= 10, what="10 acknowledged writes")
        cluster.stop()
        try:  # while the database is away
            api = logged_in.session().post(
                f"{web.url}/api/v1/finance/transfers/",
                json={"program": program.pk, "operation": "budget_fund", "source": "government", "amount_krw": 5},
                headers={"Idempotency-Key": "during-the-outage"},
                timeout=30,
            )
            page = requests.get(f"{web.url}/", timeout=30)
        finally:
            cluster.start()
        for thread in threads:
            thread.join(timeout=300)
        after = requests.get(f"{web.url}/healthz/", timeout=30)

        assert (api.status_code, api.headers.get("Retry-After")) == (503, "5")
        assert set(api.json()) == {"detail"}
        assert page.status_code == 503
        assert "Traceback" not in api.text + page.text
        assert "psycopg" not in api.text + page.text
        assert after.status_code == 200  # the web workers reconnected (CONN_HEALTH_CHECKS)
        assert writer.errors == []
        assert len(writer.acknowledged) == 45
        # The writers saw the outage as 503s (or, at the moment the server went down, a dropped connection).
        assert all(attempt.status in (None, 503) for attempt in writer.failures), {a.status for a in writer.failures}
        assert not any("Traceback" in attempt.body for attempt in writer.failures)

        reconcile = foster(["ledger", "reconcile"], url, work_dir)
        assert reconcile.returncode == 0, reconcile.stdout + reconcile.stderr
        recorded = cluster.sql(
            "SELECT k.key, t.amount_krw FROM finance_idempotencykey k JOIN finance_transfer t ON t.id = k.transfer_id",
            "foster",
        )
        assert dict(recorded) == writer.acknowledged  # every acknowledged write, nothing else ("during-the-outage")
        assert cluster.sql("SELECT COUNT(*) FROM finance_transfer", "foster") == [(len(writer.acknowledged),)]
