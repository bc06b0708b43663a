"""Reads in the marketplace, scoped from the actor."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet, Sum

from accounts.access import is_platform_staff, is_user, organization_ids, register_scope, scoped

from .models import (
    AvailabilityWindow,
    Channel,
    Contract,
    ContractStatus,
    CoverageWindow,
    FreelancerProfile,
    JobLanguage,
    JobPost,
    JobSkill,
    Language,
    MatchIndex,
    Offer,
    ProfileLanguage,
    ProfileSkill,
    Skill,
    Tool,
    VettingStatus,
)


def _taxonomy(model):
    @register_scope(model)
    def scope(actor: Any) -> QuerySet:
        return model.objects.all()

    return scope


for _model in (Skill, Language, Channel, Tool):
    _taxonomy(_model)


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


def _profile_children(model):
    @register_scope(model)
    def scope(actor: Any) -> QuerySet:
        return model.objects.filter(profile__in=scoped(FreelancerProfile, actor).values("pk"))

    return scope


for _model in (ProfileSkill, ProfileLanguage, AvailabilityWindow):
    _profile_children(_model)


@register_scope(MatchIndex)
def _match_index(actor: Any) -> QuerySet[MatchIndex]:
    return MatchIndex.objects.all() if is_platform_staff(actor) else MatchIndex.objects.none()


@register_scope(JobPost)
def _jobs(actor: Any) -> QuerySet[JobPost]:
    """A seller's own job posts (all its members); platform staff see all."""
    qs = JobPost.objects.select_related("organization")
    if is_platform_staff(actor):
        return qs
    return qs.filter(organization_id__in=organization_ids(actor))


def _job_children(model):
    @register_scope(model)
    def scope(actor: Any) -> QuerySet:
        return model.objects.filter(job__in=scoped(JobPost, actor).values("pk"))

    return scope


for _model in (JobSkill, JobLanguage, CoverageWindow):
    _job_children(_model)


@register_scope(Offer)
def _offers(actor: Any) -> QuerySet[Offer]:
    """Offers of the actor's organizations, and those made to the freelancer."""
    visible = Q(organization_id__in=organization_ids(actor))
    if is_user(actor):
        visible |= Q(freelancer__user=actor)
    if is_platform_staff(actor):
        visible = Q()
    return Offer.objects.filter(visible).select_related("organization", "freelancer__user", "job")


@register_scope(Contract)
def _contracts(actor: Any) -> QuerySet[Contract]:
    """Contracts of the actor's organizations, and the freelancer's own."""
    visible = Q(organization_id__in=organization_ids(actor))
    if is_user(actor):
        visible |= Q(freelancer__user=actor)
    if is_platform_staff(actor):
        visible = Q()
    return Contract.objects.filter(visible).select_related("organization", "freelancer__user")


def freelancer_profile_for(user: Any) -> FreelancerProfile | None:
    if not is_user(user):
        return None
    return FreelancerProfile.objects.filter(user=user).first()


# --- Lists -----------------------------------------------------------------------------------------------


def profile_detail_qs(actor: Any) -> QuerySet[FreelancerProfile]:
    """Profiles with everything the public page shows, in a fixed number of queries."""
    return scoped(FreelancerProfile, actor).prefetch_related(
        Prefetch("skills", ProfileSkill.objects.select_related("skill")),
        Prefetch("languages", ProfileLanguage.objects.select_related("language")),
        "windows",
        "channels",
        "tools",
    )


def profile_list(*, actor: Any, filters: dict | None = None) -> QuerySet[FreelancerProfile]:
    from .filters import ProfileFilter

    qs = profile_detail_qs(actor).order_by("pk")
    return ProfileFilter(filters or {}, queryset=qs).qs


def job_detail_qs(actor: Any) -> QuerySet[JobPost]:
    return scoped(JobPost, actor).prefetch_related(
        Prefetch("skills", JobSkill.objects.select_related("skill")),
        Prefetch("languages", JobLanguage.objects.select_related("language")),
        "windows",
        "channels",
        "tools",
    )


def job_list(*, actor: Any, filters: dict | None = None) -> QuerySet[JobPost]:
    from .filters import JobFilter

    return JobFilter(filters or {}, queryset=job_detail_qs(actor)).qs


def offer_list(*, actor: Any, filters: dict | None = None) -> QuerySet[Offer]:
    from .filters import OfferFilter

    return OfferFilter(filters or {}, queryset=scoped(Offer, actor)).qs


def contract_list(*, actor: Any, filters: dict | None = None) -> QuerySet[Contract]:
    from .filters import ContractFilter

    return ContractFilter(filters or {}, queryset=scoped(Contract, actor)).qs


def committed_hours_by_profile(profile_ids: list[int]) -> dict[int, int]:
    rows = (
        Contract.objects.filter(freelancer_id__in=profile_ids, status=ContractStatus.ACTIVE)
        .values("freelancer_id")
        .annotate(total=Sum("weekly_hour_cap"))
    )
    return {r["freelancer_id"]: r["total"] for r in rows}


def job_matches(*, actor: Any, job: JobPost, limit: int = 20, offset: int = 0, with_count: bool = True):
    """Ranked candidates for one of the actor's jobs, with their profiles attached (constant queries)."""
    from .matching import rank_job

    page = rank_job(job, limit=limit, offset=offset, with_count=with_count)
    ids = [c.profile_id for c in page.candidates]
    profiles = profile_detail_qs(actor).in_bulk(ids) if ids else {}
    for c in page.candidates:
        c.profile = profiles.get(c.profile_id)
    page.candidates = [c for c in page.candidates if c.profile is not None]
    return page
