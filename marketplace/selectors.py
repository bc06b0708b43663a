"""Reads in the marketplace, scoped from the actor."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from accounts.access import is_platform_staff, is_user, organization_ids, register_scope

from .models import Contract, FreelancerProfile, VettingStatus


@register_scope(FreelancerProfile)
def _profiles(actor: Any) -> QuerySet[FreelancerProfile]:
    """Own profile always; approved public profiles for sellers; every profile for platform staff."""
    qs = FreelancerProfile.objects.select_related("user")
    if is_platform_staff(actor):
        return qs
    visible = Q(vetting_status=VettingStatus.APPROVED) if organization_ids(actor) else Q(pk__in=[])
    if is_user(actor):
        visible |= Q(user=actor)
    return qs.filter(visible)


@register_scope(Contract)
def _contracts(actor: Any) -> QuerySet[Contract]:
    """Contracts of the actor's organizations, and the freelancer's own."""
    visible = Q(organization_id__in=organization_ids(actor))
    if is_user(actor):
        visible |= Q(freelancer__user=actor)
    return Contract.objects.filter(visible).select_related("organization", "freelancer__user")


def freelancer_profile_for(user: Any) -> FreelancerProfile | None:
    if not is_user(user):
        return None
    return FreelancerProfile.objects.filter(user=user).first()
