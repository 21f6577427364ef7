"""Writes of the reviews app: the reviewer pool, conflicts of interest, assignment constraints,
score sheets and recusal. Each service checks the permission, validates, writes and records an
audit event atomically. The optimal assignment lives in ``foster.reviews.assignment``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from foster.accounts.choices import Role
from foster.accounts.models import User
from foster.applications.choices import ApplicationStatus
from foster.applications.models import Application
from foster.core.choices import NotificationKind
from foster.core.services import Notice, audit_event_record, field_changes, notifications_send
from foster.engines.scoring import Criterion
from foster.engines.scoring import Rubric as EngineRubric
from foster.programs.models import Call
from foster.registry.models import Company
from foster.registry.validation import clean_business_registration_number, clean_ksic_division
from foster.reviews.choices import AssignmentStatus, ConflictSource, ConstraintKind
from foster.reviews.models import (
    AssignmentConstraint,
    ConflictOfInterest,
    ReviewAssignment,
    ReviewerProfile,
    ScoreSheet,
)
from foster.reviews.selectors import assignment_queryset_for_reviewer, reviewer_pool_queryset_for

MAX_KEYWORDS = 30
MAX_KEYWORD_LENGTH = 50
MAX_LOAD = 500
# Applications in these states take part in an assignment run.
REVIEWABLE_STATUSES = (ApplicationStatus.ELIGIBLE, ApplicationStatus.UNDER_REVIEW)


# --- The reviewer pool ----------------------------------------------------------------------


@dataclass
class ExpertiseData:
    """What a reviewer says about their own expertise; validated by ``validate()``."""

    expertise_divisions: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    past_employers: list[str] = field(default_factory=list)

    def validate(self) -> dict[str, Any]:
        errors: dict[str, list[str]] = {}
        divisions: list[str] = []
        for value in self.expertise_divisions:
            try:
                divisions.append(clean_ksic_division(value))
            except ValidationError as error:
                errors.setdefault("expertise_divisions", []).extend(error.messages)
        numbers: list[str] = []
        for value in self.past_employers:
            try:
                numbers.append(clean_business_registration_number(value))
            except ValidationError as error:
                errors.setdefault("past_employers", []).extend(error.messages)
        keywords = list(dict.fromkeys(word.strip() for word in self.keywords if word.strip()))
        if len(keywords) > MAX_KEYWORDS:
            errors.setdefault("keywords", []).append(_("Give at most %(count)s keywords.") % {"count": MAX_KEYWORDS})
        if any(len(word) > MAX_KEYWORD_LENGTH for word in keywords):
            errors.setdefault("keywords", []).append(
                _("A keyword has at most %(count)s characters.") % {"count": MAX_KEYWORD_LENGTH}
            )
        if errors:
            raise ValidationError(errors)
        return {
            "expertise_divisions": list(dict.fromkeys(divisions)),
            "keywords": keywords,
            "past_employers": list(dict.fromkeys(numbers)),
        }


def _own_profile(user: Any) -> ReviewerProfile:
    profile, _created = ReviewerProfile.objects.get_or_create(user=user)
    return profile


def _profile_save(*, user: Any, profile: ReviewerProfile, cleaned: dict[str, Any], action: str) -> ReviewerProfile:
    """Write ``cleaned`` onto ``profile``; the audit event (only when something changed) lists each
    changed field, before and after."""
    changes = field_changes(profile, cleaned)
    for key, value in cleaned.items():
        setattr(profile, key, value)
    profile.save()
    if changes:
        audit_event_record(actor=user, action=action, target=profile, changes=changes)
    return profile


@transaction.atomic
def reviewer_expertise_update(*, user: Any, data: ExpertiseData) -> ReviewerProfile:
    """A reviewer edits their own expertise and past employers (a profile is created if missing)."""
    if not user.has_perm("reviews.change_own_profile"):
        raise PermissionDenied(_("Only reviewers have a reviewer profile."))
    cleaned = data.validate()
    return _profile_save(user=user, profile=_own_profile(user), cleaned=cleaned, action="reviewer.expertise_update")


@transaction.atomic
def reviewer_pool_add(*, user: Any, email: str) -> ReviewerProfile:
    """An official adds a registered reviewer (by e-mail) to their agency's pool."""
    if not user.has_perm("reviews.manage_pool"):
        raise PermissionDenied(_("You may not manage a reviewer pool."))
    agency = user.agency_memberships.select_related("agency").first().agency
    reviewer = User.objects.filter(email__iexact=(email or "").strip(), is_active=True).first()
    if reviewer is None or reviewer.role != Role.REVIEWER:
        raise ValidationError({"email": [_("No reviewer account has this e-mail address.")]})
    profile = _own_profile(reviewer)
    if profile.agency_id not in (None, agency.pk):
        raise ValidationError({"email": [_("This reviewer is already in another agency's pool.")]})
    if profile.agency_id == agency.pk:
        return profile
    profile.agency = agency
    profile.save(update_fields=["agency"])
    audit_event_record(actor=user, action="reviewer.pool_add", target=profile, changes={"agency": agency.code})
    return profile


@transaction.atomic
def reviewer_profile_update(
    *, user: Any, profile: ReviewerProfile, data: ExpertiseData, max_load: int, is_available: bool
) -> ReviewerProfile:
    """An official edits a reviewer of their pool: expertise, load limit and availability."""
    if not user.has_perm("reviews.manage_pool") or not reviewer_pool_queryset_for(user).filter(pk=profile.pk).exists():
        raise PermissionDenied(_("This reviewer is not in your agency's pool."))
    cleaned = data.validate()
    if not isinstance(max_load, int) or isinstance(max_load, bool) or not 0 <= max_load <= MAX_LOAD:
        raise ValidationError({"max_load": [_("Enter a load limit from 0 to %(max)s.") % {"max": MAX_LOAD}]})
    cleaned.update(max_load=max_load, is_available=bool(is_available))
    locked = ReviewerProfile.objects.select_for_update().get(pk=profile.pk)
    return _profile_save(user=user, profile=locked, cleaned=cleaned, action="reviewer.profile_update")


# --- Conflicts of interest ------------------------------------------------------------------


@transaction.atomic
def conflict_declare(*, user: Any, business_registration_number: str, note: str = "") -> ConflictOfInterest:
    """A reviewer declares a conflict with a company, named by its registration number."""
    if not user.has_perm("reviews.declare_conflict"):
        raise PermissionDenied(_("Only reviewers declare conflicts of interest."))
    try:
        number = clean_business_registration_number(business_registration_number)
    except ValidationError as error:
        raise ValidationError({"business_registration_number": error.messages}) from None
    company = Company.objects.filter(business_registration_number=number).first()
    if company is None:
        raise ValidationError(
            {"business_registration_number": [_("No company with this registration number is registered.")]}
        )
    note = (note or "").strip()
    if len(note) > 300:
        raise ValidationError({"note": [_("Use at most 300 characters.")]})
    profile = _own_profile(user)
    conflict, created = ConflictOfInterest.objects.get_or_create(
        reviewer=profile, company=company, source=ConflictSource.DECLARED, defaults={"note": note}
    )
    if created:
        audit_event_record(
            actor=user, action="reviewer.conflict_declare", target=conflict, changes={"company": number, "note": note}
        )
    return conflict


# --- Assignment constraints -----------------------------------------------------------------


@transaction.atomic
def assignment_constraint_set(
    *, user: Any, call: Call, application_id: int, reviewer_id: int, kind: str
) -> AssignmentConstraint:
    """Pin (must review) or forbid (must not review) a pair for the call's next assignment run."""
    if not user.has_perm("reviews.manage_call_reviews", call):
        raise PermissionDenied(_("You may not manage this call's reviews."))
    errors: dict[str, list[str]] = {}
    application = Application.objects.filter(pk=application_id, call=call, status__in=REVIEWABLE_STATUSES).first()
    if application is None:
        errors["application"] = [_("Choose an application of this call that is eligible or under review.")]
    reviewer = ReviewerProfile.objects.filter(pk=reviewer_id, agency_id=call.program.agency_id).first()
    if reviewer is None:
        errors["reviewer"] = [_("Choose a reviewer of this agency's pool.")]
    if kind not in ConstraintKind.values:
        errors["kind"] = [_("Choose pin or forbid.")]
    if errors:
        raise ValidationError(errors)
    constraint, _created = AssignmentConstraint.objects.update_or_create(
        application=application, reviewer=reviewer, defaults={"call": call, "kind": kind, "created_by": user}
    )
    audit_event_record(
        actor=user,
        action="reviews.constraint_set",
        target=call,
        changes={"application": application_id, "reviewer": reviewer_id, "kind": kind},
    )
    return constraint


@transaction.atomic
def assignment_constraint_remove(*, user: Any, call: Call, constraint_id: int) -> None:
    """Remove a pin or forbid of the call."""
    if not user.has_perm("reviews.manage_call_reviews", call):
        raise PermissionDenied(_("You may not manage this call's reviews."))
    constraint = AssignmentConstraint.objects.filter(pk=constraint_id, call=call).first()
    if constraint is None:
        raise ValidationError({"constraint": [_("No such constraint.")]})
    changes = {"application": constraint.application_id, "reviewer": constraint.reviewer_id, "kind": constraint.kind}
    constraint.delete()
    audit_event_record(actor=user, action="reviews.constraint_remove", target=call, changes=changes)


# --- Score sheets and recusal ---------------------------------------------------------------


def engine_rubric(call: Call) -> EngineRubric | None:
    """The call's rubric as the scoring engine's ``Rubric``, or None when the call has none."""
    if call.rubric is None or not call.rubric.criteria:
        return None
    return EngineRubric(
        criteria=tuple(
            Criterion(
                key=str(item["key"]),
                weight=float(item.get("weight", 1)),
                minimum=float(item.get("scale_min", 0)),
                maximum=float(item.get("scale_max", 10)),
            )
            for item in call.rubric.criteria
        )
    )


def _own_assignment(user: Any, assignment: ReviewAssignment) -> ReviewAssignment:
    """The assignment locked for update if it is the reviewer's and visible to them; else refuse."""
    if not assignment_queryset_for_reviewer(user).filter(pk=assignment.pk).exists():
        raise PermissionDenied(_("This application is not assigned to you."))
    return (
        ReviewAssignment.objects.select_for_update(of=("self",))
        .select_related("application__call__rubric")
        .get(pk=assignment.pk)
    )


@transaction.atomic
def score_sheet_save(
    *, user: Any, assignment: ReviewAssignment, scores: Mapping[str, Any], comment: str = "", submit: bool = False
) -> ScoreSheet:
    """Save the reviewer's scores (a draft may leave criteria empty) and, with ``submit``, hand them in.

    Each score must be a number on its criterion's scale; a submitted sheet has every criterion
    scored and its weighted 0–100 total computed by ``foster.engines.scoring``. A submitted sheet
    is final. Takes a row lock on the assignment.
    """
    locked = _own_assignment(user, assignment)
    if locked.status != AssignmentStatus.ASSIGNED:
        raise ValidationError({"__all__": [_("This score sheet has already been submitted.")]})
    rubric = engine_rubric(locked.application.call)
    if rubric is None:
        raise ValidationError({"__all__": [_("This call has no rubric yet; scores cannot be entered.")]})
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, float] = {}
    for criterion in rubric.criteria:
        value = scores.get(criterion.key)
        if value in (None, ""):
            if submit:
                errors[criterion.key] = [_("Score this criterion before submitting.")]
            continue
        try:
            number = float(str(value))
            criterion.normalise(number)
        except (TypeError, ValueError):
            errors[criterion.key] = [
                _("Enter a number from %(min)s to %(max)s.")
                % {"min": f"{criterion.minimum:g}", "max": f"{criterion.maximum:g}"}
            ]
            continue
        cleaned[criterion.key] = number
    comment = (comment or "").strip()
    if submit and not comment:
        errors["comment"] = [_("Write a comment before submitting.")]
    if errors:
        raise ValidationError(errors)
    total = rubric.aggregate(cleaned) if len(cleaned) == len(rubric.criteria) else None
    sheet, _created = ScoreSheet.objects.update_or_create(
        assignment=locked, defaults={"scores": cleaned, "comment": comment, "total": total}
    )
    if submit:
        sheet.submitted_at = timezone.now()
        sheet.save(update_fields=["submitted_at"])
        locked.status = AssignmentStatus.SUBMITTED
        locked.save(update_fields=["status"])
        audit_event_record(
            actor=user, action="review.submit", target=locked, changes={"scores": cleaned, "total": total}
        )
    return sheet


@transaction.atomic
def assignment_recuse(*, user: Any, assignment: ReviewAssignment, reason: str) -> ReviewAssignment:
    """The reviewer steps back from an assignment they have not submitted; the slot is free for the
    next assignment run (which never gives the pair again). Takes a row lock on the assignment."""
    locked = _own_assignment(user, assignment)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why you recuse yourself.")]})
    if locked.status != AssignmentStatus.ASSIGNED:
        raise ValidationError({"reason": [_("A submitted score sheet cannot be withdrawn by recusal.")]})
    ScoreSheet.objects.filter(assignment=locked).delete()
    locked.status = AssignmentStatus.RECUSED
    locked.recusal_reason = reason
    locked.save(update_fields=["status", "recusal_reason"])
    audit_event_record(actor=user, action="review.recuse", target=locked, reason=reason)
    return locked


# --- Review-deadline reminders --------------------------------------------------------------

REMINDER_LEAD_TIME = dt.timedelta(days=3)


def review_reminders_send(*, now: dt.datetime | None = None, lead_time: dt.timedelta = REMINDER_LEAD_TIME) -> int:
    """Remind every reviewer with unsubmitted assignments of a call whose review deadline falls within
    ``lead_time`` and that sends reminders (``Call.sends_notification``): one notice per reviewer,
    in their language, all sent in one ``notifications_send`` batch after commit (each reviewer's
    preferences apply). Returns the number of reviewers reminded.

    Each assignment is reminded once: the run locks the pending assignments (``select_for_update``
    with ``skip_locked``, so a concurrent run skips them) and marks them ``reminded_at`` in the same
    transaction, so neither a second run on the same day nor two runs at once remind it again.
    Run daily (``reviews.tasks.review_reminders_daily_task``, or ``foster review_reminders``); the
    system acts, so there is no permission check."""
    now = now or timezone.now()
    pending = (
        ReviewAssignment.objects.filter(
            status=AssignmentStatus.ASSIGNED,
            reminded_at__isnull=True,
            application__call__notify_review_reminder=True,
            application__call__review_deadline__gt=now,
            application__call__review_deadline__lte=now + lead_time,
        )
        .select_related("reviewer__user", "application__call")
        .select_for_update(skip_locked=True, of=("self",))
        .order_by("pk")
    )
    with transaction.atomic():
        by_reviewer: dict[int, list[ReviewAssignment]] = {}
        for assignment in pending:
            by_reviewer.setdefault(assignment.reviewer_id, []).append(assignment)
        ReviewAssignment.objects.filter(
            pk__in=[assignment.pk for assignments in by_reviewer.values() for assignment in assignments]
        ).update(reminded_at=now)
        notices = []
        for assignments in by_reviewer.values():
            user = assignments[0].reviewer.user
            deadline = min(assignment.application.call.review_deadline for assignment in assignments)  # type: ignore[type-var]
            with translation.override(user.preferred_language or "ko"):
                body = ngettext(
                    "%(count)s application still waits for your scores; the first deadline is %(deadline)s.",
                    "%(count)s applications still wait for your scores; the first deadline is %(deadline)s.",
                    len(assignments),
                ) % {"count": len(assignments), "deadline": timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M")}
                notices.append(Notice(user=user, subject=_("Review deadline approaching"), body=body))
        if notices:
            transaction.on_commit(
                partial(
                    notifications_send,
                    kind=NotificationKind.REVIEW_REMINDER,
                    notices=notices,
                    url=reverse("reviews:dashboard"),
                )
            )
    return len(by_reviewer)
