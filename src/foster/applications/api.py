"""Applications REST API: read-only, through the same scoping selector as the pages."""

from __future__ import annotations

from typing import Any

from rest_framework import mixins, serializers, viewsets

from foster.applications.choices import ApplicationStatus
from foster.applications.models import Application, StatusChange
from foster.applications.selectors import application_queryset_for
from foster.applications.services import eligibility_reasons
from foster.core.ids import id_from_text


class StatusChangeSerializer(serializers.ModelSerializer[StatusChange]):
    class Meta:
        model = StatusChange
        fields = ["transition", "from_status", "to_status", "reason", "is_override", "created_at"]


class ApplicationSerializer(serializers.ModelSerializer[Application]):
    call_code = serializers.CharField(source="call.code", read_only=True)
    form_version = serializers.IntegerField(source="form.version", read_only=True)
    eligibility = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "id",
            "call",
            "call_code",
            "company",
            "form_version",
            "status",
            "title",
            "requested_amount_krw",
            "is_eligible",
            "eligibility",
            "submitted_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_eligibility(self, application: Application) -> list[dict[str, Any]]:
        """Each rule's result with its reason in the caller's language."""
        return eligibility_reasons(application)


class ApplicationDetailSerializer(ApplicationSerializer):
    answers = serializers.JSONField(read_only=True)
    history = StatusChangeSerializer(source="status_changes", many=True, read_only=True)

    class Meta(ApplicationSerializer.Meta):
        fields = [*ApplicationSerializer.Meta.fields, "answers", "history"]
        read_only_fields = fields


class ApplicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Application]):
    """Applications the caller may see: their companies' (applicants), their agency's calls'
    (officials), all (ministry planners). Filter with ``?call=<id>`` and ``?status=<status>``."""

    def get_serializer_class(self) -> Any:
        return ApplicationDetailSerializer if self.action == "retrieve" else ApplicationSerializer

    def get_queryset(self) -> Any:
        queryset = application_queryset_for(self.request.user).select_related("form").order_by("-created_at", "-id")
        params = self.request.query_params
        if (call := id_from_text(params.get("call"))) is not None:
            queryset = queryset.filter(call_id=call)
        if (status := params.get("status", "")) in ApplicationStatus.values:
            queryset = queryset.filter(status=status)
        return queryset
