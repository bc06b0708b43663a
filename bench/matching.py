"""Matching benchmark on PostgreSQL: rankings served from the materialized heads, cold builds and maintenance.

    .venv/bin/python bench/matching.py            # N = 100,000 (and 10,000)
    .venv/bin/python bench/matching.py --n 20000 --repeats 10

Each size gets its own fresh database (``shiftdesk_bench_match_<n>`` on BENCH_PG, default
postgresql://postgres@127.0.0.1:5432), migrated, then filled with users, profiles, their skills,
languages, windows and ``MatchIndex`` rows (bulk inserts, a fixed random seed) and ~10 % active contracts.
For six varied jobs it times, median and p95, with the SQL queries of each:

- **served**: ``rank_job(job, limit=20, with_count=True)`` with the head built (what a seller's job page and
  ``GET /api/jobs/{id}/matches/`` do on every view);
- **live scan**: the same page by a full scan (``rank_job_live``; deep pages past the head, and the old path);
- **cold build**: the first ranking after the job changed, which rebuilds its head (one scan, one count);
- **profile update**: ``freelancer_quality_update`` of a random freelancer, which refreshes its index row and
  maintains every materialized head, with 50 heads materialized (and with none, for comparison).

Before timing, every head-served page is checked against the live scan.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PG = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432")

TIMEZONES = [
    "Asia/Manila",
    "Asia/Manila",
    "Asia/Kolkata",
    "America/Bogota",
    "America/Mexico_City",
    "America/Sao_Paulo",
    "Europe/Kyiv",
    "Europe/Warsaw",
    "Europe/Bucharest",
    "Africa/Nairobi",
]
SHIFTS = [("09:00", "17:00"), ("21:00", "05:00"), ("13:00", "21:00"), ("06:00", "14:00"), ("22:00", "06:00")]


def _db(n: int) -> str:
    return f"shiftdesk_bench_match_{n}"


def create_database(n: int) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{_db(n)}"')
        conn.execute(f'CREATE DATABASE "{_db(n)}"')


def setup_django(n: int) -> None:
    os.environ["DATABASE_URL"] = f"{PG}/{_db(n)}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()


def hm(text: str) -> dt.time:
    return dt.time(*map(int, text.split(":")))


def populate(n: int, week: dt.date, rng: random.Random) -> None:
    from django.db import connection, transaction

    from accounts.models import Organization, User
    from marketplace.matching.availability import as_window, week_bits
    from marketplace.models import (
        AvailabilityWindow,
        Contract,
        FreelancerProfile,
        Language,
        MatchIndex,
        ProfileLanguage,
        ProfileSkill,
        Skill,
        VettingStatus,
    )

    skills = list(Skill.objects.all())
    languages = {lang.code: lang for lang in Language.objects.all()}
    org = Organization.objects.create(name="Bench Seller", slug="bench-seller")
    batch = 5000
    t0 = time.perf_counter()
    for start in range(0, n, batch):
        size = min(batch, n - start)
        with transaction.atomic():
            users = User.objects.bulk_create(
                [User(email=f"f{start + i}@bench.test", full_name=f"Freelancer {start + i}") for i in range(size)]
            )
            profiles, skill_rows, lang_rows, window_rows, index_rows, contracts = [], [], [], [], [], []
            specs = []
            for user in users:
                tz = rng.choice(TIMEZONES)
                approved = rng.random() < 0.95
                rate = Decimal(rng.randrange(500, 2500)) / 100
                profiles.append(
                    FreelancerProfile(
                        user=user,
                        timezone=tz,
                        hourly_rate=rate,
                        hours_per_week=rng.choice([20, 30, 40, 40]),
                        vetting_status=VettingStatus.APPROVED if approved else VettingStatus.IN_REVIEW,
                        vetting_score=Decimal(rng.randrange(6000, 10000)) / 100,
                        reliability=Decimal(rng.randrange(4000, 10000)) / 100 if rng.random() < 0.6 else None,
                    )
                )
            FreelancerProfile.objects.bulk_create(profiles)
            for p in profiles:
                my_skills = rng.sample(skills, rng.randrange(2, 7))
                langs = [("en", rng.randrange(3, 7))] + ([(rng.choice(["es", "pt", "pl", "uk", "tl", "hi"]), 6)])
                shift = rng.choice(SHIFTS)
                days = range(5) if rng.random() < 0.8 else range(7)
                windows = [(d, shift[0], shift[1]) for d in days]
                skill_rows += [ProfileSkill(profile=p, skill=s, level=rng.randrange(1, 4)) for s in my_skills]
                lang_rows += [ProfileLanguage(profile=p, language=languages[c], level=lvl) for c, lvl in langs]
                window_rows += [AvailabilityWindow(profile=p, weekday=d, start=hm(s), end=hm(e)) for d, s, e in windows]
                bits = week_bits(p.timezone, [as_window(d, hm(s), hm(e)) for d, s, e in windows], week)
                cap = rng.choice([10, 20]) if rng.random() < 0.1 else 0
                values = {
                    "week_start": week,
                    "approved": p.vetting_status == VettingStatus.APPROVED,
                    "currency": "USD",
                    "rate_cents": int(p.hourly_rate * 100),
                    "hours_per_week": p.hours_per_week,
                    "committed": cap,
                    "quality_bp": int(p.vetting_score * 100),
                    "reliability_bp": None if p.reliability is None else int(p.reliability * 100),
                    "skill_mask": sum(1 << s.bit for s in my_skills),
                    "channel_mask": rng.getrandbits(7),
                    "tool_mask": rng.getrandbits(9),
                }
                for level in range(1, 7):
                    values[f"lang_{level}"] = sum(1 << languages[c].bit for c, lvl in langs if lvl >= level)
                values["availability"] = bits
                index_rows.append(MatchIndex(profile=p, **values))
                if cap:
                    contracts.append(
                        Contract(
                            organization=org,
                            freelancer=p,
                            title="Bench contract",
                            pay_rate=p.hourly_rate,
                            bill_rate=p.hourly_rate * Decimal("1.2"),
                            weekly_hour_cap=cap,
                            starts_on=week,
                        )
                    )
                specs.append(p)
            ProfileSkill.objects.bulk_create(skill_rows)
            ProfileLanguage.objects.bulk_create(lang_rows)
            AvailabilityWindow.objects.bulk_create(window_rows)
            MatchIndex.objects.bulk_create(index_rows)
            Contract.objects.bulk_create(contracts)
        print(f"  … {start + size:,} freelancers ({time.perf_counter() - t0:.0f} s)", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


JOB_SPECS = [
    ("America/New_York", [(d, "09:00", "17:00") for d in range(5)], 40, ("8.00", "15.00")),
    ("America/Los_Angeles", [(d, "06:00", "14:00") for d in range(7)], 20, ("6.00", "10.00")),
    ("Europe/Berlin", [(d, "08:00", "20:00") for d in range(5)], 30, ("10.00", "20.00")),
    ("Australia/Sydney", [(d, "09:00", "17:00") for d in range(5)], 20, ("9.00", "25.00")),
    ("America/Chicago", [(5, "10:00", "18:00"), (6, "10:00", "18:00")], 10, ("7.00", "12.00")),
    ("UTC", [(d, "22:00", "06:00") for d in range(7)], 40, ("5.00", "14.00")),
]


def make_jobs(rng: random.Random, specs=JOB_SPECS, first: int = 0):
    from accounts.models import Organization
    from marketplace.models import CoverageWindow, JobLanguage, JobPost, JobSkill, Language, Skill

    org = Organization.objects.get(slug="bench-seller")
    skills = list(Skill.objects.all())
    en = Language.objects.get(code="en")
    jobs = []
    for i, (tz, windows, hours, (lo, hi)) in enumerate(specs, start=first):
        job = JobPost.objects.create(
            organization=org,
            role=f"Bench job {i}",
            timezone=tz,
            hours_per_week=hours,
            rate_min=Decimal(lo),
            rate_max=Decimal(hi),
            start_date=dt.date(2026, 12, 1),
            status="open",
        )
        picked = rng.sample(skills, 4)
        JobSkill.objects.bulk_create([JobSkill(job=job, skill=s, required=k < 2) for k, s in enumerate(picked)])
        JobLanguage.objects.create(job=job, language=en, min_level=rng.choice([4, 5]))
        CoverageWindow.objects.bulk_create(
            [CoverageWindow(job=job, weekday=d, start=hm(s), end=hm(e)) for d, s, e in windows]
        )
        jobs.append(job)
    return jobs


def make_extra_jobs(rng: random.Random, count: int):
    """More open jobs, so profile updates maintain a realistic number of materialized heads."""
    zones = ["America/New_York", "America/Chicago", "Europe/London", "Europe/Berlin", "Australia/Sydney", "UTC"]
    specs = []
    for _ in range(count):
        start = rng.choice(["06:00", "08:00", "09:00", "13:00", "18:00", "22:00"])
        end = rng.choice(["14:00", "17:00", "20:00", "02:00", "06:00"])
        days = range(5) if rng.random() < 0.7 else range(7)
        low = rng.randrange(500, 1200)
        specs.append(
            (
                rng.choice(zones),
                [(d, start, end) for d in days if start != end],
                rng.choice([10, 20, 30, 40]),
                (f"{low / 100:.2f}", f"{(low + rng.randrange(200, 1200)) / 100:.2f}"),
            )
        )
    return make_jobs(rng, specs, first=len(JOB_SPECS))


def _timed(fn, repeats: int, setup=None) -> tuple[list[float], set[int]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings, queries = [], set()
    for i in range(repeats):
        if setup is not None:
            setup(i)
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            fn(i)
            timings.append((time.perf_counter() - t0) * 1000)
        queries.add(len(ctx.captured_queries))
    return timings, queries


def _stats(timings: list[float]) -> tuple[float, float]:
    ordered = sorted(timings)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.95) - 1)]


def _line(label: str, timings: list[float], queries: set[int]) -> str:
    median, p95 = _stats(timings)
    runs = len(timings)
    return f"  {label:<30} median {median:7.1f} ms   p95 {p95:7.1f} ms   ({runs} runs; queries {sorted(queries)})"


def measure(jobs, extra_jobs, week: dt.date, repeats: int, rng: random.Random) -> dict[str, tuple]:
    from marketplace.matching import rank_job, rank_job_live
    from marketplace.matching.heads import job_index_invalidate
    from marketplace.models import FreelancerProfile, JobIndex
    from marketplace.services import freelancer_quality_update

    results = {}
    for job in jobs:  # build the heads, warm plans and caches, and check the served page against the live scan
        rank_job(job, week_start=week)
        served = rank_job(job, limit=20, with_count=True, week_start=week)
        live = rank_job_live(job, limit=20, with_count=True, week_start=week)
        assert served.source == "head" and len(served.candidates) == 20, (job, served.source)
        assert [(c.profile_id, c.signals) for c in served.candidates] == [
            (c.profile_id, c.signals) for c in live.candidates
        ]
        assert served.count == live.count

    def served(i):
        page = rank_job(jobs[i % len(jobs)], limit=20, with_count=True, week_start=week)
        assert page.source == "head" and len(page.candidates) == 20

    def live(i):
        assert len(rank_job_live(jobs[i % len(jobs)], limit=20, with_count=True, week_start=week).candidates) == 20

    def invalidate(i):  # what a job edit does
        job_index_invalidate(job_id=jobs[i % len(jobs)].pk)

    def cold(i):
        page = rank_job(jobs[i % len(jobs)], limit=20, with_count=True, week_start=week)
        assert page.source == "built", page.source

    rounds = repeats * len(jobs)
    results["served (warm head)"] = _timed(served, rounds)
    results["live scan (no head)"] = _timed(live, rounds)
    results["cold build (first ranking)"] = _timed(cold, rounds, setup=invalidate)

    ids = list(FreelancerProfile.objects.order_by("?").values_list("pk", flat=True)[: 2 * rounds])

    def update(i):
        freelancer_quality_update(
            profile_id=ids[i], iqs=Decimal(rng.randrange(6000, 10000)) / 100, review_count=rng.randrange(1, 20)
        )

    for job in [*jobs, *extra_jobs]:
        job_index_invalidate(job_id=job.pk)
    update(0)  # warm
    results["profile update, no heads"] = _timed(lambda i: update(i + 1), rounds // 2)
    for job in [*jobs, *extra_jobs]:
        rank_job(job, week_start=week)
    heads = JobIndex.objects.filter(head_ready=True).count()
    results[f"profile update, {heads} heads"] = _timed(lambda i: update(rounds + i), rounds)
    for job in jobs:  # maintenance kept every head exact
        served_page = rank_job(job, limit=20, with_count=True, week_start=week)
        live_page = rank_job_live(job, limit=20, with_count=True, week_start=week)
        assert served_page.source == "head"
        assert [(c.profile_id, c.signals) for c in served_page.candidates] == [
            (c.profile_id, c.signals) for c in live_page.candidates
        ]
        assert served_page.count == live_page.count
    return results


def run(n: int, repeats: int) -> dict[str, tuple]:
    create_database(n)
    from django.core.management import call_command

    call_command("migrate", "marketplace", verbosity=0)  # only what matching needs
    from marketplace.matching.availability import current_week_start

    week = current_week_start()
    rng = random.Random(20261123)
    print(f"N = {n:,}: generating…", flush=True)
    populate(n, week, rng)
    jobs = make_jobs(rng)
    extra = make_extra_jobs(rng, 44)
    results = measure(jobs, extra, week, repeats, rng)
    print(f"N = {n:,} (load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f})")
    for label, (timings, queries) in results.items():
        print(_line(label, timings, queries))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=15, help="rounds over the six jobs per measure")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark databases")
    args = parser.parse_args()
    # One process per size: Django binds to one database at setup.
    if os.environ.get("BENCH_CHILD"):
        setup_django(args.n)
        run(args.n, args.repeats)
        from django.db import connections

        connections.close_all()
        if not args.keep:
            import psycopg

            with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{_db(args.n)}"')
        return
    import subprocess

    for n in (args.n // 10, args.n):
        cmd = [sys.executable, __file__, "--n", str(n), "--repeats", str(args.repeats)]
        if args.keep:
            cmd.append("--keep")
        subprocess.run(cmd, check=True, env={**os.environ, "BENCH_CHILD": "1"})


if __name__ == "__main__":
    main()
