"""Synthetic companies: the same seed gives the same rows, every number is valid, the mix is plausible."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection

from foster.registry import brn, ksic
from foster.registry.choices import AIAdoption, Region, SizeClass
from foster.registry.models import Company, ValuationRecord
from foster.registry.seeding import (
    COMPANY_COLUMNS,
    EMPLOYEES,
    TODAY,
    companies_seed,
    company_for,
    company_row,
    registration_number,
    secondary_indexes_deferred,
    valuations_for,
)
from foster.registry.seeding import _rows as rows_between

SAMPLE = 20_000


@pytest.fixture(scope="module")
def sample() -> list[tuple[object, ...]]:
    return [row for row, _valuations in rows_between(0, SAMPLE, seed=2026, with_valuations=False)]


def test_the_same_seed_and_index_give_the_same_company() -> None:
    assert company_row(123, seed=7) == company_row(123, seed=7)
    assert [company_row(index, seed=7) for index in range(100, 110)] == [
        row for row, _valuations in rows_between(100, 110, seed=7, with_valuations=True)
    ]
    assert valuations_for(4_321, seed=7) == valuations_for(4_321, seed=7)


def test_another_seed_gives_other_companies_with_the_same_numbers() -> None:
    first = [company_row(index, seed=1) for index in range(50)]
    second = [company_row(index, seed=2) for index in range(50)]

    assert first != second
    assert [row[0] for row in first] == [row[0] for row in second]


def test_company_for_is_an_unsaved_company_with_the_row_values() -> None:
    company = company_for(42, seed=3)

    assert company.pk is None
    assert tuple(getattr(company, column) for column in COMPANY_COLUMNS) == company_row(42, seed=3)


@pytest.mark.parametrize("start", [0, 5_000_000, 50_000_000])
def test_registration_numbers_are_valid_and_unique(start: int) -> None:
    numbers = [registration_number(index) for index in range(start, start + SAMPLE)]

    assert all(brn.is_valid(number) for number in numbers)
    assert len(set(numbers)) == SAMPLE


def test_registration_numbers_run_out_with_an_error() -> None:
    with pytest.raises(ValueError, match="too large"):
        registration_number(899 * 6 * 9999)


def test_the_mix_covers_every_region_size_and_adoption(sample: list[tuple[object, ...]]) -> None:
    column = {name: position for position, name in enumerate(COMPANY_COLUMNS)}
    regions = Counter(row[column["region"]] for row in sample)
    sizes = Counter(row[column["size_class"]] for row in sample)
    adoption = Counter(row[column["ai_adoption"]] for row in sample)

    assert set(regions) == set(Region.values)
    assert set(sizes) == set(SizeClass.values)
    assert set(adoption) == set(AIAdoption.values)
    assert regions.most_common(2)[0][0] in {Region.GYEONGGI, Region.SEOUL}
    assert 0.40 < sizes[SizeClass.SMALL] / SAMPLE < 0.50
    assert regions[Region.SEJONG] / SAMPLE < 0.02


def test_every_row_is_consistent(sample: list[tuple[object, ...]]) -> None:
    column = {name: position for position, name in enumerate(COMPANY_COLUMNS)}
    for row in sample:
        size = row[column["size_class"]]
        founded_on = row[column["founded_on"]]
        low, high = EMPLOYEES[size]  # type: ignore[index]
        assert ksic.section_of(row[column["ksic_division"]]) == row[column["ksic_section"]]  # type: ignore[arg-type]
        assert low <= row[column["employees"]] <= high  # type: ignore[operator]
        assert row[column["revenue_krw"]] >= 0  # type: ignore[operator]
        assert isinstance(founded_on, dt.date) and founded_on < TODAY
        if size == SizeClass.STARTUP:
            assert (TODAY - founded_on).days < 7 * 365
        assert row[column["name_ko"]] and row[column["name_en"]]
    assert len({row[column["name_ko"]] for row in sample}) > 5_000


def test_valuation_histories_grow_and_belong_to_ai_providers_and_startups() -> None:
    histories = 0
    for row, valuations in rows_between(0, 5_000, seed=11, with_valuations=True):
        if not valuations:
            continue
        histories += 1
        assert row[COMPANY_COLUMNS.index("ai_adoption")] == AIAdoption.AI_PROVIDER or (
            row[COMPANY_COLUMNS.index("size_class")] == SizeClass.STARTUP
        )
        days = [valuation.valued_on for valuation in valuations]
        amounts = [valuation.amount_usd for valuation in valuations]
        assert days == sorted(days) and all(day <= TODAY for day in days)
        assert amounts == sorted(amounts) and amounts[0] >= 2_000_000
    assert 500 < histories < 2_000


@pytest.mark.django_db
def test_seeding_writes_exactly_the_generated_rows() -> None:
    progress: list[int] = []

    inserted = companies_seed(count=120, seed=5, start=1_000, batch_size=50, progress=progress.append)

    assert inserted == 120 and progress == [50, 50, 20]
    stored = list(Company.objects.order_by("business_registration_number").values_list(*COMPANY_COLUMNS))
    assert stored == sorted(company_row(index, seed=5) for index in range(1_000, 1_120))
    expected_valuations = sum(len(valuations_for(index, seed=5)) for index in range(1_000, 1_120))
    assert ValuationRecord.objects.count() == expected_valuations > 0
    for record in ValuationRecord.objects.select_related("company")[:20]:
        assert record.amount_krw == record.amount_usd * 1_380
        assert record.valued_on > record.company.founded_on


@pytest.mark.django_db
def test_the_seed_command_adds_after_what_is_there() -> None:
    output = io.StringIO()

    call_command("seed", companies=30, seed=9, stdout=output, verbosity=0)
    call_command("seed", companies=20, seed=9, no_valuations=True, stdout=output, verbosity=0)

    assert Company.objects.count() == 50
    assert "Added 30 companies" in output.getvalue() and "Added 20 companies" in output.getvalue()
    assert Company.objects.values("business_registration_number").distinct().count() == 50


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the deferred indexes are a PostgreSQL feature")
@pytest.mark.django_db(transaction=True)
def test_deferred_indexes_are_rebuilt_after_a_load() -> None:
    def index_definitions() -> set[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = %s", [Company._meta.db_table])
            return {definition for (definition,) in cursor.fetchall()}

    before = index_definitions()

    with secondary_indexes_deferred() as deferred:
        assert "registry_company_name_ko_trgm" in deferred
        assert len(index_definitions()) == len(before) - len(deferred)
        companies_seed(count=500, seed=1, batch_size=200)

    assert index_definitions() == before
    assert Company.objects.count() == 500


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the deferred indexes are a PostgreSQL feature")
@pytest.mark.django_db(transaction=True)
def test_a_failed_load_keeps_the_indexes_and_adds_nothing() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_indexes WHERE tablename = %s", [Company._meta.db_table])
        (indexes_before,) = cursor.fetchone()

    with pytest.raises(RuntimeError, match="interrupted"), secondary_indexes_deferred():
        companies_seed(count=300, seed=1, batch_size=100)
        raise RuntimeError("interrupted")

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_indexes WHERE tablename = %s", [Company._meta.db_table])
        assert cursor.fetchone() == (indexes_before,)
    assert Company.objects.count() == 0
