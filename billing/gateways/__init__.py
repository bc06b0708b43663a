"""Payment gateways. ``get_gateway()`` picks Stripe when a secret key is set, otherwise the manual gateway."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings


@dataclass
class ChargeResult:
    """What a gateway says about one charge attempt. ``status``: succeeded, failed, requires_action, manual."""

    status: str
    payment_intent_id: str = ""
    charge_id: str = ""
    error: str = ""
    extra: dict = field(default_factory=dict)


class GatewayUnavailable(Exception):
    """Timeout, connection error or 5xx: the outcome is unknown, retry with the same idempotency key."""


def gateway_name() -> str:
    name = settings.BILLING_GATEWAY
    if name == "auto":
        return "stripe" if settings.STRIPE_SECRET_KEY else "manual"
    return name


def get_gateway(name: str | None = None):
    name = name or gateway_name()
    if name == "stripe":
        from .stripe import StripeGateway

        return StripeGateway.from_settings()
    from .manual import ManualGateway

    return ManualGateway()
