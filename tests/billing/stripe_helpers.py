from billing import services
from billing.models import Invoice
from tests.billing.factories import WEEK, approved_timesheet


def save_card(gateway, actor, org, number: str):
    setup_intent_id, secret = services.card_setup_start(actor=actor, organization=org, gateway=gateway)
    pm = gateway.client.v1.payment_methods.create(
        params={"type": "card", "card": {"number": number, "exp_month": 12, "exp_year": 2031, "cvc": "123"}}
    )
    return services.card_save(
        actor=actor, organization=org, setup_intent_id=setup_intent_id, payment_method_id=pm.id, gateway=gateway
    )


def open_invoice(contract, minutes=600) -> Invoice:
    approved_timesheet(contract, minutes)
    (invoice,) = services.invoices_generate(week_start=WEEK)
    return invoice
