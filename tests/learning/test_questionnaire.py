"""The scoring rule of the AI readiness diagnostic (pure; no database)."""

from __future__ import annotations

import pytest

from foster.learning.questionnaire import AREAS, QUESTIONS, missing_questions, score


def _answers(**by_area: list[int]) -> dict[str, int]:
    answers = {}
    for area in AREAS:
        keys = [question.key for question in QUESTIONS if question.area == area]
        for key, points in zip(keys, by_area[area], strict=True):
            answers[key] = points
    return answers


def test_the_questionnaire_has_three_questions_per_area_each_with_five_answers() -> None:
    assert [sum(1 for question in QUESTIONS if question.area == area) for area in AREAS] == [3, 3, 3, 3, 3]
    assert all([option.points for option in question.options] == [1, 2, 3, 4, 5] for question in QUESTIONS)
    assert all(question.text_ko and question.text_en for question in QUESTIONS)


def test_area_levels_round_half_up_and_overall_is_the_mean_of_the_areas() -> None:
    result = score(
        _answers(strategy=[2, 3, 3], data=[1, 2, 2], people=[3, 3, 3], processes=[4, 4, 5], infrastructure=[3, 4, 4])
    )
    # means: 2.67, 1.67, 3.00, 4.33, 3.67 -> levels 3, 2, 3, 4, 4; overall mean 3.07 -> 3 (weakest 2 + 1 = 3)
    assert result.area_levels == {"strategy": 3, "data": 2, "people": 3, "processes": 4, "infrastructure": 4}
    assert result.area_means == {
        "strategy": 2.67,
        "data": 1.67,
        "people": 3.0,
        "processes": 4.33,
        "infrastructure": 3.67,
    }
    assert (result.overall_level, result.overall_mean) == (3, 3.07)
    assert result.weakest_areas[:2] == ("data", "strategy")


def test_means_round_to_the_nearest_level() -> None:
    result = score(
        _answers(strategy=[2, 3, 2], data=[3, 2, 3], people=[2, 3, 3], processes=[3, 3, 2], infrastructure=[2, 3, 3])
    )
    assert result.area_means == {
        "strategy": 2.33,
        "data": 2.67,
        "people": 2.67,
        "processes": 2.67,
        "infrastructure": 2.67,
    }
    assert result.area_levels == {"strategy": 2, "data": 3, "people": 3, "processes": 3, "infrastructure": 3}
    assert (result.overall_mean, result.overall_level) == (2.6, 3)


def test_overall_is_at_most_one_level_above_the_weakest_area() -> None:
    result = score(
        _answers(strategy=[5, 5, 5], data=[1, 1, 1], people=[5, 5, 5], processes=[5, 5, 5], infrastructure=[5, 5, 5])
    )
    assert result.overall_mean == 4.2
    assert result.overall_level == 2  # the mean says 4, data at level 1 caps it at 2


@pytest.mark.parametrize("points", [1, 2, 3, 4, 5])
def test_the_same_answer_everywhere_is_that_level(points: int) -> None:
    result = score({question.key: points for question in QUESTIONS})
    assert set(result.area_levels.values()) == {points}
    assert result.overall_level == points


def test_missing_and_invalid_answers_are_named_in_order() -> None:
    answers = {question.key: 3 for question in QUESTIONS}
    del answers["data_quality"]
    answers["people_skills"] = 7
    answers["processes_use"] = True  # a boolean is not a number of points
    assert [question.key for question in missing_questions(answers)] == [
        "data_quality",
        "people_skills",
        "processes_use",
    ]
    with pytest.raises(ValueError):
        score(answers)
