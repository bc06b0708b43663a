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
    """Tell the candidate the decision in plain words, once."""
    application = Application.objects.select_related("freelancer__user").filter(pk=application_id).first()
    if (
        application is None
        or application.status not in (ApplicationStatus.APPROVED, ApplicationStatus.REJECTED)
        or application.decision_email_sent_at is not None
    ):
        return "skipped"
    approved = application.status == ApplicationStatus.APPROVED
    context = {
        "application": application,
        "user": application.freelancer.user,
        "approved": approved,
        "link": settings.SITE_URL.rstrip("/") + reverse("vetting:mine"),
    }
    subject = "You are approved on Shiftdesk" if approved else "Your Shiftdesk application"
    send_mail(
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}",
        message=render_to_string("vetting/email/decision.txt", context),
        from_email=None,
        recipient_list=[application.freelancer.user.email],
    )
    services.decision_email_mark_sent(application_id=application.pk)
    return "sent"
