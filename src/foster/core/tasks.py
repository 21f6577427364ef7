"""Background tasks of the platform itself.

``platform_selfcheck`` shows that background work runs end to end wherever it is configured
(the database queue of the embedded default, Redis workers at scale): a worker picks the task
up, reads the same database as the web site, reports progress step by step on a ``core.Job``
and records what it found. ``foster selfcheck`` queues it and waits for the answer.
"""

from __future__ import annotations

import os
import socket
from typing import Any

from django.apps import apps
from django.conf import settings
from django.utils.translation import gettext as _
from django_tasks import task

from foster.core.jobs import job_running


def selfcheck_models() -> list[Any]:
    """The models the self-check counts: every concrete model of Foster's own apps."""
    return [
        model
        for config in apps.get_app_configs()
        if config.name.startswith("foster.")
        for model in config.get_models()
        if not model._meta.proxy
    ]


@task()
def platform_selfcheck(job_id: int) -> None:
    """Count the rows of every Foster table, one table per progress step, and store the counts
    with the worker's host and process id as the job's result."""
    with job_running(job_id) as report:
        models = selfcheck_models()
        counts: dict[str, int] = {}
        for done, model in enumerate(models, start=1):
            counts[model._meta.label_lower] = model._default_manager.count()
            report(done, len(models), _("Counted %(table)s") % {"table": model._meta.verbose_name_plural})
        report.result = {
            "counts": counts,
            "rows": sum(counts.values()),
            "task_backend": settings.TASKS["default"]["BACKEND"],
            "host": socket.gethostname(),
            "pid": os.getpid(),
        }
        report.message = _("Background tasks work: %(tables)d tables counted.") % {"tables": len(models)}
