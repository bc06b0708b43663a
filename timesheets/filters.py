"""FilterSets used inside selectors (and by the API)."""

from __future__ import annotations

import django_filters

from config.api_inputs import BoundedFilterSet

from .models import TimeEntry, Timesheet, TimesheetStatus


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
