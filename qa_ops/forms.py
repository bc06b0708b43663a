"""Forms validate input only; services act."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q

from accounts.access import organization_ids, scoped
from accounts.models import MANAGE_ROLES, Organization
from qa_scoring.models import RubricVersion
from qa_scoring.selectors import is_qa_staff

from .models import SamplingRule

User = get_user_model()


def manageable_orgs(actor: Any):
    qs = Organization.objects.order_by("name")
    return qs if is_qa_staff(actor) else qs.filter(pk__in=organization_ids(actor, MANAGE_ROLES))


class WordListField(forms.CharField):
    """Comma-separated words ↔ a list."""

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [w.strip() for w in text.split(",") if w.strip()]


class SamplingRuleForm(forms.ModelForm):
    organization = forms.ModelChoiceField(queryset=None, label="Seller", empty_label=None)
    keywords = WordListField(required=False, help_text="Targeted rules: comma-separated words")
    tags = WordListField(required=False, help_text="Targeted rules: comma-separated tags")

    class Meta:
        model = SamplingRule
        fields = [
            "organization",
            "name",
            "period",
            "count",
            "percent",
            "strategy",
            "seed",
            "keywords",
            "tags",
            "min_messages",
            "exclude_reviewed",
            "exclude_bot_only",
            "due_days",
            "is_active",
        ]

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = manageable_orgs(actor)
        if self.instance.pk:
            self.fields["organization"].disabled = True

    def clean(self):
        data = super().clean()
        if (data.get("count") is None) == (data.get("percent") is None):
            self.add_error("count", "Give either a count or a percentage per freelancer, not both.")
        if data.get("strategy") == "targeted" and not (data.get("keywords") or data.get("tags")):
            self.add_error("keywords", "A targeted rule needs at least one keyword or tag.")
        return data

    def _post_clean(self):
        # Model validation runs in the service (full_clean); keep the form free of model-side effects.
        pass


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=300, help_text="Shown to the reviewer and kept in the audit log")


class ReassignForm(ReasonForm):
    reviewer = forms.ModelChoiceField(queryset=None, label="New reviewer")

    def __init__(self, *args, organization_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        from qa_scoring.selectors import REVIEW_ROLES

        self.fields["reviewer"].queryset = (
            User.objects.filter(
                Q(groups__name="qa")
                | Q(memberships__organization_id=organization_id, memberships__role__in=REVIEW_ROLES)
            )
            .distinct()
            .order_by("email")
        )


class GoalForm(forms.Form):
    weekly_goal = forms.IntegerField(min_value=0, max_value=10000, label="Reviews per week")


class DashboardFilterForm(forms.Form):
    start = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, label="To (inclusive)", widget=forms.DateInput(attrs={"type": "date"}))
    organization = forms.ModelChoiceField(queryset=None, required=False, label="Seller")
    freelancer = forms.IntegerField(required=False, label="Freelancer id", min_value=1)
    rubric_version = forms.ModelChoiceField(queryset=None, required=False, label="Rubric version")
    group = forms.ChoiceField(
        choices=[("overall", "Overall"), ("seller", "Per seller"), ("freelancer", "Per freelancer")],
        required=False,
        label="IQS trend by",
    )

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = Organization.objects.order_by("name")
        self.fields["organization"].queryset = (
            orgs if is_qa_staff(actor) else orgs.filter(pk__in=organization_ids(actor))
        )
        self.fields["rubric_version"].queryset = scoped(RubricVersion, actor).filter(status="published")

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The end date is before the start date.")
        return data
