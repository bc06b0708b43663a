"""Billing benchmark on PostgreSQL: a whole weekly cycle with the manual gateway, at N/2 and N contracts.

    .venv/bin/python bench/billing.py              # N = 10,000 contracts (and 5,000)
    .venv/bin/python bench/billing.py --n 2000

Each size gets its own fresh database (``shiftdesk_bench_billing_<n>`` on BENCH_PG, default
postgresql://postgres@127.0.0.1:5432), migrated, then filled (bulk inserts, fixed seed) with N/4 sellers of
4 contracts each, one approved timesheet per contract and 40 one-hour time entries per contract (≈ 400,000 at
N = 10,000). The timed cycle, in a fresh process so its peak memory is its own: issue every invoice (one per
seller, in chunks of sellers), mark them paid (ops, manual gateway, a page of invoices per call; payouts are
created per page on commit), batch the payouts and mark the batch sent (a ledger entry per payout), then
reconcile. Then the cycle runs again and must change nothing. It prints each step's wall time, the rows
written, and the cycle process's peak resident memory (flat memory = the same peak at N/2 and N).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PG = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
WEEK = dt.date(2026, 3, 9)


def _db(n: int) -> str:
    return f"shiftdesk_bench_billing_{n}"


def setup(n: int, *, create: bool) -> None:
    if create:
        import psycopg

        with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{_db(n)}"')
            conn.execute(f'CREATE DATABASE "{_db(n)}"')
    os.environ["DATABASE_URL"] = f"{PG}/{_db(n)}"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "1"  # payout creation runs inline, inside the measured cycle
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    if create:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)


def populate(n: int) -> object:
    from django.contrib.auth.models import Group

    from accounts.models import Organization, User
    from marketplace.models import Contract, FreelancerProfile
    from timesheets.models import TimeEntry, Timesheet

    rng = random.Random(20261123)  # noqa: S311
    sellers = n // 4
    orgs = Organization.objects.bulk_create(
        [Organization(name=f"Seller {i}", slug=f"seller-{i}") for i in range(sellers)], batch_size=5000
    )
    users = User.objects.bulk_create(
        [User(email=f"fl{i}@bench.test", full_name=f"Freelancer {i}") for i in range(n)], batch_size=5000
    )
    profiles = FreelancerProfile.objects.bulk_create(
        [FreelancerProfile(user=u, vetting_status="approved") for u in users], batch_size=5000
    )
    contracts = []
    for i, profile in enumerate(profiles):
        pay = Decimal(rng.choice(["6.50", "8.00", "9.25", "11.00", "12.75"]))
        contracts.append(
            Contract(
                organization=orgs[i // 4],
                freelancer=profile,
                title=f"Support {i}",
                pay_rate=pay,
                bill_rate=(pay * Decimal("1.20")).quantize(Decimal("0.01")),
                weekly_hour_cap=40,
                starts_on=WEEK - dt.timedelta(days=30),
            )
        )
    contracts = Contract.objects.bulk_create(contracts, batch_size=5000)
    sheets = Timesheet.objects.bulk_create(
        [Timesheet(contract=c, week_start=WEEK, status="approved", approved_minutes=40 * 60) for c in contracts],
        batch_size=5000,
    )
    start = dt.datetime.combine(WEEK, dt.time(0), tzinfo=dt.UTC)
    batch = []
    for sheet, contract in zip(sheets, contracts, strict=True):
        for k in range(40):
            began = start + dt.timedelta(days=k // 8, hours=8 + k % 8)
            batch.append(
                TimeEntry(
                    contract=contract,
                    freelancer_id=contract.freelancer_id,
                    timesheet=sheet,
                    source="clock",
                    started_at=began,
                    ended_at=began + dt.timedelta(hours=1),
                    minutes=60,
                )
            )
        if len(batch) >= 20000:
            TimeEntry.objects.bulk_create(batch, batch_size=5000)
            batch = []
    TimeEntry.objects.bulk_create(batch, batch_size=5000)
    ops = User.objects.create(email="ops@bench.test", is_staff=True)
    ops.groups.add(Group.objects.get_or_create(name="ops")[0])
    return ops


PAGE = 500  # invoices per mark-paid call


def cycle(ops) -> dict[str, float]:
    from billing import cycle as billing_cycle
    from billing import services
    from billing.models import Invoice

    times = {}
    t0 = time.perf_counter()
    issued = billing_cycle.issue(week_start=WEEK)
    times["invoices"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    after = 0
    while page := list(
        Invoice.objects.filter(status="open", pk__gt=after).order_by("pk").values_list("pk", flat=True)[:PAGE]
    ):
        after = page[-1]
        services.invoices_mark_paid(invoice_ids=page, actor=ops, via="manual")  # payouts created on commit
    times["paid + payouts"] = time.perf_counter() - t1
    t2 = time.perf_counter()
    batch = services.payout_batch_create(actor=ops)
    services.payout_batch_mark_sent(actor=ops, batch=batch)
    times["payout batch sent"] = time.perf_counter() - t2
    t3 = time.perf_counter()
    problems = billing_cycle.reconcile()
    times["reconcile"] = time.perf_counter() - t3
    times["total"] = time.perf_counter() - t0
    assert issued == Invoice.objects.count(), "one invoice per seller"
    assert problems == [], problems[:5]
    return times


def rerun() -> float:
    """The same cycle again: nothing new may be written."""
    from billing import cycle as billing_cycle
    from billing.models import Invoice, JournalEntry, Payout

    before = (Invoice.objects.count(), JournalEntry.objects.count(), Payout.objects.count())
    t = time.perf_counter()
    assert billing_cycle.issue(week_start=WEEK) == 0
    assert billing_cycle.payouts_due() == 0
    assert billing_cycle.reconcile() == []
    took = time.perf_counter() - t
    assert (Invoice.objects.count(), JournalEntry.objects.count(), Payout.objects.count()) == before
    return took


def run_populate(n: int) -> None:
    setup(n, create=True)
    print(f"N = {n:,} contracts: generating…", flush=True)
    t = time.perf_counter()
    populate(n)
    from timesheets.models import TimeEntry

    print(f"  populated {TimeEntry.objects.count():,} time entries in {time.perf_counter() - t:.1f} s", flush=True)


def run_cycle() -> None:
    from accounts.models import User
    from billing.models import Invoice, JournalEntry, Payout, Posting

    ops = User.objects.get(email="ops@bench.test")
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    times = cycle(ops)
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    steps = ", ".join(f"{k} {v:.1f} s" for k, v in times.items() if k != "total")
    print(f"  cycle {times['total']:.1f} s ({steps})")
    print(
        f"  wrote {Invoice.objects.count():,} invoices, {JournalEntry.objects.count():,} journal entries "
        f"({Posting.objects.count():,} postings), {Payout.objects.count():,} payouts; "
        f"cycle process peak RSS {rss_after / 1024:.0f} MiB (+{(rss_after - rss_before) / 1024:.0f} MiB in the cycle)",
        flush=True,
    )
    print(f"  second run wrote nothing in {rerun():.1f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark databases")
    parser.add_argument("--only", action="store_true", help="run size N alone (not N/2 first)")
    args = parser.parse_args()
    phase = os.environ.get("BENCH_CHILD")
    if phase == "populate":  # one process per size and phase: Django binds to one database at setup
        run_populate(args.n)
        return
    if phase == "cycle":
        setup(args.n, create=False)
        run_cycle()
        from django.db import connections

        connections.close_all()
        if not args.keep:
            import psycopg

            with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{_db(args.n)}"')
        return
    import subprocess

    for n in (args.n,) if args.only else (args.n // 2, args.n):
        cmd = [sys.executable, __file__, "--n", str(n)] + (["--keep"] if args.keep else [])
        for phase in ("populate", "cycle"):
            subprocess.run(cmd, check=True, env={**os.environ, "BENCH_CHILD": phase})


if __name__ == "__main__":
    main()
