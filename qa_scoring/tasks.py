"""Thin Celery wrappers around QA services."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from . import services
from .models import Review

SUBJECTS = {
    "submitted": "New QA review: {score}",
    "disputed": "A QA review was disputed",
    "dispute_resolved": "Dispute resolved: score now {score}",
}


@shared_task(acks_late=True)
def run_import_job(job_id: int) -> str:
    return services.import_job_run(job_id=job_id)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_review_notification(review_id: int, event: str) -> int:
    """Tell the freelancer and the seller's managers (and, for disputes, the reviewer) what happened."""
    from accounts.models import MANAGE_ROLES, Membership

    review = (
        Review.objects.select_related("conversation__freelancer__user", "conversation__organization", "reviewer")
        .filter(pk=review_id)
        .first()
    )
    if review is None or event not in SUBJECTS:
        return 0
    conversation = review.conversation
    recipients = set()
    if conversation.freelancer_id:
        recipients.add(conversation.freelancer.user.email)
    if conversation.organization_id:
        recipients |= set(
            Membership.objects.filter(organization_id=conversation.organization_id, role__in=MANAGE_ROLES).values_list(
                "user__email", flat=True
            )
        )
    if event == "disputed":
        recipients.add(review.reviewer.email)
    link = settings.SITE_URL.rstrip("/") + reverse("qa_scoring:review_detail", args=[review.pk])
    score = "critical fail" if review.critical_fail else (f"{review.score}" if review.score is not None else "no score")
    send_mail(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + SUBJECTS[event].format(score=score),
        message=f"{conversation}\nScore: {score}\n\nOpen the review: {link}\n",
        from_email=None,
        recipient_list=sorted(recipients),
    )
    return len(recipients)
