"""Reviews REST API: a reviewer's own assignments and score sheets; an official's ranking per call.
The same scoping selectors and services as the pages."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from foster.core.api import service_errors_as_api_errors
from foster.core.ids import id_from_text
from foster.programs.selectors import call_manage_queryset_for
from foster.reviews.models import ReviewAssignment, ScoreSheet
from foster.reviews.selectors import assignment_queryset_for_reviewer, call_ranking_report
from foster.reviews.services import score_sheet_save


class ScoreSheetSerializer(serializers.ModelSerializer[ScoreSheet]):
    class Meta:
        model = ScoreSheet
        fields = ["scores", "total", "comment", "submitted_at", "updated_at"]
        read_only_fields = fields


class ReviewAssignmentSerializer(serializers.ModelSerializer[ReviewAssignment]):
    application_title = serializers.CharField(source="application.title", read_only=True)
    company_name = serializers.CharField(source="application.company.name_ko", read_only=True)
    call = serializers.IntegerField(source="application.call_id", read_only=True)
    answers = serializers.JSONField(source="application.answers", read_only=True)
    score_sheet = ScoreSheetSerializer(read_only=True, allow_null=True)

    class Meta:
        model = ReviewAssignment
        fields = ["id", "application", "application_title", "company_name", "call", "answers", "status", "score_sheet"]
        read_only_fields = fields


class ScoreSheetInputSerializer(serializers.Serializer[Any]):
    scores = serializers.DictField(child=serializers.FloatField(allow_null=True))
    comment = serializers.CharField(allow_blank=True, required=False, default="")
    submit = serializers.BooleanField(required=False, default=False)


class ReviewAssignmentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[ReviewAssignment]
):
    """The caller's own review assignments (reviewers only; empty for everyone else)."""

    serializer_class = ReviewAssignmentSerializer

    def get_queryset(self) -> Any:
        return assignment_queryset_for_reviewer(self.request.user)

    @extend_schema(request=ScoreSheetInputSerializer, responses=ScoreSheetSerializer)
    @action(detail=True, methods=["post"], url_path="score-sheet")
    def score_sheet(self, request: Request, pk: str | None = None) -> Response:
        """Save (or with ``submit`` hand in) the score sheet of the assignment."""
        assignment = self.get_object()
        serializer = ScoreSheetInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with service_errors_as_api_errors():
            sheet = score_sheet_save(
                user=request.user,
                assignment=assignment,
                scores=data["scores"],
                comment=data["comment"],
                submit=data["submit"],
            )
        return Response(ScoreSheetSerializer(sheet).data)


class CallRankingViewSet(viewsets.GenericViewSet[Any]):
    """A call's ranked list with raw, standardised and adjusted scores, and reviewer leniency."""

    def get_queryset(self) -> Any:
        return call_manage_queryset_for(self.request.user)

    @extend_schema(responses=dict)
    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        call = self.get_queryset().filter(pk=number).first() if (number := id_from_text(pk)) is not None else None
        if call is None:
            raise Http404
        if not request.user.has_perm("reviews.view_call_ranking", call):
            raise PermissionDenied
        report = call_ranking_report(call)
        return Response(
            {
                "call": call.pk,
                "sheets": report.sheets,
                "residual_std": report.residual_std,
                "applications": [
                    {
                        "application": line.application.pk,
                        "rank": line.rank,
                        "tied_with": list(line.tied_with),
                        "adjusted": line.adjusted,
                        "standardised_mean": line.standardised_mean,
                        "raw": {
                            "mean": line.raw_mean,
                            "std": line.raw_std,
                            "min": line.raw_minimum,
                            "max": line.raw_maximum,
                            "n": line.count,
                        },
                    }
                    for line in report.lines
                ],
                "reviewers": [
                    {"reviewer": line.reviewer.pk, "leniency": line.leniency, "mean": line.mean, "n": line.count}
                    for line in report.reviewers
                ],
            }
        )
