"""Eligibility of a registry company for a call: a verdict and a translated reason per rule."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from foster.programs.eligibility import EXPOSURE_CAP_KRW, application_eligibility, exposure_headroom_krw
from tests.factories import CallFactory, CompanyFactory

pytestmark = pytest.mark.django_db

SEOUL = dt.timezone(dt.timedelta(hours=9))

RULES = {
    "version": 1,
    "rules": [
        {"kind": "size_class_in", "size_classes": ["startup"]},
        {"kind": "sector_in", "sections": ["J"], "divisions": []},
        {"kind": "region_in", "regions": ["busan", "seoul"]},
        {"kind": "company_age_at_most", "years": 3},
        {"kind": "not_designated"},
        {"kind": "exposure_headroom_covers_request"},
        {"kind": "required_documents", "document_kinds": ["business_plan", "financial_statements"]},
    ],
}


def _evaluate(language: str, **company_values: object):  # type: ignore[no-untyped-def]
    call = CallFactory(
        eligibility_rules=RULES,
        opens_at=dt.datetime(2026, 3, 2, 9, 0, tzinfo=SEOUL),
        closes_at=dt.datetime(2026, 4, 1, 18, 0, tzinfo=SEOUL),
    )
    company = CompanyFactory(**company_values)
    with translation.override(language):
        report = application_eligibility(
            company=company,
            call=call,
            requested_amount_krw=12_000_000_000,
            document_kinds=["business_plan"],
            designated=True,
        )
        return report, [verdict.reason for verdict in report.verdicts]


def test_every_failing_rule_has_its_reason_in_english() -> None:
    report, reasons = _evaluate(
        "en",
        size_class="small",
        ksic_division="26",
        ksic_section="C",
        region="gyeonggi",
        founded_on=dt.date(2020, 3, 1),
    )

    assert not report.is_eligible
    assert [v.code for v in report.failures] == [
        "size_class_not_allowed",
        "sector_not_allowed",
        "region_not_allowed",
        "company_too_old",
        "already_designated",
        "exposure_headroom_insufficient",
        "required_documents_missing",
    ]
    assert reasons == [
        "The size class (Small enterprise) is not eligible; eligible size classes: "
        "Startup (within 7 years of founding).",
        "The industry (KSIC 26) is not eligible; eligible industries: J Information and communication.",
        "The region (Gyeonggi) is not eligible; eligible regions: Busan, Seoul.",
        "Founded on 2020-03-01, the company is more than 3 years old on 2026-04-01 (eligible only up to 2023-03-01).",
        "The company is already designated and cannot be designated again.",
        "The requested KRW 12,000,000,000 exceeds the remaining loan and guarantee limit of KRW 10,000,000,000 "
        "by KRW 2,000,000,000.",
        "Missing documents: Financial statements.",
    ]


def test_reasons_follow_the_language_with_korean_names() -> None:
    _report, reasons = _evaluate("ko", size_class="small", region="gyeonggi", founded_on=dt.date(2020, 3, 1))

    assert "창업기업(창업 7년 이내)" in reasons[0]
    assert "부산광역시, 서울특별시" in reasons[2]
    assert "정보통신업" in reasons[1] or "J " in reasons[1]


def test_a_passing_company_gets_a_reason_per_rule_too() -> None:
    call = CallFactory(eligibility_rules=RULES, closes_at=timezone.now() + dt.timedelta(days=3))
    company = CompanyFactory(
        size_class="startup", ksic_division="62", ksic_section="J", region="busan", founded_on=timezone.localdate()
    )
    with translation.override("en"):
        report = application_eligibility(
            company=company,
            call=call,
            requested_amount_krw=1_000_000,
            document_kinds=frozenset({"business_plan", "financial_statements"}),
            designated=False,
        )
        reasons = [verdict.reason for verdict in report.verdicts]

    assert report.is_eligible
    assert len(reasons) == 7
    assert reasons[-1] == "All required documents are attached."
    assert report.to_data()[1]["params"]["allowed_sections"] == ["J"]


def test_no_rules_means_eligible() -> None:
    call = CallFactory(eligibility_rules=[])
    report = application_eligibility(
        company=CompanyFactory(), call=call, requested_amount_krw=0, document_kinds=[], designated=False
    )
    assert report.is_eligible and report.verdicts == ()


def test_headroom_is_the_cap_less_the_ledger_exposure() -> None:
    from foster.finance.models import CompanyExposure

    company = CompanyFactory()
    assert exposure_headroom_krw(company) == EXPOSURE_CAP_KRW == 10_000_000_000
    CompanyExposure.objects.create(company=company, total_krw=7_500_000_000)
    assert exposure_headroom_krw(company) == 2_500_000_000
    CompanyExposure.objects.filter(company=company).update(total_krw=12_000_000_000)
    assert exposure_headroom_krw(company) == 0
