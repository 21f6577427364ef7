"""Ranking per call, with ties reported and left unbroken.

Ranks are competition ranks ("1224"): an application's rank is one plus the number of applications
of its call with a strictly higher score, so tied applications share a rank and the next rank is
skipped. Scores are compared after rounding to ``decimals`` places, so that 80 and
79.99999999999999 from different arithmetic count as the tie they are. Ties are not broken here:
selection breaks them at the funding line by a recorded lottery. Within a tie, entries keep the
order in which the scores were given.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from foster.engines.scoring.sheets import Identifier


@dataclass(frozen=True, slots=True)
class RankEntry:
    application_id: Identifier
    score: float
    rank: int
    tied_with: tuple[Identifier, ...]

    @property
    def is_tied(self) -> bool:
        return bool(self.tied_with)


@dataclass(frozen=True, slots=True)
class CallRanking:
    """One call's applications from best to worst, and its groups of tied applications."""

    call_id: Identifier
    entries: tuple[RankEntry, ...]
    ties: tuple[tuple[Identifier, ...], ...]


def rank_by_call(
    scores: Mapping[Any, float], call_of: Mapping[Any, Identifier], *, decimals: int = 6
) -> dict[Identifier, CallRanking]:
    """Rank the applications of each call by ``scores`` (higher is better); every scored application needs a call.

    Both mappings are keyed by application id. (Typed ``Any`` because ``Mapping`` is invariant in its
    key: a caller's ``dict[int, float]`` would not match ``Mapping[int | str, float]``.)
    """
    by_call: dict[Identifier, list[tuple[Identifier, float]]] = {}
    for application_id, score in scores.items():
        if application_id not in call_of:
            raise ValueError(f"application {application_id!r} has no call")
        by_call.setdefault(call_of[application_id], []).append((application_id, score))

    rankings: dict[Identifier, CallRanking] = {}
    for call_id, items in by_call.items():
        ordered = sorted(items, key=lambda item: -round(item[1], decimals))
        groups: list[list[tuple[Identifier, float]]] = []
        for item in ordered:
            if groups and round(groups[-1][0][1], decimals) == round(item[1], decimals):
                groups[-1].append(item)
            else:
                groups.append([item])
        entries: list[RankEntry] = []
        ties: list[tuple[Identifier, ...]] = []
        for group in groups:
            rank = len(entries) + 1
            members = tuple(application_id for application_id, _ in group)
            if len(group) > 1:
                ties.append(members)
            for application_id, score in group:
                others = tuple(member for member in members if member != application_id)
                entries.append(RankEntry(application_id, score, rank, others))
        rankings[call_id] = CallRanking(call_id, tuple(entries), tuple(ties))
    return rankings
