from decimal import Decimal

from django import forms

from marketplace.models import Contract


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
