"""The card page, "Pay now" and its 3-D Secure step, against localstripe (a real local Stripe server).

Stripe.js cannot load offline, so what it does in the browser is done here through the API: confirming the
SetupIntent with a test card, and answering the bank's authentication (localstripe's ``_authenticate``).
"""

import re
import urllib.parse
import urllib.request

import pytest

from accounts.models import AuditEvent
from billing import services
from billing.models import AttemptStatus, BillingProfile, InvoiceStatus, PaymentAttempt
from tests.billing.stripe_helpers import open_invoice, save_card

pytestmark = pytest.mark.django_db


@pytest.fixture
def stripe_keys(stripe_on, settings):
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_shiftdesk"
    return stripe_on


def confirm_in_browser(gateway, setup_intent_id: str, number: str) -> str:
    """What Stripe.js does with the card the seller typed: confirm the SetupIntent with it."""
    pm = gateway.client.v1.payment_methods.create(
        params={"type": "card", "card": {"number": number, "exp_month": 12, "exp_year": 2031, "cvc": "123"}}
    )
    gateway.client.v1.setup_intents.confirm(setup_intent_id, params={"payment_method": pm.id})
    return pm.id


def authenticate_in_browser(localstripe_url: str, payment_intent_id: str, client_secret: str) -> None:
    """What stripe.confirmCardPayment does once the seller passes the bank's 3-D Secure check."""
    data = urllib.parse.urlencode({"client_secret": client_secret, "success": "true", "key": "pk_test_shiftdesk"})
    request = urllib.request.Request(  # noqa: S310 - the local test server
        f"{localstripe_url}/v1/payment_intents/{payment_intent_id}/_authenticate", data=data.encode(), method="POST"
    )
    urllib.request.urlopen(request)  # noqa: S310 - the local test server


def card_page_setup_intent(client) -> str:
    response = client.get("/billing/card/")
    assert response.status_code == 200
    return response.context["setup_intent_id"]


# ---------------------------------------------------------------- saving a card
def test_card_page_creates_a_setup_intent_and_loads_stripe_js_with_a_nonce(stripe_keys, client_for, seller_owner, org):
    response = client_for(seller_owner).get("/billing/card/")
    assert response.status_code == 200
    si = stripe_keys.client.v1.setup_intents.retrieve(response.context["setup_intent_id"])
    assert si.customer == BillingProfile.objects.get(organization=org).stripe_customer_id
    assert si.status == "requires_payment_method"
    body = response.content.decode()
    assert f'data-client-secret="{si.client_secret}"' in body
    assert 'data-stripe-key="pk_test_shiftdesk"' in body
    nonce = re.search(r'<script src="https://js.stripe.com/v3/" nonce="([^"]+)"></script>', body).group(1)
    policy = response["Content-Security-Policy"]
    assert f"script-src 'self' https://js.stripe.com 'nonce-{nonce}'" in policy
    assert "frame-src https://js.stripe.com https://hooks.stripe.com" in policy
    assert "connect-src 'self' https://api.stripe.com" in policy


def test_a_confirmed_card_is_saved_and_shown(stripe_keys, client_for, seller_owner, org):
    client = client_for(seller_owner)
    si_id = card_page_setup_intent(client)
    pm_id = confirm_in_browser(stripe_keys, si_id, "4242424242424242")

    response = client.post("/billing/card/save/", {"setup_intent": si_id})
    assert response.status_code == 302
    assert response["Location"] == "/billing/"
    profile = BillingProfile.objects.get(organization=org)
    assert (profile.payment_method_id, profile.card_brand, profile.card_last4) == (pm_id, "visa", "4242")
    assert (profile.card_exp_month, profile.card_exp_year) == (12, 2031)
    event = AuditEvent.objects.get(action="billing.card_saved")
    assert event.data == {"brand": "visa", "last4": "4242", "setup_intent": si_id}
    page = client.get("/billing/").content.decode()
    assert "Invoices are charged to your Visa ending in 4242, expiring 12/2031." in page
    assert ">Replace card</a>" in page
    # The same set-up sent again changes nothing.
    assert client.post("/billing/card/save/", {"setup_intent": si_id}).status_code == 302
    assert AuditEvent.objects.filter(action="billing.card_saved").count() == 1


def test_replacing_the_card_keeps_the_new_one(stripe_keys, client_for, seller_owner, org):
    client = client_for(seller_owner)
    first = card_page_setup_intent(client)
    confirm_in_browser(stripe_keys, first, "4242424242424242")
    client.post("/billing/card/save/", {"setup_intent": first})
    second = card_page_setup_intent(client)
    assert second != first
    pm_id = confirm_in_browser(stripe_keys, second, "4000056655665556")
    assert client.post("/billing/card/save/", {"setup_intent": second}).status_code == 302
    profile = BillingProfile.objects.get(organization=org)
    assert (profile.payment_method_id, profile.card_brand, profile.card_last4) == (pm_id, "visa", "5556")


def test_an_unconfirmed_setup_intent_is_refused(stripe_keys, client_for, seller_owner, org):
    client = client_for(seller_owner)
    si_id = card_page_setup_intent(client)  # the browser never confirmed it
    response = client.post("/billing/card/save/", {"setup_intent": si_id})
    assert response.status_code == 400
    assert "The card is not confirmed yet. Enter it again and follow your bank" in response.content.decode()
    assert BillingProfile.objects.get(organization=org).payment_method_id == ""
    assert not AuditEvent.objects.filter(action="billing.card_saved").exists()


def test_another_customers_setup_intent_is_refused_and_nothing_stored(
    stripe_keys, client_for, seller_owner, org, outsider, other_org
):
    # Globex's own, confirmed set-up …
    globex = client_for(outsider)
    theirs = card_page_setup_intent(globex)
    confirm_in_browser(stripe_keys, theirs, "4242424242424242")
    # … and a SetupIntent of a customer Shiftdesk never made, both sent by Acme's owner.
    stranger = stripe_keys.client.v1.customers.create(params={"email": "mallory@example.test"})
    foreign = stripe_keys.client.v1.setup_intents.create(params={"customer": stranger.id, "usage": "off_session"})
    confirm_in_browser(stripe_keys, foreign.id, "4242424242424242")
    acme = client_for(seller_owner)
    card_page_setup_intent(acme)  # Acme has a Stripe customer of its own

    for si_id in (theirs, foreign.id, "seti_doesnotexist", "pm_notasetupintent", ""):
        response = acme.post("/billing/card/save/", {"setup_intent": si_id})
        assert response.status_code == 400, si_id
    assert "This card set-up is not your organization" in response.content.decode() or si_id == ""
    assert BillingProfile.objects.get(organization=org).payment_method_id == ""
    assert BillingProfile.objects.get(organization=other_org).payment_method_id == ""
    assert not AuditEvent.objects.filter(action="billing.card_saved").exists()


def test_card_pages_are_for_the_sellers_managers_only(stripe_keys, client_for, freelancer, staff, org, seller_owner):
    for user in (freelancer, staff):
        assert client_for(user).get("/billing/card/").status_code == 404
        assert client_for(user).post("/billing/card/save/", {"setup_intent": "seti_x"}).status_code == 404
    assert not BillingProfile.objects.exists()  # no Stripe customer was made for anyone
    assert client_for(seller_owner).get("/billing/card/save/").status_code == 405


def test_without_stripe_the_card_page_gives_the_bank_details(client_for, seller_owner, settings):
    settings.BILLING_BANK_DETAILS = ["Account holder: Shiftdesk Ltd", "IBAN: GB33 BUKB 2020 1555 5555 55"]
    response = client_for(seller_owner).get("/billing/card/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Invoices are paid by bank transfer: pay the total with the invoice number as the reference" in body
    assert "Account holder: Shiftdesk Ltd<br>IBAN: GB33 BUKB 2020 1555 5555 55" in body
    assert "js.stripe.com" not in body
    assert "js.stripe.com" not in response["Content-Security-Policy"]
    assert not BillingProfile.objects.exists()


def test_without_a_publishable_key_no_setup_intent_is_made(stripe_on, client_for, seller_owner):
    response = client_for(seller_owner).get("/billing/card/")
    assert "Card entry is not available right now" in response.content.decode()
    assert "js.stripe.com" not in response.content.decode()
    assert not BillingProfile.objects.exists()


def test_card_page_query_count(client_for, seller_owner, django_assert_num_queries):
    client = client_for(seller_owner)
    client.get("/billing/card/")
    with django_assert_num_queries(7):
        assert client.get("/billing/card/").status_code == 200


# ---------------------------------------------------------------- Pay now
def _failed_invoice(gateway, seller_owner, org, contract, number="4000000000000341"):
    save_card(gateway, seller_owner, org, number)
    invoice = open_invoice(contract)
    services.invoice_charge(invoice_id=invoice.pk, gateway=gateway)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAYMENT_FAILED
    return invoice


def test_pay_now_with_a_good_card_pays_the_invoice_once(stripe_keys, client_for, seller_owner, org, contract):
    invoice = _failed_invoice(stripe_keys, seller_owner, org, contract)
    client = client_for(seller_owner)
    si_id = card_page_setup_intent(client)
    confirm_in_browser(stripe_keys, si_id, "4242424242424242")
    client.post("/billing/card/save/", {"setup_intent": si_id})

    page = client.get(f"/billing/invoices/{invoice.pk}/").content.decode()
    assert f"Pay {invoice.number} now (120.00 USD)" in page
    response = client.post(f"/billing/invoices/{invoice.pk}/pay/", follow=True)
    assert response.redirect_chain == [(f"/billing/invoices/{invoice.pk}/", 302)]
    assert f"Invoice {invoice.number} is paid. Thank you." in response.content.decode()
    invoice.refresh_from_db()
    assert (invoice.status, invoice.paid_via) == (InvoiceStatus.PAID, "stripe")
    assert list(invoice.attempts.values_list("number", "status")) == [(1, "failed"), (2, "succeeded")]
    pi = stripe_keys.client.v1.payment_intents.retrieve(invoice.attempts.get(number=2).payment_intent_id)
    assert (pi.amount, pi.status) == (12000, "succeeded")
    assert AuditEvent.objects.get(action="invoice.pay_now").data == {"outcome": "succeeded", "total": "120.00"}
    # Pressed again (a double submit): nothing more is charged.
    again = client.post(f"/billing/invoices/{invoice.pk}/pay/", follow=True)
    assert f"Invoice {invoice.number} has nothing to pay now." in again.content.decode()
    assert invoice.attempts.count() == 2


def test_pay_now_declined_again_stays_failed_with_the_message(stripe_keys, client_for, seller_owner, org, contract):
    # localstripe declines 4000000000000002 already when it is saved; 4000000000000341 saves, then every charge
    # is declined, which is the case "Pay now" meets.
    invoice = _failed_invoice(stripe_keys, seller_owner, org, contract)
    response = client_for(seller_owner).post(f"/billing/invoices/{invoice.pk}/pay/", follow=True)
    body = response.content.decode()
    assert f"Invoice {invoice.number} is still unpaid: Your card was declined." in body
    invoice.refresh_from_db()
    assert (invoice.status, invoice.last_payment_error) == (InvoiceStatus.PAYMENT_FAILED, "Your card was declined.")
    assert list(invoice.attempts.values_list("number", "status")) == [(1, "failed"), (2, "failed")]
    assert not invoice.entries.filter(idempotency_key=f"payment:{invoice.pk}").exists()


def test_pay_now_runs_3d_secure_and_records_what_stripe_says(
    stripe_keys, localstripe_url, client_for, seller_owner, org, contract
):
    customer = stripe_keys.client.v1.customers.create(params={"email": "alice@acme.test"})
    pm = stripe_keys.client.v1.payment_methods.create(
        params={"type": "card", "card": {"number": "4000002500003155", "exp_month": 12, "exp_year": 2031, "cvc": "123"}}
    )
    stripe_keys.client.v1.payment_methods.attach(pm.id, params={"customer": customer.id})
    BillingProfile.objects.create(organization=org, stripe_customer_id=customer.id, payment_method_id=pm.id)
    invoice = open_invoice(contract)
    assert services.invoice_charge(invoice_id=invoice.pk, gateway=stripe_keys) == AttemptStatus.REQUIRES_ACTION
    attempt = PaymentAttempt.objects.get()
    client = client_for(seller_owner)

    response = client.post(f"/billing/invoices/{invoice.pk}/pay/")
    assert response.status_code == 200
    secret = stripe_keys.client.v1.payment_intents.retrieve(attempt.payment_intent_id).client_secret
    body = response.content.decode()
    assert f'data-client-secret="{secret}"' in body
    assert f'action="/billing/invoices/{invoice.pk}/pay/confirm/"' in body
    assert "https://js.stripe.com" in response["Content-Security-Policy"]
    assert PaymentAttempt.objects.count() == 1  # the bank's question is answered, not a second charge made

    # Posted back before the bank said yes: still unpaid.
    early = client.post(f"/billing/invoices/{invoice.pk}/pay/confirm/", follow=True)
    assert f"Your bank has not confirmed the payment of invoice {invoice.number} yet." in early.content.decode()
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAYMENT_FAILED

    authenticate_in_browser(localstripe_url, attempt.payment_intent_id, secret)
    done = client.post(f"/billing/invoices/{invoice.pk}/pay/confirm/", follow=True)
    assert f"Invoice {invoice.number} is paid. Thank you." in done.content.decode()
    invoice.refresh_from_db()
    attempt.refresh_from_db()
    assert (invoice.status, attempt.status) == (InvoiceStatus.PAID, AttemptStatus.SUCCEEDED)
    assert attempt.charge_id.startswith("ch_")
    assert invoice.entries.filter(idempotency_key=f"payment:{invoice.pk}").count() == 1
    assert client.post(f"/billing/invoices/{invoice.pk}/pay/confirm/").status_code == 302
    assert invoice.entries.filter(idempotency_key=f"payment:{invoice.pk}").count() == 1


def test_pay_now_is_the_sellers_own(
    stripe_keys, client_for, seller_owner, seller_member, org, contract, outsider, freelancer, staff
):
    invoice = _failed_invoice(stripe_keys, seller_owner, org, contract)
    for user in (outsider, freelancer, staff):
        assert client_for(user).post(f"/billing/invoices/{invoice.pk}/pay/").status_code == 404
        assert client_for(user).post(f"/billing/invoices/{invoice.pk}/pay/confirm/").status_code == 404
    assert client_for(seller_owner).get(f"/billing/invoices/{invoice.pk}/pay/").status_code == 405
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAYMENT_FAILED
    assert invoice.attempts.count() == 1
    assert not AuditEvent.objects.filter(action="invoice.pay_now").exists()
    # A manager of the same seller may.
    assert client_for(seller_member).post(f"/billing/invoices/{invoice.pk}/pay/").status_code == 302
    assert invoice.attempts.count() == 2


def test_pay_now_with_the_manual_gateway_charges_nothing(client_for, seller_owner, contract):
    invoice = open_invoice(contract)
    response = client_for(seller_owner).post(f"/billing/invoices/{invoice.pk}/pay/", follow=True)
    assert "Invoices are paid by bank transfer; there is no card to charge." in response.content.decode()
    assert PaymentAttempt.objects.count() == 0


def test_invoice_page_with_pay_now_query_count(
    stripe_keys, client_for, seller_owner, org, contract, django_assert_num_queries
):
    invoice = _failed_invoice(stripe_keys, seller_owner, org, contract)
    client = client_for(seller_owner)
    client.get(f"/billing/invoices/{invoice.pk}/")
    with django_assert_num_queries(9):
        body = client.get(f"/billing/invoices/{invoice.pk}/").content.decode()
    assert f"Pay {invoice.number} now (120.00 USD)" in body
    assert "The last charge failed: Your card was declined." in body
