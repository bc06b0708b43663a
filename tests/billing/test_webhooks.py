"""The Stripe webhook: signature on the raw body, each event stored once, processed from current state."""

import json
import time

import pytest
import stripe

from billing import services
from billing.models import AttemptStatus, InvoiceStatus, PaymentAttempt, Payout, StripeEvent
from tests.billing.stripe_helpers import open_invoice, save_card
from tests.billing.test_stripe import FlakyGateway

pytestmark = pytest.mark.django_db
URL = "/billing/stripe/webhook/"
SECRET = "whsec_test_shiftdesk"


def _event(event_id="evt_1", type_="payment_intent.succeeded", obj=None):
    obj = obj or {"id": "pi_x", "object": "payment_intent", "metadata": {}}
    return json.dumps({"id": event_id, "object": "event", "type": type_, "data": {"object": obj}, "created": 1})


def _post(client, payload: str, header: str | None):
    extra = {"HTTP_STRIPE_SIGNATURE": header} if header is not None else {}
    return client.post(URL, data=payload, content_type="application/json", **extra)


def test_unsigned_anonymous_request_is_refused_and_nothing_stored(client, settings):
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    assert _post(client, _event(), None).status_code == 400
    assert client.post(URL).status_code == 400
    assert StripeEvent.objects.count() == 0


def test_forged_and_stale_signatures_are_refused(client, settings):
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    payload = _event()
    forged = stripe.WebhookSignature.generate_signature_header(payload, "whsec_wrong")
    stale = stripe.WebhookSignature.generate_signature_header(payload, SECRET, timestamp=int(time.time()) - 301)
    tampered = stripe.WebhookSignature.generate_signature_header(payload, SECRET)
    assert _post(client, payload, forged).status_code == 400
    assert _post(client, payload, stale).status_code == 400
    assert _post(client, payload.replace("evt_1", "evt_2"), tampered).status_code == 400
    assert StripeEvent.objects.count() == 0


def test_sdk_signed_event_is_stored_once(client, settings, django_capture_on_commit_callbacks):
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    payload = _event()
    header = stripe.WebhookSignature.generate_signature_header(payload, SECRET)
    with django_capture_on_commit_callbacks() as callbacks:
        first = _post(client, payload, header)
        second = _post(client, payload, header)
    assert (first.status_code, first.content) == (200, b"stored")
    assert (second.status_code, second.content) == (200, b"duplicate")
    assert list(StripeEvent.objects.values_list("event_id", "type", "object_id")) == [
        ("evt_1", "payment_intent.succeeded", "pi_x")
    ]
    assert len(callbacks) == 1  # one processing task enqueued


def test_replayed_three_times_and_out_of_order_gives_the_same_state(
    client, stripe_on, seller_owner, org, contract, django_capture_on_commit_callbacks
):
    save_card(stripe_on, seller_owner, org, "4242424242424242")
    invoice = open_invoice(contract)
    flaky = FlakyGateway(stripe_on)  # the charge reaches Stripe but our worker never hears back
    with pytest.raises(Exception):  # noqa: B017
        services.invoice_charge(invoice_id=invoice.pk, gateway=flaky)
    (result,) = flaky.seen.values()
    obj = {"id": result.payment_intent_id, "object": "payment_intent", "metadata": {"invoice": str(invoice.pk)}}
    stale_failure = _event("evt_old", "payment_intent.payment_failed", obj)
    success = _event("evt_new", "payment_intent.succeeded", obj)
    with django_capture_on_commit_callbacks(execute=True):
        for payload in [success, success, stale_failure, success]:
            header = stripe.WebhookSignature.generate_signature_header(payload, SECRET)
            assert _post(client, payload, header).status_code == 200
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    assert StripeEvent.objects.count() == 2
    assert StripeEvent.objects.filter(processed_at__isnull=True).count() == 0
    assert list(PaymentAttempt.objects.values_list("status", flat=True)) == [AttemptStatus.SUCCEEDED]
    assert invoice.entries.count() == 2
    assert Payout.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_events_signed_by_localstripes_webhook_sender(
    live_server, stripe_on, localstripe_url, seller_owner, org, contract
):
    import urllib.parse
    import urllib.request

    body = urllib.parse.urlencode({"url": f"{live_server.url}{URL}", "secret": SECRET}).encode()
    urllib.request.urlopen(urllib.request.Request(f"{localstripe_url}/_config/webhooks/shiftdesk", data=body))  # noqa: S310
    save_card(stripe_on, seller_owner, org, "4242424242424242")
    invoice = open_invoice(contract)
    assert services.invoice_charge(invoice_id=invoice.pk, gateway=stripe_on) == "succeeded"
    attempt = PaymentAttempt.objects.get()

    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if StripeEvent.objects.filter(object_id=attempt.payment_intent_id, processed_at__isnull=False).exists():
            break
        time.sleep(0.2)
    events = StripeEvent.objects.filter(type="payment_intent.succeeded", object_id=attempt.payment_intent_id)
    assert events.exists()
    assert not events.filter(processed_at__isnull=True).exists()
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    assert invoice.entries.filter(idempotency_key=f"payment:{invoice.pk}").count() == 1
