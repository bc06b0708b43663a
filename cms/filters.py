"""FilterSets for the playbooks API (the web listing's FilterSet lives in selectors)."""

from __future__ import annotations

import django_filters
from django.utils import timezone

from config.api_inputs import BoundedFilterSet

from .models import PlaybookPage, SOPPage


class SOPPageFilter(BoundedFilterSet):
    playbook = django_filters.NumberFilter(method="filter_playbook", label="Playbook id")
    q = django_filters.CharFilter(method="filter_search", label="Full-text search (Wagtail search)")
    tag = django_filters.CharFilter(field_name="tags__name", lookup_expr="iexact", label="Tag")
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="Past its review-by date")

    class Meta:
        model = SOPPage
        fields = ["playbook", "q", "tag", "overdue"]

    def filter_playbook(self, queryset, name, value):
        playbook = PlaybookPage.objects.filter(pk=value).only("path", "depth").first()
        return queryset.child_of(playbook) if playbook else queryset.none()

    def filter_search(self, queryset, name, value):
        ids = list(queryset.values_list("pk", flat=True))
        hits = [p.pk for p in SOPPage.objects.filter(pk__in=ids).search(value)]
        return queryset.filter(pk__in=hits)

    def filter_overdue(self, queryset, name, value):
        today = timezone.now().date()
        return queryset.filter(review_by__lt=today) if value else queryset.filter(review_by__gte=today)
