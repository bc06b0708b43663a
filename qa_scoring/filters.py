"""django-filter FilterSets, used inside selectors (and by the API)."""

from __future__ import annotations

import django_filters
from django.db.models import Q

from config.api_inputs import BoundedFilterSet

from .models import (
    AuthorRole,
    Conversation,
    Dispute,
    DisputeStatus,
    Review,
    ReviewKind,
    ReviewStatus,
    Rubric,
    RubricKind,
)

SOURCES = [
    (s, s.capitalize() if s != "csv" else "CSV")
    for s in ("zendesk", "intercom", "helpscout", "freshdesk", "gorgias", "csv")
]


class ConversationFilter(BoundedFilterSet):
    q = django_filters.CharFilter(method="search", label="Search subject or id")
    source = django_filters.ChoiceFilter(choices=SOURCES)
    organization = django_filters.NumberFilter(field_name="organization_id", label="Organization id")
    freelancer = django_filters.NumberFilter(field_name="freelancer_id", label="Freelancer id")
    started_after = django_filters.DateFilter(field_name="started_at", lookup_expr="date__gte", label="Started from")
    started_before = django_filters.DateFilter(field_name="started_at", lookup_expr="date__lte", label="Started until")
    reviewed = django_filters.BooleanFilter(method="filter_reviewed", label="Reviewed")

    class Meta:
        model = Conversation
        fields = ["q", "source", "organization", "freelancer", "started_after", "started_before", "reviewed"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(subject__icontains=value) | Q(external_id=value))

    def filter_reviewed(self, queryset, name, value):
        if value is None:
            return queryset
        submitted = Q(reviews__status=ReviewStatus.SUBMITTED, reviews__kind=ReviewKind.PRODUCTION)
        return queryset.filter(submitted).distinct() if value else queryset.exclude(submitted)


class ReviewFilter(BoundedFilterSet):
    status = django_filters.ChoiceFilter(choices=ReviewStatus.choices)
    kind = django_filters.ChoiceFilter(choices=ReviewKind.choices)
    critical_fail = django_filters.BooleanFilter()
    conversation = django_filters.NumberFilter(field_name="conversation_id")
    freelancer = django_filters.NumberFilter(field_name="conversation__freelancer_id", label="Freelancer id")
    organization = django_filters.NumberFilter(field_name="conversation__organization_id", label="Organization id")
    submitted_after = django_filters.DateFilter(field_name="submitted_at", lookup_expr="date__gte")
    submitted_before = django_filters.DateFilter(field_name="submitted_at", lookup_expr="date__lte")

    class Meta:
        model = Review
        fields = ["status", "kind", "critical_fail", "conversation", "freelancer", "organization"]


class DisputeFilter(BoundedFilterSet):
    status = django_filters.ChoiceFilter(choices=DisputeStatus.choices)
    review = django_filters.NumberFilter(field_name="review_id")

    class Meta:
        model = Dispute
        fields = ["status", "review"]


class RubricFilter(BoundedFilterSet):
    kind = django_filters.ChoiceFilter(choices=RubricKind.choices)
    shared = django_filters.BooleanFilter(field_name="organization", lookup_expr="isnull", label="Shared template")

    class Meta:
        model = Rubric
        fields = ["kind", "shared"]


__all__ = ["AuthorRole", "ConversationFilter", "DisputeFilter", "ReviewFilter", "RubricFilter"]
