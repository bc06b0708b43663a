"""Demo freelancers. Idempotent."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from accounts.demo import _user

from .models import FreelancerProfile, VettingStatus

FREELANCERS = [
    (
        "maria@freelancers.example",
        "Maria Santos",
        "Asia/Manila",
        "PH",
        "Amazon & Shopify support specialist",
        "9.00",
    ),
    (
        "arjun@freelancers.example",
        "Arjun Mehta",
        "Asia/Kolkata",
        "IN",
        "E-mail and live chat support agent",
        "8.50",
    ),
]


@transaction.atomic
def seed(out) -> list[tuple[str, str]]:
    logins = []
    for email, name, tz, country, headline, rate in FREELANCERS:
        user = _user(email, name, tz)
        FreelancerProfile.objects.get_or_create(
            user=user,
            defaults={
                "timezone": tz,
                "country": country,
                "headline": headline,
                "hourly_rate": Decimal(rate),
                "hours_per_week": 40,
                "vetting_status": VettingStatus.APPROVED,
                "vetting_score": Decimal("86.5"),
            },
        )
        logins.append(("freelancer", email))
    out.write(f"  marketplace: {FreelancerProfile.objects.count()} freelancer profiles")
    return logins[:1]
