"""Cohorts through their services and pages: formed from a call's selected applications, mentors,
demo day, follow-on investments against the AI fund (the ledger stays reconciled), success stories
on the portal, partner organisations for overseas programs."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from foster.accounts.models import User
from foster.cohorts.models import Cohort, CohortStartup, FollowOnInvestment, PartnerOrganisation, ProgramPartnership
from foster.cohorts.services import (
    CohortData,
    InvestmentData,
    PartnerData,
    cohort_create,
    demo_day_set,
    follow_on_investment_record,
    mentor_add,
    partner_create,
    program_partner_link,
    success_story_publish,
)
from foster.core.models import AuditEvent
from foster.finance.choices import AccountKind, TransferKind
from foster.finance.ledger import TransferRefused
from foster.finance.models import Account, Transfer
from foster.finance.reconcile import ledger_reconcile
from foster.finance.selectors import ai_fund_monitor
from foster.programs.choices import ProgramType
from foster.programs.models import Program
from tests.cohorts.conftest import BILLION, Accelerator
from tests.factories import AgencyMembershipFactory, CallFactory, CompanyMembershipFactory, ProgramFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 2)


def _cohort(accelerator: Accelerator, **changes: Any) -> Cohort:
    data = CohortData(
        name_ko="AI 액셀러레이팅 1기",
        name_en="AI accelerator batch 1",
        starts_on=TODAY,
        ends_on=TODAY + dt.timedelta(days=120),
    )
    return cohort_create(user=accelerator.official, call=accelerator.call, data=data)


def test_a_cohort_takes_the_calls_selected_startups(accelerator: Accelerator) -> None:
    cohort = _cohort(accelerator)
    companies = set(cohort.startups.values_list("company__name_ko", flat=True))
    assert companies == {"(주)스타트업0", "(주)스타트업1"}  # selected and under agreement; not the rejected one
    with pytest.raises(ValidationError) as refused:
        _cohort(accelerator)
    assert refused.value.message_dict == {"call": ["This call already has its cohort."]}


def test_only_accelerator_and_overseas_calls_of_ones_own_agency_form_cohorts(accelerator: Accelerator) -> None:
    grant_call = CallFactory(
        program=ProgramFactory(agency=accelerator.call.program.agency, program_type=ProgramType.GRANT)
    )
    data = CohortData(name_ko="묶음", name_en="", starts_on=TODAY, ends_on=TODAY + dt.timedelta(days=10))
    with pytest.raises(ValidationError, match="Only calls of accelerator and overseas programs"):
        cohort_create(user=accelerator.official, call=grant_call, data=data)
    stranger = AgencyMembershipFactory().user
    with pytest.raises(PermissionDenied):
        cohort_create(user=stranger, call=accelerator.call, data=data)
    assert not Cohort.objects.exists()


def test_mentors_and_demo_day(accelerator: Accelerator) -> None:
    cohort = _cohort(accelerator)
    mentor_add(
        user=accelerator.official, cohort=cohort, name="Dana Kim", organisation="MIT CSAIL", expertise="Computer vision"
    )
    with pytest.raises(ValidationError) as refused:
        demo_day_set(user=accelerator.official, cohort=cohort, demo_day_on=TODAY - dt.timedelta(days=1), venue="")
    assert set(refused.value.message_dict) == {"demo_day_on", "venue"}
    demo_day_set(user=accelerator.official, cohort=cohort, demo_day_on=TODAY + dt.timedelta(days=118), venue="팁스타운")
    cohort.refresh_from_db()
    assert (cohort.demo_day_on, cohort.demo_day_venue) == (TODAY + dt.timedelta(days=118), "팁스타운")
    assert list(cohort.mentors.values_list("organisation", flat=True)) == ["MIT CSAIL"]


def _investment(key: str, fund: Program, amount: int, **changes: Any) -> InvestmentData:
    values: dict[str, Any] = {
        "key": key,
        "fund_program_id": fund.pk,
        "fund_amount_krw": amount,
        "source": "government",
        "round_name": "Series A",
        "lead_investor": "Demo Ventures",
        "round_total_krw": 3 * amount,
        "invested_on": timezone.localdate(),
    }
    values.update(changes)
    return InvestmentData(**values)


def test_a_follow_on_investment_is_recorded_against_the_ai_fund(
    accelerator: Accelerator, fund: tuple[User, Program]
) -> None:
    manager, program = fund
    cohort = _cohort(accelerator)
    startup = cohort.startups.order_by("company__name_ko").first()
    assert startup is not None
    before = ai_fund_monitor().total_krw
    investment = follow_on_investment_record(
        user=manager, startup=startup, data=_investment("inv-1", program, 2 * BILLION)
    )
    assert investment.transfer.kind == TransferKind.FUND_INVEST
    assert investment.transfer.company == startup.company
    held = Account.objects.get(kind=AccountKind.FUND_INVESTMENT, program=program, company=startup.company)
    assert held.posted_krw == 2 * BILLION
    assert ai_fund_monitor().total_krw == before  # money moved within the fund, the fund did not shrink
    again = follow_on_investment_record(user=manager, startup=startup, data=_investment("inv-1", program, 2 * BILLION))
    assert again.pk == investment.pk and FollowOnInvestment.objects.count() == 1
    assert ledger_reconcile() == []


def test_an_investment_beyond_the_paid_in_capital_records_nothing(
    accelerator: Accelerator, fund: tuple[User, Program]
) -> None:
    manager, program = fund
    startup = _cohort(accelerator).startups.first()
    assert startup is not None
    transfers = Transfer.objects.count()
    with pytest.raises(TransferRefused):
        follow_on_investment_record(user=manager, startup=startup, data=_investment("too-much", program, 6 * BILLION))
    with pytest.raises(ValidationError) as refused:
        follow_on_investment_record(
            user=manager, startup=startup, data=_investment("bad", program, BILLION, round_total_krw=1, round_name="")
        )
    assert set(refused.value.message_dict) == {"round_total_krw", "round_name"}
    assert (FollowOnInvestment.objects.count(), Transfer.objects.count()) == (0, transfers)
    with pytest.raises(PermissionDenied):  # the accelerator's official does not manage the fund
        follow_on_investment_record(user=accelerator.official, startup=startup, data=_investment("x", program, BILLION))
    assert ledger_reconcile() == []


def test_success_stories_appear_on_the_portal_and_can_be_withdrawn(accelerator: Accelerator) -> None:
    startup = _cohort(accelerator).startups.first()
    assert startup is not None
    success_story_publish(
        user=accelerator.official,
        startup=startup,
        title="데모데이 후 시리즈 A 유치",
        story="비전 검사 솔루션으로 3개 공장에 도입",
    )
    page = Client().get(reverse("portal:success-case-list")).content.decode()
    assert "데모데이 후 시리즈 A 유치" in page and "비전 검사 솔루션으로 3개 공장에 도입" in page
    success_story_publish(user=accelerator.official, startup=startup, title="", story="")
    page = Client().get(reverse("portal:success-case-list")).content.decode()
    assert "데모데이 후 시리즈 A 유치" not in page
    assert CohortStartup.objects.get(pk=startup.pk).story_published_at is None


def test_an_overseas_program_works_with_a_partner_abroad(db: None) -> None:
    official = AgencyMembershipFactory(agency__code="nipa").user
    program = ProgramFactory(agency=official.agency_memberships.get().agency, program_type=ProgramType.OVERSEAS)
    mit = partner_create(
        user=official,
        data=PartnerData(
            name_ko="매사추세츠 공과대학교", name_en="MIT", country="us", city="Cambridge, MA", kind="university"
        ),
    )
    program_partner_link(user=official, program=program, partner=mit, role="joint_research")
    assert (mit.country, ProgramPartnership.objects.get().role) == ("US", "joint_research")
    with pytest.raises(ValidationError, match="already listed"):
        partner_create(
            user=official, data=PartnerData(name_ko="MIT", name_en="mit", country="US", city="", kind="university")
        )
    other = AgencyMembershipFactory().user
    with pytest.raises(PermissionDenied):
        program_partner_link(user=other, program=program, partner=mit, role="expansion")
    assert PartnerOrganisation.objects.count() == 1


def _cohort_body(cohort: Cohort, **changes: Any) -> dict[str, Any]:
    return {
        "name_ko": cohort.name_ko,
        "name_en": cohort.name_en,
        "starts_on": cohort.starts_on.isoformat(),
        "ends_on": cohort.ends_on.isoformat(),
        "partner": cohort.partner_id or "",
        **changes,
    }


def test_an_official_corrects_the_cohorts_name_period_and_host(accelerator: Accelerator) -> None:
    cohort = _cohort(accelerator)
    host = partner_create(
        user=accelerator.official,
        data=PartnerData(name_ko="플러그앤플레이", name_en="Plug and Play", country="US", city="", kind="accelerator"),
    )
    client = Client()
    client.force_login(accelerator.official)
    url = reverse("cohorts:cohort-update", args=[cohort.pk])
    assert url in client.get(reverse("cohorts:cohort-detail", args=[cohort.pk])).content.decode()
    page = client.get(url)
    assert page.status_code == 200 and page.context["form"].initial["name_ko"] == "AI 액셀러레이팅 1기"
    answer = client.post(
        url, _cohort_body(cohort, name_ko="AI 액셀러레이팅 1기 (실리콘밸리)", ends_on="2026-08-31", partner=host.pk)
    )
    assert answer.status_code == 302
    cohort.refresh_from_db()
    assert (cohort.name_ko, cohort.ends_on, cohort.partner) == (
        "AI 액셀러레이팅 1기 (실리콘밸리)",
        dt.date(2026, 8, 31),
        host,
    )
    assert cohort.startups.count() == 2
    event = AuditEvent.objects.get(action="cohorts.cohort_update")
    assert event.changes["ends_on"] == [str(TODAY + dt.timedelta(days=120)), "2026-08-31"]
    assert set(event.changes) == {"name_ko", "ends_on", "partner_id"}


def test_a_cohort_edit_that_strands_the_demo_day_or_comes_from_elsewhere_changes_nothing(
    accelerator: Accelerator,
) -> None:
    cohort = _cohort(accelerator)
    demo_day_set(user=accelerator.official, cohort=cohort, demo_day_on=TODAY + dt.timedelta(days=100), venue="팁스타운")
    before = Cohort.objects.filter(pk=cohort.pk).values().get()
    client = Client()
    client.force_login(accelerator.official)
    url = reverse("cohorts:cohort-update", args=[cohort.pk])
    stranded = client.post(url, _cohort_body(cohort, ends_on=(TODAY + dt.timedelta(days=30)).isoformat()))
    assert stranded.status_code == 200 and "ends_on" in stranded.context["form"].errors
    backwards = client.post(url, _cohort_body(cohort, ends_on=(TODAY - dt.timedelta(days=1)).isoformat()))
    assert backwards.status_code == 200 and "ends_on" in backwards.context["form"].errors
    stranger = Client()
    stranger.force_login(AgencyMembershipFactory().user)
    assert stranger.post(url, _cohort_body(cohort, name_ko="남의 기수")).status_code == 403
    assert Cohort.objects.filter(pk=cohort.pk).values().get() == before
    assert not AuditEvent.objects.filter(action="cohorts.cohort_update").exists()


def _partner_body(**changes: Any) -> dict[str, Any]:
    return {
        "name_ko": "매사추세츠 공과대학교",
        "name_en": "Massachusetts Institute of Technology",
        "country": "us",
        "city": "Cambridge, MA",
        "kind": "university",
        "website": "https://www.mit.edu",
        "program": "",
        "role": "",
        **changes,
    }


def test_an_official_corrects_a_partner_and_links_it_to_a_program(db: None) -> None:
    official = AgencyMembershipFactory().user
    program = ProgramFactory(agency=official.agency_memberships.get().agency, program_type=ProgramType.OVERSEAS)
    partner = partner_create(
        user=official,
        data=PartnerData(name_ko="엠아이티", name_en="MIT", country="US", city="", kind="research_institute"),
    )
    client = Client()
    client.force_login(official)
    url = reverse("cohorts:partner-update", args=[partner.pk])
    assert url in client.get(reverse("cohorts:partner-list")).content.decode()
    page = client.get(url)
    assert page.status_code == 200 and page.context["form"].initial["name_en"] == "MIT"
    answer = client.post(url, _partner_body(program=program.pk, role="joint_research"))
    assert answer.status_code == 302
    partner.refresh_from_db()
    assert (partner.name_en, partner.country, partner.kind) == (
        "Massachusetts Institute of Technology",
        "US",
        "university",
    )
    assert ProgramPartnership.objects.get().partner == partner
    event = AuditEvent.objects.get(action="cohorts.partner_update")
    assert event.changes["name_en"] == ["MIT", "Massachusetts Institute of Technology"]
    assert "country" not in event.changes


def test_a_refused_partner_edit_changes_nothing(db: None) -> None:
    official = AgencyMembershipFactory().user
    program = ProgramFactory(agency=official.agency_memberships.get().agency, program_type=ProgramType.OVERSEAS)
    data = PartnerData(name_ko="엠아이티", name_en="MIT", country="US", city="", kind="university")
    partner = partner_create(user=official, data=data)
    partner_create(user=official, data=replace(data, name_ko="스탠퍼드", name_en="Stanford"))
    program_partner_link(user=official, program=program, partner=partner, role="joint_research")
    before = PartnerOrganisation.objects.filter(pk=partner.pk).values().get()
    client = Client()
    client.force_login(official)
    url = reverse("cohorts:partner-update", args=[partner.pk])
    duplicate = client.post(url, _partner_body(name_en="stanford", country="US", program=program.pk, role="expansion"))
    assert duplicate.status_code == 200 and "name_en" in duplicate.context["form"].errors
    linked_twice = client.post(url, _partner_body(program=program.pk, role="joint_research"))
    assert linked_twice.status_code == 200 and linked_twice.context["form"].errors  # the new names roll back too
    bad_country = client.post(url, _partner_body(country="U1"))
    assert bad_country.status_code == 200 and "country" in bad_country.context["form"].errors
    company_side = Client()
    company_side.force_login(CompanyMembershipFactory().user)
    assert company_side.post(url, _partner_body()).status_code == 403
    assert PartnerOrganisation.objects.filter(pk=partner.pk).values().get() == before
    assert ProgramPartnership.objects.count() == 1
    assert not AuditEvent.objects.filter(action="cohorts.partner_update").exists()


def test_the_cohort_page_records_an_investment_from_its_form(
    accelerator: Accelerator, fund: tuple[User, Program]
) -> None:
    manager, program = fund
    cohort = _cohort(accelerator)
    startup = cohort.startups.first()
    assert startup is not None
    client = Client()
    client.force_login(manager)
    page = client.get(reverse("cohorts:cohort-detail", kwargs={"pk": cohort.pk}))
    assert page.status_code == 200
    response = client.post(
        reverse("cohorts:investment-add", kwargs={"pk": startup.pk}),
        {
            "idempotency_key": "form-key-1",
            "fund_program": program.pk,
            "source": "government",
            "fund_amount_krw": 500_000_000,
            "round_total_krw": 2_000_000_000,
            "round_name": "Pre-A",
            "lead_investor": "카카오벤처스",
            "invested_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    assert FollowOnInvestment.objects.get().fund_amount_krw == 500_000_000
