"""`foster import-companies FILE`: check a company file and import it, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from foster.accounts.models import User
from foster.core.progress import cli_progress
from foster.registry.importing import (
    ImportPlan,
    ImportRefused,
    company_import_apply,
    company_import_check,
    company_import_create,
)

STAGE_LABELS = {"read": "Reading", "check": "Checking", "write": "Writing"}


class StageBars:
    """One progress bar per stage (reading, checking, writing) on the command's error stream."""

    def __init__(self, stream: Any, *, enabled: bool) -> None:
        self.stream = stream
        self.enabled = enabled
        self.stage = ""
        self.done = 0
        self.total = 0
        self.advance: Any = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self.stage:
            self.finish()
            self.stage, self.done, self.total = stage, 0, total
            self.advance = cli_progress(
                total=total, description=STAGE_LABELS.get(stage, stage), stream=self.stream, enabled=self.enabled
            )
        if done > self.done:
            self.advance(done - self.done)
            self.done = done

    def finish(self) -> None:
        if self.advance is not None and self.done < self.total:
            self.advance(self.total - self.done)  # closes a bar whose row count was an estimate


class Command(BaseCommand):
    help = (
        "Import companies from a CSV file (UTF-8 or CP949, as Korean Excel saves it) or an Excel file "
        "(.xlsx). Every row is checked first; if any row is wrong, nothing is imported and every bad row "
        "is listed with its column and what to fix. Companies already registered (same registration "
        "number) are updated. Use --dry-run to see what would change without changing anything."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The CSV or XLSX file to import.")
        parser.add_argument("--dry-run", action="store_true", help="Only check the file and show what would change.")
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help="Language of the error messages (default: the platform's, Korean).",
        )
        parser.add_argument(
            "--as",
            dest="as_email",
            metavar="EMAIL",
            help="Import as this user (an agency official); the audit trail names them. "
            "Without it the import is recorded as made by an operator.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"There is no file at {path}.")
        user = self._user(options["as_email"])
        bars = StageBars(self.stderr, enabled=options["verbosity"] > 0)
        with translation.override(options["language"]):
            plan = self._run(path, user, options, bars)
        if not plan.is_valid:
            self._print_errors(plan)
            errors = f"{len(plan.errors)} error" + ("s" if len(plan.errors) != 1 else "")
            rows = f"{plan.error_rows} row" + ("s" if plan.error_rows != 1 else "")
            raise CommandError(
                f"Nothing was imported: {errors} in {rows}. Correct them in the file and run the command again."
            )
        self._print_plan(plan, dry_run=options["dry_run"])

    def _run(self, path: Path, user: User | None, options: dict[str, Any], bars: StageBars) -> ImportPlan:
        try:
            with path.open("rb") as handle:
                company_import = company_import_create(
                    user=user, file=handle, filename=path.name, language=options["language"]
                )
            if options["dry_run"]:
                plan = company_import_check(user=user, company_import=company_import, progress=bars)
            else:
                plan = company_import_apply(user=user, company_import=company_import, progress=bars)
        except PermissionDenied as error:
            raise CommandError(str(error) or "This user may not import companies.") from None
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        except ImportRefused as error:
            raise CommandError(str(error)) from None
        finally:
            bars.finish()
        return plan

    def _user(self, email: str | None) -> User | None:
        if not email:
            return None
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise CommandError(f"There is no active user with the e-mail address {email}.")
        if not user.has_perm("registry.import_companies"):
            raise CommandError(f"{email} may not import companies: only agency officials may.")
        return user

    def _print_errors(self, plan: ImportPlan) -> None:
        for error in plan.errors:
            where = f"row {error.row}" if error.row is not None else "file"
            column = f", column {error.column}" if error.column else ""
            value = f" (value “{error.value}”)" if error.value else ""
            self.stderr.write(f"{where}{column}{value}: {error.message}")

    def _print_plan(self, plan: ImportPlan, *, dry_run: bool) -> None:
        verb = "would be" if dry_run else "were"
        self.stdout.write(
            f"{plan.rows} rows: {plan.created} companies {verb} added, {plan.updated} {verb} updated, "
            f"{plan.unchanged} unchanged."
        )
        for update in plan.updates[:20]:
            changes = "; ".join(f"{change.column}: {change.before} → {change.after}" for change in update.changes)
            self.stdout.write(f"  row {update.row} {update.name_ko} ({update.business_registration_number}): {changes}")
        if len(plan.updates) > 20:
            self.stdout.write(f"  … and {len(plan.updates) - 20} more updated companies.")
        if dry_run:
            self.stdout.write(self.style.SUCCESS("Dry run: nothing was changed."))
        else:
            self.stdout.write(self.style.SUCCESS("The import is done."))
