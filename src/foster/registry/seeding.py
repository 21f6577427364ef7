"""Deterministic synthetic companies for the demo and for benchmarks.

The same seed and index always give the same company, so a demo database or a benchmark data
set can be rebuilt exactly, in any batch size and in any order. Names are plausible Korean
company names with an English rendering; registration numbers carry a valid check digit and
are unique by construction (the index maps to a distinct tax-office, type and serial triple).

Speed matters here (``foster seed --companies 1000000``): every random choice of a row is cut
from two 64-bit hashes of (seed, index) (SplitMix64's finaliser) instead of seeding a
``random.Random`` per row; weighted choices are lookups in precomputed tables; rows are plain
tuples, turned into model instances only where a caller asks for one. On PostgreSQL the rows
go in with ``COPY`` (psycopg 3), elsewhere with ``bulk_create``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.utils import timezone

from foster.core.bulk import load_constraints_deferred, statistics_refresh
from foster.registry import ksic
from foster.registry.choices import AIAdoption, Region, SizeClass, ValuationSource
from foster.registry.models import Company, ValuationRecord

PREFIXES = [
    ("한빛", "Hanbit"), ("누리", "Nuri"), ("다온", "Daon"), ("가온", "Gaon"), ("새롬", "Saerom"),
    ("하늘", "Haneul"), ("미래", "Mirae"), ("온누리", "Onnuri"), ("바른", "Bareun"), ("세움", "Seum"),
    ("푸른", "Pureun"), ("든든", "Deundeun"), ("아라", "Ara"), ("한결", "Hangyeol"), ("이음", "Ieum"),
    ("별빛", "Byeolbit"), ("해솔", "Haesol"), ("도담", "Dodam"), ("마루", "Maru"), ("초록", "Chorok"),
    ("그린", "Green"), ("제이", "Jay"), ("케이", "K"), ("에스", "S"), ("대한", "Daehan"),
    ("동방", "Dongbang"), ("서광", "Seogwang"), ("태양", "Taeyang"), ("우리", "Uri"), ("한솔", "Hansol"),
    ("보람", "Boram"), ("슬기", "Seulgi"), ("참", "Cham"), ("큰별", "Keunbyeol"), ("빛나", "Bitna"),
    ("나래", "Narae"), ("단비", "Danbi"), ("파랑", "Parang"), ("금강", "Geumgang"), ("백두", "Baekdu"),
]  # fmt: skip
MIDDLES = [("", ""), ("스마트", "Smart"), ("디지털", "Digital"), ("글로벌", "Global"), ("에이아이", "AI"),
           ("딥", "Deep"), ("퀀텀", "Quantum")]  # fmt: skip
SUFFIXES = [
    ("테크", "Tech"), ("로보틱스", "Robotics"), ("데이터", "Data"), ("소프트", "Soft"), ("바이오", "Bio"),
    ("정밀", "Precision"), ("전자", "Electronics"), ("모빌리티", "Mobility"), ("에너지", "Energy"),
    ("솔루션즈", "Solutions"), ("시스템", "Systems"), ("랩스", "Labs"), ("인더스트리", "Industries"),
    ("메디컬", "Medical"), ("팩토리", "Factory"), ("비전", "Vision"), ("네트웍스", "Networks"), ("산업", "Industrial"),
    ("화학", "Chemical"), ("기계", "Machinery"), ("식품", "Foods"), ("물산", "Trading"),
]  # fmt: skip
LEGAL_FORMS = [("(주)", "Co., Ltd."), ("주식회사 ", "Inc."), ("", "Co.")]

# Sector mix roughly like Korea's SME population with the plan's focus on manufacturing and ICT.
DIVISION_WEIGHTS = {
    "10": 4, "20": 4, "22": 4, "24": 2, "25": 8, "26": 8, "27": 4, "28": 5, "29": 8, "30": 4, "33": 2,
    "41": 3, "46": 6, "47": 4, "49": 2, "52": 2, "56": 2, "58": 4, "62": 12, "63": 6, "70": 5, "71": 2,
    "72": 3, "73": 2, "75": 2, "85": 1, "86": 1, "90": 1, "01": 1,
}  # fmt: skip
REGION_WEIGHTS = {
    Region.SEOUL: 24, Region.GYEONGGI: 26, Region.INCHEON: 5, Region.BUSAN: 6, Region.DAEGU: 4,
    Region.GWANGJU: 3, Region.DAEJEON: 3, Region.ULSAN: 2, Region.SEJONG: 1, Region.GANGWON: 2,
    Region.CHUNGBUK: 3, Region.CHUNGNAM: 4, Region.JEONBUK: 3, Region.JEONNAM: 3, Region.GYEONGBUK: 4,
    Region.GYEONGNAM: 5, Region.JEJU: 1,
}  # fmt: skip
SIZE_WEIGHTS = {
    SizeClass.STARTUP: 30,
    SizeClass.SMALL: 45,
    SizeClass.MEDIUM: 15,
    SizeClass.MID_SIZED: 7,
    SizeClass.LARGE: 3,
}
EMPLOYEES = {SizeClass.STARTUP: (1, 30), SizeClass.SMALL: (1, 50), SizeClass.MEDIUM: (50, 300),
             SizeClass.MID_SIZED: (300, 1000), SizeClass.LARGE: (1000, 20000)}  # fmt: skip
REVENUE_MILLION_KRW = {SizeClass.STARTUP: (0, 3_000), SizeClass.SMALL: (100, 12_000),
                       SizeClass.MEDIUM: (10_000, 150_000), SizeClass.MID_SIZED: (150_000, 1_000_000),
                       SizeClass.LARGE: (1_000_000, 50_000_000)}  # fmt: skip
ADOPTION_WEIGHTS = {AIAdoption.NONE: 55, AIAdoption.EXPLORING: 17, AIAdoption.PILOTING: 10, AIAdoption.IN_USE: 12,
                    AIAdoption.AI_PROVIDER: 6}  # fmt: skip
STARTUP_AGE_DAYS = (30, 7 * 365 - 1)
ESTABLISHED_AGE_DAYS = (3 * 365, 45 * 365)
BUSINESS_TYPES = ("81", "86", "87", "85", "88", "82")
TODAY = dt.date(2026, 1, 1)  # fixed, so that the same seed gives the same data on any day
KRW_PER_USD = 1_380

# The order of the values in a company row (``company_row``) and of the COPY columns.
COMPANY_COLUMNS = (
    "business_registration_number",
    "name_ko",
    "name_en",
    "ksic_section",
    "ksic_division",
    "region",
    "size_class",
    "founded_on",
    "employees",
    "revenue_krw",
    "ai_adoption",
)


class Valuation(NamedTuple):
    """One synthetic valuation: the date and the amount in US dollars (KRW follows)."""

    valued_on: dt.date
    amount_usd: int

    @property
    def amount_krw(self) -> int:
        return self.amount_usd * KRW_PER_USD


CompanyRow = tuple[str, str, str, str, str, str, str, dt.date, int, int, str]

_MASK = (1 << 64) - 1
_TWO_TO_53 = float(1 << 53)


def _mix(value: int) -> int:
    """SplitMix64's finaliser: a fast, well-mixed bijection of 64-bit integers."""
    value = (value + 0x9E3779B97F4A7C15) & _MASK
    value = ((value ^ (value >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    value = ((value ^ (value >> 27)) * 0x94D049BB133111EB) & _MASK
    return value ^ (value >> 31)


def _table(weights: dict[Any, int]) -> tuple[Any, ...]:
    """A lookup table in which each value appears as often as its weight."""
    return tuple(value for value, weight in weights.items() for _ in range(weight))


class _Tables(NamedTuple):
    names: tuple[tuple[str, str], ...]
    sizes: tuple[str, ...]
    divisions: tuple[tuple[str, str], ...]
    regions: tuple[str, ...]
    adoptions: tuple[str, ...]
    serial_sums: tuple[int, ...]


@cache
def _tables() -> _Tables:
    names = []
    for form_ko, form_en in LEGAL_FORMS:
        for prefix_ko, prefix_en in PREFIXES:
            for middle_ko, middle_en in MIDDLES:
                for suffix_ko, suffix_en in SUFFIXES:
                    name_en = " ".join(part for part in (prefix_en, middle_en, suffix_en, form_en) if part)
                    names.append((f"{form_ko}{prefix_ko}{middle_ko}{suffix_ko}", name_en))
    sections = {division: ksic.section_of(division) for division in DIVISION_WEIGHTS}
    divisions = tuple((division, sections[division]) for division in _table(DIVISION_WEIGHTS))
    return _Tables(
        names=tuple(names),
        sizes=tuple(str(size) for size in _table(SIZE_WEIGHTS)),
        divisions=divisions,
        regions=tuple(str(region) for region in _table(REGION_WEIGHTS)),
        adoptions=tuple(str(adoption) for adoption in _table(ADOPTION_WEIGHTS)),
        serial_sums=tuple(_serial_sum(serial) for serial in range(10_000)),
    )


# Check-digit weights of the nine leading digits (see foster.registry.brn): office, type, serial.
_OFFICE_WEIGHTS, _TYPE_WEIGHTS = (1, 3, 7), (1, 3)


def _serial_sum(serial: int) -> int:
    """The serial's share of the check-digit sum: weights 7, 1, 3, 5 and the tens digit of 5 x the last."""
    digits = [int(char) for char in f"{serial:04d}"]
    return 7 * digits[0] + digits[1] + 3 * digits[2] + 5 * digits[3] + (5 * digits[3]) // 10


def _prefix_sum(office: int, business_type: str) -> int:
    digits = [int(char) for char in f"{office:03d}{business_type}"]
    return sum(weight * digit for weight, digit in zip(_OFFICE_WEIGHTS + _TYPE_WEIGHTS, digits, strict=True))


def registration_number(index: int) -> str:
    """A unique, valid registration number for a non-negative index (up to ~53 million)."""
    serial = index % 9999 + 1
    rest = index // 9999
    business_type = BUSINESS_TYPES[rest % len(BUSINESS_TYPES)]
    office = 101 + rest // len(BUSINESS_TYPES)
    if office > 999:
        raise ValueError("index too large for a synthetic registration number")
    total = _prefix_sum(office, business_type) + _tables().serial_sums[serial]
    return f"{office:03d}{business_type}{serial:04d}{(10 - total % 10) % 10}"


def _rows(
    start: int, stop: int, *, seed: int, with_valuations: bool
) -> Iterator[tuple[CompanyRow, tuple[Valuation, ...]]]:
    """Company rows ``start`` .. ``stop - 1`` of data set ``seed``, each with its valuations.

    The one generator behind every public function here, so that a company is the same whether
    it was made alone or in a batch.
    """
    tables = _tables()
    names, sizes, divisions, regions, adoptions = (
        tables.names,
        tables.sizes,
        tables.divisions,
        tables.regions,
        tables.adoptions,
    )
    name_count, size_count, division_count = len(names), len(sizes), len(divisions)
    region_count, adoption_count = len(regions), len(adoptions)
    seed_key = _mix(seed & _MASK)
    startup, provider = str(SizeClass.STARTUP), str(AIAdoption.AI_PROVIDER)
    ict_divisions = {"62", "63"}
    employees_ranges = {str(size): (low, high - low + 1) for size, (low, high) in EMPLOYEES.items()}
    revenue_ranges = {str(size): (low, high - low + 1) for size, (low, high) in REVENUE_MILLION_KRW.items()}
    startup_age = (STARTUP_AGE_DAYS[0], STARTUP_AGE_DAYS[1] - STARTUP_AGE_DAYS[0] + 1)
    established_age = (ESTABLISHED_AGE_DAYS[0], ESTABLISHED_AGE_DAYS[1] - ESTABLISHED_AGE_DAYS[0] + 1)
    today_ordinal = TODAY.toordinal()
    from_ordinal = dt.date.fromordinal
    for index in range(start, stop):
        key = _mix(seed_key ^ index)
        first, second = key, _mix(key)
        first, name = divmod(first, name_count)
        first, size_pick = divmod(first, size_count)
        first, division_pick = divmod(first, division_count)
        first, region_pick = divmod(first, region_count)
        first, adoption_pick = divmod(first, adoption_count)
        size = sizes[size_pick]
        division, section = divisions[division_pick]
        adoption = adoptions[adoption_pick]
        if division in ict_divisions and first & 1:
            adoption = provider
        age_low, age_span = startup_age if size == startup else established_age
        employees_low, employees_span = employees_ranges[size]
        revenue_low, revenue_span = revenue_ranges[size]
        second, age_days = divmod(second, age_span)
        second, employees = divmod(second, employees_span)
        revenue = revenue_low + second % revenue_span
        founded_ordinal = today_ordinal - age_low - age_days
        name_ko, name_en = names[name]
        row: CompanyRow = (
            registration_number(index),
            name_ko,
            name_en,
            section,
            division,
            regions[region_pick],
            size,
            from_ordinal(founded_ordinal),
            employees_low + employees,
            revenue * 1_000_000,
            adoption,
        )
        valuations: tuple[Valuation, ...] = ()
        if with_valuations and (adoption == provider or size == startup):
            valuations = _valuations(~key & _MASK, founded_ordinal, is_ai=adoption == provider)
        yield row, valuations


def _valuations(state: int, founded_ordinal: int, *, is_ai: bool) -> tuple[Valuation, ...]:
    """A growing valuation history for AI providers and a fifth of the other startups."""
    state = _mix(state)
    if not is_ai and state % 5:
        return ()
    state = _mix(state)
    rounds = 1 + state % 4
    usd = (2 + (state >> 8) % 29) * 1_000_000
    if is_ai and (state >> 24) % 1000 < 4:
        usd = (200 + (state >> 40) % 401) * 1_000_000  # a future unicorn candidate
    day = founded_ordinal
    limit = TODAY.toordinal()
    result = []
    for _round in range(rounds):
        state = _mix(state)
        day = min(limit, day + 200 + state % 501)
        result.append(Valuation(dt.date.fromordinal(day), usd))
        growth = 1.3 + 1.9 * ((state >> 11) / _TWO_TO_53)
        usd = int(usd * growth)
    return tuple(result)


def company_row(index: int, *, seed: int) -> CompanyRow:
    """The values of synthetic company ``index`` of data set ``seed``, in ``COMPANY_COLUMNS`` order."""
    return next(_rows(index, index + 1, seed=seed, with_valuations=False))[0]


def company_for(index: int, *, seed: int) -> Company:
    """The synthetic company number ``index`` of data set ``seed`` (unsaved)."""
    return Company(**dict(zip(COMPANY_COLUMNS, company_row(index, seed=seed), strict=True)))


def valuations_for(index: int, *, seed: int) -> tuple[Valuation, ...]:
    """The valuation history of synthetic company ``index`` of data set ``seed`` (often empty)."""
    return next(_rows(index, index + 1, seed=seed, with_valuations=True))[1]


def companies_seed(
    *,
    count: int,
    seed: int,
    start: int = 0,
    with_valuations: bool = True,
    batch_size: int = 10_000,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Insert ``count`` synthetic companies (indexes ``start`` .. ``start + count - 1``) in batches.

    Each batch commits on its own so that a million rows never sit in one transaction; a batch
    that fails rolls back alone and the error is raised. Uses ``COPY`` on PostgreSQL and
    ``bulk_create`` elsewhere. Returns the number inserted.
    """
    insert = _copy_batch if connection.vendor == "postgresql" else _bulk_create_batch
    inserted = 0
    for batch_start in range(start, start + count, batch_size):
        batch_end = min(start + count, batch_start + batch_size)
        with transaction.atomic():
            insert(_rows(batch_start, batch_end, seed=seed, with_valuations=with_valuations), batch_end - batch_start)
        inserted += batch_end - batch_start
        if progress:
            progress(batch_end - batch_start)
    return inserted


Rows = Iterator[tuple[CompanyRow, tuple[Valuation, ...]]]


def _bulk_create_batch(rows: Rows, size: int) -> None:
    batch = list(rows)
    companies = Company.objects.bulk_create(
        [Company(**dict(zip(COMPANY_COLUMNS, row, strict=True))) for row, _valuations in batch]
    )
    records = [
        ValuationRecord(
            company_id=company.pk,
            valued_on=valuation.valued_on,
            amount_usd=valuation.amount_usd,
            amount_krw=valuation.amount_krw,
            source=ValuationSource.INVESTMENT_ROUND,
        )
        for company, (_row, valuations) in zip(companies, batch, strict=True)
        for valuation in valuations
    ]
    ValuationRecord.objects.bulk_create(records, batch_size=5_000)


def _copy_sql(model: type[Company] | type[ValuationRecord], columns: Sequence[str]) -> str:
    quote = connection.ops.quote_name
    column_of = {field.name: field.column for field in model._meta.concrete_fields}
    column_list = ", ".join(quote(column_of[name]) for name in columns)
    return f"COPY {quote(model._meta.db_table)} ({column_list}) FROM STDIN"


def _copy_batch(rows: Rows, size: int) -> None:
    """PostgreSQL: reserve ids from the sequence, then stream the rows into COPY as they are made
    (the server digests one chunk while Python makes the next), then COPY their valuations."""
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [Company._meta.db_table, size],
        )
        ids = [pk for (pk,) in cursor.fetchall()]
        valuations: list[tuple[int, Valuation]] = []
        with cursor.copy(_copy_sql(Company, ("id", *COMPANY_COLUMNS, "created_at", "updated_at"))) as copy:
            write = copy.write_row
            for pk, (row, history) in zip(ids, rows, strict=True):
                write((pk, *row, now, now))
                if history:
                    valuations.extend((pk, valuation) for valuation in history)
        if not valuations:
            return
        columns = ("company", "valued_on", "amount_krw", "amount_usd", "source", "note", "created_at")
        source = str(ValuationSource.INVESTMENT_ROUND)
        with cursor.copy(_copy_sql(ValuationRecord, columns)) as copy:
            for pk, valuation in valuations:
                copy.write_row((pk, valuation.valued_on, valuation.amount_krw, valuation.amount_usd, source, "", now))


@contextmanager
def secondary_indexes_deferred() -> Iterator[list[str]]:
    """PostgreSQL: drop the company table's secondary indexes for a bulk load, rebuild them after.

    Building an index once over a million rows is several times faster than updating it a
    million times (the trigram indexes most of all). Everything happens in one transaction,
    so the indexes are never missing for anyone else and a failed or interrupted load leaves
    the table as it was; other sessions wait for the table until the load commits, so use it
    for loading benchmark data, not on a database people are working in. The primary key and
    the unique registration number stay. Yields the names of the deferred indexes (none
    elsewhere than on PostgreSQL, where it does nothing). See ``foster.core.bulk``.
    """
    with load_constraints_deferred([Company._meta.db_table]) as deferred:
        yield deferred


def company_statistics_refresh() -> None:
    """PostgreSQL: VACUUM ANALYZE the registry after a bulk load (``foster.core.bulk.statistics_refresh``)."""
    statistics_refresh([model._meta.db_table for model in (Company, ValuationRecord)])
