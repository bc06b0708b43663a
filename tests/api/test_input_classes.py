"""Every number, date and date-time the API reads is bounded: a walk over every serializer and FilterSet.

A new serializer field or filter without bounds fails here, before a fuzzer or a caller finds the 500.
"""

import importlib
import inspect

import django_filters
import pytest
from django.conf import settings
from rest_framework import serializers

from config.api_inputs import (
    ApiModelSerializer,
    BoundedDateField,
    BoundedDateFormField,
    BoundedDateTimeField,
    BoundedFilterBackend,
    UTCDateTimeFormField,
)

APPS = ["accounts", "marketplace", "qa_scoring", "qa_ops", "vetting", "timesheets", "billing", "cms"]


def _classes(base, suffixes=("api", "filters")):
    found = []
    for app in APPS:
        for suffix in suffixes:
            try:
                module = importlib.import_module(f"{app}.{suffix}")
            except ModuleNotFoundError:
                continue
            found += [
                cls
                for _, cls in inspect.getmembers(module, inspect.isclass)
                if issubclass(cls, base) and cls.__module__ == module.__name__
            ]
    return found


def _input_fields(field, path):
    """(path, field) for every writable leaf under ``field``."""
    if getattr(field, "read_only", False):
        return
    if isinstance(field, serializers.ListSerializer):
        yield from _input_fields(field.child, f"{path}[]")
    elif isinstance(field, serializers.Serializer):
        for name, child in field.fields.items():
            yield from _input_fields(child, f"{path}.{name}")
    elif isinstance(field, serializers.ListField | serializers.DictField):
        yield from _input_fields(field.child, f"{path}[]")
    else:
        yield path, field


def _unbounded(field) -> str | None:
    if isinstance(field, serializers.IntegerField) and (field.max_value is None or field.min_value is None):
        return "integer without min_value/max_value"
    if isinstance(field, serializers.DecimalField) and field.max_digits is None:
        return "decimal without max_digits"
    if isinstance(field, serializers.FloatField) and (field.max_value is None or field.min_value is None):
        return "float without bounds"
    if isinstance(field, serializers.DateTimeField) and not isinstance(field, BoundedDateTimeField):
        return "date-time that is not a BoundedDateTimeField"
    if isinstance(field, serializers.DateField) and not isinstance(field, BoundedDateField):
        return "date that is not a BoundedDateField"
    return None


def _request_serializers():
    """The serializer of every request body in the schema, and every serializer that reads query parameters."""
    from drf_spectacular.generators import SchemaGenerator

    generator = SchemaGenerator()
    generator._initialise_endpoints()
    found = set()
    for _path, _regex, method, view in generator._get_paths_and_endpoints():
        if method in {"POST", "PUT", "PATCH"}:
            serializer = view.schema.get_request_serializer()
            if isinstance(serializer, serializers.BaseSerializer):
                serializer = type(serializer.child if hasattr(serializer, "child") else serializer)
            if inspect.isclass(serializer) and issubclass(serializer, serializers.Serializer):
                found.add(serializer)
    api_serializers = _classes(serializers.Serializer, suffixes=("api",))
    found |= {c for c in api_serializers if c.__name__.endswith("QuerySerializer")}
    return sorted(found, key=lambda c: (c.__module__, c.__name__))


SERIALIZERS = _request_serializers()
MODEL_SERIALIZERS = [
    c for c in _classes(serializers.Serializer, suffixes=("api",)) if issubclass(c, serializers.ModelSerializer)
]
FILTERSETS = _classes(django_filters.FilterSet)


def test_the_walk_finds_the_api():
    names = {cls.__name__ for cls in SERIALIZERS}
    assert {
        "ResolveSerializer",
        "ManualEntrySerializer",
        "OfferSerializer",
        "SessionCreateSerializer",
        "FunnelQuerySerializer",
        "DashboardQuerySerializer",
    } <= names
    assert {"ApplicationFilter", "AssignmentFilter", "TimesheetFilter", "MembershipFilter"} <= {
        cls.__name__ for cls in FILTERSETS
    }


@pytest.mark.parametrize("serializer_class", SERIALIZERS, ids=lambda c: f"{c.__module__}.{c.__name__}")
def test_every_serializer_input_is_bounded(db, serializer_class):
    instance = serializer_class(context={})
    problems = [f"{path}: {why}" for path, f in _input_fields(instance, "") if (why := _unbounded(f))]
    assert problems == []


@pytest.mark.parametrize(
    "serializer_class",
    MODEL_SERIALIZERS,
    ids=lambda c: f"{c.__module__}.{c.__name__}",
)
def test_every_model_serializer_is_an_api_model_serializer(serializer_class):
    assert issubclass(serializer_class, ApiModelSerializer)


@pytest.mark.parametrize("filterset_class", FILTERSETS, ids=lambda c: f"{c.__module__}.{c.__name__}")
def test_every_filter_is_bounded(db, filterset_class):
    # A page's filter may be built for one organization (the approvals page's contract choices).
    scope = {"organization_id": 0} if "organization_id" in inspect.signature(filterset_class).parameters else {}
    filterset = filterset_class(data={}, queryset=filterset_class._meta.model._default_manager.none(), **scope)
    problems = []
    for name, f in filterset.filters.items():
        field = f.field
        if isinstance(f, django_filters.NumberFilter) and (field.max_value is None or field.min_value is None):
            problems.append(f"{name}: number without bounds")
        if isinstance(f, django_filters.DateTimeFilter) and not isinstance(field, UTCDateTimeFormField):
            problems.append(f"{name}: date-time filter without the offset check")
        elif isinstance(f, django_filters.DateFilter) and not isinstance(field, BoundedDateFormField):
            problems.append(f"{name}: date filter without bounds")
    assert problems == []


def test_filterset_fields_are_built_on_the_bounded_base():
    assert settings.REST_FRAMEWORK["DEFAULT_FILTER_BACKENDS"][0] == "config.api_inputs.BoundedFilterBackend"
    assert BoundedFilterBackend.filterset_base.__name__ == "BoundedFilterSet"
