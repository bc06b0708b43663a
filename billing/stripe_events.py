"""Reading a Stripe webhook request: the signature over the raw body, then the event's own shape.

A correctly signed body can still be unusable (not JSON, not an object, no event ``id`` or ``type``); each
such request is refused with a 400 that says why, before anything is stored.
"""

from __future__ import annotations

import json

import stripe
from django.conf import settings
from django.utils.translation import gettext_lazy as _

MAX_ID_LENGTH = 80  # StripeEvent.event_id / type / object_id columns


class WebhookRejected(Exception):
    """The request is not a usable Stripe event; the message says why."""


def stripe_event_from_request(*, body: bytes, signature: str | None) -> dict:
    """The verified event as a dict with a string ``id`` and ``type``, or ``WebhookRejected``."""
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret or not signature:
        raise WebhookRejected(_("Missing signature."))
    try:
        stripe.WebhookSignature.verify_header(body, signature, secret, settings.STRIPE_WEBHOOK_TOLERANCE)
        event = json.loads(body)
    except (ValueError, stripe.SignatureVerificationError) as exc:  # UnicodeDecodeError is a ValueError
        raise WebhookRejected(_("Invalid signature or payload.")) from exc
    if not isinstance(event, dict):
        raise WebhookRejected(_("The event must be a JSON object."))
    for key in ("id", "type"):
        value = event.get(key)
        if not isinstance(value, str) or not value.strip() or len(value) > MAX_ID_LENGTH:
            raise WebhookRejected(_("The event needs a string “%(key)s” of 1 to 80 characters.") % {"key": key})
    data = event.get("data")
    if data is not None and not (isinstance(data, dict) and isinstance(data.get("object", {}), dict)):
        raise WebhookRejected(_("The event's “data.object” must be a JSON object."))
    return event
