"""Turning Korean and English text into index terms.

Korean goes through Kiwi (``kiwipiepy`` with its packaged model, loaded once per process): we keep
nouns (NNG, NNP), roots (XR), and the stems of verbs and adjectives (VV, VA: "놓친다" → "놓치"),
with Kiwi's compound splitting on ("예측모델" → "예측", "모델") and a small user dictionary of
domain words Kiwi would otherwise cut wrongly (``data/user_words.txt``). Latin words inside Korean
text, and English text, go through the English path: lower-cased word pieces, stop words dropped,
Snowball stems from PyStemmer ("inspections" → "inspect"). A text without Hangul never reaches Kiwi.

Both paths put their terms in one stream, so "AI 기반 OCR" and "OCR based on AI" share the terms
"ai" and "ocr". Concept tokens from the glossary (``glossary``) are added on top, not here.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import Stemmer  # type: ignore[import-not-found]

from foster.engines.matching.text import clean_text

KOREAN_CONTENT_TAGS = frozenset({"NNG", "NNP", "XR", "VV", "VA", "SH"})
"""Kiwi part-of-speech tags kept as terms (Latin words, tag SL, go through the English path)."""

_EDGE_PUNCTUATION = re.compile(r"^[^\w]+|[^\w]+$")
_HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")
_ENGLISH_WORD = re.compile(r"[a-z0-9]+")
_KIWI_LOCK = threading.RLock()

ENGLISH_STOP_WORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "across",
        "after",
        "again",
        "against",
        "all",
        "almost",
        "also",
        "although",
        "always",
        "am",
        "among",
        "an",
        "and",
        "another",
        "any",
        "anyone",
        "anything",
        "are",
        "around",
        "as",
        "at",
        "away",
        "back",
        "be",
        "became",
        "because",
        "become",
        "becomes",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "cannot",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "done",
        "down",
        "during",
        "each",
        "either",
        "else",
        "enough",
        "etc",
        "even",
        "ever",
        "every",
        "few",
        "for",
        "from",
        "further",
        "get",
        "gets",
        "getting",
        "give",
        "given",
        "go",
        "goes",
        "going",
        "got",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "however",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "keep",
        "kept",
        "know",
        "known",
        "last",
        "least",
        "less",
        "let",
        "like",
        "lot",
        "lots",
        "made",
        "make",
        "makes",
        "making",
        "many",
        "may",
        "me",
        "might",
        "more",
        "most",
        "much",
        "must",
        "my",
        "myself",
        "need",
        "needs",
        "never",
        "new",
        "next",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "often",
        "on",
        "once",
        "one",
        "only",
        "onto",
        "or",
        "other",
        "others",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "per",
        "perhaps",
        "put",
        "quite",
        "rather",
        "really",
        "same",
        "see",
        "seem",
        "seems",
        "several",
        "shall",
        "she",
        "should",
        "since",
        "so",
        "some",
        "someone",
        "something",
        "still",
        "such",
        "take",
        "takes",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "thing",
        "things",
        "this",
        "those",
        "though",
        "three",
        "through",
        "thus",
        "to",
        "too",
        "took",
        "two",
        "under",
        "until",
        "up",
        "upon",
        "us",
        "use",
        "used",
        "uses",
        "using",
        "very",
        "via",
        "want",
        "wants",
        "was",
        "way",
        "ways",
        "we",
        "well",
        "were",
        "what",
        "whatever",
        "when",
        "where",
        "whether",
        "which",
        "while",
        "who",
        "whole",
        "whom",
        "whose",
        "why",
        "will",
        "with",
        "within",
        "without",
        "would",
        "yet",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "company",
        "companies",
        "business",
        "businesses",
        "customer",
        "customers",
        "help",
        "helps",
        "today",
        "currently",
        "around",
        "across",
        "able",
    ]
)
"""Function words and words every problem or pitch uses, which tell nothing about the field."""

KOREAN_STOP_TERMS = frozenset(
    [
        "것",
        "수",
        "등",
        "때",
        "중",
        "곳",
        "점",
        "분",
        "년",
        "월",
        "일",
        "개",
        "명",
        "번",
        "데",
        "뿐",
        "바",
        "측",
        "후",
        "전",
        "내",
        "외",
        "위",
        "간",
        "이",
        "그",
        "저",
        "및",
        "또",
        "더",
        "잘",
        "좀",
        "안",
        "하",
        "되",
        "있",
        "없",
        "같",
        "보",
        "주",
        "받",
        "오",
        "가",
        "나",
        "들",
        "싶",
        "만들",
        "쓰",
        "알",
        "모르",
        "이러",
        "그러",
        "어떻",
        "우리",
        "저희",
        "회사",
        "기업",
        "업체",
        "자사",
        "당사",
        "현재",
        "지금",
        "요즘",
        "최근",
        "경우",
        "문제",
        "방법",
        "상황",
        "정도",
        "부분",
        "가능",
        "필요",
        "사용",
        "이용",
        "활용",
        "진행",
        "위하",
        "통하",
        "대하",
        "관하",
        "따르",
        "제공",
        "지원",
        "서비스",
        "솔루션",
        "고객",
        "고객사",
        "시스템",
    ]
)
"""Korean nouns and stems too common in problem statements and pitches to tell anything."""


@dataclass(frozen=True, slots=True)
class AnalysedText:
    """The terms of one text, in order (repeats kept: BM25 counts them)."""

    terms: tuple[str, ...]
    language: str


@cache
def _english_stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


@cache
def user_words() -> tuple[str, ...]:
    """Domain words added to Kiwi's dictionary, one per line in ``data/user_words.txt``."""
    text = resources.files("foster.engines.matching").joinpath("data/user_words.txt").read_text(encoding="utf-8")
    words = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return tuple(word for word in words if word)


_kiwi_instance: Any = None


def kiwi() -> Any:
    """The process's Kiwi analyser with the user dictionary (loaded on first use, about 2 s)."""
    global _kiwi_instance
    if _kiwi_instance is None:
        with _KIWI_LOCK:
            if _kiwi_instance is None:
                from kiwipiepy import Kiwi  # type: ignore[import-untyped]

                analyser = Kiwi(num_workers=1)
                for word in user_words():
                    analyser.add_user_word(word, "NNG", 0.0)
                _kiwi_instance = analyser
    return _kiwi_instance


_CASED_WORD = re.compile(r"[A-Za-z0-9]+")
ACRONYM_LENGTHS = range(2, 6)


def _is_acronym(word: str) -> bool:
    """An upper-case abbreviation ("AS" as in after-sales service, "IT") is a term even when its
    lower-case form is a stop word ("as", "it")."""
    return word.isupper() and len(word) in ACRONYM_LENGTHS and word.isalpha()


def english_terms(text: str) -> list[str]:
    """Lower-cased word pieces of ``text`` without stop words, stemmed (numbers and single letters
    dropped); upper-case abbreviations are kept as they are, lower-cased ("AS", "IT")."""
    terms: list[str] = []
    pending: list[str] = []
    for word in _CASED_WORD.findall(text):
        lowered = word.lower()
        if _is_acronym(word) and lowered in ENGLISH_STOP_WORDS:
            terms.extend(_english_stemmer().stemWords(pending) if pending else [])
            pending = []
            terms.append(lowered)
        elif len(lowered) > 1 and lowered not in ENGLISH_STOP_WORDS and not lowered.isdigit():
            pending.append(lowered)
    terms.extend(_english_stemmer().stemWords(pending) if pending else [])
    return terms


def english_surface_forms(text: str) -> dict[str, str]:
    """The first word of ``text`` behind each English stem ("inspect" → "inspections"), for explanations."""
    words = [word for word in _ENGLISH_WORD.findall(text.lower()) if len(word) > 1 and word not in ENGLISH_STOP_WORDS]
    forms: dict[str, str] = {}
    for word, stem in zip(words, _english_stemmer().stemWords(words) if words else [], strict=True):
        forms.setdefault(stem, word)
    return forms


NEGATING_ADVERBS = frozenset({"안", "못"})
"""Adverbs that negate the verb after them: "못 잡는다" gives the term "못잡", not "잡" (which would
say the opposite: a problem of missed defects would look like a solution that catches them)."""
KEPT_NOUN_SUFFIXES = frozenset({"님", "화", "성", "률", "율", "량", "품", "자", "기", "용"})
"""Noun suffixes (XSN) that make another word: "손님" is not "손" (hand), "자동화" not just
"자동". The noun with its suffix is a term too, beside the bare noun."""
_VERB_TAGS = frozenset({"VV", "VA"})
_NOUN_TAGS = frozenset({"NNG", "NNP", "XR"})


def _korean_terms(tokens: Sequence[Any]) -> list[str]:
    """Content terms of Kiwi's tokens. Besides the nouns, roots and verb stems kept as they are: a
    prefix (XPN: 재, 미, 비, 무 ...) joined to its noun is a term too ("재방문", "미검출"), so is a noun
    with a word-making suffix ("손님", "자동화"); a verb negated by 안/못 is one term ("못잡")."""
    terms: list[str] = []
    for position, token in enumerate(tokens):
        tag = token.tag.split("-", 1)[0]
        previous: Any = tokens[position - 1] if position else None
        following: Any = tokens[position + 1] if position + 1 < len(tokens) else None
        if tag == "SL":
            terms.extend(english_terms(token.form))
        elif tag in KOREAN_CONTENT_TAGS:
            previous_tag = previous.tag.split("-", 1)[0] if previous is not None else ""
            if tag in _VERB_TAGS and previous_tag == "MAG" and previous.form in NEGATING_ADVERBS:
                terms.append(previous.form + token.form)
                continue
            if tag in _NOUN_TAGS and previous_tag == "XPN" and previous.end == token.start:
                terms.append(previous.form + token.form)
            for form in token.form.split():
                if form not in KOREAN_STOP_TERMS:
                    terms.append(form)
            if (
                tag in _NOUN_TAGS
                and following is not None
                and following.tag.split("-", 1)[0] == "XSN"
                and following.form in KEPT_NOUN_SUFFIXES
                and following.start == token.end
            ):
                terms.append(token.form + following.form)
    return terms


def has_hangul(text: str) -> bool:
    """Whether ``text`` has Hangul (only then is Kiwi needed)."""
    return _HANGUL.search(text) is not None


def analyse(text: str | None) -> list[str]:
    """The terms of one raw text (cleaned first; empty text gives no terms)."""
    cleaned = clean_text(text)
    if not cleaned:
        return []
    if not has_hangul(cleaned):
        return english_terms(cleaned)
    with _KIWI_LOCK:
        tokens = kiwi().tokenize(cleaned, split_complex=True)
    return _korean_terms(tokens)


def analyse_query(text: str | None) -> tuple[list[str], dict[str, str]]:
    """``analyse`` of a query, with the query's own spelling behind each term for explanations:
    English stems give their first word ("inspect" → "inspections"); Korean verb and adjective stems
    give the word they stand in ("찍히" → "찍힘"), punctuation stripped."""
    cleaned = clean_text(text)
    if not cleaned:
        return [], {}
    surface = english_surface_forms(cleaned)
    if not has_hangul(cleaned):
        return english_terms(cleaned), surface
    with _KIWI_LOCK:
        tokens = kiwi().tokenize(cleaned, split_complex=True)
    for token in tokens:
        if token.tag.split("-", 1)[0] in {"VV", "VA"}:
            start = cleaned.rfind(" ", 0, token.start) + 1
            end = cleaned.find(" ", token.start)
            word = _EDGE_PUNCTUATION.sub("", cleaned[start : end if end != -1 else len(cleaned)])
            if word:
                surface.setdefault(token.form, word)
    return _korean_terms(tokens), surface


def analyse_many(texts: Sequence[str | None]) -> Iterator[list[str]]:
    """``analyse`` of each text, in order (Kiwi's cost is per sentence; batching it gains nothing here)."""
    for text in texts:
        yield analyse(text)
