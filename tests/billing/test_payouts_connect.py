from decimal import Decimal

import pytest
from stripe import StripeClient

from billing import ledger, services
from billing.gateways.stripe import StripeGateway
from billing.models import AttemptStatus, PaymentAttempt, Payout, PayoutAccount, PayoutRail, PayoutStatus
from tests.billing.fake_connect import FakeConnect
from tests.billing.stripe_helpers import open_invoice

pytestmark = pytest.mark.django_db


@pytest.fixture
def connect():
    fake = FakeConnect()
    yield fake
    fake.close()


def _paid_by_card(contract, freelancer_profile, ops):
    PayoutAccount.objects.create(
        freelancer=freelancer_profile, rail=PayoutRail.STRIPE_CONNECT, stripe_account_id="acct_1Dana"
    )
    invoice = open_invoice(contract)
    PaymentAttempt.objects.create(
        invoice=invoice,
        number=1,
        gateway="stripe",
        idempotency_key="k1",
        amount=invoice.total,
        currency="USD",
        status=AttemptStatus.SUCCEEDED,
        payment_intent_id="pi_1",
        charge_id="ch_1Card",
    )
    services.invoice_mark_paid(invoice=invoice, via="stripe", charge_id="ch_1Card")
    return invoice


def test_connect_transfer_sends_documented_params_and_headers(connect, contract, freelancer_profile, staff):
    gateway = StripeGateway(StripeClient("sk_test_connect", base_addresses={"api": connect.url}, max_network_retries=0))
    invoice = _paid_by_card(contract, freelancer_profile, staff)
    (payout,) = services.payouts_create(invoice_id=invoice.pk)

    assert services.payout_send(payout_id=payout.pk, gateway=gateway) == "sent"
    assert services.payout_send(payout_id=payout.pk, gateway=gateway) == "skipped"

    (request,) = connect.requests
    assert request["path"] == "/v1/transfers"
    assert request["params"] == {
        "amount": "10000",
        "currency": "usd",
        "destination": "acct_1Dana",
        "transfer_group": f"invoice-{invoice.pk}",
        "source_transaction": "ch_1Card",
        "metadata[payout]": str(payout.pk),
    }
    assert request["headers"]["Idempotency-Key"] == f"payout-{payout.pk}"
    assert request["headers"]["Authorization"] == "Bearer sk_test_connect"
    assert request["headers"]["Stripe-Version"]
    payout.refresh_from_db()
    assert (payout.status, payout.transfer_id) == (PayoutStatus.SENT, "tr_fake1")
    assert ledger.balances(freelancer=freelancer_profile) == {("freelancer_payable", "USD"): Decimal("0.00")}


def test_retry_after_lost_answer_replays_the_same_transfer(connect, contract, freelancer_profile, staff, monkeypatch):
    gateway = StripeGateway(StripeClient("sk_test_connect", base_addresses={"api": connect.url}, max_network_retries=0))
    invoice = _paid_by_card(contract, freelancer_profile, staff)
    (payout,) = services.payouts_create(invoice_id=invoice.pk)
    real = gateway.transfer

    def lost(**kwargs):
        real(**kwargs)
        raise SystemExit("worker killed after the transfer")

    monkeypatch.setattr(gateway, "transfer", lost)
    with pytest.raises(SystemExit):
        services.payout_send(payout_id=payout.pk, gateway=gateway)
    monkeypatch.setattr(gateway, "transfer", real)
    assert services.payout_send(payout_id=payout.pk, gateway=gateway) == "sent"

    assert len(connect.requests) == 2
    assert len(connect.transfers) == 1  # Stripe replayed the first transfer for the same key
    assert Payout.objects.get().transfer_id == "tr_fake1"
    assert payout.entries.count() == 1


def test_fake_rejects_what_stripe_rejects(connect):
    client = StripeClient("sk_test_connect", base_addresses={"api": connect.url}, max_network_retries=0)
    import stripe

    with pytest.raises(stripe.InvalidRequestError, match="unknown parameter: bogus"):
        client.v1.transfers.create(params={"amount": 1, "currency": "usd", "destination": "acct_1", "bogus": "x"})
    client.v1.transfers.create(
        params={"amount": 1, "currency": "usd", "destination": "acct_1"}, options={"idempotency_key": "same"}
    )
    with pytest.raises(stripe.IdempotencyError):
        client.v1.transfers.create(
            params={"amount": 2, "currency": "usd", "destination": "acct_1"}, options={"idempotency_key": "same"}
        )
