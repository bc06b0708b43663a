"""Billing API: invoices (sellers, ops), payouts (freelancers, ops), bonuses (list; sellers add one-off bonuses).

Objects come from the actor's scope (other tenants answer 404); services apply every rule; their
``ValidationError`` becomes a field-keyed 400 and a role refusal a 403.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from accounts.access import scoped
from config.api_inputs import ApiModelSerializer
from marketplace.models import Contract, ContractStatus

from . import selectors, services
from .filters import InvoiceFilter, PayoutFilter
from .models import Bonus, Invoice, InvoiceLine, Payout


def _call(fn, **kwargs):
    try:
        return fn(**kwargs)
    except DjangoValidationError as exc:
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        raise exceptions.ValidationError(detail) from exc
    except DjangoPermissionDenied as exc:
        raise exceptions.PermissionDenied(str(exc)) from exc


class InvoiceLineSerializer(ApiModelSerializer):
    class Meta:
        model = InvoiceLine
        fields = ["id", "kind", "contract", "description", "quantity", "unit_price", "amount", "evidence"]
        read_only_fields = fields


class InvoiceSerializer(ApiModelSerializer):
    organization = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    lines = InvoiceLineSerializer(many=True, read_only=True)

    class Meta:
        model = Invoice
        fields = [
            "id",
            "number",
            "organization",
            "week_start",
            "status",
            "currency",
            "subtotal",
            "fee",
            "total",
            "issued_at",
            "paid_at",
            "payment_attempts",
            "next_attempt_at",
            "last_payment_error",
            "lines",
        ]
        read_only_fields = fields


class PayoutSerializer(ApiModelSerializer):
    invoice_week = serializers.DateField(source="invoice.week_start", read_only=True)

    class Meta:
        model = Payout
        fields = ["id", "amount", "currency", "rail", "status", "invoice_week", "created_at", "sent_at"]
        read_only_fields = fields


class BonusSerializer(ApiModelSerializer):
    class Meta:
        model = Bonus
        fields = [
            "id",
            "contract",
            "kind",
            "status",
            "period_start",
            "amount",
            "currency",
            "message",
            "reason",
            "evidence",
            "created_at",
        ]
        read_only_fields = ["id", "kind", "status", "period_start", "currency", "reason", "evidence", "created_at"]
        extra_kwargs = {
            "message": {"required": True, "allow_blank": False},
            "amount": {"required": True, "min_value": Decimal("0.01")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        field = self.fields["contract"]
        field.queryset = (
            scoped(Contract, request.user).filter(status=ContractStatus.ACTIVE)
            if request is not None
            else Contract.objects.none()
        )


class InvoiceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Issued invoices of the organizations you manage (owners and managers; API keys)."""

    queryset = Invoice.objects.none()
    serializer_class = InvoiceSerializer
    filterset_class = InvoiceFilter

    def get_queryset(self):
        return selectors.invoice_list(actor=self.request.user).exclude(status="draft").prefetch_related("lines")


class PayoutViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Your payouts (freelancers)."""

    queryset = Payout.objects.none()
    serializer_class = PayoutSerializer
    filterset_class = PayoutFilter

    def get_queryset(self):
        return selectors.payout_list(actor=self.request.user)


class BonusViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Bonuses you gave (sellers) or earned (freelancers); sellers add one-off bonuses with a message."""

    queryset = Bonus.objects.none()
    serializer_class = BonusSerializer

    def get_queryset(self):
        return selectors.bonus_list(actor=self.request.user)

    @extend_schema(request=BonusSerializer, responses={201: BonusSerializer})
    def create(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        bonus = _call(
            services.bonus_one_off_create,
            actor=request.user,
            contract=data["contract"],
            amount=data["amount"],
            message=data["message"],
        )
        return Response(BonusSerializer(bonus, context={"request": request}).data, status=status.HTTP_201_CREATED)


router = DefaultRouter()
router.register("billing/invoices", InvoiceViewSet, basename="billing-invoice")
router.register("billing/payouts", PayoutViewSet, basename="billing-payout")
router.register("billing/bonuses", BonusViewSet, basename="billing-bonus")
urlpatterns = router.urls
