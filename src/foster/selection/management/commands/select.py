"""`foster select --problem P.json --out R.json`: solve a selection problem file and write the result."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from foster.engines.selection import (
    ProblemFormatError,
    SelectionStatus,
    problem_from_json,
    result_to_json,
    solve_selection,
)


def _write_atomically(path: Path, data: dict[str, Any]) -> None:
    """Write JSON to a temporary file beside ``path``, then rename it: never a half-written result."""
    directory = path.parent if str(path.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(data, stream, ensure_ascii=False, indent=1, allow_nan=False)
            stream.write("\n")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class Command(BaseCommand):
    help = (
        "Select the portfolio of greatest total value from a problem file (candidates, constraints, locks, "
        "overrides; see docs/selection.md) and write the result: the selected ids, the proven bound, an "
        "explanation for every candidate, the budget sweep and what each constraint costs. A bad file is "
        "refused with every mistake listed and no result written; an infeasible problem gets a result that "
        "names the conflicting constraints."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--problem", required=True, help="The problem file (JSON).")
        parser.add_argument("--out", required=True, help="Where to write the result (JSON).")
        parser.add_argument(
            "--time-limit",
            type=float,
            default=60.0,
            help="Seconds for the solve (default 60); each what-if re-solve gets a tenth of it.",
        )
        parser.add_argument(
            "--gap",
            type=float,
            default=0.0,
            help="Relative optimality gap accepted, e.g. 0.0001 for 0.01%% (default 0: exact).",
        )
        parser.add_argument(
            "--near-line",
            type=int,
            default=20,
            help="How many candidates on each side of the funding line get the value change that flips them "
            "(default 20).",
        )
        parser.add_argument(
            "--resolve-time-limit",
            type=float,
            default=None,
            help="Seconds for each what-if re-solve (flip values, sweep, constraint costs); default a tenth of "
            "--time-limit, at least 1. One stopped by it reports a proven interval instead of an exact value.",
        )
        parser.add_argument("--no-sensitivity", action="store_true", help="Skip the budget sweep.")
        parser.add_argument("--no-quota-costs", action="store_true", help="Skip the cost of each constraint.")

    def handle(self, *args: Any, **options: Any) -> None:
        problem_path = Path(options["problem"])
        out_path = Path(options["out"])
        if options["time_limit"] <= 0:
            raise CommandError(_("--time-limit must be a positive number of seconds."))
        if not 0 <= options["gap"] < 1:
            raise CommandError(_("--gap must be at least 0 and below 1 (0.0001 means 0.01%)."))
        if options["resolve_time_limit"] is not None and options["resolve_time_limit"] <= 0:
            raise CommandError(_("--resolve-time-limit must be a positive number of seconds."))
        if options["near_line"] < 0:
            raise CommandError(_("--near-line must not be negative."))
        if not problem_path.is_file():
            raise CommandError(_("There is no problem file at %(path)s.") % {"path": problem_path})
        if not out_path.parent.is_dir() and str(out_path.parent):
            raise CommandError(_("The folder for the result, %(path)s, does not exist.") % {"path": out_path.parent})
        try:
            data = json.loads(problem_path.read_text(encoding="utf-8"))
        except UnicodeDecodeError:
            raise CommandError(_("%(path)s is not a UTF-8 text file.") % {"path": problem_path}) from None
        except json.JSONDecodeError as error:
            raise CommandError(
                _("%(path)s is not valid JSON: %(message)s at line %(line)d, column %(column)d.")
                % {"path": problem_path, "message": error.msg, "line": error.lineno, "column": error.colno}
            ) from None
        try:
            problem = problem_from_json(data)
        except ProblemFormatError as error:
            for message in error.errors:
                self.stderr.write(message)
            raise CommandError(
                _("The problem file has %(count)d error(s), listed above; nothing was written.")
                % {"count": len(error.errors)}
            ) from None

        result = solve_selection(
            problem,
            time_limit=options["time_limit"],
            gap=options["gap"],
            near_line=options["near_line"],
            with_sensitivity=not options["no_sensitivity"],
            with_quota_costs=not options["no_quota_costs"],
            resolve_time_limit=options["resolve_time_limit"],
        )
        _write_atomically(out_path, result_to_json(result))
        self.stdout.write(result.message)
        if result.status == SelectionStatus.INFEASIBLE:
            self.stdout.write(
                self.style.WARNING(_("No portfolio meets the constraints; see 'conflict' in the result."))
            )
        elif result.objective is not None:
            self.stdout.write(_("Binding constraints: %(names)s") % {"names": ", ".join(result.binding) or _("none")})
        self.stdout.write(self.style.SUCCESS(_("Result written to %(path)s.") % {"path": out_path}))
