"""The matching index: two BM25 channels over profiles, incremental updates, filters, boosts, reasons.

Every profile is indexed twice with ``bm25s``:

- the **lexical channel** holds its words (``analysis``: Kiwi morphemes and stems, English stems);
- the **concept channel** holds its glossary tokens (``glossary``: ``c:<concept>``, ``t:<topic>``).

A query is analysed the same way. Its words are scored in the lexical channel; its concepts (weight
1) and their topics (weight ``topic_weight``) in the concept channel, so a Korean problem about
scratches that slip through at night reaches an English profile about visual inspection through
the shared concepts and topics. Each channel's score is divided by the most the query could score
there (the sum of its terms' weighted IDF; BM25's term-frequency part is at most 1), which puts
both on a 0–1 scale without letting noise in an empty channel look large, and the two are added
with weights. Profiles in the query's sector, region or size class get a multiplicative boost;
``MatchFilters`` keep only profiles with the given sectors, regions or size classes.

Updates do not rebuild the index: the profiles of the last build form the **main segment** (one
``bm25s`` index per channel); a changed or new profile goes to a small **delta segment** scored
with the main segment's statistics, and its old main row gets a **tombstone**; a deleted profile
gets a tombstone. ``rebuild()`` merges everything into a new main segment (the platform's
background task calls it; ``upsert`` calls it on its own when the delta exceeds
``RankingSettings.merge_after``). Scores in the delta use the main segment's document frequencies
plus the delta's own, so they agree with a full rebuild up to the drift of those statistics.

An optional ``Reranker`` (for example one backed by a sentence-embedding package, when installed)
can re-score the best candidates; none is used by default, and nothing is ever downloaded.
"""

from __future__ import annotations

import json
import logging
import math
import multiprocessing
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import bm25s  # type: ignore[import-untyped]
import numpy as np
import numpy.typing as npt

from foster.engines.matching.analysis import analyse_many, analyse_query
from foster.engines.matching.glossary import CONCEPT_PREFIX, TOPIC_PREFIX, Glossary, default_glossary
from foster.engines.matching.text import clean_text, detect_language

logging.getLogger("bm25s").setLevel(logging.WARNING)  # bm25s sets its logger to DEBUG and logs every build

FloatArray = npt.NDArray[np.float32]
FORMAT_VERSION = 1
FIELDS = ("sector", "region", "size_class")
"""The structured fields of a profile that queries can boost and filters can select."""
_EMPTY = ""


@dataclass(frozen=True, slots=True)
class Profile:
    """A startup's solution profile (or any text to be found): id, free text and structured fields."""

    id: str
    text: str
    name: str = ""
    sector: str = ""
    region: str = ""
    size_class: str = ""
    language: str = ""
    """``"ko"`` or ``"en"``; detected from the text when empty."""


@dataclass(frozen=True, slots=True)
class MatchQuery:
    """A problem to match: its text, and the sector, region and size class it comes from (optional)."""

    text: str
    sector: str = ""
    region: str = ""
    size_class: str = ""
    id: str = ""


@dataclass(frozen=True, slots=True)
class MatchFilters:
    """Keep only profiles whose field is among the given values (an empty set keeps all)."""

    sectors: frozenset[str] = frozenset()
    regions: frozenset[str] = frozenset()
    size_classes: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class RankingSettings:
    """The ranking's parameters. Defaults were chosen on general grounds, see docs/matching.md."""

    k1: float = 1.2
    b: float = 0.75
    lexical_weight: float = 1.0
    concept_weight: float = 1.0
    topic_weight: float = 0.3
    """Weight of a query's topic tokens relative to its concept tokens in the concept channel."""
    sector_boost: float = 0.2
    region_boost: float = 0.05
    size_class_boost: float = 0.0
    rerank_depth: int = 50
    rerank_weight: float = 0.5
    merge_after: int = 2000
    """``upsert`` merges the delta into the main segment once it holds more profiles than this."""


@dataclass(frozen=True, slots=True)
class MatchReason:
    """Why a profile matched: the words, concepts and topics it shares with the query."""

    terms: tuple[str, ...]
    concepts: tuple[str, ...]
    concept_labels: tuple[str, ...]
    topics: tuple[str, ...]
    same_sector: bool
    same_region: bool


@dataclass(frozen=True, slots=True)
class Match:
    """One result: the profile id, its final score, the two channel scores (0–1) and the reason."""

    id: str
    score: float
    lexical: float
    concept: float
    reason: MatchReason | None


class Reranker(Protocol):
    """Re-scores the best candidates of a query, e.g. by embedding similarity (optional)."""

    def similarity(self, query_text: str, profile_ids: Sequence[str]) -> Sequence[float]:
        """Similarity in [0, 1] between the query and each profile, in the order given."""
        ...


@runtime_checkable
class ProfileAwareReranker(Protocol):
    """A re-ranker that keeps something per profile (an embedding): the index tells it of every
    profile built, added, changed or deleted (``dense.EmbeddingReranker``)."""

    def add(self, items: Iterable[tuple[str, str]]) -> None: ...

    def remove(self, profile_id: str) -> None: ...


@dataclass(slots=True)
class QueryTerms:
    """An analysed query: weighted words for the lexical channel, weighted tokens for the concept one."""

    lexical: dict[str, float]
    concepts: dict[str, float]
    surface: dict[str, str] = field(default_factory=dict)
    """The word of the query behind a stemmed term, to show in reasons."""


@dataclass(slots=True)
class _Document:
    """A profile as indexed: its structured fields and the tokens of both channels."""

    profile: Profile
    lexical: list[str]
    concepts: list[str]


class _Channel:
    """One BM25 field: a ``bm25s`` main segment plus a delta segment scored with the same statistics."""

    def __init__(self, k1: float, b: float) -> None:
        self.k1, self.b = k1, b
        self.retriever: Any = None
        self.vocabulary: dict[str, int] = {}
        self.document_count = 0
        self.average_length = 1.0
        self._document_frequency: npt.NDArray[np.int64] = np.zeros(0, dtype=np.int64)
        # Each main document's terms as a CSR row (term positions and counts), for rebuilds.
        self.row_start: npt.NDArray[np.int64] = np.zeros(1, dtype=np.int64)
        self.row_terms: npt.NDArray[np.int32] = np.zeros(0, dtype=np.int32)
        self.row_counts: npt.NDArray[np.int32] = np.zeros(0, dtype=np.int32)

    def build(self, documents: Sequence[Sequence[str]]) -> None:
        self.document_count = len(documents)
        lengths = [len(document) for document in documents]
        self.average_length = max(float(np.mean(lengths)) if lengths else 1.0, 1.0)
        if not documents:
            self.retriever, self.vocabulary = None, {}
            self._document_frequency = np.zeros(0, dtype=np.int64)
            self.row_start = np.zeros(1, dtype=np.int64)
            self.row_terms = np.zeros(0, dtype=np.int32)
            self.row_counts = np.zeros(0, dtype=np.int32)
            return
        retriever = bm25s.BM25(method="lucene", k1=self.k1, b=self.b)
        retriever.index([list(document) for document in documents], show_progress=False)
        self._attach(retriever)
        starts: list[int] = [0]
        terms: list[int] = []
        counts: list[int] = []
        for document in documents:
            counted = Counter(document)
            terms.extend(self.vocabulary[term] for term in counted)
            counts.extend(counted.values())
            starts.append(len(terms))
        self.row_start = np.asarray(starts, dtype=np.int64)
        self.row_terms = np.asarray(terms, dtype=np.int32)
        self.row_counts = np.asarray(counts, dtype=np.int32)

    def tokens_of_row(self, row: int, inverse: Sequence[str]) -> list[str]:
        """A main document's terms (grouped, with their counts) as indexed."""
        start, end = int(self.row_start[row]), int(self.row_start[row + 1])
        tokens: list[str] = []
        for term, count in zip(self.row_terms[start:end].tolist(), self.row_counts[start:end].tolist(), strict=True):
            tokens.extend([inverse[term]] * count)
        return tokens

    def inverse_vocabulary(self) -> list[str]:
        inverse = [""] * len(self.vocabulary)
        for term, position in self.vocabulary.items():
            inverse[position] = term
        return inverse

    def _attach(self, retriever: Any) -> None:
        self.retriever = retriever
        self.vocabulary = dict(retriever.vocab_dict)
        self._document_frequency = np.diff(np.asarray(retriever.scores["indptr"])).astype(np.int64)
        self.document_count = int(retriever.scores["num_docs"])

    def document_frequency(self, term: str) -> int:
        position = self.vocabulary.get(term)
        return int(self._document_frequency[position]) if position is not None else 0

    def idf(self, term: str, extra_frequency: int = 0, extra_documents: int = 0) -> float:
        documents = self.document_count + extra_documents
        frequency = self.document_frequency(term) + extra_frequency
        if frequency == 0 or documents == 0:
            return 0.0
        return math.log(1 + (documents - frequency + 0.5) / (frequency + 0.5))

    def main_scores(self, weighted: Mapping[str, float]) -> FloatArray:
        """BM25 of the main segment's rows for weighted query terms.

        Reads ``bm25s``'s precomputed score matrix (one column of per-document scores per term) and
        sums the query's columns with ``np.bincount``, which also takes the weights; this is what
        ``bm25s.BM25.get_scores`` does with ``np.add.at``, several times faster on long columns.
        """
        if self.retriever is None:
            return np.zeros(self.document_count, dtype=np.float32)
        matrix = self.retriever.scores
        indptr, indices, data = matrix["indptr"], matrix["indices"], matrix["data"]
        rows: list[npt.NDArray[np.integer]] = []
        values: list[npt.NDArray[np.floating]] = []
        for term, weight in weighted.items():
            position = self.vocabulary.get(term)
            if position is None or term == _EMPTY or weight <= 0:
                continue
            start, end = int(indptr[position]), int(indptr[position + 1])
            rows.append(indices[start:end])
            values.append(data[start:end] * np.float32(weight) if weight != 1 else data[start:end])
        if not rows:
            return np.zeros(self.document_count, dtype=np.float32)
        return np.bincount(np.concatenate(rows), weights=np.concatenate(values), minlength=self.document_count).astype(
            np.float32
        )

    def delta_scores(self, weighted: Mapping[str, float], documents: Sequence[Counter[str]]) -> FloatArray:
        """BM25 of delta documents with the main segment's statistics plus the delta's own frequencies."""
        scores = np.zeros(len(documents), dtype=np.float32)
        if not documents:
            return scores
        for term, weight in weighted.items():
            frequency = sum(1 for document in documents if term in document)
            if frequency == 0:
                continue
            idf = self.idf(term, frequency, len(documents))
            for position, document in enumerate(documents):
                count = document.get(term, 0)
                if count:
                    length = sum(document.values())
                    norm = self.k1 * ((1 - self.b) + self.b * length / self.average_length)
                    scores[position] += weight * idf * count / (norm + count)
        return scores

    def upper_bound(self, weighted: Mapping[str, float], documents: Sequence[Counter[str]] = ()) -> float:
        """The most a document could score: the weighted IDF of the query's known terms, counting the
        delta ``documents`` too (a term known only to the delta would otherwise add 0 to the bound
        and inflate the delta's normalised scores far above 1)."""
        return sum(
            weight * self.idf(term, sum(1 for document in documents if term in document), len(documents))
            for term, weight in weighted.items()
            if weight > 0
        )

    def rows_containing(self, term: str, rows: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
        position = self.vocabulary.get(term)
        if position is None or self.retriever is None:
            return np.zeros(len(rows), dtype=bool)
        indptr, indices = self.retriever.scores["indptr"], self.retriever.scores["indices"]
        postings = np.asarray(indices[indptr[position] : indptr[position + 1]])
        return np.isin(rows, postings)

    def save(self, path: Path) -> None:
        if self.retriever is not None:
            self.retriever.save(str(path), show_progress=False)
            np.savez(path / "rows.npz", start=self.row_start, terms=self.row_terms, counts=self.row_counts)

    def load(self, path: Path, document_count: int, average_length: float) -> None:
        self.average_length = average_length
        if document_count == 0 or not path.exists():
            self.retriever, self.vocabulary, self.document_count = None, {}, 0
            return
        self._attach(bm25s.BM25.load(str(path), show_progress=False, verbosity=0))
        with np.load(path / "rows.npz") as rows:
            self.row_start, self.row_terms, self.row_counts = rows["start"], rows["terms"], rows["counts"]


def _profile_text(profile: Profile) -> str:
    """What is analysed (and embedded) of a profile: its name and its text, cleaned."""
    return clean_text(f"{profile.name}\n{profile.text}")


def analyse_profiles(profiles: Sequence[Profile], glossary: Glossary) -> list[_Document]:
    """Both channels' tokens for each profile (its name and text analysed together)."""
    texts = [_profile_text(profile) for profile in profiles]
    documents = []
    for profile, text, terms in zip(profiles, texts, analyse_many(texts), strict=True):
        hits = glossary.find(terms, text)
        language = profile.language or detect_language(text)
        documents.append(_Document(replace(profile, text="", language=language), terms, hits.tokens(glossary)))
    return documents


_worker_glossary: Glossary | None = None


def _analyse_chunk(profiles: Sequence[Profile]) -> list[_Document]:
    assert _worker_glossary is not None
    return analyse_profiles(profiles, _worker_glossary)


def _analyse_in_parallel(profiles: Sequence[Profile], glossary: Glossary, workers: int) -> list[_Document]:
    """``analyse_profiles`` split over ``workers`` forked processes (in order; one process when small)."""
    if workers <= 1 or len(profiles) < 200 or "fork" not in multiprocessing.get_all_start_methods():
        return analyse_profiles(profiles, glossary)
    global _worker_glossary
    _worker_glossary = glossary
    size = max(50, len(profiles) // (workers * 8))
    chunks = [profiles[start : start + size] for start in range(0, len(profiles), size)]
    context = multiprocessing.get_context("fork")
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            return [document for chunk in pool.map(_analyse_chunk, chunks) for document in chunk]
    finally:
        _worker_glossary = None


def analyse_queries(texts: Sequence[str], glossary: Glossary, topic_weight: float) -> list[QueryTerms]:
    """Weighted terms of each query: words weight 1, concepts 1, their topics ``topic_weight``."""
    cleaned = [clean_text(text) for text in texts]
    queries = []
    for text in cleaned:
        terms, surface = analyse_query(text)
        hits = glossary.find(terms, text)
        concepts: dict[str, float] = {CONCEPT_PREFIX + concept_id: 1.0 for concept_id in hits.counts}
        for topic in sorted(glossary.topics_of(hits.counts)):
            concepts[TOPIC_PREFIX + topic] = topic_weight
        queries.append(QueryTerms(lexical=dict.fromkeys(terms, 1.0), concepts=concepts, surface=surface))
    return queries


class MatchingIndex:
    """Profiles ranked for problems: ``build``, ``upsert``, ``delete``, ``search``, ``save``, ``load``."""

    def __init__(
        self,
        settings: RankingSettings | None = None,
        glossary: Glossary | None = None,
        reranker: Reranker | None = None,
    ) -> None:
        self.settings = settings or RankingSettings()
        self.glossary = glossary or default_glossary()
        self.reranker = reranker
        self._lexical = _Channel(self.settings.k1, self.settings.b)
        self._concepts = _Channel(self.settings.k1, self.settings.b)
        self._main: list[Profile] = []
        self._main_row: dict[str, int] = {}
        self._alive: npt.NDArray[np.bool_] = np.zeros(0, dtype=bool)
        self._delta: dict[str, tuple[_Document, Counter[str], Counter[str]]] = {}
        self._field_codes: dict[str, tuple[dict[str, int], npt.NDArray[np.int32]]] = {}
        self._index_fields()

    # ------------------------------------------------------------------ building and updating
    @classmethod
    def build(
        cls,
        profiles: Iterable[Profile],
        settings: RankingSettings | None = None,
        glossary: Glossary | None = None,
        reranker: Reranker | None = None,
        workers: int = 1,
    ) -> MatchingIndex:
        """A new index of ``profiles`` (a later profile with the same id replaces an earlier one).

        ``workers`` > 1 analyses the texts in that many processes (forked, so each shares the loaded
        analyser); analysis, not BM25, is most of the cost of a large build.
        """
        index = cls(settings, glossary, reranker)
        unique = list({profile.id: profile for profile in profiles}.values())
        index._build_main(_analyse_in_parallel(unique, index.glossary, workers))
        if isinstance(reranker, ProfileAwareReranker):
            reranker.add((profile.id, _profile_text(profile)) for profile in unique)
        return index

    def _build_main(self, documents: Sequence[_Document]) -> None:
        self._lexical.build([document.lexical for document in documents])
        self._concepts.build([document.concepts for document in documents])
        self._main = [document.profile for document in documents]
        self._main_row = {profile.id: row for row, profile in enumerate(self._main)}
        self._alive = np.ones(len(self._main), dtype=bool)
        self._delta = {}
        self._index_fields()

    def upsert(self, profile: Profile) -> None:
        """Add or replace one profile without rebuilding the main segment."""
        self._tombstone(profile.id)
        (document,) = analyse_profiles([profile], self.glossary)
        self._delta[profile.id] = (document, Counter(document.lexical), Counter(document.concepts))
        if isinstance(self.reranker, ProfileAwareReranker):
            self.reranker.add([(profile.id, _profile_text(profile))])
        if len(self._delta) > self.settings.merge_after:
            self.rebuild()

    def delete(self, profile_id: str) -> bool:
        """Remove one profile; ``False`` when there was none with that id."""
        if isinstance(self.reranker, ProfileAwareReranker):
            self.reranker.remove(profile_id)
        return self._tombstone(profile_id)

    def _tombstone(self, profile_id: str) -> bool:
        found = self._delta.pop(profile_id, None) is not None
        row = self._main_row.get(profile_id)
        if row is not None and self._alive[row]:
            self._alive[row] = False
            found = True
        return found

    def rebuild(self) -> None:
        """Merge the delta into a new main segment and drop tombstones (from the stored terms, no re-analysis)."""
        lexical_terms = self._lexical.inverse_vocabulary()
        concept_terms = self._concepts.inverse_vocabulary()
        documents = [
            _Document(
                profile,
                self._lexical.tokens_of_row(row, lexical_terms),
                self._concepts.tokens_of_row(row, concept_terms),
            )
            for row, profile in enumerate(self._main)
            if self._alive[row]
        ]
        documents.extend(document for document, _, _ in self._delta.values())
        self._build_main(documents)

    def __len__(self) -> int:
        return int(self._alive.sum()) + len(self._delta)

    def __contains__(self, profile_id: object) -> bool:
        if profile_id in self._delta:
            return True
        row = self._main_row.get(str(profile_id))
        return row is not None and bool(self._alive[row])

    @property
    def delta_size(self) -> int:
        """Profiles added or changed since the last build (kept in the delta segment)."""
        return len(self._delta)

    # ------------------------------------------------------------------ searching
    def search(self, query: MatchQuery | str, top: int = 10, filters: MatchFilters | None = None) -> list[Match]:
        """The ``top`` best profiles for a problem, best first, each with its reason."""
        query = MatchQuery(text=query) if isinstance(query, str) else query
        (terms,) = analyse_queries([query.text], self.glossary, self.settings.topic_weight)
        return self.search_analysed(query, terms, top, filters)

    def search_many(
        self,
        queries: Sequence[MatchQuery],
        top: int = 10,
        filters: MatchFilters | None = None,
        explain: bool = True,
    ) -> list[list[Match]]:
        """``search`` for many queries; Korean ones are analysed in one batch."""
        analysed = analyse_queries([query.text for query in queries], self.glossary, self.settings.topic_weight)
        return [
            self.search_analysed(query, terms, top, filters, explain)
            for query, terms in zip(queries, analysed, strict=True)
        ]

    def search_analysed(
        self,
        query: MatchQuery,
        terms: QueryTerms,
        top: int = 10,
        filters: MatchFilters | None = None,
        explain: bool = True,
    ) -> list[Match]:
        """Rank for a query already analysed (``analyse_queries``)."""
        if top <= 0 or len(self) == 0:
            return []
        settings = self.settings
        delta_documents = [document for document, _, _ in self._delta.values()]
        lexical = np.concatenate(
            [
                self._lexical.main_scores(terms.lexical),
                self._lexical.delta_scores(terms.lexical, [lexical for _, lexical, _ in self._delta.values()]),
            ]
        )
        concepts = np.concatenate(
            [
                self._concepts.main_scores(terms.concepts),
                self._concepts.delta_scores(terms.concepts, [concept for _, _, concept in self._delta.values()]),
            ]
        )
        lexical /= max(
            self._lexical.upper_bound(terms.lexical, [lexical for _, lexical, _ in self._delta.values()]), 1e-6
        )
        concepts /= max(
            self._concepts.upper_bound(terms.concepts, [concept for _, _, concept in self._delta.values()]), 1e-6
        )
        score = settings.lexical_weight * lexical + settings.concept_weight * concepts
        delta_profiles = [document.profile for document in delta_documents]
        profiles = self._main + delta_profiles
        keep = np.concatenate([self._alive, np.ones(len(delta_documents), dtype=bool)])
        boost = np.ones(len(profiles), dtype=np.float32)
        for value, field_name, weight in zip(
            (query.sector, query.region, query.size_class),
            FIELDS,
            (settings.sector_boost, settings.region_boost, settings.size_class_boost),
            strict=True,
        ):
            if value and weight:
                boost += np.float32(weight) * self._field_in(field_name, [value], delta_profiles)
        score = score * boost
        if filters is not None:
            for field_name, allowed in zip(
                FIELDS, (filters.sectors, filters.regions, filters.size_classes), strict=True
            ):
                if allowed:
                    keep &= self._field_in(field_name, allowed, delta_profiles)
        score = np.where(keep, score, -np.inf)
        candidates = int(keep.sum())
        depth = min(max(top, settings.rerank_depth if self.reranker else top), candidates)
        if depth == 0:
            return []
        best = np.argpartition(-score, depth - 1)[:depth]
        best = best[np.lexsort((best, -score[best]))]
        if self.reranker is not None:
            similarity = np.asarray(
                self.reranker.similarity(query.text, [profiles[row].id for row in best]), dtype=np.float32
            )
            score[best] = score[best] + settings.rerank_weight * similarity
            best = best[np.lexsort((best, -score[best]))]
        best = best[:top]
        reasons: list[MatchReason | None] = [None] * len(best)
        if explain:
            reasons = list(self._reasons(query, terms, best, profiles))
        return [
            Match(
                id=profiles[row].id,
                score=round(float(score[row]), 6),
                lexical=round(float(lexical[row]), 6),
                concept=round(float(concepts[row]), 6),
                reason=reason,
            )
            for row, reason in zip(best.tolist(), reasons, strict=True)
        ]

    def _index_fields(self) -> None:
        """Code the main segment's sector, region and size class once, for boosts and filters in numpy."""
        self._field_codes = {}
        for field_name in FIELDS:
            vocabulary: dict[str, int] = {}
            codes = np.fromiter(
                (
                    vocabulary.setdefault(getattr(profile, field_name).casefold(), len(vocabulary))
                    for profile in self._main
                ),
                dtype=np.int32,
                count=len(self._main),
            )
            self._field_codes[field_name] = (vocabulary, codes)

    def _field_in(
        self, field_name: str, values: Iterable[str], delta_profiles: Sequence[Profile]
    ) -> npt.NDArray[np.bool_]:
        """Whether each profile (main rows, then delta) has one of ``values`` in ``field_name`` (case-folded)."""
        folded = {value.casefold() for value in values}
        vocabulary, codes = self._field_codes[field_name]
        wanted = [vocabulary[value] for value in folded if value in vocabulary]
        main = np.isin(codes, wanted) if wanted else np.zeros(len(codes), dtype=bool)
        delta = [getattr(profile, field_name).casefold() in folded for profile in delta_profiles]
        return np.concatenate([main, np.asarray(delta, dtype=bool)])

    def _reasons(
        self, query: MatchQuery, terms: QueryTerms, rows: npt.NDArray[np.int64], profiles: Sequence[Profile]
    ) -> list[MatchReason]:
        main_rows = rows[rows < len(self._main)]
        delta = list(self._delta.values())

        def shared(channel: _Channel, weighted: Mapping[str, float], delta_part: int) -> list[list[str]]:
            found: dict[int, list[str]] = {int(row): [] for row in rows}
            for term in weighted:
                if term == _EMPTY:
                    continue
                for row, present in zip(main_rows.tolist(), channel.rows_containing(term, main_rows), strict=True):
                    if present:
                        found[row].append(term)
                for row in rows[rows >= len(self._main)].tolist():
                    if term in delta[row - len(self._main)][delta_part]:
                        found[row].append(term)
            return [found[int(row)] for row in rows]

        words = shared(self._lexical, terms.lexical, 1)
        tokens = shared(self._concepts, terms.concepts, 2)
        reasons = []
        for row, row_words, row_tokens in zip(rows.tolist(), words, tokens, strict=True):
            concept_ids = tuple(
                token[len(CONCEPT_PREFIX) :] for token in row_tokens if token.startswith(CONCEPT_PREFIX)
            )
            profile = profiles[row]
            reasons.append(
                MatchReason(
                    terms=tuple(dict.fromkeys(terms.surface.get(word, word) for word in row_words)),
                    concepts=concept_ids,
                    concept_labels=tuple(self.glossary.label(concept_id) for concept_id in concept_ids),
                    topics=tuple(token[len(TOPIC_PREFIX) :] for token in row_tokens if token.startswith(TOPIC_PREFIX)),
                    same_sector=bool(query.sector) and profile.sector.casefold() == query.sector.casefold(),
                    same_region=bool(query.region) and profile.region.casefold() == query.region.casefold(),
                )
            )
        return reasons

    # ------------------------------------------------------------------ persistence
    def save(self, path: str | Path) -> None:
        """Write the index to directory ``path``: both ``bm25s`` segments, profiles, tombstones, delta."""
        directory = Path(path)
        directory.mkdir(parents=True, exist_ok=True)
        self._lexical.save(directory / "lexical")
        self._concepts.save(directory / "concepts")
        np.save(directory / "alive.npy", self._alive)
        state = {
            "format": FORMAT_VERSION,
            "settings": asdict(self.settings),
            "main": [asdict(profile) for profile in self._main],
            "lexical_average_length": self._lexical.average_length,
            "concept_average_length": self._concepts.average_length,
            "delta": [
                {"profile": asdict(document.profile), "lexical": document.lexical, "concepts": document.concepts}
                for document, _, _ in self._delta.values()
            ],
        }
        (directory / "index.json").write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(
        cls, path: str | Path, glossary: Glossary | None = None, reranker: Reranker | None = None
    ) -> MatchingIndex:
        """An index written by ``save`` (``ValueError`` if the directory holds another format)."""
        directory = Path(path)
        state = json.loads((directory / "index.json").read_text(encoding="utf-8"))
        if state.get("format") != FORMAT_VERSION:
            raise ValueError(f"{directory} holds a matching index of format {state.get('format')!r}")
        index = cls(RankingSettings(**state["settings"]), glossary, reranker)
        index._main = [Profile(**profile) for profile in state["main"]]
        index._main_row = {profile.id: row for row, profile in enumerate(index._main)}
        index._alive = np.load(directory / "alive.npy")
        index._index_fields()
        index._lexical.load(directory / "lexical", len(index._main), state["lexical_average_length"])
        index._concepts.load(directory / "concepts", len(index._main), state["concept_average_length"])
        for entry in state["delta"]:
            document = _Document(Profile(**entry["profile"]), entry["lexical"], entry["concepts"])
            index._delta[document.profile.id] = (document, Counter(document.lexical), Counter(document.concepts))
        return index


__all__ = [
    "Match",
    "MatchFilters",
    "MatchQuery",
    "MatchReason",
    "MatchingIndex",
    "Profile",
    "QueryTerms",
    "RankingSettings",
    "Reranker",
    "analyse_profiles",
    "analyse_queries",
]
