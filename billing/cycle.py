"""The billing cycle: the steps beat runs and ``run_billing_cycle`` runs by hand, plus reconciliation.

Each step is safe to run twice at once: on PostgreSQL an advisory lock makes a second concurrent run of the
same step wait and then find nothing left to do; everywhere the rows themselves are claimed with unique
constraints and conditional updates. Steps work in chunks (sellers, invoices, payouts), so time grows
linearly and memory stays flat.
"""

from __future__ import annotations

import datetime as dt
import zlib
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import Exists, F, Func, OuterRef, Subquery
from django.utils import timezone

from . import services
from .gateways import GatewayUnavailable, get_gateway
from .ledger import exact, trial_balance
from .models import (
    AccountType,
    AttemptStatus,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    JournalEntry,
    PaymentAttempt,
    Payout,
    PayoutRail,
    PayoutStatus,
    Posting,
)

CHUNK = 500  # invoices per payout-creation round


def _lock_key(name: str) -> int:
    return zlib.crc32(f"billing:{name}".encode())


@contextmanager
def run_lock(name: str):
    """Whole-step exclusivity on PostgreSQL (pg_advisory_xact_lock); a no-op elsewhere."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(%s)", [_lock_key(name)])
        yield


@contextmanager
def chunked_run_lock(name: str):
    """Like :func:`run_lock` for a step that commits chunk by chunk: a session-level advisory lock held
    across the chunks' transactions (or the caller's transaction-level one inside an outer transaction)."""
    if connection.vendor != "postgresql":
        yield
        return
    if connection.in_atomic_block:
        with run_lock(name):
            yield
        return
    with connection.cursor() as cur:
        cur.execute("SELECT pg_advisory_lock(%s)", [_lock_key(name)])
    try:
        yield
    finally:
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_unlock(%s)", [_lock_key(name)])


def generate(*, week_start: dt.date) -> list[Invoice]:
    """The week's invoices; returns those this run issued (see :func:`issue` for long runs)."""
    with chunked_run_lock(f"generate:{week_start}"):
        return services.invoices_generate(week_start=week_start)


def issue(*, week_start: dt.date) -> int:
    """The week's invoices, chunk by chunk, keeping nothing in memory; returns how many this run issued."""
    with chunked_run_lock(f"generate:{week_start}"):
        return sum(len(chunk) for chunk in services.invoices_issue(week_start=week_start))


def charge_due(gateway=None) -> int:
    gateway = gateway or get_gateway()
    if gateway.name == "manual":
        return 0
    due = Invoice.objects.filter(status__in=services.CHARGEABLE, next_attempt_at__lte=timezone.now()).values_list(
        "pk", flat=True
    )
    done = 0
    for invoice_id in list(due):
        try:
            if services.invoice_charge(invoice_id=invoice_id, gateway=gateway) == AttemptStatus.SUCCEEDED:
                done += 1
        except GatewayUnavailable:
            continue  # the attempt stays pending with its key; the next run retries it
    return done


def _pages(qs, size: int = CHUNK):
    """Primary keys of ``qs`` a page at a time (keyset pagination: flat memory, rows may change meanwhile)."""
    after = 0
    while True:
        page = list(qs.filter(pk__gt=after).order_by("pk").values_list("pk", flat=True)[:size])
        if not page:
            return
        after = page[-1]
        yield page


def payouts_due() -> int:
    """Payouts of paid invoices that have none yet, a chunk of invoices at a time; then Connect sends."""
    without = Invoice.objects.filter(status=InvoiceStatus.PAID).filter(
        ~Exists(Payout.objects.filter(invoice_id=OuterRef("pk")))
    )
    created = sum(services.payouts_create_many(invoice_ids=page) for page in _pages(without))
    connect = Payout.objects.filter(rail=PayoutRail.STRIPE_CONNECT, status=PayoutStatus.PENDING)
    for page in _pages(connect):
        for pk in page:
            try:
                services.payout_send(payout_id=pk)
            except GatewayUnavailable:
                continue
    return created


def evaluate_bonuses(today: dt.date | None = None) -> int:
    """Decide bonuses of every week whose dispute window has just closed (looking back four weeks)."""
    today = today or timezone.now().date()
    this_week = services.week_start_of(today)
    count = 0
    for back in range(1, 6):
        period = this_week - dt.timedelta(days=7 * back)
        with run_lock(f"bonuses:{period}"):
            count += len(services.bonuses_evaluate(period_start=period, today=today))
    return count


def run_cycle(*, week_start: dt.date, today: dt.date | None = None, gateway=None) -> dict[str, int]:
    """Everything, in order, for ``run_billing_cycle``."""
    bonuses = evaluate_bonuses(today)
    invoices = issue(week_start=week_start)
    charged = charge_due(gateway)
    payouts = payouts_due()
    return {"bonuses": bonuses, "invoices": invoices, "charged": charged, "payouts": payouts}


def _sum(qs, field: str):
    """A correlated ``SUM(field)`` of ``qs`` per outer row (NULL when there is no row)."""
    return Subquery(qs.order_by().annotate(s=Func(F(field), function="SUM")).values("s")[:1])


def reconcile() -> list[str]:
    """Differences between the ledger, our invoices and payouts, and the gateway records. Empty = books agree.

    A few aggregate queries, streamed: the trial balance, one pass over the issued invoices with their ledger,
    gateway and payout sums alongside, and one over sent payouts without an entry.
    """
    problems: list[str] = []
    for cur, total in trial_balance().items():
        if total != 0:
            problems.append(f"Ledger does not balance in {cur}: {total}.")
    postings = Posting.objects.filter(entry__invoice_id=OuterRef("pk"))
    invoices = (
        Invoice.objects.exclude(status=InvoiceStatus.DRAFT)
        .only("pk", "number", "status", "total", "paid_via", "currency")
        .annotate(
            issued=_sum(
                postings.filter(
                    entry__idempotency_key__startswith="invoice:",
                    entry__reversed_by__isnull=True,
                    account__type=AccountType.SELLER_RECEIVABLE,
                ),
                "amount",
            ),
            paid=_sum(
                postings.filter(
                    entry__idempotency_key__startswith="payment:", account__type=AccountType.GATEWAY_CLEARING
                ),
                "amount",
            ),
            succeeded=_sum(
                PaymentAttempt.objects.filter(invoice_id=OuterRef("pk"), status=AttemptStatus.SUCCEEDED), "amount"
            ),
            paid_out=_sum(Payout.objects.filter(invoice_id=OuterRef("pk")), "amount"),
            shares=_sum(InvoiceLine.objects.filter(invoice_id=OuterRef("pk")), "pay_amount"),
        )
    )
    for inv in invoices.iterator(chunk_size=2000):
        cur = inv.currency
        issued, paid, succeeded = (None if v is None else exact(v, cur) for v in (inv.issued, inv.paid, inv.succeeded))
        if inv.status != InvoiceStatus.VOID and issued != inv.total:
            problems.append(f"Invoice {inv.number}: total {inv.total}, ledger receivable {issued}.")
        if inv.status == InvoiceStatus.PAID:
            if paid != inv.total:
                problems.append(f"Invoice {inv.number} is paid but the ledger shows {paid} received.")
            if inv.paid_via == "stripe" and succeeded != inv.total:
                problems.append(f"Invoice {inv.number}: gateway charges {succeeded} ≠ {inv.total}.")
            payout_sum, pay_sum = exact(inv.paid_out, cur), exact(inv.shares, cur)
            if payout_sum and payout_sum != pay_sum:
                problems.append(f"Invoice {inv.number}: payouts {payout_sum} ≠ freelancer shares {pay_sum}.")
        elif paid:
            problems.append(f"Invoice {inv.number} is {inv.status} but the ledger shows a payment.")
        if succeeded and inv.status != InvoiceStatus.PAID:
            problems.append(f"Invoice {inv.number}: the gateway charged it but it is {inv.status}.")
    unposted = Payout.objects.filter(status__in=[PayoutStatus.SENT, PayoutStatus.CONFIRMED]).filter(
        ~Exists(JournalEntry.objects.filter(payout_id=OuterRef("pk")))
    )
    for pk, status in unposted.order_by("pk").values_list("pk", "status").iterator(chunk_size=2000):
        problems.append(f"Payout {pk} is {status} but has no ledger entry.")
    return problems
