"""django-filter FilterSets, used inside selectors (UI) and by the API."""

from __future__ import annotations

import django_filters
from django.db.models import Q

from config.api_inputs import BoundedFilterSet

from .models import (
    CEFR,
    Channel,
    Contract,
    ContractStatus,
    FreelancerProfile,
    JobPost,
    JobStatus,
    Language,
    Offer,
    OfferStatus,
    Skill,
    Tool,
    Weekday,
)


class ProfileFilter(BoundedFilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    skill = django_filters.ModelMultipleChoiceFilter(
        field_name="skills__skill", queryset=Skill.objects.all(), conjoined=True, label="Skills (all of)"
    )
    language = django_filters.ModelChoiceFilter(
        field_name="languages__language", method="by_language", queryset=Language.objects.all()
    )
    language_level = django_filters.ChoiceFilter(method="noop", choices=CEFR.choices, label="Minimum level")
    channel = django_filters.ModelChoiceFilter(field_name="channels", queryset=Channel.objects.all())
    tool = django_filters.ModelChoiceFilter(field_name="tools", queryset=Tool.objects.all())
    timezone = django_filters.CharFilter(lookup_expr="iexact")
    country = django_filters.CharFilter(lookup_expr="iexact")
    rate_max = django_filters.NumberFilter(field_name="hourly_rate", lookup_expr="lte", label="Rate at most")
    rate_min = django_filters.NumberFilter(field_name="hourly_rate", lookup_expr="gte", label="Rate at least")
    min_hours = django_filters.NumberFilter(field_name="hours_per_week", lookup_expr="gte", label="Hours per week ≥")
    available_on = django_filters.ChoiceFilter(
        field_name="windows__weekday", choices=Weekday.choices, label="Available on", distinct=True
    )

    class Meta:
        model = FreelancerProfile
        fields = ["q", "skill", "language", "language_level", "channel", "tool", "timezone", "country"]

    def search(self, qs, name, value):
        return qs.filter(Q(headline__icontains=value) | Q(user__full_name__icontains=value) | Q(bio__icontains=value))

    def noop(self, qs, name, value):
        return qs

    def by_language(self, qs, name, value):
        level = int(self.data.get("language_level") or 1)
        return qs.filter(languages__language=value, languages__level__gte=level).distinct()


class JobFilter(BoundedFilterSet):
    q = django_filters.CharFilter(field_name="role", lookup_expr="icontains", label="Role contains")
    status = django_filters.ChoiceFilter(choices=JobStatus.choices)

    class Meta:
        model = JobPost
        fields = ["q", "status"]


class OfferFilter(BoundedFilterSet):
    status = django_filters.ChoiceFilter(choices=OfferStatus.choices)

    class Meta:
        model = Offer
        fields = ["status"]


class ContractFilter(BoundedFilterSet):
    status = django_filters.ChoiceFilter(choices=ContractStatus.choices)

    class Meta:
        model = Contract
        fields = ["status"]
