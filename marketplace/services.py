"""Every write in the marketplace."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import has_org_role, is_platform_staff
from accounts.audit import audit_record
from accounts.clock import step_moment
from accounts.models import MANAGE_ROLES, Organization, User

from .coverage import MAX_WINDOWS  # coverage windows of a job, availability windows of a profile
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
    JobStatus,
    Language,
    Offer,
    OfferStatus,
    ProfileLanguage,
    ProfileSkill,
    Skill,
    Tool,
    VettingStatus,
)

CENT = Decimal("0.01")

SCORE_MIN, SCORE_MAX = Decimal("0"), Decimal("100")


def _score(value: Decimal | None, field: str) -> Decimal | None:
    if value is None:
        return None
    value = Decimal(value)
    if not (SCORE_MIN <= value <= SCORE_MAX):
        raise ValidationError({field: "Must be between 0 and 100."})
    return value.quantize(Decimal("0.01"))


@transaction.atomic
def freelancer_profile_create(*, user: User) -> FreelancerProfile:
    profile, created = FreelancerProfile.objects.get_or_create(user=user, defaults={"timezone": user.timezone})
    if created:
        audit_record(actor=user, action="freelancer_profile.created", target=profile)
        _refresh_match_index(profile)
    return profile


@transaction.atomic
def freelancer_vetting_update(
    *, profile: FreelancerProfile, status: str, score: Decimal | None, actor: Any, reason: str = ""
) -> FreelancerProfile:
    """The only way a profile's vetting status and score change (called by vetting)."""
    if status not in VettingStatus.values:
        raise ValidationError({"status": f"Unknown vetting status “{status}”."})
    score = _score(score, "score")
    profile = FreelancerProfile.objects.select_for_update().get(pk=profile.pk)
    before = {"status": profile.vetting_status, "score": profile.vetting_score}
    profile.vetting_status = status
    profile.vetting_score = score
    profile.full_clean()
    profile.save(update_fields=["vetting_status", "vetting_score", "updated_at"])
    audit_record(
        actor=actor,
        action="freelancer_profile.vetting_updated",
        target=profile,
        data={"before": before, "status": status, "score": score, "reason": reason},
    )
    _refresh_match_index(profile)
    return profile


@transaction.atomic
def freelancer_quality_update(*, profile_id: int, iqs: Decimal | None, review_count: int) -> bool:
    """Store the live QA score (IQS over the last 90 days) and its review count. Idempotent: True on change."""
    iqs = _score(iqs, "iqs")
    if review_count < 0:
        raise ValidationError({"review_count": "Cannot be negative."})
    profile = FreelancerProfile.objects.select_for_update().get(pk=profile_id)
    if profile.iqs_90d == iqs and profile.iqs_review_count == review_count:
        return False
    profile.iqs_90d, profile.iqs_review_count = iqs, review_count
    profile.save(update_fields=["iqs_90d", "iqs_review_count", "updated_at"])
    _refresh_match_index(profile)
    return True


@transaction.atomic
def freelancer_reliability_update(*, profile_id: int, reliability: Decimal | None) -> bool:
    """Store the reliability score (0–100, or None when unknown). Idempotent: True on change."""
    reliability = _score(reliability, "reliability")
    profile = FreelancerProfile.objects.select_for_update().get(pk=profile_id)
    if profile.reliability == reliability:
        return False
    profile.reliability = reliability
    profile.save(update_fields=["reliability", "updated_at"])
    _refresh_match_index(profile)
    return True


def freelancer_worked_minutes_update(*, profile_id: int, minutes: int) -> bool:
    """Store the approved minutes of the freelancer's final timesheets (shown on candidate cards; not a matching
    input, so the index is left alone). Idempotent: True on change."""
    if minutes < 0:
        raise ValidationError({"minutes": "Cannot be negative."})
    changed = FreelancerProfile.objects.filter(pk=profile_id).exclude(worked_minutes=minutes)
    return bool(changed.update(worked_minutes=minutes))


def _refresh_match_index(profile: FreelancerProfile) -> None:
    """Keep the precomputed matching row in step with the profile (see marketplace/matching)."""
    from .matching.index import match_index_refresh

    match_index_refresh(profile=profile)


# --- Contracts -------------------------------------------------------------------------------------------


def _require_contract_manager(actor: Any, contract: Contract) -> None:
    """Seller owners/managers of the contract's organization, or platform staff (system actor = None is allowed)."""
    if actor is None or is_platform_staff(actor) or has_org_role(actor, contract.organization_id, MANAGE_ROLES):
        return
    raise PermissionDenied("Only the seller's owners and managers can change this contract.")


def _lock_contract(contract: Contract) -> Contract:
    return Contract.objects.select_for_update().select_related("organization", "freelancer__user").get(pk=contract.pk)


def _contract_transition(
    *, contract: Contract, actor: Any, to: str, allowed_from: set[str], action: str, reason: str
) -> Contract:
    _require_contract_manager(actor, contract)
    contract = _lock_contract(contract)
    if contract.status not in allowed_from:
        raise ValidationError(f"This contract is {contract.get_status_display().lower()}; it cannot be {to}.")
    before = contract.status
    contract.status = {"paused": ContractStatus.PAUSED, "resumed": ContractStatus.ACTIVE}.get(to, ContractStatus.ENDED)
    fields = ["status"]
    if contract.status == ContractStatus.ENDED:
        contract.ended_at = timezone.now()
        contract.end_reason = reason[:200]
        fields += ["ended_at", "end_reason"]
    contract.full_clean()
    contract.save(update_fields=fields)
    _refresh_match_index(contract.freelancer)  # committed hours follow the active contracts
    audit_record(
        actor=actor,
        action=action,
        target=contract,
        organization=contract.organization,
        data={"from": before, "to": contract.status, "reason": reason},
    )
    from .tasks import send_contract_email

    send_contract_email.delay_on_commit(contract.pk, to, reason)
    return contract


@transaction.atomic
def contract_pause(*, contract: Contract, actor: Any, reason: str) -> Contract:
    """Pause an active contract (seller, staff, or billing as system actor None after failed payments)."""
    if not (reason or "").strip():
        raise ValidationError({"reason": "Say why the contract is paused."})
    return _contract_transition(
        contract=contract,
        actor=actor,
        to="paused",
        allowed_from={ContractStatus.ACTIVE},
        action="contract.paused",
        reason=reason.strip(),
    )


@transaction.atomic
def contract_resume(*, contract: Contract, actor: Any, reason: str = "") -> Contract:
    return _contract_transition(
        contract=contract,
        actor=actor,
        to="resumed",
        allowed_from={ContractStatus.PAUSED},
        action="contract.resumed",
        reason=(reason or "").strip(),
    )


@transaction.atomic
def contract_end(*, contract: Contract, actor: Any, reason: str) -> Contract:
    """End a contract for good. Either party may end it: the seller's managers or the freelancer."""
    if not (reason or "").strip():
        raise ValidationError({"reason": "Say why the contract ends."})
    if getattr(actor, "pk", None) is None or actor.pk != contract.freelancer.user_id:
        _require_contract_manager(actor, contract)
    contract = _lock_contract(contract)
    if contract.status == ContractStatus.ENDED:
        raise ValidationError("This contract has already ended.")
    before = contract.status
    contract.status = ContractStatus.ENDED
    contract.ended_at = timezone.now()
    contract.end_reason = reason.strip()[:200]
    contract.full_clean()
    contract.save(update_fields=["status", "ended_at", "end_reason"])
    _refresh_match_index(contract.freelancer)
    audit_record(
        actor=actor,
        action="contract.ended",
        target=contract,
        organization=contract.organization,
        data={"from": before, "to": contract.status, "reason": contract.end_reason},
    )
    from .tasks import send_contract_email

    send_contract_email.delay_on_commit(contract.pk, "ended", contract.end_reason)
    return contract


# --- Profile editing -------------------------------------------------------------------------------------


def _require_profile_owner(actor: Any, profile: FreelancerProfile) -> None:
    if getattr(actor, "pk", None) == profile.user_id or is_platform_staff(actor, "ops"):
        return
    raise PermissionDenied("Only the freelancer can edit this profile.")


def _valid_timezone(name: str, field: str = "timezone") -> str:
    import zoneinfo

    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError({field: f"“{name}” is not an IANA timezone, e.g. Asia/Manila."}) from exc
    return name


@transaction.atomic
def freelancer_profile_update(
    *,
    profile: FreelancerProfile,
    actor: Any,
    headline: str,
    bio: str,
    timezone_name: str,
    country: str,
    hourly_rate: Decimal | None,
    currency: str,
    hours_per_week: int,
    channels: list[Channel],
    tools: list[Tool],
    photo: Any = None,
    clear_photo: bool = False,
) -> FreelancerProfile:
    _require_profile_owner(actor, profile)
    profile = FreelancerProfile.objects.select_for_update().get(pk=profile.pk)
    profile.headline, profile.bio = headline.strip(), bio.strip()
    profile.timezone = _valid_timezone(timezone_name)
    profile.country, profile.currency = country.upper(), currency.upper()
    profile.hourly_rate, profile.hours_per_week = hourly_rate, hours_per_week
    if clear_photo:
        profile.photo = None
    elif photo is not None:
        profile.photo = photo
    profile.full_clean()
    profile.save()
    if profile.user.timezone != profile.timezone:  # the account's zone is the one every page reads times in
        profile.user.timezone = profile.timezone
        profile.user.save(update_fields=["timezone"])
    profile.channels.set(channels)
    profile.tools.set(tools)
    audit_record(actor=actor, action="freelancer_profile.updated", target=profile)
    _refresh_match_index(profile)
    return profile


@transaction.atomic
def profile_skill_set(*, profile: FreelancerProfile, actor: Any, skill: Skill, level: int) -> ProfileSkill:
    _require_profile_owner(actor, profile)
    ProfileSkill(profile=profile, skill=skill, level=level).full_clean(
        validate_unique=False, validate_constraints=False
    )
    # One row per (profile, skill) by constraint: a double submit updates instead of failing.
    row, _ = ProfileSkill.objects.update_or_create(profile=profile, skill=skill, defaults={"level": level})
    _refresh_match_index(profile)
    return row


@transaction.atomic
def profile_skill_remove(*, profile: FreelancerProfile, actor: Any, skill_id: int) -> None:
    _require_profile_owner(actor, profile)
    ProfileSkill.objects.filter(profile=profile, skill_id=skill_id).delete()
    _refresh_match_index(profile)


@transaction.atomic
def profile_language_set(*, profile: FreelancerProfile, actor: Any, language: Language, level: int) -> ProfileLanguage:
    _require_profile_owner(actor, profile)
    ProfileLanguage(profile=profile, language=language, level=level).full_clean(
        validate_unique=False, validate_constraints=False
    )
    # One row per (profile, language) by constraint: a double submit updates instead of failing.
    row, _ = ProfileLanguage.objects.update_or_create(profile=profile, language=language, defaults={"level": level})
    _refresh_match_index(profile)
    return row


@transaction.atomic
def profile_language_remove(*, profile: FreelancerProfile, actor: Any, language_id: int) -> None:
    _require_profile_owner(actor, profile)
    ProfileLanguage.objects.filter(profile=profile, language_id=language_id).delete()
    _refresh_match_index(profile)


@transaction.atomic
def profile_window_add(
    *, profile: FreelancerProfile, actor: Any, weekday: int, start: dt.time, end: dt.time
) -> AvailabilityWindow:
    """Adding a window the profile already has changes nothing; a profile keeps at most ``MAX_WINDOWS``."""
    _require_profile_owner(actor, profile)
    profile = FreelancerProfile.objects.select_for_update().get(pk=profile.pk)  # the count below stays true
    window = AvailabilityWindow(profile=profile, weekday=weekday, start=start, end=end)
    window.full_clean()
    same = AvailabilityWindow.objects.filter(profile=profile, weekday=weekday, start=start, end=end).first()
    if same is not None:
        return same
    if AvailabilityWindow.objects.filter(profile=profile).count() >= MAX_WINDOWS:
        raise ValidationError(
            _("You have %(limit)s availability windows, the most a profile keeps: remove one to add another.")
            % {"limit": MAX_WINDOWS}
        )
    window.save()
    _refresh_match_index(profile)
    return window


@transaction.atomic
def profile_window_remove(*, profile: FreelancerProfile, actor: Any, window_id: int) -> None:
    _require_profile_owner(actor, profile)
    AvailabilityWindow.objects.filter(profile=profile, pk=window_id).delete()
    _refresh_match_index(profile)


# --- Job posts -------------------------------------------------------------------------------------------


def _require_org_manager(actor: Any, organization_id: int) -> None:
    if not has_org_role(actor, organization_id, MANAGE_ROLES):
        raise PermissionDenied("Only the seller's owners and managers can do that.")


@dataclass(frozen=True)
class JobSpec:
    """Everything a job post editor submits, already parsed."""

    role: str
    description: str
    timezone_name: str
    hours_per_week: int
    rate_min: Decimal
    rate_max: Decimal
    currency: str
    start_date: dt.date
    status: str = JobStatus.DRAFT
    required_skills: list[Skill] = field(default_factory=list)
    nice_skills: list[Skill] = field(default_factory=list)
    languages: list[tuple[Language, int]] = field(default_factory=list)
    windows: list[tuple[int, dt.time, dt.time]] = field(default_factory=list)
    channels: list[Channel] = field(default_factory=list)
    tools: list[Tool] = field(default_factory=list)


def _apply_job(job: JobPost, spec: JobSpec) -> JobPost:
    errors: dict[str, list[str]] = {}
    job.role, job.description = spec.role.strip(), spec.description.strip()
    job.hours_per_week, job.rate_min, job.rate_max = spec.hours_per_week, spec.rate_min, spec.rate_max
    job.currency, job.start_date, job.status = spec.currency.upper(), spec.start_date, spec.status
    try:
        job.timezone = _valid_timezone(spec.timezone_name)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if spec.rate_min is not None and spec.rate_max is not None and spec.rate_max < spec.rate_min:
        errors.setdefault("rate_max", []).append("The ceiling must not be below the floor.")
    if {s.pk for s in spec.required_skills} & {s.pk for s in spec.nice_skills}:
        errors.setdefault("nice_skills", []).append("A skill is either required or nice to have, not both.")
    if spec.status == JobStatus.OPEN and not spec.windows:
        errors.setdefault("windows", []).append("An open job needs at least one coverage window.")
    if len({lang.pk for lang, _level in spec.languages}) != len(spec.languages):
        errors.setdefault("languages", []).append(_("Each language is listed once, with its minimum level."))
    spec_windows = list(dict.fromkeys(spec.windows))
    if len(spec_windows) > MAX_WINDOWS:
        errors.setdefault("windows", []).append(
            _("At most %(limit)s coverage windows (%(count)s given).")
            % {"limit": MAX_WINDOWS, "count": len(spec_windows)}
        )
    try:
        # The two check constraints are checked field by field (status by its choices, the rate range above), so
        # a refusal names its field instead of "Constraint … is violated".
        job.full_clean(exclude=["timezone"], validate_constraints=False)
    except ValidationError as exc:
        for k, v in exc.message_dict.items():
            errors.setdefault(k, []).extend(v)
    windows = []
    for weekday, start, end in spec_windows[:MAX_WINDOWS]:
        w = CoverageWindow(job=job, weekday=weekday, start=start, end=end)
        try:
            w.full_clean(exclude=["job"])
        except ValidationError as exc:
            errors.setdefault("windows", []).extend(f"{w}: {m}" for m in exc.messages)
        windows.append(w)
    if errors:
        raise ValidationError(errors)
    job.save()
    job.skills.all().delete()
    JobSkill.objects.bulk_create(
        [JobSkill(job=job, skill=s, required=True) for s in spec.required_skills]
        + [JobSkill(job=job, skill=s, required=False) for s in spec.nice_skills]
    )
    job.languages.all().delete()
    JobLanguage.objects.bulk_create(
        [JobLanguage(job=job, language=lang, min_level=lvl) for lang, lvl in spec.languages]
    )
    job.windows.all().delete()
    CoverageWindow.objects.bulk_create(windows)
    job.channels.set(spec.channels)
    job.tools.set(spec.tools)
    return job


@transaction.atomic
def job_post_create(*, actor: Any, organization: Organization, spec: JobSpec) -> JobPost:
    _require_org_manager(actor, organization.pk)
    job = _apply_job(JobPost(organization=organization, created_by=actor if getattr(actor, "pk", None) else None), spec)
    audit_record(actor=actor, action="job_post.created", target=job, organization=organization)
    return job


@transaction.atomic
def job_post_update(*, actor: Any, job: JobPost, spec: JobSpec) -> JobPost:
    _require_org_manager(actor, job.organization_id)
    job = _apply_job(JobPost.objects.select_for_update().get(pk=job.pk), spec)
    _invalidate_match_head(job)
    audit_record(actor=actor, action="job_post.updated", target=job, organization=job.organization)
    return job


@transaction.atomic
def job_post_set_status(*, actor: Any, job: JobPost, status: str) -> JobPost:
    _require_org_manager(actor, job.organization_id)
    if status not in JobStatus.values:
        raise ValidationError({"status": f"Unknown status “{status}”."})
    job = JobPost.objects.select_for_update().get(pk=job.pk)
    if status == JobStatus.OPEN and not job.windows.exists():
        raise ValidationError({"status": "Add at least one coverage window before opening the job."})
    before, job.status = job.status, status
    job.save(update_fields=["status", "updated_at"])
    _invalidate_match_head(job)
    audit_record(
        actor=actor,
        action="job_post.status",
        target=job,
        organization=job.organization,
        data={"from": before, "to": status},
    )
    return job


def _invalidate_match_head(job: JobPost) -> None:
    """The job's ranking vector and head are recomputed on its next ranking (the job row is locked meanwhile)."""
    from .matching.heads import job_index_invalidate

    job_index_invalidate(job_id=job.pk)


# --- Offers ----------------------------------------------------------------------------------------------


def bill_rate_for(pay_rate: Decimal) -> Decimal:
    """Pay rate × (1 + PLATFORM_FEE_RATE), rounded half-up to cents."""
    return (Decimal(pay_rate) * (1 + settings.PLATFORM_FEE_RATE)).quantize(CENT, rounding=ROUND_HALF_UP)


def committed_hours(profile_id: int, *, exclude_contract_id: int | None = None) -> int:
    qs = Contract.objects.filter(freelancer_id=profile_id, status=ContractStatus.ACTIVE)
    if exclude_contract_id:
        qs = qs.exclude(pk=exclude_contract_id)
    return qs.aggregate(total=Sum("weekly_hour_cap"))["total"] or 0


def remaining_hours(profile: FreelancerProfile) -> int:
    """Weekly hours still free: hours per week minus the caps of active contracts (never below 0)."""
    return max(0, profile.hours_per_week - committed_hours(profile.pk))


@transaction.atomic
def offer_create(
    *,
    actor: Any,
    organization: Organization,
    freelancer: FreelancerProfile,
    title: str,
    pay_rate: Decimal,
    weekly_hour_cap: int,
    start_date: dt.date,
    job: JobPost | None = None,
    message: str = "",
    bonus_terms: dict | None = None,
    now: dt.datetime | None = None,
) -> Offer:
    """``now`` is the moment the offer is sent (default: now; never in the future); it expires OFFER_TTL_DAYS later."""
    now = step_moment(now)
    _require_org_manager(actor, organization.pk)
    if job is not None and job.organization_id != organization.pk:
        raise ValidationError({"job": "That job belongs to another organization."})
    if not freelancer.is_approved:
        raise ValidationError({"freelancer": "Only approved freelancers can receive offers."})
    offer = Offer(
        organization=organization,
        job=job,
        freelancer=freelancer,
        title=(title or (job.role if job else "")).strip(),
        pay_rate=pay_rate,
        currency=job.currency if job else organization.currency,
        weekly_hour_cap=weekly_hour_cap,
        start_date=start_date,
        message=message.strip(),
        bonus_terms=bonus_terms or {},
        expires_at=now + dt.timedelta(days=settings.OFFER_TTL_DAYS),
        created_at=now,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    offer.full_clean()
    if weekly_hour_cap and weekly_hour_cap > remaining_hours(freelancer):
        raise ValidationError(
            {"weekly_hour_cap": f"{freelancer} has only {remaining_hours(freelancer)} weekly hours left."}
        )
    offer.save()
    audit_record(
        actor=actor,
        action="offer.sent",
        target=offer,
        organization=organization,
        data={"pay_rate": offer.pay_rate, "weekly_hour_cap": weekly_hour_cap, "freelancer": freelancer.pk},
        at=now,
    )
    from .tasks import send_offer_email

    send_offer_email.delay_on_commit(offer.pk, "sent")
    return offer


def _lock_offer(offer: Offer) -> Offer:
    return Offer.objects.select_for_update().select_related("organization", "freelancer__user").get(pk=offer.pk)


@transaction.atomic
def offer_accept(*, offer: Offer, actor: Any, now: dt.datetime | None = None) -> Contract:
    """The freelancer accepts: exactly one Contract, however often or concurrently this runs.

    ``now`` is the moment of acceptance and the contract's start (default: now; never in the future).
    """
    now = step_moment(now)
    offer = _lock_offer(offer)
    if getattr(actor, "pk", None) != offer.freelancer.user_id:
        raise PermissionDenied("Only the freelancer this offer was made to can accept it.")
    if offer.status != OfferStatus.PENDING:
        raise ValidationError(f"This offer was already {offer.get_status_display().lower()}.")
    if offer.is_expired(at=now):
        raise ValidationError("This offer has expired. Ask the seller to send a new one.")
    if now < offer.created_at:
        raise ValidationError("An offer cannot be accepted before it was sent.")
    left = max(0, offer.freelancer.hours_per_week - committed_hours(offer.freelancer_id))
    if offer.weekly_hour_cap > left:
        raise ValidationError({"weekly_hour_cap": f"You have only {left} weekly hours left for new contracts."})
    contract = Contract(
        organization=offer.organization,
        freelancer=offer.freelancer,
        offer=offer,
        title=offer.title,
        pay_rate=offer.pay_rate,
        bill_rate=bill_rate_for(offer.pay_rate),
        currency=offer.currency,
        weekly_hour_cap=offer.weekly_hour_cap,
        starts_on=offer.start_date,
        started_at=now,
    )
    contract.full_clean()
    contract.save()
    _refresh_match_index(offer.freelancer)
    offer.status, offer.responded_at = OfferStatus.ACCEPTED, now
    offer.save(update_fields=["status", "responded_at"])
    audit_record(actor=actor, action="offer.accepted", target=offer, organization=offer.organization, at=now)
    audit_record(
        actor=actor,
        action="contract.started",
        target=contract,
        organization=offer.organization,
        data={"pay_rate": contract.pay_rate, "bill_rate": contract.bill_rate, "offer": offer.pk},
        at=now,
    )
    from .tasks import send_contract_email

    send_contract_email.delay_on_commit(contract.pk, "started", "")
    return contract


@transaction.atomic
def offer_decline(*, offer: Offer, actor: Any, reason: str = "") -> Offer:
    offer = _lock_offer(offer)
    if getattr(actor, "pk", None) != offer.freelancer.user_id:
        raise PermissionDenied("Only the freelancer this offer was made to can decline it.")
    if offer.status != OfferStatus.PENDING:
        raise ValidationError(f"This offer was already {offer.get_status_display().lower()}.")
    offer.status, offer.responded_at, offer.decline_reason = OfferStatus.DECLINED, timezone.now(), reason.strip()[:200]
    offer.save(update_fields=["status", "responded_at", "decline_reason"])
    audit_record(
        actor=actor, action="offer.declined", target=offer, organization=offer.organization, data={"reason": reason}
    )
    from .tasks import send_offer_email

    send_offer_email.delay_on_commit(offer.pk, "declined")
    return offer


@transaction.atomic
def offer_withdraw(*, offer: Offer, actor: Any) -> Offer:
    _require_org_manager(actor, offer.organization_id)
    offer = _lock_offer(offer)
    if offer.status != OfferStatus.PENDING:
        raise ValidationError(f"This offer was already {offer.get_status_display().lower()}.")
    offer.status, offer.responded_at = OfferStatus.WITHDRAWN, timezone.now()
    offer.save(update_fields=["status", "responded_at"])
    audit_record(actor=actor, action="offer.withdrawn", target=offer, organization=offer.organization)
    return offer


def offers_expire(*, now: dt.datetime | None = None) -> int:
    """Mark pending offers past their date as expired. Safe to run any number of times, concurrently."""
    now = now or timezone.now()
    return Offer.objects.filter(status=OfferStatus.PENDING, expires_at__lte=now).update(
        status=OfferStatus.EXPIRED, responded_at=now
    )
