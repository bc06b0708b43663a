"""Money that explains itself: invoice, earnings and bonus lines show pay, fee and billed with the arithmetic."""

import datetime as dt
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from hypothesis import given
from hypothesis import strategies as st

from billing import services, sources
from billing.breakdown import bonus_amount, bonus_billed, bonus_breakdown, time_amounts, time_breakdown
from billing.models import InvoiceLine, LineKind
from marketplace.services import bill_rate_for
from tests.billing.factories import WEEK, approved_timesheet

pytestmark = pytest.mark.django_db

TIERS = [{"min_iqs": "90", "percent": "5"}, {"min_iqs": "95", "percent": "8"}]
NEXT_WEEK = WEEK + dt.timedelta(days=7)
AFTER_WINDOW = WEEK + dt.timedelta(days=14)
FEE = Decimal(settings.PLATFORM_FEE_RATE)


# ---------------------------------------------------------------- the pure breakdown
money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("500.00"), places=2)


@given(minutes=st.integers(min_value=1, max_value=80 * 60), pay_rate=money)
def test_an_hours_line_breakdown_adds_up_to_the_stored_amounts(minutes, pay_rate):
    """Whatever the hours and rate, the displayed parts are the stored amounts and the arithmetic reproduces them."""
    hours = Decimal(minutes) / 60
    bill_rate = bill_rate_for(pay_rate)
    pay, billed = time_amounts(hours=hours, pay_rate=pay_rate, bill_rate=bill_rate, currency="USD")
    b = time_breakdown(
        quantity=hours.quantize(Decimal("0.0001")),
        unit_price=bill_rate,
        amount=billed,
        pay_amount=pay,
        pay_rate=pay_rate,
        currency="USD",
        fee_rate=FEE,
    )
    assert (b.pay, b.fee, b.billed) == (pay, billed - pay, billed)
    assert b.pay + b.fee == b.billed
    assert (b.pay_rate, b.bill_rate, b.fee_percent) == (pay_rate, bill_rate, Decimal("20.00"))


@given(base=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("5000.00"), places=2), tier=st.sampled_from(TIERS))
def test_a_percent_bonus_breakdown_adds_up_to_the_stored_amounts(base, tier):
    percent = Decimal(tier["percent"])
    pay = bonus_amount(base=base, percent=percent, currency="USD")
    billed = bonus_billed(amount=pay, fee_rate=FEE, currency="USD")
    iqs = tier["min_iqs"]
    evidence = {"iqs": iqs, "earnings": str(base), "rule": {"tiers": TIERS}}
    b = bonus_breakdown(amount=billed, pay_amount=pay, evidence=evidence, currency="USD", fee_rate=FEE)
    assert (b.percent, b.base, b.pay, b.fee, b.billed) == (percent, base, pay, billed - pay, billed)
    assert b.pay + b.fee == b.billed
    assert b.fee_percent == Decimal("20.00")


def test_arithmetic_that_does_not_reproduce_the_line_is_not_shown():
    """A rate that would not give the stored pay (or evidence that does not) is left out; the amounts stay."""
    b = time_breakdown(
        quantity=Decimal("10"),
        unit_price=Decimal("12.00"),
        amount=Decimal("120.00"),
        pay_amount=Decimal("100.00"),
        pay_rate=Decimal("9.00"),
        currency="USD",
        fee_rate=FEE,
    )
    assert (b.pay_rate, b.bill_rate) == (None, None)
    assert (b.pay, b.fee, b.billed) == (Decimal("100.00"), Decimal("20.00"), Decimal("120.00"))
    one_off = bonus_breakdown(
        amount=Decimal("30.00"), pay_amount=Decimal("25.00"), evidence={}, currency="USD", fee_rate=FEE
    )
    assert (one_off.percent, one_off.fixed, one_off.fee) == (None, True, Decimal("5.00"))
    assert one_off.fee_percent == Decimal("20.00")
    wrong = {"iqs": "96", "earnings": "100.00", "rule": {"tiers": TIERS}}  # 8 % of 100 is not 23.40
    b = bonus_breakdown(amount=Decimal("28.08"), pay_amount=Decimal("23.40"), evidence=wrong, currency="USD")
    assert (b.percent, b.base, b.pay) == (None, None, Decimal("23.40"))


# ---------------------------------------------------------------- on the pages
def rows(html: str, selector: str) -> list[list[str]]:
    table = BeautifulSoup(html, "html.parser").select_one(selector)
    return [[" ".join(c.get_text(" ", strip=True).split()) for c in tr.find_all(["td", "th"])] for tr in table("tr")]


@pytest.fixture
def qa(monkeypatch):
    """The QA engine's answer for the week: IQS 96 over 5 reviews, no critical fail (the 8 % tier)."""
    monkeypatch.setattr(sources, "iqs", lambda freelancer, contract, start, end: (Decimal("96.00"), [1, 2, 3, 4, 5], 0))


@pytest.fixture
def billed_week(contract, seller_owner, qa):
    """29.25 h at 10.00 / 12.00 billed for WEEK; its 8 % QA bonus billed with the next week's 1 h."""
    approved_timesheet(contract, 1755)
    hours_invoice = services.invoices_generate(week_start=WEEK)[0]
    services.bonus_rule_set(actor=seller_owner, contract=contract, tiers=TIERS)
    (bonus,) = services.bonuses_evaluate(period_start=WEEK, today=AFTER_WINDOW)
    approved_timesheet(contract, 60, week_start=NEXT_WEEK)
    bonus_invoice = services.invoices_generate(week_start=NEXT_WEEK)[0]
    return hours_invoice, bonus_invoice, bonus


def test_invoice_lines_show_pay_fee_and_billed_with_their_arithmetic(client_for, seller_owner, billed_week):
    hours_invoice, bonus_invoice, bonus = billed_week
    assert bonus.amount == Decimal("23.40")
    body = client_for(seller_owner).get(f"/billing/invoices/{hours_invoice.pk}/").content.decode()
    assert rows(body, "table.money-lines") == [
        ["Description", "Freelancer", "To the freelancer", "Platform fee", "Billed"],
        [
            "Customer support (e-mail): 29.25 h × 12.00 USD",
            str(hours_invoice.lines.get().contract.freelancer),
            "29.25 h × 10.00 = 292.50",
            "58.50 (20 %)",
            "29.25 h × 12.00 = 351.00 USD",
        ],
        ["Total", "292.50", "58.50", "351.00 USD"],
        ["292.50 USD goes to the freelancers and 58.50 USD is the Shiftdesk platform fee: 351.00 USD in all."],
    ]
    body = client_for(seller_owner).get(f"/billing/invoices/{bonus_invoice.pk}/").content.decode()
    table = rows(body, "table.money-lines")
    bonus_row = table[2]
    assert bonus_row[2:] == ["8 % of 292.50 = 23.40", "4.68 (20 %)", "28.08 USD"]
    assert table[1][2:] == ["1 h × 10.00 = 10.00", "2.00 (20 %)", "1 h × 12.00 = 12.00 USD"]
    assert table[3] == ["Total", "33.40", "6.68", "40.08 USD"]
    # The figures are the stored lines' own.
    line = InvoiceLine.objects.get(invoice=bonus_invoice, kind=LineKind.BONUS)
    assert (line.pay_amount, line.amount - line.pay_amount, line.amount) == (
        Decimal("23.40"),
        Decimal("4.68"),
        Decimal("28.08"),
    )


def test_the_freelancer_sees_what_they_get_the_fee_and_what_the_seller_is_billed(client_for, freelancer, billed_week):
    body = client_for(freelancer).get("/billing/earnings/").content.decode()
    assert rows(body, "#work-heading + table") == [
        ["Week of", "Seller", "What", "You earn", "Platform fee", "The seller is billed", "Invoice status"],
        [
            "16 Mar 2026",
            "Acme Store",
            "Hours: Customer support (e-mail)",
            "1 h × 10.00 = 10.00 USD",
            "2.00 (20 %)",
            "12.00 USD",
            "Open",
        ],
        [
            "16 Mar 2026",
            "Acme Store",
            "Bonus: Customer support (e-mail)",
            "8 % of 292.50 = 23.40 USD",
            "4.68 (20 %)",
            "28.08 USD",
            "Open",
        ],
        [
            "9 Mar 2026",
            "Acme Store",
            "Hours: Customer support (e-mail)",
            "29.25 h × 10.00 = 292.50 USD",
            "58.50 (20 %)",
            "351.00 USD",
            "Open",
        ],
    ]
    bonus_item = BeautifulSoup(body, "html.parser").select_one("#bonus-heading + ul li strong")
    assert bonus_item.get_text(" ", strip=True) == "QA bonus, week of 9 Mar 2026 — 8 % of 292.50 = 23.40 USD"


def test_another_seller_sees_nothing_of_the_lines(client_for, outsider, freelancer_no_contract, billed_week):
    hours_invoice, bonus_invoice, _ = billed_week
    for invoice in (hours_invoice, bonus_invoice):
        assert client_for(outsider).get(f"/billing/invoices/{invoice.pk}/").status_code == 404
    body = client_for(outsider).get("/billing/").content.decode()
    assert hours_invoice.number not in body and "292.50" not in body
    earnings = client_for(freelancer_no_contract).get("/billing/earnings/").content.decode()
    assert "292.50" not in earnings and "23.40" not in earnings


def test_invoice_and_earnings_query_counts_do_not_grow_with_lines(
    client_for, seller_owner, freelancer, contract, org, django_assert_num_queries
):
    from tests.marketplace.factories import ContractFactory

    approved_timesheet(contract, 600)
    invoice = services.invoices_generate(week_start=WEEK)[0]
    seller, worker = client_for(seller_owner), client_for(freelancer)
    seller.get(f"/billing/invoices/{invoice.pk}/")
    worker.get("/billing/earnings/")
    with django_assert_num_queries(9):
        assert seller.get(f"/billing/invoices/{invoice.pk}/").status_code == 200
    with django_assert_num_queries(9):
        assert worker.get("/billing/earnings/").status_code == 200
    week = NEXT_WEEK
    for n in range(3):
        approved_timesheet(contract, 60 * (n + 1), week_start=week)
        approved_timesheet(ContractFactory(organization=org), 90, week_start=week)
        week += dt.timedelta(days=7)
    services.invoices_generate(week_start=NEXT_WEEK)
    big = services.invoices_generate(week_start=NEXT_WEEK + dt.timedelta(days=7))[0]
    with django_assert_num_queries(9):
        assert seller.get(f"/billing/invoices/{big.pk}/").status_code == 200
    with django_assert_num_queries(9):
        assert worker.get("/billing/earnings/").status_code == 200
