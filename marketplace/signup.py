"""The signup form's extra fields: which side of the marketplace the new user joins.

Lives in marketplace because signing up creates either a seller organization (accounts) or a freelancer
profile (marketplace); marketplace may depend on accounts, never the reverse.
"""

from __future__ import annotations

import zoneinfo

from django import forms
from django.db import transaction

from accounts.services import organization_create, user_update_profile

from .services import freelancer_profile_create

TIMEZONE_CHOICES = [(tz, tz) for tz in sorted(zoneinfo.available_timezones()) if "/" in tz or tz == "UTC"]


class AccountType:
    SELLER = "seller"
    FREELANCER = "freelancer"
    MEMBER = "member"
    CHOICES = [
        (SELLER, "I sell online and want to hire support freelancers"),
        (FREELANCER, "I am a support freelancer looking for work"),
        (MEMBER, "I was invited to join a seller's team"),
    ]


class SignupForm(forms.Form):
    full_name = forms.CharField(max_length=150, label="Your name")
    account_type = forms.ChoiceField(choices=AccountType.CHOICES, widget=forms.RadioSelect, label="I am joining as")
    organization_name = forms.CharField(
        max_length=120, required=False, label="Company name", help_text="Sellers only: your store or company."
    )
    timezone = forms.ChoiceField(choices=TIMEZONE_CHOICES, initial="UTC", label="Your timezone")

    def clean(self):
        data = super().clean()
        if data.get("account_type") == AccountType.SELLER and not (data.get("organization_name") or "").strip():
            self.add_error("organization_name", "Sellers need a company name.")
        return data

    @transaction.atomic
    def signup(self, request, user) -> None:
        """Called by allauth once the user row exists."""
        data = self.cleaned_data
        user_update_profile(user=user, full_name=data["full_name"], timezone_name=data["timezone"])
        if data["account_type"] == AccountType.SELLER:
            organization_create(owner=user, name=data["organization_name"], timezone_name=data["timezone"])
        elif data["account_type"] == AccountType.FREELANCER:
            freelancer_profile_create(user=user)
