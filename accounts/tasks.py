"""Thin Celery wrappers around account services."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from . import services
from .models import Invitation, InvitationStatus


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_invitation_email(invitation_id: int) -> str:
    """Send the invitation once. The link is rebuilt from the row, so no secret travels through the broker."""
    invitation = Invitation.objects.select_related("organization", "invited_by").filter(pk=invitation_id).first()
    if invitation is None or invitation.status != InvitationStatus.PENDING or invitation.sent_at is not None:
        return "skipped"
    link = settings.SITE_URL.rstrip("/") + reverse("accounts:invitation", args=[invitation.token])
    context = {"invitation": invitation, "link": link}
    send_mail(
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}You are invited to join {invitation.organization}",
        message=render_to_string("accounts/email/invitation.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
    )
    services.invitation_mark_sent(invitation_id=invitation.pk)
    return "sent"


@shared_task
def expire_invitations() -> int:
    return services.invitations_expire()
