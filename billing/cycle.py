"""The billing cycle: the steps beat runs and ``run_billing_cycle`` runs by hand, plus reconciliation.

Each step is safe to run twice at once: on PostgreSQL a transaction-level advisory lock makes a second
concurrent run of the same step wait and then find nothing left to do; everywhere the rows themselves are
claimed with unique constraints and conditional updates.
"""

from __future__ import annotations

import datetime as dt
import zlib
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from . import services
from .gateways import GatewayUnavailable, get_gateway
from .ledger import exact, trial_balance
from .models import (
    AccountType,
    AttemptStatus,
    Invoice,
    InvoiceStatus,
    JournalEntry,
    Payout,
    PayoutRail,
    PayoutStatus,
)


@contextmanager
def run_lock(name: str):
    """Whole-step exclusivity on PostgreSQL (pg_advisory_xact_lock); a no-op elsewhere."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(%s)", [zlib.crc32(f"billing:{name}".encode())])
        yield


def generate(*, week_start: dt.date) -> list[Invoice]:
    with run_lock(f"generate:{week_start}"):
        return services.invoices_generate(week_start=week_start)


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


def payouts_due() -> int:
    paid_without = Invoice.objects.filter(status=InvoiceStatus.PAID, payouts__isnull=True).values_list("pk", flat=True)
    created = sum(len(services.payouts_create(invoice_id=pk)) for pk in list(paid_without))
    for pk in list(
        Payout.objects.filter(rail=PayoutRail.STRIPE_CONNECT, status=PayoutStatus.PENDING).values_list("pk", flat=True)
    ):
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
    invoices = generate(week_start=week_start)
    charged = charge_due(gateway)
    payouts = payouts_due()
    return {"bonuses": bonuses, "invoices": len(invoices), "charged": charged, "payouts": payouts}


def reconcile() -> list[str]:
    """Differences between the ledger, our invoices and payouts, and the gateway records. Empty = books agree."""
    problems: list[str] = []
    for cur, total in trial_balance().items():
        if total != 0:
            problems.append(f"Ledger does not balance in {cur}: {total}.")
    issued = dict(
        JournalEntry.objects.filter(idempotency_key__startswith="invoice:", reversed_by__isnull=True)
        .values_list("invoice_id")
        .annotate(s=Sum("postings__amount", filter=_type(AccountType.SELLER_RECEIVABLE)))
    )
    paid = dict(
        JournalEntry.objects.filter(idempotency_key__startswith="payment:")
        .values_list("invoice_id")
        .annotate(s=Sum("postings__amount", filter=_type(AccountType.GATEWAY_CLEARING)))
    )
    succeeded = dict(
        Invoice.objects.filter(attempts__status=AttemptStatus.SUCCEEDED)
        .values_list("pk")
        .annotate(s=Sum("attempts__amount", filter=_attempt_ok()))
    )
    invoices = list(
        Invoice.objects.exclude(status=InvoiceStatus.DRAFT).only(
            "pk", "number", "status", "total", "paid_via", "currency"
        )
    )
    cur_of = {inv.pk: inv.currency for inv in invoices}
    issued, paid, succeeded = (
        {k: exact(v, cur_of.get(k, "USD")) for k, v in d.items()} for d in (issued, paid, succeeded)
    )
    for inv in invoices:
        if inv.status != InvoiceStatus.VOID and issued.get(inv.pk) != inv.total:
            problems.append(f"Invoice {inv.number}: total {inv.total}, ledger receivable {issued.get(inv.pk)}.")
        if inv.status == InvoiceStatus.PAID:
            if paid.get(inv.pk) != inv.total:
                problems.append(f"Invoice {inv.number} is paid but the ledger shows {paid.get(inv.pk)} received.")
            if inv.paid_via == "stripe" and succeeded.get(inv.pk) != inv.total:
                problems.append(f"Invoice {inv.number}: gateway charges {succeeded.get(inv.pk)} ≠ {inv.total}.")
            payout_sum = exact(Payout.objects.filter(invoice=inv).aggregate(s=Sum("amount"))["s"], inv.currency)
            pay_sum = exact(inv.lines.aggregate(s=Sum("pay_amount"))["s"], inv.currency)
            if payout_sum and payout_sum != pay_sum:
                problems.append(f"Invoice {inv.number}: payouts {payout_sum} ≠ freelancer shares {pay_sum}.")
        elif paid.get(inv.pk):
            problems.append(f"Invoice {inv.number} is {inv.status} but the ledger shows a payment.")
        if succeeded.get(inv.pk) and inv.status != InvoiceStatus.PAID:
            problems.append(f"Invoice {inv.number}: the gateway charged it but it is {inv.status}.")
    sent = Payout.objects.filter(status__in=[PayoutStatus.SENT, PayoutStatus.CONFIRMED])
    posted = set(JournalEntry.objects.filter(payout__isnull=False).values_list("payout_id", flat=True))
    for payout in sent.exclude(pk__in=posted):
        problems.append(f"Payout {payout.pk} is {payout.status} but has no ledger entry.")
    return problems


def _type(type_: str):
    from django.db.models import Q

    return Q(postings__account__type=type_)


def _attempt_ok():
    from django.db.models import Q

    return Q(attempts__status=AttemptStatus.SUCCEEDED)
