"""``foster datalab synth --in DATA --out SYNTH.csv``: synthesise a table from the command line, with the
same reading, personal-data treatment, engine and report as the web LAB (docs/datalab.md)."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from foster.datalab.choices import PersonalDataHandling
from foster.datalab.tables import (
    cell_error_message,
    column_settings,
    default_target,
    personal_data_label,
    prepared_table,
    read_upload,
    refusal_message,
    rule_error_message,
    synthesis_error_message,
)
from foster.engines.synthesis import (
    CellError,
    Condition,
    Method,
    RuleError,
    SynthesisError,
    SynthesisOptions,
    TableRefusal,
    parse_rule,
    synthesize,
    table_to_rows,
)


def _write_atomically(path: Path, write: Any) -> None:
    """Write through ``write(stream)`` to a temporary file beside ``path``, then rename it."""
    directory = path.parent if str(path.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            write(stream)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _condition(text: str) -> Condition:
    """``COLUMN=VALUE:SHARE``, e.g. ``defect=Y:0.3``."""
    column, separator, rest = text.partition("=")
    value, colon, share = rest.rpartition(":")
    try:
        number = float(share)
    except ValueError:
        number = -1.0
    if not separator or not colon or not column.strip() or not value.strip() or not 0 < number < 1:
        raise CommandError(_("--condition is COLUMN=VALUE:SHARE with a share between 0 and 1, e.g. defect=Y:0.3."))
    return Condition(column.strip(), value.strip(), number)


class Command(BaseCommand):
    help = (
        "Data creation LAB tools. 'synth' reads a table (CSV in UTF-8 or CP949, XLSX or Parquet), drops or "
        "pseudonymises personal data, writes a synthetic table as UTF-8 CSV and, with --report, the fidelity, "
        "utility and privacy report as JSON. A file that cannot be used is refused with what to fix and nothing "
        "is written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        synth = actions.add_parser("synth", help="synthesise a table")
        synth.add_argument("--in", dest="input", required=True, help="the real table: .csv, .xlsx or .parquet")
        synth.add_argument("--out", required=True, help="where to write the synthetic table (CSV, UTF-8)")
        synth.add_argument("--rows", type=int, default=None, help="synthetic rows (default: as many as the input)")
        synth.add_argument("--method", choices=["cart", "dp"], default="cart", help="cart (default) or dp (MST)")
        synth.add_argument("--epsilon", type=float, default=1.0, help="privacy budget of --method dp (default 1)")
        synth.add_argument("--delta", type=float, default=1e-6, help="δ of --method dp (default 1e-6)")
        synth.add_argument("--seed", type=int, default=None, help="seed (default: random, written in the report)")
        synth.add_argument("--report", default=None, help="where to write the report (JSON)")
        synth.add_argument(
            "--rule", action="append", default=[], help="a business rule, e.g. 'end >= start' (repeatable)"
        )
        synth.add_argument("--condition", default=None, help="oversample: COLUMN=VALUE:SHARE, e.g. defect=Y:0.3")
        synth.add_argument("--target", default=None, help="the column the utility test predicts (default: last)")
        synth.add_argument(
            "--keep-personal-data",
            action="store_true",
            help="do not drop or pseudonymise the personal data found (your decision)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] != "synth":  # pragma: no cover - argparse allows only synth
            raise CommandError(f"unknown action {options['action']}")
        source, out = Path(options["input"]), Path(options["out"])
        report_path = Path(options["report"]) if options["report"] else None
        if not source.is_file():
            raise CommandError(_("There is no file at %(path)s.") % {"path": source})
        for path in (out, report_path):
            if path is not None and str(path.parent) and not path.parent.is_dir():
                raise CommandError(_("The folder %(path)s does not exist.") % {"path": path.parent})
        if options["method"] == "dp" and not options["epsilon"] > 0:
            raise CommandError(_("--epsilon must be a positive number."))
        if options["rows"] is not None and options["rows"] < 1:
            raise CommandError(_("--rows must be at least 1."))
        started = time.perf_counter()
        try:
            with source.open("rb") as stream:
                raw = read_upload(stream)
        except TableRefusal as refusal:
            raise CommandError(refusal_message(refusal)) from None
        columns = column_settings(raw)
        for column in columns:
            if not column["personal_data"]:
                continue
            if options["keep_personal_data"]:
                column["handling"] = PersonalDataHandling.KEEP
            label = personal_data_label(column["personal_data"])
            treatment = {
                PersonalDataHandling.DROP: _("dropped"),
                PersonalDataHandling.PSEUDONYMISE: _("pseudonymised"),
                PersonalDataHandling.KEEP: _("kept at your request"),
            }[column["handling"]]
            self.stderr.write(
                _("Column “%(column)s” looks like %(kind)s: %(treatment)s.")
                % {"column": column["name"], "kind": label, "treatment": treatment}
            )
        try:
            # The pseudonym key is the digest of the whole input: only who holds the original can link a
            # pseudonym back, and the same input and seed give the same output.
            table = prepared_table(raw, columns, key=_file_digest(source))
            rules = tuple(parse_rule(text, table) for text in options["rule"])
        except CellError as error:
            raise CommandError(cell_error_message(error)) from None
        except RuleError as error:
            raise CommandError(rule_error_message(error)) from None
        if table.n_rows < 2 or len(table.columns) < 1:
            raise CommandError(_("Nothing is left to synthesise once personal data is removed."))
        synthesis_options = SynthesisOptions(
            method=Method.DP if options["method"] == "dp" else Method.CART,
            rows=options["rows"],
            seed=options["seed"],
            epsilon=options["epsilon"],
            delta=options["delta"],
            rules=rules,
            condition=_condition(options["condition"]) if options["condition"] else None,
            target=options["target"] or default_target(table, columns),
        )
        try:
            result = synthesize(table, synthesis_options)
        except SynthesisError as error:
            raise CommandError(synthesis_error_message(error)) from None

        def write_table(stream: Any) -> None:
            writer = csv.writer(stream, lineterminator="\n")
            writer.writerow(result.table.names)
            writer.writerows(table_to_rows(result.table))

        report = {
            "input": {
                "file": source.name,
                "format": raw.file_format,
                "encoding": raw.encoding,
                "rows": raw.n_rows,
                "columns": len(raw.header),
            },
            "personal_data": [
                {"column": column["name"], "kind": column["personal_data"], "handling": column["handling"]}
                for column in columns
                if column["personal_data"]
            ],
            "parameters": result.parameters,
            **result.report,
        }
        _write_atomically(out, write_table)
        if report_path is not None:
            _write_atomically(
                report_path, lambda stream: json.dump(report, stream, ensure_ascii=False, indent=1, allow_nan=False)
            )
        fidelity = result.report["fidelity"]
        privacy = result.report["privacy"]
        gate = result.report["gate"]
        self.stdout.write(
            _(
                "%(rows)s synthetic rows written to %(out)s (method %(method)s, seed %(seed)s) in %(seconds).1f s. "
                "Fidelity %(fidelity).3f, 5th-percentile distance ratio %(ratio)s, exact copies %(copies)s; "
                "release gate: %(gate)s."
            )
            % {
                "rows": f"{result.table.n_rows:,}",
                "out": out,
                "method": result.method.value,
                "seed": result.seed,
                "seconds": time.perf_counter() - started,
                "fidelity": fidelity["overall"],
                "ratio": "–" if privacy["dcr_p5_ratio"] is None else f"{privacy['dcr_p5_ratio']:.2f}",
                "copies": privacy["exact_copies"],
                "gate": _("passed") if gate["allowed"] else _("blocked"),
            }
        )
        sys.stdout.flush()
