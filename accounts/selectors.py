"""Reads in accounts, each scoped from the actor."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .access import has_org_role, organization_ids, register_scope, scoped
from .models import ADMIN_ROLES, MANAGE_ROLES, ApiKey, AuditEvent, Invitation, Membership, Organization


@register_scope(Organization)
def _organizations(actor: Any) -> QuerySet[Organization]:
    return Organization.objects.filter(pk__in=organization_ids(actor))


@register_scope(Membership)
def _memberships(actor: Any) -> QuerySet[Membership]:
    return Membership.objects.filter(organization_id__in=organization_ids(actor)).select_related("user", "organization")


@register_scope(Invitation)
def _invitations(actor: Any) -> QuerySet[Invitation]:
    return Invitation.objects.filter(organization_id__in=organization_ids(actor, ADMIN_ROLES)).select_related(
        "organization", "invited_by"
    )


@register_scope(ApiKey)
def _api_keys(actor: Any) -> QuerySet[ApiKey]:
    return ApiKey.objects.filter(organization_id__in=organization_ids(actor, ADMIN_ROLES)).select_related(
        "organization", "created_by"
    )


@register_scope(AuditEvent)
def _audit_events(actor: Any) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(organization_id__in=organization_ids(actor, MANAGE_ROLES)).select_related(
        "actor", "organization"
    )


def organization_members(*, actor: Any, organization: Organization) -> QuerySet[Membership]:
    return scoped(Membership, actor).filter(organization=organization).order_by("user__email")


def organization_invitations(*, actor: Any, organization: Organization) -> QuerySet[Invitation]:
    return scoped(Invitation, actor).filter(organization=organization, status="pending")


def organization_api_keys(*, actor: Any, organization: Organization) -> QuerySet[ApiKey]:
    return scoped(ApiKey, actor).filter(organization=organization)


def organization_audit_events(*, actor: Any, organization: Organization) -> QuerySet[AuditEvent]:
    return scoped(AuditEvent, actor).filter(organization=organization)


def can_admin_organization(actor: Any, organization: Organization) -> bool:
    return has_org_role(actor, organization, ADMIN_ROLES)
