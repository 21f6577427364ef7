"""Matchmaking between problems and solution profiles, in Korean and English (no Django).

A large company's or an SME's problem, in its own words, is matched against AI startups' solution
profiles. ``analysis`` turns text into terms (Kiwi for Korean, PyStemmer for English),
``glossary`` adds shared concept and topic tokens from a bilingual domain glossary kept as data,
``index`` ranks with two BM25 channels (``bm25s``), boosts and filters by sector, region and size
class, explains each result and takes updates without a full rebuild, and ``evaluation`` measures
nDCG@10, recall@10 and MRR against graded judgements beside a whitespace BM25 baseline.
See docs/matching.md.
"""

from foster.engines.matching.analysis import analyse, analyse_many, english_terms
from foster.engines.matching.evaluation import (
    EvaluationReport,
    GroupScores,
    JudgedQuery,
    evaluate_runs,
    whitespace_baseline,
)
from foster.engines.matching.glossary import Concept, ConceptHits, Glossary, default_glossary, parse_glossary
from foster.engines.matching.index import (
    Match,
    MatchFilters,
    MatchingIndex,
    MatchQuery,
    MatchReason,
    Profile,
    RankingSettings,
    Reranker,
)
from foster.engines.matching.text import clean_text, detect_language

__all__ = [
    "Concept",
    "ConceptHits",
    "EvaluationReport",
    "Glossary",
    "GroupScores",
    "JudgedQuery",
    "Match",
    "MatchFilters",
    "MatchQuery",
    "MatchReason",
    "MatchingIndex",
    "Profile",
    "RankingSettings",
    "Reranker",
    "analyse",
    "analyse_many",
    "clean_text",
    "default_glossary",
    "detect_language",
    "english_terms",
    "evaluate_runs",
    "parse_glossary",
    "whitespace_baseline",
]
