import django_filters

from config.api_inputs import BoundedFilterSet

from .models import Invoice, InvoiceStatus, Payout, PayoutStatus


class InvoiceFilter(BoundedFilterSet):
    status = django_filters.ChoiceFilter(choices=InvoiceStatus.choices, empty_label="Any status")
    week_from = django_filters.DateFilter(field_name="week_start", lookup_expr="gte", label="Week from")
    week_to = django_filters.DateFilter(field_name="week_start", lookup_expr="lte", label="Week to")

    class Meta:
        model = Invoice
        fields = ["status", "week_from", "week_to"]


class PayoutFilter(BoundedFilterSet):
    status = django_filters.ChoiceFilter(choices=PayoutStatus.choices, empty_label="Any status")

    class Meta:
        model = Payout
        fields = ["status"]
