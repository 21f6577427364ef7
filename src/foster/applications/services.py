"""Writes to applications: start, save a draft, attach files, submit, screen, move through the
workflow (``workflow.TRANSITIONS``), override, withdraw. Each writes its audit event in the same
transaction; notifications go out only after the transaction commits.

Row locks: ``application_transition``, ``application_override``, ``application_screen`` and
``application_draft_save`` lock the application row (``select_for_update``) for the length of their
transaction, so two concurrent moves of one application are applied one after the other and the
second sees the first's status.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from foster.applications.attachments import file_type_detect, filename_sanitise
from foster.applications.choices import Actor, ApplicationStatus
from foster.applications.models import Application, Attachment, StatusChange
from foster.applications.permissions import is_application_applicant, is_application_official
from foster.applications.schema import missing_answers, requested_amount_key, title_key
from foster.applications.workflow import TRANSITIONS_BY_NAME, Transition
from foster.core.choices import NotificationKind
from foster.core.services import Notice, audit_event_record, notifications_send
from foster.programs.choices import ProgramType
from foster.programs.eligibility import application_eligibility, rule_reason
from foster.programs.models import Call
from foster.registry.models import Company
from foster.registry.permissions import is_member_of_company

DESIGNATED_STATUSES = (
    ApplicationStatus.SELECTED,
    ApplicationStatus.AGREEMENT,
    ApplicationStatus.ACTIVE,
    ApplicationStatus.CLOSED,
)


# --- Who the user is for an application -----------------------------------------------------------


def actors_of(user: Any, application: Application) -> set[str]:
    """The workflow actors ``user`` is for ``application``: applicant, official, both or neither
    (the predicates of ``permissions.py``). ``None`` is the system."""
    if user is None:
        return {Actor.SYSTEM}
    actors: set[str] = set()
    if is_application_applicant(user, application):
        actors.add(Actor.APPLICANT)
    if is_application_official(user, application):
        actors.add(Actor.OFFICIAL)
    return actors


def call_refusal(call: Call) -> str:
    """Why applications to ``call`` cannot be started now, or "" if they can."""
    now = timezone.now()
    if now < call.opens_at:
        return _("This call opens on %(date)s.") % {
            "date": timezone.localtime(call.opens_at).strftime("%Y-%m-%d %H:%M")
        }
    if now >= call.closes_at:
        return _("This call closed on %(date)s.") % {
            "date": timezone.localtime(call.closes_at).strftime("%Y-%m-%d %H:%M")
        }
    if call.current_form() is None:
        return _("This call has no application form yet.")
    return ""


# --- Start, draft, attachments, submit ---------------------------------------------------------


def application_start(*, user: Any, call: Call, company: Company) -> Application:
    """Start a draft application of ``company`` to ``call`` on the call's current form version.

    Refused (``ValidationError``) when the call is not open or the company already has a live
    application to it; ``PermissionDenied`` unless ``user`` is a member of ``company``.
    """
    if not is_member_of_company(user, company):
        raise PermissionDenied(_("You can apply only for a company you are a member of."))
    refusal = call_refusal(call)
    if refusal:
        raise ValidationError(refusal, code="call_not_open")
    form = call.current_form()
    assert form is not None  # call_refusal checked it
    try:
        with transaction.atomic():
            application = Application.objects.create(call=call, company=company, form=form, applicant=user)
            audit_event_record(
                actor=user, action="application.start", target=application, changes={"form_version": form.version}
            )
    except IntegrityError:
        raise ValidationError(
            _("%(company)s already has an application to this call.") % {"company": company.name}, code="duplicate"
        ) from None
    return application


@dataclass
class DraftData:
    """What the applicant filled in: the two column fields, the schema answers, new files by field."""

    title: str = ""
    requested_amount_krw: int | None = None
    answers: dict[str, Any] = field(default_factory=dict)
    uploads: dict[str, UploadedFile] = field(default_factory=dict)


def _lock(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("call", "call__program", "company", "form")
        .get(pk=application.pk)
    )


def attachment_store(
    *, user: Any, application: Application, field_key: str, upload: UploadedFile, stored_files: list[str]
) -> Attachment:
    """Check ``upload`` by its content and store it under a random name, replacing an earlier
    file of the same field. Call inside the caller's transaction; the stored file's name is
    appended to ``stored_files`` so that the caller can remove it if the transaction fails."""
    file_type = file_type_detect(upload)
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    original_name = filename_sanitise(upload.name or "", file_type)
    upload.name = f"{uuid.uuid4().hex}{file_type.extensions[0]}"
    for earlier in application.attachments.filter(field_key=field_key):
        storage, name = earlier.file.storage, earlier.file.name
        earlier.delete()
        # The old file goes only once the replacement is committed.
        transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))  # type: ignore[misc]
    attachment = Attachment.objects.create(
        application=application,
        field_key=field_key,
        file=upload,
        original_name=original_name,
        content_type=file_type.content_type,
        size_bytes=upload.size or 0,
        sha256=digest.hexdigest(),
        uploaded_by=user,
    )
    stored_files.append(attachment.file.name)
    return attachment


def _check_applicant_may_edit(user: Any, application: Application) -> None:
    if Actor.APPLICANT not in actors_of(user, application):
        raise PermissionDenied(_("Only members of the applying company may change the application."))
    if application.status != ApplicationStatus.DRAFT:
        raise ValidationError(
            _("Only a draft can be changed; this application was already submitted."), code="not_draft"
        )


def _write_draft(*, user: Any, application: Application, data: DraftData, stored_files: list[str]) -> None:
    application.title = data.title.strip()
    application.requested_amount_krw = data.requested_amount_krw or 0
    application.answers = data.answers
    application.save(update_fields=["title", "requested_amount_krw", "answers", "updated_at"])
    for field_key, upload in data.uploads.items():
        attachment_store(
            user=user, application=application, field_key=field_key, upload=upload, stored_files=stored_files
        )


def _remove_files(names: list[str]) -> None:
    """Remove files stored by a transaction that did not commit."""
    for name in names:
        Attachment.file.field.storage.delete(name)


def application_draft_save(*, user: Any, application: Application, data: DraftData) -> Application:
    """Save the answers of a draft (incomplete answers allowed). Locks the application row."""
    stored_files: list[str] = []
    try:
        with transaction.atomic():
            locked = _lock(application)
            _check_applicant_may_edit(user, locked)
            _write_draft(user=user, application=locked, data=data, stored_files=stored_files)
            audit_event_record(actor=user, action="application.save_draft", target=locked)
    except Exception:
        _remove_files(stored_files)
        raise
    return locked


def application_submit(*, user: Any, application: Application, data: DraftData | None = None) -> Application:
    """Save the final answers (if given), check they are complete, submit, and screen at once
    (the system screens every submission). All or nothing: if anything is missing nothing is
    stored and ``ValidationError`` names every missing field.
    """
    stored_files: list[str] = []
    try:
        return _submit(user=user, application=application, data=data, stored_files=stored_files)
    except Exception:
        _remove_files(stored_files)
        raise


def _submit(*, user: Any, application: Application, data: DraftData | None, stored_files: list[str]) -> Application:
    with transaction.atomic():
        locked = _lock(application)
        _check_applicant_may_edit(user, locked)
        if data is not None:
            _write_draft(user=user, application=locked, data=data, stored_files=stored_files)
        errors = missing_answers(
            locked.form.schema, locked.answers, set(locked.attachments.values_list("field_key", flat=True))
        )
        title_field, amount_field = title_key(locked.form.schema), requested_amount_key(locked.form.schema)
        if not locked.title:
            errors.setdefault(title_field, [_("Enter the project title.")])
        if locked.requested_amount_krw <= 0:
            errors.setdefault(amount_field, [_("Enter the amount you request.")])
        elif locked.requested_amount_krw > locked.call.max_award_krw:
            errors[amount_field] = [_("Enter at most %(limit)s won.") % {"limit": f"{locked.call.max_award_krw:,}"}]
        if errors:
            raise ValidationError(errors)
        locked = application_transition(user=user, application=locked, transition="submit")
        locked = application_screen(user=None, application=locked)
    return locked


# --- Screening ---------------------------------------------------------------------------------


def designated_company_ids(company_ids: Iterable[int]) -> set[int]:
    """Which of ``company_ids`` were already selected in a designation program (one query)."""
    return set(
        Application.objects.filter(
            company_id__in=list(company_ids),
            call__program__program_type=ProgramType.DESIGNATION,
            status__in=DESIGNATED_STATUSES,
        ).values_list("company_id", flat=True)
    )


def company_is_designated(company: Company) -> bool:
    """Whether ``company`` was already selected in a designation program."""
    return company.pk in designated_company_ids([company.pk])


def application_screen(*, user: Any, application: Application) -> Application:
    """Check a submitted application against its call's eligibility rules and move it to
    eligible or ineligible, storing every rule's result (code and parameters; the reason is
    worded when read, in the reader's language). ``user`` None is the system (automatic
    screening on submission); otherwise an official of the call's agency. Locks the row.
    """
    with transaction.atomic():
        locked = _lock(application)
        report = application_eligibility(
            company=locked.company,
            call=locked.call,
            requested_amount_krw=locked.requested_amount_krw,
            document_kinds=frozenset(locked.attachments.values_list("field_key", flat=True)),
            designated=company_is_designated(locked.company),
        )
        transition = "screen_eligible" if report.is_eligible else "screen_ineligible"
        _check_transition(user=user, application=locked, transition=TRANSITIONS_BY_NAME[transition])
        Application.objects.filter(pk=locked.pk).update(eligibility=report.to_data(), is_eligible=report.is_eligible)
        locked.eligibility, locked.is_eligible = report.to_data(), report.is_eligible
        reason = "; ".join(rule_reason(item.code, item.params) for item in report.failures)
        return application_transition(user=user, application=locked, transition=transition, reason=reason)


def eligibility_reasons(application: Application) -> list[dict[str, Any]]:
    """The stored screening results with a sentence each, in the active language."""
    return [
        {**item, "reason": rule_reason(str(item.get("code", "")), item.get("params") or {})}
        for item in application.eligibility or []
        if isinstance(item, dict)
    ]


# --- The workflow ------------------------------------------------------------------------------


def _check_transition(*, user: Any, application: Application, transition: Transition, reason: str = "") -> None:
    if not actors_of(user, application) & transition.actors:
        raise PermissionDenied(_("You may not take this step on this application."))
    if application.status not in transition.source:
        raise ValidationError(
            _("This step is not possible from the status %(status)s.")
            % {"status": ApplicationStatus(application.status).label},
            code="wrong_status",
        )
    if transition.needs_reason and not reason.strip():
        raise ValidationError({"reason": [_("Give a reason.")]})


def application_transition(*, user: Any, application: Application, transition: str, reason: str = "") -> Application:
    """Take the workflow step named ``transition`` (``workflow.TRANSITIONS``) on ``application``.

    Checks that ``user`` is one of the step's actors for this application (applicant: a member
    of the applying company; official: an official of the call's agency; ``None``: the system),
    that the status allows it and that a reason is given when the step needs one. Locks the
    application row with ``select_for_update`` and writes the status, a ``StatusChange`` and an
    ``AuditEvent`` in one transaction; the step's notification goes to the applicant only after
    commit. Raises ``PermissionDenied`` or ``ValidationError`` and changes nothing otherwise.
    """
    step = TRANSITIONS_BY_NAME.get(transition)
    if step is None:
        raise ValidationError(_("Unknown step."), code="unknown_transition")
    with transaction.atomic():
        locked = _lock(application)
        _check_transition(user=user, application=locked, transition=step, reason=reason)
        from_status = locked.status
        locked.status = step.target
        fields = ["status", "updated_at"]
        if step.name == "submit":
            locked.submitted_at = timezone.now()
            fields.append("submitted_at")
        locked.save(update_fields=fields)
        StatusChange.objects.create(
            application=locked,
            actor=user,
            transition=step.name,
            from_status=from_status,
            to_status=step.target,
            reason=reason.strip(),
        )
        audit_event_record(
            actor=user,
            action=f"application.{step.name}",
            target=locked,
            reason=reason.strip(),
            changes={"status": [from_status, step.target]},
        )
        if step.notification:
            application_id, kind = locked.pk, step.notification
            transaction.on_commit(lambda: application_notify(application_id=application_id, kind=kind))
    return locked


def application_override(*, user: Any, application: Application, to_status: str, reason: str) -> Application:
    """An official skips or reverts a step: moves ``application`` to any other status.

    Only officials of the call's agency; a reason is required. Recorded as a ``StatusChange``
    with ``is_override=True`` and an audit event; sends **no** notification (a revert from
    selected to reviewed must not tell the applicant anything the regular step would say).
    Locks the application row with ``select_for_update``.
    """
    if to_status not in ApplicationStatus.values:
        raise ValidationError({"to_status": [_("Choose a status.")]})
    if not reason.strip():
        raise ValidationError({"reason": [_("Give a reason.")]})
    with transaction.atomic():
        locked = _lock(application)
        if Actor.OFFICIAL not in actors_of(user, locked):
            raise PermissionDenied(_("Only an official of the call's agency may override the workflow."))
        if locked.status == to_status:
            raise ValidationError({"to_status": [_("The application already has this status.")]})
        from_status = locked.status
        locked.status = to_status
        locked.save(update_fields=["status", "updated_at"])
        StatusChange.objects.create(
            application=locked,
            actor=user,
            transition="override",
            from_status=from_status,
            to_status=to_status,
            reason=reason.strip(),
            is_override=True,
        )
        audit_event_record(
            actor=user,
            action="application.override",
            target=locked,
            reason=reason.strip(),
            changes={"status": [from_status, to_status]},
        )
    return locked


# --- Notifications -----------------------------------------------------------------------------


def _notice_text(application: Application, kind: str) -> tuple[str, str]:
    call = application.call.title
    if kind == NotificationKind.SUBMISSION_RECEIVED:
        return (
            _("Application received: %(call)s") % {"call": call},
            _("We received the application of %(company)s to %(call)s. Eligibility screening follows.")
            % {"company": application.company.name, "call": call},
        )
    if kind == NotificationKind.SCREENING_RESULT:
        if application.status == ApplicationStatus.ELIGIBLE:
            return (
                _("Eligible: %(call)s") % {"call": call},
                _("The application of %(company)s passed eligibility screening and goes to review.")
                % {"company": application.company.name},
            )
        reasons = "\n".join(
            f"- {item['reason']}" for item in eligibility_reasons(application) if not item.get("passed")
        )
        return (
            _("Not eligible: %(call)s") % {"call": call},
            _("The application of %(company)s did not pass eligibility screening:")
            % {"company": application.company.name}
            + "\n"
            + reasons,
        )
    status = ApplicationStatus(application.status).label
    return (
        _("Decision on your application: %(call)s") % {"call": call},
        _("The application of %(company)s is now: %(status)s.")
        % {"company": application.company.name, "status": status},
    )


def application_notify(*, application_id: int, kind: str) -> None:
    """Tell every member of the applying company about ``kind`` (in each one's language), if the
    call sends this kind (``Call.sends_notification``); each member's preferences apply on top."""
    application = Application.objects.select_related("call", "company").get(pk=application_id)
    if not application.call.sends_notification(kind):
        return
    url = reverse("applications:application-detail", kwargs={"pk": application.pk})
    notices = []
    for membership in application.company.memberships.select_related("user"):
        with translation.override(membership.user.preferred_language or "ko"):
            subject, body = _notice_text(application, kind)
        notices.append(Notice(user=membership.user, subject=subject, body=body))
    notifications_send(kind=kind, notices=notices, url=url)
