"""Matching benchmark on PostgreSQL: rank the top 20 for varied jobs at N and N/10 approved freelancers.

    .venv/bin/python bench/matching.py            # N = 100,000 (and 10,000)
    .venv/bin/python bench/matching.py --n 20000 --repeats 10

Each size gets its own fresh database (``shiftdesk_bench_<n>`` on BENCH_PG, default
postgresql://postgres@127.0.0.1:5432), migrated, then filled with users, profiles, their skills,
languages, windows and ``MatchIndex`` rows (bulk inserts, a fixed random seed) and ~10 % active contracts.
It prints the median and p95 of the wall time of ``rank_job(job, limit=20)`` (5 queries to read the job,
1 ranking query) and the number of SQL queries per ranking.
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
    return f"shiftdesk_bench_{n}"


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
                values = {
                    "week_start": week,
                    "approved": p.vetting_status == VettingStatus.APPROVED,
                    "currency": "USD",
                    "rate_cents": int(p.hourly_rate * 100),
                    "hours_per_week": p.hours_per_week,
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
                if rng.random() < 0.1:
                    contracts.append(
                        Contract(
                            organization=org,
                            freelancer=p,
                            title="Bench contract",
                            pay_rate=p.hourly_rate,
                            bill_rate=p.hourly_rate * Decimal("1.2"),
                            weekly_hour_cap=rng.choice([10, 20]),
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


def make_jobs(rng: random.Random):
    from accounts.models import Organization
    from marketplace.models import CoverageWindow, JobLanguage, JobPost, JobSkill, Language, Skill

    org = Organization.objects.get(slug="bench-seller")
    skills = list(Skill.objects.all())
    en = Language.objects.get(code="en")
    specs = [
        ("America/New_York", [(d, "09:00", "17:00") for d in range(5)], 40, ("8.00", "15.00")),
        ("America/Los_Angeles", [(d, "06:00", "14:00") for d in range(7)], 20, ("6.00", "10.00")),
        ("Europe/Berlin", [(d, "08:00", "20:00") for d in range(5)], 30, ("10.00", "20.00")),
        ("Australia/Sydney", [(d, "09:00", "17:00") for d in range(5)], 20, ("9.00", "25.00")),
        ("America/Chicago", [(5, "10:00", "18:00"), (6, "10:00", "18:00")], 10, ("7.00", "12.00")),
        ("UTC", [(d, "22:00", "06:00") for d in range(7)], 40, ("5.00", "14.00")),
    ]
    jobs = []
    for i, (tz, windows, hours, (lo, hi)) in enumerate(specs):
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


def measure(jobs, week: dt.date, repeats: int) -> tuple[float, float, set[int], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from marketplace.matching import rank_job

    timings, queries = [], set()
    for job in jobs:
        rank_job(job, week_start=week)  # warm the plan and caches once per job
    for _ in range(repeats):
        for job in jobs:
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                page = rank_job(job, limit=20, week_start=week)
                timings.append((time.perf_counter() - t0) * 1000)
            queries.add(len(ctx.captured_queries))
            assert len(page.candidates) == 20, (job, len(page.candidates))
    timings.sort()
    p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
    return statistics.median(timings), p95, queries, len(timings)


def run(n: int, repeats: int) -> tuple[float, float, set[int]]:
    create_database(n)
    from django.core.management import call_command

    call_command("migrate", "marketplace", verbosity=0)  # only what matching needs
    from marketplace.matching.availability import current_week_start

    week = current_week_start()
    rng = random.Random(20261123)
    print(f"N = {n:,}: generating…", flush=True)
    populate(n, week, rng)
    jobs = make_jobs(rng)
    median, p95, queries, samples = measure(jobs, week, repeats)
    print(
        f"N = {n:,}: median {median:.1f} ms, p95 {p95:.1f} ms over {samples} rankings; "
        f"queries per ranking {sorted(queries)}"
    )
    return median, p95, queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=15)
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
