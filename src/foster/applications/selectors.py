"""Reads of applications. Every list, detail, download and API query starts from
``application_queryset_for`` so that no path skips the scoping (deny by default)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from foster.accounts.choices import Role
from foster.accounts.permissions import agency_ids_of
from foster.applications.models import Application, Attachment, StatusChange
from foster.applications.schema import choice_options, localized, schema_fields, section_is_shown
from foster.programs.models import Call
from foster.registry.models import CompanyMembership


def application_queryset_for(user: Any) -> QuerySet[Application]:
    """The applications ``user`` may see: their companies' (company members), their agency's
    calls' (agency officials), every one (ministry planners), the ones assigned to them without
    a conflict (reviewers)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Application.objects.none()
    applications = Application.objects.select_related("call", "call__program", "call__program__agency", "company")
    if user.role == Role.MINISTRY_PLANNER:
        return applications
    # Subqueries, not joins: a join on the memberships repeats rows and needed DISTINCT over every
    # column (answers included), which made an agency's call lists sort whole calls (~10x slower).
    condition = Q(company_id__in=CompanyMembership.objects.filter(user=user).values("company_id"))
    if user.role == Role.AGENCY_OFFICIAL:
        agency_ids = agency_ids_of(user)
        if agency_ids:
            condition |= Q(call__program__agency_id__in=agency_ids)
    if user.role == Role.REVIEWER:
        from foster.reviews.selectors import application_queryset_for_reviewer  # reviews builds on applications

        condition |= Q(pk__in=application_queryset_for_reviewer(user).values("pk"))
    return applications.filter(condition)


def attachment_queryset_for(user: Any) -> QuerySet[Attachment]:
    """Attachments ``user`` may download: their companies' (company members), their agency's
    calls' (agency officials), the applications assigned to them (reviewers, no conflict).
    Ministry planners read applications but not the companies' documents."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or user.role == Role.MINISTRY_PLANNER:
        return Attachment.objects.none()
    return Attachment.objects.filter(application__in=application_queryset_for(user).values("pk"))


def status_history(application: Application) -> QuerySet[StatusChange]:
    return application.status_changes.select_related("actor").order_by("created_at", "id")


def call_applications_for(user: Any, call: Call) -> QuerySet[Application]:
    """The applications to ``call`` that ``user`` may see, drafts left out (not yet sent)."""
    return application_queryset_for(user).filter(call=call).exclude(status="draft").order_by("-submitted_at", "-id")


def application_answer_rows(application: Application) -> list[dict[str, Any]]:
    """The answers as people read them (the application page, the reviewer's score sheet): each
    question's label, choices by their labels, amounts in won, files as their attachment; the
    questions of a section that does not apply (``show_if``) are left out."""
    attachments = {attachment.field_key: attachment for attachment in application.attachments.all()}
    rows = []
    for section, field in schema_fields(application.form.schema):
        if not section_is_shown(section, application.answers):
            continue
        key = field["key"]
        value = application.answers.get(key)
        labels = dict(choice_options(field))
        if isinstance(value, list):
            value = ", ".join(labels.get(str(item), str(item)) for item in value)
        elif labels and value is not None:
            value = labels.get(str(value), value)
        elif field.get("type") == "money" and isinstance(value, int):
            value = _("KRW %(amount)s") % {"amount": f"{value:,}"}
        rows.append(
            {
                "section": localized(section, "title"),
                "label": localized(field, "label") or key,
                "value": value,
                "attachment": attachments.get(key),
            }
        )
    return rows
