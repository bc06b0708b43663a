"""Forms validate shapes only; the services apply the rules. Datetimes are read in the viewer's timezone
(the view activates it), so a wall-clock time that does not exist or is ambiguous on a DST change day is an
inline error instead of a silent guess."""

from __future__ import annotations

from django import forms

from marketplace.models import Contract

DATETIME_LOCAL = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ManualEntryForm(forms.Form):
    contract = forms.ModelChoiceField(queryset=Contract.objects.none(), empty_label=None)
    started_at = forms.DateTimeField(label="Start", widget=DATETIME_LOCAL)
    ended_at = forms.DateTimeField(label="End", widget=DATETIME_LOCAL)
    note = forms.CharField(
        label="What did you work on?", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False
    )

    def __init__(self, *args, contracts=None, timezone_name: str = "UTC", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = contracts if contracts is not None else Contract.objects.none()
        self.fields["started_at"].help_text = f"Your local time ({timezone_name})."
        self.fields["note"].help_text = "Required for manual time."


class DisputeForm(forms.Form):
    disputed_minutes = forms.IntegerField(label="Disputed time (minutes)", min_value=1)
    reason = forms.CharField(label="Why?", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class RespondForm(forms.Form):
    response = forms.CharField(label="Your answer", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class ResolveForm(forms.Form):
    approved_minutes = forms.IntegerField(label="Approved time (minutes)", min_value=0)
    note = forms.CharField(label="Resolution", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class PlannedShiftForm(forms.Form):
    contract = forms.ModelChoiceField(queryset=Contract.objects.none(), empty_label=None)
    starts_at = forms.DateTimeField(label="Starts", widget=DATETIME_LOCAL)
    ends_at = forms.DateTimeField(label="Ends", widget=DATETIME_LOCAL)
    note = forms.CharField(max_length=200, required=False)

    def __init__(self, *args, contracts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = contracts if contracts is not None else Contract.objects.none()


class PeriodForm(forms.Form):
    start = forms.DateField(label="From week", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="To week", widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The end of the period must not be before its start.")
        return data
