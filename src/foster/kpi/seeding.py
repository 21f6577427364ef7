"""Demo surveys: the plan's headline survey of SME AI utilization with three waves (2024 to 2026)
drawn from the demo registry by a stratified design, and the other 2024 survey the plan mentions
(300 SMEs, another question, 5.3%), kept apart.

Each wave is a stratified sample of the registry's SMEs (startups, small and medium enterprises)
by size class and region: n_h proportional to the stratum's size N_h (at least 2, at most N_h),
about 500 in all, drawn without replacement. A respondent uses AI with a probability that rises
by year (about 28% in 2024 toward 38% in 2026, higher for startups and companies already using AI
in the registry). The waves go through the real import (``wave_import``) as Korean CSV files, so
the demo shows what an import produces. Deterministic from the seed; does nothing if the headline
survey exists.
"""

from __future__ import annotations

import csv
import io
import math
import random
from collections import defaultdict

from foster.kpi.choices import Indicator, StratumDimension
from foster.kpi.models import Survey
from foster.kpi.selectors import SME_SIZE_CLASSES
from foster.kpi.services import SurveyData, survey_create, wave_import
from foster.registry.choices import AIAdoption
from foster.registry.models import Company

HEADLINE_CODE = "sme-ai-utilization"
OTHER_CODE = "sme-ai-use-300"
WAVE_LOGITS = {2024: math.log(0.19 / 0.81), 2025: math.log(0.235 / 0.765), 2026: math.log(0.285 / 0.715)}
SIZE_EFFECTS = {"startup": 0.35, "small": -0.15, "medium": 0.10}
ADOPTION_EFFECTS: dict[str, float] = {AIAdoption.IN_USE: 1.2, AIAdoption.AI_PROVIDER: 1.6, AIAdoption.PILOTING: 0.6}
SAMPLE_SIZE = 500


def _frame() -> dict[str, list[tuple[int, str, str, str, str, str]]]:
    strata: dict[str, list[tuple[int, str, str, str, str, str]]] = defaultdict(list)
    rows = (
        Company.objects.filter(size_class__in=SME_SIZE_CLASSES)
        .order_by("pk")
        .values_list("pk", "business_registration_number", "size_class", "ksic_section", "region", "ai_adoption")
    )
    for pk, number, size_class, section, region, adoption in rows:
        strata[f"{size_class}|{region}"].append((pk, number, size_class, section, region, adoption))
    return strata


def _wave_csv(
    strata: dict[str, list[tuple[int, str, str, str, str, str]]],
    year: int,
    size: int,
    rng: random.Random,
    *,
    base_logit: float,
) -> bytes:
    population = sum(len(members) for members in strata.values())
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["사업자등록번호", "층", "모집단수", "기업규모", "업종", "지역", "AI활용여부"])
    for label in sorted(strata):
        members = strata[label]
        n_h = min(len(members), max(2, round(size * len(members) / population)))
        if len(members) < 2:
            continue
        for _pk, number, size_class, section, region, adoption in rng.sample(members, n_h):
            logit = base_logit + SIZE_EFFECTS.get(size_class, 0.0) + ADOPTION_EFFECTS.get(adoption, 0.0)
            uses_ai = rng.random() < 1.0 / (1.0 + math.exp(-logit))
            writer.writerow([number, label, len(members), size_class, section, region, "예" if uses_ai else "아니오"])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def kpi_seed(*, seed: int = 2026) -> int:
    """Create the demo surveys and their waves (once). Returns how many waves were imported."""
    if Survey.objects.filter(code=HEADLINE_CODE).exists():
        return 0
    strata = _frame()
    if not strata:
        return 0
    headline = survey_create(
        user=None,
        data=SurveyData(
            code=HEADLINE_CODE,
            name_ko="중소기업 AI 활용 실태조사",
            name_en="SME AI utilization survey",
            question_ko="귀사는 현재 업무(생산, 영업, 관리 등)에 AI 기술이나 AI 기반 서비스를 활용하고 있습니까?",
            question_en="Does your company currently use AI technology or AI-based services in its work "
            "(production, sales, administration, ...)?",
            yes_definition="'예': 조사 시점에 업무에 AI를 활용 중 (시범 도입 포함, 검토만 한 경우 제외) / "
            "yes: in use at the time of the survey, pilots included, plans alone excluded",
            population="국내 중소기업 (창업기업, 소기업, 중기업) / Korean SMEs: startups, small and medium enterprises",
            sampling_frame="Foster 기업 레지스트리의 중소기업 / the SMEs of Foster's company registry",
            strata_dimensions=[StratumDimension.SIZE_CLASS, StratumDimension.REGION],
            strata_definition="기업규모 × 17개 시·도 (비례배분, 층별 최소 2개사) / size class × 17 regions "
            "(proportional allocation, at least 2 per stratum)",
            planned_sample_size=SAMPLE_SIZE,
            source="중소벤처기업부 기업 실태조사 / MSS business survey",
            indicator=Indicator.AI_UTILIZATION,
            is_headline=True,
        ),
    )
    rng = random.Random(seed)  # nosec B311  # seeded generator for reproducible demo data, not a secret
    imported = 0
    for year, base_logit in WAVE_LOGITS.items():
        data = _wave_csv(strata, year, SAMPLE_SIZE, rng, base_logit=base_logit)
        wave_import(
            user=None,
            survey=headline,
            year=year,
            handle=io.BytesIO(data),
            filename=f"ai-utilization-{year}.csv",
            fieldwork=f"{year}-05 ~ {year}-07",
        )
        imported += 1
    other = survey_create(
        user=None,
        data=SurveyData(
            code=OTHER_CODE,
            name_ko="중소기업 AI 도입 현황 조사 (300개사)",
            name_en="SME AI adoption survey (300 firms)",
            question_ko="귀사는 AI 솔루션을 도입하여 생산 공정에 적용하고 있습니까?",
            question_en="Has your company introduced an AI solution and applied it to its production process?",
            yes_definition="생산 공정 적용만 포함 / production use only",
            population="제조 중소기업 / manufacturing SMEs",
            sampling_frame="Foster 기업 레지스트리의 중소기업 / the SMEs of Foster's company registry",
            strata_dimensions=[StratumDimension.SIZE_CLASS],
            strata_definition="기업규모 / size class",
            planned_sample_size=300,
            source="중소기업 AI 도입 조사 / SME AI adoption survey",
            is_headline=False,
        ),
    )
    by_size: dict[str, list[tuple[int, str, str, str, str, str]]] = defaultdict(list)
    for members in strata.values():
        for member in members:
            by_size[member[2]].append(member)
    data = _wave_csv(by_size, 2024, 300, rng, base_logit=math.log(0.04 / 0.96))
    wave_import(user=None, survey=other, year=2024, handle=io.BytesIO(data), filename="ai-adoption-300-2024.csv")
    return imported + 1
