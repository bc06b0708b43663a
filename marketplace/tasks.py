"""Thin Celery wrappers: marketplace e-mails."""

from __future__ import annotations

import zoneinfo

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.timezones import viewer_timezone_name

from .models import Contract

CONTRACT_SUBJECTS = {
    "paused": "Contract paused: {title}",
    "resumed": "Contract resumed: {title}",
    "ended": "Contract ended: {title}",
    "started": "Contract started: {title}",
}


def _seller_recipients(organization) -> list[str]:
    from accounts.models import MANAGE_ROLES

    return list(
        organization.memberships.filter(role__in=MANAGE_ROLES)
        .order_by("user__email")
        .values_list("user__email", flat=True)
    )


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_contract_email(contract_id: int, event: str, reason: str = "") -> str:
    """Tell both sides about a contract transition. Reads the row again, so a stale message is never sent."""
    contract = Contract.objects.select_related("organization", "freelancer__user").filter(pk=contract_id).first()
    if contract is None or event not in CONTRACT_SUBJECTS:
        return "skipped"
    context = {"contract": contract, "event": event, "reason": reason, "site_url": settings.SITE_URL}
    recipients = [contract.freelancer.user.email, *_seller_recipients(contract.organization)]
    send_mail(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + CONTRACT_SUBJECTS[event].format(title=contract.title),
        message=render_to_string("marketplace/email/contract_event.txt", context),
        from_email=None,
        recipient_list=recipients,
    )
    return "sent"


OFFER_SUBJECTS = {
    "sent": "New offer from {org}: {title}",
    "declined": "Offer declined: {title}",
}


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_offer_email(offer_id: int, event: str) -> str:
    from .models import Offer

    offer = Offer.objects.select_related("organization", "freelancer__user").filter(pk=offer_id).first()
    if offer is None or event not in OFFER_SUBJECTS:
        return "skipped"
    recipients = [offer.freelancer.user.email] if event == "sent" else _seller_recipients(offer.organization)
    context = {"offer": offer, "event": event, "site_url": settings.SITE_URL}
    # The offer's expiry is written in the freelancer's zone (the one recipient of a "sent" e-mail).
    zone = viewer_timezone_name(offer.freelancer.user) if event == "sent" else "UTC"
    with timezone.override(zoneinfo.ZoneInfo(zone)):
        message = render_to_string("marketplace/email/offer_event.txt", context)
    send_mail(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX
        + OFFER_SUBJECTS[event].format(org=offer.organization.name, title=offer.title),
        message=message,
        from_email=None,
        recipient_list=recipients,
    )
    return "sent"


@shared_task
def expire_offers() -> int:
    from . import services

    return services.offers_expire()


@shared_task
def rebuild_match_index() -> int:
    """Weekly (Monday 00:05 UTC): availability bits follow the new week's calendar, DST included."""
    from .matching.index import match_index_rebuild

    return match_index_rebuild()
