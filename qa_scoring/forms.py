"""Forms validate input shapes; services decide. Dynamic scorecards are built from the rubric version."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from .importers.registry import FORMATS, LABELS
from .models import Criterion, CriterionKind, DisputeStatus, Rubric, RubricKind
from .services import Grade

NA = "na"


def _value_choices(criterion: Criterion) -> list[tuple[str, str]]:
    if criterion.kind == CriterionKind.BINARY:
        choices = [("1", "Yes"), ("0", "No")]
    else:
        choices = [(str(v), str(v)) for v in criterion.values]
    if criterion.allow_na:
        choices.append((NA, "N/A"))
    return choices


class ScorecardForm(forms.Form):
    """One radio group and one comment per criterion, plus an overall comment."""

    action = forms.ChoiceField(choices=[("draft", "Save draft"), ("submit", "Submit")], initial="draft")
    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Overall comment")

    def __init__(self, *args, criteria: list[Criterion], initial_scores: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        initial_scores = initial_scores or {}
        for c in criteria:
            current = initial_scores.get(c.pk)
            value_initial = None
            if current is not None:
                value_initial = NA if current.value is None else str(current.value)
            self.fields[f"value_{c.key}"] = forms.ChoiceField(
                label=c.label,
                choices=_value_choices(c),
                required=False,
                widget=forms.RadioSelect,
                initial=value_initial,
                help_text=c.guidance,
            )
            self.fields[f"comment_{c.key}"] = forms.CharField(
                label=f"Comment on “{c.label}”",
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 1}),
                initial=current.comment if current is not None else "",
            )

    def rows(self):
        for c in self.criteria:
            yield c, self[f"value_{c.key}"], self[f"comment_{c.key}"]

    def grades(self) -> dict[str, Grade]:
        result = {}
        for c in self.criteria:
            raw = self.cleaned_data.get(f"value_{c.key}") or ""
            comment = self.cleaned_data.get(f"comment_{c.key}", "")
            if raw == NA:
                result[c.key] = Grade(None, na=True, comment=comment)
            else:
                result[c.key] = Grade(int(raw) if raw else None, comment=comment)
        return result

    def add_service_errors(self, exc: ValidationError) -> None:
        for key, errors in exc.message_dict.items():
            field = f"value_{key}" if f"value_{key}" in self.fields else (key if key in self.fields else None)
            for error in errors:
                self.add_error(field, error)


class ImportForm(forms.Form):
    organization = forms.ModelChoiceField(queryset=None, label="Seller", empty_label=None)
    file = forms.FileField(help_text="Zendesk, Intercom, Help Scout, Freshdesk or Gorgias JSON export, or a CSV.")
    format = forms.ChoiceField(
        choices=[("", "Detect from the content")] + [(f, LABELS[f]) for f in FORMATS], required=False
    )
    freelancer_email = forms.EmailField(
        required=False,
        label="Freelancer e-mail",
        help_text="Optional: link every conversation to this freelancer (they need a contract with the seller).",
    )

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations

    def clean(self):
        data = super().clean()
        email = data.get("freelancer_email")
        org = data.get("organization")
        data["freelancer"] = None
        if email and org:
            from marketplace.models import FreelancerProfile

            profile = FreelancerProfile.objects.filter(user__email__iexact=email, contracts__organization=org).first()
            if profile is None:
                self.add_error("freelancer_email", f"No freelancer with a contract at {org} has this e-mail.")
            data["freelancer"] = profile
        return data


class RubricForm(forms.ModelForm):
    organization = forms.ModelChoiceField(
        queryset=None, required=False, label="Seller", empty_label="Shared template (platform QA only)"
    )

    class Meta:
        model = Rubric
        fields = ["name", "organization", "kind", "pass_mark", "description"]

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["kind"].choices = RubricKind.choices


class SectionForm(forms.Form):
    title = forms.CharField(max_length=120)


class CriterionForm(forms.ModelForm):
    class Meta:
        model = Criterion
        fields = ["key", "label", "guidance", "kind", "scale_min", "scale_max", "weight", "allow_na", "critical"]
        widgets = {"guidance": forms.Textarea(attrs={"rows": 2})}


class DisputeForm(forms.Form):
    """One checkbox and one reason per criterion of the review."""

    def __init__(self, *args, scores, **kwargs):
        super().__init__(*args, **kwargs)
        self.scores = scores
        for s in scores:
            self.fields[f"pick_{s.criterion.key}"] = forms.BooleanField(required=False, label=s.criterion.label)
            self.fields[f"why_{s.criterion.key}"] = forms.CharField(
                required=False,
                max_length=2000,
                label=f"Why is the grade on “{s.criterion.label}” wrong?",
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def rows(self):
        for s in self.scores:
            yield s, self[f"pick_{s.criterion.key}"], self[f"why_{s.criterion.key}"]

    def clean(self):
        data = super().clean()
        items = {}
        for s in self.scores:
            key = s.criterion.key
            if data.get(f"pick_{key}"):
                why = (data.get(f"why_{key}") or "").strip()
                if not why:
                    self.add_error(f"why_{key}", "Say why this grade is wrong.")
                items[key] = why
        if not items and not self.errors:
            raise ValidationError("Tick at least one criterion to dispute.")
        data["items"] = items
        return data

    def add_service_errors(self, exc: ValidationError) -> None:
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc)
            return
        for key, errors in exc.message_dict.items():
            field = f"why_{key}" if f"why_{key}" in self.fields else None
            for error in errors:
                self.add_error(field, error)


class ResolveForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[
            (DisputeStatus.ACCEPTED, "Accept"),
            (DisputeStatus.PARTLY_ACCEPTED, "Partly accept"),
            (DisputeStatus.REJECTED, "Reject"),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Decision and reasons")

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            c = item.criterion
            self.fields[f"value_{c.key}"] = forms.ChoiceField(
                label=f"New value for “{c.label}”",
                choices=_value_choices(c),
                required=False,
                initial=NA if item.original_value is None else str(item.original_value),
            )

    def rows(self):
        for item in self.items:
            yield item, self[f"value_{item.criterion.key}"]

    def new_values(self) -> dict[str, Grade]:
        result = {}
        for item in self.items:
            raw = self.cleaned_data.get(f"value_{item.criterion.key}") or ""
            if raw == NA:
                result[item.criterion.key] = Grade(None, na=True)
            elif raw:
                result[item.criterion.key] = Grade(int(raw))
        return result

    def add_service_errors(self, exc: ValidationError) -> None:
        for key, errors in exc.message_dict.items():
            if key in self.fields:
                field = key
            elif f"value_{key}" in self.fields:
                field = f"value_{key}"
            else:
                field = None
            for error in errors:
                self.add_error(field, error)
