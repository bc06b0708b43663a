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

from django.db import IntegrityError, transaction
from django.db.models import Sum

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
    full = [(leg[0], leg[1], leg[2] if len(leg) > 2 else leg[0].currency) for leg in legs]
    full = [leg for leg in full if leg[1] != 0]
    check_balanced(full)
    existing = JournalEntry.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            entry = JournalEntry.objects.create(
                idempotency_key=key, memo=memo[:200], invoice=invoice, payout=payout, reverses=reverses
            )
            Posting.objects.bulk_create(
                [Posting(entry=entry, account=acc, amount=amount, currency=cur) for acc, amount, cur in full]
            )
    except IntegrityError:
        # Someone else wrote the same key concurrently: theirs stands.
        return JournalEntry.objects.get(idempotency_key=key)
    return entry


@transaction.atomic
def post_entries(entries: Sequence[dict]) -> int:
    """Many balanced entries in a few queries (``key``, ``memo``, ``legs``, optional ``payout``/``invoice``).

    Same rules as :func:`post_entry`: every entry is checked first (nothing is written if one is off), and
    keys already written are skipped. Returns how many entries were new.
    """
    for e in entries:
        check_balanced([(leg[0], leg[1], leg[0].currency) for leg in e["legs"]])
    keys = [e["key"] for e in entries]
    existing = set(JournalEntry.objects.filter(idempotency_key__in=keys).values_list("idempotency_key", flat=True))
    fresh = [e for e in entries if e["key"] not in existing]
    JournalEntry.objects.bulk_create(
        [
            JournalEntry(
                idempotency_key=e["key"], memo=e["memo"][:200], payout=e.get("payout"), invoice=e.get("invoice")
            )
            for e in fresh
        ],
        ignore_conflicts=True,
    )
    ids = dict(
        JournalEntry.objects.filter(idempotency_key__in=[e["key"] for e in fresh]).values_list("idempotency_key", "pk")
    )
    Posting.objects.bulk_create(
        [
            Posting(entry_id=ids[e["key"]], account=acc, amount=amount, currency=acc.currency)
            for e in fresh
            for acc, amount in e["legs"]
        ],
        batch_size=5000,
    )
    return len(fresh)


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
    "post_entry",
    "reverse_entry",
    "trial_balance",
]
