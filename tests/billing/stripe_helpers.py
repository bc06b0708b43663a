import contextlib

import stripe

from billing import services
from billing.models import Invoice
from tests.billing.factories import WEEK, approved_timesheet


def save_card(gateway, actor, org, number: str):
    """The card page's round trip: a SetupIntent, Stripe.js confirming it with the card, then the server keeping
    the card once Stripe says the set-up succeeded."""
    setup_intent_id, secret = services.card_setup_start(actor=actor, organization=org, gateway=gateway)
    pm = gateway.client.v1.payment_methods.create(
        params={"type": "card", "card": {"number": number, "exp_month": 12, "exp_year": 2031, "cvc": "123"}}
    )
    with contextlib.suppress(stripe.CardError):  # declined in the browser: the SetupIntent stays unconfirmed
        gateway.client.v1.setup_intents.confirm(setup_intent_id, params={"payment_method": pm.id})
    return services.card_save_from_setup_intent(
        actor=actor, organization=org, setup_intent_id=setup_intent_id, gateway=gateway
    )


def open_invoice(contract, minutes=600) -> Invoice:
    approved_timesheet(contract, minutes)
    (invoice,) = services.invoices_generate(week_start=WEEK)
    return invoice
