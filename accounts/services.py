"""Every write in accounts: organizations, memberships, invitations, API keys."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from .access import forget_cached_access, has_org_role, is_user
from .audit import audit_record
from .models import (
    ADMIN_ROLES,
    ApiKey,
    Invitation,
    InvitationStatus,
    Membership,
    Organization,
    Role,
    User,
)


def _organization_changed(organization_id: int) -> None:
    """Enqueue, after commit, the follow-up tasks named in ORGANIZATION_CHANGED_TASKS (e.g. playbook editing rights).

    Named in settings so accounts never imports the apps that react (they depend on accounts, not the reverse).
    """
    from django.utils.module_loading import import_string

    for path in settings.ORGANIZATION_CHANGED_TASKS:
        import_string(path).delay_on_commit(organization_id)


def _require_owner(actor: Any, organization: Organization) -> None:
    if not is_user(actor) or not has_org_role(actor, organization, ADMIN_ROLES):
        raise PermissionDenied("Only an owner of this organization can do that.")


@transaction.atomic
def organization_create(*, owner: User, name: str, timezone_name: str = "UTC", currency: str = "USD") -> Organization:
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the organization a name."})
    base = Organization.slug_base(name)
    slug, n = base, 1
    while Organization.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    org = Organization(name=name, slug=slug, timezone=timezone_name, currency=currency)
    org.full_clean()
    org.save()
    Membership.objects.create(user=owner, organization=org, role=Role.OWNER)
    forget_cached_access(owner)
    audit_record(actor=owner, action="organization.created", target=org, organization=org)
    _organization_changed(org.pk)
    return org


@transaction.atomic
def invitation_create(*, actor: User, organization: Organization, email: str, role: str) -> Invitation:
    _require_owner(actor, organization)
    email = (email or "").strip().lower()
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role “{role}”."})
    if Membership.objects.filter(organization=organization, user__email__iexact=email).exists():
        raise ValidationError({"email": f"{email} is already a member of {organization}."})
    invitation = Invitation(
        organization=organization,
        email=email,
        role=role,
        invited_by=actor,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_TTL_DAYS),
    )
    invitation.full_clean(exclude=["nonce"])
    try:
        with transaction.atomic():
            invitation.save()
    except IntegrityError as exc:
        raise ValidationError({"email": f"{email} already has a pending invitation."}) from exc
    audit_record(
        actor=actor,
        action="invitation.created",
        target=invitation,
        organization=organization,
        data={"email": email, "role": role},
    )
    from .tasks import send_invitation_email

    send_invitation_email.delay_on_commit(invitation.pk)
    return invitation


def invitation_mark_sent(*, invitation_id: int) -> bool:
    """Record that the e-mail went out. Returns False if it had been recorded already."""
    return bool(Invitation.objects.filter(pk=invitation_id, sent_at__isnull=True).update(sent_at=timezone.now()))


@transaction.atomic
def invitation_revoke(*, actor: User, invitation: Invitation) -> Invitation:
    _require_owner(actor, invitation.organization)
    updated = Invitation.objects.filter(pk=invitation.pk, status=InvitationStatus.PENDING).update(
        status=InvitationStatus.REVOKED, responded_at=timezone.now()
    )
    if not updated:
        raise ValidationError("This invitation is no longer pending.")
    invitation.refresh_from_db()
    audit_record(actor=actor, action="invitation.revoked", target=invitation, organization=invitation.organization)
    return invitation


@transaction.atomic
def invitation_accept(*, user: User, invitation: Invitation) -> Membership:
    invitation = Invitation.objects.select_for_update().select_related("organization").get(pk=invitation.pk)
    if invitation.status != InvitationStatus.PENDING:
        raise ValidationError(f"This invitation was already {invitation.get_status_display().lower()}.")
    if invitation.expires_at <= timezone.now():
        raise ValidationError("This invitation has expired. Ask the owner for a new one.")
    if user.email.lower() != invitation.email.lower():
        raise ValidationError(f"This invitation is for {invitation.email}. Log in with that address to accept it.")
    membership, created = Membership.objects.get_or_create(
        user=user, organization=invitation.organization, defaults={"role": invitation.role}
    )
    if not created:
        raise ValidationError(f"You are already a member of {invitation.organization}.")
    invitation.status = InvitationStatus.ACCEPTED
    invitation.accepted_by = user
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "accepted_by", "responded_at"])
    forget_cached_access(user)
    audit_record(
        actor=user,
        action="membership.joined",
        target=membership,
        organization=invitation.organization,
        data={"role": membership.role, "invitation": invitation.pk},
    )
    _organization_changed(invitation.organization_id)
    return membership


def invitations_expire(*, now=None) -> int:
    """Mark pending invitations past their date as expired. Safe to run any number of times."""
    now = now or timezone.now()
    return Invitation.objects.filter(status=InvitationStatus.PENDING, expires_at__lte=now).update(
        status=InvitationStatus.EXPIRED, responded_at=now
    )


def _lock_owners(organization: Organization) -> list[int]:
    """Lock the organization's owner rows so two concurrent demotions cannot leave it without an owner."""
    return list(
        Membership.objects.select_for_update()
        .filter(organization=organization, role=Role.OWNER)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


@transaction.atomic
def membership_change_role(*, actor: User, membership: Membership, role: str) -> Membership:
    _require_owner(actor, membership.organization)
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role “{role}”."})
    owners = _lock_owners(membership.organization)
    membership.refresh_from_db()
    if membership.role == role:
        return membership
    if membership.role == Role.OWNER and owners == [membership.pk]:
        raise ValidationError("An organization needs at least one owner: make someone else owner first.")
    old = membership.role
    membership.role = role
    membership.full_clean()
    membership.save(update_fields=["role"])
    forget_cached_access(membership.user)
    audit_record(
        actor=actor,
        action="membership.role_changed",
        target=membership,
        organization=membership.organization,
        data={"from": old, "to": role, "user": membership.user.email},
    )
    _organization_changed(membership.organization_id)
    return membership


@transaction.atomic
def membership_remove(*, actor: User, membership: Membership) -> None:
    """Owners remove anyone; any member may leave. The last owner can never go."""
    leaving_self = is_user(actor) and membership.user_id == actor.pk
    if not leaving_self:
        _require_owner(actor, membership.organization)
    owners = _lock_owners(membership.organization)
    membership.refresh_from_db()
    if membership.role == Role.OWNER and owners == [membership.pk]:
        raise ValidationError("An organization needs at least one owner: make someone else owner first.")
    organization, email = membership.organization, membership.user.email
    audit_record(
        actor=actor,
        action="membership.removed",
        target=membership,
        organization=organization,
        data={"user": email, "role": membership.role, "self": leaving_self},
    )
    membership.delete()
    forget_cached_access(membership.user)
    _organization_changed(organization.pk)


@transaction.atomic
def api_key_create(*, actor: User, organization: Organization, name: str) -> tuple[ApiKey, str]:
    """Create a key and return it with its only plain-text copy."""
    _require_owner(actor, organization)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Name the key after the integration that will use it."})
    full, key_id, key_hash = ApiKey.generate()
    key = ApiKey(organization=organization, name=name, key_id=key_id, key_hash=key_hash, created_by=actor)
    key.full_clean()
    key.save()
    audit_record(actor=actor, action="api_key.created", target=key, organization=organization)
    return key, full


@transaction.atomic
def api_key_revoke(*, actor: User, api_key: ApiKey) -> ApiKey:
    _require_owner(actor, api_key.organization)
    if ApiKey.objects.filter(pk=api_key.pk, revoked_at__isnull=True).update(revoked_at=timezone.now()):
        api_key.refresh_from_db()
        audit_record(actor=actor, action="api_key.revoked", target=api_key, organization=api_key.organization)
    return api_key


def api_key_touch(*, api_key: ApiKey) -> None:
    """Record use, at most once a minute per key, without a write on every request."""
    now = timezone.now()
    if api_key.last_used_at is None or now - api_key.last_used_at > timedelta(minutes=1):
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)


@transaction.atomic
def user_update_profile(*, user: User, full_name: str, timezone_name: str) -> User:
    user.full_name = full_name.strip()
    user.timezone = timezone_name
    user.full_clean(exclude=["password"])
    user.save(update_fields=["full_name", "timezone"])
    return user
