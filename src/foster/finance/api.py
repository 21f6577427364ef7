"""Finance REST API: agreements and transfers through the same scoping selectors and services as
the pages. Every write needs an idempotency key (the ``Idempotency-Key`` header, or
``idempotency_key`` in the body): a new request answers 201, a retry of the same request 200 with
the first outcome, the key reused for a different request 409."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from foster.core.api import service_errors_as_api_errors
from foster.finance.choices import FundingSource, Instrument, RepaymentMethod
from foster.finance.ledger import IdempotencyConflict, Outcome
from foster.finance.models import REFERENCE_MAX_LENGTH, Agreement, Entry, ScheduleItem, Transfer
from foster.finance.selectors import (
    agreement_queryset_for,
    finance_company_queryset_for,
    finance_program_queryset_for,
    transfer_queryset_for,
)
from foster.finance.services import (
    PROGRAM_MONEY_SERVICES,
    LoanScheduleTerms,
    agreement_approve,
    agreement_operation_apply,
    agreement_remaining_krw,
    transfer_reverse,
)


class IdempotencyKeyConflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "idempotency_conflict"


class ScheduleItemSerializer(serializers.ModelSerializer[ScheduleItem]):
    class Meta:
        model = ScheduleItem
        fields = ["kind", "due_on", "principal_krw", "interest_krw"]


class AgreementSerializer(serializers.ModelSerializer[Agreement]):
    schedule = ScheduleItemSerializer(many=True, read_only=True)
    remaining_krw = serializers.SerializerMethodField()

    class Meta:
        model = Agreement
        fields = [
            "id",
            "program",
            "company",
            "instrument",
            "reference",
            "amount_krw",
            "interest_rate_basis_points",
            "private_matched_krw",
            "repayment_method",
            "term_months",
            "grace_months",
            "starts_on",
            "status",
            "reservation",
            "remaining_krw",
            "schedule",
            "created_at",
        ]
        read_only_fields = fields

    def get_remaining_krw(self, agreement: Agreement) -> int:
        return agreement_remaining_krw(agreement)


class EntrySerializer(serializers.ModelSerializer[Entry]):
    account = serializers.CharField(source="account.code")

    class Meta:
        model = Entry
        fields = ["account", "phase", "amount_krw"]


class TransferSerializer(serializers.ModelSerializer[Transfer]):
    entries = EntrySerializer(many=True, read_only=True)

    class Meta:
        model = Transfer
        fields = [
            "id",
            "kind",
            "amount_krw",
            "company",
            "program",
            "agreement",
            "pending_of",
            "reverses",
            "exposure_delta_krw",
            "description",
            "created_at",
            "entries",
        ]
        read_only_fields = fields


@extend_schema_field(OpenApiTypes.INT)
class ScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """An object of the caller's scope; any other id gets the answer of an id that does not exist."""

    def __init__(self, selector: Any, **kwargs: Any) -> None:
        self.selector = selector
        super().__init__(**kwargs)

    def get_queryset(self) -> Any:
        request = self.context.get("request")
        return self.selector(getattr(request, "user", None))


class ApproveSerializer(serializers.Serializer):
    idempotency_key = serializers.CharField(max_length=200, required=False)
    reference = serializers.CharField(
        max_length=REFERENCE_MAX_LENGTH,
        required=False,
        allow_blank=True,
        default="",
        help_text="The agency's own agreement number (unique); the idempotency key when omitted.",
    )
    program = ScopedPrimaryKeyField(finance_program_queryset_for)
    company = ScopedPrimaryKeyField(finance_company_queryset_for)
    instrument = serializers.ChoiceField(choices=Instrument.choices)
    amount_krw = serializers.IntegerField(min_value=1)
    interest_rate_basis_points = serializers.IntegerField(min_value=0, max_value=5_000, default=0)
    private_matched_krw = serializers.IntegerField(min_value=0, default=0)
    repayment_method = serializers.ChoiceField(choices=RepaymentMethod.choices, required=False, allow_blank=True)
    term_months = serializers.IntegerField(min_value=1, max_value=600, required=False)
    grace_months = serializers.IntegerField(min_value=0, max_value=599, default=0)
    starts_on = serializers.DateField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("repayment_method"):
            missing = {name: [_("Needed for a computed repayment schedule.")] for name in ("term_months", "starts_on")}
            missing = {name: message for name, message in missing.items() if attrs.get(name) is None}
            if missing:
                raise serializers.ValidationError(missing)
        return attrs


class OperationSerializer(serializers.Serializer):
    idempotency_key = serializers.CharField(max_length=200, required=False)
    operation = serializers.ChoiceField(choices=["disburse", "repay", "cancel", "release", "claim", "settle"])
    amount_krw = serializers.IntegerField(min_value=0, default=0)
    interest_krw = serializers.IntegerField(
        min_value=0,
        required=False,
        allow_null=True,
        default=None,
        help_text="Omit for the interest accrued (actual/365).",
    )


def _key(request: Request, data: dict[str, Any]) -> str:
    key = request.headers.get("Idempotency-Key") or data.get("idempotency_key") or ""
    if not key:
        raise serializers.ValidationError({"idempotency_key": [_("Send an Idempotency-Key header.")]})
    return str(key)


def _answer(outcome: Outcome) -> Response:
    return Response(
        TransferSerializer(outcome.transfer).data,
        status=status.HTTP_201_CREATED if outcome.is_new else status.HTTP_200_OK,
    )


class AgreementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Agreements of the caller's scope; POST approves one (an idempotent reservation)."""

    serializer_class = AgreementSerializer

    def get_queryset(self) -> Any:
        return agreement_queryset_for(self.request.user).prefetch_related("schedule").order_by("-id")

    @extend_schema(request=ApproveSerializer, responses={201: TransferSerializer, 200: TransferSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = ApproveSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        key = _key(request, data)
        try:
            with service_errors_as_api_errors():
                outcome = agreement_approve(
                    user=request.user,
                    key=key,
                    reference=data["reference"],
                    program=data["program"],
                    company=data["company"],
                    instrument=data["instrument"],
                    amount_krw=data["amount_krw"],
                    interest_rate_basis_points=data["interest_rate_basis_points"],
                    private_matched_krw=data["private_matched_krw"],
                    loan_terms=LoanScheduleTerms(
                        method=data["repayment_method"],
                        term_months=data["term_months"],
                        starts_on=data["starts_on"],
                        grace_months=data["grace_months"],
                    )
                    if data.get("repayment_method")
                    else None,
                )
        except IdempotencyConflict as conflict:
            raise IdempotencyKeyConflict(str(conflict)) from None
        return _answer(outcome)

    @extend_schema(request=OperationSerializer, responses={201: TransferSerializer, 200: TransferSerializer})
    @action(detail=True, methods=["post"], url_path="operations", url_name="operations")
    def operations(self, request: Request, pk: str | None = None) -> Response:
        agreement = self.get_object()
        if not request.user.has_perm("finance.manage_program_money", agreement.program):
            raise PermissionDenied(_("Only officials of the program's agency may move its money."))
        serializer = OperationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = {**serializer.validated_data, "idempotency_key": _key(request, serializer.validated_data)}
        try:
            with service_errors_as_api_errors():
                outcome = agreement_operation_apply(user=request.user, agreement=agreement, data=data)
        except IdempotencyConflict as conflict:
            raise IdempotencyKeyConflict(str(conflict)) from None
        return _answer(outcome)


class ProgramMoneySerializer(serializers.Serializer):
    idempotency_key = serializers.CharField(max_length=200, required=False)
    program = ScopedPrimaryKeyField(finance_program_queryset_for)
    operation = serializers.ChoiceField(choices=list(PROGRAM_MONEY_SERVICES))
    source = serializers.ChoiceField(choices=[FundingSource.GOVERNMENT, FundingSource.PRIVATE])  # type: ignore[assignment]  # a field named "source"; the metaclass takes it out of the class
    amount_krw = serializers.IntegerField(min_value=1)


class ReverseSerializer(serializers.Serializer):
    idempotency_key = serializers.CharField(max_length=200, required=False)
    reason = serializers.CharField(max_length=300)


class TransferViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Transfers of the caller's scope, with their entries. POST records a program's money
    (``budget_fund``, ``fund_commit``, ``capital_call``, by source); ``<id>/reverse/`` reverses a
    posted transfer with a reason. Both idempotent, as the approval."""

    serializer_class = TransferSerializer

    def get_queryset(self) -> Any:
        return transfer_queryset_for(self.request.user).prefetch_related("entries__account").order_by("-id")

    @extend_schema(request=ProgramMoneySerializer, responses={201: TransferSerializer, 200: TransferSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = ProgramMoneySerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        key = _key(request, data)
        try:
            with service_errors_as_api_errors():
                outcome = PROGRAM_MONEY_SERVICES[data["operation"]](
                    user=request.user,
                    key=key,
                    program=data["program"],
                    amount_krw=data["amount_krw"],
                    source=data["source"],
                )
        except IdempotencyConflict as conflict:
            raise IdempotencyKeyConflict(str(conflict)) from None
        return _answer(outcome)

    @extend_schema(request=ReverseSerializer, responses={201: TransferSerializer, 200: TransferSerializer})
    @action(detail=True, methods=["post"], url_path="reverse", url_name="reverse")
    def reverse_transfer(self, request: Request, pk: str | None = None) -> Response:
        transfer = self.get_object()
        if transfer.program is None or not request.user.has_perm("finance.manage_program_money", transfer.program):
            raise PermissionDenied(_("Only officials of the program's agency may correct its transfers."))
        serializer = ReverseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        key = _key(request, serializer.validated_data)
        try:
            with service_errors_as_api_errors():
                outcome = transfer_reverse(
                    user=request.user, key=key, transfer=transfer, reason=serializer.validated_data["reason"]
                )
        except IdempotencyConflict as conflict:
            raise IdempotencyKeyConflict(str(conflict)) from None
        return _answer(outcome)
