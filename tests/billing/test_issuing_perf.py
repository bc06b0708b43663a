"""Set-based billing: the query count of issuing per chunk, and bulk issuing ≡ issuing one seller at a time."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import AuditEvent
from billing import cycle, services
from billing.models import (
    Bonus,
    BonusKind,
    BonusStatus,
    Invoice,
    InvoiceCounter,
    InvoiceStatus,
    JournalEntry,
    Payout,
    Posting,
)
from tests.accounts.factories import OrganizationFactory
from tests.billing.factories import WEEK, approved_timesheet
from tests.marketplace.factories import ContractFactory

pytestmark = pytest.mark.django_db


def _sellers(count: int, *, contracts: int = 2, week: dt.date = WEEK, bonus: bool = False) -> list[int]:
    orgs = []
    for _ in range(count):
        org = OrganizationFactory()
        for k in range(contracts):
            c = ContractFactory(organization=org, pay_rate=Decimal("9.25"), bill_rate=Decimal("11.10"))
            approved_timesheet(c, 95 + 60 * k, week_start=week)
        if bonus:
            Bonus.objects.create(
                contract=c,
                kind=BonusKind.ONE_OFF,
                status=BonusStatus.EARNED,
                period_start=week,
                amount=Decimal("12.50"),
                currency="USD",
                message="Thanks for the weekend",
            )
        orgs.append(org.pk)
    return orgs


@pytest.fixture
def counter():
    """The year's counter exists (its first use adds an insert, once a year)."""
    return InvoiceCounter.objects.create(year=timezone.now().year)


# A chunk: sellers page, time, contracts, bonus keys, drafts insert, drafts lock, bonus lock, lines insert,
# numbers, invoices update, ledger accounts (read, insert the new ones, read back), entries, postings, the
# savepoints of the chunk and of the ledger write; plus the final empty sellers page.
CHUNK_QUERIES = 20


@pytest.mark.parametrize("sellers", [1, 6])
def test_issuing_a_chunk_costs_the_same_queries_for_any_number_of_sellers(sellers, counter, django_assert_num_queries):
    _sellers(sellers)
    with django_assert_num_queries(CHUNK_QUERIES):
        issued = services.invoices_generate(week_start=WEEK, chunk_size=10)
    assert len(issued) == sellers
    assert JournalEntry.objects.count() == sellers
    assert Posting.objects.count() == 4 * sellers  # receivable, two payables, revenue


@pytest.mark.parametrize("sellers", [1, 4])
def test_billing_bonuses_adds_one_query_per_chunk_not_per_seller(sellers, counter, django_assert_num_queries):
    _sellers(sellers, bonus=True)
    with django_assert_num_queries(CHUNK_QUERIES + 1):  # the bonuses linked to their lines, in one update
        issued = services.invoices_generate(week_start=WEEK, chunk_size=10)
    assert len(issued) == sellers
    assert Bonus.objects.filter(invoice_line__isnull=False).count() == sellers


def test_each_chunk_is_its_own_fixed_cost(counter, django_assert_num_queries):
    _sellers(5)
    # Three chunks (2 + 2 + 1 sellers), each a page read and the chunk's queries; then the empty page.
    with django_assert_num_queries(3 * (CHUNK_QUERIES - 1) + 1):
        issued = services.invoices_generate(week_start=WEEK, chunk_size=2)
    year = timezone.now().year
    assert [i.number for i in issued] == [f"{year}-{n:06d}" for n in range(1, 6)]
    assert InvoiceCounter.objects.get(year=year).last_number == 5


def _snapshot() -> dict:
    """Everything issuing writes, with database ids replaced by what they stand for."""
    invoices = {}
    for inv in Invoice.objects.order_by("organization_id", "currency"):
        entry = inv.entries.get()
        invoices[(inv.organization_id, inv.currency)] = {
            "fields": (inv.week_start, inv.status, inv.number, inv.subtotal, inv.fee, inv.total),
            "lines": [
                (
                    line.kind,
                    line.contract_id,
                    line.description,
                    line.quantity,
                    line.unit_price,
                    line.amount,
                    line.pay_amount,
                    line.evidence,
                    line.source_key,
                    getattr(getattr(line, "bonus", None), "pk", None),
                )
                for line in inv.lines.select_related("bonus").order_by("id")
            ],
            "entry": (
                entry.idempotency_key == f"invoice:{inv.pk}",
                entry.memo,
                [(p.account.key, p.amount, p.currency) for p in entry.postings.select_related("account")],
            ),
        }
    return {
        "invoices": invoices,
        "entries": JournalEntry.objects.count(),
        "postings": Posting.objects.count(),
        "counter": list(InvoiceCounter.objects.values_list("year", "last_number")),
    }


def _issued_then_rolled_back(issue) -> dict:
    with transaction.atomic():
        issue()
        snapshot = _snapshot()
        transaction.set_rollback(True)
    return snapshot


seller_work = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=2400),  # minutes; 0 = no timesheet for this contract
        st.decimals(min_value=Decimal("3.00"), max_value=Decimal("40.00"), places=2),
        st.sampled_from(["USD", "EUR"]),
        st.sampled_from([None, Decimal("0.01"), Decimal("17.35")]),  # an earned one-off bonus
    ),
    min_size=1,
    max_size=3,
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(seller_work, min_size=1, max_size=4), st.integers(min_value=1, max_value=3))
def test_bulk_issuing_writes_exactly_what_issuing_one_seller_at_a_time_writes(db, sellers, chunk):
    with transaction.atomic():
        orgs = []
        for work in sellers:
            org = OrganizationFactory()
            orgs.append(org.pk)
            for minutes, pay, currency, bonus in work:
                bill = (pay * Decimal("1.2")).quantize(Decimal("0.01"))
                c = ContractFactory(organization=org, pay_rate=pay, bill_rate=bill, currency=currency)
                if minutes:
                    approved_timesheet(c, minutes)
                if bonus is not None:
                    Bonus.objects.create(
                        contract=c,
                        kind=BonusKind.ONE_OFF,
                        status=BonusStatus.EARNED,
                        period_start=WEEK,
                        amount=bonus,
                        currency=currency,
                        message="Great week",
                    )

        def one_at_a_time():
            for org_id in sorted(orgs):
                services.invoices_generate(week_start=WEEK, organization_id=org_id)

        single = _issued_then_rolled_back(one_at_a_time)
        bulk = _issued_then_rolled_back(lambda: services.invoices_generate(week_start=WEEK, chunk_size=chunk))

        assert bulk == single
        assert bulk["entries"] == len(bulk["invoices"])
        for inv in bulk["invoices"].values():  # Σ lines = total, and no cent lost between seller and payees
            subtotal, fee, total = inv["fields"][3:]
            assert total == subtotal == sum(line[5] for line in inv["lines"])
            assert fee == total - sum(line[6] for line in inv["lines"])
            assert sum(amount for _key, amount, _cur in inv["entry"][2]) == 0
        transaction.set_rollback(True)


# ---------------------------------------------------------------- paying and payouts in bulk
def _issued(count: int) -> list[Invoice]:
    _sellers(count)
    return services.invoices_generate(week_start=WEEK)


@pytest.mark.parametrize("count", [1, 5])
def test_mark_paid_in_bulk_costs_the_same_queries_for_any_number_of_invoices(
    count, staff, counter, django_assert_num_queries, django_capture_on_commit_callbacks
):
    ids = [i.pk for i in _issued(count)]
    ContentType.objects.get_for_model(Invoice)  # cached once per process
    # Lock, update, ledger accounts (3), entries + postings (with the ledger's savepoint pair), profiles,
    # audit events, inside this call's own savepoint pair.
    with django_capture_on_commit_callbacks() as callbacks, django_assert_num_queries(14):
        paid = services.invoices_mark_paid(invoice_ids=ids, actor=staff, via="manual")
    assert paid == sorted(ids)
    assert len(callbacks) == 1  # one payout task for the lot
    assert set(Invoice.objects.values_list("status", flat=True)) == {InvoiceStatus.PAID}
    assert JournalEntry.objects.filter(idempotency_key__startswith="payment:").count() == count
    assert AuditEvent.objects.filter(action="invoice.paid").count() == count

    with django_assert_num_queries(8):  # paid invoices, shares, rails, existing, insert, Connect ones; savepoints
        assert services.payouts_create_many(invoice_ids=ids) == 2 * count
    assert Payout.objects.count() == 2 * count
    assert services.payouts_create_many(invoice_ids=ids) == 0
    assert cycle.reconcile() == []


def test_mark_paid_in_bulk_skips_what_is_not_open_and_pays_nothing_twice(staff, counter):
    first, second, third = _issued(3)
    services.invoice_void(invoice=third, actor=staff, reason="Duplicate hours")
    assert services.invoice_mark_paid(invoice=first, actor=staff, via="manual") is True

    paid = services.invoices_mark_paid(invoice_ids=[first.pk, second.pk, third.pk], actor=staff, via="manual")

    assert paid == [second.pk]
    assert services.invoices_mark_paid(invoice_ids=[first.pk, second.pk], actor=staff, via="manual") == []
    assert JournalEntry.objects.filter(idempotency_key__startswith="payment:").count() == 2
    assert Invoice.objects.get(pk=third.pk).status == InvoiceStatus.VOID
    assert cycle.reconcile() == []


def test_only_ops_mark_many_invoices_paid_and_a_refusal_changes_nothing(seller_owner, counter):
    ids = [i.pk for i in _issued(2)]
    with pytest.raises(PermissionDenied):
        services.invoices_mark_paid(invoice_ids=ids, actor=seller_owner, via="manual")
    assert set(Invoice.objects.values_list("status", flat=True)) == {InvoiceStatus.OPEN}
    assert JournalEntry.objects.count() == 2
    assert not AuditEvent.objects.filter(action="invoice.paid").exists()


def test_batch_marked_sent_posts_every_payout_once_in_chunks(staff, counter):
    ids = [i.pk for i in _issued(3)]
    services.invoices_mark_paid(invoice_ids=ids, actor=staff, via="manual")
    services.payouts_create_many(invoice_ids=ids)
    batch = services.payout_batch_create(actor=staff)
    assert services.payout_batch_create(actor=staff) is None  # nothing left: no empty batch

    services.payout_batch_mark_sent(actor=staff, batch=batch, chunk_size=4)  # 6 payouts: two rounds

    assert JournalEntry.objects.filter(idempotency_key__startswith="payout:").count() == 6
    assert set(batch.payouts.values_list("status", flat=True)) == {"sent"}
    assert cycle.reconcile() == []
