"""Writes of the KPI app: define a survey, import a wave's responses (all or nothing) and compute
its estimate with ``foster.engines.survey``.

A wave file is CSV (UTF-8 or CP949, comma or tab) or XLSX (first sheet) with one respondent per
row. Columns (English or Korean header, as ``WAVE_COLUMNS``): the answer (1/0, yes/no, 예/아니오;
empty = no answer), the stratum, and optionally the weight, the stratum's population size N_h,
size class, KSIC section, region and business registration number. Every cell and the design as a
whole are checked first (``responses_table``: unclear answers, empty or non-positive weights, an
N_h that varies in a stratum or is below its sample, a stratum of one respondent, ...); any problem
imports nothing and every problem is listed with its row. A valid file replaces the wave's
responses in one transaction, with the estimate and an audit event.
"""

from __future__ import annotations

import hashlib
import io
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from typing import IO, Any

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from foster.core.caching import area_changed
from foster.core.csv_files import RowError, TableRefused, cell_text, header_key, is_xlsx, rows_from_csv, rows_from_xlsx
from foster.core.services import audit_event_record
from foster.engines.survey import (
    DesignError,
    DesignProblem,
    IntervalMethod,
    LonelyStratum,
    answer_value,
    estimate_proportion,
    estimate_to_json,
    poststratify,
    responses_table,
    survey_design,
)
from foster.kpi.choices import Indicator, StratumDimension
from foster.kpi.models import Response, Survey, Wave
from foster.kpi.selectors import frame_totals
from foster.registry.importing import PARSERS
from foster.registry.models import Company

MAX_WAVE_ROWS = 200_000
KSIC_SECTIONS = frozenset("ABCDEFGHIJKLMNOPQRSTU")
DOMAIN_DIMENSIONS = (StratumDimension.SIZE_CLASS, StratumDimension.SECTOR, StratumDimension.REGION)
WRITE_BATCH_SIZE = 2_000


@dataclass(frozen=True)
class WaveColumn:
    field: str
    korean: str
    is_required: bool


WAVE_COLUMNS: tuple[WaveColumn, ...] = (
    WaveColumn("answer", "AI활용여부", True),
    WaveColumn("stratum", "층", True),
    WaveColumn("weight", "가중치", False),
    WaveColumn("population_size", "모집단수", False),
    WaveColumn("size_class", "기업규모", False),
    WaveColumn("ksic_section", "업종", False),
    WaveColumn("region", "지역", False),
    WaveColumn("business_registration_number", "사업자등록번호", False),
)


class WaveImportRefused(Exception):
    """The file imports nothing; ``errors`` lists every problem with its row."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        self.errors = list(errors)
        super().__init__("; ".join(error.message for error in self.errors[:5]))


# --- Surveys -------------------------------------------------------------------------------------


@dataclass
class SurveyData:
    """What defines a survey (the form's and the seeder's input)."""

    code: str
    name_ko: str
    name_en: str
    question_ko: str
    question_en: str
    yes_definition: str
    population: str
    sampling_frame: str
    strata_dimensions: list[str]
    strata_definition: str
    planned_sample_size: int
    source: str
    indicator: str = Indicator.AI_UTILIZATION
    is_headline: bool = False


def survey_create(*, user: Any, data: SurveyData) -> Survey:
    """Define a survey (ministry planners). Raises PermissionDenied or ValidationError naming each bad field."""
    if user is not None and not user.has_perm("kpi.manage_surveys"):
        raise PermissionDenied(_("Only ministry planners define surveys."))
    errors: dict[str, list[str]] = {}
    if Survey.objects.filter(code=data.code).exists():
        errors["code"] = [_("A survey with this code exists already.")]
    unknown = [value for value in data.strata_dimensions if value not in StratumDimension.values]
    if unknown:
        errors["strata_dimensions"] = [_("Unknown stratum dimension: %(values)s.") % {"values": ", ".join(unknown)}]
    if data.planned_sample_size < 2:
        errors["planned_sample_size"] = [_("A survey needs at least two respondents.")]
    for name in ("name_ko", "question_ko", "population", "sampling_frame", "source"):
        if not str(getattr(data, name)).strip():
            errors[name] = [_("This field is required.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        survey = Survey.objects.create(**asdict(data), created_by=user)
        audit_event_record(actor=user, action="kpi.survey_create", target=survey, changes={"code": data.code})
    return survey


# --- Reading a wave file ---------------------------------------------------------------------------


def _header_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for column in WAVE_COLUMNS:
        lookup[header_key(column.field)] = column.field
        lookup[header_key(column.korean)] = column.field
    lookup[header_key("y")] = "answer"
    lookup[header_key("fpc")] = "population_size"
    return lookup


@dataclass
class _WaveTable:
    header: list[str]  # field names, in file order of the columns used
    rows: list[list[str]]
    numbers: list[int]
    labels: dict[str, str]  # field -> the column name as the file writes it


def _records(handle: IO[bytes], filename: str) -> tuple[Iterator[Sequence[Any]], Callable[[], None]]:
    head = handle.read(8)
    handle.seek(0)
    if filename.lower().endswith(".xls") or head.startswith(b"\xd0\xcf\x11\xe0"):
        raise TableRefused(
            _("Old Excel files (.xls) cannot be read. In Excel, use Save As and choose “Excel Workbook (.xlsx)”.")
        )
    if is_xlsx(head):
        records, _total, close = rows_from_xlsx(handle)
        return records, close
    records, _count = rows_from_csv(handle.read())
    return records, lambda: None


def read_wave_file(handle: IO[bytes], *, filename: str) -> _WaveTable:
    """The file's responses as text cells under Foster's field names. Raises TableRefused for a file
    that cannot be read, WaveImportRefused for a header that names unknown or missing columns."""
    records, close = _records(handle, filename)
    lookup = _header_lookup()
    table = _WaveTable(header=[], rows=[], numbers=[], labels={})
    positions: list[tuple[int, str]] = []
    errors: list[RowError] = []
    try:
        header_number = 0
        for number, cells in enumerate(records, start=1):
            texts = [cell_text(cell) for cell in cells]
            if not header_number:
                if not any(texts):
                    continue
                header_number = number
                for index, text in enumerate(texts):
                    if not text:
                        continue
                    field = lookup.get(header_key(text))
                    if field is None:
                        errors.append(
                            RowError(
                                number,
                                text,
                                text,
                                _("“%(column)s” is not a column of a survey wave. Use: %(known)s, or delete it.")
                                % {"column": text, "known": ", ".join(column.korean for column in WAVE_COLUMNS)},
                            )
                        )
                    elif field in table.labels:
                        errors.append(
                            RowError(number, text, text, _("The column “%(column)s” appears twice.") % {"column": text})
                        )
                    else:
                        table.labels[field] = text
                        positions.append((index, field))
                for column in WAVE_COLUMNS:
                    if column.is_required and column.field not in table.labels:
                        errors.append(
                            RowError(
                                number,
                                column.korean,
                                "",
                                _("Add a column “%(column)s” (%(english)s).")
                                % {"column": column.korean, "english": column.field},
                            )
                        )
                if errors:
                    raise WaveImportRefused(errors)
                table.header = [field for _index, field in positions]
                continue
            if not any(texts):
                continue
            if len(table.rows) >= MAX_WAVE_ROWS:
                raise WaveImportRefused(
                    [
                        RowError(
                            None,
                            "",
                            "",
                            _("The file has more than %(limit)s responses; a survey wave is smaller.")
                            % {"limit": f"{MAX_WAVE_ROWS:,}"},
                        )
                    ]
                )
            table.rows.append([texts[index] if index < len(texts) else "" for index, _field in positions])
            table.numbers.append(number)
        if not header_number or not table.rows:
            raise WaveImportRefused(
                [
                    RowError(
                        None,
                        "",
                        "",
                        _("The file has no responses. Put the column names in row 1, one respondent per row."),
                    )
                ]
            )
    finally:
        close()
    return table


# --- Checking --------------------------------------------------------------------------------------


def _problem_message(problem: DesignProblem, labels: dict[str, str]) -> str:
    """The engine's reason in the user's language."""
    params = dict(problem.params)
    named = params.get("rows", ())
    named_rows = list(named) if isinstance(named, tuple) else []
    rows = ", ".join(str(row) for row in named_rows)
    count_value = params.get("row_count", 0)
    count = int(count_value) if isinstance(count_value, int) else 0
    more = count - len(named_rows)
    if more > 0:
        rows = _("%(rows)s and %(more)s more") % {"rows": rows, "more": more}
    messages: dict[str, Callable[[], str]] = {
        "answer_unclear": lambda: (
            _(
                "Rows %(rows)s: “%(values)s” is neither yes (1) nor no (0). "
                "Write 1 or 0 (yes/no and 예/아니오 are read too)."
            )
            % {"rows": rows, "values": params.get("values", "")}
        ),
        "stratum_missing": lambda: _("Rows %(rows)s: the stratum is empty.") % {"rows": rows},
        "weight_missing": lambda: _("Rows %(rows)s: the weight is empty.") % {"rows": rows},
        "weight_not_number": lambda: _("Rows %(rows)s: the weight is not a number.") % {"rows": rows},
        "fpc_missing": lambda: _("Rows %(rows)s: the population size is empty.") % {"rows": rows},
        "fpc_not_number": lambda: _("Rows %(rows)s: the population size is not a number.") % {"rows": rows},
        "weight_zero": lambda: (
            _(
                "Rows %(rows)s: the weight is 0. A respondent who represents nobody does not belong in the sample; "
                "remove the row or give its design weight."
            )
            % {"rows": rows}
        ),
        "weight_negative": lambda: _("Rows %(rows)s: the weight is negative.") % {"rows": rows},
        "population_size_not_positive": lambda: (
            _("Rows %(rows)s: the population size must be a positive number.") % {"rows": rows}
        ),
        "population_size_varies": lambda: (
            _("Stratum “%(stratum)s”: the population size differs between its rows; give one N_h per stratum.")
            % {"stratum": params.get("stratum", "")}
        ),
        "population_size_below_sample": lambda: (
            _(
                "Stratum “%(stratum)s”: the population size %(population)s is smaller than the %(sample)s respondents "
                "sampled from it. The column holds the stratum's population size N_h."
            )
            % {
                "stratum": params.get("stratum", ""),
                "population": params.get("population_size", ""),
                "sample": params.get("sample_size", ""),
            }
        ),
        "lonely_stratum": lambda: (
            _(
                "Stratum “%(stratum)s” has only one respondent (row %(rows)s), so its variance cannot be estimated. "
                "Merge it with a similar stratum."
            )
            % {"stratum": params.get("stratum", ""), "rows": rows}
        ),
        "no_answers": lambda: _("No row has an answer."),
    }
    message = messages.get(problem.code)
    return message() if message is not None else problem.text


def _problem_errors(error: DesignError, labels: dict[str, str]) -> list[RowError]:
    column_of = {
        "answer": labels.get("answer", ""),
        "stratum": labels.get("stratum", ""),
        "weight": labels.get("weight", ""),
        "fpc": labels.get("population_size", ""),
    }
    result = []
    for problem in error.problems:
        rows = problem.params.get("rows", ())
        first = int(rows[0]) if isinstance(rows, tuple) and rows else None
        column = next((label for key, label in column_of.items() if problem.code.startswith(key)), "")
        if problem.code.startswith(("population_size", "lonely")):
            column = labels.get("stratum", "")
        result.append(
            RowError(first, column, str(problem.params.get("stratum", "")), _problem_message(problem, labels))
        )
    return result


@dataclass
class CheckedWave:
    """A wave file that passed every check: the parsed values per row, ready to write."""

    table: _WaveTable
    answers: list[bool | None]
    domains: dict[str, list[str]]
    companies: list[int | None]


def wave_file_check(handle: IO[bytes], *, filename: str) -> CheckedWave:
    """Read and check a wave file. Raises TableRefused or WaveImportRefused (every problem listed)."""
    table = read_wave_file(handle, filename=filename)
    index = {field: position for position, field in enumerate(table.header)}
    errors: list[RowError] = []
    try:
        responses_table(
            table.header,
            table.rows,
            y="answer",
            stratum="stratum",
            weight="weight" if "weight" in index else None,
            fpc="population_size" if "population_size" in index else None,
            drop_missing=True,
            lonely=LonelyStratum.FAIL,
            row_numbers=table.numbers,
        )
    except DesignError as error:
        errors.extend(_problem_errors(error, table.labels))
    if "population_size" in index:
        for number, row in zip(table.numbers, table.rows, strict=True):
            text = row[index["population_size"]].replace(",", "")
            if text and text.replace(".", "", 1).isdigit() and not float(text).is_integer():
                errors.append(
                    RowError(
                        number,
                        table.labels["population_size"],
                        text,
                        _("The population size is a whole number of companies."),
                    )
                )
    domains: dict[str, list[str]] = {}
    for dimension in DOMAIN_DIMENSIONS:
        field = str(dimension)
        if field not in index:
            continue
        values: list[str] = []
        for number, row in zip(table.numbers, table.rows, strict=True):
            text = row[index[field]]
            if not text:
                values.append("")
                continue
            try:
                if field == StratumDimension.SECTOR:
                    value = text.strip().upper()
                    if value not in KSIC_SECTIONS:
                        raise ValidationError(_("“%(value)s” is not a KSIC section (A to U).") % {"value": text})
                else:
                    value = str(PARSERS[field](text, text))
            except ValidationError as error:
                errors.append(RowError(number, table.labels[field], text[:100], error.messages[0]))
                value = ""
            values.append(value)
        domains[field] = values
    companies: list[int | None] = [None] * len(table.rows)
    if "business_registration_number" in index:
        numbers = ["".join(row[index["business_registration_number"]].split()).replace("-", "") for row in table.rows]
        known = dict(
            Company.objects.filter(business_registration_number__in=[n for n in numbers if n]).values_list(
                "business_registration_number", "id"
            )
        )
        for position, (number, value) in enumerate(zip(table.numbers, numbers, strict=True)):
            if not value:
                continue
            if value not in known:
                errors.append(
                    RowError(
                        number,
                        table.labels["business_registration_number"],
                        value,
                        _(
                            "No company in the registry has this registration number; "
                            "leave the cell empty for a respondent outside the registry."
                        ),
                    )
                )
            companies[position] = known.get(value)
    if errors:
        errors.sort(key=lambda error: (error.row or 0, error.column))
        raise WaveImportRefused(errors)
    answers: list[bool | None] = []
    for row in table.rows:
        answer = answer_value(row[index["answer"]])
        answers.append(None if answer is None else answer == 1.0)
    return CheckedWave(table=table, answers=answers, domains=domains, companies=companies)


# --- Importing -------------------------------------------------------------------------------------


def wave_import(*, user: Any, survey: Survey, year: int, handle: IO[bytes], filename: str, fieldwork: str = "") -> Wave:
    """Check a wave file and, if every row passes, replace the wave's responses with it and compute
    its estimate, in one transaction (locks the wave row). Raises PermissionDenied, TableRefused or
    WaveImportRefused; a refused file changes nothing."""
    if user is not None and not user.has_perm("kpi.manage_surveys"):
        raise PermissionDenied(_("Only ministry planners import survey waves."))
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": [_("Give the year of the fieldwork, such as 2026.")]})
    data = handle.read()
    digest = hashlib.sha256(data).hexdigest()
    checked = wave_file_check(io.BytesIO(data), filename=filename)
    table = checked.table
    index = {field: position for position, field in enumerate(table.header)}

    def number(row: list[str], field: str) -> float | None:
        if field not in index:
            return None
        text = row[index[field]].replace(",", "")
        return float(text) if text else None

    with transaction.atomic():
        wave, _created = Wave.objects.select_for_update().get_or_create(survey=survey, year=year)
        replaced = wave.response_count
        wave.responses.all().delete()
        responses = []
        for position, (row_number, row) in enumerate(zip(table.numbers, table.rows, strict=True)):
            population = number(row, "population_size")
            responses.append(
                Response(
                    wave=wave,
                    row_number=row_number,
                    answer=checked.answers[position],
                    stratum=row[index["stratum"]],
                    weight=number(row, "weight") or 0.0,
                    population_size=None if population is None else int(population),
                    size_class=checked.domains.get("size_class", [""] * len(table.rows))[position],
                    ksic_section=checked.domains.get("ksic_section", [""] * len(table.rows))[position],
                    region=checked.domains.get("region", [""] * len(table.rows))[position],
                    company_id=checked.companies[position],
                )
            )
        if "weight" not in index:
            _derive_weights(responses)
        Response.objects.bulk_create(responses, batch_size=WRITE_BATCH_SIZE)
        wave.original_name = filename[:255]
        wave.sha256 = digest
        wave.fieldwork = fieldwork[:100]
        wave.imported_by = user
        wave.imported_at = timezone.now()
        wave_estimate_refresh(wave=wave, responses=responses)
        audit_event_record(
            actor=user,
            action="kpi.wave_import",
            target=wave,
            changes={"year": year, "responses": [replaced, len(responses)], "sha256": digest, "file": filename[:255]},
        )
        area_changed("surveys")  # the AI utilization figure
    return wave


def _derive_weights(responses: list[Response]) -> None:
    """Weights of a file without a weight column: N_h / n_h from the population sizes, else 1 (R's
    ``svydesign`` without weights)."""
    counts: dict[str, int] = {}
    for response in responses:
        counts[response.stratum] = counts.get(response.stratum, 0) + 1
    for response in responses:
        size = response.population_size
        response.weight = size / counts[response.stratum] if size else 1.0


def wave_estimate_refresh(*, wave: Wave, responses: Sequence[Response] | None = None) -> Wave:
    """Compute the wave's estimate from its responses and store it on the wave: the proportion with
    its standard error, logit and Korn-Graubard intervals and design effect; domain estimates by
    size class, sector and region; and the estimate post-stratified to the registry's SME counts by
    size class (when every respondent has a size class)."""
    rows = list(responses) if responses is not None else list(wave.responses.order_by("row_number"))
    if not rows:
        wave.response_count = 0
        wave.estimate = wave.se = wave.ci_low = wave.ci_high = wave.deff = None
        wave.result = {}
        wave.save()
        return wave
    sizes = [row.population_size for row in rows]
    design = survey_design(
        [1.0 if row.answer else 0.0 for row in rows],
        strata=[row.stratum for row in rows],
        weights=[row.weight for row in rows],
        population_sizes=None if any(size is None for size in sizes) else [float(size or 0) for size in sizes],
        row_numbers=[row.row_number for row in rows],
    )
    answered = [row.answer is not None for row in rows]
    subset = None if all(answered) else np.asarray(answered, dtype=bool)
    result: dict[str, Any] = {"missing_answers": answered.count(False), "strata": len(design.stratum_labels)}
    for method in IntervalMethod:
        result[str(method)] = estimate_to_json(estimate_proportion(design, method=method, subset=subset))
    result["domains"] = {}
    for dimension in DOMAIN_DIMENSIONS:
        labels = [getattr(row, str(dimension)) for row in rows]
        if any(not label for label in labels):
            continue
        estimate = estimate_proportion(design, domains=labels, subset=subset)
        result["domains"][str(dimension)] = estimate_to_json(estimate)["domains"]
    size_classes = [row.size_class for row in rows]
    if all(size_classes):
        totals = {key: float(value) for key, value in frame_totals(StratumDimension.SIZE_CLASS).items()}
        try:
            calibrated = poststratify(design, size_classes, totals)
        except DesignError as error:
            result["poststratified"] = {"refused": str(error)}
        else:
            result["poststratified"] = estimate_to_json(estimate_proportion(calibrated, subset=subset))
            result["poststratified"]["totals"] = totals
    overall = result[IntervalMethod.LOGIT]
    wave.response_count = len(rows)
    wave.estimate = overall["estimate"]
    wave.se = overall["se"]
    wave.ci_low, wave.ci_high = overall["ci"]
    deff = overall["deff"]
    wave.deff = deff if deff is None or math.isfinite(deff) else None
    wave.result = result
    wave.save()
    return wave
