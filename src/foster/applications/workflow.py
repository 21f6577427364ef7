"""The application workflow as data: states, transitions, who may take each, what it notifies.

One service (``applications.services.application_transition``) applies a transition, checks it
against this table and writes the audit event. Officials may also skip or revert steps: such a
move is allowed only for officials, needs a reason, is recorded as an override, and sends no
notification meant for the regular step (so an applicant is never told "selected" by a revert).
"""

from __future__ import annotations

from dataclasses import dataclass

from foster.applications.choices import Actor
from foster.applications.choices import ApplicationStatus as S


@dataclass(frozen=True)
class Transition:
    name: str
    source: frozenset[str]
    target: str
    actors: frozenset[str]
    notification: str = ""  # notification kind sent to the applicant, "" for none
    needs_reason: bool = False


def _t(
    name: str, source: set[str], target: str, actors: set[str], notification: str = "", needs_reason: bool = False
) -> Transition:
    return Transition(name, frozenset(source), target, frozenset(actors), notification, needs_reason)


TRANSITIONS: tuple[Transition, ...] = (
    _t("submit", {S.DRAFT}, S.SUBMITTED, {Actor.APPLICANT}, "submission_received"),
    _t("screen_eligible", {S.SUBMITTED}, S.ELIGIBLE, {Actor.OFFICIAL, Actor.SYSTEM}, "screening_result"),
    _t("screen_ineligible", {S.SUBMITTED}, S.INELIGIBLE, {Actor.OFFICIAL, Actor.SYSTEM}, "screening_result"),
    _t("start_review", {S.ELIGIBLE}, S.UNDER_REVIEW, {Actor.OFFICIAL, Actor.SYSTEM}),
    _t("finish_review", {S.UNDER_REVIEW}, S.REVIEWED, {Actor.OFFICIAL, Actor.SYSTEM}),
    _t("select", {S.REVIEWED, S.RESERVE}, S.SELECTED, {Actor.OFFICIAL}, "decision"),
    _t("reserve", {S.REVIEWED}, S.RESERVE, {Actor.OFFICIAL}, "decision"),
    _t("reject", {S.REVIEWED, S.RESERVE}, S.REJECTED, {Actor.OFFICIAL}, "decision"),
    _t("sign_agreement", {S.SELECTED}, S.AGREEMENT, {Actor.OFFICIAL}),
    _t("activate", {S.AGREEMENT}, S.ACTIVE, {Actor.OFFICIAL}),
    _t("close", {S.ACTIVE}, S.CLOSED, {Actor.OFFICIAL}),
    _t(
        "withdraw",
        {S.DRAFT, S.SUBMITTED, S.ELIGIBLE, S.UNDER_REVIEW, S.REVIEWED, S.RESERVE, S.SELECTED},
        S.WITHDRAWN,
        {Actor.APPLICANT},
        needs_reason=True,
    ),
)

TRANSITIONS_BY_NAME = {transition.name: transition for transition in TRANSITIONS}

# Where an application is final: nothing but an official override moves it.
FINAL_STATES = frozenset({S.CLOSED, S.WITHDRAWN, S.REJECTED, S.INELIGIBLE})

# States the applicant can still edit the answers in.
EDITABLE_STATES = frozenset({S.DRAFT})


def transitions_from(status: str, actor: str) -> list[Transition]:
    """The regular transitions ``actor`` may take from ``status``."""
    return [t for t in TRANSITIONS if status in t.source and actor in t.actors]
