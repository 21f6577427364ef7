"""``foster kpi estimate``: a design-based estimate of a proportion from a file of responses.

    foster kpi estimate --responses FILE --y COLUMN [--stratum COLUMN] [--weight COLUMN]
        [--fpc COLUMN] [--domain COLUMN] [--ci logit|korn-graubard] --out RESULT.json

writes ``{"estimate", "se", "ci": [low, high], "deff", "n", "domains": {value: {"estimate", "se",
"ci", "n"}}}``, the numbers R's ``survey`` package gives for ``svydesign(ids = ~1, strata, weights,
fpc)`` with ``svymean``, ``svyciprop`` and ``svyby`` (docs/kpi.md). A file with any problem writes
nothing and lists every problem with its rows.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from foster.core.csv_files import TableRefused, cell_text, is_xlsx, rows_from_csv, rows_from_xlsx
from foster.engines.survey import DesignError, IntervalMethod, LonelyStratum, estimate_to_json, responses_table


def _write_atomically(path: Path, data: dict[str, Any]) -> None:
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


def read_table(path: Path) -> tuple[list[str], list[list[str]], list[int]]:
    """The header, the data rows as text and their row numbers (as a spreadsheet numbers them) of a
    CSV (UTF-8 or CP949, comma or tab) or XLSX file. Empty rows are skipped."""
    data = path.read_bytes()
    if is_xlsx(data[:8]):
        with path.open("rb") as handle:
            records, _total, close = rows_from_xlsx(handle)
            try:
                table = [[cell_text(cell) for cell in record] for record in records]
            finally:
                close()
    else:
        records_iterator, _count = rows_from_csv(data)
        table = [[cell_text(cell) for cell in record] for record in records_iterator]
    header: list[str] | None = None
    rows: list[list[str]] = []
    numbers: list[int] = []
    for number, record in enumerate(table, start=1):
        if not any(record):
            continue
        if header is None:
            header = record
            continue
        rows.append(record)
        numbers.append(number)
    if header is None:
        raise CommandError(f"{path}: the file is empty.")
    return header, rows, numbers


class Command(BaseCommand):
    help = (
        "Survey estimates. 'estimate' computes a weighted proportion of a 0/1 (yes/no) column with its "
        "Taylor-linearised standard error, logit or Korn-Graubard interval, design effect and domain "
        "estimates, for a stratified sample with weights and finite-population correction, as R's survey "
        "package does, and writes them as JSON. A file with any problem writes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        estimate = actions.add_parser("estimate", help="estimate a proportion from a file of responses")
        estimate.add_argument("--responses", required=True, help="CSV (UTF-8 or CP949) or XLSX, one respondent a row")
        estimate.add_argument("--y", required=True, help="the answer column: 1/0, yes/no, true/false, 예/아니오")
        estimate.add_argument("--stratum", help="the stratum column (default: one stratum)")
        estimate.add_argument(
            "--weight", help="the weight column (default: N_h/n_h from --fpc, else 1 for everyone, as svydesign)"
        )
        estimate.add_argument("--fpc", help="the column of the stratum's population size N_h")
        estimate.add_argument("--domain", help="a column to estimate each value of separately (svyby)")
        estimate.add_argument(
            "--ci",
            choices=[method.value for method in IntervalMethod],
            default=IntervalMethod.LOGIT.value,
            help="interval: logit (default) or korn-graubard (R's svyciprop method='beta')",
        )
        estimate.add_argument("--level", type=float, default=0.95, help="confidence level (default 0.95)")
        estimate.add_argument(
            "--lonely",
            choices=[mode.value for mode in LonelyStratum],
            default=LonelyStratum.FAIL.value,
            help="a stratum with one respondent: fail (default: refuse, naming it), or R's survey.lonely.psu "
            "treatments adjust, certainty, remove, average",
        )
        estimate.add_argument(
            "--drop-missing",
            action="store_true",
            help="estimate over the rows that have an answer (R's na.rm=TRUE); without it, rows with an empty "
            "or NA answer are refused",
        )
        estimate.add_argument("--out", required=True, help="where to write the result (JSON)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["responses"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        if not 0.5 <= options["level"] < 1:
            raise CommandError("--level must be at least 0.5 and below 1, such as 0.95.")
        try:
            header, rows, numbers = read_table(path)
        except TableRefused as refusal:
            raise CommandError(f"{path}: {refusal}") from None
        try:
            table = responses_table(
                header,
                rows,
                y=options["y"],
                stratum=options["stratum"],
                weight=options["weight"],
                fpc=options["fpc"],
                domain=options["domain"],
                drop_missing=options["drop_missing"],
                lonely=LonelyStratum(options["lonely"]),
                row_numbers=numbers,
            )
        except DesignError as error:
            for problem in error.problems:
                self.stderr.write(problem.text)
            if any(problem.code == "lonely_stratum" for problem in error.problems):
                self.stderr.write(
                    "For single-respondent strata, --lonely adjust|certainty|remove|average applies R's treatment."
                )
            raise CommandError(f"{path}: {len(error.problems)} problem(s); nothing was written.") from None
        estimate = table.estimate(method=IntervalMethod(options["ci"]), level=options["level"])
        result = estimate_to_json(estimate)
        _write_atomically(Path(options["out"]), result)
        self.stdout.write(
            f"estimate {result['estimate']:.6f} (se {result['se']:.6f}), n = {result['n']}, "
            f"{len(result['domains'])} domains -> {options['out']}"
        )
