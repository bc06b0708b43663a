"""Thin Celery wrappers around vetting services."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from . import services
from .models import Application, ApplicationStatus


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_decision_email(application_id: int) -> str:
    """Tell the candidate the decision in plain words, once: claim first, release the claim if sending fails."""
    if not services.decision_email_claim(application_id=application_id):
        return "skipped"
    application = Application.objects.select_related("freelancer__user").get(pk=application_id)
    approved = application.status == ApplicationStatus.APPROVED
    context = {
        "application": application,
        "user": application.freelancer.user,
        "approved": approved,
        "link": settings.SITE_URL.rstrip("/") + reverse("vetting:mine"),
    }
    subject = "You are approved on Shiftdesk" if approved else "Your Shiftdesk application"
    try:
        send_mail(
            subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}",
            message=render_to_string("vetting/email/decision.txt", context),
            from_email=None,
            recipient_list=[application.freelancer.user.email],
        )
    except Exception:
        services.decision_email_release(application_id=application_id)
        raise
    return "sent"
