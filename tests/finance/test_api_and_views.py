"""The finance pages and API over HTTP: idempotent writes (201, 200, 409), scoping, forms."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from foster.accounts.models import User
from foster.finance.choices import Instrument, TransferKind
from foster.finance.models import Agreement, Transfer
from foster.finance.selectors import liquidity_share_monitor
from foster.finance.services import agreement_approve, agreement_cancel, agreement_disburse, budget_fund
from foster.programs.models import Program
from foster.registry.models import Company
from tests.factories import AgencyFactory, CompanyMembershipFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def api_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_api_approval_is_idempotent(official: User, loan_program: Program, borrower: Company) -> None:
    client = api_client(official)
    body = {"program": loan_program.pk, "company": borrower.pk, "instrument": "loan", "amount_krw": 2_000_000_000}
    url = reverse("api:finance-agreement-list")

    first = client.post(url, body, content_type="application/json", headers={"idempotency-key": "api-1"})
    again = client.post(url, body, content_type="application/json", headers={"idempotency-key": "api-1"})
    other = client.post(
        url,
        {**body, "amount_krw": 3_000_000_000},
        content_type="application/json",
        headers={"idempotency-key": "api-1"},
    )
    missing = client.post(url, body, content_type="application/json")

    assert (first.status_code, again.status_code, other.status_code, missing.status_code) == (201, 200, 409, 400)
    assert first.json()["id"] == again.json()["id"]
    assert sum(entry["amount_krw"] for entry in first.json()["entries"]) == 0
    assert Transfer.objects.filter(kind=TransferKind.RESERVE).count() == 1


def test_api_refuses_past_the_cap_with_the_reason(official: User, loan_program: Program, borrower: Company) -> None:
    client = api_client(official)
    body = {"program": loan_program.pk, "company": borrower.pk, "instrument": "loan", "amount_krw": 10_000_000_001}
    response = client.post(
        reverse("api:finance-agreement-list"), body, content_type="application/json", headers={"idempotency-key": "x"}
    )
    assert response.status_code == 400 and "10,000,000,000" in str(response.json())
    assert Agreement.objects.count() == 0


def test_api_operations_disburse(official: User, loan_program: Program, borrower: Company) -> None:
    agreement = agreement_approve(
        user=official, key="op", program=loan_program, company=borrower, instrument=Instrument.LOAN, amount_krw=10**9
    ).transfer.agreement
    assert agreement is not None
    url = reverse("api:finance-agreement-operations", args=[agreement.pk])
    client = api_client(official)
    body = {"operation": "disburse", "amount_krw": 10**9}
    assert client.post(url, body, content_type="application/json", headers={"idempotency-key": "d"}).status_code == 201
    over = client.post(url, body, content_type="application/json", headers={"idempotency-key": "d2"})
    assert over.status_code == 400


def test_a_company_member_sees_only_their_own_agreements(official: User, loan_program: Program) -> None:
    membership = CompanyMembershipFactory()
    mine = agreement_approve(
        user=official,
        key="mine",
        program=loan_program,
        company=membership.company,
        instrument=Instrument.LOAN,
        amount_krw=10**9,
    ).transfer.agreement
    agreement_approve(
        user=official,
        key="theirs",
        program=loan_program,
        company=Company.objects.create(
            business_registration_number="1168200276",
            name_ko="(주)남",
            ksic_section="C",
            ksic_division="26",
            region="seoul",
            size_class="small",
            founded_on="2020-01-01",
        ),
        instrument=Instrument.LOAN,
        amount_krw=10**9,
    )
    client = api_client(membership.user)
    listed = client.get(reverse("api:finance-agreement-list")).json()
    assert [item["id"] for item in listed["results"]] == [mine.pk]  # type: ignore[union-attr]
    page = client.get(reverse("finance:company-finance", args=[membership.company.pk]))
    assert page.status_code == 200 and list(page.context["agreements"]) == [mine]


def test_the_approval_form_posts_once_on_double_submit(
    official: User, loan_program: Program, borrower: Company
) -> None:
    client = api_client(official)
    url = reverse("finance:agreement-approve", args=[loan_program.pk])
    initial = client.get(url).context["form"].initial
    body = {
        "idempotency_key": initial["idempotency_key"],
        "reference": initial["reference"],
        "business_registration_number": borrower.business_registration_number,
        "instrument": "guarantee",
        "amount_krw": 500_000_000,
        "interest_rate_basis_points": 0,
        "private_matched_krw": 0,
    }
    first, second = client.post(url, body), client.post(url, body)
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    assert Agreement.objects.get().reference == f"{timezone.localdate().year}-P{loan_program.pk}-0001"


def test_the_approval_form_suggests_the_next_number_and_refuses_one_in_use(
    official: User, loan_program: Program, borrower: Company
) -> None:
    client = api_client(official)
    url = reverse("finance:agreement-approve", args=[loan_program.pk])
    year = timezone.localdate().year
    agreement_approve(
        user=official,
        key="api-key",
        reference=f"{year}-P{loan_program.pk}-0001",
        program=loan_program,
        company=borrower,
        instrument=Instrument.GUARANTEE,
        amount_krw=10**8,
    )
    assert client.get(url).context["form"].initial["reference"] == f"{year}-P{loan_program.pk}-0002"
    body = {
        "idempotency_key": "page-key",
        "reference": f" {year}-P{loan_program.pk}-0001 ",
        "business_registration_number": borrower.business_registration_number,
        "instrument": "guarantee",
        "amount_krw": 500_000_000,
    }
    taken = client.post(url, body)
    assert taken.status_code == 200
    assert f"{year}-P{loan_program.pk}-0001" in str(taken.context["form"].errors["reference"])
    assert Agreement.objects.count() == 1 and Transfer.objects.filter(agreement__isnull=False).count() == 1
    blank = client.post(url, {**body, "idempotency_key": "page-key-2", "reference": "  "})
    assert blank.status_code == 200 and "reference" in blank.context["form"].errors
    typed = client.post(url, {**body, "idempotency_key": "page-key-3", "reference": "융자-2026-17"})
    assert typed.status_code == 302
    agreement = Agreement.objects.get(reference="융자-2026-17")
    page = client.get(reverse("finance:agreement-detail", args=[agreement.pk])).content.decode()
    assert "융자-2026-17" in page and "page-key-3" not in page


def test_an_api_approval_takes_the_agencys_reference(official: User, loan_program: Program, borrower: Company) -> None:
    client = api_client(official)
    body = {"program": loan_program.pk, "company": borrower.pk, "instrument": "guarantee", "amount_krw": 10**8}
    url = reverse("api:finance-agreement-list")
    made = client.post(
        url, {**body, "reference": "보증-2026-0007"}, content_type="application/json", headers={"idempotency-key": "a"}
    )
    assert made.status_code == 201
    assert Agreement.objects.get().reference == "보증-2026-0007"
    taken = client.post(
        url, {**body, "reference": "보증-2026-0007"}, content_type="application/json", headers={"idempotency-key": "b"}
    )
    assert taken.status_code == 400 and "reference" in taken.json()
    assert Agreement.objects.count() == 1


def test_an_api_approval_without_a_reference_is_known_by_its_key(
    official: User, loan_program: Program, borrower: Company
) -> None:
    outcome = agreement_approve(
        user=official, key="client-17", program=loan_program, company=borrower, instrument="guarantee", amount_krw=10**8
    )
    assert outcome.transfer.agreement is not None and outcome.transfer.agreement.reference == "client-17"
    with pytest.raises(ValidationError) as refused:
        agreement_approve(
            user=official,
            key="k" * 81,
            program=loan_program,
            company=borrower,
            instrument="guarantee",
            amount_krw=10**8,
        )
    assert "reference" in refused.value.message_dict and Agreement.objects.count() == 1


def test_monitors_link_to_transfers(official: User, loan_program: Program, borrower: Company) -> None:
    agreement_approve(
        user=official, key="m", program=loan_program, company=borrower, instrument=Instrument.LOAN, amount_krw=10**9
    )
    other = ProgramFactory(agency=AgencyFactory(code="kosme"), policy_tags=["data"])
    assert other.pk
    response = api_client(official).get(reverse("finance:monitors"))
    liquidity = response.context["liquidity"]
    assert (liquidity.numerator_krw, liquidity.denominator_krw, liquidity.share_percent) == (10**9, 10**9, 100.0)
    assert reverse("finance:transfer-detail", args=[liquidity.transfer_ids[0]]) in response.content.decode()


def test_the_budget_form_funds_once(official: User, loan_program: Program) -> None:
    client = api_client(official)
    body = {"idempotency_key": "fund-twice", "operation": "budget_fund", "source": "private", "amount_krw": 10**9}
    url = reverse("finance:program-money", args=[loan_program.pk])
    assert client.post(url, body).status_code == client.post(url, body).status_code == 302
    assert Transfer.objects.filter(kind=TransferKind.BUDGET_FUND, program=loan_program).count() == 2  # fixture + one
    call = client.post(url, {**body, "idempotency_key": "call", "operation": "capital_call"})
    assert call.status_code == 200 and call.context["money_form"].non_field_errors()


def test_the_liquidity_monitor_falls_after_a_cancellation(
    official: User, loan_program: Program, borrower: Company
) -> None:
    kept = agreement_approve(
        user=official, key="kept", program=loan_program, company=borrower, instrument=Instrument.LOAN, amount_krw=10**9
    ).transfer
    cancelled = agreement_approve(
        user=official,
        key="gone",
        program=loan_program,
        company=borrower,
        instrument=Instrument.LOAN,
        amount_krw=3 * 10**9,
    ).transfer
    untagged = ProgramFactory(agency=loan_program.agency, program_type="loan", policy_tags=["data"])
    budget_fund(user=official, key="fund-untagged", program=untagged, amount_krw=10**11)
    agreement_approve(
        user=official, key="plain", program=untagged, company=borrower, instrument=Instrument.LOAN, amount_krw=10**9
    )
    year = kept.created_at.year
    before = liquidity_share_monitor(year=year)
    assert (before.numerator_krw, before.denominator_krw) == (4 * 10**9, 5 * 10**9)

    assert cancelled.agreement is not None
    agreement_disburse(user=official, key="part", agreement=cancelled.agreement, amount_krw=10**9)
    agreement_cancel(user=official, key="cancel", agreement=cancelled.agreement)  # 2 billion never paid out

    after = liquidity_share_monitor(year=year)
    assert (after.numerator_krw, after.denominator_krw, after.share_percent) == (2 * 10**9, 3 * 10**9, 66.7)
    assert set(after.transfer_ids) == {kept.pk, cancelled.pk}
    agreement = kept.agreement
    assert agreement is not None
    agreement_cancel(user=official, key="cancel-kept", agreement=agreement)
    assert liquidity_share_monitor(year=year).transfer_ids == [cancelled.pk]


def test_the_registry_company_page_links_to_the_finance_page(official: User) -> None:
    membership = CompanyMembershipFactory()
    link = reverse("finance:company-finance", args=[membership.company.pk])
    for user in (membership.user, official):
        page = api_client(user).get(reverse("registry:company-detail", args=[membership.company.pk]))
        assert page.status_code == 200 and link in page.content.decode()
        assert api_client(user).get(link).status_code == 200


def test_finance_pages_name_the_company_in_the_interface_language(official: User, loan_program: Program) -> None:
    """Found by the plan journey (issue 10): the agreement page of the English interface named the
    company in Korean (``str(company)``); every finance page now uses the name in the active language."""
    from tests.factories import CompanyFactory
    from tests.http import english_client

    company = CompanyFactory(name_ko="(주)한빛인공지능", name_en="Hanbit AI Co., Ltd.")
    agreement = agreement_approve(
        user=official,
        key="agreement-in-english",
        program=loan_program,
        company=company,
        instrument=Instrument.GRANT,
        amount_krw=1_000_000,
    ).transfer.agreement
    assert agreement is not None
    pages = [
        reverse("finance:agreement-detail", args=[agreement.pk]),
        reverse("finance:company-finance", args=[company.pk]),
        reverse("finance:program-ledger", args=[loan_program.pk]),
    ]
    for url in pages:
        english = english_client(official).get(url).content.decode()
        korean = api_client(official).get(url).content.decode()
        assert "Hanbit AI Co., Ltd." in english and "(주)한빛인공지능" not in english, url
        assert "(주)한빛인공지능" in korean, url
