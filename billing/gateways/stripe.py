"""Stripe through the official SDK (pinned). The only place where amounts become integer minor units.

- Cards are saved with a SetupIntent (``usage=off_session``) and charged off-session with a PaymentIntent whose
  idempotency key comes from our PaymentAttempt (derived from the invoice), so a retry after a timeout or a 5xx
  can never charge twice at Stripe.
- Payouts use Connect "separate charges and transfers": ``destination``, ``transfer_group`` = the invoice,
  ``source_transaction`` = the charge, idempotency key from the payout.
"""

from __future__ import annotations

from decimal import Decimal

import stripe
from django.conf import settings
from stripe import StripeClient

from ..money import minor_exponent, round_money
from . import ChargeResult, GatewayUnavailable


def to_minor(amount: Decimal, currency: str) -> int:
    return int(round_money(amount, currency).scaleb(minor_exponent(currency)))


def from_minor(units: int, currency: str) -> Decimal:
    return round_money(Decimal(units).scaleb(-minor_exponent(currency)), currency)


class StripeGateway:
    name = "stripe"

    def __init__(self, client: StripeClient):
        self.client = client

    @classmethod
    def from_settings(cls) -> StripeGateway:
        kwargs = {"max_network_retries": 0}
        if settings.STRIPE_API_BASE:
            kwargs["base_addresses"] = {"api": settings.STRIPE_API_BASE}
        return cls(StripeClient(settings.STRIPE_SECRET_KEY, **kwargs))

    # ----------------------------------------------------------- cards
    def customer_create(self, *, email: str, organization_id: int) -> str:
        customer = self._call(
            self.client.v1.customers.create,
            params={"email": email, "metadata": {"organization": str(organization_id)}},
            options={"idempotency_key": f"customer-org-{organization_id}"},
        )
        return customer.id

    def setup_intent_create(self, *, customer_id: str) -> tuple[str, str]:
        si = self._call(
            self.client.v1.setup_intents.create,
            params={"customer": customer_id, "payment_method_types": ["card"], "usage": "off_session"},
        )
        return si.id, si.client_secret

    def setup_intent_retrieve(self, setup_intent_id: str) -> dict | None:
        """The SetupIntent as Stripe has it now (None when Stripe does not know the id)."""
        try:
            si = self._call(self.client.v1.setup_intents.retrieve, setup_intent_id)
        except stripe.InvalidRequestError:
            return None
        data = si.to_dict()
        pm = data.get("payment_method")
        return {
            "id": si.id,
            "status": si.status,
            "customer": data.get("customer") or "",
            "payment_method": (pm.get("id") if isinstance(pm, dict) else pm) or "",
        }

    def payment_method_details(self, payment_method_id: str) -> dict:
        """Brand, last four digits and expiry of a card payment method."""
        pm = self._call(self.client.v1.payment_methods.retrieve, payment_method_id)
        card = pm.to_dict().get("card") or {}
        return {
            "brand": str(card.get("brand") or ""),
            "last4": str(card.get("last4") or ""),
            "exp_month": card.get("exp_month"),
            "exp_year": card.get("exp_year"),
        }

    def payment_intent_client_secret(self, payment_intent_id: str) -> str:
        """The secret Stripe.js needs to run the bank's authentication (3-D Secure) for this PaymentIntent."""
        return self._call(self.client.v1.payment_intents.retrieve, payment_intent_id).client_secret or ""

    # ----------------------------------------------------------- charges
    def charge(self, *, invoice, profile, idempotency_key: str) -> ChargeResult:
        if not profile or not profile.payment_method_id:
            return ChargeResult(status="failed", error="No saved card. Add a card on the billing page.")
        params = {
            "amount": to_minor(invoice.total, invoice.currency),
            "currency": invoice.currency.lower(),
            "customer": profile.stripe_customer_id,
            "payment_method": profile.payment_method_id,
            "off_session": True,
            "confirm": True,
            "metadata": {"invoice": str(invoice.pk), "number": invoice.number},
        }
        try:
            pi = self._call(
                self.client.v1.payment_intents.create, params=params, options={"idempotency_key": idempotency_key}
            )
        except stripe.CardError as exc:
            pi_obj = getattr(exc.error, "payment_intent", None)
            pi_id = (pi_obj.get("id") if isinstance(pi_obj, dict) else getattr(pi_obj, "id", "")) or ""
            status = "requires_action" if exc.code == "authentication_required" else "failed"
            return ChargeResult(status=status, payment_intent_id=pi_id, error=exc.user_message or str(exc))
        return self._result(pi)

    def payment_status(self, payment_intent_id: str) -> ChargeResult:
        """Re-read the PaymentIntent's current state (webhooks trust this, not the event body)."""
        return self._result(self._call(self.client.v1.payment_intents.retrieve, payment_intent_id))

    def _result(self, pi) -> ChargeResult:
        data = pi.to_dict()
        charge = data.get("latest_charge")
        charge_id = charge.get("id") if isinstance(charge, dict) else (charge or "")
        if pi.status == "succeeded":
            return ChargeResult(status="succeeded", payment_intent_id=pi.id, charge_id=charge_id)
        if pi.status == "requires_action":
            return ChargeResult(
                status="requires_action", payment_intent_id=pi.id, error="The bank asks for 3-D Secure authentication."
            )
        if pi.status in ("processing", "requires_confirmation"):
            return ChargeResult(status="pending", payment_intent_id=pi.id)
        err = (data.get("last_payment_error") or {}).get("message") or f"Payment {pi.status}."
        return ChargeResult(status="failed", payment_intent_id=pi.id, charge_id=charge_id, error=err)

    # ----------------------------------------------------------- Connect transfers
    def transfer(self, *, payout, destination: str, charge_id: str, transfer_group: str) -> str:
        tr = self._call(
            self.client.v1.transfers.create,
            params={
                "amount": to_minor(payout.amount, payout.currency),
                "currency": payout.currency.lower(),
                "destination": destination,
                "transfer_group": transfer_group,
                "source_transaction": charge_id,
                "metadata": {"payout": str(payout.pk)},
            },
            options={"idempotency_key": payout.idempotency_key},
        )
        return tr.id

    # -----------------------------------------------------------
    @staticmethod
    def _call(fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (stripe.APIConnectionError, stripe.RateLimitError) as exc:
            raise GatewayUnavailable(str(exc)) from exc
        except stripe.APIError as exc:  # 5xx: outcome unknown
            raise GatewayUnavailable(str(exc)) from exc
