"""The manual gateway: no card network. Ops mark invoices paid; payouts go out as a CSV batch for other rails."""

from __future__ import annotations

from . import ChargeResult


class ManualGateway:
    name = "manual"

    def charge(self, *, invoice, profile, idempotency_key: str) -> ChargeResult:
        # Nothing to call: the seller pays by bank transfer and ops mark the invoice paid.
        return ChargeResult(status="manual")

    def payment_status(self, payment_intent_id: str) -> ChargeResult | None:
        return None
