"""Issuing invoices: a week's invoices set-based, in chunks of sellers, and the single draft → open step.

A chunk is one transaction with a fixed number of queries whatever the number of sellers in it: the drafts
are inserted at once (unique per seller, week and currency), locked, filled with their lines, numbered from
one conditional update of the year's counter (gap-free: a rollback gives the numbers back) and posted to the
ledger through its single write path. Running it twice, or twice at once, finds the invoices already open and
skips them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from marketplace.models import Contract

from . import ledger, sources
from .breakdown import bonus_billed, time_amounts
from .models import (
    AccountType,
    Bonus,
    BonusKind,
    BonusStatus,
    Invoice,
    InvoiceCounter,
    InvoiceLine,
    InvoiceStatus,
    LineKind,
)

CHUNK_SELLERS = 250  # sellers per issuing transaction: a few thousand lines and postings


def week_start_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _fee_rate() -> Decimal:
    return Decimal(settings.PLATFORM_FEE_RATE)


# ---------------------------------------------------------------- numbering
def _take_numbers(year: int, count: int) -> int:
    """Reserve ``count`` consecutive numbers of ``year`` in one conditional update; returns the last one.

    The counter row stays locked until our transaction ends, so numbers are handed out in commit order and a
    rollback gives them back: no gaps.
    """
    table = connection.ops.quote_name(InvoiceCounter._meta.db_table)
    sql = f"UPDATE {table} SET last_number = last_number + %s WHERE year = %s RETURNING last_number"  # noqa: S608
    with connection.cursor() as cur:
        cur.execute(sql, [count, year])
        row = cur.fetchone()
        if row is None:  # the year's first invoice
            InvoiceCounter.objects.bulk_create([InvoiceCounter(year=year)], ignore_conflicts=True)
            cur.execute(sql, [count, year])
            row = cur.fetchone()
    return row[0]


def _next_number(year: int) -> str:
    return f"{year}-{_take_numbers(year, 1):06d}"


# ---------------------------------------------------------------- lines
def _time_line(*, invoice: Invoice, item: sources.ApprovedTime, contract: Contract) -> InvoiceLine:
    currency = invoice.currency
    hours = item.hours.quantize(Decimal("0.0001"))
    pay, billed = time_amounts(
        hours=item.hours, pay_rate=contract.pay_rate, bill_rate=contract.bill_rate, currency=currency
    )
    return InvoiceLine(
        invoice=invoice,
        kind=LineKind.TIME,
        contract=contract,
        description=f"{contract.title}: {hours.normalize():f} h × {contract.bill_rate} {currency}",
        quantity=hours,
        unit_price=contract.bill_rate,
        amount=billed,
        pay_amount=pay,
        source_key=item.source_key,
    )


def _bonus_line(*, invoice: Invoice, bonus: Bonus, fee: Decimal) -> InvoiceLine:
    currency = invoice.currency
    billed = bonus_billed(amount=bonus.amount, fee_rate=fee, currency=currency)
    label = "QA bonus" if bonus.kind == BonusKind.RULE else "Bonus"
    return InvoiceLine(
        invoice=invoice,
        kind=LineKind.BONUS,
        contract=bonus.contract,
        description=f"{label} for {bonus.contract.title}, week of {bonus.period_start}: "
        f"{bonus.reason or bonus.message}"[:300],
        quantity=Decimal("1"),
        unit_price=billed,
        amount=billed,
        pay_amount=bonus.amount,
        evidence=bonus.evidence,
        source_key=f"bonus:{bonus.pk}",
    )


def _unbilled_bonuses():
    return Bonus.objects.filter(status=BonusStatus.EARNED, invoice_line=None, amount__gt=0)


# ---------------------------------------------------------------- finalizing (shared by both paths)
def _finalize(issue: Sequence[tuple[Invoice, list[InvoiceLine]]], freelancer_of: dict[int, int]) -> None:
    """Drafts (locked by the caller) → open: totals, consecutive numbers, one bulk update, ledger entries."""
    if not issue:
        return
    issued = timezone.now()
    last = _take_numbers(issued.year, len(issue))
    first = last - len(issue) + 1
    specs: list[tuple[str, str, int | None, int | None]] = []
    plans = []
    for offset, (invoice, lines) in enumerate(issue):
        total = sum((line.amount for line in lines), Decimal("0"))
        pay = sum((line.pay_amount for line in lines), Decimal("0"))
        invoice.subtotal = invoice.total = total
        invoice.fee = total - pay
        invoice.number = f"{issued.year}-{first + offset:06d}"
        invoice.status = InvoiceStatus.OPEN
        invoice.issued_at = invoice.next_attempt_at = issued
        # Field checks here (no queries); the foreign key, uniqueness and constraints are the database's job.
        invoice.full_clean(exclude=["organization"], validate_unique=False, validate_constraints=False)
        per_freelancer: dict[int, Decimal] = defaultdict(Decimal)
        for line in lines:
            per_freelancer[freelancer_of[line.contract_id]] += line.pay_amount
        payees = sorted(per_freelancer.items())
        cur = invoice.currency
        specs.append((AccountType.SELLER_RECEIVABLE, cur, invoice.organization_id, None))
        specs += [(AccountType.FREELANCER_PAYABLE, cur, None, fid) for fid, _ in payees]
        specs.append((AccountType.PLATFORM_REVENUE, cur, None, None))
        plans.append((invoice, total, pay, payees))
    _update_issued([invoice for invoice, _ in issue], issued)
    accounts = iter(ledger.accounts(specs))
    entries = []
    for invoice, total, pay, payees in plans:
        legs = [(next(accounts), total)]
        legs += [(next(accounts), -amount) for _fid, amount in payees]
        legs.append((next(accounts), -(total - pay)))
        entries.append(
            {
                "key": f"invoice:{invoice.pk}",
                "memo": f"Invoice {invoice.number} issued",
                "legs": legs,
                "invoice": invoice,
            }
        )
    ledger.post_entries(entries)


def _update_issued(invoices: list[Invoice], issued: dt.datetime) -> None:
    """One ``UPDATE … FROM (VALUES …)`` for the chunk's numbers and totals (``bulk_update``'s CASE per row
    grows with the square of the chunk)."""
    table = connection.ops.quote_name(Invoice._meta.db_table)
    at = Invoice._meta.get_field("issued_at").get_db_prep_save(issued, connection)
    for start in range(0, len(invoices), 500):
        batch = invoices[start : start + 500]
        values = ", ".join(
            ["(CAST(%s AS INTEGER), CAST(%s AS VARCHAR(20)), CAST(%s AS NUMERIC), CAST(%s AS NUMERIC))"] * len(batch)
        )
        params: list = [InvoiceStatus.OPEN, at, at]
        for inv in batch:
            params += [inv.pk, inv.number, inv.total, inv.fee]
        with connection.cursor() as cur:
            cur.execute(
                f"UPDATE {table} SET status = %s, issued_at = %s, next_attempt_at = %s, number = v.column2, "  # noqa: S608
                f"subtotal = v.column3, total = v.column3, fee = v.column4 FROM (VALUES {values}) AS v "
                f"WHERE {table}.id = v.column1",
                params,
            )


@transaction.atomic
def invoice_finalize(*, invoice: Invoice, lines: list[InvoiceLine] | None = None) -> Invoice:
    """draft → open: totals from the lines, a gap-free number, and the receivable on the ledger."""
    invoice = Invoice.objects.select_for_update().select_related("organization").get(pk=invoice.pk)
    if invoice.status != InvoiceStatus.DRAFT:
        return invoice
    lines = lines if lines is not None else list(invoice.lines.all())
    freelancer_of = dict(
        Contract.objects.filter(pk__in={line.contract_id for line in lines}).values_list("pk", "freelancer_id")
    )
    _finalize([(invoice, lines)], freelancer_of)
    return invoice


# ---------------------------------------------------------------- a week's invoices
def _sellers_page(*, week_start: dt.date, after: int, size: int, organization_id: int | None) -> list[int]:
    """The next ``size`` seller ids (> ``after``) with final time this week or an unbilled earned bonus."""
    time_orgs = sources.approved_time_sellers(week_start=week_start).filter(contract__organization_id__gt=after)
    bonus_orgs = _unbilled_bonuses().filter(contract__organization_id__gt=after)
    if organization_id is not None:
        time_orgs = time_orgs.filter(contract__organization_id=organization_id)
        bonus_orgs = bonus_orgs.filter(contract__organization_id=organization_id)
    union = time_orgs.union(bonus_orgs.order_by().values_list("contract__organization_id", flat=True))
    return list(union.order_by("contract__organization_id")[:size])


@transaction.atomic
def _issue_chunk(*, week_start: dt.date, organization_ids: list[int]) -> list[Invoice]:
    """Issue the week's invoices of these sellers; a constant number of queries for any number of sellers."""
    times = sources.approved_time(week_start=week_start, organization_ids=organization_ids)
    contracts = Contract.objects.only(
        "pk", "organization_id", "freelancer_id", "currency", "title", "bill_rate", "pay_rate"
    ).in_bulk({t.contract_id for t in times})
    groups: dict[tuple[int, str], list] = defaultdict(list)
    for item in times:
        c = contracts[item.contract_id]
        groups[(c.organization_id, c.currency)].append((item, c))
    bonus_keys = (
        _unbilled_bonuses()
        .filter(contract__organization_id__in=organization_ids)
        .values_list("contract__organization_id", "currency")
        .distinct()
    )
    return _build(week_start=week_start, groups=groups, keys=sorted(set(groups) | set(bonus_keys)))


@transaction.atomic
def _invoice_build(*, organization_id: int, currency: str, week_start: dt.date, items: list) -> Invoice | None:
    """One seller's invoice from given (time item, contract) pairs and its unbilled bonuses (seeding, tests)."""
    issued = _build(
        week_start=week_start, groups={(organization_id, currency): items}, keys=[(organization_id, currency)]
    )
    return issued[0] if issued else None


def _build(*, week_start: dt.date, groups: dict[tuple[int, str], list], keys: list[tuple[int, str]]) -> list[Invoice]:
    """Drafts for ``keys`` (seller, currency), their lines from ``groups`` and unbilled bonuses, issued."""
    if not keys:
        return []
    organization_ids = sorted({o for o, _ in keys})
    # Drafts in key order (so two concurrent runs wait for each other instead of deadlocking), then locked.
    Invoice.objects.bulk_create(
        [Invoice(organization_id=o, week_start=week_start, currency=c) for o, c in keys], ignore_conflicts=True
    )
    wanted = set(keys)
    drafts = {
        (inv.organization_id, inv.currency): inv
        for inv in Invoice.objects.select_for_update()
        .filter(organization_id__in=organization_ids, week_start=week_start)
        .order_by("organization_id", "currency")
        if inv.status == InvoiceStatus.DRAFT and (inv.organization_id, inv.currency) in wanted
    }
    if not drafts:
        return []
    bonuses: dict[tuple[int, str], list[Bonus]] = defaultdict(list)
    for bonus in (
        _unbilled_bonuses()
        .select_for_update(of=("self",))
        .select_related("contract")
        .filter(contract__organization_id__in={o for o, _ in drafts})
    ):
        bonuses[(bonus.contract.organization_id, bonus.currency)].append(bonus)
    fee = _fee_rate()
    issue: list[tuple[Invoice, list[InvoiceLine]]] = []
    billed: list[tuple[Bonus, InvoiceLine]] = []
    freelancer_of = {c.pk: c.freelancer_id for items in groups.values() for _, c in items}
    empty = []
    for key in sorted(drafts):
        invoice = drafts[key]
        lines = [_time_line(invoice=invoice, item=item, contract=c) for item, c in groups.get(key, [])]
        for bonus in bonuses.get(key, []):
            line = _bonus_line(invoice=invoice, bonus=bonus, fee=fee)
            lines.append(line)
            billed.append((bonus, line))
            freelancer_of[bonus.contract_id] = bonus.contract.freelancer_id
        if lines:
            issue.append((invoice, lines))
        else:  # its bonuses were billed meanwhile: nothing to issue
            empty.append(invoice.pk)
    if empty:
        Invoice.objects.filter(pk__in=empty, status=InvoiceStatus.DRAFT).delete()
    InvoiceLine.objects.bulk_create([line for _, lines in issue for line in lines], batch_size=2000)
    if billed:
        for bonus, line in billed:
            bonus.invoice_line_id = line.pk
        Bonus.objects.bulk_update([bonus for bonus, _ in billed], ["invoice_line"], batch_size=1000)
    _finalize(issue, freelancer_of)
    return [invoice for invoice, _ in issue]


def invoices_issue(
    *, week_start: dt.date, organization_id: int | None = None, chunk_size: int = CHUNK_SELLERS
) -> Iterator[list[Invoice]]:
    """The week's invoices, one committed chunk of sellers at a time (each chunk's issued invoices yielded).

    Memory stays flat: sellers are paged by id, and each chunk reads only its own time, bonuses and invoices.
    """
    if week_start.weekday() != 0:
        raise ValidationError({"week": "A billing week starts on a Monday."})
    after = 0
    while True:
        page = _sellers_page(week_start=week_start, after=after, size=chunk_size, organization_id=organization_id)
        if not page:
            return
        after = page[-1]
        yield _issue_chunk(week_start=week_start, organization_ids=page)


def invoices_generate(
    *, week_start: dt.date, organization_id: int | None = None, chunk_size: int = CHUNK_SELLERS
) -> list[Invoice]:
    """One invoice per seller (and currency) for the week, from approved time and earned bonuses not yet billed.

    Safe to run twice, and concurrently: the invoice row is unique per seller and week, and is built and
    finalized under its row lock only while it is still a draft. Returns the invoices this run issued.
    """
    if week_start.weekday() != 0:
        raise ValidationError({"week": "A billing week starts on a Monday."})
    return [
        invoice
        for chunk in invoices_issue(week_start=week_start, organization_id=organization_id, chunk_size=chunk_size)
        for invoice in chunk
    ]
