"""A background task for the fault tests: steps that take a while, with progress after each, so a
test can kill the worker while the job is running."""

from __future__ import annotations

import time

from django_tasks import task

from foster.core.jobs import job_running


@task()
def slow_steps(job_id: int, steps: int, pause: float) -> None:
    with job_running(job_id) as report:
        for step in range(1, steps + 1):
            time.sleep(pause)
            report(step, steps)
        report.result = {"steps": steps}
