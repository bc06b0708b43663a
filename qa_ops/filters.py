"""FilterSets for QA operations lists (used inside selectors and by the API).

Foreign keys filter by id (NumberFilter), so a filter never lists other tenants' rows as choices.
"""

from __future__ import annotations

import django_filters as filters

from config.api_inputs import BoundedFilterSet

from .models import AssignmentStatus, AutoQASuggestion, ReviewAssignment, SamplingRule, SamplingStrategy


class SamplingRuleFilter(BoundedFilterSet):
    name = filters.CharFilter(lookup_expr="icontains", label="Name contains")
    organization = filters.NumberFilter(field_name="organization_id", label="Seller id")
    strategy = filters.ChoiceFilter(choices=SamplingStrategy.choices)

    class Meta:
        model = SamplingRule
        fields = ["name", "organization", "is_active", "strategy"]


class AssignmentFilter(BoundedFilterSet):
    status = filters.ChoiceFilter(choices=AssignmentStatus.choices)
    rule = filters.NumberFilter(field_name="rule_id", label="Rule id")
    organization = filters.NumberFilter(field_name="organization_id", label="Seller id")
    reviewer = filters.NumberFilter(field_name="reviewer_id", label="Reviewer id")
    due_before = filters.IsoDateTimeFilter(field_name="due_at", lookup_expr="lt", label="Due before")

    class Meta:
        model = ReviewAssignment
        fields = ["status", "rule", "organization", "reviewer", "due_before"]


class SuggestionFilter(BoundedFilterSet):
    conversation = filters.NumberFilter(field_name="conversation_id", label="Conversation id")
    check_key = filters.CharFilter(label="Check")
    value = filters.NumberFilter()

    class Meta:
        model = AutoQASuggestion
        fields = ["conversation", "check_key", "value"]
