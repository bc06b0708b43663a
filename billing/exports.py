"""CSV exports (invoice, payout batch). Cells that a spreadsheet would run as a formula are neutralised."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def to_csv(header: list[str], rows: Iterable[Iterable]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return buf.getvalue()


def invoice_csv(invoice) -> str:
    rows = [
        (
            invoice.number,
            line.get_kind_display(),
            line.contract.freelancer,
            line.description,
            line.quantity,
            line.unit_price,
            line.amount,
            invoice.currency,
        )
        for line in invoice.lines.all()
    ]
    rows.append((invoice.number, "Total", "", "", "", "", invoice.total, invoice.currency))
    return to_csv(
        ["invoice", "kind", "freelancer", "description", "quantity", "unit_price", "amount", "currency"], rows
    )


def payout_batch_csv(batch) -> str:
    rows = [
        (
            p.pk,
            p.freelancer.user.email,
            p.freelancer,
            getattr(getattr(p.freelancer, "payout_account", None), "manual_details", ""),
            p.amount,
            p.currency,
            p.invoice.number,
        )
        for p in batch.payouts.select_related("freelancer__user", "freelancer__payout_account", "invoice")
    ]
    return to_csv(["payout", "email", "name", "account", "amount", "currency", "invoice"], rows)
