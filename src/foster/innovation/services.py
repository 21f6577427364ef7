"""Writes of open innovation, and the recommendations built on the matching indexes.

Each write service checks the permission, validates every field (a ``ValidationError`` names each
bad one and nothing is stored), writes and records an audit event atomically, and updates the
matching index once the transaction has committed (``transaction.on_commit``: one row analysed,
no full rebuild; see ``foster.innovation.matching``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from foster.accounts.choices import Role
from foster.accounts.models import User
from foster.accounts.permissions import agency_ids_of, is_agency_official
from foster.applications.attachments import file_type_detect, filename_sanitise
from foster.core.choices import NotificationKind
from foster.core.services import (
    Notice,
    audit_event_record,
    field_changes,
    fields_save,
    jsonable_values,
    notifications_send,
)
from foster.engines.matching import Match, MatchFilters, MatchQuery
from foster.engines.scoring import Criterion, Rubric, ScoreSheet, score_report
from foster.engines.selection import (
    Candidate,
    Constraint,
    ConstraintType,
    SelectionProblem,
    SelectionStatus,
    solve_selection,
)
from foster.innovation import matching
from foster.innovation.choices import (
    ChallengeState,
    Confidentiality,
    MilestoneState,
    PocOutcome,
    PocState,
    ProposalState,
)
from foster.innovation.models import (
    Challenge,
    PocMilestone,
    PocProject,
    Proposal,
    ProposalEvaluation,
    StartupProfile,
    SuccessCase,
)
from foster.innovation.permissions import company_ids_of
from foster.innovation.selectors import challenge_open_queryset_for, startup_profile_queryset
from foster.registry import ksic
from foster.registry.choices import Region
from foster.registry.models import Company

MAX_SOLUTION_CHARS = 5_000
MAX_PROBLEM_CHARS = 10_000
MAX_TAGS = 20
MAX_TAG_CHARS = 40
MAX_AMOUNT_KRW = 10_000_000_000_000  # ten trillion won: beyond any challenge budget
MAX_DURATION_WEEKS = 260
SHORT_SOLUTION_CHARS = 80
MIN_SCORE = 0.05  # below this a match shares a stray word at most: not worth recommending


class _Errors:
    """Collects messages per field; ``raise_if_any`` raises them all at once."""

    def __init__(self) -> None:
        self.messages: dict[str, list[str]] = {}

    def add(self, name: str, message: str) -> None:
        self.messages.setdefault(name, []).append(message)

    def raise_if_any(self) -> None:
        if self.messages:
            raise ValidationError(self.messages)


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _bounded_text(errors: _Errors, name: str, value: Any, *, limit: int, required: str = "") -> str:
    text = _text(value)
    if value is not None and not isinstance(value, str):
        errors.add(name, _("Enter text."))
    elif required and not text:
        errors.add(name, required)
    elif len(text) > limit:
        errors.add(name, _("Use at most %(count)s characters.") % {"count": limit})
    return text


def _amount(errors: _Errors, name: str, value: Any, *, required: bool) -> int | None:
    if value is None or value == "":
        if required:
            errors.add(name, _("Enter an amount in won."))
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_AMOUNT_KRW:
        errors.add(name, _("Enter a whole number of won from 0 to 10 trillion."))
        return None
    return value


def _codes(errors: _Errors, name: str, values: Any, allowed: Iterable[str], message: str) -> list[str]:
    if not isinstance(values, list | tuple) or not all(isinstance(value, str) for value in values):
        errors.add(name, message)
        return []
    codes = list(dict.fromkeys(values))
    allowed_set = set(allowed)
    if any(code not in allowed_set for code in codes):
        errors.add(name, message)
    return codes


# --- Startup profiles -------------------------------------------------------------------------


@dataclass
class StartupProfileData:
    """A startup profile's editable fields; ``validate()`` returns them cleaned."""

    solution_ko: str = ""
    solution_en: str = ""
    technology_tags: list[str] = field(default_factory=list)
    reference_customers: str = ""
    sectors: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)

    def validate(self) -> dict[str, Any]:
        errors = _Errors()
        cleaned: dict[str, Any] = {
            "solution_ko": _bounded_text(errors, "solution_ko", self.solution_ko, limit=MAX_SOLUTION_CHARS),
            "solution_en": _bounded_text(errors, "solution_en", self.solution_en, limit=MAX_SOLUTION_CHARS),
            "reference_customers": _bounded_text(errors, "reference_customers", self.reference_customers, limit=2_000),
        }
        if not errors.messages.get("solution_ko") and not cleaned["solution_ko"] and not cleaned["solution_en"]:
            errors.add("solution_ko", _("Describe your solution in Korean or in English."))
        tags: list[str] = []
        if not isinstance(self.technology_tags, list | tuple) or not all(
            isinstance(tag, str) for tag in self.technology_tags
        ):
            errors.add("technology_tags", _("Enter the technology tags as text."))
        else:
            tags = list(dict.fromkeys(tag.strip() for tag in self.technology_tags if tag.strip()))
            if len(tags) > MAX_TAGS:
                errors.add("technology_tags", _("Use at most %(count)s tags.") % {"count": MAX_TAGS})
            if any(len(tag) > MAX_TAG_CHARS for tag in tags):
                errors.add("technology_tags", _("Keep each tag to %(count)s characters.") % {"count": MAX_TAG_CHARS})
        cleaned["technology_tags"] = tags
        cleaned["sectors"] = _codes(
            errors, "sectors", self.sectors, ksic.sections(), _("Choose sectors from the KSIC sections.")
        )
        cleaned["regions"] = _codes(errors, "regions", self.regions, Region.values, _("Choose regions from the list."))
        errors.raise_if_any()
        return cleaned


def startup_profile_data_from(profile: StartupProfile | None) -> StartupProfileData:
    if profile is None:
        return StartupProfileData()
    return StartupProfileData(
        solution_ko=profile.solution_ko,
        solution_en=profile.solution_en,
        technology_tags=list(profile.technology_tags),
        reference_customers=profile.reference_customers,
        sectors=list(profile.sectors),
        regions=list(profile.regions),
    )


def startup_profile_save(*, user: Any, company: Company, data: StartupProfileData) -> StartupProfile:
    """Create or update ``company``'s startup profile (its members only); the profile index takes
    the new text after the commit (one profile analysed)."""
    if not user.has_perm("innovation.change_startupprofile", company):
        raise PermissionDenied(_("Only the company's members may edit its startup profile."))
    cleaned = data.validate()
    with transaction.atomic():
        profile = StartupProfile.objects.select_for_update().filter(company=company).first()
        if profile is None:
            profile = StartupProfile.objects.create(company=company, **cleaned)
            audit_event_record(
                actor=user, action="innovation.profile_create", target=profile, changes=jsonable_values(cleaned)
            )
        else:
            changes = field_changes(profile, cleaned)
            for name, value in cleaned.items():
                setattr(profile, name, value)
            profile.save()
            audit_event_record(actor=user, action="innovation.profile_update", target=profile, changes=changes)
        profile_id = profile.pk
        transaction.on_commit(lambda: matching.profile_index_upsert(profile_id))
    return profile


def profile_quality_hints(profile: StartupProfile | None) -> list[str]:
    """What would make the profile easier to find: a longer description, sectors, tags."""
    if profile is None:
        return [_("Your company has no startup profile yet: describe your solution to be recommended.")]
    hints = []
    if len(profile.solution_ko) + len(profile.solution_en) < SHORT_SOLUTION_CHARS:
        hints.append(
            _(
                "The solution description is short: say what problem it solves, for whom and how "
                "(%(count)s characters or more)."
            )
            % {"count": SHORT_SOLUTION_CHARS}
        )
    if not profile.sectors:
        hints.append(_("No sector served: choose the KSIC sections of your customers."))
    if not profile.technology_tags:
        hints.append(_("No technology tags: add a few, such as computer vision or OCR."))
    return hints


# --- Challenges -------------------------------------------------------------------------------


@dataclass
class ChallengeData:
    """A challenge's editable fields; ``validate()`` returns them cleaned."""

    title: str
    problem: str
    data_available: str = ""
    budget_krw: int | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    region: str = ""
    sector: str = ""
    confidentiality: str = Confidentiality.PUBLIC
    invited_company_ids: list[int] = field(default_factory=list)

    def validate(self) -> dict[str, Any]:
        errors = _Errors()
        cleaned: dict[str, Any] = {
            "title": _bounded_text(errors, "title", self.title, limit=200, required=_("Enter a title.")),
            "problem": _bounded_text(
                errors, "problem", self.problem, limit=MAX_PROBLEM_CHARS, required=_("Describe the problem.")
            ),
            "data_available": _bounded_text(errors, "data_available", self.data_available, limit=MAX_SOLUTION_CHARS),
            "budget_krw": _amount(errors, "budget_krw", self.budget_krw, required=False),
        }
        for name in ("starts_on", "ends_on"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, dt.date) or isinstance(value, dt.datetime)):
                errors.add(name, _("Enter a date."))
                value = None
            cleaned[name] = value
        if cleaned["starts_on"] and cleaned["ends_on"] and cleaned["ends_on"] < cleaned["starts_on"]:
            errors.add("ends_on", _("The end date must not be before the start date."))
        if self.region not in ("", *Region.values):
            errors.add("region", _("Choose a region from the list."))
        cleaned["region"] = self.region
        if self.sector not in ("", *ksic.sections()):
            errors.add("sector", _("Choose a KSIC section."))
        cleaned["sector"] = self.sector
        if self.confidentiality not in Confidentiality.values:
            errors.add("confidentiality", _("Choose public or invited startups only."))
        cleaned["confidentiality"] = self.confidentiality
        invited = list(dict.fromkeys(self.invited_company_ids or []))
        if (
            not all(isinstance(pk, int) and not isinstance(pk, bool) for pk in invited)
            or len(invited) != Company.objects.filter(pk__in=invited).count()
        ):
            errors.add("invited_company_ids", _("Choose the invited startups from the list."))
            invited = []
        cleaned["invited_company_ids"] = invited
        errors.raise_if_any()
        return cleaned


def challenge_data_from(challenge: Challenge) -> ChallengeData:
    return ChallengeData(
        title=challenge.title,
        problem=challenge.problem,
        data_available=challenge.data_available,
        budget_krw=challenge.budget_krw,
        starts_on=challenge.starts_on,
        ends_on=challenge.ends_on,
        region=challenge.region,
        sector=challenge.sector,
        confidentiality=challenge.confidentiality,
        invited_company_ids=list(challenge.invited_companies.values_list("pk", flat=True)),
    )


def _owner_of_new_challenge(user: Any) -> dict[str, Any] | None:
    """Who owns a challenge ``user`` posts: their agency (officials) or company; None when they have
    neither (a superuser passes every permission check without belonging anywhere)."""
    if is_agency_official(user) and (agencies := agency_ids_of(user)):
        return {"owner_agency_id": min(agencies)}
    if companies := company_ids_of(user):
        return {"owner_company_id": min(companies)}
    return None


def challenge_create(*, user: Any, data: ChallengeData) -> Challenge:
    """A new draft challenge, owned by the user's agency (officials) or company (its members)."""
    owner = _owner_of_new_challenge(user) if user.has_perm("innovation.add_challenge") else None
    if owner is None:
        raise PermissionDenied(
            _("Only members of large companies or public bodies and agency officials post challenges.")
        )
    cleaned = data.validate()
    invited = cleaned.pop("invited_company_ids")
    with transaction.atomic():
        challenge = Challenge.objects.create(**cleaned, **owner, created_by=user)
        challenge.invited_companies.set(invited)
        audit_event_record(
            actor=user,
            action="innovation.challenge_create",
            target=challenge,
            changes=jsonable_values({**cleaned, "invited_company_ids": invited}),
        )
    return challenge


def challenge_update(*, user: Any, challenge: Challenge, data: ChallengeData) -> Challenge:
    """Change a challenge (its owner only); an open challenge's index entry follows after the commit."""
    if not user.has_perm("innovation.change_challenge", challenge):
        raise PermissionDenied(_("Only the challenge's owner may change it."))
    cleaned = data.validate()
    invited = cleaned.pop("invited_company_ids")
    with transaction.atomic():
        challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
        changes = field_changes(challenge, cleaned)
        before = sorted(challenge.invited_companies.values_list("pk", flat=True))
        if before != sorted(invited):
            changes["invited_company_ids"] = [before, sorted(invited)]
        for name, value in cleaned.items():
            setattr(challenge, name, value)
        challenge.save()
        challenge.invited_companies.set(invited)
        audit_event_record(actor=user, action="innovation.challenge_update", target=challenge, changes=changes)
        challenge_id = challenge.pk
        transaction.on_commit(lambda: matching.challenge_index_sync(challenge_id))
    return challenge


def challenge_invite(*, user: Any, challenge: Challenge, company: Company) -> bool:
    """Invite a startup (a company with a startup profile) to an invited-only challenge (its owner),
    e.g. one of its recommended startups; returns False if it was invited already."""
    if not user.has_perm("innovation.change_challenge", challenge):
        raise PermissionDenied(_("Only the challenge's owner invites startups."))
    if challenge.confidentiality != Confidentiality.INVITED:
        raise ValidationError(
            {"__all__": [_("A public challenge is open to every startup; nobody needs an invitation.")]}
        )
    if not StartupProfile.objects.filter(company=company).exists() or company.pk == challenge.owner_company_id:
        raise ValidationError({"__all__": [_("Only another company with a startup profile can be invited.")]})
    with transaction.atomic():
        challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
        if challenge.invited_companies.filter(pk=company.pk).exists():
            return False
        challenge.invited_companies.add(company)
        audit_event_record(
            actor=user, action="innovation.challenge_invite", target=challenge, changes={"invited": company.pk}
        )
    return True


# The challenge workflow as data: (from state, to state) -> the action name of the audit event.
CHALLENGE_TRANSITIONS: dict[tuple[str, str], str] = {
    (ChallengeState.DRAFT, ChallengeState.OPEN): "innovation.challenge_open",
    (ChallengeState.OPEN, ChallengeState.CLOSED): "innovation.challenge_close",
    (ChallengeState.CLOSED, ChallengeState.OPEN): "innovation.challenge_reopen",
}


def challenge_transition(*, user: Any, challenge: Challenge, to_state: str) -> Challenge:
    """Open, close or reopen a challenge (its owner; takes a row lock on the challenge)."""
    if not user.has_perm("innovation.change_challenge", challenge):
        raise PermissionDenied(_("Only the challenge's owner may open or close it."))
    with transaction.atomic():
        challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
        action = CHALLENGE_TRANSITIONS.get((challenge.state, to_state))
        if action is None:
            raise ValidationError({"state": [_("This challenge cannot go to that state.")]})
        before = challenge.state
        challenge.state = to_state
        challenge.save(update_fields=["state", "updated_at"])
        audit_event_record(actor=user, action=action, target=challenge, changes={"state": [before, to_state]})
        challenge_id = challenge.pk
        transaction.on_commit(lambda: matching.challenge_index_sync(challenge_id))
    return challenge


# --- Proposals --------------------------------------------------------------------------------


@dataclass
class ProposalData:
    """A proposal's fields; ``validate()`` returns them cleaned."""

    approach: str
    price_krw: int | None
    duration_weeks: int | None

    def validate(self) -> dict[str, Any]:
        errors = _Errors()
        cleaned: dict[str, Any] = {
            "approach": _bounded_text(
                errors, "approach", self.approach, limit=MAX_SOLUTION_CHARS, required=_("Describe your approach.")
            ),
            "price_krw": _amount(errors, "price_krw", self.price_krw, required=True),
        }
        weeks = self.duration_weeks
        if not isinstance(weeks, int) or isinstance(weeks, bool) or not 1 <= weeks <= MAX_DURATION_WEEKS:
            errors.add(
                "duration_weeks", _("Enter a number of weeks from 1 to %(count)s.") % {"count": MAX_DURATION_WEEKS}
            )
        cleaned["duration_weeks"] = weeks
        errors.raise_if_any()
        return cleaned


def proposal_submit(*, user: Any, challenge: Challenge, company: Company, data: ProposalData) -> Proposal:
    """``company`` proposes to an open challenge the user may see (one proposal per company)."""
    if not user.has_perm("innovation.add_proposal", challenge) or company.pk not in company_ids_of(user):
        raise PermissionDenied(_("Only members of a startup other than the owner may propose."))
    if company.pk == challenge.owner_company_id:
        raise PermissionDenied(_("The challenge's owner cannot propose to it."))
    if not challenge_open_queryset_for(user).filter(pk=challenge.pk).exists():
        raise ValidationError({"__all__": [_("This challenge does not take proposals now.")]})
    cleaned = data.validate()
    if Proposal.objects.filter(challenge=challenge, company=company).exists():
        raise ValidationError({"__all__": [_("Your company has already proposed to this challenge.")]})
    with transaction.atomic():
        proposal = Proposal.objects.create(challenge=challenge, company=company, submitted_by=user, **cleaned)
        audit_event_record(
            actor=user, action="innovation.proposal_submit", target=proposal, changes=jsonable_values(cleaned)
        )
        proposal_id = proposal.pk
        transaction.on_commit(lambda: proposal_notify(proposal_id=proposal_id, kind=NotificationKind.PROPOSAL_RECEIVED))
    return proposal


# The proposal workflow as data: (from state, to state); the challenge's owner takes each step.
PROPOSAL_TRANSITIONS: frozenset[tuple[str, str]] = frozenset(
    {
        (ProposalState.SUBMITTED, ProposalState.SHORTLISTED),
        (ProposalState.SUBMITTED, ProposalState.REJECTED),
        (ProposalState.SUBMITTED, ProposalState.SELECTED),
        (ProposalState.SHORTLISTED, ProposalState.SELECTED),
        (ProposalState.SHORTLISTED, ProposalState.REJECTED),
    }
)


def challenge_next_states(challenge: Challenge) -> list[str]:
    """The states the challenge's owner may move it to now, in the workflow's order."""
    return [to_state for (from_state, to_state) in CHALLENGE_TRANSITIONS if from_state == challenge.state]


def proposal_next_states(proposal: Proposal) -> list[str]:
    """The decisions the challenge's owner may take on the proposal now, in the states' order
    (the transitions are a set, so its own order would change from one process to the next)."""
    order = {state: index for index, state in enumerate(ProposalState.values)}
    return sorted(
        (to_state for (from_state, to_state) in PROPOSAL_TRANSITIONS if from_state == proposal.state),
        key=order.__getitem__,
    )


def proposal_decide(*, user: Any, proposal: Proposal, to_state: str, reason: str = "") -> Proposal:
    """Shortlist, select or reject a proposal (the challenge's owner; takes a row lock on it).
    Selecting it creates its proof-of-concept project in the same transaction; the proposing
    company's members are told of every decision once it has committed."""
    if not user.has_perm("innovation.decide_proposal", proposal.challenge):
        raise PermissionDenied(_("Only the challenge's owner decides on its proposals."))
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update(of=("self",)).select_related("challenge").get(pk=proposal.pk)
        _proposal_move(user=user, proposal=proposal, to_state=to_state, reason=reason)
    return proposal


def _proposal_move(*, user: Any, proposal: Proposal, to_state: str, reason: str) -> None:
    """One locked proposal to ``to_state``: the workflow check, the project of a selection, the audit
    event and the notice after the commit. The caller holds the transaction and the row lock."""
    if (proposal.state, to_state) not in PROPOSAL_TRANSITIONS:
        raise ValidationError({"state": [_("This proposal cannot go to that state.")]})
    before = proposal.state
    proposal.state = to_state
    proposal.save(update_fields=["state", "updated_at"])
    if to_state == ProposalState.SELECTED:
        challenge = proposal.challenge
        starts_on = challenge.starts_on
        PocProject.objects.create(
            proposal=proposal,
            challenge=challenge,
            company_id=proposal.company_id,
            budget_krw=proposal.price_krw,
            starts_on=starts_on,
            ends_on=starts_on + dt.timedelta(weeks=proposal.duration_weeks) if starts_on else None,
        )
    audit_event_record(
        actor=user,
        action="innovation.proposal_decide",
        target=proposal,
        reason=reason,
        changes={"state": [before, to_state]},
    )
    proposal_id = proposal.pk
    transaction.on_commit(lambda: proposal_notify(proposal_id=proposal_id, kind=NotificationKind.PROPOSAL_DECISION))


# --- Recommendations --------------------------------------------------------------------------


@dataclass(frozen=True)
class Recommendation:
    """One recommended profile or challenge and why it matched (words, concepts, same sector/region)."""

    item: Any
    score: float
    terms: tuple[str, ...]
    concepts: tuple[str, ...]
    topics: tuple[str, ...]
    same_sector: bool
    same_region: bool


def _recommendations(matches: Sequence[Match], items: dict[str, Any], top: int) -> list[Recommendation]:
    found = []
    for match in matches:
        item = items.get(match.id)
        if item is None or match.score < MIN_SCORE:  # gone or not visible since indexed, or a weak match
            continue
        reason = match.reason
        found.append(
            Recommendation(
                item=item,
                score=round(match.score, 3),
                terms=reason.terms if reason else (),
                concepts=reason.concept_labels if reason else (),
                topics=reason.topics if reason else (),
                same_sector=bool(reason and reason.same_sector),
                same_region=bool(reason and reason.same_region),
            )
        )
        if len(found) == top:
            break
    return found


def recommend_for_text(
    text: str,
    *,
    sector: str = "",
    region: str = "",
    top: int = 10,
    sectors: Iterable[str] = (),
    exclude_company_ids: Iterable[int] = (),
) -> list[Recommendation]:
    """Startup profiles for a problem told in any words (Korean or English), best first, each with
    its reasons. ``sector``/``region`` boost profiles of the same; ``sectors`` keeps only those.
    Used by the challenge page and by the AI readiness diagnostic (a later issue)."""
    if not _text(text):
        return []
    index = matching.matching_index(matching.PROFILES)
    if len(index) == 0:
        return []
    excluded = set(exclude_company_ids)
    matches = index.search(
        MatchQuery(text=text, sector=sector, region=region),
        top=top + len(excluded) + 10,
        filters=MatchFilters(sectors=frozenset(sectors)) if sectors else None,
    )
    profiles = {
        str(profile.pk): profile
        for profile in startup_profile_queryset().filter(pk__in=[int(match.id) for match in matches])
        if profile.company_id not in excluded
    }
    return _recommendations(matches, profiles, top)


def challenge_recommended_startups(*, challenge: Challenge, top: int = 10) -> list[Recommendation]:
    """Startup profiles for a challenge (shown to its owner), the owner's own company left out."""
    return recommend_for_text(
        matching.challenge_text(challenge),
        sector=challenge.sector,
        region=challenge.region,
        top=top,
        exclude_company_ids=[challenge.owner_company_id] if challenge.owner_company_id else [],
    )


def profile_recommended_challenges(*, user: Any, profile: StartupProfile, top: int = 10) -> list[Recommendation]:
    """Open challenges for a startup's profile that ``user`` may see (invited-only ones only when
    the company is invited), its own company's challenges left out, best first with reasons."""
    document = matching.profile_document(profile)
    if not document.text:
        return []
    index = matching.matching_index(matching.CHALLENGES)
    if len(index) == 0:
        return []
    matches = index.search(MatchQuery(text=document.text, sector=document.sector, region=document.region), top=top + 40)
    visible = {
        str(challenge.pk): challenge
        for challenge in challenge_open_queryset_for(user).filter(pk__in=[int(match.id) for match in matches])
        if challenge.owner_company_id != profile.company_id
    }
    return _recommendations(matches, visible, top)


def matching_index_rebuild_start(*, user: Any) -> Any:
    """Queue a full rebuild of the matching indexes (agency officials); returns the job to watch."""
    from foster.core.jobs import job_enqueue
    from foster.core.services import job_create
    from foster.innovation.tasks import matching_index_rebuild_task

    if not user.has_perm("innovation.rebuild_index"):
        raise PermissionDenied(_("Only agency officials may rebuild the matching index."))
    job = job_create(kind="innovation.matching_rebuild", owner=user, total=len(matching.INDEX_NAMES))
    job_enqueue(matching_index_rebuild_task, job)
    return job


# --- Notifications ----------------------------------------------------------------------------


def owner_side_users(challenge: Challenge) -> list[Any]:
    """Who acts for a challenge's owner: the owning company's members, or the owning agency's officials."""
    if challenge.owner_company_id is not None:
        return list(User.objects.filter(company_memberships__company_id=challenge.owner_company_id, is_active=True))
    return list(
        User.objects.filter(
            agency_memberships__agency_id=challenge.owner_agency_id or 0, role=Role.AGENCY_OFFICIAL, is_active=True
        )
    )


def company_users(company_id: int) -> list[Any]:
    """The active members of a company (a startup's side of a proposal or a project)."""
    return list(User.objects.filter(company_memberships__company_id=company_id, is_active=True))


def _notify_users(*, kind: str, users: Iterable[Any], url: str, words: Callable[[], tuple[str, str]]) -> None:
    """Send ``words()`` (subject, body) to each user, written in that user's language."""
    notices = []
    for user in {user.pk: user for user in users}.values():
        with translation.override(user.preferred_language or "ko"):
            subject, body = words()
        notices.append(Notice(user=user, subject=subject, body=body))
    notifications_send(kind=kind, notices=notices, url=url)


def proposal_notify(*, proposal_id: int, kind: str) -> None:
    """A new proposal (to the owner's side) or a decision on one (to the proposing company)."""
    proposal = Proposal.objects.select_related("challenge", "company").get(pk=proposal_id)
    challenge = proposal.challenge
    url = reverse("innovation:challenge-detail", kwargs={"pk": challenge.pk})
    if kind == NotificationKind.PROPOSAL_RECEIVED:

        def received() -> tuple[str, str]:
            return (
                _("New proposal: %(challenge)s") % {"challenge": challenge.title},
                _("%(company)s proposed to your challenge “%(challenge)s”.")
                % {"company": proposal.company.name, "challenge": challenge.title},
            )

        _notify_users(kind=kind, users=owner_side_users(challenge), url=url, words=received)
        return

    def decided() -> tuple[str, str]:
        state = ProposalState(proposal.state).label
        body = _("The proposal of %(company)s to “%(challenge)s” is now: %(state)s.") % {
            "company": proposal.company.name,
            "challenge": challenge.title,
            "state": state,
        }
        if proposal.state == ProposalState.SELECTED:
            body += "\n" + _("A proof-of-concept project was opened; plan its milestones with the challenge's owner.")
        return _("Decision on your proposal: %(challenge)s") % {"challenge": challenge.title}, body

    _notify_users(kind=kind, users=company_users(proposal.company_id), url=url, words=decided)


def _project_notify_after_commit(
    project_id: int, *, to_owner: bool, words: Callable[[PocProject], tuple[str, str]]
) -> None:
    """Once the transaction commits, tell the owner's side (``to_owner``) or the startup's members of
    a change of the project, with ``words(project)`` as (subject, body) in each recipient's language."""
    transaction.on_commit(lambda: _project_notify(project_id=project_id, to_owner=to_owner, words=words))


def _project_notify(*, project_id: int, to_owner: bool, words: Callable[[PocProject], tuple[str, str]]) -> None:
    project = PocProject.objects.select_related("challenge", "company").get(pk=project_id)
    users = owner_side_users(project.challenge) if to_owner else company_users(project.company_id)
    _notify_users(
        kind=NotificationKind.POC_UPDATE,
        users=users,
        url=reverse("innovation:project-detail", kwargs={"pk": project.pk}),
        words=lambda: words(project),
    )


# --- Evaluating proposals with the reviews' scoring engine ------------------------------------


@dataclass(frozen=True)
class ProposalCriterion:
    key: str
    label: str
    weight: int


# The open-innovation rubric: four criteria scored 1 to 5, weighted like a call's rubric.
SCORE_MINIMUM, SCORE_MAXIMUM = 1, 5
CRITERION_WEIGHTS = (("fit", 30), ("feasibility", 30), ("track_record", 20), ("value", 20))
PROPOSAL_RUBRIC = Rubric(
    tuple(
        Criterion(key, weight=weight, minimum=SCORE_MINIMUM, maximum=SCORE_MAXIMUM) for key, weight in CRITERION_WEIGHTS
    )
)


def proposal_criteria() -> tuple[ProposalCriterion, ...]:
    """The rubric's criteria with their labels in the active language."""
    labels = {
        "fit": _("Fit to the problem"),
        "feasibility": _("Technical feasibility"),
        "track_record": _("Team and references"),
        "value": _("Price and timeline"),
    }
    return tuple(ProposalCriterion(key, labels[key], weight) for key, weight in CRITERION_WEIGHTS)


EVALUATED_STATES = (ProposalState.SUBMITTED, ProposalState.SHORTLISTED)


def proposal_evaluate(*, user: Any, proposal: Proposal, scores: Any, comment: str = "") -> ProposalEvaluation:
    """Record (or change) ``user``'s scores of a proposal on the rubric, every criterion from 1 to 5
    (the challenge's owner side, while the proposal is undecided)."""
    if not user.has_perm("innovation.evaluate_proposal", proposal.challenge):
        raise PermissionDenied(_("Only the challenge's owner evaluates its proposals."))
    errors = _Errors()
    cleaned: dict[str, int] = {}
    given = scores if isinstance(scores, dict) else {}
    for criterion in proposal_criteria():
        value = given.get(criterion.key)
        if not isinstance(value, int) or isinstance(value, bool) or not SCORE_MINIMUM <= value <= SCORE_MAXIMUM:
            errors.add(
                criterion.key,
                _("Score “%(criterion)s” with a whole number from %(low)s to %(high)s.")
                % {"criterion": criterion.label, "low": SCORE_MINIMUM, "high": SCORE_MAXIMUM},
            )
        else:
            cleaned[criterion.key] = value
    unknown = sorted(set(given) - {criterion.key for criterion in proposal_criteria()})
    if unknown or not isinstance(scores, dict):
        errors.add("__all__", _("Score exactly the rubric's criteria."))
    comment_text = _bounded_text(errors, "comment", comment, limit=MAX_SOLUTION_CHARS)
    errors.raise_if_any()
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update(of=("self",)).select_related("challenge").get(pk=proposal.pk)
        if proposal.state not in EVALUATED_STATES:
            raise ValidationError({"__all__": [_("This proposal has been decided; it is no longer evaluated.")]})
        evaluation, created = ProposalEvaluation.objects.get_or_create(
            proposal=proposal, evaluator=user, defaults={"scores": cleaned, "comment": comment_text}
        )
        if created:
            changes = jsonable_values({"scores": cleaned, "comment": comment_text})
        else:
            changes = field_changes(evaluation, {"scores": cleaned, "comment": comment_text})
            evaluation.scores, evaluation.comment = cleaned, comment_text
            evaluation.save(update_fields=["scores", "comment", "updated_at"])
        audit_event_record(actor=user, action="innovation.proposal_evaluate", target=proposal, changes=changes)
    return evaluation


@dataclass(frozen=True)
class ProposalRank:
    """A proposal's evaluation summary: evaluators, mean score (0-100) with its spread, the score
    adjusted for each evaluator's leniency (the reviews' additive model), and its rank."""

    proposal: Proposal
    evaluations: int
    mean: float | None
    spread: float | None
    adjusted: float | None
    rank: int | None


def proposal_ranking(*, challenge: Challenge) -> list[ProposalRank]:
    """Every proposal to ``challenge``, the evaluated ones first by adjusted score (best first) and
    the rest after them; a rank is shared by proposals with the same adjusted score."""
    proposals = list(Proposal.objects.filter(challenge=challenge).select_related("company"))
    sheets = [
        ScoreSheet(
            application_id=evaluation.proposal_id, reviewer_id=evaluation.evaluator_id, criteria=evaluation.scores
        )
        for evaluation in ProposalEvaluation.objects.filter(proposal__challenge=challenge)
    ]
    if not sheets:
        return [ProposalRank(proposal, 0, None, None, None, None) for proposal in proposals]
    report = score_report(
        sheets, call_of=dict.fromkeys((sheet.application_id for sheet in sheets), 0), rubric=PROPOSAL_RUBRIC
    )
    scored = {entry.application_id: entry for entry in report.applications}
    ranks = {entry.application_id: entry.rank for entry in report.rankings[0].entries}
    rows = []
    for proposal in proposals:
        entry = scored.get(proposal.pk)
        if entry is None:
            rows.append(ProposalRank(proposal, 0, None, None, None, None))
        else:
            rows.append(
                ProposalRank(
                    proposal,
                    entry.raw.count,
                    round(entry.raw.mean, 2),
                    round(entry.raw.std, 2),
                    round(entry.adjusted, 2),
                    ranks.get(proposal.pk),
                )
            )
    rows.sort(key=lambda row: (row.rank is None, row.rank or 0, row.proposal.pk))
    return rows


@dataclass(frozen=True)
class SelectionSuggestion:
    """The proposals of greatest total score that fit the challenge's budget (and a number of
    projects, if given), found by the selection engine, with a sentence per proposal."""

    status: str
    selected_ids: tuple[int, ...]
    total_price_krw: int
    budget_krw: int | None
    max_projects: int | None
    reasons: dict[int, str]
    left_out: tuple[int, ...]  # undecided proposals not evaluated yet: not part of the suggestion


PROJECT_COUNT = "project_count"


def proposal_selection_suggest(*, challenge: Challenge, max_projects: int | None = None) -> SelectionSuggestion:
    """Suggest which undecided, evaluated proposals to select: the greatest total adjusted score
    whose prices fit in the challenge's budget (no budget: every positive score fits) and at most
    ``max_projects`` of them. Reads only; the owner then selects (``proposal_selection_apply``)."""
    from foster.selection.explanations import explanation_sentence

    if max_projects is not None and (isinstance(max_projects, bool) or max_projects < 1):
        raise ValidationError({"max_projects": [_("Enter a number of projects of 1 or more.")]})
    rows = [row for row in proposal_ranking(challenge=challenge) if row.proposal.state in EVALUATED_STATES]
    evaluated = [row for row in rows if row.adjusted is not None]
    left_out = tuple(row.proposal.pk for row in rows if row.adjusted is None)
    if not evaluated:
        return SelectionSuggestion("empty", (), 0, challenge.budget_krw, max_projects, {}, left_out)
    constraints = []
    if challenge.budget_krw is not None:
        constraints.append(
            Constraint(name="budget", type=ConstraintType.SUM, cost="price_krw", max=challenge.budget_krw)
        )
    if max_projects is not None:
        constraints.append(Constraint(name=PROJECT_COUNT, type=ConstraintType.COUNT, max=max_projects))
    problem = SelectionProblem(
        candidates=[
            Candidate(
                id=str(row.proposal.pk),
                value=float(row.adjusted or 0.0),
                costs={"price_krw": float(row.proposal.price_krw)},
                spread=row.spread,
            )
            for row in evaluated
        ],
        constraints=constraints,
    )
    result = solve_selection(problem, time_limit=10.0, with_sensitivity=False, with_quota_costs=False)
    selected = tuple(sorted(int(candidate_id) for candidate_id in result.selected))
    reasons = {
        int(candidate_id): explanation_sentence({"code": explanation.code, "params": dict(explanation.params)})
        for candidate_id, explanation in result.explanations.items()
    }
    prices = {row.proposal.pk: row.proposal.price_krw for row in evaluated}
    return SelectionSuggestion(
        status=str(result.status),
        selected_ids=selected if result.status in (SelectionStatus.OPTIMAL, SelectionStatus.FEASIBLE) else (),
        total_price_krw=sum(prices[pk] for pk in selected),
        budget_krw=challenge.budget_krw,
        max_projects=max_projects,
        reasons=reasons,
        left_out=left_out,
    )


def proposal_selection_apply(*, user: Any, challenge: Challenge, proposal_ids: Sequence[int], reason: str) -> int:
    """Select the given undecided proposals of ``challenge`` at once (all or none: each opens its
    proof-of-concept project), recording ``reason`` (e.g. the suggestion they came from); returns
    how many were selected. Takes row locks on the proposals."""
    if not user.has_perm("innovation.decide_proposal", challenge):
        raise PermissionDenied(_("Only the challenge's owner decides on its proposals."))
    ids = sorted(set(proposal_ids))
    if not ids:
        raise ValidationError({"__all__": [_("Choose at least one proposal to select.")]})
    with transaction.atomic():
        proposals = list(
            Proposal.objects.select_for_update(of=("self",))
            .select_related("challenge")
            .filter(challenge=challenge, pk__in=ids)
        )
        if len(proposals) != len(ids):
            raise ValidationError({"__all__": [_("A proposal chosen is not one of this challenge's.")]})
        moved = [proposal for proposal in proposals if proposal.state in EVALUATED_STATES]
        if len(moved) != len(proposals):
            raise ValidationError({"__all__": [_("A proposal chosen has been decided since; reload the page.")]})
        for proposal in moved:
            _proposal_move(user=user, proposal=proposal, to_state=ProposalState.SELECTED, reason=reason)
    return len(moved)


# --- Proof-of-concept projects ----------------------------------------------------------------


@dataclass
class MilestoneData:
    """A milestone's planned fields; ``validate()`` returns them cleaned."""

    title: str
    deliverable: str
    due_on: dt.date | None

    def validate(self) -> dict[str, Any]:
        errors = _Errors()
        cleaned: dict[str, Any] = {
            "title": _bounded_text(errors, "title", self.title, limit=200, required=_("Enter a title.")),
            "deliverable": _bounded_text(
                errors,
                "deliverable",
                self.deliverable,
                limit=MAX_SOLUTION_CHARS,
                required=_("Say what will be handed over at this milestone."),
            ),
        }
        if not isinstance(self.due_on, dt.date) or isinstance(self.due_on, dt.datetime):
            errors.add("due_on", _("Enter the due date."))
        cleaned["due_on"] = self.due_on
        errors.raise_if_any()
        return cleaned


def _locked_project(project: PocProject) -> PocProject:
    """The project row, locked (only its own row: the joined challenge, company and proposal are read)."""
    return (
        PocProject.objects.select_for_update(of=("self",))
        .select_related("challenge", "company", "proposal")
        .get(pk=project.pk)
    )


def _check_due_within(project: PocProject, due_on: dt.date) -> None:
    if project.ends_on and due_on > project.ends_on:
        raise ValidationError(
            {"due_on": [_("Choose a date on or before the project's end (%(date)s).") % {"date": project.ends_on}]}
        )


def poc_milestone_add(*, user: Any, project: PocProject, data: MilestoneData) -> PocMilestone:
    """Add a milestone to a planned or running project (either side plans them)."""
    if not user.has_perm("innovation.plan_project", project):
        raise PermissionDenied(_("Only the two sides of the project plan its milestones."))
    cleaned = data.validate()
    with transaction.atomic():
        project = _locked_project(project)
        if project.state not in (PocState.PLANNED, PocState.RUNNING):
            raise ValidationError({"__all__": [_("The project has ended; its milestones cannot change.")]})
        _check_due_within(project, cleaned["due_on"])
        milestone = PocMilestone.objects.create(project=project, **cleaned)
        audit_event_record(
            actor=user, action="innovation.milestone_add", target=milestone, changes=jsonable_values(cleaned)
        )
    return milestone


def poc_milestone_update(*, user: Any, milestone: PocMilestone, data: MilestoneData) -> PocMilestone:
    """Re-plan a milestone nothing was accepted for yet (planned, or returned for changes): its title,
    deliverable or due date (either side, while the project is planned or running; the due date stays
    within the project). Each changed field is audited with its old and new value."""
    if not user.has_perm("innovation.plan_project", milestone.project):
        raise PermissionDenied(_("Only the two sides of the project plan its milestones."))
    cleaned = data.validate()
    with transaction.atomic():
        project = _locked_project(milestone.project)
        locked = PocMilestone.objects.select_for_update().get(pk=milestone.pk)
        if locked.state not in (MilestoneState.PLANNED, MilestoneState.RETURNED) or project.state not in (
            PocState.PLANNED,
            PocState.RUNNING,
        ):
            raise ValidationError(
                {"__all__": [_("Only a planned or returned milestone of an open project can be changed.")]}
            )
        _check_due_within(project, cleaned["due_on"])
        changes = fields_save(locked, cleaned)
        if changes:
            audit_event_record(actor=user, action="innovation.milestone_update", target=locked, changes=changes)
    return locked


def poc_milestone_delete(*, user: Any, milestone: PocMilestone) -> None:
    """Remove a milestone nothing was delivered for yet (either side)."""
    if not user.has_perm("innovation.plan_project", milestone.project):
        raise PermissionDenied(_("Only the two sides of the project plan its milestones."))
    with transaction.atomic():
        project = _locked_project(milestone.project)
        milestone = PocMilestone.objects.select_for_update().get(pk=milestone.pk)
        if milestone.state != MilestoneState.PLANNED or project.state not in (PocState.PLANNED, PocState.RUNNING):
            raise ValidationError({"__all__": [_("Only a milestone nothing was delivered for can be removed.")]})
        audit_event_record(
            actor=user,
            action="innovation.milestone_delete",
            target=project,
            changes={"milestone": [jsonable_values({"title": milestone.title, "due_on": milestone.due_on}), None]},
        )
        milestone.delete()


def poc_project_start(*, user: Any, project: PocProject, starts_on: dt.date | None = None) -> PocProject:
    """Start a planned project (the challenge's owner), once it has at least one milestone."""
    if not user.has_perm("innovation.manage_project", project):
        raise PermissionDenied(_("Only the challenge's owner starts the project."))
    with transaction.atomic():
        project = _locked_project(project)
        if project.state != PocState.PLANNED:
            raise ValidationError({"__all__": [_("Only a planned project can be started.")]})
        if not project.milestones.exists():
            raise ValidationError({"__all__": [_("Add at least one milestone with its deliverable before starting.")]})
        before = {"state": project.state, "starts_on": project.starts_on}
        project.state = PocState.RUNNING
        project.starts_on = starts_on or project.starts_on or timezone.localdate()
        if project.ends_on is None:  # the proposal's duration from the actual start
            project.ends_on = project.starts_on + dt.timedelta(weeks=project.proposal.duration_weeks)
        project.save(update_fields=["state", "starts_on", "ends_on", "updated_at"])
        audit_event_record(
            actor=user,
            action="innovation.project_start",
            target=project,
            changes={"state": [before["state"], project.state], "starts_on": jsonable_values(before)["starts_on"]},
        )
        _project_notify_after_commit(
            project.pk,
            to_owner=False,
            words=lambda project: (
                _("Project started: %(challenge)s") % {"challenge": project.challenge.title},
                _(
                    "The proof-of-concept project for “%(challenge)s” has started. "
                    "Submit each deliverable by its due date."
                )
                % {"challenge": project.challenge.title},
            ),
        )
    return project


def poc_milestone_submit(*, user: Any, milestone: PocMilestone, note: str, upload: Any = None) -> PocMilestone:
    """The startup hands over a milestone's deliverable: a note, and optionally a file whose type is
    checked from its content (as for application attachments). A returned milestone is submitted again."""
    if not user.has_perm("innovation.deliver_project", milestone.project):
        raise PermissionDenied(_("Only the startup carrying out the project submits its deliverables."))
    errors = _Errors()
    note_text = _bounded_text(errors, "note", note, limit=MAX_SOLUTION_CHARS, required=_("Describe what you deliver."))
    file_type = None
    if upload is not None:
        try:
            file_type = file_type_detect(upload)
        except ValidationError as error:
            errors.add("file", " ".join(error.messages))
    errors.raise_if_any()
    with transaction.atomic():
        project = _locked_project(milestone.project)
        milestone = PocMilestone.objects.select_for_update().get(pk=milestone.pk)
        if project.state != PocState.RUNNING:
            raise ValidationError({"__all__": [_("Deliverables are submitted while the project is running.")]})
        if milestone.state not in (MilestoneState.PLANNED, MilestoneState.RETURNED):
            raise ValidationError({"__all__": [_("This deliverable was already submitted.")]})
        before = milestone.state
        milestone.state = MilestoneState.SUBMITTED
        milestone.submission_note = note_text
        milestone.submitted_at = timezone.now()
        milestone.submitted_by = user
        if upload is not None and file_type is not None:
            milestone.file_name = filename_sanitise(getattr(upload, "name", ""), file_type)
            milestone.file_content_type = file_type.content_type
            milestone.file.save(milestone.file_name, upload, save=False)
        milestone.save()
        audit_event_record(
            actor=user,
            action="innovation.milestone_submit",
            target=milestone,
            changes={"state": [before, milestone.state], "file": milestone.file_name},
        )
        project_id, title = project.pk, milestone.title
        _project_notify_after_commit(
            project_id,
            to_owner=True,
            words=lambda project: (
                _("Deliverable submitted: %(milestone)s") % {"milestone": title},
                _("%(company)s submitted the deliverable of “%(milestone)s”. Accept it or return it with feedback.")
                % {"company": project.company.name, "milestone": title},
            ),
        )
    return milestone


def poc_milestone_decide(*, user: Any, milestone: PocMilestone, accept: bool, feedback: str = "") -> PocMilestone:
    """The challenge's owner accepts a submitted deliverable, or returns it with feedback (required)."""
    if not user.has_perm("innovation.manage_project", milestone.project):
        raise PermissionDenied(_("Only the challenge's owner accepts or returns deliverables."))
    errors = _Errors()
    feedback_text = _bounded_text(
        errors,
        "feedback",
        feedback,
        limit=MAX_SOLUTION_CHARS,
        required="" if accept else _("Say what should change before the deliverable can be accepted."),
    )
    errors.raise_if_any()
    with transaction.atomic():
        _locked_project(milestone.project)
        milestone = PocMilestone.objects.select_for_update().get(pk=milestone.pk)
        if milestone.state != MilestoneState.SUBMITTED:
            raise ValidationError({"__all__": [_("Only a submitted deliverable can be accepted or returned.")]})
        before = milestone.state
        milestone.state = MilestoneState.ACCEPTED if accept else MilestoneState.RETURNED
        milestone.feedback = feedback_text
        milestone.decided_at = timezone.now()
        milestone.decided_by = user
        milestone.save(update_fields=["state", "feedback", "decided_at", "decided_by"])
        audit_event_record(
            actor=user,
            action="innovation.milestone_decide",
            target=milestone,
            reason=feedback_text,
            changes={"state": [before, milestone.state]},
        )
        project_id, title, state = milestone.project_id, milestone.title, milestone.state
        _project_notify_after_commit(
            project_id,
            to_owner=False,
            words=lambda project: (
                _("Deliverable %(state)s: %(milestone)s") % {"state": MilestoneState(state).label, "milestone": title},
                _("The deliverable of “%(milestone)s” is now: %(state)s.")
                % {"milestone": title, "state": MilestoneState(state).label}
                + (f"\n\n{feedback_text}" if feedback_text else ""),
            ),
        )
    return milestone


def poc_project_complete(
    *, user: Any, project: PocProject, outcome: str, outcome_summary: str, results: str = ""
) -> PocProject:
    """Close a running project with its outcome (the challenge's owner). No deliverable may wait for a
    decision, and "goal achieved" needs every deliverable accepted."""
    if not user.has_perm("innovation.manage_project", project):
        raise PermissionDenied(_("Only the challenge's owner closes the project."))
    errors = _Errors()
    if outcome not in PocOutcome.values:
        errors.add("outcome", _("Choose the outcome."))
    summary = _bounded_text(
        errors, "outcome_summary", outcome_summary, limit=MAX_SOLUTION_CHARS, required=_("Summarise the outcome.")
    )
    results_text = _bounded_text(errors, "results", results, limit=MAX_SOLUTION_CHARS)
    errors.raise_if_any()
    with transaction.atomic():
        project = _locked_project(project)
        if project.state != PocState.RUNNING:
            raise ValidationError({"__all__": [_("Only a running project can be completed.")]})
        states = list(project.milestones.values_list("title", "state"))
        waiting = [title for title, state in states if state == MilestoneState.SUBMITTED]
        if waiting:
            raise ValidationError(
                {
                    "__all__": [
                        _("Accept or return these deliverables first: %(titles)s.") % {"titles": ", ".join(waiting)}
                    ]
                }
            )
        open_ones = [title for title, state in states if state != MilestoneState.ACCEPTED]
        if outcome == PocOutcome.ACHIEVED and open_ones:
            raise ValidationError(
                {
                    "outcome": [
                        _("“Goal achieved” needs every deliverable accepted; still open: %(titles)s.")
                        % {"titles": ", ".join(open_ones)}
                    ]
                }
            )
        project.state = PocState.COMPLETED
        project.outcome, project.outcome_summary, project.results = outcome, summary, results_text
        project.finished_at = timezone.now()
        project.save()
        audit_event_record(
            actor=user,
            action="innovation.project_complete",
            target=project,
            changes={"state": [PocState.RUNNING, PocState.COMPLETED], "outcome": outcome},
        )
        _project_notify_after_commit(
            project.pk,
            to_owner=False,
            words=lambda project: (
                _("Project completed: %(challenge)s") % {"challenge": project.challenge.title},
                _("The proof-of-concept project for “%(challenge)s” was completed: %(outcome)s.")
                % {"challenge": project.challenge.title, "outcome": PocOutcome(project.outcome).label},
            ),
        )
    return project


def poc_project_stop(*, user: Any, project: PocProject, reason: str) -> PocProject:
    """Stop a planned or running project early, with a reason (the challenge's owner)."""
    if not user.has_perm("innovation.manage_project", project):
        raise PermissionDenied(_("Only the challenge's owner stops the project."))
    errors = _Errors()
    reason_text = _bounded_text(
        errors, "reason", reason, limit=MAX_SOLUTION_CHARS, required=_("Say why the project stops.")
    )
    errors.raise_if_any()
    with transaction.atomic():
        project = _locked_project(project)
        if project.state not in (PocState.PLANNED, PocState.RUNNING):
            raise ValidationError({"__all__": [_("The project has already ended.")]})
        before = project.state
        project.state, project.stop_reason, project.finished_at = PocState.STOPPED, reason_text, timezone.now()
        project.save(update_fields=["state", "stop_reason", "finished_at", "updated_at"])
        audit_event_record(
            actor=user,
            action="innovation.project_stop",
            target=project,
            reason=reason_text,
            changes={"state": [before, PocState.STOPPED]},
        )
        _project_notify_after_commit(
            project.pk,
            to_owner=False,
            words=lambda project: (
                _("Project stopped: %(challenge)s") % {"challenge": project.challenge.title},
                _("The proof-of-concept project for “%(challenge)s” was stopped: %(reason)s")
                % {"challenge": project.challenge.title, "reason": reason_text},
            ),
        )
    return project


# --- Success cases ----------------------------------------------------------------------------


PUBLISHABLE_OUTCOMES = (PocOutcome.ACHIEVED, PocOutcome.PARTLY)


@dataclass
class SuccessCaseData:
    """A success case's text, in Korean or English or both; ``validate()`` returns it cleaned."""

    title_ko: str = ""
    title_en: str = ""
    summary_ko: str = ""
    summary_en: str = ""

    def validate(self) -> dict[str, Any]:
        errors = _Errors()
        cleaned = {
            "title_ko": _bounded_text(errors, "title_ko", self.title_ko, limit=200),
            "title_en": _bounded_text(errors, "title_en", self.title_en, limit=200),
            "summary_ko": _bounded_text(errors, "summary_ko", self.summary_ko, limit=MAX_SOLUTION_CHARS),
            "summary_en": _bounded_text(errors, "summary_en", self.summary_en, limit=MAX_SOLUTION_CHARS),
        }
        for language in ("ko", "en"):
            title, summary = cleaned[f"title_{language}"], cleaned[f"summary_{language}"]
            if title and not summary:
                errors.add(f"summary_{language}", _("Write the summary that goes with this title."))
            if summary and not title:
                errors.add(f"title_{language}", _("Give this summary a title."))
        if not any(cleaned.values()):
            errors.add("title_ko", _("Write the case in Korean or in English."))
        errors.raise_if_any()
        return cleaned


def _is_owner_side(user: Any, project: PocProject) -> bool:
    return bool(user.has_perm("innovation.manage_project", project))


def success_case_save(*, user: Any, project: PocProject, data: SuccessCaseData) -> SuccessCase:
    """Write or change the success case of a project completed with its goal achieved or partly
    achieved (either side). A change of text withdraws both consents and unpublishes it, and the
    other side is asked to approve the new text; the writer's own consent is kept."""
    if not user.has_perm("innovation.plan_project", project):
        raise PermissionDenied(_("Only the two sides of the project write its success case."))
    cleaned = data.validate()
    with transaction.atomic():
        project = _locked_project(project)
        if project.state != PocState.COMPLETED or project.outcome not in PUBLISHABLE_OUTCOMES:
            raise ValidationError(
                {
                    "__all__": [
                        _("Only a project completed with its goal achieved or partly achieved has a success case.")
                    ]
                }
            )
        case = SuccessCase.objects.select_for_update().filter(project=project).first()
        if case is None:
            case = SuccessCase(project=project)
            changes = jsonable_values(cleaned)
        else:
            changes = field_changes(case, cleaned)
            if not changes:
                return case
        for name, value in cleaned.items():
            setattr(case, name, value)
        now = timezone.now()
        owner_side = _is_owner_side(user, project)
        case.owner_consent_by, case.owner_consent_at = (user, now) if owner_side else (None, None)
        case.startup_consent_by, case.startup_consent_at = (None, None) if owner_side else (user, now)
        if case.published_at is not None:
            changes["published_at"] = [jsonable_values({"at": case.published_at})["at"], None]
        case.published_at = None
        case.save()
        audit_event_record(actor=user, action="innovation.success_case_save", target=case, changes=changes)
        _project_notify_after_commit(
            project.pk,
            to_owner=not owner_side,
            words=lambda project: (
                _("Success case to approve: %(challenge)s") % {"challenge": project.challenge.title},
                _(
                    "A success case of the project for “%(challenge)s” was written. "
                    "It is published on the portal once both sides approve it."
                )
                % {"challenge": project.challenge.title},
            ),
        )
    return case


def success_case_consent(*, user: Any, case: SuccessCase, consent: bool) -> SuccessCase:
    """Give or withdraw the consent of the user's side to publish the case; it is published when both
    sides consent, and unpublished as soon as either withdraws."""
    project = case.project
    owner_side = _is_owner_side(user, project)
    if not owner_side and not user.has_perm("innovation.deliver_project", project):
        raise PermissionDenied(_("Only the two sides of the project approve its success case."))
    with transaction.atomic():
        case = SuccessCase.objects.select_for_update().get(pk=case.pk)
        before = case.is_published
        now = timezone.now()
        if owner_side:
            case.owner_consent_by, case.owner_consent_at = (user, now) if consent else (None, None)
        else:
            case.startup_consent_by, case.startup_consent_at = (user, now) if consent else (None, None)
        both = case.owner_consent_at is not None and case.startup_consent_at is not None
        case.published_at = (case.published_at or now) if both else None
        case.save()
        audit_event_record(
            actor=user,
            action="innovation.success_case_consent" if consent else "innovation.success_case_withdraw",
            target=case,
            changes={"side": "owner" if owner_side else "startup", "published": [before, case.is_published]},
        )
    return case
