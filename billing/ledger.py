"""The double-entry ledger: the single write path for journal entries, and balance selectors.

Every money movement is one :class:`JournalEntry` whose postings sum to zero per currency, checked here
(and, on PostgreSQL, again by a deferred constraint trigger and an append-only trigger; see migration 0002).
Entries carry a unique idempotency key: posting the same key twice returns the first entry. Corrections
are reversing entries (:func:`reverse_entry`), never edits.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Sum
from django.utils.timezone import now

from accounts.models import Organization
from marketplace.models import FreelancerProfile

from .models import AccountType, JournalEntry, LedgerAccount, Posting
from .money import round_money


class UnbalancedEntry(ValueError):
    pass


def account_key(type_: str, currency: str, *, organization_id: int | None = None, freelancer_id: int | None = None):
    parts = [type_, currency]
    if organization_id:
        parts.append(f"org{organization_id}")
    if freelancer_id:
        parts.append(f"fl{freelancer_id}")
    return ":".join(parts)


def account(
    type_: str,
    currency: str,
    *,
    organization: Organization | None = None,
    freelancer: FreelancerProfile | None = None,
) -> LedgerAccount:
    """The account of that type, currency and party, created on first use (natural key, race-safe)."""
    key = account_key(
        type_,
        currency,
        organization_id=organization.pk if organization else None,
        freelancer_id=freelancer.pk if freelancer else None,
    )
    acc, _ = LedgerAccount.objects.get_or_create(
        key=key, defaults={"type": type_, "currency": currency, "organization": organization, "freelancer": freelancer}
    )
    return acc


def accounts(specs: Sequence[tuple[str, str, int | None, int | None]]) -> list[LedgerAccount]:
    """Many accounts at once, (type, currency, organization id, freelancer id) each; created when missing."""
    keys = [account_key(t, c, organization_id=o, freelancer_id=f) for t, c, o, f in specs]
    found = {a.key: a for a in LedgerAccount.objects.filter(key__in=set(keys))}
    missing = {k: spec for k, spec in zip(keys, specs, strict=True) if k not in found}
    if missing:
        LedgerAccount.objects.bulk_create(
            [
                LedgerAccount(key=k, type=t, currency=c, organization_id=o, freelancer_id=f)
                for k, (t, c, o, f) in missing.items()
            ],
            ignore_conflicts=True,  # created concurrently: fine, read back below
        )
        found.update({a.key: a for a in LedgerAccount.objects.filter(key__in=list(missing))})
    return [found[k] for k in keys]


def check_balanced(legs: Iterable[tuple[LedgerAccount, Decimal, str]]) -> None:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    count = 0
    for _acc, amount, currency in legs:
        if isinstance(amount, float):
            raise TypeError("Ledger amounts are Decimals.")
        if round_money(amount, currency) != amount:
            raise UnbalancedEntry(f"{amount} is not rounded to the {currency} minor unit.")
        if amount == 0:
            raise UnbalancedEntry("A posting of zero says nothing; leave it out.")
        totals[currency] += amount
        count += 1
    if count < 2:
        raise UnbalancedEntry("An entry needs at least two postings.")
    off = {c: t for c, t in totals.items() if t != 0}
    if off:
        raise UnbalancedEntry(f"Postings do not sum to zero: {off}.")


_ENTRY_BATCH = 1000  # rows per INSERT (6 parameters each)


def _full_legs(legs) -> list[tuple[LedgerAccount, Decimal, str]]:
    """(account, amount, currency) legs without the zero ones; the currency defaults to the account's."""
    full = [(leg[0], leg[1], leg[2] if len(leg) > 2 else leg[0].currency) for leg in legs]
    return [leg for leg in full if leg[1] != 0]


def _insert_entries(rows: list[tuple[str, str, object, int | None, int | None, int | None]]) -> dict[str, int]:
    """INSERT … ON CONFLICT (idempotency_key) DO NOTHING RETURNING: {key: id} of the entries written by *us*.

    A key written by someone else (before, or concurrently: the insert waits for their commit) is simply not
    returned, so its postings are never written a second time under their entry.
    """
    table = connection.ops.quote_name(JournalEntry._meta.db_table)
    created_at = JournalEntry._meta.get_field("created_at")
    written: dict[str, int] = {}
    with connection.cursor() as cur:
        for start in range(0, len(rows), _ENTRY_BATCH):
            batch = rows[start : start + _ENTRY_BATCH]
            params: list = []
            for key, memo, at, invoice_id, payout_id, reverses_id in batch:
                params += [key, memo, created_at.get_db_prep_save(at, connection), invoice_id, payout_id, reverses_id]
            values = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(batch))
            cur.execute(
                f"INSERT INTO {table} (idempotency_key, memo, created_at, invoice_id, payout_id, reverses_id) "  # noqa: S608 - table name and placeholders only
                f"VALUES {values} ON CONFLICT (idempotency_key) DO NOTHING RETURNING id, idempotency_key",
                params,
            )
            written.update({key: pk for pk, key in cur.fetchall()})
    return written


def _pk(obj_or_id):
    return getattr(obj_or_id, "pk", obj_or_id)


@transaction.atomic
def post_entries(entries: Sequence[dict]) -> int:
    """THE write path: many balanced entries in two queries (``key``, ``memo``, ``legs``, optional ``invoice``,
    ``payout``, ``reverses``, each an object or an id).

    Every entry is checked first (per currency; nothing is written if one is off). A key already written, or
    written concurrently, is skipped: that entry stands as it is. Returns how many entries were new.
    """
    checked: dict[str, tuple[dict, list]] = {}
    for e in entries:
        legs = _full_legs(e["legs"])
        check_balanced(legs)
        checked.setdefault(e["key"], (e, legs))  # the same key twice in one call: the first one counts
    if not checked:
        return 0
    at = now()
    written = _insert_entries(
        [
            (key, e["memo"][:200], at, _pk(e.get("invoice")), _pk(e.get("payout")), _pk(e.get("reverses")))
            for key, (e, _legs) in checked.items()
        ]
    )
    Posting.objects.bulk_create(
        [
            Posting(entry_id=entry_id, account=acc, amount=amount, currency=cur)
            for key, entry_id in written.items()
            for acc, amount, cur in checked[key][1]
        ],
        batch_size=5000,
    )
    return len(written)


@transaction.atomic
def post_entry(
    *,
    key: str,
    memo: str,
    legs: Sequence[tuple[LedgerAccount, Decimal]] | Sequence[tuple[LedgerAccount, Decimal, str]],
    invoice=None,
    payout=None,
    reverses: JournalEntry | None = None,
) -> JournalEntry:
    """Write one balanced entry, or return the entry already written under ``key`` (idempotent)."""
    spec = {"key": key, "memo": memo, "legs": legs, "invoice": invoice, "payout": payout, "reverses": reverses}
    post_entries([spec])
    return JournalEntry.objects.get(idempotency_key=key)  # ours, or the one written before under the key


@transaction.atomic
def reverse_entry(*, entry: JournalEntry, memo: str) -> JournalEntry:
    """A correction: the mirror image of ``entry`` (each posting negated), linked to it."""
    legs = [(p.account, -p.amount, p.currency) for p in entry.postings.select_related("account")]
    return post_entry(key=f"reversal:{entry.idempotency_key}", memo=memo, legs=legs, reverses=entry)


# ---------------------------------------------------------------- reads
def exact(value, currency: str) -> Decimal:
    """A database SUM back to exact money (SQLite sums decimals as floats; PostgreSQL is exact already)."""
    return round_money(Decimal(str(value or 0)), currency)


def account_balance(acc: LedgerAccount) -> Decimal:
    return exact(acc.postings.aggregate(s=Sum("amount"))["s"], acc.currency)


def balances(
    *, organization: Organization | None = None, freelancer: FreelancerProfile | None = None
) -> dict[tuple[str, str], Decimal]:
    """{(account type, currency): balance} for a party, or for the whole ledger when no party is given."""
    qs = Posting.objects.all()
    if organization is not None:
        qs = qs.filter(account__organization=organization)
    if freelancer is not None:
        qs = qs.filter(account__freelancer=freelancer)
    rows = qs.values("account__type", "currency").annotate(total=Sum("amount")).order_by()
    return {(r["account__type"], r["currency"]): exact(r["total"], r["currency"]) for r in rows}


def trial_balance() -> dict[str, Decimal]:
    """Σ of every posting per currency: always zero when the books are sound."""
    rows = Posting.objects.values("currency").annotate(total=Sum("amount")).order_by()
    return {r["currency"]: exact(r["total"], r["currency"]) for r in rows}


__all__ = [
    "AccountType",
    "UnbalancedEntry",
    "account",
    "account_balance",
    "balances",
    "check_balanced",
    "post_entries",
    "post_entry",
    "reverse_entry",
    "trial_balance",
]
