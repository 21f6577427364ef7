"""The bilingual domain glossary: Korean and English terms mapped to shared concept tokens.

Problems and solutions rarely share words ("야간조에서 스크래치를 놓친다" / "unsupervised visual
inspection"), and a Korean problem shares none with an English profile. The glossary
(``data/glossary.tsv``, format in its header) names concepts, each with Korean and English terms,
and puts every concept in one or more topics. A text is given, on top of its words, the token
``c:<concept>`` for each concept whose term it uses and ``t:<topic>`` for each topic of that
concept. Two texts in different languages, or with different words for one field, then share
concept or topic tokens, which the concept channel of the index ranks with BM25.

Terms are analysed with the same analyser as the texts, so they match after stemming and
morphological analysis ("inspections" → "inspect", "놓칩니다" → "놓치"); a term of several words
matches them in sequence. Korean terms of three syllables or more also match inside a compound
written without spaces ("외관검사" for "외관 검사").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from foster.engines.matching.analysis import analyse_many

CONCEPT_PREFIX = "c:"
TOPIC_PREFIX = "t:"
_HANGUL_ONLY = re.compile(r"^[\uac00-\ud7a3]+$")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Concept:
    """One idea of the field, with its words in both languages and the topics it belongs to."""

    id: str
    topics: tuple[str, ...]
    korean: tuple[str, ...]
    english: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ConceptHits:
    """The concepts found in a text, with how often each was mentioned."""

    counts: Mapping[str, int] = field(default_factory=dict)

    def tokens(self, glossary: Glossary) -> list[str]:
        """Concept and topic tokens for indexing, repeated as often as the concept was mentioned."""
        tokens: list[str] = []
        for concept_id, count in self.counts.items():
            tokens.extend([CONCEPT_PREFIX + concept_id] * count)
            for topic in glossary.concepts[concept_id].topics:
                tokens.extend([TOPIC_PREFIX + topic] * count)
        return tokens


def parse_glossary(text: str) -> list[Concept]:
    """Concepts from the TSV text (``#`` lines and blank lines skipped); ``ValueError`` names a bad line."""
    concepts: list[Concept] = []
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        columns = line.rstrip("\n").split("\t")
        if len(columns) != 4:
            raise ValueError(f"glossary line {number}: expected 4 tab-separated columns, found {len(columns)}")
        concept_id, topics, korean, english = (column.strip() for column in columns)
        if not concept_id or concept_id in seen:
            raise ValueError(f"glossary line {number}: missing or repeated concept id {concept_id!r}")
        seen.add(concept_id)
        concepts.append(
            Concept(
                id=concept_id,
                topics=tuple(topic.strip() for topic in topics.split(",") if topic.strip()),
                korean=tuple(term.strip() for term in korean.split("|") if term.strip()),
                english=tuple(term.strip() for term in english.split("|") if term.strip()),
            )
        )
    return concepts


def _collapses(term: str, sequence: tuple[str, ...]) -> bool:
    """Whether analysis lost what makes ``term`` specific, so that it would match far more than it
    says: a phrase of several words left with one ("no show" → "show", "고객 확인" → "확인"), or a
    Korean noun left with a shorter noun ("관리도" → "관리"; a verb such as "놓치다" → "놓치" is fine).
    Such a term is not matched by its analysed words (a Korean one still matches as a compound)."""
    words = term.split()
    if len(words) >= 2 and len(sequence) == 1:
        merged = any(word in sequence[0] for word in words[:-1])  # "못 잡다" → "못잡" keeps the phrase
        return not merged
    if len(words) == 1 and len(sequence) == 1 and _HANGUL_ONLY.match(term) and not term.endswith("다"):
        return len(sequence[0]) < len(term) and term.startswith(sequence[0])
    return False


class Glossary:
    """Compiled concept matcher: term sequences by first term, and a regex for Korean compounds."""

    def __init__(self, concepts: Sequence[Concept]) -> None:
        self.concepts: dict[str, Concept] = {concept.id: concept for concept in concepts}
        self._by_first_term: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        compounds: dict[str, str] = {}
        terms = [(term, concept.id) for concept in concepts for term in (*concept.korean, *concept.english)]
        analysed = analyse_many([term for term, _ in terms])
        for (term, concept_id), term_sequence in zip(terms, analysed, strict=True):
            sequence = tuple(term_sequence)
            if sequence and not _collapses(term, sequence):
                entries = self._by_first_term.setdefault(sequence[0], [])
                if (sequence, concept_id) not in entries:
                    entries.append((sequence, concept_id))
        for concept in concepts:
            for term in concept.korean:
                compact = _SPACES.sub("", term)
                if len(compact) >= 3 and _HANGUL_ONLY.match(compact):
                    compounds.setdefault(compact, concept.id)
        self._compound_concept = compounds
        ordered = sorted(compounds, key=len, reverse=True)
        self._compound_pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None

    def __len__(self) -> int:
        return len(self.concepts)

    def find(self, terms: Sequence[str], cleaned_text: str = "") -> ConceptHits:
        """The concepts mentioned in a text, from its analysed ``terms`` and its cleaned text."""
        by_sequence: Counter[str] = Counter()
        for position, term in enumerate(terms):
            for sequence, concept_id in self._by_first_term.get(term, ()):
                if tuple(terms[position : position + len(sequence)]) == sequence:
                    by_sequence[concept_id] += 1
        counts = by_sequence
        if self._compound_pattern is not None and cleaned_text:
            compact = _SPACES.sub("", cleaned_text)
            by_compound: Counter[str] = Counter(
                self._compound_concept[match.group(0)] for match in self._compound_pattern.finditer(compact)
            )
            counts = by_sequence | by_compound  # the larger count of the two ways of matching
        return ConceptHits(dict(counts))

    def topics_of(self, concept_ids: Iterable[str]) -> set[str]:
        """The topics of the given concepts."""
        return {topic for concept_id in concept_ids for topic in self.concepts[concept_id].topics}

    def label(self, concept_id: str) -> str:
        """A readable name for a concept: its first Korean and first English term."""
        concept = self.concepts[concept_id]
        names = [names[0] for names in (concept.korean, concept.english) if names]
        return " / ".join(names) or concept_id


@cache
def default_glossary() -> Glossary:
    """The glossary shipped with Foster (``data/glossary.tsv``), compiled once per process."""
    text = resources.files("foster.engines.matching").joinpath("data/glossary.tsv").read_text(encoding="utf-8")
    return Glossary(parse_glossary(text))
