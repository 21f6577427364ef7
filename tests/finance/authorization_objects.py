"""Objects and request bodies of the finance routes for tests/test_authorization.py.

``own finance-agreement``: a loan to the user's company (company members) or under a program of
the official's agency (officials); ``other``: a loan to another company under another agency's
(KIBO) program. ``finance-transfer``: the approval (reservation) transfer of such an agreement;
``finance-repayment``: a posted repayment of one (a transfer that can be reversed).
"""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from foster.accounts.choices import Role
from foster.accounts.models import Agency, AgencyMembership, User
from foster.finance.choices import Instrument
from foster.finance.models import Agreement, ExposureImport, Transfer
from foster.finance.services import agreement_approve, agreement_disburse, budget_fund, loan_repay
from foster.programs.choices import ProgramType
from foster.programs.models import Program
from foster.registry.choices import ImportStatus
from foster.registry.models import Company, CompanyMembership
from tests.factories import AgencyFactory, AgencyMembershipFactory, CompanyFactory, ProgramFactory


def _official_of(agency: Agency) -> User:
    membership = AgencyMembership.objects.filter(agency=agency, user__role=Role.AGENCY_OFFICIAL).first()
    return membership.user if membership else AgencyMembershipFactory(agency=agency).user


def _funded_loan_program(agency: Agency) -> Program:
    program = ProgramFactory(agency=agency, program_type=ProgramType.LOAN)
    budget_fund(user=_official_of(agency), key=f"authz-fund-{program.pk}", program=program, amount_krw=10**11)
    return program


def finance_agreement(user: User | None, variant: str) -> Agreement | None:
    if variant == "own":
        if user is None:
            return None
        membership = CompanyMembership.objects.filter(user=user).select_related("company").first()
        if membership is not None:
            company: Company = membership.company
            program = _funded_loan_program(AgencyFactory(code="kosme"))
        elif user.role == Role.AGENCY_OFFICIAL and user.agency_memberships.exists():
            company = CompanyFactory()
            program = _funded_loan_program(user.agency_memberships.first().agency)  # type: ignore[union-attr]
        else:
            return None
    else:
        company = CompanyFactory()
        program = _funded_loan_program(AgencyFactory(code="kibo"))
    outcome = agreement_approve(
        user=_official_of(program.agency),
        key=f"authz-agreement-{program.pk}",
        program=program,
        company=company,
        instrument=Instrument.LOAN,
        amount_krw=1_000_000_000,
    )
    return outcome.transfer.agreement


def finance_transfer(user: User | None, variant: str) -> Transfer | None:
    agreement = finance_agreement(user, variant)
    return agreement.reservation if agreement else None


def finance_repayment(user: User | None, variant: str) -> Transfer | None:
    """A posted (reversible) repayment of such an agreement."""
    agreement = finance_agreement(user, variant)
    if agreement is None:
        return None
    lender = _official_of(agreement.program.agency)
    agreement_disburse(user=lender, key=f"authz-disburse-{agreement.pk}", agreement=agreement, amount_krw=10**9)
    return loan_repay(
        user=lender, key=f"authz-repay-{agreement.pk}", agreement=agreement, principal_krw=10**8, interest_krw=0
    ).transfer


def exposure_import_for(*, owner: User, company: Company | None = None) -> ExposureImport:
    """A checked exposure import started by ``owner`` (its file stored under MEDIA_ROOT)."""
    company = company or CompanyFactory()
    content = f"사업자등록번호,잔액\n{company.business_registration_number},500000000\n".encode()
    record = ExposureImport(
        source="kibo", as_of="2026-09-30", filename="kibo.csv", status=ImportStatus.READY, created_by=owner
    )
    record.file.save("kibo.csv", ContentFile(content), save=False)
    record.plan = {"rows": 1, "changed": 1, "unchanged": 0, "errors": [], "error_count": 0}
    record.save()
    return record


def exposure_import(user: User | None, variant: str) -> ExposureImport | None:
    if variant == "own":
        if user is None or not user.has_perm("finance.import_exposures"):
            return None
        return exposure_import_for(owner=user)
    return exposure_import_for(owner=AgencyMembershipFactory(agency=AgencyFactory(code="kibo")).user)


def _fund_if_allowed(user: User | None, program: Any) -> None:
    if program is not None and user is not None and user.has_perm("finance.manage_program_money", program):
        budget_fund(user=user, key=f"authz-payload-fund-{program.pk}", program=program, amount_krw=10**11)


def _approve_form(user: User | None, program: Any) -> dict[str, Any]:
    _fund_if_allowed(user, program)
    return {
        "idempotency_key": "authz-approve",
        "reference": "AUTHZ-1",
        "business_registration_number": CompanyFactory().business_registration_number,
        "instrument": "loan",
        "amount_krw": 1_000_000,
        "interest_rate_basis_points": 0,
        "private_matched_krw": 0,
    }


def _api_approve(user: User | None, program: Any) -> dict[str, Any]:
    _fund_if_allowed(user, program)
    return {
        "idempotency_key": "authz-api-approve",
        "program": program.pk if program else None,
        "company": CompanyFactory().pk,
        "instrument": "loan",
        "amount_krw": 1_000_000,
    }


def _import_upload(user: User | None, obj: Any) -> dict[str, Any]:
    company = CompanyFactory()
    content = f"사업자등록번호,잔액\n{company.business_registration_number},500000000\n".encode()
    return {"source": "kibo", "as_of": "2026-09-30", "file": SimpleUploadedFile("kibo.csv", content, "text/csv")}


OPERATION = {"idempotency_key": "authz-operation", "operation": "disburse", "amount_krw": 1_000}
REVERSAL = {"idempotency_key": "authz-reverse", "reason": "entered twice"}


def _api_program_money(user: User | None, program: Any) -> dict[str, Any]:
    return {
        "idempotency_key": "authz-api-money",
        "program": program.pk if program else None,
        "operation": "budget_fund",
        "source": "government",
        "amount_krw": 10**9,
    }


PAYLOADS: dict[tuple[str, str], Any] = {
    ("finance:agreement-approve", "POST"): _approve_form,
    ("finance:agreement-operate", "POST"): lambda user, obj: dict(OPERATION),
    ("finance:program-money", "POST"): lambda user, obj: {
        "idempotency_key": "authz-money",
        "operation": "budget_fund",
        "source": "government",
        "amount_krw": 10**9,
    },
    ("finance:exposure-import", "POST"): _import_upload,
    ("api:finance-agreement-list", "POST"): _api_approve,
    ("api:finance-agreement-operations", "POST"): lambda user, obj: dict(OPERATION),
    ("finance:transfer-reverse", "POST"): lambda user, obj: dict(REVERSAL),
    ("api:finance-transfer-reverse", "POST"): lambda user, obj: dict(REVERSAL),
    ("api:finance-transfer-list", "POST"): _api_program_money,
    ("finance:exposure-import-detail", "POST"): lambda user, obj: {},
}


def world_payloads() -> dict[tuple[str, str], Any]:
    """``WRITE_PAYLOADS`` entries ``(world, obj) -> body`` for the finance routes."""
    return {key: (lambda world, obj, key=key: PAYLOADS[key](world.user, obj)) for key in PAYLOADS}


OBJECT_BUILDERS: dict[str, Any] = {
    "finance-agreement": lambda world, variant: finance_agreement(world.user, variant),
    "finance-transfer": lambda world, variant: finance_transfer(world.user, variant),
    "finance-repayment": lambda world, variant: finance_repayment(world.user, variant),
    "exposure-import": lambda world, variant: exposure_import(world.user, variant),
}
