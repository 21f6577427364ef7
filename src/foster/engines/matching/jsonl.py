"""Reading and writing the matching file format (JSON Lines, as in ``shared/data/matching-dev``).

Profiles: ``{"id", "lang", "name", "sector", "text"}`` (``region`` and ``size_class`` optional).
Queries: ``{"id", "lang", "sector", "text"}`` plus, for evaluation, ``relevant`` (profile id →
grade) and ``crosslingual``. Results: ``{"query": id, "results": [{"id", "score"}, ...]}`` best first.
A malformed line raises ``ValueError`` naming the file and line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from foster.engines.matching.evaluation import JudgedQuery
from foster.engines.matching.index import Match, Profile


def _records(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    with path.open(encoding="utf-8-sig") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise ValueError(f"{path}, line {number}: not valid JSON ({error.msg})") from None
            if not isinstance(record, dict) or "id" not in record:
                raise ValueError(f'{path}, line {number}: expected an object with an "id"')
            yield number, record


def _text(record: dict[str, Any], key: str) -> str:
    value = record.get(key)
    return "" if value is None else str(value)


def read_profiles(path: Path) -> list[Profile]:
    """The profiles of a JSONL file."""
    return [
        Profile(
            id=_text(record, "id"),
            text=_text(record, "text"),
            name=_text(record, "name"),
            sector=_text(record, "sector"),
            region=_text(record, "region"),
            size_class=_text(record, "size_class"),
            language=_text(record, "lang"),
        )
        for _, record in _records(path)
    ]


def read_queries(path: Path) -> list[JudgedQuery]:
    """The queries of a JSONL file (``relevant`` empty when the file has no judgements)."""
    queries = []
    for number, record in _records(path):
        relevant = record.get("relevant") or {}
        if not isinstance(relevant, dict):
            raise ValueError(f'{path}, line {number}: "relevant" must map profile ids to grades')
        queries.append(
            JudgedQuery(
                id=_text(record, "id"),
                text=_text(record, "text"),
                relevant={str(key): int(grade) for key, grade in relevant.items()},
                language=_text(record, "lang"),
                sector=_text(record, "sector"),
                crosslingual=bool(record.get("crosslingual", False)),
            )
        )
    return queries


def result_line(query_id: str, matches: Sequence[Match]) -> str:
    """One output line: the query id and its results, best first."""
    return json.dumps(
        {"query": query_id, "results": [{"id": match.id, "score": match.score} for match in matches]},
        ensure_ascii=False,
    )


def read_results(path: Path) -> dict[str, list[str]]:
    """Rankings from a results file (query id → profile ids, best first)."""
    rankings = {}
    with path.open(encoding="utf-8-sig") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                rankings[str(record["query"])] = [str(result["id"]) for result in record["results"]]
            except (json.JSONDecodeError, KeyError, TypeError):
                raise ValueError(f'{path}, line {number}: expected {{"query": id, "results": [...]}}') from None
    return rankings
