"""Bulk import of companies from CSV and Excel files: read, check every row, plan, apply.

Reading
    CSV in UTF-8 (with or without a byte-order mark) or CP949/EUC-KR, as Korean Excel saves it,
    and XLSX (the first sheet). The first non-empty row holds the column names, in English (the
    ``Company`` field names) or in Korean (``COLUMNS``). Row numbers are those Excel shows.
Checking
    Each cell is parsed (codes or names, dates in several forms, numbers with thousands
    separators), laid over the existing company with the same registration number (an empty
    cell keeps the current value) and validated by ``CompanyData.validate()``, the validation
    the forms and the API use.
Planning (the dry run)
    Counts of companies to create, update and leave unchanged, each update's changed fields with
    before and after, and every bad row with its column and the reason. A file with any bad row
    imports nothing.
Applying
    All or nothing in one transaction: bulk inserts and updates in batches and one audit event
    summarising the import.

The services here (``company_import_*``) check permissions and are called by the pages, the
background tasks (``foster.registry.tasks``) and ``foster import-companies``.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import islice
from typing import IO, TYPE_CHECKING, Any, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from foster.core.caching import area_changed
from foster.core.csv_files import (
    RowError,
    TableRefused,
    cell_text,
    header_key,
    is_xlsx,
    parse_whole_number,
    rows_from_csv,
    rows_from_xlsx,
)
from foster.core.jobs import job_enqueue
from foster.core.models import Job
from foster.core.services import audit_event_record, job_create, jsonable
from foster.registry.choices import REGION_KOREAN_NAMES, AIAdoption, ImportStatus, Region, SizeClass
from foster.registry.models import Company, CompanyImport
from foster.registry.services import CompanyData
from foster.registry.tasks import company_import_apply_task, company_import_check_task

if TYPE_CHECKING:
    from django.db.models import Field


@dataclass(frozen=True)
class ImportColumn:
    """One column of an import file: the company field, its Korean header, whether a new company needs it."""

    field: str
    korean: str
    is_required: bool


# The one mapping of column names: English headers are the field names, Korean headers as written here.
COLUMNS: tuple[ImportColumn, ...] = (
    ImportColumn("business_registration_number", "사업자등록번호", True),
    ImportColumn("name_ko", "기업명", True),
    ImportColumn("name_en", "영문명", False),
    ImportColumn("ksic_division", "업종코드", True),
    ImportColumn("region", "지역", True),
    ImportColumn("size_class", "기업규모", True),
    ImportColumn("founded_on", "설립일", True),
    ImportColumn("employees", "종업원수", False),
    ImportColumn("revenue_krw", "매출액", False),
    ImportColumn("ai_adoption", "AI도입현황", False),
)
FIELDS: tuple[str, ...] = tuple(column.field for column in COLUMNS)
COMPARED_FIELDS: tuple[str, ...] = (*FIELDS, "ksic_section")
KOREAN_HEADERS: dict[str, str] = {column.field: column.korean for column in COLUMNS}

# Region names people write besides the codes and the official names in REGION_KOREAN_NAMES:
# short forms and names in use before the special self-governing provinces were created.
REGION_ALIASES: dict[str, tuple[str, ...]] = {
    "seoul": ("서울", "서울시"),
    "busan": ("부산", "부산시"),
    "daegu": ("대구", "대구시"),
    "incheon": ("인천", "인천시"),
    "gwangju": ("광주", "광주광역시"),
    "daejeon": ("대전", "대전시"),
    "ulsan": ("울산", "울산시"),
    "sejong": ("세종", "세종시"),
    "gyeonggi": ("경기",),
    "gangwon": ("강원", "강원도"),
    "chungbuk": ("충북",),
    "chungnam": ("충남",),
    "jeonbuk": ("전북", "전라북도"),
    "jeonnam": ("전남",),
    "gyeongbuk": ("경북",),
    "gyeongnam": ("경남",),
    "jeju": ("제주", "제주도"),
}
SIZE_CLASS_ALIASES: dict[str, tuple[str, ...]] = {
    "startup": ("스타트업", "창업기업"),
    "small": ("소기업",),
    "medium": ("중기업",),
    "mid_sized": ("중견기업",),
    "large": ("대기업",),
}
AI_ADOPTION_ALIASES: dict[str, tuple[str, ...]] = {
    "none": ("미도입", "미활용"),
    "exploring": ("탐색",),
    "piloting": ("시범도입",),
    "in_use": ("활용",),
    "ai_provider": ("AI공급기업",),
}

UPDATE_PREVIEW_LIMIT = 100  # updates stored with before and after for the result page
CREATE_PREVIEW_LIMIT = 20
STORED_ERROR_LIMIT = 10_000  # the CLI prints every error; the page keeps this many
MAX_FILE_BYTES = 200 * 1024 * 1024
WRITE_BATCH_SIZE = 2_000
LOOKUP_BATCH_SIZE = 900  # registration numbers per IN (...) query; below SQLite's 999 parameters
PROGRESS_EVERY = 2_000  # rows between progress reports
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")  # escaped with ' on export (CSV injection)

STAGES = ("read", "check", "write")
ImportProgress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``: ``stage`` is one of STAGES, ``done`` and ``total`` count rows."""


ImportRefused = TableRefused  # the import cannot go ahead; the message says what to do


@dataclass(frozen=True)
class FieldChange:
    field: str
    column: str
    before: Any
    after: Any


@dataclass(frozen=True)
class RowChange:
    """A company the file changes, with each changed field before and after."""

    row: int
    business_registration_number: str
    name_ko: str
    changes: tuple[FieldChange, ...]


@dataclass
class ImportPlan:
    """What importing a file does, or would do: counts, changes and errors."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    updates: list[RowChange] = field(default_factory=list)
    creates: list[tuple[int, str, str]] = field(default_factory=list)  # (row, registration number, name)

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def error_rows(self) -> int:
        return len({error.row for error in self.errors})

    def as_json(self) -> dict[str, Any]:
        """The plan as stored on the import (previews and errors cut to their limits)."""
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "error_count": len(self.errors),
            "error_rows": self.error_rows,
            "errors": [error.as_json() for error in self.errors[:STORED_ERROR_LIMIT]],
            "updates": [
                {
                    "row": change.row,
                    "business_registration_number": change.business_registration_number,
                    "name_ko": change.name_ko,
                    "changes": [
                        {
                            "field": item.field,
                            "column": item.column,
                            "before": jsonable(item.before),
                            "after": jsonable(item.after),
                        }
                        for item in change.changes
                    ],
                }
                for change in self.updates[:UPDATE_PREVIEW_LIMIT]
            ],
            "creates": [
                {"row": row, "business_registration_number": number, "name_ko": name}
                for row, number, name in self.creates[:CREATE_PREVIEW_LIMIT]
            ],
        }


@dataclass
class _Row:
    number: int
    key: str  # registration number without dashes or spaces, for matching and duplicates
    values: dict[str, Any]  # parsed non-empty cells
    raw: dict[str, str]  # cell text, quoted back in error messages
    unreadable: frozenset[str] = frozenset()  # fields whose cell could not be parsed (already reported)


@dataclass
class _Table:
    rows: list[_Row] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)  # field -> column name as the file writes it
    positions: dict[str, int] = field(default_factory=dict)  # column name -> its place in the file
    errors: list[RowError] = field(default_factory=list)


def batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """``items`` in lists of ``size`` (itertools.batched arrives only in Python 3.12)."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


# --- Reading ---------------------------------------------------------------------------------


@cache
def _header_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for column in COLUMNS:
        lookup[header_key(column.field)] = column.field
        lookup[header_key(column.korean)] = column.field
    return lookup


def read_company_file(
    handle: IO[bytes],
    *,
    filename: str,
    max_rows: int | None = None,
    progress: ImportProgress | None = None,
) -> _Table:
    """Read a CSV or XLSX file into parsed rows; problems go into ``errors`` (nothing raises for a bad row).

    Raises ImportRefused when the file as a whole cannot be read (encoding, not a workbook).
    """
    max_rows = settings.FOSTER_IMPORT_MAX_ROWS if max_rows is None else max_rows
    extension = os.path.splitext(filename)[1].lower()
    head = handle.read(8)
    handle.seek(0)
    if extension == ".xls" or head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportRefused(
            _("Old Excel files (.xls) cannot be read. In Excel, use Save As and choose “Excel Workbook (.xlsx)”.")
        )
    close: Callable[[], None] = lambda: None  # noqa: E731
    try:
        if is_xlsx(head):
            records, total, close = rows_from_xlsx(handle)
        else:
            records, total = rows_from_csv(handle.read())
        return _table_from_records(records, total=total, max_rows=max_rows, progress=progress)
    except csv.Error as error:
        raise ImportRefused(
            _("The CSV file is malformed (%(reason)s). Open it in Excel and save it again as CSV.") % {"reason": error}
        ) from None
    finally:
        close()


def _table_from_records(
    records: Iterator[Sequence[Any]], *, total: int, max_rows: int, progress: ImportProgress | None
) -> _Table:
    table = _Table()
    if progress:
        progress("read", 0, total)
    header_number = 0
    number = 0
    columns: list[tuple[int, str]] = []
    for number, cells in enumerate(records, start=1):
        if not header_number:
            if not any(cell_text(cell) for cell in cells):
                continue
            header_number = number
            columns = _read_header(cells, number, table)
            if table.errors:
                return table
            continue
        values: dict[str, Any] = {}
        raw: dict[str, str] = {}
        unreadable: set[str] = set()
        for index, field_name in columns:
            cell = cells[index] if index < len(cells) else None
            text = cell_text(cell)
            if not text:
                continue
            raw[field_name] = text
            try:
                values[field_name] = PARSERS[field_name](cell, text)
            except ValidationError as error:
                unreadable.add(field_name)
                table.errors.append(RowError(number, table.labels[field_name], text[:100], error.messages[0]))
        if not raw:
            continue  # an empty row
        if len(table.rows) >= max_rows:
            table.errors.append(
                RowError(
                    None,
                    "",
                    "",
                    _("The file has more than %(limit)s rows. Split it into files of at most %(limit)s rows each.")
                    % {"limit": f"{max_rows:,}"},
                )
            )
            return table
        key = "".join(raw.get("business_registration_number", "").split()).replace("-", "")
        table.rows.append(_Row(number=number, key=key, values=values, raw=raw, unreadable=frozenset(unreadable)))
        if progress and number % PROGRESS_EVERY == 0:
            progress("read", number - header_number, max(total - header_number, number - header_number))
    if not header_number:
        table.errors.append(
            RowError(None, "", "", _("The file is empty. Put the column names in row 1 and one company per row."))
        )
    if progress:
        done = max(0, number - header_number) if header_number else 0
        progress("read", done, done)
    return table


def _read_header(cells: Sequence[Any], number: int, table: _Table) -> list[tuple[int, str]]:
    lookup = _header_lookup()
    columns: list[tuple[int, str]] = []
    is_korean = False
    for index, cell in enumerate(cells):
        text = cell_text(cell).replace("\ufeff", "")
        if not text:
            continue
        field_name = lookup.get(header_key(text))
        if field_name is None:
            table.errors.append(
                RowError(
                    number,
                    text,
                    text,
                    _(
                        "“%(column)s” is not a column Foster knows. Rename it to one of: %(known)s "
                        "(or the English names %(english)s), or delete the column."
                    )
                    % {"column": text, "known": ", ".join(KOREAN_HEADERS.values()), "english": ", ".join(FIELDS)},
                )
            )
            continue
        if field_name in table.labels:
            table.errors.append(
                RowError(
                    number,
                    text,
                    text,
                    _("The column “%(column)s” appears twice (also as “%(other)s”); keep only one of them.")
                    % {"column": text, "other": table.labels[field_name]},
                )
            )
            continue
        is_korean = is_korean or text == KOREAN_HEADERS[field_name]
        table.labels[field_name] = text
        table.positions[text] = index
        columns.append((index, field_name))
    for column in COLUMNS:
        if column.is_required and column.field not in table.labels:
            label = column.korean if is_korean else column.field
            table.errors.append(
                RowError(
                    number,
                    label,
                    "",
                    _("Add a column “%(column)s”: every company needs it.") % {"column": label},
                )
            )
    for column in COLUMNS:
        table.labels.setdefault(column.field, column.korean if is_korean else column.field)
    return columns


# --- Cell parsers: (cell as read, its text) -> value, or ValidationError saying what to write --


def _parse_registration_number(cell: Any, text: str) -> str:
    return text  # validated with the rest of the row by CompanyData.validate()


_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def _parse_text(cell: Any, text: str) -> str:
    if _CONTROL_CHARACTERS.search(text):
        raise ValidationError(_("Remove the line breaks, tabs and other control characters from this name."))
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_PREFIXES:
        return text[1:]  # written by our own export to stop spreadsheets running it as a formula
    return text


def _parse_ksic(cell: Any, text: str) -> str:
    if text.isdigit() and len(text) == 1:
        return "0" + text  # Excel drops the leading zero of divisions 01..09
    return text


def _choice_key(text: str) -> str:
    return "".join(text.split()).lower()


@cache
def _choice_lookup(kind: str) -> dict[str, str]:
    choices: Any = {"region": Region, "size_class": SizeClass, "ai_adoption": AIAdoption}[kind]
    aliases = {"region": REGION_ALIASES, "size_class": SIZE_CLASS_ALIASES, "ai_adoption": AI_ADOPTION_ALIASES}[kind]
    lookup: dict[str, str] = {}
    for language in ("en", "ko"):
        with translation.override(language):
            for value, label in choices.choices:
                lookup[_choice_key(str(label))] = value
    for value, names in aliases.items():
        for name in names:
            lookup[_choice_key(name)] = value
    if kind == "region":
        for value, name in REGION_KOREAN_NAMES.items():
            lookup[_choice_key(name)] = value
    for value in choices.values:
        lookup[_choice_key(value)] = value
    return lookup


def _parse_region(cell: Any, text: str) -> str:
    value = _choice_lookup("region").get(_choice_key(text))
    if value is None:
        raise ValidationError(
            _(
                "“%(value)s” is not one of the 17 regions. Write its name, such as 서울특별시 or 경기도, "
                "or its code, such as seoul."
            )
            % {"value": text}
        )
    return value


def _parse_size_class(cell: Any, text: str) -> str:
    value = _choice_lookup("size_class").get(_choice_key(text))
    if value is None:
        raise ValidationError(
            _("“%(value)s” is not a size class. Write one of: %(codes)s.")
            % {"value": text, "codes": ", ".join(SizeClass.values)}
        )
    return value


def _parse_ai_adoption(cell: Any, text: str) -> str:
    value = _choice_lookup("ai_adoption").get(_choice_key(text))
    if value is None:
        raise ValidationError(
            _("“%(value)s” is not an AI adoption status. Write one of: %(codes)s.")
            % {"value": text, "codes": ", ".join(AIAdoption.values)}
        )
    return value


_DATE_PATTERN = re.compile(r"^(\d{4})\s*[-./]\s*(\d{1,2})\s*[-./]\s*(\d{1,2})\.?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def _parse_date(cell: Any, text: str) -> dt.date:
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    match = _DATE_PATTERN.match(text)
    if match:
        year, month, day = (int(part) for part in match.groups())
    elif len(text) == 8 and text.isdigit():
        year, month, day = int(text[:4]), int(text[4:6]), int(text[6:])
    elif isinstance(cell, int | float) and 0 < cell < 2_958_466:
        return _EXCEL_EPOCH + dt.timedelta(days=int(cell))  # an Excel date serial without a date format
    else:
        year = month = day = 0
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValidationError(
            _("“%(value)s” is not a date. Write it as YYYY-MM-DD, for example 2020-03-01.") % {"value": text}
        ) from None


PARSERS: dict[str, Callable[[Any, str], Any]] = {
    "business_registration_number": _parse_registration_number,
    "name_ko": _parse_text,
    "name_en": _parse_text,
    "ksic_division": _parse_ksic,
    "region": _parse_region,
    "size_class": _parse_size_class,
    "founded_on": _parse_date,
    "employees": parse_whole_number,
    "revenue_krw": parse_whole_number,
    "ai_adoption": _parse_ai_adoption,
}


# --- Checking and planning -------------------------------------------------------------------

# What a new company gets for a column the file leaves out or empty; required columns stay empty
# so that validation names them.
_NEW_COMPANY: dict[str, Any] = {
    "business_registration_number": "",
    "name_ko": "",
    "name_en": "",
    "ksic_division": "",
    "region": "",
    "size_class": "",
    "founded_on": None,
    "employees": 0,
    "revenue_krw": 0,
    "ai_adoption": AIAdoption.NONE.value,
}


@dataclass
class _Outcome:
    kind: str  # "create", "update", "unchanged" or "error"
    cleaned: dict[str, Any] | None = None
    pk: int | None = None
    changes: tuple[FieldChange, ...] = ()
    errors: list[RowError] = field(default_factory=list)


def _existing_companies(keys: Iterable[str], *, lock: bool = False) -> dict[str, dict[str, Any]]:
    """Current values of the registered companies among ``keys``, by registration number."""
    numbers = sorted({key for key in keys if len(key) == 10 and key.isdigit()})
    existing: dict[str, dict[str, Any]] = {}
    for chunk in batched(numbers, LOOKUP_BATCH_SIZE):
        queryset = Company.objects.filter(business_registration_number__in=chunk)
        if lock:
            queryset = queryset.select_for_update()
        for values in queryset.values("pk", *COMPARED_FIELDS):
            existing[values["business_registration_number"]] = values
    return existing


def _resolve(row: _Row, existing: dict[str, Any] | None, labels: dict[str, str]) -> _Outcome:
    merged = dict(_NEW_COMPANY) if existing is None else {name: existing[name] for name in FIELDS}
    merged.update(row.values)
    try:
        cleaned = CompanyData(**merged).validate()
    except ValidationError as error:
        return _Outcome(
            "error",
            errors=[
                RowError(row.number, labels[name], row.raw.get(name, "")[:100], message)
                for name, messages in error.message_dict.items()
                if name not in row.unreadable
                for message in messages
            ],
        )
    if existing is None:
        return _Outcome("create", cleaned=cleaned)
    changes = [
        FieldChange(name, labels[name], existing[name], cleaned[name])
        for name in FIELDS
        if existing[name] != cleaned[name]
    ]
    # The KSIC section follows the division; it is listed only if it was out of step on its own.
    if existing["ksic_section"] != cleaned["ksic_section"] and existing["ksic_division"] == cleaned["ksic_division"]:
        changes.append(FieldChange("ksic_section", "ksic_section", existing["ksic_section"], cleaned["ksic_section"]))
    if not changes:
        return _Outcome("unchanged", pk=existing["pk"])
    return _Outcome("update", cleaned=cleaned, pk=existing["pk"], changes=tuple(changes))


def _check(
    table: _Table, existing: dict[str, dict[str, Any]], progress: ImportProgress | None
) -> tuple[list[_Outcome], list[RowError]]:
    """Resolve every row against ``existing``; errors include duplicates within the file."""
    outcomes: list[_Outcome] = []
    errors: list[RowError] = []
    first_row_of: dict[str, int] = {}
    total = len(table.rows)
    if progress:
        progress("check", 0, total)
    label = table.labels["business_registration_number"]
    for done, row in enumerate(table.rows, start=1):
        outcome = _resolve(row, existing.get(row.key), table.labels)
        if row.key:
            if row.key in first_row_of:
                outcome.kind = "error"
                outcome.errors.append(
                    RowError(
                        row.number,
                        label,
                        row.raw.get("business_registration_number", ""),
                        _(
                            "This registration number is also on row %(row)s. Each company may appear only once "
                            "in a file: delete or merge one of the two rows."
                        )
                        % {"row": first_row_of[row.key]},
                    )
                )
            else:
                first_row_of[row.key] = row.number
        outcomes.append(outcome)
        errors.extend(outcome.errors)
        if progress and done % PROGRESS_EVERY == 0:
            progress("check", done, total)
    if progress:
        progress("check", total, total)
    return outcomes, errors


def _plan_from(table: _Table, outcomes: list[_Outcome], errors: list[RowError]) -> ImportPlan:
    def order(error: RowError) -> tuple[int, int]:  # as the file reads: by row, then left to right
        return (error.row or 0, table.positions.get(error.column, len(table.positions)))

    plan = ImportPlan(rows=len(table.rows), errors=sorted([*table.errors, *errors], key=order))
    for row, outcome in zip(table.rows, outcomes, strict=True):
        if outcome.kind == "create":
            plan.created += 1
            assert outcome.cleaned is not None
            plan.creates.append(
                (row.number, outcome.cleaned["business_registration_number"], outcome.cleaned["name_ko"])
            )
        elif outcome.kind == "update":
            plan.updated += 1
            assert outcome.cleaned is not None
            plan.updates.append(
                RowChange(
                    row.number,
                    outcome.cleaned["business_registration_number"],
                    outcome.cleaned["name_ko"],
                    outcome.changes,
                )
            )
        elif outcome.kind == "unchanged":
            plan.unchanged += 1
    return plan


def plan_company_file(
    handle: IO[bytes], *, filename: str, progress: ImportProgress | None = None
) -> tuple[ImportPlan, _Table, list[_Outcome], dict[str, dict[str, Any]]]:
    """Read and check a file against the registry as it is now; changes nothing."""
    table = read_company_file(handle, filename=filename, progress=progress)
    if table.errors and not table.rows:
        return ImportPlan(errors=table.errors), table, [], {}
    existing = _existing_companies(row.key for row in table.rows)
    outcomes, errors = _check(table, existing, progress)
    return _plan_from(table, outcomes, errors), table, outcomes, existing


def _write(table: _Table, outcomes: list[_Outcome], progress: ImportProgress | None) -> tuple[int, int]:
    """Insert and update in batches; call inside the import's transaction."""
    now = timezone.now()
    creates = [outcome.cleaned for outcome in outcomes if outcome.kind == "create" and outcome.cleaned]
    updates = [(outcome.pk, outcome.cleaned) for outcome in outcomes if outcome.kind == "update" and outcome.cleaned]
    total = len(creates) + len(updates)
    done = 0
    if progress:
        progress("write", 0, total)
    for batch in batched(creates, WRITE_BATCH_SIZE):
        company_rows_insert(batch, now=now)
        done += len(batch)
        if progress:
            progress("write", done, total)
    for update_batch in batched(updates, WRITE_BATCH_SIZE):
        company_rows_update(update_batch, now=now)
        done += len(update_batch)
        if progress:
            progress("write", done, total)
    if progress:
        progress("write", total, total)
    return len(creates), len(updates)


# The import writes validated rows straight to the table: COPY on PostgreSQL, one prepared statement
# run for many rows (executemany) elsewhere. Django's bulk_create spends most of its time converting
# each value again, and bulk_update builds a CASE over the whole batch for every column; both are
# several times slower on 100,000 rows (see bench/README.md, which measures bulk_create beside this).
_INSERT_FIELDS = (*COMPARED_FIELDS, "created_at", "updated_at")
_UPDATE_FIELDS = (*COMPARED_FIELDS, "updated_at")


def _field(name: str) -> Field[Any, Any]:
    return cast("Field[Any, Any]", Company._meta.get_field(name))


def _row_values(values: dict[str, Any], names: Sequence[str], timestamp: Any) -> list[Any]:
    """Database values of one validated row: dates adapted for the backend, timestamps given."""
    adapt_date = connection.ops.adapt_datefield_value
    row: list[Any] = []
    for name in names:
        if name in {"created_at", "updated_at"}:
            row.append(timestamp)
        elif name == "founded_on":
            row.append(adapt_date(values[name]))
        else:
            row.append(values[name])  # validated str or int: nothing to convert
    return row


def company_rows_insert(rows: Sequence[dict[str, Any]], *, now: dt.datetime) -> None:
    """Insert validated companies (``CompanyData.validate()`` output); call inside a transaction."""
    quote = connection.ops.quote_name
    timestamp = _field("created_at").get_db_prep_save(now, connection)
    columns = ", ".join(quote(_field(name).column) for name in _INSERT_FIELDS)
    table_name = quote(Company._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table_name} ({columns}) FROM STDIN") as copy:
                for values in rows:
                    copy.write_row(_row_values(values, _INSERT_FIELDS, timestamp))
            return
        placeholders = ", ".join(["%s"] * len(_INSERT_FIELDS))
        # Identifiers come from the model and are quoted by the backend; every value is a parameter.
        statement = f"INSERT INTO {table_name} ({columns}) VALUES ({placeholders})"  # noqa: S608  # nosec B608  # identifiers from the model, quoted; values are parameters
        cursor.executemany(statement, [_row_values(values, _INSERT_FIELDS, timestamp) for values in rows])


def company_rows_update(rows: Sequence[tuple[Any, dict[str, Any]]], *, now: dt.datetime) -> None:
    """Overwrite companies by primary key with validated values; call inside a transaction.

    On PostgreSQL the rows are copied into a temporary table and applied by one UPDATE ... FROM.
    """
    quote = connection.ops.quote_name
    timestamp = _field("updated_at").get_db_prep_save(now, connection)
    table_name = quote(Company._meta.db_table)
    primary_key = quote(Company._meta.pk.column)
    columns = [quote(_field(name).column) for name in _UPDATE_FIELDS]
    # Identifiers come from the model and are quoted by the backend; every value is a parameter.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            staging = quote("foster_company_import_update")
            column_list = ", ".join(columns)
            cursor.execute(
                f"CREATE TEMPORARY TABLE IF NOT EXISTS {staging} ON COMMIT DROP AS "  # noqa: S608  # nosec B608  # identifiers from the model, quoted; no values
                f"SELECT {primary_key}, {column_list} FROM {table_name} WITH NO DATA"
            )
            cursor.execute(f"TRUNCATE {staging}")
            with cursor.copy(f"COPY {staging} ({primary_key}, {column_list}) FROM STDIN") as copy:
                for pk, values in rows:
                    copy.write_row([pk, *_row_values(values, _UPDATE_FIELDS, timestamp)])
            assignments = ", ".join(f"{column} = staging.{column}" for column in columns)
            cursor.execute(
                f"UPDATE {table_name} AS company SET {assignments} FROM {staging} AS staging "  # noqa: S608  # nosec B608  # identifiers from the model, quoted; no values
                f"WHERE company.{primary_key} = staging.{primary_key}"
            )
            return
        assignments = ", ".join(f"{column} = %s" for column in columns)
        statement = f"UPDATE {table_name} SET {assignments} WHERE {primary_key} = %s"  # noqa: S608  # nosec B608  # identifiers from the model, quoted; values are parameters
        cursor.executemany(statement, [[*_row_values(values, _UPDATE_FIELDS, timestamp), pk] for pk, values in rows])


# --- Services ----------------------------------------------------------------------------------


def _check_may_import(user: Any) -> None:
    """``user`` None is an operator at the command line, outside the web's roles."""
    if user is not None and not user.has_perm("registry.import_companies"):
        raise PermissionDenied(_("Only agency officials may import companies."))


def company_import_create(*, user: Any, file: IO[bytes], filename: str, language: str) -> CompanyImport:
    """Store an uploaded company file (under MEDIA_ROOT) as a new import waiting for its check.

    Raises ValidationError when the file is not a CSV or XLSX file or is too large.
    """
    _check_may_import(user)
    name = os.path.basename(filename) or "companies.csv"
    extension = os.path.splitext(name)[1].lower()
    if extension == ".xls":
        raise ValidationError(
            _("Old Excel files (.xls) cannot be read. In Excel, use Save As and choose “Excel Workbook (.xlsx)”.")
        )
    if extension not in {".csv", ".txt", ".xlsx"}:
        raise ValidationError(_("Upload a CSV or Excel (.xlsx) file; “%(name)s” is neither.") % {"name": name})
    wrapped = File(file, name=name)
    if wrapped.size > MAX_FILE_BYTES:
        raise ValidationError(
            _("The file is larger than %(limit)s MB. Split it into smaller files.")
            % {"limit": MAX_FILE_BYTES // (1024 * 1024)}
        )
    digest = hashlib.sha256()
    for chunk in wrapped.chunks():
        digest.update(chunk)
    wrapped.seek(0)
    company_import = CompanyImport(
        owner=user if getattr(user, "is_authenticated", False) else None,
        original_name=name[:255],
        sha256=digest.hexdigest(),
        language=language,
    )
    company_import.file.save(name, wrapped, save=False)
    company_import.save()
    return company_import


def company_import_check(
    *, user: Any, company_import: CompanyImport, progress: ImportProgress | None = None
) -> ImportPlan:
    """The dry run: read and check the file, store the plan, change no company.

    Raises ImportRefused when the file cannot be read at all (the import is marked failed).
    """
    _check_may_import(user)
    try:
        with company_import.file.open("rb") as handle:
            plan, _table, _outcomes, _existing = plan_company_file(
                handle, filename=company_import.original_name, progress=progress
            )
    except ImportRefused as error:
        _mark(company_import, ImportStatus.FAILED, {"file_error": str(error)})
        raise
    _mark(company_import, ImportStatus.READY if plan.is_valid else ImportStatus.INVALID, plan.as_json())
    return plan


def company_import_apply(
    *, user: Any, company_import: CompanyImport, progress: ImportProgress | None = None
) -> ImportPlan:
    """Check the file again and, if every row is valid, apply it: all or nothing, in one transaction.

    Takes row locks on the import and (on PostgreSQL) on the companies the file updates, so that a
    change made meanwhile is seen before writing. Writes one audit event summarising the import.
    Raises ImportRefused when the file was already imported or cannot be read.
    """
    _check_may_import(user)
    if company_import.status == ImportStatus.APPLIED:
        raise ImportRefused(_("This file has already been imported."))
    try:
        with company_import.file.open("rb") as handle:
            plan, table, outcomes, existing = plan_company_file(
                handle, filename=company_import.original_name, progress=progress
            )
    except ImportRefused as error:
        _mark(company_import, ImportStatus.FAILED, {"file_error": str(error)})
        raise
    if not plan.is_valid:
        _mark(company_import, ImportStatus.INVALID, plan.as_json())
        return plan
    try:
        with transaction.atomic():
            locked = CompanyImport.objects.select_for_update().get(pk=company_import.pk)
            if locked.status == ImportStatus.APPLIED:
                raise ImportRefused(_("This file has already been imported."))
            current = _existing_companies((row.key for row in table.rows), lock=True)
            if current != existing:  # someone changed or added one of these companies since the check
                outcomes, errors = _check(table, current, None)
                plan = _plan_from(table, outcomes, errors)
                if not plan.is_valid:
                    _mark(locked, ImportStatus.INVALID, plan.as_json())
                    company_import.refresh_from_db()
                    return plan
            created, updated = _write(table, outcomes, progress)
            summary = {
                "file": company_import.original_name,
                "sha256": company_import.sha256,
                "rows": plan.rows,
                "created": created,
                "updated": updated,
                "unchanged": plan.unchanged,
            }
            audit_event_record(actor=user, action="company.import", target=locked, changes=summary)
            area_changed("registry")
            locked.applied_at = timezone.now()
            _mark(locked, ImportStatus.APPLIED, plan.as_json(), extra_fields=["applied_at"])
    except IntegrityError:
        message = _(
            "A company in this file was registered by someone else while the file was being imported, "
            "so nothing was imported. Check the file again and apply it."
        )
        _mark(company_import, ImportStatus.FAILED, {**plan.as_json(), "file_error": message})
        raise ImportRefused(message) from None
    company_import.refresh_from_db()
    return plan


def company_import_check_enqueue(*, user: Any, company_import: CompanyImport) -> Job:
    """Queue the dry run in the background; the returned job shows its progress."""
    _check_may_import(user)
    job = job_create(kind="registry.company_import.check", owner=user, message=_("Waiting to start"))
    company_import.job = job
    company_import.status = ImportStatus.CHECKING
    company_import.save(update_fields=["job", "status", "updated_at"])
    job_enqueue(company_import_check_task, job, import_id=company_import.pk)
    return job


def company_import_apply_enqueue(*, user: Any, company_import: CompanyImport) -> Job:
    """Queue applying a checked file; refused unless its dry run found no error and it is not applied yet."""
    _check_may_import(user)
    with transaction.atomic():
        job = job_create(kind="registry.company_import.apply", owner=user, message=_("Waiting to start"))
        claimed = CompanyImport.objects.filter(pk=company_import.pk, status=ImportStatus.READY).update(
            status=ImportStatus.APPLYING, job=job, updated_at=timezone.now()
        )
        if not claimed:  # raising rolls back the job created above
            raise ImportRefused(
                _("This import cannot be applied now: it has errors, is being applied, or was already applied.")
            )
        job_enqueue(company_import_apply_task, job, import_id=company_import.pk)
    company_import.refresh_from_db()
    return job


def _mark(
    company_import: CompanyImport, status: str, plan: dict[str, Any], *, extra_fields: Sequence[str] = ()
) -> None:
    company_import.status = status
    company_import.plan = plan
    company_import.save(update_fields=["status", "plan", "updated_at", *extra_fields])
