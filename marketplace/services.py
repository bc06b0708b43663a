"""Every write in the marketplace."""

from __future__ import annotations

from django.db import transaction

from accounts.audit import audit_record
from accounts.models import User

from .models import FreelancerProfile


@transaction.atomic
def freelancer_profile_create(*, user: User) -> FreelancerProfile:
    profile, created = FreelancerProfile.objects.get_or_create(user=user, defaults={"timezone": user.timezone})
    if created:
        audit_record(actor=user, action="freelancer_profile.created", target=profile)
    return profile
