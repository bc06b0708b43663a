"""FilterSets used inside selectors (and by the API)."""

from __future__ import annotations

import datetime as dt
import re

import django_filters
from django import forms
from django.db.models import Q
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from config.api_inputs import BoundedFilterSet
from marketplace.models import Contract

from .models import FINAL_STATUSES, TimeEntry, Timesheet, TimesheetStatus


class TimesheetFilter(BoundedFilterSet):
    contract = django_filters.NumberFilter(field_name="contract_id")
    week = django_filters.DateFilter(field_name="week_start", label="Week (its Monday)")
    status = django_filters.ChoiceFilter(choices=TimesheetStatus.choices)

    class Meta:
        model = Timesheet
        fields = ["contract", "week", "status"]


class TimeEntryFilter(BoundedFilterSet):
    contract = django_filters.NumberFilter(field_name="contract_id")
    week = django_filters.DateFilter(field_name="timesheet__week_start", label="Week (its Monday)")
    status = django_filters.ChoiceFilter(field_name="timesheet__status", choices=TimesheetStatus.choices)

    class Meta:
        model = TimeEntry
        fields = ["contract", "week", "status"]


class IsoWeekField(forms.CharField):
    """``2026-W12`` (what ``<input type="week">`` sends) → the Monday of that ISO week."""

    widget = forms.TextInput(attrs={"type": "week"})
    default_error_messages = {"invalid": _("Pick a week, e.g. 2026-W12.")}

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        match = re.fullmatch(r"(\d{4})-W(\d{1,2})", value.strip())
        try:
            if match is None:
                raise ValueError(value)
            return dt.date.fromisocalendar(int(match[1]), int(match[2]), 1)
        except ValueError as exc:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from exc


class IsoWeekFilter(django_filters.Filter):
    field_class = IsoWeekField


class ApprovalFilter(django_filters.FilterSet):
    """The seller's approvals page: what to review (default) or the history, narrowed by contract, freelancer
    and the ISO week the hours are billed in."""

    PENDING = (TimesheetStatus.SUBMITTED, TimesheetStatus.DISPUTED)
    HISTORY = FINAL_STATUSES

    show = django_filters.ChoiceFilter(
        label=_("Show"),
        choices=[("pending", _("To review")), ("history", _("Approved and resolved"))],
        empty_label=None,
        method="filter_show",
    )
    contract = django_filters.ModelChoiceFilter(
        label=_("Contract"), queryset=Contract.objects.none(), empty_label=_("All contracts")
    )
    freelancer = django_filters.CharFilter(label=_("Freelancer"), method="filter_freelancer")
    week = IsoWeekFilter(label=_("Week (billed Monday–Sunday UTC)"), field_name="week_start")

    class Meta:
        model = Timesheet
        fields = ["show", "contract", "freelancer", "week"]

    def __init__(self, data=None, *args, organization_id: int, **kwargs):
        data = data.copy() if data is not None else QueryDict(mutable=True)
        if data.get("show") not in ("pending", "history"):
            data["show"] = "pending"
        super().__init__(data, *args, **kwargs)
        self.filters["contract"].queryset = (
            Contract.objects.filter(organization_id=organization_id)
            .select_related("freelancer__user")
            .order_by("title", "pk")
        )
        self.form.fields["contract"].label_from_instance = lambda c: f"{c.title} — {c.freelancer}"
        self.form.fields["freelancer"].widget.attrs["placeholder"] = _("Name or e-mail")

    @property
    def showing_history(self) -> bool:
        return self.form.is_valid() and self.form.cleaned_data.get("show") == "history"

    def filter_show(self, queryset, name, value):
        return queryset.filter(status__in=self.HISTORY if value == "history" else self.PENDING)

    def filter_freelancer(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(contract__freelancer__user__full_name__icontains=value)
            | Q(contract__freelancer__user__email__icontains=value)
        )
