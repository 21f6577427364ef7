"""Programs REST API: the same scoping selectors and services as the pages.

Every signed-in user reads programs and published calls; officials of the owning agency create
and change them (PATCH for partial updates; PUT is not offered).
"""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets

from foster.accounts.models import Agency
from foster.core.api import data_with_changes, service_errors_as_api_errors
from foster.core.ids import id_from_text
from foster.programs.choices import PolicyTag, ProgramType
from foster.programs.models import CALL_NOTIFICATION_KINDS, ApplicationForm, Call, Program
from foster.programs.selectors import call_queryset_for, program_queryset_for
from foster.programs.services import (
    CallData,
    ProgramData,
    call_create,
    call_data_from,
    call_update,
    program_create,
    program_data_from,
    program_update,
)

WRITE_METHODS = ["get", "post", "patch", "head", "options"]


class ProgramSerializer(serializers.ModelSerializer[Program]):
    agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.all())
    agency_code = serializers.CharField(source="agency.code", read_only=True)
    policy_tags = serializers.ListField(child=serializers.ChoiceField(choices=PolicyTag.choices), required=False)

    class Meta:
        model = Program
        fields = [
            "id",
            "agency",
            "agency_code",
            "code",
            "name_ko",
            "name_en",
            "program_type",
            "policy_tags",
            "description_ko",
            "description_en",
            "private_matching_ratio",
            "created_at",
        ]
        read_only_fields = ["id", "agency_code", "created_at"]
        extra_kwargs: dict[str, dict[str, Any]] = {"code": {"validators": []}}


class VisibleProgramField(serializers.PrimaryKeyRelatedField[Program]):
    """A program the caller may see; any other id gets the answer of an id that does not exist."""

    def get_queryset(self) -> Any:
        request = self.context.get("request")
        return program_queryset_for(getattr(request, "user", None))


class RubricCriteriaField(serializers.JSONField):
    """The call's rubric criteria (``Rubric.criteria`` format), read from and written as a list."""

    def get_attribute(self, instance: Call) -> Any:
        return instance.rubric.criteria if instance.rubric else []


class CallNotificationsField(serializers.DictField):
    """Which notifications the call sends: ``{kind: true|false}`` for each of
    ``CALL_NOTIFICATION_KINDS``; a write may give some kinds only (the others stay as they are)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(child=serializers.BooleanField(), **kwargs)

    def get_attribute(self, instance: Call) -> Any:
        return instance.notification_settings()


class CallSerializer(serializers.ModelSerializer[Call]):
    program = VisibleProgramField()
    rubric_criteria = RubricCriteriaField()
    eligibility_rules = serializers.JSONField(required=False)
    notifications = CallNotificationsField(
        required=False, help_text=f"Notifications the call sends, by kind: {', '.join(CALL_NOTIFICATION_KINDS)}."
    )
    is_open = serializers.BooleanField(read_only=True)
    current_form_version = serializers.SerializerMethodField()

    class Meta:
        model = Call
        fields = [
            "id",
            "program",
            "code",
            "title_ko",
            "title_en",
            "summary_ko",
            "summary_en",
            "opens_at",
            "closes_at",
            "review_deadline",
            "budget_krw",
            "max_award_krw",
            "reviewers_per_application",
            "rubric_criteria",
            "eligibility_rules",
            "notifications",
            "is_open",
            "current_form_version",
            "created_at",
        ]
        read_only_fields = ["id", "is_open", "current_form_version", "created_at"]
        extra_kwargs: dict[str, dict[str, Any]] = {"code": {"validators": []}}
        validators: list[Any] = []  # the service checks schedule and money, with a message per field

    def get_current_form_version(self, call: Call) -> int | None:
        if hasattr(call, "current_form_version"):  # annotated by the list and detail query
            return call.current_form_version
        form = call.current_form()
        return form.version if form else None


PROGRAM_PARAMETERS = [
    OpenApiParameter("agency", OpenApiTypes.STR, description="Agency code, e.g. kosme"),
    OpenApiParameter("program_type", OpenApiTypes.STR, enum=ProgramType.values),
]
CALL_PARAMETERS = [
    *PROGRAM_PARAMETERS,
    OpenApiParameter("open", OpenApiTypes.BOOL, description="true: open now; false: not open now"),
    OpenApiParameter("program", OpenApiTypes.INT),
]


def _program_lookups(params: Any, *, prefix: str = "") -> dict[str, str]:
    """The ``agency`` (code) and ``program_type`` filters of a program list, or of a call list
    with ``prefix`` ``program__``."""
    lookups = {}
    if params.get("agency"):
        lookups[f"{prefix}agency__code"] = params["agency"]
    if params.get("program_type"):
        lookups[f"{prefix}program_type"] = params["program_type"]
    return lookups


@extend_schema_view(list=extend_schema(parameters=PROGRAM_PARAMETERS))
class ProgramViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[Program],
):
    """Programs of every agency. Officials create and change their own agency's programs."""

    serializer_class = ProgramSerializer
    http_method_names = WRITE_METHODS

    def get_queryset(self) -> Any:
        queryset = program_queryset_for(self.request.user).filter(**_program_lookups(self.request.query_params))
        return queryset.order_by("agency__code", "code")

    def perform_create(self, serializer: ProgramSerializer) -> None:  # type: ignore[override]
        values = dict(serializer.validated_data)
        agency = values.pop("agency")
        with service_errors_as_api_errors():
            serializer.instance = program_create(user=self.request.user, agency=agency, data=ProgramData(**values))

    def perform_update(self, serializer: ProgramSerializer) -> None:  # type: ignore[override]
        program = serializer.instance
        assert program is not None  # an update always has its instance
        data = data_with_changes(program_data_from(program), serializer.validated_data)
        with service_errors_as_api_errors():
            serializer.instance = program_update(user=self.request.user, program=program, data=data)


@extend_schema_view(list=extend_schema(parameters=CALL_PARAMETERS))
class CallViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[Call],
):
    """Published calls (and, for their agency's officials and planners, calls not yet open)."""

    serializer_class = CallSerializer
    http_method_names = WRITE_METHODS

    def get_queryset(self) -> Any:
        params = self.request.query_params
        queryset = call_queryset_for(self.request.user).filter(**_program_lookups(params, prefix="program__"))
        if (program := id_from_text(params.get("program"))) is not None:
            queryset = queryset.filter(program_id=program)
        is_open = params.get("open", "").lower()
        now = timezone.now()
        if is_open in {"true", "1", "yes"}:
            queryset = queryset.filter(opens_at__lte=now, closes_at__gt=now)
        elif is_open in {"false", "0", "no"}:
            queryset = queryset.filter(Q(opens_at__gt=now) | Q(closes_at__lte=now))
        latest_form = ApplicationForm.objects.filter(call=OuterRef("pk")).order_by("-version").values("version")[:1]
        return queryset.annotate(current_form_version=Subquery(latest_form)).order_by("-opens_at", "id")

    def perform_create(self, serializer: CallSerializer) -> None:  # type: ignore[override]
        values = dict(serializer.validated_data)
        program = values.pop("program")
        with service_errors_as_api_errors():
            serializer.instance = call_create(user=self.request.user, program=program, data=CallData(**values))

    def perform_update(self, serializer: CallSerializer) -> None:  # type: ignore[override]
        call = serializer.instance
        assert call is not None  # an update always has its instance
        data = data_with_changes(call_data_from(call), serializer.validated_data)
        with service_errors_as_api_errors():
            serializer.instance = call_update(user=self.request.user, call=call, data=data)
