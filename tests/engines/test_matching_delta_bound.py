"""Normalised scores stay on 0-1 (before boosts) for profiles in the delta segment too.

Regression: the upper bound of a query's score counted only the main segment's document
frequencies, so a query word known only to an upserted profile added nothing to the bound and
that profile scored in the hundreds of thousands, above every rebuilt profile."""

from __future__ import annotations

from foster.engines.matching import MatchingIndex, Profile


def test_a_term_known_only_to_the_delta_does_not_inflate_its_score() -> None:
    index = MatchingIndex.build([Profile(id="logistics", text="물류 창고 재고 예측")])
    index.upsert(Profile(id="vision", text="비전 검사 솔루션"))

    (best, *_rest) = index.search("불량 검사", top=2)

    assert best.id == "vision"
    assert 0 < best.lexical <= 1
    assert 0 < best.concept <= 1
    assert best.score <= 2
