"""The matching engine: analysis, glossary, ranking across languages, updates, persistence, bad input."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from foster.engines.matching import (
    Concept,
    Glossary,
    JudgedQuery,
    MatchFilters,
    MatchingIndex,
    MatchQuery,
    Profile,
    RankingSettings,
    analyse,
    clean_text,
    default_glossary,
    detect_language,
    english_terms,
    evaluate_runs,
    parse_glossary,
    whitespace_baseline,
)
from foster.engines.matching.analysis import analyse_query
from foster.engines.matching.dense import EmbeddingReranker
from foster.engines.matching.evaluation import ndcg_at, recall_at, reciprocal_rank

PROFILES = [
    Profile(
        "ko-vision",
        "프레스 성형품의 찍힘, 긁힘, 크랙을 딥러닝 외관 검사로 자동 판정합니다. 양품 이미지만으로 학습하는 비지도 "
        "이상탐지 모델을 씁니다.",
        name="비전랩",
        sector="manufacturing",
        region="gyeongnam",
    ),
    Profile(
        "en-vision",
        "Automated optical inspection for stamped metal parts: cameras and deep learning catch scratches, dents "
        "and cracks at full line speed.",
        name="SteelEye",
        sector="manufacturing",
        region="seoul",
    ),
    Profile(
        "ko-maintenance",
        "모터와 펌프에 진동 센서를 달아 베어링 손상을 조기에 진단하고 잔여 수명을 알려 주는 예지보전 서비스입니다.",
        name="바이브",
        sector="manufacturing",
    ),
    Profile(
        "en-forecast",
        "Demand forecasting for grocery chains: predicts daily sales per store and item to cut stockouts and "
        "fresh food waste.",
        name="ShelfCast",
        sector="retail",
    ),
    Profile(
        "ko-chatbot",
        "쇼핑몰과 콜센터의 반복 문의에 24시간 답하는 상담 챗봇입니다. 상담원 연결과 상담 요약도 제공합니다.",
        name="톡봇",
        sector="retail",
    ),
    Profile(
        "en-ocr",
        "Reads scanned invoices, purchase orders and handwritten forms with OCR and pushes the fields into your ERP.",
        name="PaperLess",
        sector="finance",
    ),
    Profile(
        "en-synthetic",
        "Generates synthetic versions of sensitive customer tables so that partners can build models without "
        "personal data ever leaving the bank.",
        name="SynthVault",
        sector="finance",
    ),
    Profile(
        "ko-safety",
        "건설 현장 CCTV 영상에서 안전모 미착용과 위험 구역 진입을 실시간으로 감지해 관리자에게 알립니다.",
        name="세이프캠",
        sector="construction",
    ),
]


@pytest.fixture(scope="module")
def index() -> MatchingIndex:
    return MatchingIndex.build(PROFILES)


def ids(matches: list) -> list[str]:
    return [match.id for match in matches]


# ---------------------------------------------------------------------------- text and analysis
def test_clean_text_removes_markup_entities_and_control_characters() -> None:
    raw = "<p>Defect&nbsp;<b>inspection</b></p><script>alert('x')</script>\u200b\x00 ＡＩ"
    assert clean_text(raw) == "Defect inspection AI"


def test_clean_text_cuts_huge_text_and_accepts_nothing() -> None:
    assert len(clean_text("검사 " * 100_000)) == 20_000
    assert clean_text("") == ""
    assert clean_text(None) == ""


@pytest.mark.parametrize(
    ("text", "language"),
    [("야간조에서 불량을 놓친다", "ko"), ("We miss defects at night", "en"), ("", "en"), ("AI 기반 OCR 솔루션", "ko")],
)
def test_detect_language(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_english_terms_are_stemmed_without_stop_words() -> None:
    assert english_terms("The inspections are missing scratches") == ["inspect", "miss", "scratch"]


def test_korean_analysis_keeps_nouns_and_verb_stems() -> None:
    terms = analyse("야간조에서 불량을 놓칩니다")
    assert "불량" in terms
    assert "놓치" in terms
    assert "을" not in terms


def test_latin_words_in_korean_text_go_through_the_english_path() -> None:
    assert {"ocr", "invoic"} <= set(analyse("OCR로 Invoices를 읽습니다"))


@pytest.mark.parametrize("text", ["", "   ", "😀😀😀", "<br/><br/>", "!!! ??? ...", "12345 67890"])
def test_analysis_of_texts_without_words_gives_no_terms(text: str) -> None:
    assert analyse(text) == []


# ---------------------------------------------------------------------------- glossary
def test_glossary_maps_both_languages_to_the_same_concept() -> None:
    glossary = default_glossary()
    korean = glossary.find(analyse("스크래치가 생깁니다"), "스크래치가 생깁니다")
    english = glossary.find(analyse("scratches appear"), "scratches appear")
    assert "surface_defect" in korean.counts
    assert "surface_defect" in english.counts


def test_glossary_matches_korean_compounds_written_without_spaces() -> None:
    glossary = default_glossary()
    assert "visual_inspection" in glossary.find(analyse("외관검사"), "외관검사").counts


def test_glossary_is_large_and_every_concept_has_both_languages() -> None:
    glossary = default_glossary()
    assert len(glossary) >= 200
    assert all(concept.korean and concept.english and concept.topics for concept in glossary.concepts.values())


@pytest.mark.parametrize(
    ("text", "message"),
    [("a\tb\tc", "expected 4 tab-separated columns"), ("a\tt\t가\tx\na\tt\t나\ty", "repeated concept id")],
)
def test_a_malformed_glossary_is_refused_with_the_line(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_glossary(text)


# ---------------------------------------------------------------------------- ranking
def test_korean_problem_in_its_own_words_finds_the_inspection_profiles(index: MatchingIndex) -> None:
    query = MatchQuery("사람이 눈으로 보다 보니 야간조에서 표면 스크래치를 자주 놓칩니다.", sector="manufacturing")
    assert set(ids(index.search(query, top=2))) == {"ko-vision", "en-vision"}


def test_korean_problem_finds_an_english_profile_through_concepts(index: MatchingIndex) -> None:
    text = "은행 고객 데이터를 외부 파트너에게 넘길 수 없어 개인정보 없이 실험할 방법이 필요합니다"
    matches = index.search(text, top=1)
    assert ids(matches) == ["en-synthetic"]
    assert matches[0].reason is not None
    assert "privacy" in matches[0].reason.concepts
    assert matches[0].lexical == 0.0


def test_english_problem_finds_a_korean_profile(index: MatchingIndex) -> None:
    matches = index.search("Our call center is flooded with the same questions every day", top=1)
    assert ids(matches) == ["ko-chatbot"]


def test_result_explains_shared_words_in_their_surface_form(index: MatchingIndex) -> None:
    (match,) = index.search("We need automated inspection of stamped parts", top=1)
    assert match.id == "en-vision"
    assert match.reason is not None
    assert {"inspection", "stamped"} <= set(match.reason.terms)
    assert "visual_inspection" in match.reason.concepts


def test_korean_verb_stems_are_explained_by_the_query_s_own_word() -> None:
    terms, surface = analyse_query("표면이 찍힌 부품을, 야간조에서 놓친다.")
    assert {"찍히", "놓치", "부품"} <= set(terms)
    assert surface["찍히"] == "찍힌" and surface["놓치"] == "놓친다"  # the word as written, punctuation off
    assert "부품" not in surface  # a noun is shown as it is


def test_scores_are_best_first_and_finite(index: MatchingIndex) -> None:
    matches = index.search("불량 검사 자동화", top=8)
    scores = [match.score for match in matches]
    assert scores == sorted(scores, reverse=True)
    assert all(math.isfinite(score) for score in scores)


def test_filters_keep_only_the_given_sectors_and_regions(index: MatchingIndex) -> None:
    matches = index.search("불량 검사", top=10, filters=MatchFilters(sectors=frozenset({"retail"})))
    assert set(ids(matches)) <= {"en-forecast", "ko-chatbot"}
    matches = index.search("defect inspection", top=10, filters=MatchFilters(regions=frozenset({"seoul"})))
    assert ids(matches) == ["en-vision"]


def test_sector_boost_lifts_profiles_of_the_query_sector() -> None:
    profiles = [
        Profile("a", "AI chatbot answers questions", sector="finance"),
        Profile("b", "AI chatbot answers questions", sector="retail"),
    ]
    index = MatchingIndex.build(profiles)
    assert ids(index.search(MatchQuery("chatbot for questions", sector="retail"), top=2)) == ["b", "a"]
    assert ids(index.search(MatchQuery("chatbot for questions", sector="finance"), top=2)) == ["a", "b"]


@pytest.mark.parametrize(
    "text",
    ["", "😀🔥💯", "<script>alert(1)</script>", "검사 " * 50_000, "AI 기반 defect 검사 🚀 for 工場 lines"],
)
def test_bad_or_odd_queries_do_not_crash(index: MatchingIndex, text: str) -> None:
    matches = index.search(text, top=3)
    assert len(matches) <= 3
    assert all(math.isfinite(match.score) for match in matches)


def test_profiles_with_html_emoji_huge_or_empty_text_are_indexed_sensibly() -> None:
    profiles = [
        Profile("html", "<div><b>OCR</b> for <i>scanned invoices</i> &amp; receipts</div><script>x()</script>"),
        Profile("emoji", "🚀🚀 챗봇 상담 자동화 😀"),
        Profile("huge", "배터리 전극 코팅 검사 " * 20_000),
        Profile("empty", ""),
        Profile("mixed", "Vision AI 외관 검사 for PCB 솔더 defects"),
    ]
    index = MatchingIndex.build(profiles)
    assert len(index) == 5
    assert ids(index.search("invoice OCR", top=1)) == ["html"]
    assert ids(index.search("상담 챗봇", top=1)) == ["emoji"]
    assert ids(index.search("solder defects on PCB", top=1)) == ["mixed"]
    assert "empty" not in ids(index.search("배터리 검사", top=5))[:1]


def test_an_empty_index_and_top_zero_return_nothing() -> None:
    assert MatchingIndex.build([]).search("불량", top=5) == []
    assert MatchingIndex.build(PROFILES[:2]).search("불량", top=0) == []


# ---------------------------------------------------------------------------- updates and persistence
def test_upsert_and_delete_change_results_without_a_rebuild() -> None:
    index = MatchingIndex.build(PROFILES)
    text = "공장 전력 사용량을 실시간으로 계측하고 피크 전력을 예측해 전기 요금을 줄입니다."
    index.upsert(Profile("new-energy", text))
    assert index.delta_size == 1
    assert ids(index.search("전기 요금이 너무 많이 나옵니다", top=1)) == ["new-energy"]
    index.upsert(Profile("en-vision", "Route optimization for parcel delivery fleets."))
    assert ids(index.search("delivery routes for our trucks", top=1)) == ["en-vision"]
    assert "en-vision" not in ids(index.search("scratches on stamped parts", top=2))
    assert index.delete("ko-safety") is True
    assert index.delete("ko-safety") is False
    assert "ko-safety" not in index
    assert len(index) == len(PROFILES)


def test_rebuild_gives_the_same_ranking_as_a_fresh_build() -> None:
    changed = Profile("ko-chatbot", "콜센터 상담 내용을 음성 인식으로 받아 적고 요약합니다.", sector="retail")
    added = Profile("en-agri", "Detects crop disease from drone images of greenhouse leaves.", sector="agriculture")
    index = MatchingIndex.build(PROFILES)
    index.upsert(changed)
    index.upsert(added)
    index.delete("en-ocr")
    index.rebuild()
    fresh = MatchingIndex.build([*(p for p in PROFILES if p.id not in {"ko-chatbot", "en-ocr"}), changed, added])
    for text in ("상담 통화 요약", "crop disease in greenhouses", "불량 검사", "invoice OCR"):
        assert [(m.id, m.score) for m in index.search(text, top=5)] == [
            (m.id, m.score) for m in fresh.search(text, top=5)
        ]
    assert index.delta_size == 0


def test_upsert_merges_the_delta_when_it_grows_too_large() -> None:
    index = MatchingIndex.build(PROFILES, RankingSettings(merge_after=2))
    for number in range(3):
        index.upsert(Profile(f"extra-{number}", "재고 관리 수요 예측"))
    assert index.delta_size == 0
    assert len(index) == len(PROFILES) + 3


def test_save_and_load_keep_results_tombstones_and_delta(tmp_path: Path) -> None:
    index = MatchingIndex.build(PROFILES)
    index.upsert(Profile("delta", "용접부 방사선 필름 판독 자동화", sector="manufacturing"))
    index.delete("en-forecast")
    index.save(tmp_path / "index")
    loaded = MatchingIndex.load(tmp_path / "index")
    for text in ("용접 결함 판독", "demand forecast for stores", "불량 검사"):
        assert [(m.id, m.score) for m in loaded.search(text, top=5)] == [
            (m.id, m.score) for m in index.search(text, top=5)
        ]
    assert "en-forecast" not in loaded
    assert loaded.delta_size == 1


def test_loading_another_format_is_refused(tmp_path: Path) -> None:
    (tmp_path / "index.json").write_text('{"format": 99}', encoding="utf-8")
    with pytest.raises(ValueError, match="format 99"):
        MatchingIndex.load(tmp_path)


def test_a_reranker_can_reorder_the_best_candidates() -> None:
    class Prefer:
        def similarity(self, query_text: str, profile_ids: list[str]) -> list[float]:
            return [1.0 if profile_id == "ko-maintenance" else 0.0 for profile_id in profile_ids]

    index = MatchingIndex.build(PROFILES, RankingSettings(rerank_weight=10.0), reranker=Prefer())
    assert ids(index.search("외관 검사", top=1)) == ["ko-maintenance"]


# ---------------------------------------------------------------------------- evaluation
def test_metrics_on_hand_computed_rankings() -> None:
    relevant = {"a": 2, "b": 1}
    assert ndcg_at(["a", "b"], relevant) == pytest.approx(1.0)
    assert ndcg_at(["x", "a"], relevant) == pytest.approx((3 / math.log2(3)) / (3 + 1 / math.log2(3)))
    assert recall_at(["x", "b"], relevant) == 0.5
    assert reciprocal_rank(["x", "y", "b"], relevant) == pytest.approx(1 / 3)
    assert reciprocal_rank(["x"], relevant) == 0.0


def test_evaluation_groups_by_language_and_crosslingual() -> None:
    queries = [
        JudgedQuery("q1", "불량", {"ko-vision": 2}, language="ko"),
        JudgedQuery("q2", "privacy", {"ko-chatbot": 2}, language="en", crosslingual=True),
    ]
    report = evaluate_runs(queries, {"q1": ["ko-vision"], "q2": ["x"]})
    assert report.groups["overall"].ndcg == pytest.approx(0.5)
    assert report.groups["ko"].mrr == 1.0
    assert report.groups["crosslingual"].queries == 1
    assert report.groups["crosslingual"].recall == 0.0


def test_whitespace_baseline_ranks_by_shared_words_only() -> None:
    queries = [JudgedQuery("q", "Demand forecasting for grocery", {"en-forecast": 2})]
    assert whitespace_baseline(PROFILES, queries)["q"][0] == "en-forecast"
    assert whitespace_baseline([], queries) == {"q": []}


def test_a_build_in_several_processes_equals_a_build_in_one() -> None:
    profiles = [
        Profile(f"p{number}", f"{profile.text} {number}", sector=profile.sector)
        for number, profile in enumerate(PROFILES * 30)
    ]
    single = MatchingIndex.build(profiles)
    parallel = MatchingIndex.build(profiles, workers=2)
    for text in ("불량 검사", "demand forecasting", "상담 챗봇"):
        assert [(m.id, m.score) for m in parallel.search(text, top=5)] == [
            (m.id, m.score) for m in single.search(text, top=5)
        ]


# ---------------------------------------------------------------------------- dense re-ranking
def _letters(texts: Sequence[str]) -> np.ndarray:
    """A toy encoder: counts of a few Latin letters (enough to tell texts apart, no model)."""
    return np.array([[text.lower().count(letter) + 0.01 for letter in "aeiostrn"] for text in texts])


def test_embedding_similarity_is_the_cosine_mapped_to_0_1() -> None:
    directions = {"same": [1.0, 0.0], "opposite": [-1.0, 0.0], "across": [0.0, 2.0]}
    reranker = EmbeddingReranker(lambda texts: np.array([directions[text] for text in texts]))
    reranker.add([("p", "same")])
    assert reranker.similarity("same", ["p"]) == pytest.approx([1.0])
    assert reranker.similarity("opposite", ["p"]) == pytest.approx([0.0])
    assert reranker.similarity("across", ["p", "never-added"]) == pytest.approx([0.5, 0.0])


def test_embedding_reranker_follows_the_index_and_adds_its_weighted_similarity() -> None:
    reranker = EmbeddingReranker(_letters)
    index = MatchingIndex.build(PROFILES, RankingSettings(rerank_weight=0.5), reranker=reranker)
    assert len(reranker) == len(PROFILES)
    index.delete(PROFILES[0].id)
    assert len(reranker) == len(PROFILES) - 1
    index.upsert(Profile(id="new", text="inspection of welds", language="en"))
    assert len(reranker) == len(PROFILES)
    query = "visual inspection of scratches"
    results = index.search(query, top=3)
    assert [match.score for match in results] == sorted((match.score for match in results), reverse=True)
    plain_index = MatchingIndex.build(PROFILES)  # the same history without a re-ranker
    plain_index.delete(PROFILES[0].id)
    plain_index.upsert(Profile(id="new", text="inspection of welds", language="en"))
    plain = {match.id: match.score for match in plain_index.search(query, top=10)}
    for match, similarity in zip(results, reranker.similarity(query, [match.id for match in results]), strict=True):
        assert match.score == pytest.approx(plain[match.id] + 0.5 * similarity, abs=1e-5)


def test_a_missing_model_directory_is_refused_without_download(tmp_path: Any) -> None:
    with pytest.raises(ValueError, match="never downloaded"):
        EmbeddingReranker.from_local_model(tmp_path / "sentence-transformers/all-MiniLM-L6-v2")


# ---------------------------------------------------------------------------- analysis details
def test_negation_prefixes_and_word_making_suffixes_are_kept() -> None:
    assert analyse("불량을 못 잡는다") == ["불량", "못잡"]  # not "잡": it would say the opposite
    assert analyse("재방문이 줄었다") == ["재방문", "방문", "줄"]
    assert analyse("손님이 많다") == ["손", "손님", "많"]
    assert analyse("자동화") == ["자동", "자동화"]


def test_a_glossary_term_that_analysis_would_make_vague_is_not_matched_by_its_remains() -> None:
    glossary = Glossary(
        [
            Concept("no_show", ("booking",), ("노쇼",), ("no show",)),  # "no" is a stop word: "show" alone
            Concept("kyc", ("finance",), ("고객 확인",), ("customer due diligence",)),  # 고객 is a stop term
            Concept("missed", ("quality",), ("못 잡다",), ("slip through",)),
        ]
    )
    assert glossary.find(analyse("a trade show for shoes")).counts == {}
    assert glossary.find(analyse("출고 전 확인 절차")).counts == {}
    assert glossary.find(analyse("야간에 불량을 못 잡아요")).counts == {"missed": 1}
    assert glossary.find(analyse("no-show guests cost us a fortune")).counts == {}  # honest: lost with "no"


def test_upper_case_abbreviations_are_terms_even_when_their_lower_case_is_a_stop_word() -> None:
    assert analyse("AS 접수가 밀려요") == ["as", "접수", "밀리"]
    assert analyse("We need IT support") == ["it", "support"]
    assert analyse("it supports inspections") == ["support", "inspect"]
