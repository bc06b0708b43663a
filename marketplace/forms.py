"""Forms validate and parse; services act."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .coverage import MAX_TEXT, parse_windows
from .models import CEFR, Channel, JobStatus, Language, Skill, SkillLevel, Tool, Weekday
from .signup import TIMEZONE_CHOICES
from .validators import validate_photo, validate_quarter_hour

TIME_WIDGET = forms.TimeInput(attrs={"type": "time", "step": 900}, format="%H:%M")
MAX_CHOICES = 100  # values of one multiple-choice field (skills, channels, tools) a form reads at most
CEFR_BY_NAME = {label.split(" ")[0].upper(): value for value, label in CEFR.choices}


def _active(model):
    return model.objects.filter(is_active=True)


class BoundedMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Repeated values are read once; more than ``MAX_CHOICES`` distinct values are refused before any query."""

    def clean(self, value):
        if isinstance(value, list | tuple):
            value = list(dict.fromkeys(value))
            if len(value) > MAX_CHOICES:
                raise forms.ValidationError(
                    _("Choose at most %(limit)s (%(count)s were sent).") % {"limit": MAX_CHOICES, "count": len(value)}
                )
        return super().clean(value)


def _choices(model, **kwargs):
    return BoundedMultipleChoiceField(
        queryset=_active(model), required=False, widget=forms.CheckboxSelectMultiple, **kwargs
    )


class ProfileForm(forms.Form):
    headline = forms.CharField(max_length=140, required=False)
    bio = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=5000)
    photo = forms.ImageField(required=False, validators=[validate_photo], help_text="JPEG, PNG or WebP, at most 2 MB")
    clear_photo = forms.BooleanField(required=False, label="Remove the current photo")
    timezone = forms.ChoiceField(choices=TIMEZONE_CHOICES, label="Your timezone")
    country = forms.CharField(max_length=2, required=False, help_text="Two letters, e.g. PH")
    hourly_rate = forms.DecimalField(max_digits=8, decimal_places=2, min_value=0, required=False)
    currency = forms.CharField(max_length=3, initial="USD")
    hours_per_week = forms.IntegerField(min_value=0, max_value=80, label="Hours per week available")
    channels = _choices(Channel)
    tools = _choices(Tool)


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


MAX_LANGUAGES = 20


def parse_languages(text: str) -> list[tuple[Language, int]]:
    """Lines like ``English C1`` or ``es B2``; a line repeated is read once, a language at two levels is refused."""
    out: dict[Language, int] = {}
    where: dict[int, int] = {}
    errors: list[str] = []
    known = None
    for n, raw in enumerate((text or "").splitlines(), start=1):
        parts = raw.strip().rsplit(None, 1)
        if not parts:
            continue
        if len(parts) != 2 or parts[1].upper() not in CEFR_BY_NAME:
            errors.append(_("Line %(n)s: write a language and a CEFR level, e.g. “English C1”.") % {"n": n})
            continue
        if known is None:
            known = {}
            for lang in Language.objects.all():
                known[lang.name.casefold()] = known[lang.code.casefold()] = lang
        lang, level = known.get(parts[0].casefold()), CEFR_BY_NAME[parts[1].upper()]
        if lang is None:
            errors.append(_("Line %(n)s: unknown language “%(name)s”.") % {"n": n, "name": parts[0][:40]})
        elif lang in out and out[lang] != level:
            errors.append(
                _("Line %(n)s: %(language)s is already on line %(first)s with another level; keep one.")
                % {"n": n, "language": lang.name, "first": where[lang.pk]}
            )
        else:
            out[lang] = level
            where.setdefault(lang.pk, n)
    if errors:
        raise forms.ValidationError(errors[:3])
    if len(out) > MAX_LANGUAGES:
        raise forms.ValidationError(
            _("At most %(limit)s languages (you listed %(count)s).") % {"limit": MAX_LANGUAGES, "count": len(out)}
        )
    return list(out.items())


class JobForm(forms.Form):
    role = forms.CharField(max_length=140)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=5000)
    timezone = forms.ChoiceField(choices=TIMEZONE_CHOICES, help_text="Coverage windows are in this timezone")
    windows = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=MAX_TEXT,
        label="Coverage windows",
        help_text=gettext_lazy(
            "One per line: days, then 24-hour times, e.g. “Mon-Fri 09:00-17:00”, “Sat 10-14” or"
            " “Mon,Wed,Fri 8:30-12”; “Sat 22:00-06:00” runs past midnight."
        ),
    )
    hours_per_week = forms.IntegerField(min_value=1, max_value=80)
    rate_min = forms.DecimalField(max_digits=8, decimal_places=2, min_value=0, label="Hourly rate from")
    rate_max = forms.DecimalField(max_digits=8, decimal_places=2, min_value=0, label="Hourly rate up to")
    currency = forms.CharField(max_length=3, min_length=3, initial="USD")
    start_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    status = forms.ChoiceField(choices=JobStatus.choices, initial=JobStatus.DRAFT)
    required_skills = _choices(Skill)
    nice_skills = _choices(Skill, label="Nice-to-have skills")
    languages = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=1000,
        label="Required languages",
        help_text="One per line with the minimum CEFR level, e.g. “English C1”.",
    )
    channels = _choices(Channel)
    tools = _choices(Tool)

    def clean_windows(self):
        return parse_windows(self.cleaned_data["windows"])

    def clean_languages(self):
        return parse_languages(self.cleaned_data["languages"])

    def clean(self):
        """The rules across fields, so they are named next to their field on the first submit, with the rest."""
        data = super().clean()
        low, high = data.get("rate_min"), data.get("rate_max")
        if low is not None and high is not None and high < low:
            self.add_error(
                "rate_max",
                _("The ceiling (%(high)s) must not be below the floor (%(low)s).") % {"high": high, "low": low},
            )
        both = {s.pk for s in data.get("required_skills") or []} & {s.pk for s in data.get("nice_skills") or []}
        if both:
            self.add_error("nice_skills", _("A skill is either required or nice to have, not both."))
        if data.get("status") == JobStatus.OPEN and "windows" in data and not data["windows"]:
            self.add_error("windows", _("An open job needs at least one coverage window."))
        return data


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
