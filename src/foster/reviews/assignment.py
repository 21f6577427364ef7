"""The optimal reviewer assignment of a call: rows in, ``foster.engines.assignment`` solves, rows out.

``call_assign_reviewers`` builds the engine's problem from the call's eligible and under-review
applications and the available reviewers of the call's agency:

- fit = KSIC division match (1 when the applicant's division is among the reviewer's expertise
  divisions) + keyword overlap (the share of the reviewer's keywords found in the application's
  title and answers), so a fit lies between 0 and 2;
- conflicts (declared, imported family firms, membership of the applicant company, past
  employment) are excluded pairs;
- officials' pins and forbids (``AssignmentConstraint``) are pinned and forbidden pairs;
  assignments already scored (a submitted or draft sheet) are kept as pins, recused pairs are
  forbidden.

When the engine finds the optimum, the call's other not-yet-scored assignments are replaced by
it in one transaction, eligible applications move to under review through the workflow service,
and an audit event records the run. When it is infeasible, nothing changes and the run stores
the engine's diagnosis, which ``issue_sentence`` translates.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import numpy as np
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from foster.applications.choices import ApplicationStatus
from foster.applications.models import Application
from foster.applications.services import application_transition
from foster.core.choices import NotificationKind
from foster.core.jobs import job_enqueue
from foster.core.models import Job
from foster.core.services import Notice, audit_event_record, job_create, notifications_send
from foster.engines.assignment import Application as EngineApplication
from foster.engines.assignment import AssignmentProblem, CoverageIssue, IssueCode, Reviewer, solve_assignment
from foster.engines.assignment import AssignmentStatus as EngineStatus
from foster.programs.models import Call
from foster.reviews.choices import AssignmentRunStatus, AssignmentStatus, ConstraintKind
from foster.reviews.models import AssignmentConstraint, AssignmentRun, ReviewAssignment, ReviewerProfile
from foster.reviews.selectors import conflict_pairs
from foster.reviews.services import REVIEWABLE_STATUSES
from foster.reviews.tasks import call_assign_reviewers_task

Progress = Callable[[int, int, str], None]


def _answer_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return " ".join(_answer_text(item) for item in value.values())
    if isinstance(value, list | tuple):
        return " ".join(_answer_text(item) for item in value)
    return ""


def fit_matrix(applications: list[Application], reviewers: list[ReviewerProfile]) -> np.ndarray:
    """Expertise fit of every (application, reviewer) pair: division match plus keyword share."""
    divisions = sorted({division for reviewer in reviewers for division in reviewer.expertise_divisions})
    division_index = {division: position for position, division in enumerate(divisions)}
    reviewer_divisions = np.zeros((len(reviewers), max(1, len(divisions))), dtype=np.float64)
    for column, reviewer in enumerate(reviewers):
        for division in reviewer.expertise_divisions:
            reviewer_divisions[column, division_index[division]] = 1.0
    application_divisions = np.zeros((len(applications), max(1, len(divisions))), dtype=np.float64)
    for row, application in enumerate(applications):
        position = division_index.get(application.company.ksic_division)
        if position is not None:
            application_divisions[row, position] = 1.0
    fit = application_divisions @ reviewer_divisions.T

    vocabulary = sorted({word.lower() for reviewer in reviewers for word in reviewer.keywords})
    if vocabulary:
        word_index = {word: position for position, word in enumerate(vocabulary)}
        reviewer_words = np.zeros((len(reviewers), len(vocabulary)), dtype=np.float64)
        for column, reviewer in enumerate(reviewers):
            words = {word.lower() for word in reviewer.keywords}
            for word in words:
                reviewer_words[column, word_index[word]] = 1.0 / len(words)
        application_words = np.zeros((len(applications), len(vocabulary)), dtype=np.float64)
        for row, application in enumerate(applications):
            text = f"{application.title} {_answer_text(application.answers)}".lower()
            for word, position in word_index.items():
                if word in text:
                    application_words[row, position] = 1.0
        fit += application_words @ reviewer_words.T
    return fit


def _notify_assigned(*, call_id: int, reviewer_counts: dict[int, int]) -> None:
    """Tell each reviewer how many new applications of the call they were given (after commit),
    if the call sends assignment notices."""
    call = Call.objects.get(pk=call_id)
    if not call.sends_notification(NotificationKind.REVIEW_ASSIGNMENT):
        return
    notices = []
    for profile in ReviewerProfile.objects.filter(pk__in=reviewer_counts).select_related("user"):
        with translation.override(profile.user.preferred_language or "ko"):
            count = reviewer_counts[profile.pk]
            notices.append(
                Notice(
                    user=profile.user,
                    subject=_("New applications to review: %(call)s") % {"call": call.title},
                    body=ngettext(
                        "%(count)s application of %(call)s was assigned to you.",
                        "%(count)s applications of %(call)s were assigned to you.",
                        count,
                    )
                    % {"count": count, "call": call.title},
                )
            )
    notifications_send(kind=NotificationKind.REVIEW_ASSIGNMENT, notices=notices, url=reverse("reviews:dashboard"))


def _check_may_manage(user: Any, call: Call) -> None:
    if not user.has_perm("reviews.manage_call_reviews", call):
        raise PermissionDenied(_("You may not manage this call's reviews."))


def call_assign_reviewers_enqueue(*, user: Any, call: Call) -> Job:
    """Queue ``call_assign_reviewers`` in the background; the returned job shows its progress."""
    _check_may_manage(user, call)
    with transaction.atomic():
        job = job_create(kind="reviews.assign", owner=user, total=3, message=_("Waiting to start"))
        job_enqueue(call_assign_reviewers_task, job, call_id=call.pk, user_id=user.pk)
    return job


def call_assign_reviewers(*, user: Any, call: Call, progress: Progress | None = None) -> AssignmentRun:
    """Assign ``call.reviewers_per_application`` reviewers to each of the call's applications under
    review, maximising total expertise fit (see the module docstring). Takes a row lock on the call
    so that two runs of one call do not interleave."""
    _check_may_manage(user, call)
    report = progress or (lambda done, total, message: None)
    report(0, 3, _("Reading applications and reviewers"))
    with transaction.atomic():
        call = Call.objects.select_for_update(of=("self",)).select_related("program").get(pk=call.pk)
        applications = list(
            Application.objects.filter(call=call, status__in=REVIEWABLE_STATUSES)
            .select_related("company")
            .order_by("id")
        )
        application_ids = {application.pk for application in applications}
        kept: list[ReviewAssignment] = []  # scored (submitted or a draft sheet): pinned, never replaced
        replaceable: dict[tuple[int, int], ReviewAssignment] = {}  # not scored yet: the run may replace them
        recused: set[tuple[int, int]] = set()  # never given again
        for assignment in ReviewAssignment.objects.filter(application__call=call).select_related("score_sheet"):
            pair = (assignment.application_id, assignment.reviewer_id)
            if assignment.status == AssignmentStatus.RECUSED:
                recused.add(pair)
            elif assignment.status == AssignmentStatus.SUBMITTED or hasattr(assignment, "score_sheet"):
                if assignment.application_id in application_ids:
                    kept.append(assignment)
            else:
                replaceable[pair] = assignment
        constraints = [c for c in AssignmentConstraint.objects.filter(call=call) if c.application_id in application_ids]
        pinned = {(a.application_id, a.reviewer_id) for a in kept}
        pinned |= {(c.application_id, c.reviewer_id) for c in constraints if c.kind == ConstraintKind.PIN}
        forbidden = {(c.application_id, c.reviewer_id) for c in constraints if c.kind == ConstraintKind.FORBID}
        forbidden |= recused
        reviewers = list(
            ReviewerProfile.objects.filter(
                Q(agency_id=call.program.agency_id, is_available=True, user__is_active=True)
                | Q(pk__in={reviewer_id for _application_id, reviewer_id in pinned})
            ).order_by("id")
        )
        reviewer_ids = {reviewer.pk for reviewer in reviewers}
        conflicts = conflict_pairs(reviewers, {application.company_id for application in applications})
        applications_of_company: dict[int, list[int]] = {}
        for application in applications:
            applications_of_company.setdefault(application.company_id, []).append(application.pk)
        conflicted = [
            (application_id, reviewer_id)
            for reviewer_id, company_id in conflicts
            for application_id in applications_of_company.get(company_id, ())
        ]

        def usable(pair: tuple[int, int]) -> bool:
            return pair[0] in application_ids and pair[1] in reviewer_ids

        report(1, 3, _("Finding the best assignment"))
        problem = AssignmentProblem(
            applications=[EngineApplication(application.pk) for application in applications],
            reviewers=[Reviewer(reviewer.pk, reviewer.max_load) for reviewer in reviewers],
            fit=fit_matrix(applications, reviewers),
            reviewers_per_application=call.reviewers_per_application,
            conflicts=conflicted,
            pinned=sorted(pair for pair in pinned if usable(pair)),
            forbidden=sorted(pair for pair in forbidden if usable(pair)),
        )
        result = solve_assignment(problem)
        report(2, 3, _("Saving the assignment"))
        run = AssignmentRun(
            call=call,
            started_by=user if getattr(user, "is_authenticated", False) else None,
            applications=len(applications),
            reviewers=len(reviewers),
            reviews_required=len(applications) * call.reviewers_per_application,
            assignments_kept=len(kept),
        )
        if result.status is EngineStatus.INFEASIBLE:
            assert result.diagnosis is not None
            run.status = AssignmentRunStatus.INFEASIBLE
            run.reviews_possible = result.diagnosis.reviews_possible
            run.issues = [_issue_json(issue) for issue in result.diagnosis.issues]
            run.save()
            audit_event_record(
                actor=user,
                action="reviews.assign",
                target=call,
                changes={"status": run.status, "issues": [issue["code"] for issue in run.issues]},
            )
            report(3, 3, _("The constraints cannot all be met; nothing was changed."))
            return run

        chosen = {(int(pair.application_id), int(pair.reviewer_id)): pair.fit for pair in result.pairs}
        stale = [assignment.pk for pair, assignment in replaceable.items() if pair not in chosen]
        ReviewAssignment.objects.filter(pk__in=stale).delete()
        already = {(a.application_id, a.reviewer_id) for a in kept} | set(replaceable)
        new = [
            ReviewAssignment(application_id=application_id, reviewer_id=reviewer_id, fit=fit)
            for (application_id, reviewer_id), fit in chosen.items()
            if (application_id, reviewer_id) not in already
        ]
        ReviewAssignment.objects.bulk_create(new)
        reviewer_counts = dict(Counter(assignment.reviewer_id for assignment in new))
        if reviewer_counts:
            transaction.on_commit(lambda: _notify_assigned(call_id=call.pk, reviewer_counts=reviewer_counts))
        for application in applications:
            if application.status == ApplicationStatus.ELIGIBLE:
                application_transition(user=user, application=application, transition="start_review")
        run.status = AssignmentRunStatus.OPTIMAL
        run.total_fit = result.total_fit
        run.assignments_created = len(new)
        run.save()
        audit_event_record(
            actor=user,
            action="reviews.assign",
            target=call,
            changes={
                "status": run.status,
                "created": len(new),
                "removed": len(stale),
                "kept": len(kept),
                "total_fit": round(result.total_fit, 6),
            },
        )
    report(3, 3, _("The assignment is done."))
    return run


def _issue_json(issue: CoverageIssue) -> dict[str, Any]:
    def plain(value: Any) -> Any:
        return list(value) if isinstance(value, tuple) else value

    return {
        "code": str(issue.code),
        "application_ids": list(issue.application_ids),
        "reviewer_ids": list(issue.reviewer_ids),
        "params": {key: plain(value) for key, value in issue.params.items()},
        "message": issue.message,
    }


def issue_sentence(issue: dict[str, Any]) -> str:
    """One stored diagnosis issue as a sentence in the current language."""
    code, params = issue.get("code"), issue.get("params", {})
    if code == IssueCode.TOTAL_CAPACITY_BELOW_DEMAND:
        return (
            _(
                "%(applications)s applications × %(k)s reviewers need %(required)s assignments, but the reviewers' "
                "load limits add up to only %(capacity)s."
            )
            % params
        )
    if code == IssueCode.PINNED_PAIR_CONFLICTS:
        return (
            _("Reviewer %(reviewer)s is pinned to application %(application)s but has a conflict of interest.") % params
        )
    if code == IssueCode.PINNED_PAIR_FORBIDDEN:
        return _("Reviewer %(reviewer)s is both pinned to and forbidden from application %(application)s.") % params
    if code == IssueCode.PINS_EXCEED_K:
        return _("Application %(application)s has %(pinned)s pinned reviewers but takes only %(k)s.") % params
    if code == IssueCode.PINS_EXCEED_REVIEWER_LOAD:
        return (
            _("Pins give reviewer %(reviewer)s %(pinned)s applications, above their load limit of %(load_limit)s.")
            % params
        )
    if code == IssueCode.TOO_FEW_AVAILABLE_REVIEWERS:
        return (
            ngettext(
                "Application %(application)s needs %(required)s reviewer but only %(available)s of %(reviewers)s are "
                "free of conflict, not forbidden and have load left (%(conflicted)s in conflict, %(forbidden)s "
                "forbidden, %(without_free_load)s without free load).",
                "Application %(application)s needs %(required)s reviewers but only %(available)s of %(reviewers)s are "
                "free of conflict, not forbidden and have load left (%(conflicted)s in conflict, %(forbidden)s "
                "forbidden, %(without_free_load)s without free load).",
                int(params.get("required", 0)),
            )
            % params
        )
    if code == IssueCode.REVIEWER_GROUP_EXHAUSTED:
        return _(
            "%(count)s applications need %(required)s reviewer assignments but can get at most %(possible)s: the "
            "reviewers who could take them have only %(free_load)s free load between them."
        ) % {**params, "count": len(params.get("applications", []))}
    return str(issue.get("message", ""))
