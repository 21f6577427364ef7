"""Between an uploaded file and the synthesis engine: limits from the settings, refusals in words the
owner can act on, the profile of each column, and the table as the engine gets it (personal data dropped
or pseudonymised, kinds as the owner chose). Shared by the web pages, the background tasks and
``foster datalab synth``."""

from __future__ import annotations

from collections import Counter
from typing import IO, Any

import numpy as np
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from foster.datalab.choices import PersonalDataHandling, PersonalDataKind
from foster.datalab.personal_data import DEFAULT_HANDLING, detect_column, pseudonym
from foster.engines.synthesis import (
    CellError,
    ColumnKind,
    RawTable,
    ReadLimits,
    RuleError,
    SynthesisError,
    Table,
    TableRefusal,
    choose_target,
    column_from_text,
    column_to_text,
    infer_kind,
    read_table,
)

TOP_VALUES = 5
MASK = "•••"


def read_limits() -> ReadLimits:
    return ReadLimits(
        max_bytes=settings.DATALAB_MAX_UPLOAD_BYTES,
        max_rows=settings.DATALAB_MAX_ROWS,
        max_columns=settings.DATALAB_MAX_COLUMNS,
        min_rows=settings.DATALAB_MIN_ROWS,
    )


def _size(size: int) -> str:
    return str(filesizeformat(size))


def refusal_message(error: TableRefusal) -> str:
    """What is wrong with the file and what to do, in the user's language."""
    params = error.params
    code = error.code
    if code == "empty":
        return _("The file is empty or has no data rows under its header. Upload a table with a header row and data.")
    if code == "too_large":
        return _("The file is %(size)s; the LAB takes files of up to %(limit)s. Split it or upload fewer rows.") % {
            "size": _size(params["size"]),
            "limit": _size(params["limit"]),
        }
    if code == "binary":
        return _(
            "This is not a table: its content is binary (an image, a document or a program), whatever its name "
            "says. Upload a CSV, Excel (.xlsx) or Parquet file."
        )
    if code == "encoding":
        return _(
            "The text is neither UTF-8 nor CP949/EUC-KR, so its letters cannot be read. In Excel, use Save As "
            "and choose “CSV UTF-8 (comma delimited)” or “Excel Workbook (.xlsx)”."
        )
    if code == "single_column":
        return _(
            "Only one column was found. Synthetic data needs at least two columns; if your file has more, "
            "separate them with commas, tabs or semicolons."
        )
    if code == "ragged":
        lines = ", ".join(str(line) for line in params.get("lines", [])[:5])
        return _(
            "Some rows do not have as many cells as the header (line %(lines)s). Check for a missing or "
            "extra separator, or quotes around text that contains commas."
        ) % {"lines": lines}
    if code == "cell_too_long":
        return _(
            "A cell near line %(line)s holds more than %(limit)s characters; a quote is probably left open. "
            "Check the quotes around that line."
        ) % {"line": params["line"], "limit": f"{params['limit']:,}"}
    if code == "too_many_rows":
        return _("The table has more than %(limit)s rows, the most the LAB takes. Upload a sample or split it.") % {
            "limit": f"{params['limit']:,}"
        }
    if code == "too_many_cells":
        return _("The table has more than %(limit)s cells; upload fewer rows or columns.") % {
            "limit": f"{params['limit']:,}"
        }
    if code == "too_few_rows":
        return ngettext(
            "The table has only %(rows)s data row; synthesis needs at least %(limit)s.",
            "The table has only %(rows)s data rows; synthesis needs at least %(limit)s.",
            params["rows"],
        ) % {"rows": params["rows"], "limit": params["limit"]}
    if code == "too_many_columns":
        return _("The table has %(columns)s columns; the LAB takes up to %(limit)s.") % {
            "columns": params["columns"],
            "limit": params["limit"],
        }
    if code == "workbook":
        return _("The file could not be read as an Excel workbook. Open it in Excel and save it again as .xlsx or CSV.")
    if code == "parquet":
        return _("The file could not be read as a Parquet file. Export it again, or upload CSV or .xlsx.")
    return _("The file could not be read as a table.")


def read_upload(stream: IO[bytes]) -> RawTable:
    """Read an uploaded table within the LAB's limits; raises ``TableRefusal``."""
    return read_table(stream, read_limits())


def _summary(cells: list[str], kind: ColumnKind, is_personal: bool) -> dict[str, Any]:
    column = column_from_text("x", cells, kind)
    missing = int(column.missing_mask().sum())
    written = column_to_text(column)
    counts = Counter(text for text in written if text)
    summary: dict[str, Any] = {"missing": missing, "distinct": len(counts)}
    if kind in (ColumnKind.NUMBER, ColumnKind.INTEGER, ColumnKind.DATE, ColumnKind.DATETIME) and counts:
        present_mask = ~column.missing_mask()
        values = column.values.astype(float)
        rows = np.flatnonzero(present_mask)
        lowest, highest = rows[np.argmin(values[rows])], rows[np.argmax(values[rows])]
        summary.update(minimum=written[lowest], maximum=written[highest])
        if kind in (ColumnKind.NUMBER, ColumnKind.INTEGER):
            summary["mean"] = f"{values[rows].mean():,.{max(2, column.text_format.decimals)}f}"
    elif kind != ColumnKind.IDENTIFIER:
        summary["top"] = [[MASK if is_personal else text, count] for text, count in counts.most_common(TOP_VALUES)]
    return summary


def column_settings(raw: RawTable) -> list[dict[str, Any]]:
    """Per column: the inferred kind, personal data found and its default handling, and a summary."""
    settings_list: list[dict[str, Any]] = []
    for name, cells in zip(raw.header, raw.columns, strict=True):
        kind = infer_kind(cells)
        finding = detect_column(name, cells)
        handling = DEFAULT_HANDLING[finding.kind] if finding else ""
        if finding and handling != PersonalDataHandling.KEEP:
            kind = ColumnKind.CATEGORY if kind != ColumnKind.IDENTIFIER else kind
        settings_list.append(
            {
                "name": name,
                "inferred_kind": kind.value,
                "kind": kind.value,
                "personal_data": finding.kind.value if finding else "",
                "personal_data_share": round(finding.share, 3) if finding else 0.0,
                "handling": handling,
                "summary": _summary(cells, kind, finding is not None),
            }
        )
    return settings_list


def prepared_table(raw: RawTable, columns: list[dict[str, Any]], *, key: str) -> Table:
    """The engine's table: dropped columns left out, pseudonymised ones replaced by keyed pseudonyms
    (then an identifier or a category), every kind as chosen. Raises ``CellError`` when a cell does not
    fit a kind the owner chose."""
    by_name = {column["name"]: column for column in columns}
    built = []
    for name, cells in zip(raw.header, raw.columns, strict=True):
        setting = by_name.get(name, {})
        handling = setting.get("handling", "")
        if handling == PersonalDataHandling.DROP:
            continue
        kind = ColumnKind(setting.get("kind") or infer_kind(cells))
        if handling == PersonalDataHandling.PSEUDONYMISE:
            cells = [pseudonym(key, cell) for cell in cells]
            kind = kind if kind in (ColumnKind.CATEGORY, ColumnKind.IDENTIFIER) else infer_kind(cells)
        built.append(column_from_text(name, cells, kind))
    return Table(built)


def default_target(table: Table, columns: list[dict[str, Any]]) -> str | None:
    """The column the utility test predicts when the owner named none: as the engine chooses
    (``choose_target``), among the columns that hold no personal data."""
    personal = {column["name"] for column in columns if column.get("personal_data")}
    kept = [name for name in table.names if name not in personal]
    return choose_target(table.select(kept)) if kept else None


def cell_error_message(error: CellError) -> str:
    kind_labels = {
        ColumnKind.NUMBER: _("a number"),
        ColumnKind.INTEGER: _("a whole number"),
        ColumnKind.BOOLEAN: _("yes or no"),
        ColumnKind.DATE: _("a date"),
        ColumnKind.DATETIME: _("a date and time"),
    }
    return _("Column “%(column)s”, row %(row)s: “%(value)s” is not %(kind)s. Choose another kind for the column.") % {
        "column": error.column,
        "row": error.row + 2,
        "value": error.value[:40],
        "kind": kind_labels.get(error.kind, error.kind.value),
    }


def rule_error_message(error: RuleError) -> str:
    if error.code == "unknown_column":
        return _("Rule “%(rule)s”: there is no column “%(column)s”.") % {"rule": error.text, "column": error.detail}
    if error.code == "not_ordered":
        return _("Rule “%(rule)s”: “%(column)s” is not a number or a date, so it has no order.") % {
            "rule": error.text,
            "column": error.detail,
        }
    if error.code == "bad_value":
        return _("Rule “%(rule)s”: “%(value)s” is not a value of that column.") % {
            "rule": error.text,
            "value": error.detail,
        }
    return _(
        "Rule “%(rule)s” could not be read. Write one rule per line, for example “end_date >= start_date” or "
        "“temperature between 0 and 120”."
    ) % {"rule": error.text}


def synthesis_error_message(error: SynthesisError) -> str:
    messages = {
        "condition_column": _("The column “%(detail)s” to oversample does not exist or was dropped."),
        "condition_not_class": _("Oversampling needs a column of categories or yes/no; “%(detail)s” is not one."),
        "condition_share": _("The share to oversample must be between 0 and 1 (for example 0.3 for 30%%)."),
        "condition_value": _("The value “%(detail)s” does not occur in the column to oversample."),
        "condition_with_dp": _("Oversampling is not available with the differential-privacy method."),
        "epsilon": _("ε must be a positive number."),
        "target_column": _("The column “%(detail)s” to predict does not exist or was dropped."),
        "rows": _("Ask for between 1 and 1,000,000 synthetic rows."),
        "too_few_rows": _("The table has too few rows to synthesise."),
        "nothing_to_model": _(
            "Every column is an identifier or free text, so there is nothing to learn. Mark the columns that "
            "hold categories, numbers or dates as such."
        ),
    }
    return messages.get(error.code, _("The synthesis settings cannot be used with this table.")) % {
        "detail": error.detail
    }


def personal_data_label(kind: str) -> str:
    return str(PersonalDataKind(kind).label) if kind else ""
