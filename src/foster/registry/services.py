"""Writes to the registry. Each service validates, writes and records an audit event atomically."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from foster.accounts.choices import Role
from foster.core.caching import area_changed
from foster.core.services import audit_event_record, field_changes, jsonable_values
from foster.registry import ksic
from foster.registry.choices import AIAdoption, MembershipRole, Region, SizeClass, ValuationSource
from foster.registry.models import Company, CompanyMembership, ValuationRecord
from foster.registry.validation import clean_business_registration_number, clean_ksic_division

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass
class CompanyData:
    """Everything needed to create or update a company; validated by ``validate()``."""

    business_registration_number: str
    name_ko: str
    ksic_division: str
    region: str
    size_class: str
    founded_on: dt.date
    name_en: str = ""
    employees: int = 0
    revenue_krw: int = 0
    ai_adoption: str = AIAdoption.NONE

    def validate(self) -> dict[str, Any]:
        """Return the cleaned field values, or raise ValidationError naming every bad field."""
        errors: dict[str, list[str]] = {}
        cleaned: dict[str, Any] = {}

        def check(field: str, func: Any) -> None:
            try:
                cleaned[field] = func()
            except ValidationError as error:
                errors[field] = list(error.messages)

        # Messages are lazy and the allowed values precomputed: bulk import validates every row here.
        check(
            "business_registration_number",
            lambda: clean_business_registration_number(self.business_registration_number),
        )
        check("name_ko", lambda: _required_text(self.name_ko, _KOREAN_NAME_REQUIRED))
        check("name_en", lambda: _optional_text(self.name_en))
        check("ksic_division", lambda: clean_ksic_division(self.ksic_division))
        check("region", lambda: _choice(self.region, _REGION_VALUES, _REGION_INVALID))
        check("size_class", lambda: _choice(self.size_class, _SIZE_CLASS_VALUES, _SIZE_CLASS_INVALID))
        check("ai_adoption", lambda: _choice(self.ai_adoption, _AI_ADOPTION_VALUES, _AI_ADOPTION_INVALID))
        check("founded_on", lambda: _past_date(self.founded_on))
        check("employees", lambda: _non_negative(self.employees, _EMPLOYEES_INVALID, maximum=_EMPLOYEES_MAX))
        check("revenue_krw", lambda: _non_negative(self.revenue_krw, _REVENUE_INVALID, maximum=_REVENUE_MAX))
        if errors:
            raise ValidationError(errors)
        cleaned["ksic_section"] = ksic.section_of(cleaned["ksic_division"])
        return cleaned


_REGION_VALUES = frozenset(Region.values)
_SIZE_CLASS_VALUES = frozenset(SizeClass.values)
_AI_ADOPTION_VALUES = frozenset(AIAdoption.values)
_KOREAN_NAME_REQUIRED = gettext_lazy("Enter the company's Korean name.")
_REGION_INVALID = gettext_lazy("Choose one of the 17 regions.")
_SIZE_CLASS_INVALID = gettext_lazy("Choose a size class.")
_AI_ADOPTION_INVALID = gettext_lazy("Choose an AI adoption status.")
_EMPLOYEES_INVALID = gettext_lazy("Employees must be zero or more.")
_REVENUE_INVALID = gettext_lazy("Revenue must be zero or more won.")
_EMPLOYEES_MAX = 2_147_483_647  # the largest value the employees column holds
_REVENUE_MAX = 9_223_372_036_854_775_807  # the largest value the revenue column holds
_NAME_MAX_LENGTH = 200


def _optional_text(value: str) -> str:
    text = (value or "").strip()
    if len(text) > _NAME_MAX_LENGTH:
        raise ValidationError(_("Use at most 200 characters."))
    return text


def _required_text(value: str, message: StrOrPromise) -> str:
    text = _optional_text(value)
    if not text:
        raise ValidationError(message)
    return text


def _choice(value: str, allowed: frozenset[str], message: StrOrPromise) -> str:
    if value not in allowed:
        raise ValidationError(message)
    return value


def _past_date(value: dt.date) -> dt.date:
    if not isinstance(value, dt.date):
        raise ValidationError(_("Enter the founding date as YYYY-MM-DD."))
    if value > dt.date.today():
        raise ValidationError(_("The founding date cannot be in the future."))
    if value.year < 1900:
        raise ValidationError(_("The founding date must be in 1900 or later."))
    return value


def _non_negative(value: int, message: StrOrPromise, *, maximum: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValidationError(message)
    if value > maximum:
        raise ValidationError(_("Enter at most %(maximum)s.") % {"maximum": f"{maximum:,}"})
    return value


def _duplicate_error() -> ValidationError:
    return ValidationError(
        {
            "business_registration_number": [
                _(
                    "A company with this business registration number is already registered. "
                    "Ask one of its members or an agency official to add you."
                )
            ]
        }
    )


@transaction.atomic
def company_register(*, user: Any, data: CompanyData) -> Company:
    """Self-registration: a signed-in user registers their company and becomes its representative.

    A member of the public becomes a company member (a large-company member when the company is large).
    """
    if not user.has_perm("registry.add_company"):
        raise PermissionDenied(_("You may not register companies."))
    cleaned = data.validate()
    if Company.objects.filter(business_registration_number=cleaned["business_registration_number"]).exists():
        raise _duplicate_error()
    try:
        with transaction.atomic():
            company = Company.objects.create(**cleaned)
    except IntegrityError:
        raise _duplicate_error() from None
    if user.role != Role.AGENCY_OFFICIAL:
        CompanyMembership.objects.create(user=user, company=company, role=MembershipRole.OWNER)
        if user.role == Role.PUBLIC or (user.role == Role.COMPANY_MEMBER and company.size_class == SizeClass.LARGE):
            user.role = Role.LARGE_COMPANY_MEMBER if company.size_class == SizeClass.LARGE else Role.COMPANY_MEMBER
            user.save(update_fields=["role"])
    audit_event_record(
        actor=user,
        action="company.register",
        target=company,
        changes=jsonable_values(cleaned),
    )
    area_changed("registry")
    return company


@transaction.atomic
def company_update(*, user: Any, company: Company, data: CompanyData, reason: str = "") -> Company:
    """Change a company's registry entry; the audit event lists each changed field, before and after."""
    if not user.has_perm("registry.change_company", company):
        raise PermissionDenied(_("You may not change this company."))
    cleaned = data.validate()
    locked = Company.objects.select_for_update().get(pk=company.pk)
    if (
        cleaned["business_registration_number"] != locked.business_registration_number
        and Company.objects.filter(business_registration_number=cleaned["business_registration_number"]).exists()
    ):
        raise _duplicate_error()
    changes = field_changes(locked, cleaned)
    if not changes:
        return locked
    for field, value in cleaned.items():
        setattr(locked, field, value)
    locked.save()
    audit_event_record(actor=user, action="company.update", target=locked, reason=reason, changes=changes)
    area_changed("registry")
    return locked


@transaction.atomic
def valuation_record_add(
    *,
    user: Any,
    company: Company,
    valued_on: dt.date,
    amount_krw: int,
    source: str,
    amount_usd: int | None = None,
    note: str = "",
) -> ValuationRecord:
    """Add one valuation to a company's history."""
    if not user.has_perm("registry.add_valuationrecord", company):
        raise PermissionDenied(_("You may not add valuations to this company."))
    errors: dict[str, list[str]] = {}
    if not isinstance(amount_krw, int) or amount_krw <= 0:
        errors["amount_krw"] = [_("Enter the valuation as a whole number of won, greater than zero.")]
    if amount_usd is not None and (not isinstance(amount_usd, int) or amount_usd <= 0):
        errors["amount_usd"] = [
            _("Enter the valuation in US dollars as a whole number greater than zero, or leave it empty.")
        ]
    if source not in ValuationSource.values:
        errors["source"] = [_("Choose where the valuation comes from.")]
    if not isinstance(valued_on, dt.date) or valued_on > dt.date.today():
        errors["valued_on"] = [_("Enter a valuation date that is not in the future.")]
    elif valued_on < company.founded_on:
        errors["valued_on"] = [_("The valuation date cannot be before the company was founded.")]
    if errors:
        raise ValidationError(errors)
    record = ValuationRecord.objects.create(
        company=company,
        valued_on=valued_on,
        amount_krw=amount_krw,
        amount_usd=amount_usd,
        source=source,
        note=note.strip(),
        recorded_by=user,
    )
    audit_event_record(
        actor=user,
        action="valuation.add",
        target=company,
        changes={"valued_on": valued_on.isoformat(), "amount_krw": amount_krw, "source": source},
    )
    area_changed("registry")  # the unicorn figure and the registry's counts
    return record


def company_data_from(company: Company) -> CompanyData:
    """The editable data of an existing company (used to pre-fill forms and partial API updates)."""
    return CompanyData(
        business_registration_number=company.business_registration_number,
        name_ko=company.name_ko,
        name_en=company.name_en,
        ksic_division=company.ksic_division,
        region=company.region,
        size_class=company.size_class,
        founded_on=company.founded_on,
        employees=company.employees,
        revenue_krw=company.revenue_krw,
        ai_adoption=company.ai_adoption,
    )


__all__ = ["CompanyData", "company_data_from", "company_register", "company_update", "valuation_record_add"]
