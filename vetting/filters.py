"""django-filter FilterSets for vetting lists (run inside selectors)."""

from __future__ import annotations

from datetime import timedelta

import django_filters
from django.db.models import Q
from django.utils import timezone

from config.api_inputs import BoundedFilterSet

from .models import Application, ApplicationStatus, Stage


def _having(qs, condition: Q):
    """Applications whose profile matches ``condition`` (a sub-select, so no duplicate rows)."""
    return qs.filter(pk__in=Application.objects.filter(condition).values("pk"))


class ApplicationFilter(BoundedFilterSet):
    stage = django_filters.ChoiceFilter(choices=Stage.choices)
    status = django_filters.ChoiceFilter(choices=ApplicationStatus.choices)
    country = django_filters.CharFilter(field_name="freelancer__country", lookup_expr="iexact", label="Country (ISO)")
    language = django_filters.CharFilter(method="filter_language", label="Language (name or code)")
    skill = django_filters.CharFilter(method="filter_skill", label="Skill")
    waiting_days = django_filters.NumberFilter(
        method="filter_waiting", label="Waiting at least (days)", min_value=0, max_value=36500
    )
    q = django_filters.CharFilter(method="filter_q", label="Name or e-mail")

    class Meta:
        model = Application
        fields = ["stage", "status", "country", "language", "skill", "waiting_days", "q"]

    def filter_language(self, qs, name, value):
        value = value.strip()
        return _having(
            qs,
            Q(freelancer__languages__language__code__iexact=value)
            | Q(freelancer__languages__language__name__iexact=value),
        )

    def filter_skill(self, qs, name, value):
        value = value.strip()
        return _having(
            qs,
            Q(freelancer__skills__skill__name__iexact=value) | Q(freelancer__skills__skill__slug__iexact=value),
        )

    def filter_waiting(self, qs, name, value):
        return qs.filter(stage_entered_at__lte=timezone.now() - timedelta(days=int(value)))

    def filter_q(self, qs, name, value):
        return qs.filter(Q(freelancer__user__email__icontains=value) | Q(freelancer__user__full_name__icontains=value))
