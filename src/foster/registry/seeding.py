"""Deterministic synthetic companies for the demo and for benchmarks.

The same seed and index always give the same company, so a demo database or a benchmark data
set can be rebuilt exactly. Names are plausible Korean company names with an English rendering;
registration numbers carry a valid check digit and are unique by construction (the index maps
to a distinct tax-office, type and serial triple).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator
from typing import Any

from django.db import connection, transaction

from foster.registry import brn, ksic
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
]
MIDDLES = [("", ""), ("스마트", "Smart"), ("디지털", "Digital"), ("글로벌", "Global"), ("에이아이", "AI"),
           ("딥", "Deep"), ("퀀텀", "Quantum")]
SUFFIXES = [
    ("테크", "Tech"), ("로보틱스", "Robotics"), ("데이터", "Data"), ("소프트", "Soft"), ("바이오", "Bio"),
    ("정밀", "Precision"), ("전자", "Electronics"), ("모빌리티", "Mobility"), ("에너지", "Energy"),
    ("솔루션즈", "Solutions"), ("시스템", "Systems"), ("랩스", "Labs"), ("인더스트리", "Industries"),
    ("메디컬", "Medical"), ("팩토리", "Factory"), ("비전", "Vision"), ("네트웍스", "Networks"), ("산업", "Industrial"),
    ("화학", "Chemical"), ("기계", "Machinery"), ("식품", "Foods"), ("물산", "Trading"),
]
LEGAL_FORMS = [("(주)", "Co., Ltd."), ("주식회사 ", "Inc."), ("", "Co.")]

# Sector mix roughly like Korea's SME population with the plan's focus on manufacturing and ICT.
DIVISION_WEIGHTS = {
    "10": 4, "20": 4, "22": 4, "24": 2, "25": 8, "26": 8, "27": 4, "28": 5, "29": 8, "30": 4, "33": 2,
    "41": 3, "46": 6, "47": 4, "49": 2, "52": 2, "56": 2, "58": 4, "62": 12, "63": 6, "70": 5, "71": 2,
    "72": 3, "73": 2, "75": 2, "85": 1, "86": 1, "90": 1, "01": 1,
}
REGION_WEIGHTS = {
    Region.SEOUL: 24, Region.GYEONGGI: 26, Region.INCHEON: 5, Region.BUSAN: 6, Region.DAEGU: 4,
    Region.GWANGJU: 3, Region.DAEJEON: 3, Region.ULSAN: 2, Region.SEJONG: 1, Region.GANGWON: 2,
    Region.CHUNGBUK: 3, Region.CHUNGNAM: 4, Region.JEONBUK: 3, Region.JEONNAM: 3, Region.GYEONGBUK: 4,
    Region.GYEONGNAM: 5, Region.JEJU: 1,
}
SIZE_WEIGHTS = {SizeClass.STARTUP: 30, SizeClass.SMALL: 45, SizeClass.MEDIUM: 15, SizeClass.MID_SIZED: 7, SizeClass.LARGE: 3}
EMPLOYEES = {SizeClass.STARTUP: (1, 30), SizeClass.SMALL: (1, 50), SizeClass.MEDIUM: (50, 300),
             SizeClass.MID_SIZED: (300, 1000), SizeClass.LARGE: (1000, 20000)}
REVENUE_MILLION_KRW = {SizeClass.STARTUP: (0, 3_000), SizeClass.SMALL: (100, 12_000), SizeClass.MEDIUM: (10_000, 150_000),
                       SizeClass.MID_SIZED: (150_000, 1_000_000), SizeClass.LARGE: (1_000_000, 50_000_000)}
ADOPTION_WEIGHTS = {AIAdoption.NONE: 55, AIAdoption.EXPLORING: 17, AIAdoption.PILOTING: 10, AIAdoption.IN_USE: 12,
                    AIAdoption.AI_PROVIDER: 6}
BUSINESS_TYPES = ("81", "86", "87", "85", "88", "82")
TODAY = dt.date(2026, 1, 1)  # fixed, so that the same seed gives the same data on any day


def registration_number(index: int) -> str:
    """A unique, valid registration number for a non-negative index (up to ~53 million)."""
    serial = index % 9999 + 1
    rest = index // 9999
    business_type = BUSINESS_TYPES[rest % len(BUSINESS_TYPES)]
    office = 101 + rest // len(BUSINESS_TYPES)
    if office > 999:
        raise ValueError("index too large for a synthetic registration number")
    first_nine = f"{office:03d}{business_type}{serial:04d}"
    return first_nine + brn.calc_check_digit(first_nine)


def _weighted(rng: random.Random, weights: dict[Any, int]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def company_for(index: int, *, seed: int) -> Company:
    """The synthetic company number ``index`` of data set ``seed`` (unsaved)."""
    rng = random.Random(seed * 1_000_003 + index)
    prefix, middle, suffix = rng.choice(PREFIXES), rng.choice(MIDDLES), rng.choice(SUFFIXES)
    form_ko, form_en = rng.choice(LEGAL_FORMS)
    name_ko = f"{form_ko}{prefix[0]}{middle[0]}{suffix[0]}"
    name_en = " ".join(part for part in (prefix[1], middle[1], suffix[1], form_en) if part)
    size = _weighted(rng, SIZE_WEIGHTS)
    age_days = rng.randint(30, 7 * 365 - 1) if size == SizeClass.STARTUP else rng.randint(3 * 365, 45 * 365)
    division = _weighted(rng, DIVISION_WEIGHTS)
    low, high = EMPLOYEES[size]
    revenue_low, revenue_high = REVENUE_MILLION_KRW[size]
    adoption = _weighted(rng, ADOPTION_WEIGHTS)
    if division in {"62", "63"} and rng.random() < 0.5:
        adoption = AIAdoption.AI_PROVIDER
    return Company(
        business_registration_number=registration_number(index),
        name_ko=name_ko,
        name_en=name_en,
        ksic_division=division,
        ksic_section=ksic.section_of(division),
        region=_weighted(rng, REGION_WEIGHTS),
        size_class=size,
        founded_on=TODAY - dt.timedelta(days=age_days),
        employees=rng.randint(low, high),
        revenue_krw=rng.randint(revenue_low, revenue_high) * 1_000_000,
        ai_adoption=adoption,
    )


def valuations_for(company: Company, *, seed: int, index: int) -> Iterator[ValuationRecord]:
    """A growing valuation history for AI-related startups and some other firms."""
    rng = random.Random(seed * 7_919 + index)
    is_ai = company.ai_adoption == AIAdoption.AI_PROVIDER
    if not (is_ai or (company.size_class == SizeClass.STARTUP and rng.random() < 0.2)):
        return
    rounds = rng.randint(1, 4)
    usd = rng.randint(2, 30) * 1_000_000
    if is_ai and rng.random() < 0.004:
        usd = rng.randint(200, 600) * 1_000_000  # a future unicorn candidate
    day = company.founded_on
    for _round in range(rounds):
        day = min(TODAY, day + dt.timedelta(days=rng.randint(200, 700)))
        yield ValuationRecord(
            company=company,
            valued_on=day,
            amount_usd=usd,
            amount_krw=usd * 1_380,
            source=ValuationSource.INVESTMENT_ROUND,
        )
        usd = int(usd * rng.uniform(1.3, 3.2))


def companies_seed(
    *,
    count: int,
    seed: int,
    start: int = 0,
    with_valuations: bool = True,
    batch_size: int = 5_000,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Insert ``count`` synthetic companies (indexes ``start`` .. ``start + count - 1``) in batches.

    Each batch commits on its own so that a million rows never sit in one transaction; a batch
    that fails rolls back alone and the error is raised. Returns the number inserted.
    """
    inserted = 0
    for batch_start in range(start, start + count, batch_size):
        batch_end = min(start + count, batch_start + batch_size)
        companies = [company_for(index, seed=seed) for index in range(batch_start, batch_end)]
        with transaction.atomic():
            Company.objects.bulk_create(companies, batch_size=batch_size)
            if with_valuations:
                if connection.features.can_return_rows_from_bulk_insert is False:  # pragma: no cover
                    raise RuntimeError("database cannot return ids from bulk insert")
                records = [
                    record
                    for offset, company in enumerate(companies)
                    for record in valuations_for(company, seed=seed, index=batch_start + offset)
                ]
                ValuationRecord.objects.bulk_create(records, batch_size=batch_size)
        inserted += len(companies)
        if progress:
            progress(len(companies))
    return inserted
