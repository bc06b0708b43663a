from decimal import Decimal

from django import forms

from marketplace.models import Contract

from .money import round_money


class OneOffBonusForm(forms.Form):
    contract = forms.ModelChoiceField(queryset=Contract.objects.none(), label="Contract")
    amount = forms.DecimalField(min_value=Decimal("0.01"), max_digits=10, decimal_places=2, label="Amount")
    message = forms.CharField(max_length=300, label="Message to the freelancer", help_text="Why they earned it")

    def __init__(self, *args, contracts=None, **kwargs):
        super().__init__(*args, **kwargs)
        if contracts is not None:
            self.fields["contract"].queryset = contracts


class VoidForm(forms.Form):
    reason = forms.CharField(max_length=200, label="Reason")


class CardSaveForm(forms.Form):
    """What the card page posts once Stripe.js has confirmed the SetupIntent: only its id (re-read server-side)."""

    setup_intent = forms.CharField(max_length=80, widget=forms.HiddenInput)


class MarkPaidForm(forms.Form):
    """The ops desk's selection of invoices to mark paid (each checked against the open ones)."""

    invoices = forms.TypedMultipleChoiceField(coerce=int, label="Invoices", error_messages={"required": ""})

    def __init__(self, *args, invoice_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invoices"].choices = [(pk, str(pk)) for pk in invoice_ids]
        self.fields["invoices"].error_messages["required"] = "Tick at least one invoice to mark paid."


# ---------------------------------------------------------------- QA bonus rule
TIER_KINDS = [("percent", "% of the week's earnings"), ("fixed", "Fixed amount")]
PERCENT_RANGE = "Give a percent between 0 and 100 (e.g. 5)."


def _plain(value: Decimal) -> str:
    """90.00 → "90", 2.50 → "2.5": thresholds and percents as people write them."""
    return format(value.normalize(), "f")


class TierForm(forms.Form):
    """One tier: from this IQS on, this bonus. An entirely empty row is left out."""

    min_iqs = forms.DecimalField(
        label="IQS at least", required=False, min_value=0, max_value=100, max_digits=5, decimal_places=2
    )
    kind = forms.ChoiceField(label="Bonus kind", choices=TIER_KINDS, required=False, initial="percent")
    value = forms.DecimalField(
        label="Bonus", required=False, max_digits=10, decimal_places=2, help_text="A percent, or an amount"
    )

    def __init__(self, *args, currency: str = "USD", **kwargs):
        super().__init__(*args, **kwargs)
        self.currency = currency
        self.fields["value"].help_text = f"A percent (0–100), or an amount in {currency}"
        between = "The threshold is an IQS between 0 and 100."
        self.fields["min_iqs"].error_messages.update(min_value=between, max_value=between)

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {}) or {}
        return data.get("min_iqs") is None and data.get("value") is None

    def clean(self):
        data = super().clean()
        if self.errors or self.is_blank():
            return data
        if data.get("min_iqs") is None:
            self.add_error("min_iqs", "Give the IQS this tier starts at (0–100).")
        value, kind = data.get("value"), data.get("kind") or "percent"
        if value is None:
            self.add_error("value", "Give the bonus of this tier.")
        elif kind == "percent" and not Decimal(0) < value <= Decimal(100):
            self.add_error("value", PERCENT_RANGE)
        elif kind == "fixed" and value <= 0:
            self.add_error("value", f"The amount must be more than 0 {self.currency}.")
        elif kind == "fixed" and round_money(value, self.currency) != value:
            self.add_error("value", f"Use at most the {self.currency} minor unit (e.g. 25.00).")
        data["kind"] = kind
        return data

    def as_tier(self) -> dict:
        data = self.cleaned_data
        if data["kind"] == "percent":
            return {"min_iqs": _plain(data["min_iqs"]), "percent": _plain(data["value"])}
        return {"min_iqs": _plain(data["min_iqs"]), "fixed": str(round_money(data["value"], self.currency))}


class BaseTierFormSet(forms.BaseFormSet):
    def clean(self):
        if any(form.errors for form in self.forms):
            return
        previous = None
        filled = [form for form in self.forms if not form.is_blank()]
        if not filled:
            raise forms.ValidationError("Give at least one tier, e.g. IQS at least 90 → 5 % of the week's earnings.")
        for form in filled:
            threshold = form.cleaned_data["min_iqs"]
            if previous is not None and threshold <= previous:
                form.add_error("min_iqs", f"Tiers go upwards: use more than the tier above ({_plain(previous)}).")
            previous = threshold

    def tiers(self) -> list[dict]:
        return [form.as_tier() for form in self.forms if not form.is_blank()]


TierFormSet = forms.formset_factory(TierForm, formset=BaseTierFormSet, extra=0, max_num=20, absolute_max=20)


class BonusRuleForm(forms.Form):
    min_reviews = forms.IntegerField(
        label="Minimum reviews in the week",
        min_value=1,
        max_value=500,
        initial=5,
        help_text="Fewer reviews than this and no bonus is paid for the week",
    )
    require_no_critical_fail = forms.BooleanField(label="No critical fail in the week", required=False, initial=True)
    min_schedule_adherence = forms.DecimalField(
        label="Schedule adherence at least (%)",
        required=False,
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        help_text="Optional: the share of scheduled time worked; leave empty to ignore it",
    )


def tier_initial(rule) -> list[dict]:
    """A saved rule's tiers as form rows."""
    rows = []
    for tier in (rule.tiers if rule else []) or []:
        kind = "percent" if tier.get("percent") not in (None, "") else "fixed"
        rows.append({"min_iqs": Decimal(str(tier["min_iqs"])), "kind": kind, "value": Decimal(str(tier[kind]))})
    return rows
