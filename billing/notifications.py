"""E-mails billing sends (payment failed)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail

from accounts.models import MANAGE_ROLES, Membership

from .models import Invoice


def payment_failed_email(*, invoice_id: int) -> int:
    invoice = Invoice.objects.select_related("organization").get(pk=invoice_id)
    recipients = sorted(
        Membership.objects.filter(organization=invoice.organization, role__in=MANAGE_ROLES).values_list(
            "user__email", flat=True
        )
    )
    if not recipients:
        return 0
    when = (
        f"We will try again on {invoice.next_attempt_at:%Y-%m-%d %H:%M} UTC."
        if invoice.next_attempt_at
        else "We will not retry automatically; please update your card."
    )
    body = (
        f"The payment of invoice {invoice.number} ({invoice.total} {invoice.currency}) failed: "
        f"{invoice.last_payment_error or 'declined'}.\n{when}\n\n"
        f"Update your card: {settings.SITE_URL}/billing/"
    )
    return send_mail(f"Payment failed for invoice {invoice.number}", body, None, recipients)
