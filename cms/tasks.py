"""Thin Celery wrappers around playbook services (both are safe to run twice or concurrently)."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_review_reminders() -> int:
    """Weekly: e-mail SOP pages past their review-by date, once per page per week."""
    return services.review_reminders_send()


@shared_task
def reconcile_playbook_spaces() -> int:
    """Hourly: every organization has its playbook space, editing group and page permissions."""
    return services.playbook_spaces_reconcile()


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def playbook_space_sync(organization_id: int) -> bool:
    """After an organization is created or its people change: its editing group and permissions follow at once."""
    from accounts.models import Organization

    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        return False
    services.playbook_space_ensure(organization=organization)
    return True
