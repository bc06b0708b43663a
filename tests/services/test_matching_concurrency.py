"""Materialized ranking heads under concurrency on real PostgreSQL (READ COMMITTED): no lost update.

Each test forces the dangerous interleaving with events (one transaction held open at the critical point) and
checks that the other side waited for it, then that the head equals the reference ranking.
"""

import datetime as dt
import threading
import time
from decimal import Decimal
from importlib import import_module

import pytest
from django.db import connection, transaction

from marketplace import services
from marketplace.matching import heads, rank_job
from marketplace.matching.availability import current_week_start
from marketplace.matching.index import match_index_rebuild
from marketplace.models import JobIndex, JobPost, JobStatus, MatchHeadRow
from tests.marketplace.factories import (
    FreelancerProfileFactory,
    JobPostFactory,
    add_job_details,
    add_profile_details,
    language,
)
from tests.marketplace.reference import assert_head_matches_reference, reference_rank

pytestmark = pytest.mark.django_db(transaction=True)

WAIT = 10  # seconds any side waits for the other before the test gives up
BLOCKED = 0.5  # how long a side must stay blocked to count as waiting


class Side(threading.Thread):
    """Runs ``fn`` on its own database connection; keeps its result or exception."""

    def __init__(self, fn):
        super().__init__(daemon=True)
        self.fn, self.result, self.error = fn, None, None

    def run(self):
        try:
            self.result = self.fn()
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            self.error = exc
        finally:
            connection.close()

    def finish(self):
        self.join(WAIT * 3)
        assert not self.is_alive(), "a side never finished (deadlock?)"
        if self.error is not None:
            raise self.error
        return self.result


def _job(**extra):
    return add_job_details(
        JobPostFactory(**extra),
        required=["live-chat"],
        languages=[("en", 4)],
        windows=[(d, "09:00", "17:00") for d in range(5)],
    )


def _candidate(rate: str):
    return add_profile_details(
        FreelancerProfileFactory(hourly_rate=Decimal(rate)), languages=[("en", 5)], skills=[("live-chat", 2)]
    )


def _expected_ids(job):
    return [r[0] for r in reference_rank(JobPost.objects.get(pk=job.pk), current_week_start())]


@pytest.fixture(autouse=True)
def taxonomy(transactional_db):
    """Transactional tests start from a flushed database: put back the taxonomy the seed migration ships."""
    from django.apps import apps

    import_module("marketplace.migrations.0004_seed_taxonomy").seed(apps, None)


@pytest.fixture
def small_head(settings):
    settings.MATCHING_HEAD_SIZE = 2


def test_a_build_waits_for_an_uncommitted_profile_change_and_sees_it(small_head):
    job = _job()
    # d has the highest rate of four; a perfect QA score lifts her to the top
    a, b, c, d = (_candidate(rate) for rate in ("8.00", "8.10", "8.20", "8.30"))
    changed, commit = threading.Event(), threading.Event()

    def change():
        with transaction.atomic():
            services.freelancer_quality_update(profile_id=d.pk, iqs=Decimal("100"), review_count=9)
            changed.set()
            commit.wait(WAIT)

    def build():
        changed.wait(WAIT)
        return rank_job(job, limit=2, with_count=True)

    changer, builder = Side(change), Side(build)
    changer.start()
    builder.start()
    assert changed.wait(WAIT)
    time.sleep(BLOCKED)
    assert builder.is_alive(), "the build must wait for the profile change to commit"
    commit.set()
    changer.finish()
    page = builder.finish()
    assert page.source == "built"
    assert [c.profile_id for c in page.candidates] == [d.pk, a.pk] == _expected_ids(job)[:2]
    assert assert_head_matches_reference(job, current_week_start())


def test_a_profile_change_waits_for_a_build_in_progress_then_maintains_it(small_head, monkeypatch):
    job = _job()
    a, b, c, d = (_candidate(rate) for rate in ("8.00", "8.10", "8.20", "8.30"))
    scanned, finish = threading.Event(), threading.Event()
    scan = heads.scan

    def slow_scan(row, **kwargs):
        out = scan(row, **kwargs)
        if threading.current_thread() is builder:
            scanned.set()
            finish.wait(WAIT)
        return out

    monkeypatch.setattr(heads, "scan", slow_scan)

    def change():
        scanned.wait(WAIT)
        return services.freelancer_quality_update(profile_id=d.pk, iqs=Decimal("100"), review_count=9)

    builder = Side(lambda: rank_job(job, limit=2, with_count=True))
    changer = Side(change)
    builder.start()
    changer.start()
    assert scanned.wait(WAIT)
    time.sleep(BLOCKED)
    assert changer.is_alive(), "the profile change must wait for the build to commit"
    finish.set()
    page = builder.finish()
    assert changer.finish() is True
    assert page.source == "built" and [c.profile_id for c in page.candidates] == [a.pk, b.pk]  # before the change
    assert assert_head_matches_reference(job, current_week_start())  # the change reached the head
    served = rank_job(job, limit=2, with_count=True)
    assert (served.source, [c.profile_id for c in served.candidates], served.count) == ("head", [d.pk, a.pk], 4)


def test_a_job_edit_waits_for_the_build_reading_the_job(small_head, monkeypatch, org, seller_owner):
    job = _job(organization=org, created_by=seller_owner)
    cheap, mid, _dear = _candidate("8.00"), _candidate("9.00"), _candidate("11.00")
    read, finish = threading.Event(), threading.Event()
    job_vector = heads.job_vector

    def slow_job_vector(job_post, week_start):
        if threading.current_thread() is builder:
            read.set()
            finish.wait(WAIT)
        return job_vector(job_post, week_start)

    monkeypatch.setattr(heads, "job_vector", slow_job_vector)
    spec = services.JobSpec(
        role=job.role,
        description="",
        timezone_name="America/New_York",
        hours_per_week=20,
        rate_min=Decimal("8.00"),
        rate_max=Decimal("10.00"),  # dear drops out
        currency="USD",
        start_date=dt.date(2026, 12, 1),
        status=JobStatus.OPEN,
        windows=[(d, dt.time(9), dt.time(17)) for d in range(5)],
    )

    def edit():
        read.wait(WAIT)
        return services.job_post_update(actor=seller_owner, job=job, spec=spec)

    builder, editor = Side(lambda: rank_job(job, limit=2, with_count=True)), Side(edit)
    builder.start()
    editor.start()
    assert read.wait(WAIT)
    time.sleep(BLOCKED)
    assert editor.is_alive(), "the job edit must wait for the build that read the job"
    finish.set()
    assert builder.finish().count == 3  # built from the job before the edit
    editor.finish()
    assert JobIndex.objects.get(pk=job.pk).stale  # the edit, committed after, invalidated that head
    page = rank_job(JobPost.objects.get(pk=job.pk), limit=2, with_count=True)
    assert (page.source, [c.profile_id for c in page.candidates], page.count) == ("built", [cheap.pk, mid.pk], 2)
    assert [c.profile_id for c in page.candidates] == _expected_ids(job)


def test_simultaneous_changes_keep_every_count_exact_without_deadlocks(small_head):
    jobs = [_job(), _job(hours_per_week=30), _job(rate_max=Decimal("10.00"))]
    profiles = [_candidate(f"{8 + i * 0.5:.2f}") for i in range(6)]
    english = language("en")
    for job in jobs:
        rank_job(job, limit=2)
    for round_ in range(4):
        barrier = threading.Barrier(len(profiles))

        def toggle(p, drop=round_ % 2 == 0, barrier=barrier):
            barrier.wait(WAIT)
            # pass ↔ fail every head's language filter at once: every change moves every head's count
            if drop:
                return services.profile_language_remove(profile=p, actor=p.user, language_id=english.pk)
            return services.profile_language_set(profile=p, actor=p.user, language=english, level=5)

        sides = [Side(lambda p=p: toggle(p)) for p in profiles]
        for side in sides:
            side.start()
        for side in sides:
            side.finish()
        for job in jobs:
            assert assert_head_matches_reference(job, current_week_start())
            assert JobIndex.objects.get(pk=job.pk).candidates == (0 if round_ % 2 == 0 else len(_expected_ids(job)))


def test_two_first_rankings_at_once_build_one_head(small_head):
    job = _job()
    for rate in ("8.00", "9.00", "10.00"):
        _candidate(rate)
    barrier = threading.Barrier(2)

    def rank():
        barrier.wait(WAIT)
        return rank_job(job, limit=2, with_count=True)

    sides = [Side(rank), Side(rank)]
    for side in sides:
        side.start()
    pages = [side.finish() for side in sides]
    assert sorted(p.source for p in pages) in (["built", "head"], ["built", "built"])
    assert [[c.profile_id for c in p.candidates] for p in pages] == [_expected_ids(job)[:2]] * 2
    assert MatchHeadRow.objects.filter(job_id=job.pk).count() == 2
    assert assert_head_matches_reference(job, current_week_start())


def test_the_weekly_rebuild_alongside_profile_changes_leaves_heads_exact(small_head):
    job = _job()
    profiles = [_candidate(f"{8 + i * 0.25:.2f}") for i in range(8)]
    rank_job(job, limit=2)

    def changes():
        for i, p in enumerate(profiles):
            services.freelancer_quality_update(profile_id=p.pk, iqs=Decimal(60 + 5 * i), review_count=3)

    sides = [Side(lambda: match_index_rebuild(only_stale=False, chunk=3)), Side(changes)]
    for side in sides:
        side.start()
    assert sides[0].finish() == 8
    sides[1].finish()
    assert assert_head_matches_reference(job, current_week_start())
    assert [c.profile_id for c in rank_job(job, limit=2).candidates] == _expected_ids(job)[:2]
