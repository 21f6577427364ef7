"""Score sheets, recusal and the ranked list, with exact values on a small example."""

from __future__ import annotations

import math

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from foster.accounts.models import User
from foster.core.models import AuditEvent
from foster.reviews.choices import AssignmentStatus
from foster.reviews.models import ReviewAssignment, ScoreSheet
from foster.reviews.selectors import application_queryset_for_reviewer, call_ranking_report
from foster.reviews.services import assignment_recuse, score_sheet_save
from tests.reviews.factories import ReviewAssignmentFactory, ReviewerProfileFactory, applications_of

pytestmark = pytest.mark.django_db

# technology 0–10 weight 3, market 1–5 weight 1: total = (3 × technology × 10 + (market − 1) × 25) / 4
SCORES = {
    # (application index, reviewer index): (technology, market) -> total
    (0, 0): (8, 5),  # 85
    (1, 0): (6, 3),  # 57.5
    (2, 0): (6, 3),  # 57.5
    (0, 1): (6, 3),  # 57.5
    (1, 1): (4, 1),  # 30
    (2, 1): (4, 1),  # 30
}


@pytest.fixture
def scored(call):  # type: ignore[no-untyped-def]
    applications = applications_of(call, 3)
    reviewers = [ReviewerProfileFactory() for _ in range(2)]
    for (a, r), (technology, market) in SCORES.items():
        assignment = ReviewAssignmentFactory(application=applications[a], reviewer=reviewers[r])
        score_sheet_save(
            user=reviewers[r].user,
            assignment=assignment,
            scores={"technology": technology, "market": market},
            comment="검토 의견",
            submit=True,
        )
    return applications, reviewers


def test_submitted_totals_are_the_weighted_rubric_scores(scored) -> None:  # type: ignore[no-untyped-def]
    applications, reviewers = scored
    totals = {
        (sheet.assignment.application_id, sheet.assignment.reviewer_id): sheet.total
        for sheet in ScoreSheet.objects.select_related("assignment")
    }
    assert totals == {
        (applications[0].pk, reviewers[0].pk): 85.0,
        (applications[1].pk, reviewers[0].pk): 57.5,
        (applications[2].pk, reviewers[0].pk): 57.5,
        (applications[0].pk, reviewers[1].pk): 57.5,
        (applications[1].pk, reviewers[1].pk): 30.0,
        (applications[2].pk, reviewers[1].pk): 30.0,
    }
    assert set(ReviewAssignment.objects.values_list("status", flat=True)) == {AssignmentStatus.SUBMITTED}


def test_ranking_values_are_exact(call, scored) -> None:  # type: ignore[no-untyped-def]
    applications, reviewers = scored

    report = call_ranking_report(call)

    lines = {line.application.pk: line for line in report.lines}
    first, second, third = (lines[application.pk] for application in applications)
    assert [line.application.pk for line in report.lines] == [application.pk for application in applications]
    assert (first.rank, second.rank, third.rank) == (1, 2, 2)
    assert (first.tied_with, second.tied_with, third.tied_with) == ((), (applications[2].pk,), (applications[1].pk,))
    assert (first.raw_mean, first.raw_std, first.raw_minimum, first.raw_maximum, first.count) == (
        71.25,
        13.75,
        57.5,
        85.0,
        2,
    )
    assert (second.raw_mean, second.raw_std) == (43.75, 13.75)
    # Reviewer 0 scores 27.5 higher than reviewer 1 on every application: the additive model
    # explains the sheets exactly with leniency ±13.75 and adjusted scores equal to the raw means.
    assert first.adjusted == pytest.approx(71.25)
    assert second.adjusted == third.adjusted == pytest.approx(43.75)
    leniency = {line.reviewer.pk: line.leniency for line in report.reviewers}
    assert leniency == {reviewers[0].pk: pytest.approx(13.75), reviewers[1].pk: pytest.approx(-13.75)}
    # Standardised: both reviewers give z = +√2 to the first application and −1/√2 to the others;
    # rescaled to the overall mean 52.916… and standard deviation 18.333… (population).
    overall_mean = (85 + 57.5 * 3 + 30 * 2) / 6
    overall_std = math.sqrt(sum((x - overall_mean) ** 2 for x in (85, 57.5, 57.5, 57.5, 30, 30)) / 6)
    assert first.standardised_mean == pytest.approx(overall_mean + math.sqrt(2) * overall_std)
    assert second.standardised_mean == pytest.approx(overall_mean - overall_std / math.sqrt(2))


def test_official_ranking_page_and_api(official: User, call, scored) -> None:  # type: ignore[no-untyped-def]
    applications, _reviewers = scored
    client = Client()
    client.force_login(official)

    page = client.get(reverse("reviews:call-ranking", args=[call.pk]))
    api = client.get(reverse("api:call-ranking-detail", args=[call.pk])).json()

    assert [line.rank for line in page.context["report"].lines] == [1, 2, 2]
    assert [(item["application"], item["rank"]) for item in api["applications"]] == [
        (applications[0].pk, 1),
        (applications[1].pk, 2),
        (applications[2].pk, 2),
    ]
    assert api["applications"][0]["raw"] == {"mean": 71.25, "std": 13.75, "min": 57.5, "max": 85.0, "n": 2}


def test_bad_scores_are_refused_and_nothing_is_stored(call) -> None:  # type: ignore[no-untyped-def]
    assignment = ReviewAssignmentFactory(application__call=call)
    user = assignment.reviewer.user

    with pytest.raises(ValidationError) as error:
        score_sheet_save(user=user, assignment=assignment, scores={"technology": 11, "market": "x"}, submit=True)
    assert set(error.value.message_dict) == {"technology", "market", "comment"}
    with pytest.raises(ValidationError) as error:
        score_sheet_save(user=user, assignment=assignment, scores={"technology": 7}, comment="ok", submit=True)
    assert set(error.value.message_dict) == {"market"}
    assert ScoreSheet.objects.count() == 0

    draft = score_sheet_save(user=user, assignment=assignment, scores={"technology": 7})
    assert (draft.scores, draft.total, draft.submitted_at) == ({"technology": 7.0}, None, None)


def test_score_sheet_page_saves_and_submits(call) -> None:  # type: ignore[no-untyped-def]
    assignment = ReviewAssignmentFactory(application__call=call)
    client = Client()
    client.force_login(assignment.reviewer.user)
    url = reverse("reviews:score-sheet", args=[assignment.pk])

    assert client.get(url).status_code == 200
    saved = client.post(url, {"score_technology": "7", "score_market": "", "comment": "", "action": "save"})
    refused = client.post(url, {"score_technology": "7", "score_market": "", "comment": "", "action": "submit"})
    submitted = client.post(url, {"score_technology": "7", "score_market": "2", "comment": "양호", "action": "submit"})

    assert saved.status_code == 302
    assert refused.status_code == 200 and "score_market" in refused.context["form"].errors
    assert submitted.status_code == 302
    sheet = ScoreSheet.objects.get()
    assert (sheet.total, sheet.comment, sheet.assignment.status) == (58.75, "양호", AssignmentStatus.SUBMITTED)
    again = client.post(url, {"score_technology": "1", "score_market": "1", "comment": "x", "action": "submit"})
    assert again.status_code == 200
    sheet.refresh_from_db()
    assert sheet.total == 58.75


def test_recusal_frees_the_assignment(call) -> None:  # type: ignore[no-untyped-def]
    assignment = ReviewAssignmentFactory(application__call=call)
    user = assignment.reviewer.user
    score_sheet_save(user=user, assignment=assignment, scores={"technology": 3})
    client = Client()
    client.force_login(user)

    refused = client.post(reverse("reviews:recuse", args=[assignment.pk]), {"reason": ""})
    assert refused.status_code == 200
    assert ReviewAssignment.objects.get().status == AssignmentStatus.ASSIGNED

    response = client.post(reverse("reviews:recuse", args=[assignment.pk]), {"reason": "대표가 지인입니다"})

    assert response.status_code == 302
    assignment.refresh_from_db()
    assert (assignment.status, assignment.recusal_reason) == (AssignmentStatus.RECUSED, "대표가 지인입니다")
    assert ScoreSheet.objects.count() == 0
    assert list(application_queryset_for_reviewer(user)) == []
    assert client.get(reverse("reviews:score-sheet", args=[assignment.pk])).status_code == 404
    assert AuditEvent.objects.filter(action="review.recuse", reason="대표가 지인입니다").count() == 1


def test_submitted_sheet_cannot_be_recused(call) -> None:  # type: ignore[no-untyped-def]
    assignment = ReviewAssignmentFactory(application__call=call)
    user = assignment.reviewer.user
    score_sheet_save(user=user, assignment=assignment, scores={"technology": 3, "market": 3}, comment="c", submit=True)

    with pytest.raises(ValidationError):
        assignment_recuse(user=user, assignment=assignment, reason="늦게 알았음")
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.SUBMITTED
