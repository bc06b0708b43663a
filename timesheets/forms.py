"""Forms validate shapes only; the services apply the rules. Datetimes are read in the viewer's timezone
(the view activates it), so a wall-clock time that does not exist or is ambiguous on a DST change day is an
inline error instead of a silent guess."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

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


def _hours_field(label) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, min_value=0, max_value=999, widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )


def _minutes_field(label) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=59,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class _HoursMinutesForm(forms.Form):
    """A duration typed as hours and minutes; ``cleaned_data`` carries it as whole minutes under ``target``.

    The service's errors about ``target`` are shown on the hours field (see ``error_field``).
    """

    target = "minutes"

    @classmethod
    def error_field(cls, name: str) -> str:
        return "hours" if name == cls.target else name

    def clean(self):
        data = super().clean()
        hours, mins = data.pop("hours", None), data.pop("mins", None)
        if hours is not None:
            data[self.target] = hours * 60 + (mins or 0)
        return data


class DisputeForm(_HoursMinutesForm):
    target = "disputed_minutes"
    hours = _hours_field(_("Disputed hours"))
    mins = _minutes_field(_("and minutes"))
    reason = forms.CharField(label=_("Why?"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def clean(self):
        data = super().clean()
        if data.get(self.target) == 0:
            self.add_error("hours", _("Dispute at least one minute."))
        return data


class RespondForm(forms.Form):
    response = forms.CharField(label="Your answer", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class ResolveForm(_HoursMinutesForm):
    target = "approved_minutes"
    hours = _hours_field(_("Approved hours"))
    mins = _minutes_field(_("and minutes"))
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
