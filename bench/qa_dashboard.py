"""QA dashboards and sampling benchmark on PostgreSQL.

    .venv/bin/python bench/qa_dashboard.py                      # 1,000,000 reviews, 5,000 freelancers
    .venv/bin/python bench/qa_dashboard.py --reviews 100000 --repeats 5
    .venv/bin/python bench/qa_dashboard.py --keep               # reuse the filled database

A fresh database (``shiftdesk_bench_qa`` on BENCH_PG, default postgresql://postgres@127.0.0.1:5432) is
migrated and filled in SQL (``INSERT … SELECT generate_series``): N conversations over two years, one
submitted production review each with five criterion scores (two scale, three yes/no, one critical),
1 % disputed, 50 QA reviewers with weekly goals, and for the last complete week 10 extra unreviewed
conversations (with messages) per freelancer for the sampling run. The weekly roll-ups the dashboards read are
then built with ``rebuild_qa_rollups`` (weekly rows and the 4- and 16-week criterion blocks the heat map reads;
the writers keep them in step afterwards).

Prints, per dashboard chart, the median and p95 wall time of building its data for platform QA staff
(the widest scope) and for the seller (default period: the last 12 ISO weeks), with the number of SQL
queries; then the wall time of one ``sampling_run`` over all freelancers. Budgets: 200 ms median per
chart, 30 s per sampling run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PG = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
DB = "shiftdesk_bench_qa"


def create_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB}"')
        conn.execute(f'CREATE DATABASE "{DB}"')


def setup_django() -> None:
    os.environ["DATABASE_URL"] = f"{PG}/{DB}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()


def step(label: str):
    class _T:
        def __enter__(self):
            self.t = time.perf_counter()
            print(f"  {label} …", end="", flush=True)

        def __exit__(self, *exc):
            print(f" {time.perf_counter() - self.t:.1f} s", flush=True)

    return _T()


def fill(reviews: int, freelancers: int) -> None:
    from django.contrib.auth.models import Group
    from django.db import connection

    from accounts.models import Membership, Organization, Role, User
    from marketplace.models import FreelancerProfile
    from qa_ops.models import ReviewerGoal
    from qa_scoring.models import Criterion, Rubric, RubricVersion, Section

    with step("organization, rubric, users"):
        org = Organization.objects.create(name="Bench Seller", slug="bench-seller")
        owner = User.objects.create_user(email="owner@bench.example", password=None)
        Membership.objects.create(user=owner, organization=org, role=Role.OWNER)
        rubric = Rubric.objects.create(name="Bench rubric")
        version = RubricVersion.objects.create(rubric=rubric, number=1, status="published")
        section = Section.objects.create(version=version, title="Main")
        specs = [
            ("greeting", "binary", 0, 1, 10, False),
            ("resolution", "scale", 1, 5, 30, False),
            ("tone", "scale", 1, 5, 20, False),
            ("response_24h", "binary", 0, 1, 20, False),
            ("no_personal_data", "binary", 0, 1, 20, True),
        ]
        for i, (key, kind, lo, hi, weight, critical) in enumerate(specs):
            Criterion.objects.create(
                version=version,
                section=section,
                key=key,
                label=key,
                kind=kind,
                scale_min=lo,
                scale_max=hi,
                weight=weight,
                critical=critical,
                position=i,
            )
        users = User.objects.bulk_create(
            [User(email=f"f{i}@bench.example", full_name=f"Freelancer {i}") for i in range(freelancers)],
            batch_size=5000,
        )
        FreelancerProfile.objects.bulk_create([FreelancerProfile(user=u) for u in users], batch_size=5000)
        qa = Group.objects.get_or_create(name="qa")[0]
        reviewers = User.objects.bulk_create(
            [User(email=f"r{i}@bench.example", full_name=f"Reviewer {i}", is_staff=True) for i in range(50)]
        )
        qa.user_set.add(*reviewers)
        ReviewerGoal.objects.bulk_create([ReviewerGoal(reviewer=r, weekly_goal=1000) for r in reviewers])
    profile_ids = sorted(
        FreelancerProfile.objects.filter(user__email__endswith="@bench.example").values_list("pk", flat=True)
    )
    reviewer_ids = sorted(r.pk for r in reviewers)
    assert profile_ids[-1] - profile_ids[0] + 1 == freelancers, "profile ids are not contiguous"
    assert reviewer_ids[-1] - reviewer_ids[0] + 1 == len(reviewer_ids)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    span = 730 * 86400
    with connection.cursor() as cur:
        with step(f"{reviews:,} conversations"):
            cur.execute(
                """
                INSERT INTO qa_scoring_conversation (organization_id, freelancer_id, source, external_id, channel,
                    subject, started_at, ended_at, csat, csat_raw, tags, agent_email, agent_name, raw,
                    message_count, imported_at, updated_at)
                SELECT %s, %s + g %% %s, 'bench', 'B' || g, '', '', %s - make_interval(secs => %s - g * %s::float / %s),
                    NULL, CASE WHEN g %% 3 = 0 THEN NULL ELSE (g * 37) %% 101 END, '', '[]', '', '', '{}', 4, %s, %s
                FROM generate_series(1, %s) g
                """,
                [org.pk, profile_ids[0], freelancers, now, span, span, reviews, now, now, reviews],
            )
        with step(f"{reviews:,} submitted reviews"):
            cur.execute(
                """
                INSERT INTO qa_scoring_review (conversation_id, rubric_version_id, reviewer_id, kind, status, score,
                    critical_fail, comment, created_at, updated_at, submitted_at)
                SELECT c.id, %s, %s + c.id %% 50, 'production', 'submitted',
                    CASE WHEN c.id %% 29 = 0 THEN 0 ELSE 50 + (c.id * 7919) %% 51 END, c.id %% 29 = 0, '',
                    c.started_at, c.started_at, c.started_at + interval '2 hours'
                FROM qa_scoring_conversation c WHERE c.source = 'bench'
                """,
                [version.pk, reviewer_ids[0]],
            )
        with step(f"{reviews * 5:,} criterion scores"):
            criteria = list(Criterion.objects.filter(version=version).values_list("pk", "scale_min", "scale_max"))
            for pk, lo, hi in criteria:
                cur.execute(
                    """
                    INSERT INTO qa_scoring_criterionscore (review_id, criterion_id, value, comment)
                    SELECT r.id, %s, %s + ((r.id * 31 + %s) %% (%s - %s + 1)), '' FROM qa_scoring_review r
                    """,
                    [pk, lo, pk, hi, lo],
                )
        with step("1 % disputes"):
            cur.execute(
                """
                INSERT INTO qa_scoring_dispute (review_id, raised_by_id, status, resolution_comment, created_at)
                SELECT r.id, %s, (ARRAY['open','accepted','partly_accepted','rejected'])[1 + r.id %% 4], '',
                    r.submitted_at + interval '1 day'
                FROM qa_scoring_review r WHERE r.id %% 100 = 0
                """,
                [owner.pk],
            )
        week_start = (now - dt.timedelta(days=now.weekday() + 7)).replace(hour=0, minute=0, second=0)
        with step(f"{freelancers * 10:,} unreviewed conversations with messages in the last complete week"):
            cur.execute(
                """
                INSERT INTO qa_scoring_conversation (organization_id, freelancer_id, source, external_id, channel,
                    subject, started_at, ended_at, csat, csat_raw, tags, agent_email, agent_name, raw,
                    message_count, imported_at, updated_at)
                SELECT %s, %s + g %% %s, 'bench-week', 'W' || g, '', '', %s + make_interval(secs => (g * 7) %% 600000),
                    NULL, (g * 13) %% 101, '', '[]', '', '', '{}', 2 + g %% 5, %s, %s
                FROM generate_series(1, %s) g
                """,
                [org.pk, profile_ids[0], freelancers, week_start, now, now, freelancers * 10],
            )
            cur.execute(
                """
                INSERT INTO qa_scoring_message (conversation_id, position, external_id, author_role, author_name,
                    author_external_id, is_internal_note, sent_at, text, attachments)
                SELECT c.id, p, '', CASE WHEN p = 0 THEN 'customer' ELSE 'agent' END, '', '', false,
                    c.started_at + make_interval(mins => p * 10), 'Where is my order?', '[]'
                FROM qa_scoring_conversation c CROSS JOIN generate_series(0, 1) p WHERE c.source = 'bench-week'
                """
            )
    from django.core.management import call_command

    with step("rebuild_qa_rollups (weekly review and criterion roll-ups)"):
        call_command("rebuild_qa_rollups", verbosity=0)
    with connection.cursor() as cur, step("VACUUM ANALYZE"):
        cur.execute("VACUUM ANALYZE")


def measure(repeats: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.access import forget_cached_access
    from accounts.models import User
    from qa_ops import dashboards, services
    from qa_ops.models import ReviewAssignment, SamplingRule, SamplingRun
    from qa_scoring.models import CriterionBlockRollup, CriterionRollup, Review, ReviewRollup

    print(f"  submitted reviews: {Review.objects.count():,}")
    print(
        f"  roll-up rows: {ReviewRollup.objects.count():,} review, {CriterionRollup.objects.count():,} criterion, "
        f"{CriterionBlockRollup.objects.count():,} criterion blocks"
    )
    staff = User.objects.get(email="r0@bench.example")
    owner = User.objects.get(email="owner@bench.example")
    f = dashboards.Filters.default()
    print(f"\nDashboard data, default period ({f.start:%Y-%m-%d} → {f.end:%Y-%m-%d}), {repeats} runs each:")
    print(f"  {'chart':<18} {'actor':<7} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'rows':>6}")
    worst = 0.0
    for key in dashboards.CHARTS:
        for label, actor in (("staff", staff), ("seller", owner)):
            times, queries, rows = [], set(), 0
            for _ in range(repeats):
                forget_cached_access(actor)
                with CaptureQueriesContext(connection) as ctx:
                    t = time.perf_counter()
                    rows = len(dashboards.chart(actor, key, f).rows)
                    times.append((time.perf_counter() - t) * 1000)
                queries.add(len(ctx.captured_queries))
            median = statistics.median(times)
            p95 = sorted(times)[max(0, int(len(times) * 0.95) - 1)]
            worst = max(worst, median)
            print(
                f"  {key:<18} {label:<7} {median:>10.1f} {p95:>8.1f} {'/'.join(map(str, sorted(queries))):>8} {rows:>6}"
            )
    print(f"  slowest median: {worst:.1f} ms (budget 200 ms)")

    rule, _ = SamplingRule.objects.get_or_create(
        organization=owner.memberships.get().organization, name="Bench weekly", defaults={"count": 2, "seed": 7}
    )
    SamplingRun.objects.filter(rule=rule).delete()
    ReviewAssignment.objects.filter(rule=rule).delete()
    now = dt.datetime.now(dt.UTC)
    last_week = (now - dt.timedelta(days=now.weekday() + 7)).date()
    t = time.perf_counter()
    result = services.sampling_run(rule=rule, period_start=last_week)
    elapsed = time.perf_counter() - t
    freelancers = ReviewAssignment.objects.filter(rule=rule).values("conversation__freelancer_id").distinct().count()
    print(
        f"\nSampling run (week of {result.period_start:%Y-%m-%d}, 2 per freelancer): {elapsed:.1f} s "
        f"(budget 30 s); {result.created:,} assignments for {freelancers:,} freelancers, "
        f"{len(result.unassigned):,} unassigned"
    )
    again = services.sampling_run(rule=rule, period_start=last_week)
    print(f"  second run: already ran = {again.already_ran}, created {again.created}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument("--freelancers", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="reuse the database filled by an earlier run")
    args = parser.parse_args()
    if not args.keep:
        print(f"Creating {DB} …")
        create_database()
    setup_django()
    if not args.keep:
        from django.core.management import call_command

        with step("migrate"):
            call_command("migrate", verbosity=0)
        fill(args.reviews, args.freelancers)
    measure(args.repeats)


if __name__ == "__main__":
    main()
