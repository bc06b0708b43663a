"""Cards and charges against localstripe, a real local Stripe server (official SDK, pinned)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import AuditEvent
from billing import cycle, ledger, services
from billing.gateways import ChargeResult, GatewayUnavailable
from billing.gateways.stripe import from_minor, to_minor
from billing.models import AttemptStatus, BillingProfile, Invoice, InvoiceStatus, PaymentAttempt
from marketplace.models import ContractStatus
from tests.billing.stripe_helpers import open_invoice, save_card

pytestmark = pytest.mark.django_db


def test_minor_units_only_at_the_edge():
    assert to_minor(Decimal("12.34"), "USD") == 1234
    assert to_minor(Decimal("500"), "JPY") == 500
    assert from_minor(1234, "USD") == Decimal("12.34")


def test_save_card_with_setup_intent(stripe_on, seller_owner, org):
    profile = save_card(stripe_on, seller_owner, org, "4242424242424242")
    assert profile.stripe_customer_id.startswith("cus_")
    assert profile.payment_method_id.startswith("pm_")
    assert profile.card_last4 == "4242"


def test_declined_card_is_not_saved(stripe_on, seller_owner, org):
    with pytest.raises(ValidationError) as exc:
        save_card(stripe_on, seller_owner, org, "4000000000000002")
    assert exc.value.message_dict == {
        "card": ["The card is not confirmed yet. Enter it again and follow your bank's steps."]
    }
    profile = BillingProfile.objects.get(organization=org)
    assert (profile.payment_method_id, profile.card_brand, profile.card_last4) == ("", "", "")
    assert not AuditEvent.objects.filter(action="billing.card_saved").exists()


def test_off_session_charge_pays_the_invoice_once(
    stripe_on, seller_owner, org, contract, django_capture_on_commit_callbacks
):
    save_card(stripe_on, seller_owner, org, "4242424242424242")
    invoice = open_invoice(contract)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.invoice_charge(invoice_id=invoice.pk, gateway=stripe_on) == "succeeded"
    invoice.refresh_from_db()
    attempt = PaymentAttempt.objects.get()
    assert invoice.status == InvoiceStatus.PAID
    assert attempt.idempotency_key == f"invoice-{invoice.pk}-{invoice.number}-attempt-1"
    pi = stripe_on.client.v1.payment_intents.retrieve(attempt.payment_intent_id)
    assert (pi.amount, pi.currency, pi.status) == (12000, "usd", "succeeded")
    assert attempt.charge_id.startswith("ch_")
    # A second run finds nothing to charge.
    assert services.invoice_charge(invoice_id=invoice.pk, gateway=stripe_on) == "skipped"
    assert cycle.charge_due(stripe_on) == 0
    assert PaymentAttempt.objects.count() == 1
    assert invoice.payouts.count() == 1
    assert cycle.reconcile() == []


def test_decline_schedules_retry_notifies_and_pauses_after_n(
    stripe_on, settings, seller_owner, org, contract, django_capture_on_commit_callbacks
):
    settings.BILLING_PAUSE_AFTER_FAILURES = 2
    save_card(stripe_on, seller_owner, org, "4000000000000341")  # attaches, then every charge is declined
    invoice = open_invoice(contract)

    with django_capture_on_commit_callbacks(execute=True):
        assert services.invoice_charge(invoice_id=invoice.pk, gateway=stripe_on) == AttemptStatus.FAILED
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAYMENT_FAILED
    assert invoice.last_payment_error == "Your card was declined."
    assert invoice.next_attempt_at - timezone.now() > dt.timedelta(hours=23)
    assert [m.to for m in mail.outbox] == [["alice@acme.test"]]
    assert "failed" in mail.outbox[0].subject
    contract.refresh_from_db()
    assert contract.status == ContractStatus.ACTIVE
    # Not due yet: nothing happens.
    assert services.invoice_charge(invoice_id=invoice.pk, gateway=stripe_on) == "skipped"

    Invoice.objects.filter(pk=invoice.pk).update(next_attempt_at=timezone.now())
    assert services.invoice_charge(invoice_id=invoice.pk, gateway=stripe_on) == AttemptStatus.FAILED
    contract.refresh_from_db()
    assert contract.status == ContractStatus.PAUSED
    assert PaymentAttempt.objects.filter(invoice=invoice).count() == 2
    assert ledger.balances(organization=org) == {("seller_receivable", "USD"): Decimal("120.00")}


def test_three_d_secure_is_reported_not_paid(stripe_on, seller_owner, org, contract):
    BillingProfile.objects.create(organization=org)
    customer = stripe_on.client.v1.customers.create(params={"email": "alice@acme.test"})
    pm = stripe_on.client.v1.payment_methods.create(
        params={"type": "card", "card": {"number": "4000002500003155", "exp_month": 12, "exp_year": 2031, "cvc": "123"}}
    )
    stripe_on.client.v1.payment_methods.attach(pm.id, params={"customer": customer.id})
    BillingProfile.objects.filter(organization=org).update(stripe_customer_id=customer.id, payment_method_id=pm.id)
    invoice = open_invoice(contract)

    assert services.invoice_charge(invoice_id=invoice.pk, gateway=stripe_on) == AttemptStatus.REQUIRES_ACTION
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAYMENT_FAILED
    assert invoice.last_payment_error == "The bank asks for 3-D Secure authentication."


class FlakyGateway:
    """Wraps the real gateway: the first call reaches Stripe but the answer is lost (a timeout)."""

    name = "stripe"

    def __init__(self, inner):
        self.inner, self.calls, self.seen = inner, 0, {}

    def charge(self, *, invoice, profile, idempotency_key):
        self.calls += 1
        # Stripe replays the first result of an idempotency key; localstripe ignores the header, so we keep it here.
        if idempotency_key not in self.seen:
            self.seen[idempotency_key] = self.inner.charge(
                invoice=invoice, profile=profile, idempotency_key=idempotency_key
            )
        if self.calls == 1:
            raise GatewayUnavailable("Read timed out")
        return self.seen[idempotency_key]


def test_timeout_mid_charge_then_retry_charges_once(stripe_on, seller_owner, org, contract):
    save_card(stripe_on, seller_owner, org, "4242424242424242")
    invoice = open_invoice(contract)
    flaky = FlakyGateway(stripe_on)
    with pytest.raises(GatewayUnavailable):
        services.invoice_charge(invoice_id=invoice.pk, gateway=flaky)
    attempt = PaymentAttempt.objects.get()
    assert attempt.status == AttemptStatus.PENDING

    assert services.invoice_charge(invoice_id=invoice.pk, gateway=flaky) == "succeeded"
    assert PaymentAttempt.objects.count() == 1
    assert len(flaky.seen) == 1  # one idempotency key → one PaymentIntent at Stripe
    customer = BillingProfile.objects.get().stripe_customer_id
    intents = [pi for pi in stripe_on.client.v1.payment_intents.list().data if pi.customer == customer]
    assert [pi.status for pi in intents] == ["succeeded"]


def test_crash_after_charge_before_ledger_rerun_completes_once(stripe_on, seller_owner, org, contract, monkeypatch):
    save_card(stripe_on, seller_owner, org, "4242424242424242")
    invoice = open_invoice(contract)
    real = services.payment_result_record

    def crash(**kwargs):
        raise SystemExit("worker killed")

    monkeypatch.setattr(services, "payment_result_record", crash)
    replay = FlakyGateway(stripe_on)
    replay.calls = 1  # no timeout, just remember the key's first result as Stripe would
    with pytest.raises(SystemExit):
        services.invoice_charge(invoice_id=invoice.pk, gateway=replay)
    monkeypatch.setattr(services, "payment_result_record", real)

    assert services.invoice_charge(invoice_id=invoice.pk, gateway=replay) == "succeeded"
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    assert len(replay.seen) == 1
    assert invoice.entries.filter(idempotency_key=f"payment:{invoice.pk}").count() == 1
    assert cycle.reconcile() == []


def test_manual_gateway_never_calls_out(contract, seller_owner, org):
    invoice = open_invoice(contract)
    assert services.invoice_charge(invoice_id=invoice.pk) == "manual"
    assert PaymentAttempt.objects.count() == 0


def test_result_recording_is_idempotent(stripe_on, seller_owner, org, contract):
    invoice = open_invoice(contract)
    attempt = PaymentAttempt.objects.create(
        invoice=invoice, number=1, gateway="stripe", idempotency_key="k", amount=invoice.total, currency="USD"
    )
    ok = ChargeResult(status="succeeded", payment_intent_id="pi_1", charge_id="ch_1")
    assert services.payment_result_record(attempt_id=attempt.pk, result=ok) == "succeeded"
    assert services.payment_result_record(attempt_id=attempt.pk, result=ok) == "succeeded"
    assert (
        services.payment_result_record(
            attempt_id=attempt.pk, result=ChargeResult(status="failed", payment_intent_id="pi_1")
        )
        == "succeeded"
    )
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    assert invoice.entries.count() == 2
