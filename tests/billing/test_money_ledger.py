import uuid
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from billing import ledger
from billing.models import AccountType, JournalEntry, Posting
from billing.money import Money, minor_exponent, round_money

pytestmark = pytest.mark.django_db

amounts = st.decimals(min_value=Decimal("-100000"), max_value=Decimal("100000"), places=4, allow_nan=False)


def test_round_money_is_half_up_to_the_minor_unit():
    assert round_money(Decimal("1.005"), "USD") == Decimal("1.01")
    assert round_money(Decimal("1.004"), "USD") == Decimal("1.00")
    assert round_money(Decimal("-1.005"), "USD") == Decimal("-1.01")
    assert round_money(Decimal("12.5"), "JPY") == Decimal("13")
    assert round_money(Decimal("1.0005"), "KWD") == Decimal("1.001")
    assert minor_exponent("usd") == 2


def test_floats_are_refused():
    with pytest.raises(TypeError):
        round_money(1.1, "USD")
    with pytest.raises(TypeError):
        Money(1.1, "USD")
    with pytest.raises(ValueError):
        Money(Decimal("1"), "usd")
    with pytest.raises(ValueError):
        Money(Decimal("1"), "USD") + Money(Decimal("1"), "EUR")


@given(amounts)
def test_rounding_is_idempotent_and_within_half_a_cent(value):
    r = round_money(value, "USD")
    assert round_money(r, "USD") == r
    assert abs(r - value) <= Decimal("0.005")


def _accounts(org, profile):
    return (
        ledger.account(AccountType.SELLER_RECEIVABLE, "USD", organization=org),
        ledger.account(AccountType.FREELANCER_PAYABLE, "USD", freelancer=profile),
        ledger.account(AccountType.PLATFORM_REVENUE, "USD"),
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("5000"), places=2), min_size=1, max_size=6))
def test_every_written_entry_balances(org, freelancer_profile, parts):
    receivable, payable, revenue = _accounts(org, freelancer_profile)
    total = sum(parts, Decimal("0"))
    legs = [(receivable, total)] + [(payable, -p) for p in parts]
    key = f"prop-{uuid.uuid4()}"
    entry = ledger.post_entry(key=key, memo="property", legs=legs)
    sums = {}
    for p in entry.postings.all():
        sums[p.currency] = sums.get(p.currency, Decimal("0")) + p.amount
    assert all(v == 0 for v in sums.values())
    assert ledger.trial_balance().get("USD", Decimal("0")) == 0


@given(st.lists(amounts, min_size=2, max_size=6))
def test_unbalanced_or_unrounded_legs_are_refused_before_writing(parts):
    acc = ledger.LedgerAccount(key="x", type=AccountType.GATEWAY_CLEARING, currency="USD")
    legs = [(acc, p, "USD") for p in parts]
    balanced = sum(parts, Decimal("0")) == 0 and all(round_money(p, "USD") == p and p != 0 for p in parts)
    if balanced:
        ledger.check_balanced(legs)
    else:
        with pytest.raises(ledger.UnbalancedEntry):
            ledger.check_balanced(legs)


def test_unbalanced_entry_stores_nothing(org, freelancer_profile):
    receivable, payable, _ = _accounts(org, freelancer_profile)
    with pytest.raises(ledger.UnbalancedEntry):
        ledger.post_entry(key="bad", memo="bad", legs=[(receivable, Decimal("10.00")), (payable, Decimal("-9.99"))])
    assert JournalEntry.objects.count() == 0
    assert Posting.objects.count() == 0


def test_same_key_twice_writes_once_and_reversal_zeroes_balances(org, freelancer_profile):
    receivable, payable, revenue = _accounts(org, freelancer_profile)
    legs = [(receivable, Decimal("12.00")), (payable, Decimal("-10.00")), (revenue, Decimal("-2.00"))]
    first = ledger.post_entry(key="invoice:1", memo="issued", legs=legs)
    again = ledger.post_entry(key="invoice:1", memo="issued", legs=legs)
    assert first.pk == again.pk
    assert Posting.objects.count() == 3
    assert ledger.balances(organization=org) == {("seller_receivable", "USD"): Decimal("12.00")}
    assert ledger.balances(freelancer=freelancer_profile) == {("freelancer_payable", "USD"): Decimal("-10.00")}

    reversal = ledger.reverse_entry(entry=first, memo="void")
    assert reversal.reverses_id == first.pk
    assert ledger.account_balance(receivable) == Decimal("0.00")
    assert ledger.account_balance(payable) == Decimal("0.00")
    assert ledger.reverse_entry(entry=first, memo="void again").pk == reversal.pk


def test_balance_selector_query_count_is_constant(org, freelancer_profile, django_assert_num_queries):
    receivable, payable, _ = _accounts(org, freelancer_profile)
    for i in range(1, 3):
        ledger.post_entry(key=f"k{i}", memo="m", legs=[(receivable, Decimal(i)), (payable, Decimal(-i))])
        with django_assert_num_queries(1):
            ledger.balances(organization=org)


def test_bulk_write_path_checks_every_entry_and_skips_known_keys(org, freelancer_profile):
    receivable, payable, _ = _accounts(org, freelancer_profile)
    good = {"key": "b1", "memo": "m", "legs": [(receivable, Decimal("3.00")), (payable, Decimal("-3.00"))]}
    bad = {"key": "b2", "memo": "m", "legs": [(receivable, Decimal("3.00")), (payable, Decimal("-2.99"))]}
    with pytest.raises(ledger.UnbalancedEntry):
        ledger.post_entries([good, bad])
    assert JournalEntry.objects.count() == 0
    assert ledger.post_entries([good]) == 1
    assert ledger.post_entries([good]) == 0
    assert Posting.objects.count() == 2
    assert ledger.trial_balance() == {"USD": Decimal("0.00")}
