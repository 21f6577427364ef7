"""Open-innovation REST API: challenges, proposals, startup profiles and proof-of-concept projects,
through the same scoping selectors and services as the pages (a refused write changes nothing and
answers 403 or 400 with the service's messages; a row outside the scope is a 404)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from foster.core.api import data_with_changes, service_errors_as_api_errors
from foster.innovation.models import Challenge, PocMilestone, PocProject, Proposal, StartupProfile
from foster.innovation.permissions import company_ids_of
from foster.innovation.selectors import challenge_queryset_for, poc_project_queryset_for, proposal_queryset_for
from foster.innovation.services import (
    ChallengeData,
    ProposalData,
    Recommendation,
    StartupProfileData,
    challenge_create,
    challenge_data_from,
    challenge_recommended_startups,
    challenge_transition,
    challenge_update,
    proposal_decide,
    proposal_evaluate,
    proposal_submit,
    startup_profile_data_from,
    startup_profile_save,
)
from foster.registry.models import Company

WRITE_METHODS = ["get", "post", "patch", "head", "options"]


class ChallengeSerializer(serializers.ModelSerializer[Challenge]):
    owner = serializers.CharField(source="owner_name", read_only=True)
    invited_companies = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=Company.objects.filter(startup_profile__isnull=False)
    )

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
            "invited_companies",
            "state",
            "owner",
            "created_at",
        ]
        read_only_fields = ["id", "state", "owner", "created_at"]

    def to_representation(self, instance: Challenge) -> dict[str, Any]:
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is None or not request.user.has_perm("innovation.change_challenge", instance):
            data.pop("invited_companies", None)  # who else is invited is the owner's business
        return data


def _challenge_data(values: dict[str, Any]) -> ChallengeData:
    invited = values.pop("invited_companies", [])
    return ChallengeData(**values, invited_company_ids=[company.pk for company in invited])


class RecommendedStartupSerializer(serializers.Serializer[Recommendation]):
    company = serializers.IntegerField(source="item.company_id")
    company_name = serializers.CharField(source="item.company.name")
    score = serializers.FloatField()
    terms = serializers.ListField(child=serializers.CharField())
    concepts = serializers.ListField(child=serializers.CharField())
    topics = serializers.ListField(child=serializers.CharField())
    same_sector = serializers.BooleanField()
    same_region = serializers.BooleanField()


class StateSerializer(serializers.Serializer[Any]):
    state = serializers.CharField()


class ProposalSerializer(serializers.ModelSerializer[Proposal]):
    company = serializers.PrimaryKeyRelatedField(queryset=Company.objects.all())

    class Meta:
        model = Proposal
        fields = ["id", "challenge", "company", "approach", "price_krw", "duration_weeks", "state", "created_at"]
        read_only_fields = ["id", "challenge", "state", "created_at"]


class EvaluationSerializer(serializers.Serializer[Any]):
    scores = serializers.DictField(child=serializers.IntegerField())
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ChallengeViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[Challenge],
):
    """Challenges the user may read: their own in every state, others' open or closed public ones
    and those their company is invited to. Posters create drafts; the owner changes them, opens
    and closes them (``transition``); startups propose (``propose``)."""

    serializer_class = ChallengeSerializer
    http_method_names = WRITE_METHODS

    def get_queryset(self) -> QuerySet[Challenge]:
        return challenge_queryset_for(self.request.user).order_by("-created_at", "-pk")

    def perform_create(self, serializer: ChallengeSerializer) -> None:  # type: ignore[override]
        with service_errors_as_api_errors():
            serializer.instance = challenge_create(
                user=self.request.user, data=_challenge_data(dict(serializer.validated_data))
            )

    def perform_update(self, serializer: ChallengeSerializer) -> None:  # type: ignore[override]
        challenge = serializer.instance
        assert challenge is not None  # an update always has its instance
        values = dict(serializer.validated_data)
        data = data_with_changes(challenge_data_from(challenge), values)
        if "invited_companies" in values:
            data.invited_company_ids = [company.pk for company in values["invited_companies"]]
        with service_errors_as_api_errors():
            serializer.instance = challenge_update(user=self.request.user, challenge=challenge, data=data)

    @extend_schema(responses=RecommendedStartupSerializer(many=True))
    @action(detail=True, methods=["get"], serializer_class=RecommendedStartupSerializer, pagination_class=None)
    def recommendations(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The startups recommended for the challenge, best first, with why each matched (owner only)."""
        challenge = self.get_object()
        if not request.user.has_perm("innovation.change_challenge", challenge):
            raise PermissionDenied
        found = challenge_recommended_startups(challenge=challenge)
        return Response(self.get_serializer(found, many=True).data)

    @extend_schema(request=StateSerializer, responses=ChallengeSerializer)
    @action(detail=True, methods=["post"], serializer_class=StateSerializer)
    def transition(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Open, close or reopen the challenge (``{"state": "open"}``; its owner)."""
        challenge = self.get_object()
        body = StateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with service_errors_as_api_errors():
            challenge = challenge_transition(
                user=request.user, challenge=challenge, to_state=body.validated_data["state"]
            )
        return Response(ChallengeSerializer(challenge, context={"request": request}).data)

    @extend_schema(request=ProposalSerializer, responses={201: ProposalSerializer})
    @action(detail=True, methods=["post"], serializer_class=ProposalSerializer)
    def propose(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Propose to the open challenge for one of the user's companies."""
        challenge = self.get_object()
        if not request.user.has_perm("innovation.add_proposal", challenge):
            raise PermissionDenied(_("Only members of a startup other than the owner may propose."))
        body = ProposalSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        company = values.pop("company")
        if company.pk not in company_ids_of(request.user):
            raise PermissionDenied(_("Propose for a company you are a member of."))
        with service_errors_as_api_errors():
            proposal = proposal_submit(
                user=request.user, challenge=challenge, company=company, data=ProposalData(**values)
            )
        return Response(ProposalSerializer(proposal).data, status=201)


class ProposalViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Proposal]):
    """Proposals the user may read: their companies' own, and those made to challenges they own.
    The challenge's owner evaluates them (``evaluate``) and decides (``decide``)."""

    serializer_class = ProposalSerializer

    def get_queryset(self) -> QuerySet[Proposal]:
        return proposal_queryset_for(self.request.user).order_by("-created_at", "-pk")

    @extend_schema(request=StateSerializer, responses=ProposalSerializer)
    @action(detail=True, methods=["post"], serializer_class=StateSerializer)
    def decide(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Shortlist, select or reject (``{"state": "selected"}``); selecting opens the project."""
        proposal = self.get_object()
        body = StateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with service_errors_as_api_errors():
            proposal = proposal_decide(user=request.user, proposal=proposal, to_state=body.validated_data["state"])
        return Response(ProposalSerializer(proposal).data)

    @extend_schema(request=EvaluationSerializer, responses=EvaluationSerializer)
    @action(detail=True, methods=["post"], serializer_class=EvaluationSerializer)
    def evaluate(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The caller's scores on the rubric: ``{"scores": {"fit": 4, "feasibility": 3, "track_record": 4,
        "value": 5}, "comment": ""}``, each from 1 to 5 (the challenge's owner side)."""
        proposal = self.get_object()
        body = EvaluationSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with service_errors_as_api_errors():
            evaluation = proposal_evaluate(
                user=request.user,
                proposal=proposal,
                scores=body.validated_data["scores"],
                comment=body.validated_data["comment"],
            )
        return Response({"scores": evaluation.scores, "comment": evaluation.comment})


class StartupProfileSerializer(serializers.ModelSerializer[StartupProfile]):
    class Meta:
        model = StartupProfile
        fields = [
            "company",
            "solution_ko",
            "solution_en",
            "technology_tags",
            "reference_customers",
            "sectors",
            "regions",
            "updated_at",
        ]
        read_only_fields = ["company", "updated_at"]


class StartupProfileViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet[StartupProfile]
):
    """The startup profiles of the user's own companies (looked up by company id); members change them."""

    serializer_class = StartupProfileSerializer
    # The company's id: /innovation/profiles/<company id>/. Looked up through the company's own key,
    # whose exact lookup answers "none" for an integer out of range (the foreign key's raised a 500).
    lookup_field = "company__id"
    lookup_url_kwarg = "pk"
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[StartupProfile]:
        return StartupProfile.objects.filter(company_id__in=company_ids_of(self.request.user)).order_by("company_id")

    def perform_update(self, serializer: StartupProfileSerializer) -> None:  # type: ignore[override]
        profile = serializer.instance
        assert profile is not None
        data: StartupProfileData = data_with_changes(startup_profile_data_from(profile), serializer.validated_data)
        with service_errors_as_api_errors():
            serializer.instance = startup_profile_save(user=self.request.user, company=profile.company, data=data)


class MilestoneSerializer(serializers.ModelSerializer[PocMilestone]):
    class Meta:
        model = PocMilestone
        fields = ["id", "title", "deliverable", "due_on", "state", "submitted_at", "feedback", "decided_at"]
        read_only_fields = fields


class ProjectSerializer(serializers.ModelSerializer[PocProject]):
    milestones = MilestoneSerializer(many=True, read_only=True)

    class Meta:
        model = PocProject
        fields = [
            "id",
            "challenge",
            "proposal",
            "company",
            "state",
            "budget_krw",
            "starts_on",
            "ends_on",
            "outcome",
            "outcome_summary",
            "results",
            "milestones",
        ]
        read_only_fields = fields


class ProjectViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[PocProject]):
    """Proof-of-concept projects the user takes part in (either side), with their milestones."""

    serializer_class = ProjectSerializer

    def get_queryset(self) -> QuerySet[PocProject]:
        return poc_project_queryset_for(self.request.user).prefetch_related("milestones").order_by("-created_at", "-pk")
