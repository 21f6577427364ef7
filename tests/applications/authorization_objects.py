"""Objects and request bodies for the applications rows of the authorization matrix
(used by tests/test_authorization.py's OBJECT_BUILDERS and WRITE_PAYLOADS).

``own application``: a draft of the user's company, or, for an agency official, an application
to a call of their agency; ``other application``: another company's, to another agency's call.
``submitted-application`` is the same, submitted. ``attachment`` follows its application.
"""

from __future__ import annotations

from typing import Any

from foster.accounts.choices import Role
from foster.accounts.models import Agency, User
from foster.applications.choices import ApplicationStatus
from foster.applications.models import Application, Attachment
from foster.programs.models import Call
from foster.registry.models import Company, CompanyMembership
from tests.applications.objects import PDF_BYTES, application_build, call_build, upload
from tests.factories import AgencyFactory, CompanyFactory, UserFactory


def _home_agency(user: User | None) -> Agency:
    membership = user.agency_memberships.select_related("agency").first() if user is not None else None
    return membership.agency if membership else AgencyFactory(code="kosme")


def _other_agency() -> Agency:
    return AgencyFactory(code="kodit")


def _own_company(user: User | None) -> Company | None:
    membership = CompanyMembership.objects.filter(user=user).select_related("company").first() if user else None
    return membership.company if membership else None


def application(user: User | None, variant: str, status: str = ApplicationStatus.DRAFT) -> Application | None:
    company = _own_company(user) if variant == "own" else None
    if variant == "own" and company is None:
        if user is None or user.role != Role.AGENCY_OFFICIAL:
            return None
        call = call_build(agency=_home_agency(user))
    else:
        call = call_build(agency=_home_agency(user) if variant == "own" else _other_agency())
    return application_build(
        call=call, company=company or CompanyFactory(), applicant=user if company else UserFactory(), status=status
    )


def submitted_application(user: User | None, variant: str) -> Application | None:
    return application(user, variant, status=ApplicationStatus.SUBMITTED)


def attachment(user: User | None, variant: str) -> Attachment | None:
    owner = application(user, variant)
    if owner is None:
        return None
    return Attachment.objects.create(
        application=owner,
        field_key="business_plan",
        file=upload("plan.pdf", PDF_BYTES),
        original_name="사업계획서.pdf",
        content_type="application/pdf",
        size_bytes=len(PDF_BYTES),
        sha256="0" * 64,
    )


def open_call(user: User | None, variant: str) -> Call:
    return call_build(agency=_home_agency(None))


def _company_choice(user: User | None) -> dict[str, Any]:
    company = _own_company(user)
    return {"company": company.pk if company else ""}


PAYLOADS: dict[tuple[str, str], Any] = {
    ("applications:application-start", "POST"): lambda user, obj: _company_choice(user),
    ("applications:application-edit", "POST"): lambda user, obj: {"action": "save", "summary": "요약"},
    ("applications:application-withdraw", "POST"): lambda user, obj: {"reason": "일정 변경"},
    ("applications:application-transition", "POST"): lambda user, obj: {"transition": "screen_eligible"},
    ("applications:application-override", "POST"): lambda user, obj: {"to_status": "eligible", "reason": "재검토"},
    ("core:notification-preferences", "POST"): lambda user, obj: {"decision__email": "on"},
}
