"""Bounded API inputs: every number, date and date-time an API caller sends is checked before any query runs.

Without bounds, a number past the column's range or a date-time whose offset the database cannot store
reaches the database and fails there (a 500). Here each input answers a 400 next to its name instead:

- integers: within the range of the column they land in (32-bit unless a field says otherwise);
- date-times: a UTC offset within ±18:00, converted to UTC before they go anywhere;
- dates: between years 1900 and 2999, so date arithmetic in services cannot overflow;
- FilterSets: ``BoundedFilterSet`` derives each number filter's bounds from the model column it filters and
  gives its date-time filters the same check; ``BoundedFilterBackend`` makes it the base of ``filterset_fields``.

Tests walk every serializer and FilterSet the API exposes and fail on an unbounded input
(tests/api/test_bounded_inputs.py).
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models as db
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from django_filters import FilterSet
from django_filters import filters as dfilters
from django_filters.fields import IsoDateTimeField
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import get_model_field
from rest_framework import serializers

INT32 = (-(2**31), 2**31 - 1)
MAX_OFFSET = dt.timedelta(hours=18)
DATE_MIN = dt.date(1900, 1, 1)
DATE_MAX = dt.date(2999, 12, 31)
OFFSET_MESSAGE = _("Give a UTC offset between -18:00 and +18:00.")
RANGE_MESSAGE = _("Give a date-time between the years 1900 and 2999.")
DATE_MESSAGE = _("Give a date between the years 1900 and 2999.")


def column_range(model_field: db.Field | None) -> tuple[int, int]:
    """The integer range of a column as PostgreSQL stores it, on any backend (so SQLite refuses what production
    would); 32-bit when there is no column."""
    if model_field is None:
        return INT32
    if isinstance(model_field, db.ForeignKey | db.OneToOneField):
        model_field = model_field.target_field
    return BaseDatabaseOperations.integer_field_ranges.get(model_field.get_internal_type(), INT32)


def to_utc(value: dt.datetime) -> dt.datetime:
    """An aware date-time converted to UTC, or a ValidationError for an offset or a year outside the range."""
    offset = value.utcoffset()
    if offset is not None and abs(offset) > MAX_OFFSET:
        raise DjangoValidationError(OFFSET_MESSAGE, code="offset")
    try:
        utc = value.astimezone(dt.UTC) if offset is not None else value.replace(tzinfo=dt.UTC)
    except OverflowError as exc:
        raise DjangoValidationError(RANGE_MESSAGE, code="overflow") from exc
    if not DATE_MIN <= utc.date() <= DATE_MAX:
        raise DjangoValidationError(RANGE_MESSAGE, code="overflow")
    return utc


# --- serializer fields


class BoundedIntegerField(serializers.IntegerField):
    """An integer within a 32-bit column's range unless narrower bounds are given."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", INT32[0])
        kwargs.setdefault("max_value", INT32[1])
        super().__init__(**kwargs)


class BoundedDateTimeField(serializers.DateTimeField):
    """An ISO date-time with an offset within ±18:00, returned in UTC. ``require_offset``: refuse one without."""

    default_error_messages = {"offset_missing": _("Give the date-time with its offset, e.g. 2026-01-01T09:00+02:00.")}

    def __init__(self, *, require_offset: bool = False, **kwargs):
        self.require_offset = require_offset
        super().__init__(**kwargs)

    def to_internal_value(self, value):
        if self.require_offset and isinstance(value, str):
            try:
                naive = (parsed := parse_datetime(value.strip())) is not None and parsed.tzinfo is None
            except ValueError:
                naive = False  # out-of-range parts: the parent's message says so
            if naive:
                self.fail("offset_missing")
        return super().to_internal_value(value)

    def enforce_timezone(self, value):
        # Before DRF converts to the current time zone, which would drop the offset the caller sent.
        try:
            if timezone.is_aware(value):
                value = to_utc(value)
            value = super().enforce_timezone(value)
            to_utc(value)  # a naive value made aware: still within the years
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc
        return value


class BoundedDateField(serializers.DateField):
    """A date between 1900 and 2999."""

    def to_internal_value(self, value):
        parsed = super().to_internal_value(value)
        if not DATE_MIN <= parsed <= DATE_MAX:
            raise serializers.ValidationError(DATE_MESSAGE)
        return parsed


class ApiModelSerializer(serializers.ModelSerializer):
    """The base of every API ModelSerializer.

    Inputs: generated date and date-time fields are bounded (integers get the column's range from Django's
    own validators). Outputs: a declared field whose ``source`` crosses a nullable relation or ends on a
    nullable column (``reviewer.email`` with no reviewer) is ``allow_null``, so it answers ``null`` and the
    schema says it may.
    """

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        db.DateTimeField: BoundedDateTimeField,
        db.DateField: BoundedDateField,
    }

    def get_fields(self):
        fields = super().get_fields()
        model = self.Meta.model
        for name, field in fields.items():
            if field.read_only and not field.allow_null and source_is_nullable(model, field.source or name):
                field.allow_null = True
        return fields


def source_is_nullable(model, source: str) -> bool:
    """Whether following ``source`` ("reviewer.email") from ``model`` can meet a null."""
    if source == "*":
        return False
    for part in source.split("."):
        try:
            column = model._meta.get_field(part)
        except (FieldDoesNotExist, AttributeError):
            return False  # a property or method: its own declaration decides
        if column.many_to_many or column.one_to_many:
            return False  # a list: empty, never null
        if column.null:
            return True
        model = column.related_model
        if model is None:
            return False
    return False


# --- filters


class UTCDateTimeFormField(IsoDateTimeField):
    def strptime(self, value, format):
        return to_utc(super().strptime(value, format))

    def to_python(self, value):
        parsed = super().to_python(value)
        return to_utc(parsed) if parsed is not None else None


class BoundedDateFormField(forms.DateField):
    def to_python(self, value):
        parsed = super().to_python(value)
        if parsed is not None and not DATE_MIN <= parsed <= DATE_MAX:
            raise DjangoValidationError(DATE_MESSAGE, code="overflow")
        return parsed


class BoundedFilterSet(FilterSet):
    """A FilterSet whose number, date and date-time filters are bounded (see the module docstring)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        model = self._meta.model
        for f in self.filters.values():
            if isinstance(f, dfilters.NumberFilter):
                self._bound_number(f, model)
            elif isinstance(f, dfilters.DateTimeFilter | dfilters.IsoDateTimeFilter):
                f.field_class = UTCDateTimeFormField
            elif isinstance(f, dfilters.DateFilter):
                f.field_class = BoundedDateFormField

    @staticmethod
    def _bound_number(f: dfilters.NumberFilter, model) -> None:
        try:
            column = get_model_field(model, f.field_name) if model is not None and not f.method else None
        except FieldDoesNotExist:
            column = None
        if isinstance(column, db.DecimalField):
            limit = 10 ** (column.max_digits - column.decimal_places)
            f.extra.setdefault("max_digits", column.max_digits + 2)
            f.extra.setdefault("min_value", -limit)
            f.extra.setdefault("max_value", limit)
            return
        low, high = column_range(column)
        f.field_class = forms.IntegerField  # ids and counts are whole numbers: "1.5" is refused, not truncated
        f.extra.setdefault("min_value", low)
        f.extra.setdefault("max_value", high)


class BoundedFilterBackend(DjangoFilterBackend):
    """Builds ``filterset_fields`` FilterSets on ``BoundedFilterSet``."""

    filterset_base = BoundedFilterSet
