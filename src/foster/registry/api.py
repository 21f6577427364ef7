"""Registry REST API: the same scoping selector and services as the pages."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from foster.core.api import data_with_changes, service_errors_as_api_errors
from foster.core.ids import id_from_text
from foster.registry.choices import AIAdoption, Region, SizeClass
from foster.registry.forms import company_filter_from
from foster.registry.models import Company, ValuationRecord
from foster.registry.selectors import company_queryset_for, company_search, valuation_queryset_for
from foster.registry.services import (
    CompanyData,
    company_data_from,
    company_register,
    company_update,
    valuation_record_add,
)


class VisibleCompanyField(serializers.PrimaryKeyRelatedField[Company]):
    """A company the caller may see; any other id gets the answer of an id that does not exist."""

    def get_queryset(self) -> Any:
        request = self.context.get("request")
        return company_queryset_for(getattr(request, "user", None))


class ValuationRecordSerializer(serializers.ModelSerializer[ValuationRecord]):
    company = VisibleCompanyField()

    class Meta:
        model = ValuationRecord
        fields = ["id", "company", "valued_on", "amount_krw", "amount_usd", "source", "note", "created_at"]
        read_only_fields = ["id", "created_at"]


class CompanySerializer(serializers.ModelSerializer[Company]):
    business_registration_number = serializers.CharField(max_length=12)

    class Meta:
        model = Company
        fields = [
            "id",
            "business_registration_number",
            "name_ko",
            "name_en",
            "ksic_section",
            "ksic_division",
            "region",
            "size_class",
            "founded_on",
            "employees",
            "revenue_krw",
            "ai_adoption",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "ksic_section", "created_at", "updated_at"]
        extra_kwargs: dict[str, dict[str, Any]] = {"business_registration_number": {"validators": []}}


FILTER_PARAMETERS = [
    OpenApiParameter("q", OpenApiTypes.STR, description="Partial match on Korean/English name or registration number"),
    OpenApiParameter("region", OpenApiTypes.STR, enum=Region.values),
    OpenApiParameter("ksic_section", OpenApiTypes.STR),
    OpenApiParameter("ksic_division", OpenApiTypes.STR),
    OpenApiParameter("size_class", OpenApiTypes.STR, enum=SizeClass.values),
    OpenApiParameter("ai_adoption", OpenApiTypes.STR, enum=AIAdoption.values),
]


@extend_schema_view(list=extend_schema(parameters=FILTER_PARAMETERS))
class CompanyViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[Company],
):
    """Companies the caller may see. Create registers the caller's company; update edits it."""

    serializer_class = CompanySerializer

    def get_queryset(self) -> Any:
        # As given: a value that is no choice matches no company (the page ignores invalid filters).
        return company_search(user=self.request.user, filters=company_filter_from(self.request.query_params))

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = {k: v for k, v in serializer.validated_data.items() if k in CompanyData.__dataclass_fields__}
        with service_errors_as_api_errors():
            company = company_register(user=request.user, data=CompanyData(**values))
        return Response(CompanySerializer(company).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        company = self.get_object()
        partial = kwargs.get("partial", False)
        serializer = self.get_serializer(company, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = data_with_changes(company_data_from(company), serializer.validated_data)
        with service_errors_as_api_errors():
            company = company_update(user=request.user, company=company, data=data)
        return Response(CompanySerializer(company).data)


class ValuationRecordViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet[ValuationRecord]
):
    """Valuation history of the companies the caller may see."""

    serializer_class = ValuationRecordSerializer

    def get_queryset(self) -> Any:
        queryset = valuation_queryset_for(self.request.user).order_by("company_id", "-valued_on", "-id")
        if (company := id_from_text(self.request.query_params.get("company"))) is not None:
            queryset = queryset.filter(company_id=company)
        return queryset

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        company = data.pop("company")
        with service_errors_as_api_errors():
            record = valuation_record_add(user=request.user, company=company, **data)
        return Response(ValuationRecordSerializer(record).data, status=status.HTTP_201_CREATED)
