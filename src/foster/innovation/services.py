"""Writes of open innovation, and the recommendations built on the matching indexes.

Each write service checks the permission, validates every field (a ``ValidationError`` names each
bad one and nothing is stored), writes and records an audit event atomically, and updates the
matching index once the transaction has committed (``transaction.on_commit``: one row analysed,
no full rebuild; see ``foster.innovation.matching``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from foster.accounts.permissions import agency_ids_of, is_agency_official
from foster.core.services import audit_event_record, field_changes, jsonable_values
from foster.engines.matching import Match, MatchFilters, MatchQuery
from foster.innovation import matching
from foster.innovation.choices import ChallengeState, Confidentiality, ProposalState
from foster.innovation.models import Challenge, Proposal, StartupProfile
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


def _owner_of_new_challenge(user: Any) -> dict[str, Any]:
    if is_agency_official(user):
        return {"owner_agency_id": min(agency_ids_of(user))}
    return {"owner_company_id": min(company_ids_of(user))}


def challenge_create(*, user: Any, data: ChallengeData) -> Challenge:
    """A new draft challenge, owned by the user's agency (officials) or company (its members)."""
    if not user.has_perm("innovation.add_challenge"):
        raise PermissionDenied(
            _("Only members of large companies or public bodies and agency officials post challenges.")
        )
    cleaned = data.validate()
    invited = cleaned.pop("invited_company_ids")
    with transaction.atomic():
        challenge = Challenge.objects.create(**cleaned, **_owner_of_new_challenge(user), created_by=user)
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


def proposal_decide(*, user: Any, proposal: Proposal, to_state: str) -> Proposal:
    """Shortlist, select or reject a proposal (the challenge's owner; takes a row lock on it)."""
    if not user.has_perm("innovation.decide_proposal", proposal.challenge):
        raise PermissionDenied(_("Only the challenge's owner decides on its proposals."))
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().select_related("challenge").get(pk=proposal.pk)
        if (proposal.state, to_state) not in PROPOSAL_TRANSITIONS:
            raise ValidationError({"state": [_("This proposal cannot go to that state.")]})
        before = proposal.state
        proposal.state = to_state
        proposal.save(update_fields=["state", "updated_at"])
        audit_event_record(
            actor=user, action="innovation.proposal_decide", target=proposal, changes={"state": [before, to_state]}
        )
    return proposal


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
