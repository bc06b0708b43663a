"""Billing on real PostgreSQL: concurrent cycles, the ledger's database guards, and tasks through a real worker."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, connections, transaction

from billing import cycle, services
from billing.models import Invoice, JournalEntry, LedgerAccount, Payout, Posting
from tests.billing.factories import WEEK, approved_timesheet
from tests.marketplace.factories import ContractFactory
from tests.services.conftest import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def _run_in_threads(fn, n=2):
    errors, barrier = [], threading.Barrier(n)

    def work():
        try:
            barrier.wait()
            fn()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return errors


def test_cycle_run_twice_concurrently_makes_one_invoice_per_seller_per_week(settings):
    settings.BILLING_GATEWAY = "manual"
    contracts = [ContractFactory() for _ in range(6)]
    for c in contracts:
        approved_timesheet(c, 300)

    errors = _run_in_threads(lambda: cycle.generate(week_start=WEEK))

    assert errors == []
    assert Invoice.objects.count() == 6
    year = Invoice.objects.first().issued_at.year
    assert sorted(Invoice.objects.values_list("number", flat=True)) == [f"{year}-{n:06d}" for n in range(1, 7)]
    assert JournalEntry.objects.count() == 6
    assert cycle.reconcile() == []


def test_mark_paid_twice_concurrently_pays_out_once(staff, contract):
    approved_timesheet(contract, 600)
    (invoice,) = services.invoices_generate(week_start=WEEK)
    errors = _run_in_threads(lambda: services.invoice_mark_paid(invoice=invoice, actor=staff, via="manual"))
    assert errors == []
    services.payouts_create(invoice_id=invoice.pk)
    assert Payout.objects.count() == 1
    assert invoice.entries.filter(idempotency_key=f"payment:{invoice.pk}").count() == 1


def test_database_refuses_unbalanced_or_edited_postings(org):
    acc = LedgerAccount.objects.create(key="t:USD", type="gateway_clearing", currency="USD")
    other = LedgerAccount.objects.create(key="t2:USD", type="platform_revenue", currency="USD")
    with pytest.raises(DatabaseError, match="does not balance"), transaction.atomic():
        entry = JournalEntry.objects.create(idempotency_key="raw", memo="bypassing the write path")
        Posting.objects.create(entry=entry, account=acc, amount=Decimal("5.00"), currency="USD")
        Posting.objects.create(entry=entry, account=other, amount=Decimal("-4.00"), currency="USD")
        with connection.cursor() as cur:
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
    assert JournalEntry.objects.count() == 0

    from billing import ledger

    ok = ledger.post_entry(key="ok", memo="fine", legs=[(acc, Decimal("1.00")), (other, Decimal("-1.00"))])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Posting.objects.filter(entry=ok).update(amount=Decimal("2.00"))
    for sql in ("DELETE FROM billing_posting WHERE entry_id = %s", "DELETE FROM billing_journalentry WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql, [ok.pk])
    assert sorted(Posting.objects.values_list("amount", flat=True)) == [Decimal("-1.00"), Decimal("1.00")]


def test_paid_invoice_creates_payouts_through_the_real_worker(celery_worker_process, real_broker, staff, contract):
    approved_timesheet(contract, 600)
    (invoice,) = services.invoices_generate(week_start=WEEK)
    services.invoice_mark_paid(invoice=invoice, actor=staff, via="manual")
    payout = wait_for(lambda: Payout.objects.filter(invoice=invoice).first())
    assert payout.amount == Decimal("100.00")
