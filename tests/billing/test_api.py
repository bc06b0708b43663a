import datetime as dt
from decimal import Decimal

import pytest

from billing import services
from billing.models import Bonus
from tests.billing.factories import WEEK, approved_timesheet
from tests.marketplace.factories import ContractFactory

pytestmark = pytest.mark.django_db


def _issue(contract, week=WEEK, minutes=600):
    approved_timesheet(contract, minutes, week_start=week)
    return services.invoices_generate(week_start=week)[0]


def test_invoice_list_is_scoped_and_query_count_constant(
    client_for, seller_owner, outsider, contract, other_contract, org, django_assert_num_queries
):
    mine = _issue(contract)
    _issue(other_contract)
    client = client_for(seller_owner)
    client.get("/api/billing/invoices/")
    with django_assert_num_queries(8):
        body = client.get("/api/billing/invoices/").json()
    assert [i["number"] for i in body["results"]] == [mine.number]
    assert body["results"][0]["total"] == "120.00"
    assert body["results"][0]["lines"][0]["amount"] == "120.00"
    for n in range(1, 4):
        _issue(ContractFactory(organization=org), week=WEEK + dt.timedelta(days=7 * n))
    with django_assert_num_queries(8):
        assert client.get("/api/billing/invoices/").json()["count"] == 4
    assert client_for(outsider).get(f"/api/billing/invoices/{mine.pk}/").status_code == 404


def test_freelancer_sees_only_own_payouts(client_for, freelancer, freelancer_no_contract, contract, staff):
    invoice = _issue(contract)
    services.invoice_mark_paid(invoice=invoice, actor=staff, via="manual")
    services.payouts_create(invoice_id=invoice.pk)
    body = client_for(freelancer).get("/api/billing/payouts/").json()
    assert [(p["amount"], p["status"]) for p in body["results"]] == [("100.00", "pending")]
    assert client_for(freelancer_no_contract).get("/api/billing/payouts/").json()["count"] == 0
    assert client_for(freelancer).get("/api/billing/invoices/").json()["count"] == 0


def test_one_off_bonus_api_rejects_bad_input_field_keyed(client_for, seller_owner, outsider, contract):
    client = client_for(seller_owner)
    bad = client.post("/api/billing/bonuses/", {"contract": contract.pk, "amount": "0", "message": ""})
    assert bad.status_code == 400
    assert set(bad.json()) == {"message", "amount"}
    assert Bonus.objects.count() == 0
    other = client_for(outsider).post("/api/billing/bonuses/", {"contract": contract.pk, "amount": "5", "message": "x"})
    assert other.status_code == 400
    assert "contract" in other.json()
    ok = client.post("/api/billing/bonuses/", {"contract": contract.pk, "amount": "12.50", "message": "Great week"})
    assert ok.status_code == 201
    assert (ok.json()["amount"], ok.json()["kind"]) == ("12.50", "one_off")
    assert Bonus.objects.get().amount == Decimal("12.50")
