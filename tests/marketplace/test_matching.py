import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from accounts.models import User
from marketplace import services
from marketplace.matching import availability, rank_job, rank_job_live
from marketplace.matching.availability import week_bits
from marketplace.matching.index import match_index_refresh
from marketplace.models import (
    Contract,
    ContractStatus,
    FreelancerProfile,
    JobIndex,
    JobPost,
    JobStatus,
    Offer,
    VettingStatus,
)
from tests.accounts.factories import OrganizationFactory
from tests.marketplace.factories import (
    ContractFactory,
    FreelancerProfileFactory,
    JobPostFactory,
    add_job_details,
    add_profile_details,
    channel,
    hm,
    language,
    skill,
    tool,
)
from tests.marketplace.reference import assert_head_matches_reference, reference_rank, utc_minutes

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
    assert rank_job(job).source == "built"
    with django_assert_num_queries(2):  # the job's index row (with the exact count), one range scan of its head
        page = rank_job(job, with_count=True)
    assert (page.source, len(page.candidates), page.count) == ("head", 2, 2)
    for _ in range(5):
        add_profile_details(FreelancerProfileFactory(), languages=[("en", 5)])
    job = JobPost.objects.get(pk=job.pk)
    with django_assert_num_queries(2):
        page = rank_job(job, with_count=True)
    assert (page.source, len(page.candidates), page.count) == ("head", 7, 7)


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


def _clear_market():
    Contract.objects.all().delete()
    Offer.objects.all().delete()
    FreelancerProfile.objects.all().delete()
    User.objects.filter(email__endswith="@example.test").delete()
    JobPost.objects.all().delete()


def _make_profile(data, week, contracts_with):
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
            organization=contracts_with,
            freelancer=p,
            weekly_hour_cap=hours,
            status=ContractStatus.ACTIVE if active else ContractStatus.ENDED,
        )
    return add_profile_details(
        p,
        skills=data["skills"],
        languages=data["languages"],
        windows=data["windows"],
        channels=data["channels"],
        tools=data["tools"],
        week_start=week,
    )


def _make_job(org, job_data, **extra):
    return add_job_details(
        JobPostFactory(
            organization=org,
            timezone=job_data["timezone"],
            rate_min=job_data["rate_min"],
            rate_max=job_data["rate_min"] + job_data["extra"],
            hours_per_week=job_data["hours"],
            **extra,
        ),
        required=[s for s, req in job_data["skills"] if req],
        nice=[s for s, req in job_data["skills"] if not req],
        languages=job_data["languages"],
        windows=job_data["windows"],
        channels=job_data["channels"],
        tools=job_data["tools"],
    )


def _rows(page):
    return [(c.profile_id, c.total_exact, c.signals) for c in page.candidates]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(week=st.sampled_from(WEEKS), job_data=job_st, profiles=st.lists(profile_st, min_size=1, max_size=6))
def test_ranking_equals_reference(org, week, job_data, profiles):
    _clear_market()
    other = OrganizationFactory()
    for data in profiles:
        _make_profile(data, week, other)
    job = _make_job(org, job_data)
    expected = reference_rank(job, week)
    page = rank_job_live(job, week_start=week, limit=50, with_count=True)
    assert _rows(page) == expected
    assert page.count == len(expected)
    # paging walks the same order
    if len(expected) > 2:
        second = rank_job_live(job, week_start=week, limit=2, offset=1)
        assert [c.profile_id for c in second.candidates] == [r[0] for r in expected[1:3]]
    # and the head built by the first ranking serves the same pages
    with override_settings(MATCHING_HEAD_SIZE=3):
        built = rank_job(job, week_start=week, limit=2, with_count=True)
        assert (built.source, _rows(built), built.count) == ("built", expected[:2], len(expected))
        served = rank_job(job, week_start=week, limit=2, offset=1, with_count=True)
        assert (_rows(served), served.count) == (expected[1:3], len(expected))
        assert served.source == "head"
        assert assert_head_matches_reference(job, week)


# --- Property: heads stay exact through random sequences of changes ----------------------------------------

HEAD = 2  # a small head, so floors, rows crossing them, worn heads and deep pages all happen
PAGES = [(2, 0), (1, 1), (2, 1), (3, 2), (50, 0)]

cheap = st.integers(500, 1400).map(lambda c: Decimal(c) / 100)
# Leaning towards candidates that pass the hard filters, so heads often hold more than HEAD of them (a floor).
likely = st.sampled_from
seq_profile_st = profile_st.map(dict).flatmap(
    lambda d: st.fixed_dictionaries(
        {
            **{k: st.just(v) for k, v in d.items()},
            "approved": likely([True, True, True, False]),
            "currency": likely(["USD"] * 5 + ["EUR"]),
            "rate": st.one_of(cheap, cheap, cheap, st.none()),
            "hours": st.integers(15, 60),
            "languages": st.tuples(st.just("en"), st.integers(3, 6)).map(
                lambda en: [en, *[lang for lang in d["languages"] if lang[0] != "en"]]
            ),
        }
    )
)
seq_job_st = job_st.map(dict).flatmap(
    lambda d: st.fixed_dictionaries(
        {
            **{k: st.just(v) for k, v in d.items()},
            "languages": st.lists(st.tuples(likely(["en", "en", "es"]), st.integers(1, 4)), max_size=1),
            "extra": st.integers(300, 1500).map(lambda c: Decimal(c) / 100),
        }
    )
)
profile_ix = st.integers(0, 9)
op_st = st.one_of(
    st.tuples(st.just("quality"), profile_ix, score, st.integers(0, 3)),
    st.tuples(st.just("reliability"), profile_ix, score),
    st.tuples(st.just("vetting"), profile_ix, st.booleans(), score),
    st.tuples(
        st.just("profile"),
        profile_ix,
        st.one_of(st.none(), money),
        st.integers(0, 60),
        st.sampled_from(["USD", "USD", "EUR"]),
        st.sampled_from(TIMEZONES),
        st.lists(st.sampled_from(CHANNELS), unique=True),
        st.lists(st.sampled_from(TOOLS), unique=True),
    ),
    st.tuples(st.just("skill"), profile_ix, st.sampled_from(SKILLS), st.integers(0, 3)),  # level 0: remove
    st.tuples(st.just("language"), profile_ix, st.sampled_from(LANGS), st.integers(0, 6)),  # level 0: remove
    st.tuples(st.just("window"), profile_ix, st.one_of(st.none(), window)),  # None: remove the first one
    st.tuples(st.just("hire"), profile_ix, st.integers(1, 30)),
    st.tuples(st.just("contract"), profile_ix, st.sampled_from(["pause", "resume", "end"])),
    st.tuples(st.just("job"), st.integers(0, 1), seq_job_st, st.sampled_from([JobStatus.OPEN, JobStatus.CLOSED])),
    st.tuples(st.just("rank"), st.integers(0, 1), st.sampled_from(PAGES)),
)


def _apply(op, profiles, jobs, org, seller):
    """One change through the services, as the product makes it. Refused changes (ValidationError) are fine."""
    kind, ix, *args = op
    if kind in ("job", "rank"):
        job = JobPost.objects.get(pk=jobs[ix].pk)
    else:
        p = FreelancerProfile.objects.select_related("user").get(pk=profiles[ix % len(profiles)].pk)
    try:
        if kind == "quality":
            services.freelancer_quality_update(profile_id=p.pk, iqs=args[0], review_count=args[1])
        elif kind == "reliability":
            services.freelancer_reliability_update(profile_id=p.pk, reliability=args[0])
        elif kind == "vetting":
            status = VettingStatus.APPROVED if args[0] else VettingStatus.SUSPENDED
            services.freelancer_vetting_update(profile=p, status=status, score=args[1], actor=None)
        elif kind == "profile":
            rate, hours, currency, tz, channels, tools = args
            services.freelancer_profile_update(
                profile=p,
                actor=p.user,
                headline="Support",
                bio="",
                timezone_name=tz,
                country="PH",
                hourly_rate=rate,
                currency=currency,
                hours_per_week=hours,
                channels=[channel(c) for c in channels],
                tools=[tool(t) for t in tools],
            )
        elif kind == "skill":
            slug, level = args
            if level:
                services.profile_skill_set(profile=p, actor=p.user, skill=skill(slug), level=level)
            else:
                services.profile_skill_remove(profile=p, actor=p.user, skill_id=skill(slug).pk)
        elif kind == "language":
            code, level = args
            if level:
                services.profile_language_set(profile=p, actor=p.user, language=language(code), level=level)
            else:
                services.profile_language_remove(profile=p, actor=p.user, language_id=language(code).pk)
        elif kind == "window":
            if args[0] is None:
                first = p.windows.order_by("pk").first()
                if first:
                    services.profile_window_remove(profile=p, actor=p.user, window_id=first.pk)
            else:
                day, start, end = args[0]
                services.profile_window_add(profile=p, actor=p.user, weekday=day, start=hm(start), end=hm(end))
        elif kind == "hire":
            offer = services.offer_create(
                actor=seller,
                organization=org,
                freelancer=p,
                title="Support",
                pay_rate=Decimal("10.00"),
                weekly_hour_cap=args[0],
                start_date=dt.date(2026, 12, 1),
            )
            services.offer_accept(offer=offer, actor=p.user)
        elif kind == "contract":
            allowed = {"pause": ["active"], "resume": ["paused"], "end": ["active", "paused"]}[args[0]]
            contract = p.contracts.filter(status__in=allowed).order_by("pk").first()
            if contract is not None:
                transition = {
                    "pause": services.contract_pause,
                    "resume": services.contract_resume,
                    "end": services.contract_end,
                }[args[0]]
                transition(contract=contract, actor=None, reason="Change of plans")
        elif kind == "job":
            data, status = args
            spec = services.JobSpec(
                role=job.role,
                description="",
                timezone_name=data["timezone"],
                hours_per_week=data["hours"],
                rate_min=data["rate_min"],
                rate_max=data["rate_min"] + data["extra"],
                currency="USD",
                start_date=dt.date(2026, 12, 1),
                status=status if data["windows"] else JobStatus.DRAFT,
                required_skills=[skill(s) for s, req in data["skills"] if req],
                nice_skills=[skill(s) for s, req in data["skills"] if not req],
                languages=[(language(c), lvl) for c, lvl in data["languages"]],
                windows=[(d, hm(a), hm(b)) for d, a, b in data["windows"]],
                channels=[channel(c) for c in data["channels"]],
                tools=[tool(t) for t in data["tools"]],
            )
            services.job_post_update(actor=seller, job=job, spec=spec)
    except ValidationError:
        pass


def _check_pages(job, week, pages):
    job = JobPost.objects.get(pk=job.pk)
    expected = reference_rank(job, week)
    for limit, offset in pages:
        page = rank_job(job, limit=limit, offset=offset, with_count=True)
        assert (_rows(page), page.count) == (expected[offset : offset + limit], len(expected)), page.source
        event(f"page served: {page.source}")
        assert_head_matches_reference(job, week)
    live = rank_job_live(job, limit=50, with_count=True)
    assert (_rows(live), live.count) == (expected, len(expected))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    week=st.sampled_from(WEEKS),
    jobs_data=st.lists(seq_job_st, min_size=2, max_size=2),
    profiles_data=st.lists(seq_profile_st, min_size=4, max_size=9),
    ops=st.lists(op_st, min_size=1, max_size=14),
)
def test_heads_stay_exact_through_random_changes(org, seller_owner, monkeypatch, week, jobs_data, profiles_data, ops):
    """After every change the materialized heads hold exactly the reference candidates above their floors, with
    the exact count; pages served from them, built for them or scanned live all equal the reference."""
    monkeypatch.setattr(availability, "current_week_start", lambda now=None: week)
    _clear_market()
    other = OrganizationFactory()
    with override_settings(MATCHING_HEAD_SIZE=HEAD):
        profiles = [_make_profile(data, week, other) for data in profiles_data]
        jobs = [_make_job(org, data, created_by=seller_owner) for data in jobs_data]
        for job in jobs:
            rank_job(job, limit=2)
        for op in ops:
            _apply(op, profiles, jobs, org, seller_owner)
            for job in jobs:  # maintenance alone kept the invariant (no ranking ran since the change)
                if assert_head_matches_reference(job, week):
                    event(f"head with a floor checked: {JobIndex.objects.get(pk=job.pk).floor_total is not None}")
            if op[0] == "rank":
                _check_pages(jobs[op[1]], week, [op[2]])
        for job in jobs:
            _check_pages(job, week, PAGES)
