"""Open-innovation REST API (read-only for now): challenges through the same scoping selector as
the pages, and a challenge's recommended startups with the match reasons (its owner only)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from foster.innovation.models import Challenge
from foster.innovation.selectors import challenge_queryset_for
from foster.innovation.services import Recommendation, challenge_recommended_startups


class ChallengeSerializer(serializers.ModelSerializer[Challenge]):
    owner = serializers.CharField(source="owner_name", read_only=True)

    class Meta:
        model = Challenge
        fields = [
            "id",
            "title",
            "problem",
            "data_available",
            "budget_krw",
            "starts_on",
            "ends_on",
            "region",
            "sector",
            "confidentiality",
            "state",
            "owner",
            "created_at",
        ]
        read_only_fields = fields


class RecommendedStartupSerializer(serializers.Serializer[Recommendation]):
    company = serializers.IntegerField(source="item.company_id")
    company_name = serializers.CharField(source="item.company.name")
    score = serializers.FloatField()
    terms = serializers.ListField(child=serializers.CharField())
    concepts = serializers.ListField(child=serializers.CharField())
    topics = serializers.ListField(child=serializers.CharField())
    same_sector = serializers.BooleanField()
    same_region = serializers.BooleanField()


class ChallengeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Challenge]):
    """Challenges the user may read: their own in every state, others' open or closed public ones
    and those their company is invited to."""

    serializer_class = ChallengeSerializer

    def get_queryset(self) -> QuerySet[Challenge]:
        return challenge_queryset_for(self.request.user).order_by("-created_at", "-pk")

    @action(detail=True, methods=["get"], serializer_class=RecommendedStartupSerializer)
    def recommendations(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The startups recommended for the challenge, best first, with why each matched (owner only)."""
        challenge = self.get_object()
        if not request.user.has_perm("innovation.change_challenge", challenge):
            raise PermissionDenied
        found = challenge_recommended_startups(challenge=challenge)
        return Response(self.get_serializer(found, many=True).data)
