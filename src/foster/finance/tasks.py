"""Background tasks of the finance ledger: the daily reconciliation (``core.schedule``: each run
queues the next), at 03:00 Asia/Seoul when nobody is posting; and the check and the application of
an uploaded file of other agencies' exposures, with their progress on a ``core.Job`` (the
services are in ``foster.finance.importing``, imported inside the tasks because they queue them)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from foster.core.jobs import JobError, job_running
from foster.core.schedule import daily_run_enqueue
from foster.finance.reconcile import ledger_reconcile

logger = logging.getLogger(__name__)

RECONCILE_RUN_NAME = "finance.reconcile"
RECONCILE_RUN_AT = dt.time(3)


@task()
def ledger_reconcile_daily_task() -> int:
    """Today's reconciliation; queues tomorrow's first. Every difference is logged as an error
    (monitoring alerts on it); returns the number of differences."""
    ledger_reconcile_schedule()
    differences = ledger_reconcile()
    for difference in differences:
        logger.error("ledger reconcile: %s", difference)
    logger.info("ledger reconcile: %d differences", len(differences))
    return len(differences)


def ledger_reconcile_schedule(*, now: dt.datetime | None = None) -> bool:
    """Queue the next daily reconciliation unless it is queued already; safe to repeat."""
    return daily_run_enqueue(ledger_reconcile_daily_task, name=RECONCILE_RUN_NAME, at=RECONCILE_RUN_AT, now=now)


def _progress(report: Callable[..., None], stages: tuple[str, ...]) -> Callable[[str, int, int], None]:
    """One bar over the job's stages, each as wide as the file has rows."""
    messages = {"check": _("Checking every row"), "write": _("Posting the exposures")}
    width = {"rows": 0}

    def progress(stage: str, done: int, total: int) -> None:
        if stage == "check":
            width["rows"] = total
        rows = width["rows"] or total
        scaled = done if stage == "check" else (rows if not total else done * rows // total)
        report(stages.index(stage) * rows + scaled, rows * len(stages), messages[stage])

    return progress


def _exposure_import_run(job_id: int, import_id: int, *, apply: bool) -> None:
    from foster.core.csv_files import TableRefused
    from foster.finance import importing
    from foster.finance.models import ExposureImport
    from foster.registry.choices import ImportStatus

    with job_running(job_id) as report:
        record = ExposureImport.objects.select_related("created_by").get(pk=import_id)
        with translation.override(record.language):
            if record.created_by is None:
                ExposureImport.objects.filter(pk=import_id).update(status=ImportStatus.FAILED)
                raise JobError(_("The person who uploaded this file no longer has an account; upload it again."))
            service: Any = importing.exposure_import_apply if apply else importing.exposure_import_check
            try:
                result = service(
                    user=record.created_by,
                    record=record,
                    progress=_progress(report, ("check", "write") if apply else ("check",)),
                )
            except TableRefused as error:
                raise JobError(str(error)) from None
            except Exception:
                ExposureImport.objects.filter(pk=import_id).exclude(status=ImportStatus.APPLIED).update(
                    status=ImportStatus.FAILED
                )
                raise
            report.result = {
                "next_url": reverse("finance:exposure-import-detail", args=[import_id]),
                "rows": result.rows,
                "changed": result.changed,
                "unchanged": result.unchanged,
                "errors": len(result.errors),
            }
            if result.errors:
                report.message = _("The file has errors; nothing was imported. See the list of errors.")
            elif apply:
                report.message = _("The file was imported.")
            else:
                report.message = _("The check is done; nothing has been changed yet.")


@task()
def exposure_import_check_task(job_id: int, import_id: int) -> None:
    """Dry run of an uploaded exposure file: store its counts and bad rows."""
    _exposure_import_run(job_id, import_id, apply=False)


@task()
def exposure_import_apply_task(job_id: int, import_id: int) -> None:
    """Apply a checked exposure file, all or nothing."""
    _exposure_import_run(job_id, import_id, apply=True)
