"""Every write in the marketplace."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.access import has_org_role, is_platform_staff
from accounts.audit import audit_record
from accounts.models import MANAGE_ROLES, User

from .models import Contract, ContractStatus, FreelancerProfile, VettingStatus

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


def _refresh_match_index(profile: FreelancerProfile) -> None:
    """Keep the precomputed matching row in step with the profile (see marketplace/matching)."""


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
