"""Forms validate input only; services act."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.utils import timezone

from .models import SCORECARD_CRITERIA, Reference, RejectionReason, Scenario, TaxForm


class ScoreNotesForm(forms.Form):
    score = forms.DecimalField(min_value=0, max_value=100, decimal_places=2, label="Score (0–100)")
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)


class NotesForm(forms.Form):
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class RequiredNotesForm(forms.Form):
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Why", required=False)


class GradeForm(forms.Form):
    """One field per criterion of the published Vetting rubric."""

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        for c in criteria:
            lo, hi = (0, 1) if c.kind == "binary" else (c.scale_min, c.scale_max)
            choices = [(str(v), str(v)) for v in range(lo, hi + 1)]
            if c.kind == "binary":
                choices = [("1", "Yes"), ("0", "No")]
            if c.allow_na:
                choices = [("", "N/A"), *choices]
            self.fields[c.key] = forms.ChoiceField(
                label=f"{c.label} (weight {c.weight}{', critical' if c.critical else ''})",
                choices=choices,
                required=not c.allow_na,
                help_text=c.guidance,
            )
        self.fields["notes"] = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def values(self) -> dict[str, int | None]:
        return {k: (int(v) if v not in ("", None) else None) for k, v in self.cleaned_data.items() if k != "notes"}


class ScorecardForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in SCORECARD_CRITERIA:
            self.fields[key] = forms.TypedChoiceField(
                label=f"{label} (1–5)", choices=[(i, i) for i in range(1, 6)], coerce=int
            )
            self.fields[f"{key}_notes"] = forms.CharField(label=f"{label} notes", required=False)

    def ratings(self) -> dict[str, int]:
        return {key: self.cleaned_data[key] for key, _ in SCORECARD_CRITERIA}

    def notes(self) -> dict[str, str]:
        return {key: self.cleaned_data[f"{key}_notes"] for key, _ in SCORECARD_CRITERIA}


class ChecksForm(forms.Form):
    identity_confirmed = forms.BooleanField(
        required=False, label="I confirmed the candidate's identity (on a video call with an ID document)"
    )
    tax_form = forms.ChoiceField(choices=TaxForm.choices, required=False, label="Tax form on file")
    payout_method_set = forms.BooleanField(required=False, label="Payout method set")


class ReferenceForm(forms.ModelForm):
    class Meta:
        model = Reference
        fields = ["name", "relationship", "contact", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}


class RejectForm(forms.Form):
    reason = forms.ChoiceField(choices=RejectionReason.choices, label="Reason category")
    reapply_after = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=f"Empty: {settings.VETTING_REAPPLY_DAYS} days from today.",
    )
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, help_text="Sent to the candidate in the e-mail."
    )


class SuspendForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))


class ScenarioForm(forms.ModelForm):
    class Meta:
        model = Scenario
        fields = ["title", "category", "context", "customer_message", "active"]
        widgets = {"context": forms.Textarea(attrs={"rows": 2}), "customer_message": forms.Textarea(attrs={"rows": 4})}


class SlotForm(forms.Form):
    starts_at = forms.DateTimeField(
        label="Starts at (your time zone)", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    duration_minutes = forms.IntegerField(min_value=15, max_value=120, initial=30, label="Minutes")

    def __init__(self, *args, tz: str = "UTC", **kwargs):
        super().__init__(*args, **kwargs)
        self.tz = tz
        self.fields["starts_at"].label = f"Starts at ({tz})"

    def clean_starts_at(self) -> datetime:
        value = self.cleaned_data["starts_at"]
        naive = timezone.make_naive(value) if timezone.is_aware(value) else value
        return naive.replace(tzinfo=ZoneInfo(self.tz))


class AnswersForm(forms.Form):
    def __init__(self, *args, answers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.answer_rows = list(answers)
        for row in self.answer_rows:
            self.fields[f"answer_{row.scenario_id}"] = forms.CharField(
                label=f"Your reply to customer {row.position}",
                widget=forms.Textarea(attrs={"rows": 6}),
                initial=row.answer,
                required=False,
            )

    def answers(self) -> dict[int, str]:
        return {row.scenario_id: self.cleaned_data.get(f"answer_{row.scenario_id}", "") for row in self.answer_rows}

    def pairs(self):
        return [(row, self[f"answer_{row.scenario_id}"]) for row in self.answer_rows]


class FunnelForm(forms.Form):
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Applied from")
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Applied before")

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] >= data["until"]:
            self.add_error("until", "Must be after the start date.")
        return data
