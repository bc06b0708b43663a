import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import User
from marketplace.matching import job_vector, rank_job
from marketplace.matching.availability import week_bits
from marketplace.matching.index import match_index_refresh
from marketplace.matching.ranking import rank_vector
from marketplace.models import Contract, ContractStatus, FreelancerProfile, JobPost, VettingStatus
from tests.accounts.factories import OrganizationFactory
from tests.marketplace.factories import (
    ContractFactory,
    FreelancerProfileFactory,
    JobPostFactory,
    add_job_details,
    add_profile_details,
)
from tests.marketplace.reference import reference_rank, utc_minutes

pytestmark = pytest.mark.django_db

WINTER = dt.date(2026, 3, 2)  # New York on EST (UTC-5)
SUMMER = dt.date(2026, 3, 9)  # New York switched to EDT (UTC-4) on Sunday 8 March
WEEKDAYS_9_TO_5 = [(d, "09:00", "17:00") for d in range(5)]


def _manila_night_owl(**extra):
    """Manila has no DST: 21:00–05:00 local (past midnight) is 13:00–21:00 UTC, Monday to Friday."""
    profile = FreelancerProfileFactory(timezone="Asia/Manila", **extra)
    return profile, [(d, "21:00", "05:00") for d in range(5)]


@pytest.mark.parametrize(("week", "expected"), [(WINTER, 8750), (SUMMER, 10000)])
def test_overlap_follows_dst_of_the_week_used(week, expected):
    profile, windows = _manila_night_owl()
    add_profile_details(profile, windows=windows, languages=[("en", 5)], week_start=week)
    job = add_job_details(JobPostFactory(), windows=WEEKDAYS_9_TO_5)
    page = rank_job(job, week_start=week)
    assert [c.profile_id for c in page.candidates] == [profile.pk]
    assert page.candidates[0].signals["overlap"] == expected


def test_cross_midnight_window_counts_on_both_days():
    # Monday 22:00 – Tuesday 02:00 in UTC itself: 16 quarter-hours, 8 on each day.
    bits = week_bits("UTC", [(0, 22 * 60, 2 * 60)], WINTER)
    assert bits.bit_count() == 16
    assert bits == sum(1 << s for s in range(22 * 4, 26 * 4))


def test_sunday_night_window_wraps_to_monday_morning():
    bits = week_bits("UTC", [(6, 23 * 60, 1 * 60)], WINTER)
    assert bits == sum(1 << s for s in [*range(0, 4), *range(668, 672)])


def test_skipped_hour_of_spring_change_has_no_utc_instant():
    # Berlin, Sunday 29 March 2026: 02:00–03:00 local does not exist. 01:00–04:00 lasts two real hours.
    week = dt.date(2026, 3, 23)
    bits = week_bits("Europe/Berlin", [(6, 60, 240)], week)
    assert bits.bit_count() == 8
    assert len(utc_minutes("Europe/Berlin", [_W(6, dt.time(1), dt.time(4))], week)) == 120


def test_repeated_hour_of_autumn_change_counts_twice():
    # Berlin, Sunday 25 October 2026: 02:00–03:00 happens twice, so 01:00–04:00 lasts four real hours.
    week = dt.date(2026, 10, 19)
    assert week_bits("Europe/Berlin", [(6, 60, 240)], week).bit_count() == 16


class _W:
    def __init__(self, weekday, start, end):
        self.weekday, self.start, self.end = weekday, start, end


def test_hard_filters_and_breakdown():
    week = WINTER
    job = add_job_details(
        JobPostFactory(rate_min=Decimal("8.00"), rate_max=Decimal("12.00"), hours_per_week=20),
        required=["customer-e-mail-support", "a-to-z-claims"],
        nice=["live-chat"],
        languages=[("en", 5)],
        windows=WEEKDAYS_9_TO_5,
        channels=["amazon"],
        tools=["seller-central"],
    )
    ok = FreelancerProfileFactory(hourly_rate=Decimal("10.00"), vetting_score=Decimal("90.00"))
    add_profile_details(
        ok,
        skills=[("customer-e-mail-support", 3), ("live-chat", 2)],
        languages=[("en", 6)],
        windows=[(d, "21:00", "05:00") for d in range(5)],
        channels=["amazon"],
        week_start=week,
    )
    too_dear = add_profile_details(FreelancerProfileFactory(hourly_rate=Decimal("12.01")), languages=[("en", 6)])
    weak_english = add_profile_details(FreelancerProfileFactory(), languages=[("en", 4)])
    not_approved = add_profile_details(
        FreelancerProfileFactory(vetting_status=VettingStatus.IN_REVIEW), languages=[("en", 6)]
    )
    busy = add_profile_details(FreelancerProfileFactory(hours_per_week=40), languages=[("en", 6)])
    ContractFactory(freelancer=busy, weekly_hour_cap=31)  # 9 h left < 50 % of 20 h
    euros = add_profile_details(FreelancerProfileFactory(currency="EUR"), languages=[("en", 6)])

    page = rank_job(job, week_start=week, with_count=True)
    ids = [c.profile_id for c in page.candidates]
    assert ids == [ok.pk]
    assert page.count == 1
    for excluded in (too_dear, weak_english, not_approved, busy, euros):
        assert excluded.pk not in ids
    c = page.candidates[0]
    assert c.signals == {
        "skills": 6000,  # (2×1 + 1) / (2×2 + 1)
        "overlap": 8750,  # 7 of 8 hours a day in winter
        "rate": 7500,  # 10.00 in 8.00–12.00
        "quality": 9000,
        "reliability": 5000,  # default when unknown
        "experience": 5000,  # Amazon yes, Seller Central no
        "hours": 10000,
    }
    assert c.total_exact == 30 * 6000 + 25 * 8750 + 10 * 7500 + 15 * 9000 + 8 * 5000 + 7 * 5000 + 5 * 10000
    assert c.total == Decimal("73.37")
    assert [(s.key, s.points) for s in c.breakdown][:2] == [("skills", Decimal("18.00")), ("overlap", Decimal("21.88"))]


def test_live_iqs_replaces_vetting_score_and_ties_break_by_id():
    job = add_job_details(JobPostFactory(), windows=WEEKDAYS_9_TO_5)
    a = FreelancerProfileFactory(vetting_score=Decimal("70"))
    b = FreelancerProfileFactory(vetting_score=Decimal("70"))
    page = rank_job(job, week_start=WINTER)
    assert [c.profile_id for c in page.candidates] == [a.pk, b.pk]  # equal totals: lower id first
    from marketplace.services import freelancer_quality_update

    freelancer_quality_update(profile_id=b.pk, iqs=Decimal("95"), review_count=6)
    page = rank_job(job, week_start=match_index_refresh(profile=a).week_start)
    assert [c.profile_id for c in page.candidates] == [b.pk, a.pk]
    assert page.candidates[0].signals["quality"] == 9500


def test_ranking_query_count_is_constant(django_assert_num_queries):
    job = add_job_details(
        JobPostFactory(), required=["live-chat"], languages=[("en", 4)], windows=WEEKDAYS_9_TO_5, channels=["amazon"]
    )
    for _ in range(2):
        add_profile_details(FreelancerProfileFactory(), languages=[("en", 5)], skills=[("live-chat", 2)])
    with django_assert_num_queries(3):  # 1 to read the job, 1 ranking, 1 count
        assert len(rank_job(job, with_count=True).candidates) == 2
    for _ in range(5):
        add_profile_details(FreelancerProfileFactory(), languages=[("en", 5)])
    job = JobPost.objects.get(pk=job.pk)
    with django_assert_num_queries(3):
        assert len(rank_job(job, with_count=True).candidates) == 7


# --- Property: the SQL ranking equals the plain reference on random data ----------------------------------

TIMEZONES = [
    "UTC",
    "America/New_York",
    "America/Sao_Paulo",
    "Europe/Berlin",
    "Europe/Kyiv",
    "Asia/Manila",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Australia/Sydney",
    "Pacific/Chatham",
]
WEEKS = [
    dt.date(2026, 3, 2),
    dt.date(2026, 3, 9),  # US spring-forward Sunday 8 March is in the previous week
    dt.date(2026, 3, 23),  # EU spring-forward on Sunday 29 March
    dt.date(2026, 3, 30),  # Australia/Chatham fall back on 5 April
    dt.date(2026, 10, 19),  # EU fall-back on Sunday 25 October
    dt.date(2026, 10, 26),  # US fall-back on Sunday 1 November
]
SKILLS = ["customer-e-mail-support", "live-chat", "phone-support", "returns-and-refunds", "a-to-z-claims"]
LANGS = ["en", "es", "tl"]
CHANNELS = ["amazon", "shopify", "ebay"]
TOOLS = ["zendesk", "gorgias", "seller-central"]

quarter = st.integers(0, 95).map(lambda q: f"{q // 4:02d}:{q % 4 * 15:02d}")
window = st.tuples(st.integers(0, 6), quarter, quarter).filter(lambda w: w[1] != w[2])
money = st.integers(500, 2000).map(lambda c: Decimal(c) / 100)
score = st.one_of(st.none(), st.integers(0, 10000).map(lambda c: Decimal(c) / 100))

profile_st = st.fixed_dictionaries(
    {
        "timezone": st.sampled_from(TIMEZONES),
        "rate": st.one_of(st.none(), money),
        "hours": st.integers(0, 60),
        "approved": st.booleans(),
        "currency": st.sampled_from(["USD", "USD", "USD", "EUR"]),
        "vetting": score,
        "iqs": score,
        "reviews": st.integers(0, 3),
        "reliability": score,
        "skills": st.lists(st.tuples(st.sampled_from(SKILLS), st.integers(1, 3)), unique_by=lambda t: t[0]),
        "languages": st.lists(st.tuples(st.sampled_from(LANGS), st.integers(1, 6)), unique_by=lambda t: t[0]),
        "windows": st.lists(window, max_size=3),
        "channels": st.lists(st.sampled_from(CHANNELS), unique=True),
        "tools": st.lists(st.sampled_from(TOOLS), unique=True),
        "contract_hours": st.lists(st.tuples(st.integers(1, 30), st.booleans()), max_size=2),
    }
)
job_st = st.fixed_dictionaries(
    {
        "timezone": st.sampled_from(TIMEZONES),
        "rate_min": money,
        "extra": st.integers(0, 1000).map(lambda c: Decimal(c) / 100),
        "hours": st.integers(1, 40),
        "skills": st.lists(st.tuples(st.sampled_from(SKILLS), st.booleans()), unique_by=lambda t: t[0], max_size=4),
        "languages": st.lists(
            st.tuples(st.sampled_from(LANGS), st.integers(1, 6)), unique_by=lambda t: t[0], max_size=2
        ),
        "windows": st.lists(window, max_size=3),
        "channels": st.lists(st.sampled_from(CHANNELS), unique=True, max_size=2),
        "tools": st.lists(st.sampled_from(TOOLS), unique=True, max_size=2),
    }
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(week=st.sampled_from(WEEKS), job_data=job_st, profiles=st.lists(profile_st, min_size=1, max_size=6))
def test_ranking_equals_reference(org, week, job_data, profiles):
    Contract.objects.all().delete()
    FreelancerProfile.objects.all().delete()
    User.objects.filter(email__endswith="@example.test").delete()
    JobPost.objects.all().delete()
    other = OrganizationFactory()
    for data in profiles:
        p = FreelancerProfileFactory(
            timezone=data["timezone"],
            hourly_rate=data["rate"],
            hours_per_week=data["hours"],
            currency=data["currency"],
            vetting_status=VettingStatus.APPROVED if data["approved"] else VettingStatus.SUSPENDED,
            vetting_score=data["vetting"],
            iqs_90d=data["iqs"],
            iqs_review_count=data["reviews"],
            reliability=data["reliability"],
            indexed=False,
        )
        for hours, active in data["contract_hours"]:
            ContractFactory(
                organization=other,
                freelancer=p,
                weekly_hour_cap=hours,
                status=ContractStatus.ACTIVE if active else ContractStatus.ENDED,
            )
        add_profile_details(
            p,
            skills=data["skills"],
            languages=data["languages"],
            windows=data["windows"],
            channels=data["channels"],
            tools=data["tools"],
            week_start=week,
        )
    job = add_job_details(
        JobPostFactory(
            organization=org,
            timezone=job_data["timezone"],
            rate_min=job_data["rate_min"],
            rate_max=job_data["rate_min"] + job_data["extra"],
            hours_per_week=job_data["hours"],
        ),
        required=[s for s, req in job_data["skills"] if req],
        nice=[s for s, req in job_data["skills"] if not req],
        languages=job_data["languages"],
        windows=job_data["windows"],
        channels=job_data["channels"],
        tools=job_data["tools"],
    )
    expected = reference_rank(job, week)
    page = rank_vector(job_vector(job, week), limit=50, with_count=True)
    assert [(c.profile_id, c.total_exact, c.signals) for c in page.candidates] == expected
    assert page.count == len(expected)
    # paging walks the same order
    if len(expected) > 2:
        second = rank_vector(job_vector(job, week), limit=2, offset=1)
        assert [c.profile_id for c in second.candidates] == [r[0] for r in expected[1:3]]
