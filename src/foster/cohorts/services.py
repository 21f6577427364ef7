"""Writes of cohorts and partner organisations.

Each service checks the permission, validates every field (a ``ValidationError`` names each bad one
and nothing is stored) and writes its rows and an audit event in one transaction. A follow-on
investment moves the AI fund's money through ``foster.finance.services.fund_invest`` (the ledger's
one posting service) inside the same transaction as its row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from foster.cohorts.choices import COHORT_PROGRAM_TYPES, PartnerKind, PartnerRole
from foster.cohorts.models import (
    Cohort,
    CohortStartup,
    FollowOnInvestment,
    Mentor,
    PartnerOrganisation,
    ProgramPartnership,
)
from foster.cohorts.selectors import selected_applications
from foster.core.services import audit_event_record, locked_update
from foster.finance.services import fund_invest
from foster.programs.models import Call, Program

MAX_STORY_CHARS = 5_000


@dataclass(frozen=True)
class PartnerData:
    name_ko: str
    name_en: str
    country: str
    city: str
    kind: str
    website: str = ""


def _partner_errors(data: PartnerData, partner: PartnerOrganisation | None = None) -> dict[str, list[str]]:
    """What is wrong with ``data`` for a partner organisation (``partner`` itself, when editing, is no
    duplicate of itself), by field."""
    errors: dict[str, list[str]] = {}
    if not data.name_en.strip():
        errors["name_en"] = [_("Give the organisation's name in English.")]
    if not data.name_ko.strip():
        errors["name_ko"] = [_("Give the organisation's name in Korean.")]
    country = data.country.strip().upper()
    if len(country) != 2 or not country.isalpha():
        errors["country"] = [_("Enter the two-letter country code, e.g. US.")]
    if data.kind not in PartnerKind.values:
        errors["kind"] = [_("Choose one of the listed values.")]
    if not errors:
        same = PartnerOrganisation.objects.filter(name_en__iexact=data.name_en.strip(), country=country)
        if partner is not None:
            same = same.exclude(pk=partner.pk)
        if same.exists():
            errors["name_en"] = [_("This organisation is already listed.")]
    return errors


def _partner_fields(data: PartnerData) -> dict[str, str]:
    return {
        "name_ko": data.name_ko.strip(),
        "name_en": data.name_en.strip(),
        "country": data.country.strip().upper(),
        "city": data.city.strip(),
        "kind": data.kind,
        "website": data.website.strip(),
    }


def partner_create(*, user: Any, data: PartnerData) -> PartnerOrganisation:
    """Add a partner organisation (agency officials)."""
    if not user.has_perm("cohorts.manage_partners"):
        raise PermissionDenied(_("Only agency officials add partner organisations."))
    errors = _partner_errors(data)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        partner = PartnerOrganisation.objects.create(**_partner_fields(data))
        audit_event_record(actor=user, action="cohorts.partner_create", target=partner)
    return partner


def partner_update(*, user: Any, partner: PartnerOrganisation, data: PartnerData) -> PartnerOrganisation:
    """Correct a partner organisation's names, place, kind or website. The list of partners is shared
    by the agencies, so any agency official may (as any may add one); each changed field is audited
    with its old and new value."""
    if not user.has_perm("cohorts.manage_partners"):
        raise PermissionDenied(_("Only agency officials change partner organisations."))
    errors = _partner_errors(data, partner)
    if errors:
        raise ValidationError(errors)
    return locked_update(partner, _partner_fields(data), actor=user, action="cohorts.partner_update")


def program_partner_link(
    *, user: Any, program: Program, partner: PartnerOrganisation, role: str, note: str = ""
) -> ProgramPartnership:
    """Say that ``program`` works with ``partner`` in ``role`` (officials of the program's agency)."""
    from foster.accounts.permissions import works_for_agency

    if not works_for_agency(user, program.agency_id):
        raise PermissionDenied(_("Only the program's agency's officials link partners to it."))
    if role not in PartnerRole.values:
        raise ValidationError({"role": [_("Choose one of the listed values.")]})
    if ProgramPartnership.objects.filter(program=program, partner=partner, role=role).exists():
        raise ValidationError({"partner": [_("The program already works with this partner in this role.")]})
    with transaction.atomic():
        link = ProgramPartnership.objects.create(program=program, partner=partner, role=role, note=note.strip()[:300])
        audit_event_record(
            actor=user, action="cohorts.partner_link", target=link, changes={"program": program.code, "role": role}
        )
    return link


@dataclass(frozen=True)
class CohortData:
    name_ko: str
    name_en: str
    starts_on: dt.date
    ends_on: dt.date
    partner_id: int | None = None


def _cohort_errors(data: CohortData) -> tuple[dict[str, list[str]], PartnerOrganisation | None]:
    """What is wrong with a cohort's name, period and host partner, by field; and that partner."""
    errors: dict[str, list[str]] = {}
    if not data.name_ko.strip():
        errors["name_ko"] = [_("Give the cohort a Korean name.")]
    if data.ends_on <= data.starts_on:
        errors["ends_on"] = [_("The cohort ends after it starts.")]
    partner = None
    if data.partner_id is not None:
        partner = PartnerOrganisation.objects.filter(pk=data.partner_id).first()
        if partner is None:
            errors["partner"] = [_("Choose a listed partner organisation.")]
    return errors, partner


def cohort_create(*, user: Any, call: Call, data: CohortData) -> Cohort:
    """A cohort of the call's selected startups (accelerator and overseas programs; officials of the
    call's agency). Refused for another program type, a call with a cohort already, a call without
    selected applications, or dates that do not make sense."""
    if call.program.program_type not in COHORT_PROGRAM_TYPES:
        raise ValidationError({"call": [_("Only calls of accelerator and overseas programs form cohorts.")]})
    if not user.has_perm("cohorts.add_cohort", call):
        raise PermissionDenied(_("Only the call's agency's officials form its cohort."))
    errors, partner = _cohort_errors(data)
    applications = list(selected_applications(call))
    if not applications:
        errors["call"] = [_("The call has no selected startups yet; select them first.")]
    if Cohort.objects.filter(call=call).exists():
        errors["call"] = [_("This call already has its cohort.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        cohort = Cohort.objects.create(
            call=call,
            name_ko=data.name_ko.strip(),
            name_en=data.name_en.strip(),
            starts_on=data.starts_on,
            ends_on=data.ends_on,
            partner=partner,
            created_by=user,
        )
        CohortStartup.objects.bulk_create(
            CohortStartup(cohort=cohort, company=application.company, application=application)
            for application in applications
        )
        audit_event_record(
            actor=user,
            action="cohorts.cohort_create",
            target=cohort,
            changes={"call": call.code, "startups": len(applications)},
        )
    return cohort


def _check_runs(user: Any, cohort: Cohort) -> None:
    if not user.has_perm("cohorts.change_cohort", cohort):
        raise PermissionDenied(_("Only the cohort's agency's officials change it."))


def cohort_update(*, user: Any, cohort: Cohort, data: CohortData) -> Cohort:
    """Correct a cohort's names, period or host partner (officials of its agency). A demo day already
    set must stay within the new period or 60 days after it. Its startups stay; each changed field is
    audited with its old and new value."""
    _check_runs(user, cohort)
    errors, partner = _cohort_errors(data)
    if (
        "ends_on" not in errors
        and cohort.demo_day_on is not None
        and not data.starts_on <= cohort.demo_day_on <= data.ends_on + dt.timedelta(days=60)
    ):
        errors["ends_on"] = [
            _("The demo day (%(day)s) must stay within the cohort's period or up to 60 days after it.")
            % {"day": cohort.demo_day_on.isoformat()}
        ]
    if errors:
        raise ValidationError(errors)
    fields = {
        "name_ko": data.name_ko.strip(),
        "name_en": data.name_en.strip(),
        "starts_on": data.starts_on,
        "ends_on": data.ends_on,
        "partner_id": partner.pk if partner else None,
    }
    return locked_update(cohort, fields, actor=user, action="cohorts.cohort_update")


def mentor_add(*, user: Any, cohort: Cohort, name: str, organisation: str, expertise: str) -> Mentor:
    _check_runs(user, cohort)
    errors = {
        field: [_("This field is required.")]
        for field, value in (("name", name), ("organisation", organisation), ("expertise", expertise))
        if not (value or "").strip()
    }
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        mentor = Mentor.objects.create(
            cohort=cohort, name=name.strip(), organisation=organisation.strip(), expertise=expertise.strip()
        )
        audit_event_record(actor=user, action="cohorts.mentor_add", target=cohort, changes={"mentor": mentor.name})
    return mentor


def demo_day_set(*, user: Any, cohort: Cohort, demo_day_on: dt.date, venue: str) -> Cohort:
    """Set the demo day: within the cohort's period (or up to 60 days after), with a venue."""
    _check_runs(user, cohort)
    errors: dict[str, list[str]] = {}
    if not cohort.starts_on <= demo_day_on <= cohort.ends_on + dt.timedelta(days=60):
        errors["demo_day_on"] = [_("The demo day falls within the cohort's period or up to 60 days after it.")]
    if not (venue or "").strip():
        errors["venue"] = [_("Say where the demo day takes place.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        before = {"demo_day_on": str(cohort.demo_day_on or ""), "venue": cohort.demo_day_venue}
        cohort.demo_day_on, cohort.demo_day_venue = demo_day_on, venue.strip()
        cohort.save(update_fields=["demo_day_on", "demo_day_venue"])
        audit_event_record(
            actor=user,
            action="cohorts.demo_day_set",
            target=cohort,
            changes={"before": before, "after": {"demo_day_on": str(demo_day_on), "venue": cohort.demo_day_venue}},
        )
    return cohort


def success_story_publish(*, user: Any, startup: CohortStartup, title: str, story: str) -> CohortStartup:
    """Publish (or, with an empty story, withdraw) a cohort startup's success story on the portal."""
    _check_runs(user, startup.cohort)
    title, story = (title or "").strip(), (story or "").strip()
    if story and not title:
        raise ValidationError({"title": [_("Give the story a title.")]})
    if len(story) > MAX_STORY_CHARS:
        raise ValidationError({"story": [_("Write at most %(limit)s characters.") % {"limit": MAX_STORY_CHARS}]})
    with transaction.atomic():
        startup.story_title, startup.story = title, story
        startup.story_published_at = timezone.now() if story else None
        startup.save(update_fields=["story_title", "story", "story_published_at"])
        audit_event_record(
            actor=user,
            action="cohorts.story_publish" if story else "cohorts.story_withdraw",
            target=startup,
            changes={"title": title},
        )
    return startup


@dataclass(frozen=True)
class InvestmentData:
    key: str
    fund_program_id: int | None
    fund_amount_krw: int
    source: str
    round_name: str
    lead_investor: str
    round_total_krw: int
    invested_on: dt.date


def follow_on_investment_record(*, user: Any, startup: CohortStartup, data: InvestmentData) -> FollowOnInvestment:
    """Record a follow-on round of a cohort startup and the AI fund's part of it: the fund's money
    moves through ``fund_invest`` (refused beyond the fund's paid-in capital) and the round is stored
    with its transfer, in one transaction. The idempotency key makes a retry return the first record."""
    if not user.has_perm("cohorts.record_investment"):
        raise PermissionDenied(_("Only the fund's officials record its investments."))
    errors: dict[str, list[str]] = {}
    program = Program.objects.filter(pk=data.fund_program_id).first() if data.fund_program_id is not None else None
    if program is None:
        errors["fund_program"] = [_("Choose the fund that invests.")]
    if not (data.round_name or "").strip():
        errors["round_name"] = [_("Name the round, e.g. Series A.")]
    if not (data.lead_investor or "").strip():
        errors["lead_investor"] = [_("Name the lead investor.")]
    if data.invested_on > timezone.localdate():
        errors["invested_on"] = [_("Record a round once it has closed.")]
    if data.invested_on < startup.cohort.starts_on:
        errors["invested_on"] = [_("A follow-on round comes after the cohort started.")]
    if data.round_total_krw < data.fund_amount_krw:
        errors["round_total_krw"] = [_("The round is at least the fund's part of it.")]
    if errors:
        raise ValidationError(errors)
    assert program is not None
    with transaction.atomic():
        outcome = fund_invest(
            user=user,
            key=data.key,
            program=program,
            company=startup.company,
            amount_krw=data.fund_amount_krw,
            source=data.source,
            note=_("Follow-on %(round)s of %(company)s (%(cohort)s)")
            % {"round": data.round_name.strip(), "company": startup.company.name_ko, "cohort": startup.cohort.name_ko},
        )
        existing = FollowOnInvestment.objects.filter(transfer=outcome.transfer).first()
        if existing is not None:
            return existing
        investment = FollowOnInvestment.objects.create(
            startup=startup,
            round_name=data.round_name.strip(),
            lead_investor=data.lead_investor.strip(),
            invested_on=data.invested_on,
            round_total_krw=data.round_total_krw,
            fund_program=program,
            fund_amount_krw=data.fund_amount_krw,
            source=data.source,
            transfer=outcome.transfer,
            recorded_by=user,
        )
        audit_event_record(
            actor=user,
            action="cohorts.investment_record",
            target=startup,
            changes={"round": investment.round_name, "fund_krw": data.fund_amount_krw, "transfer": outcome.transfer.pk},
        )
    return investment
