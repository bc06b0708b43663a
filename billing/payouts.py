"""Payouts: each freelancer's share of a paid invoice, sent by Connect transfer or in a manual batch.

Payouts are created for many invoices at once (unique per invoice and freelancer, so a repeat or a
concurrent run adds nothing), and a manual batch marked sent posts its ledger entries in bulk, a chunk of
payouts at a time so memory stays flat whatever the batch size.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record

from . import ledger
from .gateways import get_gateway
from .models import (
    AccountType,
    AttemptStatus,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    Payout,
    PayoutAccount,
    PayoutBatch,
    PayoutRail,
    PayoutStatus,
)
from .payments import _require_ops

CHUNK_PAYOUTS = 2000  # payouts claimed and posted per round when a batch is marked sent


@transaction.atomic
def payouts_create_many(*, invoice_ids: Iterable[int]) -> int:
    """Each freelancer's share of each paid invoice becomes one Payout; a constant number of queries.

    Returns how many payouts were new. Connect payouts still pending are queued to be sent.
    """
    paid = dict(
        Invoice.objects.filter(pk__in=sorted(set(invoice_ids)), status=InvoiceStatus.PAID).values_list("pk", "currency")
    )
    if not paid:
        return 0
    shares: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for invoice_id, fid, pay in InvoiceLine.objects.filter(invoice_id__in=paid).values_list(
        "invoice_id", "contract__freelancer_id", "pay_amount"
    ):
        shares[(invoice_id, fid)] += pay  # summed here: exact Decimals on every database
    rails = dict(
        PayoutAccount.objects.filter(freelancer_id__in={fid for _, fid in shares}).values_list("freelancer_id", "rail")
    )
    existing = set(Payout.objects.filter(invoice_id__in=paid).values_list("invoice_id", "freelancer_id"))
    new = [
        Payout(
            invoice_id=invoice_id,
            freelancer_id=fid,
            amount=amount,
            currency=paid[invoice_id],
            rail=rails.get(fid, PayoutRail.MANUAL),
        )
        for (invoice_id, fid), amount in sorted(shares.items())
        if amount > 0 and (invoice_id, fid) not in existing
    ]
    Payout.objects.bulk_create(new, ignore_conflicts=True, batch_size=2000)
    from .tasks import send_payout

    for pk in Payout.objects.filter(
        invoice_id__in=paid, rail=PayoutRail.STRIPE_CONNECT, status=PayoutStatus.PENDING
    ).values_list("pk", flat=True):
        send_payout.delay_on_commit(pk)
    return len(new)


@transaction.atomic
def payouts_create(*, invoice_id: int) -> list[Payout]:
    """Each freelancer's share of a paid invoice becomes one Payout (unique per invoice and freelancer)."""
    invoice = Invoice.objects.get(pk=invoice_id)
    if invoice.status != InvoiceStatus.PAID:
        return []
    payouts_create_many(invoice_ids=[invoice.pk])
    return list(invoice.payouts.all())


def _payout_entry(payout: Payout, payable, clearing) -> dict:
    return {
        "key": f"payout:{payout.pk}",
        "memo": f"Payout {payout.pk} to freelancer {payout.freelancer_id} sent ({payout.get_rail_display()})",
        "legs": [(payable, payout.amount), (clearing, -payout.amount)],
        "payout": payout.pk,
    }


def _post_payouts(payouts: list[Payout]) -> int:
    """The ledger entries of sent payouts (freelancer payable ← gateway clearing), in one bulk write."""
    currencies = sorted({p.currency for p in payouts})
    accs = ledger.accounts(
        [(AccountType.GATEWAY_CLEARING, c, None, None) for c in currencies]
        + [(AccountType.FREELANCER_PAYABLE, p.currency, None, p.freelancer_id) for p in payouts]
    )
    clearing = dict(zip(currencies, accs[: len(currencies)], strict=True))
    return ledger.post_entries(
        [
            _payout_entry(p, payable, clearing[p.currency])
            for p, payable in zip(payouts, accs[len(currencies) :], strict=True)
        ]
    )


def _post_payout(payout: Payout) -> None:
    _post_payouts([payout])


def payout_send(*, payout_id: int, gateway=None) -> str:
    """Send a Connect payout. The transfer's idempotency key is the payout's, so a retry cannot pay twice."""
    payout = Payout.objects.select_related("invoice", "freelancer__payout_account").get(pk=payout_id)
    if payout.status != PayoutStatus.PENDING or payout.rail != PayoutRail.STRIPE_CONNECT:
        return "skipped"
    gateway = gateway or get_gateway("stripe")
    charge_id = (
        payout.invoice.attempts.filter(status=AttemptStatus.SUCCEEDED).values_list("charge_id", flat=True).first() or ""
    )
    transfer_id = gateway.transfer(
        payout=payout,
        destination=payout.freelancer.payout_account.stripe_account_id,
        charge_id=charge_id,
        transfer_group=f"invoice-{payout.invoice_id}",
    )
    with transaction.atomic():
        if Payout.objects.filter(pk=payout.pk, status=PayoutStatus.PENDING).update(
            status=PayoutStatus.SENT, transfer_id=transfer_id, sent_at=timezone.now()
        ):
            _post_payout(payout)
    return "sent"


@transaction.atomic
def payout_batch_create(*, actor: Any) -> PayoutBatch | None:
    """Collect every pending manual payout into one batch (a CSV for the bank or e-wallet).

    One conditional update claims them; a concurrent run claims none and leaves no empty batch behind.
    """
    _require_ops(actor)
    pending = Payout.objects.filter(rail=PayoutRail.MANUAL, status=PayoutStatus.PENDING, batch=None)
    if not pending.exists():
        return None
    batch = PayoutBatch.objects.create()
    count = pending.update(batch=batch)
    if not count:
        batch.delete()
        return None
    audit_record(actor=actor, action="payout_batch.created", target=batch, data={"payouts": count})
    return batch


@transaction.atomic
def payout_batch_mark_sent(*, actor: Any, batch: PayoutBatch, chunk_size: int = CHUNK_PAYOUTS) -> PayoutBatch:
    _require_ops(actor)
    if not PayoutBatch.objects.filter(pk=batch.pk, status=PayoutStatus.PENDING).update(
        status=PayoutStatus.SENT, sent_at=timezone.now()
    ):
        raise ValidationError({"status": "This batch was already sent."})
    # A chunk at a time: lock the batch's pending payouts, claim them in one update, post their entries in bulk.
    sent_at = timezone.now()
    after = 0
    while True:
        pending = list(
            Payout.objects.select_for_update()
            .filter(batch_id=batch.pk, status=PayoutStatus.PENDING, pk__gt=after)
            .only("pk", "freelancer_id", "amount", "currency", "rail")
            .order_by("pk")[:chunk_size]
        )
        if not pending:
            break
        after = pending[-1].pk
        Payout.objects.filter(pk__in=[p.pk for p in pending]).update(status=PayoutStatus.SENT, sent_at=sent_at)
        _post_payouts(pending)
    audit_record(actor=actor, action="payout_batch.sent", target=batch)
    batch.refresh_from_db()
    return batch


@transaction.atomic
def payout_batch_mark_confirmed(*, actor: Any, batch: PayoutBatch) -> PayoutBatch:
    _require_ops(actor)
    if not PayoutBatch.objects.filter(pk=batch.pk, status=PayoutStatus.SENT).update(
        status=PayoutStatus.CONFIRMED, confirmed_at=timezone.now()
    ):
        raise ValidationError({"status": "Only a sent batch can be confirmed."})
    batch.payouts.filter(status=PayoutStatus.SENT).update(status=PayoutStatus.CONFIRMED)
    audit_record(actor=actor, action="payout_batch.confirmed", target=batch)
    batch.refresh_from_db()
    return batch
