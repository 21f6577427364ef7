"""Measuring a ranking against graded judgements: nDCG@10, recall@10 and MRR, overall and per group.

Groups are the query's language (``ko``, ``en``) and ``crosslingual`` (every relevant profile is in
the other language). ``whitespace_baseline`` is the reference measured beside the engine in the
same run: BM25 (``bm25s``, same k1 and b) on lower-cased whitespace tokens, no analysis at all.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import bm25s  # type: ignore[import-untyped]
import numpy as np

from foster.engines.matching.index import Profile

CUTOFF = 10
GROUPS = ("overall", "ko", "en", "crosslingual")


@dataclass(frozen=True, slots=True)
class JudgedQuery:
    """A problem with the profiles judged relevant to it (grade 2: solves it, 1: partly relevant)."""

    id: str
    text: str
    relevant: Mapping[str, int]
    language: str = ""
    sector: str = ""
    crosslingual: bool = False


@dataclass(frozen=True, slots=True)
class GroupScores:
    """Mean metrics over a group of queries."""

    queries: int
    ndcg: float
    recall: float
    mrr: float


@dataclass(frozen=True, slots=True)
class EvaluationReport:
    """Scores per group (``overall``, ``ko``, ``en``, ``crosslingual``); groups without queries are left out."""

    groups: Mapping[str, GroupScores]


def ndcg_at(ranking: Sequence[str], relevant: Mapping[str, int], cutoff: int = CUTOFF) -> float:
    """Normalised discounted cumulative gain with gains 2^grade - 1 (0 when nothing is relevant)."""
    gains = [2 ** relevant.get(profile_id, 0) - 1 for profile_id in ranking[:cutoff]]
    dcg = sum(gain / math.log2(position + 2) for position, gain in enumerate(gains))
    ideal_gains = sorted((2**grade - 1 for grade in relevant.values() if grade > 0), reverse=True)[:cutoff]
    ideal = sum(gain / math.log2(position + 2) for position, gain in enumerate(ideal_gains))
    return dcg / ideal if ideal > 0 else 0.0


def recall_at(ranking: Sequence[str], relevant: Mapping[str, int], cutoff: int = CUTOFF) -> float:
    """Share of the relevant profiles (grade 1 or 2) found in the first ``cutoff`` results."""
    wanted = {profile_id for profile_id, grade in relevant.items() if grade > 0}
    return len(wanted.intersection(ranking[:cutoff])) / len(wanted) if wanted else 0.0


def reciprocal_rank(ranking: Sequence[str], relevant: Mapping[str, int]) -> float:
    """1 / the position of the first relevant profile (0 when none is ranked)."""
    for position, profile_id in enumerate(ranking, start=1):
        if relevant.get(profile_id, 0) > 0:
            return 1.0 / position
    return 0.0


def evaluate_runs(queries: Sequence[JudgedQuery], rankings: Mapping[str, Sequence[str]]) -> EvaluationReport:
    """Metrics of ``rankings`` (query id → profile ids, best first); a query without a ranking scores 0."""
    members: dict[str, list[JudgedQuery]] = {group: [] for group in GROUPS}
    for query in queries:
        members["overall"].append(query)
        if query.language in ("ko", "en"):
            members[query.language].append(query)
        if query.crosslingual:
            members["crosslingual"].append(query)
    groups = {}
    for group, group_queries in members.items():
        if not group_queries:
            continue
        ranked = [(list(rankings.get(query.id, ())), query.relevant) for query in group_queries]
        groups[group] = GroupScores(
            queries=len(group_queries),
            ndcg=float(np.mean([ndcg_at(ranking, relevant) for ranking, relevant in ranked])),
            recall=float(np.mean([recall_at(ranking, relevant) for ranking, relevant in ranked])),
            mrr=float(np.mean([reciprocal_rank(ranking, relevant) for ranking, relevant in ranked])),
        )
    return EvaluationReport(groups)


def whitespace_baseline(
    profiles: Sequence[Profile], queries: Sequence[JudgedQuery], top: int = CUTOFF
) -> dict[str, list[str]]:
    """Rankings by BM25 on lower-cased whitespace tokens of the profile text (the reference)."""
    if not profiles:
        return {query.id: [] for query in queries}
    retriever = bm25s.BM25(method="lucene")
    retriever.index([profile.text.lower().split() for profile in profiles], show_progress=False)
    rankings: dict[str, list[str]] = {}
    for query in queries:
        tokens = [token for token in query.text.lower().split() if token in retriever.vocab_dict]
        if not tokens:
            rankings[query.id] = []
            continue
        scores = retriever.get_scores(tokens)
        order = np.lexsort((np.arange(len(scores)), -scores))[:top]
        rankings[query.id] = [profiles[row].id for row in order.tolist() if scores[row] > 0]
    return rankings
