"""Invoices getting paid (many at once, or one) and voided.

Marking paid claims the invoices under their row locks while they are still open or failed, so a second run,
or a concurrent one, finds them paid and does nothing; the payment entries are posted in bulk through the
ledger's single write path, and the payouts are created afterwards, one task per call.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.access import has_org_role, is_platform_staff
from accounts.audit import audit_record, audit_record_many
from accounts.models import MANAGE_ROLES

from . import ledger
from .models import AccountType, BillingProfile, Bonus, Invoice, InvoiceStatus

CHARGEABLE = (InvoiceStatus.OPEN, InvoiceStatus.PAYMENT_FAILED)


def _require_ops(actor: Any) -> None:
    if not is_platform_staff(actor, "ops"):
        raise PermissionDenied("Only platform operations can do that.")


def _require_manager(actor: Any, organization_id: int) -> None:
    if not has_org_role(actor, organization_id, MANAGE_ROLES):
        raise PermissionDenied("Only an owner or manager of this organization can do that.")


@transaction.atomic
def invoices_mark_paid(*, invoice_ids: Iterable[int], actor: Any = None, via: str, charge_id: str = "") -> list[int]:
    """open/payment_failed → paid, once each. Returns the ids this call marked paid (the others were not open).

    ``actor`` is ops for the manual gateway, None for the card gateway. A constant number of queries for any
    number of invoices: one locking read, one update, the ledger's bulk write, the profiles, the audit events.
    """
    if via == "manual":
        _require_ops(actor)
    ids = sorted(set(invoice_ids))
    claimed = list(
        Invoice.objects.select_for_update()
        .filter(pk__in=ids, status__in=CHARGEABLE)
        .only("pk", "number", "organization_id", "currency", "total")
        .order_by("pk")
    )
    if not claimed:
        return []
    paid_at = timezone.now()
    Invoice.objects.filter(pk__in=[inv.pk for inv in claimed]).update(
        status=InvoiceStatus.PAID, paid_at=paid_at, paid_via=via, next_attempt_at=None, last_payment_error=""
    )
    currencies = sorted({inv.currency for inv in claimed})
    accs = ledger.accounts(
        [(AccountType.GATEWAY_CLEARING, cur, None, None) for cur in currencies]
        + [(AccountType.SELLER_RECEIVABLE, inv.currency, inv.organization_id, None) for inv in claimed]
    )
    clearing = dict(zip(currencies, accs[: len(currencies)], strict=True))
    suffix = f" ({charge_id})" if charge_id else ""
    ledger.post_entries(
        [
            {
                "key": f"payment:{inv.pk}",
                "memo": f"Invoice {inv.number} paid via {via}{suffix}",
                "legs": [(clearing[inv.currency], inv.total), (receivable, -inv.total)],
                "invoice": inv.pk,
            }
            for inv, receivable in zip(claimed, accs[len(currencies) :], strict=True)
        ]
    )
    BillingProfile.objects.filter(organization_id__in={inv.organization_id for inv in claimed}).update(
        consecutive_failures=0
    )
    audit_record_many(
        actor=actor,
        action="invoice.paid",
        events=[(inv, inv.organization_id, {"via": via, "charge": charge_id, "total": inv.total}) for inv in claimed],
    )
    from .tasks import create_payouts_many

    paid = [inv.pk for inv in claimed]
    create_payouts_many.delay_on_commit(paid)
    return paid


@transaction.atomic
def invoice_mark_paid(*, invoice: Invoice, actor: Any = None, via: str, charge_id: str = "") -> bool:
    """open/payment_failed → paid, once. ``actor`` is ops for the manual gateway, None for the card gateway."""
    if not invoices_mark_paid(invoice_ids=[invoice.pk], actor=actor, via=via, charge_id=charge_id):
        return False
    invoice.refresh_from_db()
    return True


@transaction.atomic
def invoice_void(*, invoice: Invoice, actor: Any, reason: str) -> Invoice:
    _require_ops(actor)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the invoice is void."})
    claimed = Invoice.objects.filter(pk=invoice.pk, status__in=CHARGEABLE).update(
        status=InvoiceStatus.VOID, next_attempt_at=None
    )
    if not claimed:
        raise ValidationError({"status": "Only open or failed invoices can be voided."})
    invoice.refresh_from_db()
    entry = invoice.entries.get(idempotency_key=f"invoice:{invoice.pk}")
    ledger.reverse_entry(entry=entry, memo=f"Invoice {invoice.number} void: {reason.strip()}"[:200])
    # Its bonuses go back to be billed again.
    Bonus.objects.filter(invoice_line__invoice=invoice).update(invoice_line=None)
    audit_record(
        actor=actor,
        action="invoice.void",
        target=invoice,
        organization=invoice.organization,
        data={"reason": reason.strip()},
    )
    return invoice
