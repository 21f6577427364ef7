"""Selection REST API: the scenarios of the calls in the caller's officials' area, with their
constraints, problem file and result file (read-only; the pages run and commit). The same scoping
selector as the pages."""

from __future__ import annotations

from typing import Any

from rest_framework import mixins, serializers, viewsets

from foster.selection.choices import SolveStatus
from foster.selection.models import SelectionScenario
from foster.selection.selectors import scenario_queryset_for


class SelectionScenarioSerializer(serializers.ModelSerializer[SelectionScenario]):
    # Empty until the scenario has been run: the schema says so (an empty string besides the statuses).
    solve_status = serializers.ChoiceField(choices=SolveStatus.choices, allow_blank=True, read_only=True)

    class Meta:
        model = SelectionScenario
        fields = [
            "id",
            "call",
            "extra_calls",
            "name",
            "status",
            "settings",
            "overrides",
            "solve_status",
            "objective",
            "bound",
            "gap",
            "problem",
            "result",
            "created_at",
            "committed_at",
        ]
        read_only_fields = fields


class SelectionScenarioViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[SelectionScenario]
):
    """Selection scenarios of the calls of the caller's agency (every call for ministry planners;
    empty for everyone else). ``problem`` re-runs bit for bit with ``foster select``."""

    serializer_class = SelectionScenarioSerializer

    def get_queryset(self) -> Any:
        return scenario_queryset_for(self.request.user).prefetch_related("extra_calls").order_by("id")
