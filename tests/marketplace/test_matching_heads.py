"""Materialized ranking heads: built lazily, served in two queries, maintained by every profile change, exact."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from marketplace import services
from marketplace.matching import rank_job, rank_job_live
from marketplace.matching.availability import current_week_start
from marketplace.matching.heads import job_index_invalidate
from marketplace.matching.index import match_index_rebuild, match_index_refresh
from marketplace.models import (
    FreelancerProfile,
    JobIndex,
    JobPost,
    JobSkill,
    JobStatus,
    MatchHeadRow,
    MatchIndex,
    ProfileLanguage,
    VettingStatus,
)
from tests.conftest import make_staff
from tests.marketplace.factories import FreelancerProfileFactory, JobPostFactory, add_job_details, add_profile_details
from tests.marketplace.reference import assert_head_matches_reference, reference_rank

pytestmark = pytest.mark.django_db

WEEKDAYS_9_TO_5 = [(d, "09:00", "17:00") for d in range(5)]
# Builds and index refreshes lock the MatchIndex table first on PostgreSQL (LOCK TABLE … IN SHARE / ROW EXCLUSIVE
# MODE); SQLite has no table locks.
LOCK = int(connection.vendor == "postgresql")
BUILD_QUERIES = 13 + LOCK


def _job(**extra):
    return add_job_details(
        JobPostFactory(**extra), required=["live-chat"], languages=[("en", 4)], windows=WEEKDAYS_9_TO_5
    )


def _candidate(rate: str, **extra):
    """Approved, speaks English at C1, knows live chat; cheaper ranks higher (rate fit), all else equal."""
    return add_profile_details(
        FreelancerProfileFactory(hourly_rate=Decimal(rate), **extra), languages=[("en", 5)], skills=[("live-chat", 2)]
    )


def _ids(page):
    return [c.profile_id for c in page.candidates]


def _expected(job, week=None):
    return [r[0] for r in reference_rank(JobPost.objects.get(pk=job.pk), week or current_week_start())]


@pytest.fixture
def small_head(settings):
    settings.MATCHING_HEAD_SIZE = 2


def test_first_ranking_builds_the_head_then_pages_are_served_from_it(small_head):
    job = _job()
    profiles = [_candidate(rate) for rate in ("8.00", "9.00", "10.00", "11.00")]
    first = rank_job(job, limit=2, with_count=True)
    assert (first.source, _ids(first), first.count) == ("built", [profiles[0].pk, profiles[1].pk], 4)
    row = JobIndex.objects.get(pk=job.pk)
    # the head keeps the top 2; the 3rd candidate is the floor, so the head holds exactly the two above it
    assert (row.head_ready, row.candidates, row.floor_profile_id) == (True, 4, profiles[2].pk)
    assert MatchHeadRow.objects.filter(job_id=job.pk).count() == 2
    assert assert_head_matches_reference(job, current_week_start())
    again = rank_job(job, limit=2, with_count=True)
    assert (again.source, _ids(again), again.count) == ("head", _ids(first), 4)
    assert [c.signals for c in again.candidates] == [c.signals for c in first.candidates]


def test_served_ranking_costs_two_queries_whatever_the_number_of_profiles(django_assert_num_queries):
    job = _job()
    for rate in ("8.00", "9.00"):
        _candidate(rate)
    rank_job(job)
    with django_assert_num_queries(2):
        page = rank_job(job, limit=20, with_count=True)
    assert (page.source, page.count, len(page.candidates)) == ("head", 2, 2)
    for i in range(6):
        _candidate(f"8.{i}5")
    with django_assert_num_queries(2):
        page = rank_job(job, limit=20, with_count=True)
    assert (page.source, page.count, _ids(page)) == ("head", 8, _expected(job))


def test_building_a_head_costs_a_constant_number_of_queries(django_assert_num_queries):
    job = _job()
    _candidate("8.00")
    with django_assert_num_queries(BUILD_QUERIES):
        assert rank_job(job, with_count=True).source == "built"
    for i in range(6):
        _candidate(f"8.{i}5")
    job_index_invalidate(job_id=job.pk)
    with django_assert_num_queries(BUILD_QUERIES - 2):  # the index row exists now: no insert and re-read
        page = rank_job(job, with_count=True)
    assert (page.source, page.count, _ids(page)) == ("built", 7, _expected(job))


def test_a_page_past_the_head_is_scanned_live(small_head, django_assert_num_queries):
    job = _job()
    profiles = [_candidate(rate) for rate in ("8.00", "9.00", "10.00", "11.00", "11.50")]
    rank_job(job, limit=2)
    with django_assert_num_queries(3):  # index row, the head's (too short) page, the live scan with its count
        page = rank_job(job, limit=2, offset=2, with_count=True)
    assert (page.source, _ids(page), page.count) == ("live", [profiles[2].pk, profiles[3].pk], 5)
    assert JobIndex.objects.get(pk=job.pk).head_ready  # the head stays; a rebuild would not reach that page
    live = rank_job_live(job, limit=2, offset=4, with_count=True)
    assert (_ids(live), live.count) == ([profiles[4].pk], 5)
    assert rank_job_live(job, limit=2, offset=6, with_count=True).count == 5  # past the end, still counted


def test_a_head_worn_below_the_page_is_rebuilt(small_head):
    job = _job()
    a, b, c, d = (_candidate(rate) for rate in ("8.00", "9.00", "10.00", "11.00"))
    rank_job(job, limit=2)
    services.freelancer_vetting_update(profile=a, status=VettingStatus.SUSPENDED, score=None, actor=None)
    # maintenance removed her from the head and from the count; one row is left above the floor (c)
    assert list(MatchHeadRow.objects.filter(job_id=job.pk).values_list("profile_id", flat=True)) == [b.pk]
    assert JobIndex.objects.get(pk=job.pk).candidates == 3
    assert assert_head_matches_reference(job, current_week_start())
    page = rank_job(job, limit=2, with_count=True)
    assert (page.source, _ids(page), page.count) == ("built", [b.pk, c.pk], 3)
    assert JobIndex.objects.get(pk=job.pk).floor_profile_id == d.pk


def test_maintenance_moves_candidates_across_the_floor(small_head):
    job = _job()
    a, b, c, d = (_candidate(rate) for rate in ("8.00", "9.00", "10.00", "11.00"))
    rank_job(job, limit=2)
    # d becomes the best candidate: above the floor, so it enters the head at once
    services.freelancer_quality_update(profile_id=d.pk, iqs=Decimal("100"), review_count=9)
    assert set(MatchHeadRow.objects.filter(job_id=job.pk).values_list("profile_id", flat=True)) == {a.pk, b.pk, d.pk}
    assert assert_head_matches_reference(job, current_week_start())
    # b falls to the bottom: below the floor, so it leaves the head (rows at or below the floor may be absent)
    services.freelancer_reliability_update(profile_id=b.pk, reliability=Decimal("0"))
    assert services.freelancer_quality_update(profile_id=b.pk, iqs=Decimal("0"), review_count=9)
    assert set(MatchHeadRow.objects.filter(job_id=job.pk).values_list("profile_id", flat=True)) == {a.pk, d.pk}
    assert assert_head_matches_reference(job, current_week_start())
    page = rank_job(job, limit=2, with_count=True)
    assert (page.source, _ids(page), page.count) == ("head", _expected(job)[:2], 4)


def test_the_count_follows_profiles_passing_and_failing_the_hard_filters():
    job = _job()
    a, b = _candidate("8.00"), _candidate("9.00")
    assert rank_job(job, with_count=True).count == 2
    services.profile_language_remove(profile=a, actor=a.user, language_id=a.languages.get().language_id)
    assert JobIndex.objects.get(pk=job.pk).candidates == 1
    newcomer = _candidate("7.00")
    page = rank_job(job, with_count=True)
    assert (page.source, _ids(page), page.count) == ("head", [newcomer.pk, b.pk], 2)
    services.freelancer_profile_update(
        profile=b,
        actor=b.user,
        headline="Chat",
        bio="",
        timezone_name="Asia/Manila",
        country="PH",
        hourly_rate=Decimal("30.00"),  # over the job's ceiling
        currency="USD",
        hours_per_week=40,
        channels=[],
        tools=[],
    )
    page = rank_job(job, with_count=True)
    assert (page.source, _ids(page), page.count) == ("head", [newcomer.pk], 1)


def test_contract_transitions_move_remaining_hours_in_the_head(org, seller_owner):
    job = _job(hours_per_week=20)
    profile = _candidate("8.00", hours_per_week=30)
    rank_job(job)
    offer = services.offer_create(
        actor=seller_owner,
        organization=org,
        freelancer=profile,
        title="Chat",
        pay_rate=Decimal("8.00"),
        weekly_hour_cap=15,
        start_date=dt.date(2026, 12, 1),
    )
    contract = services.offer_accept(offer=offer, actor=profile.user)
    page = rank_job(job, with_count=True)
    assert (page.source, page.count) == ("head", 1)
    assert page.candidates[0].signals["hours"] == 7500  # 15 of the job's 20 hours left
    services.contract_pause(contract=contract, actor=seller_owner, reason="Holiday")
    assert rank_job(job).candidates[0].signals["hours"] == 10000
    services.contract_resume(contract=contract, actor=seller_owner)
    assert assert_head_matches_reference(job, current_week_start())
    assert rank_job(job).candidates[0].signals["hours"] == 7500
    services.contract_end(contract=contract, actor=seller_owner, reason="Done")
    assert rank_job(job).candidates[0].signals["hours"] == 10000


def test_editing_the_job_invalidates_its_head(org, seller_owner):
    job = _job(organization=org, created_by=seller_owner)
    cheap, dear = _candidate("8.00"), _candidate("11.00")
    assert rank_job(job).source == "built"
    spec = services.JobSpec(
        role=job.role,
        description="",
        timezone_name="America/New_York",
        hours_per_week=20,
        rate_min=Decimal("8.00"),
        rate_max=Decimal("10.00"),  # dear is now over the ceiling
        currency="USD",
        start_date=dt.date(2026, 12, 1),
        status=JobStatus.OPEN,
        windows=[(d, dt.time(9), dt.time(17)) for d in range(5)],
    )
    job = services.job_post_update(actor=seller_owner, job=job, spec=spec)
    assert JobIndex.objects.filter(pk=job.pk, stale=True, head_ready=False).exists()
    page = rank_job(job, with_count=True)
    assert (page.source, _ids(page), page.count) == ("built", [cheap.pk], 1)
    assert dear.pk not in MatchHeadRow.objects.filter(job_id=job.pk).values_list("profile_id", flat=True)
    # no required skill any more: full skill marks for everyone
    assert page.candidates[0].signals["skills"] == 10000


def test_closed_jobs_are_ranked_live_and_keep_no_head(org, seller_owner, django_assert_num_queries):
    job = _job(organization=org)
    _candidate("8.00")
    rank_job(job)
    services.job_post_set_status(actor=seller_owner, job=job, status=JobStatus.CLOSED)
    job.refresh_from_db()
    assert rank_job(job, with_count=True).source == "live"
    with django_assert_num_queries(2):  # the index row, and the live scan with its count
        page = rank_job(job, with_count=True)
    assert (page.source, page.count) == ("live", 1)
    assert JobIndex.objects.get(pk=job.pk).head_ready is False
    _candidate("9.00")  # maintenance skips it: not ready
    assert not MatchHeadRow.objects.filter(job_id=job.pk, profile__hourly_rate=Decimal("9.00")).exists()
    assert rank_job(job, with_count=True).count == 2


def test_new_weights_rebuild_the_head_with_them(settings):
    job = _job()
    cheap, dear = _candidate("8.00"), _candidate("11.00", vetting_score=Decimal("99"))
    assert _ids(rank_job(job)) == [cheap.pk, dear.pk]
    settings.MATCHING_WEIGHTS = {**settings.MATCHING_WEIGHTS, "rate": 0, "quality": 25}
    page = rank_job(job, with_count=True)
    assert (page.source, _ids(page)) == ("built", [dear.pk, cheap.pk])
    assert JobIndex.objects.get(pk=job.pk).w_quality == 25
    assert page.candidates[0].breakdown[2].weight == 0  # rate
    assert _ids(rank_job_live(job)) == _ids(page) == _expected(job)


def test_a_head_is_built_for_the_week_asked_and_the_weekly_rebuild_drops_the_others():
    this_week = current_week_start()
    last_week = this_week - dt.timedelta(days=7)
    job, other = _job(), _job()
    profiles = [_candidate(rate) for rate in ("8.00", "9.00")]
    assert rank_job(job, week_start=last_week).source == "built"
    assert rank_job(other).source == "built"
    assert rank_job(job, week_start=last_week).source == "head"
    MatchIndex.objects.filter(profile=profiles[0]).update(week_start=last_week)  # as if indexed last week
    assert match_index_rebuild() == 1
    assert JobIndex.objects.get(pk=job.pk).head_ready is False
    assert not MatchHeadRow.objects.filter(job_id=job.pk).exists()
    assert assert_head_matches_reference(other, this_week)  # this week's head was maintained by the rebuild
    assert rank_job(job).source == "built"


def test_the_weekly_rebuild_keeps_heads_exact_chunk_by_chunk():
    job = _job()
    for rate in ("8.00", "9.00", "10.00"):
        _candidate(rate)
    rank_job(job)
    # a profile whose index row was never written (e.g. created before the index existed)
    newcomer = _candidate("7.50")
    MatchIndex.objects.filter(profile=newcomer).delete()
    MatchHeadRow.objects.filter(profile=newcomer).delete()
    JobIndex.objects.filter(pk=job.pk).update(candidates=3)
    assert match_index_rebuild(chunk=2, only_stale=True) == 1
    assert assert_head_matches_reference(job, current_week_start())
    assert match_index_rebuild(chunk=2, only_stale=False) == 4
    assert assert_head_matches_reference(job, current_week_start())
    assert _ids(rank_job(job)) == _expected(job)


def test_refreshing_a_profile_costs_the_same_with_one_head_or_many(django_assert_num_queries):
    profile = _candidate("8.00")
    jobs = [_job()]
    rank_job(jobs[0])
    match_index_refresh(profile=profile)
    with django_assert_num_queries(15 + LOCK) as one:
        match_index_refresh(profile=profile)
    for _ in range(4):
        jobs.append(_job())
        rank_job(jobs[-1])
    with django_assert_num_queries(len(one.captured_queries)):
        match_index_refresh(profile=profile)
    for job in jobs:
        assert assert_head_matches_reference(job, current_week_start())


@pytest.fixture
def ops_client(client_for):
    ops = make_staff("root@shiftdesk.test", "ops")
    ops.is_superuser = True
    ops.save()
    return client_for(ops)


def test_admin_edits_keep_the_index_and_the_heads_exact(ops_client):
    job = _job()
    a, b, c = (_candidate(rate) for rate in ("8.00", "9.00", "10.00"))
    rank_job(job)
    english = ProfileLanguage.objects.get(profile=a)
    response = ops_client.post(
        f"/admin/marketplace/profilelanguage/{english.pk}/change/",
        {"profile": a.pk, "language": english.language_id, "level": 2},  # under the job's B2
    )
    assert response.status_code == 302
    assert JobIndex.objects.get(pk=job.pk).candidates == 2
    assert assert_head_matches_reference(job, current_week_start())
    response = ops_client.post(
        "/admin/marketplace/freelancerprofile/",
        {"action": "delete_selected", "_selected_action": [b.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not FreelancerProfile.objects.filter(pk=b.pk).exists()
    assert (JobIndex.objects.get(pk=job.pk).candidates, _ids(rank_job(job, with_count=True))) == (1, [c.pk])
    assert assert_head_matches_reference(job, current_week_start())
    skill_row = JobSkill.objects.get(job=job)
    response = ops_client.post(
        f"/admin/marketplace/jobskill/{skill_row.pk}/change/", {"job": job.pk, "skill": skill_row.skill_id}
    )  # no longer required
    assert response.status_code == 302
    assert JobIndex.objects.get(pk=job.pk).stale
    row = MatchHeadRow.objects.get(job_id=job.pk)
    assert ops_client.post(f"/admin/marketplace/matchheadrow/{row.pk}/delete/", {"post": "yes"}).status_code == 403
    assert MatchHeadRow.objects.filter(pk=row.pk).exists()
    page = rank_job(job, with_count=True)
    assert (page.source, _ids(page), page.count) == ("built", _expected(job), 1)
    assert page.candidates[0].signals["skills"] == 10000  # a nice-to-have skill she has


def test_a_profile_deleted_with_its_user_leaves_every_head_and_count():
    job = _job()
    a, b, c = (_candidate(rate) for rate in ("8.00", "9.00", "10.00"))
    assert _ids(rank_job(job, with_count=True)) == [a.pk, b.pk, c.pk]
    b.user.delete()  # the profile goes by cascade, not through any marketplace code
    assert not MatchIndex.objects.filter(profile_id=b.pk).exists()
    assert not MatchHeadRow.objects.filter(profile_id=b.pk).exists()
    page = rank_job(job, with_count=True)
    assert (page.source, _ids(page), page.count) == ("head", [a.pk, c.pk], 2)
    assert assert_head_matches_reference(job, current_week_start())
