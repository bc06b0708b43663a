"""Forms validate and parse; services act."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

from .models import CEFR, Channel, JobStatus, Language, Skill, SkillLevel, Tool, Weekday
from .signup import TIMEZONE_CHOICES
from .validators import validate_photo, validate_quarter_hour

TIME_WIDGET = forms.TimeInput(attrs={"type": "time", "step": 900}, format="%H:%M")
DAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
CEFR_BY_NAME = {label.split(" ")[0].upper(): value for value, label in CEFR.choices}


def _active(model):
    return model.objects.filter(is_active=True)


class ProfileForm(forms.Form):
    headline = forms.CharField(max_length=140, required=False)
    bio = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    photo = forms.ImageField(required=False, validators=[validate_photo], help_text="JPEG, PNG or WebP, at most 2 MB")
    clear_photo = forms.BooleanField(required=False, label="Remove the current photo")
    timezone = forms.ChoiceField(choices=TIMEZONE_CHOICES, label="Your timezone")
    country = forms.CharField(max_length=2, required=False, help_text="Two letters, e.g. PH")
    hourly_rate = forms.DecimalField(max_digits=8, decimal_places=2, min_value=0, required=False)
    currency = forms.CharField(max_length=3, initial="USD")
    hours_per_week = forms.IntegerField(min_value=0, max_value=80, label="Hours per week available")
    channels = forms.ModelMultipleChoiceField(
        queryset=_active(Channel), required=False, widget=forms.CheckboxSelectMultiple
    )
    tools = forms.ModelMultipleChoiceField(queryset=_active(Tool), required=False, widget=forms.CheckboxSelectMultiple)


class _ProfileSectionForm(forms.Form):
    """The profile editor shows the skills, languages and windows forms on one page: each gets its own ids."""

    id_prefix = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}-%s")
        super().__init__(*args, **kwargs)


class SkillForm(_ProfileSectionForm):
    id_prefix = "skill"
    skill = forms.ModelChoiceField(queryset=_active(Skill))
    level = forms.TypedChoiceField(choices=SkillLevel.choices, coerce=int, initial=SkillLevel.PROFICIENT)


class LanguageForm(_ProfileSectionForm):
    id_prefix = "language"
    language = forms.ModelChoiceField(queryset=_active(Language))
    level = forms.TypedChoiceField(choices=CEFR.choices, coerce=int, label="Level (CEFR)", initial=CEFR.B2)


class WindowForm(_ProfileSectionForm):
    id_prefix = "window"
    weekday = forms.TypedChoiceField(choices=Weekday.choices, coerce=int)
    start = forms.TimeField(widget=TIME_WIDGET, validators=[validate_quarter_hour])
    end = forms.TimeField(
        widget=TIME_WIDGET, validators=[validate_quarter_hour], help_text="Before the start = ends the next day"
    )

    def clean(self):
        data = super().clean()
        if data.get("start") is not None and data.get("start") == data.get("end"):
            self.add_error("end", "The window needs a length: end differs from start.")
        return data


def parse_windows(text: str) -> list[tuple[int, dt.time, dt.time]]:
    """Lines like ``Mon-Fri 09:00-17:00`` or ``Sat 22:00-06:00`` (past midnight)."""
    out = []
    for n, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip().lower()
        if not line:
            continue
        m = re.fullmatch(r"([a-z]{3})(?:\s*-\s*([a-z]{3}))?\s+(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})", line)
        if not m or m.group(1) not in DAYS or (m.group(2) and m.group(2) not in DAYS):
            raise forms.ValidationError(f"Line {n}: write e.g. “Mon-Fri 09:00-17:00”.")
        try:
            start, end = dt.time.fromisoformat(m.group(3).zfill(5)), dt.time.fromisoformat(m.group(4).zfill(5))
        except ValueError as exc:
            raise forms.ValidationError(f"Line {n}: times are HH:MM.") from exc
        first, last = DAYS[m.group(1)], DAYS[m.group(2) or m.group(1)]
        days = range(first, last + 1) if last >= first else [*range(first, 7), *range(0, last + 1)]
        out += [(d, start, end) for d in days]
    return out


def format_windows(windows) -> str:
    return "\n".join(f"{Weekday(w.weekday).label[:3]} {w.start:%H:%M}-{w.end:%H:%M}" for w in windows)


def parse_languages(text: str) -> list[tuple[Language, int]]:
    """Lines like ``English C1`` or ``es B2``."""
    out = []
    for n, raw in enumerate((text or "").splitlines(), start=1):
        parts = raw.strip().rsplit(None, 1)
        if not parts:
            continue
        if len(parts) != 2 or parts[1].upper() not in CEFR_BY_NAME:
            raise forms.ValidationError(f"Line {n}: write a language and a CEFR level, e.g. “English C1”.")
        lang = Language.objects.filter(Q(name__iexact=parts[0]) | Q(code__iexact=parts[0])).first()
        if lang is None:
            raise forms.ValidationError(f"Line {n}: unknown language “{parts[0]}”.")
        out.append((lang, CEFR_BY_NAME[parts[1].upper()]))
    return out


class JobForm(forms.Form):
    role = forms.CharField(max_length=140)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    timezone = forms.ChoiceField(choices=TIMEZONE_CHOICES, help_text="Coverage windows are in this timezone")
    windows = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="Coverage windows",
        help_text="One per line, e.g. “Mon-Fri 09:00-17:00” or “Sat 22:00-06:00” (past midnight).",
    )
    hours_per_week = forms.IntegerField(min_value=1, max_value=80)
    rate_min = forms.DecimalField(max_digits=8, decimal_places=2, min_value=0, label="Hourly rate from")
    rate_max = forms.DecimalField(max_digits=8, decimal_places=2, min_value=0, label="Hourly rate up to")
    currency = forms.CharField(max_length=3, initial="USD")
    start_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    status = forms.ChoiceField(choices=JobStatus.choices, initial=JobStatus.DRAFT)
    required_skills = forms.ModelMultipleChoiceField(
        queryset=_active(Skill), required=False, widget=forms.CheckboxSelectMultiple
    )
    nice_skills = forms.ModelMultipleChoiceField(
        queryset=_active(Skill), required=False, widget=forms.CheckboxSelectMultiple, label="Nice-to-have skills"
    )
    languages = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label="Required languages",
        help_text="One per line with the minimum CEFR level, e.g. “English C1”.",
    )
    channels = forms.ModelMultipleChoiceField(
        queryset=_active(Channel), required=False, widget=forms.CheckboxSelectMultiple
    )
    tools = forms.ModelMultipleChoiceField(queryset=_active(Tool), required=False, widget=forms.CheckboxSelectMultiple)

    def clean_windows(self):
        return parse_windows(self.cleaned_data["windows"])

    def clean_languages(self):
        return parse_languages(self.cleaned_data["languages"])


class OfferForm(forms.Form):
    title = forms.CharField(max_length=140)
    pay_rate = forms.DecimalField(max_digits=8, decimal_places=2, min_value=Decimal("0.01"), label="Pay rate per hour")
    weekly_hour_cap = forms.IntegerField(min_value=1, max_value=80, label="Weekly hour cap")
    start_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    message = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, bill_rate_url: str = "", cap_help: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if bill_rate_url:  # the bill rate below the field follows the rate as it is typed
            self.fields["pay_rate"].widget.attrs.update(
                {
                    "hx-get": bill_rate_url,
                    "hx-trigger": "input changed delay:300ms, change",
                    "hx-target": "#offer-bill-rate",
                    "hx-swap": "innerHTML",
                    "inputmode": "decimal",
                }
            )
        if cap_help:
            self.fields["weekly_hour_cap"].help_text = cap_help

    def bill_rate(self) -> tuple[Decimal | None, Decimal | None]:
        """(pay rate, bill rate) for the rate typed (bound form) or pre-filled (unbound); (None, None) when it is
        not a valid rate. The bill rate is the contract's own formula (``services.bill_rate_for``)."""
        from .services import bill_rate_for

        try:
            rate = self.fields["pay_rate"].clean(self["pay_rate"].value())
        except ValidationError:
            return None, None
        return (rate, bill_rate_for(rate)) if rate is not None else (None, None)


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=200, required=False)


class ContractReasonForm(ReasonForm):
    reason = forms.CharField(
        max_length=200, required=False, help_text="Needed to pause or end the contract; the other side reads it."
    )
