"""Learning REST API: the AI readiness diagnostic (take it, read results with their recommendations),
course sessions (list, enrol) and one's enrolments (list, cancel), through the same scoping selectors
and services as the pages. An incomplete questionnaire answers 400 naming every missing question;
nothing is stored. A refused write changes nothing; a row outside the scope is a 404."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from foster.core.api import service_errors_as_api_errors
from foster.learning import questionnaire
from foster.learning.models import CourseSession, Diagnostic, Enrolment
from foster.learning.recommendations import matching_startups, open_calls_eligibility, recommended_sessions
from foster.learning.selectors import diagnostic_queryset_for, enrolment_queryset_for, session_calendar
from foster.learning.services import diagnostic_submit, enrolment_cancel, enrolment_create, waiting_position
from foster.registry.api import VisibleCompanyField


class DiagnosticSerializer(serializers.ModelSerializer[Diagnostic]):
    company = VisibleCompanyField()
    answers = serializers.DictField(child=serializers.JSONField(), write_only=True)

    class Meta:
        model = Diagnostic
        fields = [
            "id",
            "company",
            "answers",
            "problem",
            "questionnaire_version",
            "area_levels",
            "area_means",
            "overall_level",
            "overall_mean",
            "created_at",
        ]
        read_only_fields = [
            "id",
            "questionnaire_version",
            "area_levels",
            "area_means",
            "overall_level",
            "overall_mean",
            "created_at",
        ]


def _result(diagnostic: Diagnostic) -> questionnaire.Result:
    return questionnaire.Result(
        area_levels={area: int(diagnostic.area_levels[area]) for area in questionnaire.AREAS},
        area_means={area: float(diagnostic.area_means[area]) for area in questionnaire.AREAS},
        overall_level=diagnostic.overall_level,
        overall_mean=diagnostic.overall_mean,
    )


def recommendations_data(diagnostic: Diagnostic) -> dict[str, Any]:
    """The result page's recommendations as data: eligible open calls with the screening's reasons,
    sessions for the weakest areas, matching startups with their reasons."""
    calls = open_calls_eligibility(diagnostic.company)
    return {
        "eligible_calls": [
            {
                "code": item.call.code,
                "title": item.call.title,
                "closes_at": item.call.closes_at,
                "reasons": [verdict.reason for verdict in item.verdicts],
                "checked_when_applying": list(item.to_prepare),
            }
            for item in calls
            if item.is_eligible
        ],
        "recommended_sessions": [
            {
                "area": group.area,
                "level": group.level,
                "sessions": [
                    {"id": session.pk, "course": session.course.title, "starts_at": session.starts_at}
                    for session in group.sessions
                ],
            }
            for group in recommended_sessions(_result(diagnostic), diagnostic.company)
        ],
        "matching_startups": [
            {
                "company": recommendation.item.company.name,
                "score": recommendation.score,
                "concepts": list(recommendation.concepts),
                "terms": list(recommendation.terms),
                "same_sector": recommendation.same_sector,
                "same_region": recommendation.same_region,
            }
            for recommendation in matching_startups(diagnostic)
        ],
    }


class DiagnosticViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet[Diagnostic]
):
    """The diagnostics of the caller's companies. Create takes ``company``, ``answers`` (question key
    to points 1-5, every question; see ``foster.learning.questionnaire``) and ``problem``. A result
    comes with its recommendations."""

    serializer_class = DiagnosticSerializer

    def get_queryset(self) -> Any:
        return diagnostic_queryset_for(self.request.user).order_by("-created_at", "-id")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with service_errors_as_api_errors():
            diagnostic = diagnostic_submit(
                user=request.user, company=data["company"], answers=data["answers"], problem=data.get("problem", "")
            )
        return Response(
            {**DiagnosticSerializer(diagnostic).data, **recommendations_data(diagnostic)},
            status=status.HTTP_201_CREATED,
        )

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        diagnostic = self.get_object()
        return Response({**DiagnosticSerializer(diagnostic).data, **recommendations_data(diagnostic)})


class CourseSessionSerializer(serializers.ModelSerializer[CourseSession]):
    course = serializers.CharField(source="course.title", read_only=True)
    course_id = serializers.IntegerField(read_only=True)
    agency = serializers.CharField(source="course.agency.code", read_only=True)
    area = serializers.CharField(source="course.area", read_only=True)
    level = serializers.CharField(source="course.level", read_only=True)
    audience = serializers.CharField(source="course.audience", read_only=True)
    delivery = serializers.CharField(source="course.delivery", read_only=True)
    region = serializers.CharField(source="course.region", read_only=True)
    seats_left = serializers.IntegerField(read_only=True)

    class Meta:
        model = CourseSession
        fields = [
            "id",
            "course_id",
            "course",
            "agency",
            "area",
            "level",
            "audience",
            "delivery",
            "region",
            "starts_at",
            "ends_at",
            "venue",
            "capacity",
            "seats_left",
        ]


class EnrolmentSerializer(serializers.ModelSerializer[Enrolment]):
    waiting_position = serializers.SerializerMethodField()

    class Meta:
        model = Enrolment
        fields = ["id", "session", "status", "waiting_position", "certificate_code", "created_at"]

    def get_waiting_position(self, enrolment: Enrolment) -> int | None:
        return waiting_position(enrolment)


class CourseSessionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[CourseSession]):
    """Upcoming sessions (filters ``region``, ``audience``, ``delivery``, ``level``, ``area``); ``enrol``
    takes a seat or a place on the waiting list."""

    serializer_class = CourseSessionSerializer

    def get_queryset(self) -> Any:
        filters = {
            key: self.request.query_params.get(key, "")
            for key in ("region", "audience", "delivery", "level", "area")
            if self.request.query_params.get(key)
        }
        return session_calendar(filters=filters)

    @extend_schema(request=None, responses=EnrolmentSerializer)
    @action(detail=True, methods=["post"])
    def enrol(self, request: Request, pk: str | None = None) -> Response:
        session = self.get_object()
        with service_errors_as_api_errors():
            enrolment = enrolment_create(user=request.user, session=session)
        return Response(EnrolmentSerializer(enrolment).data, status=status.HTTP_201_CREATED)


class EnrolmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Enrolment]):
    """The caller's enrolments (for officials also those of their agencies' courses); ``cancel``
    gives one's place up before the session starts."""

    serializer_class = EnrolmentSerializer

    def get_queryset(self) -> Any:
        return enrolment_queryset_for(self.request.user).order_by("-created_at", "-id")

    @extend_schema(request=None, responses=EnrolmentSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        enrolment = self.get_object()
        with service_errors_as_api_errors():
            enrolment_cancel(user=request.user, enrolment=enrolment)
        enrolment.refresh_from_db()
        return Response(EnrolmentSerializer(enrolment).data)
