"""Thin Celery tasks: take ids, call services, own the retry policy. Beat runs the billing cycle."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from . import services
from .gateways import GatewayUnavailable


def billable_week(today: dt.date | None = None) -> dt.date:
    """The latest week whose timesheets are final: the seller's review window after it has closed."""
    today = today or timezone.now().date()
    review = getattr(settings, "TIMESHEETS_REVIEW_WINDOW_DAYS", 5)
    return services.week_start_of(today - dt.timedelta(days=7 + review + 1))


@shared_task(autoretry_for=(GatewayUnavailable,), retry_backoff=60, retry_backoff_max=3600, max_retries=8)
def charge_invoice(invoice_id: int) -> str:
    return services.invoice_charge(invoice_id=invoice_id)


@shared_task(autoretry_for=(GatewayUnavailable,), retry_backoff=60, retry_backoff_max=3600, max_retries=8)
def send_payout(payout_id: int) -> str:
    return services.payout_send(payout_id=payout_id)


@shared_task
def create_payouts(invoice_id: int) -> int:
    return len(services.payouts_create(invoice_id=invoice_id))


@shared_task
def create_payouts_many(invoice_ids: list[int]) -> int:
    return services.payouts_create_many(invoice_ids=invoice_ids)


@shared_task(autoretry_for=(GatewayUnavailable,), retry_backoff=30, max_retries=8)
def process_stripe_event(event_pk: int) -> str:
    return services.stripe_event_process(event_pk=event_pk)


@shared_task
def notify_payment_failed(invoice_id: int) -> int:
    from .notifications import payment_failed_email

    return payment_failed_email(invoice_id=invoice_id)


@shared_task
def billing_generate_invoices() -> int:
    from .cycle import issue

    return issue(week_start=billable_week())


@shared_task
def billing_charge_due() -> int:
    from .cycle import charge_due

    return charge_due()


@shared_task
def billing_send_payouts() -> int:
    from .cycle import payouts_due

    return payouts_due()


@shared_task
def billing_evaluate_bonuses() -> int:
    from .cycle import evaluate_bonuses

    return evaluate_bonuses()
