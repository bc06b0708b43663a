"""The seller's ranked candidates: compact cards, what each signal misses, why a job has no candidates, and a
page that costs the same queries with one candidate or many."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from marketplace import services
from marketplace.candidates import recovered
from marketplace.matching import rank_job
from marketplace.matching.availability import as_window, current_week_start, week_bits
from marketplace.matching.funnel import FILTERS, job_funnel
from marketplace.matching.scoring import FULL, passes_sql
from marketplace.models import CEFR, JobIndex, JobPost, MatchHeadRow, VettingStatus
from tests.accounts.factories import UserFactory
from tests.marketplace.factories import (
    ContractFactory,
    FreelancerProfileFactory,
    JobPostFactory,
    add_job_details,
    add_profile_details,
)

pytestmark = pytest.mark.django_db

WEEKDAYS = [(d, "09:00", "17:00") for d in range(5)]
T = dt.time


def _job(org, **fields):
    return add_job_details(
        JobPostFactory(organization=org, timezone="America/New_York", hours_per_week=20, **fields),
        required=["customer-e-mail-support", "a-to-z-claims"],
        nice=["returns-and-refunds"],
        languages=[("en", CEFR.C1)],
        windows=WEEKDAYS,
        channels=["amazon", "ebay"],
        tools=["seller-central", "zendesk"],
    )


def _jon():
    jon = FreelancerProfileFactory(
        user=UserFactory(email="jon@freelance.test", full_name="Jon Reyes"),
        timezone="America/New_York",
        hourly_rate=Decimal("8.00"),
        hours_per_week=20,
        vetting_score=Decimal("80.00"),
        iqs_90d=Decimal("91.50"),
        iqs_review_count=3,
        worked_minutes=450,
    )
    return add_profile_details(
        jon,
        skills=[("customer-e-mail-support", 2), ("returns-and-refunds", 2)],
        languages=[("en", CEFR.C1), ("es", CEFR.B2)],
        windows=[(d, "13:00", "17:00") for d in range(5)],
        channels=["amazon"],
        tools=["zendesk"],
    )


def _ana():
    ana = FreelancerProfileFactory(
        user=UserFactory(email="ana@freelance.test", full_name="Ana"),
        timezone="Europe/Lisbon",
        hourly_rate=Decimal("10.00"),
        hours_per_week=12,
        vetting_score=Decimal("90.00"),
        reliability=Decimal("75.00"),
        photo="profile-photos/2026/12/ana.png",
    )
    return add_profile_details(
        ana,
        skills=[("customer-e-mail-support", 3), ("a-to-z-claims", 3), ("returns-and-refunds", 3)],
        languages=[("en", CEFR.C2)],
        windows=[(d, "17:00", "23:00") for d in range(5)],  # Lisbon
        channels=["amazon", "ebay"],
        tools=["seller-central", "zendesk"],
    )


def _explained(card):
    return [(e.signal.key, str(e.signal.value), e.detail) for e in card.signals]


def test_cards_name_the_person_and_what_each_signal_misses(client_for, org, seller_owner):
    job = _job(org)
    jon = _jon()
    response = client_for(seller_owner).get(f"/marketplace/jobs/{job.pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    (card,) = response.context["cards"]
    assert card.profile.pk == jon.pk
    assert card.languages == ["English C1", "Spanish B2"]
    assert _explained(card) == [
        ("skills", "60.00", "Missing required: A-to-z claims."),  # (2 × 1 + 1) / (2 × 2 + 1)
        ("overlap", "50.00", "Available for 20 of the 40 coverage hours a week."),
        ("rate", "100.00", "Asks 8.00 USD an hour; the range is 8.00–12.00."),
        ("quality", "91.50", "IQS 91.50 over 3 QA reviews (90 days)."),
        ("reliability", "50.00", "No final timesheets yet: counted as 50 %."),
        ("experience", "50.00", "Missing channels: eBay. Missing tools: Seller Central."),
        ("hours", "100.00", "Has the job's 20 weekly hours free."),
    ]
    assert '<span class="avatar" aria-hidden="true">JR</span>' in body
    assert '<li class="languages">English C1, Spanish B2</li>' in body
    assert '<li class="reviews">3 QA reviews</li>' in body
    assert '<li class="worked">7 h worked</li>' in body
    assert "<summary>Score breakdown</summary>" in body and body.count("<details>") == 1
    assert '<small class="why">Missing required: A-to-z claims.</small>' in body
    assert '<td class="figures">60.00 % → 18.00 pts</td>' in body


def test_a_partial_candidate_with_a_photo(client_for, org, seller_owner):
    job = _job(org)
    ana = _ana()
    response = client_for(seller_owner).get(f"/marketplace/jobs/{job.pk}/")
    (card,) = response.context["cards"]
    # Lisbon 17–23 against New York 09–17: 5 of the 8 hours a day (17–22 UTC in winter, 16–21 UTC in summer),
    # computed here from the two zones' real week, independently of the SQL
    week = current_week_start()
    nyc = week_bits("America/New_York", [as_window(d, T(9), T(17)) for d in range(5)], week)
    lisbon = week_bits("Europe/Lisbon", [as_window(d, T(17), T(23)) for d in range(5)], week)
    covered = (nyc & lisbon).bit_count()
    assert _explained(card) == [
        ("skills", "100.00", "Has every required and nice-to-have skill."),
        (
            "overlap",
            str((Decimal(covered * FULL // nyc.bit_count()) / 100).quantize(Decimal("0.01"))),
            f"Available for {covered // 4} of the {nyc.bit_count() // 4} coverage hours a week.",
        ),
        ("rate", "75.00", "Asks 10.00 USD an hour; the range is 8.00–12.00."),
        ("quality", "90.00", "Vetting score 90.00 (no QA reviews in 90 days yet)."),
        ("reliability", "75.00", "Submitted 75.00 % of the last 12 weeks' timesheets themselves."),
        ("experience", "100.00", "Knows every channel and tool of the job."),
        ("hours", "60.00", "Has 12 of the job's 20 weekly hours free."),
    ]
    body = response.content.decode()
    assert f'<img class="avatar" src="{ana.photo.url}" alt="" width="48" height="48">' in body
    assert '<li class="reviews">0 QA reviews</li>' in body and '<li class="worked">0 h worked</li>' in body


def test_recovered_parts_are_exact():
    """signal = floor(part × FULL / whole) gives back its part for every whole a week or a job can have."""
    for whole in range(1, 673):
        for part in range(whole + 1):
            assert recovered(part * FULL // whole, whole) == part


def _outcasts():
    """Seven freelancers, each stopped by one filter (in the page's order), none passing them all."""
    made = [
        FreelancerProfileFactory(vetting_status=VettingStatus.IN_REVIEW),
        FreelancerProfileFactory(),  # no language
        FreelancerProfileFactory(),
        FreelancerProfileFactory(hours_per_week=5),  # needs 10 of the job's 20
        FreelancerProfileFactory(hourly_rate=Decimal("15.00")),
        FreelancerProfileFactory(currency="EUR"),
        FreelancerProfileFactory(hourly_rate=None),
    ]
    levels = [CEFR.C2, None, CEFR.B1, CEFR.C1, CEFR.C2, CEFR.C2, CEFR.C2]
    for profile, level in zip(made, levels, strict=True):
        add_profile_details(profile, languages=[("en", level)] if level else [])
    return made


def test_a_job_without_candidates_says_which_filter_removed_how_many(
    client_for, org, seller_owner, django_assert_num_queries
):
    job = _job(org)
    _outcasts()
    client = client_for(seller_owner)
    client.get(f"/marketplace/jobs/{job.pk}/")  # builds the head
    with django_assert_num_queries(15):  # the page, the served head (2) and the funnel (1)
        response = client.get(f"/marketplace/jobs/{job.pk}/")
    body = response.content.decode()
    assert response.context["cards"] == []
    funnel, lines = response.context["funnel"]
    assert funnel.profiles == 7
    assert [(line.key, line.kept, line.removed) for line in lines] == [
        ("approved", 6, 1),
        ("languages", 4, 2),
        ("hours", 3, 1),
        ("rate", 0, 3),
    ]
    assert "Of 7 freelancers on Shiftdesk, the hard filters keep, in turn:" in body
    assert '<li data-filter="approved"><strong>6</strong> approved by vetting <small>(1 removed)</small></li>' in body
    assert (
        '<li data-filter="languages"><strong>4</strong> of them speak English C1 or better <small>(2 removed)</small>'
        in body
    )
    assert (
        '<li data-filter="hours"><strong>3</strong> of them have at least 10 weekly hours free '
        "(50 % of the job&#x27;s 20) <small>(1 removed)</small>" in body
    )
    assert '<li data-filter="rate"><strong>0</strong> of them ask at most 12.00 USD an hour <small>(3 removed)' in body


def test_the_funnel_is_the_ranking_s_hard_filters(org):
    """Its fragments are exactly the conjuncts of the ranking's filter, and its last count is the ranking's."""
    ours = " AND ".join(fragment for _key, fragment in FILTERS).split(" AND ")
    assert sorted(ours) == sorted(passes_sql()[1:-1].split(" AND "))
    job = _job(org)
    _outcasts()
    _jon()
    _ana()
    page = rank_job(job, with_count=True)
    funnel = job_funnel(job.pk)
    assert (page.count, funnel.candidates, funnel.profiles) == (2, 2, 9)


def test_the_page_costs_the_same_queries_with_one_candidate_or_many(
    client_for, org, seller_owner, django_assert_num_queries
):
    job = _job(org)
    _jon()
    client = client_for(seller_owner)
    client.get(f"/marketplace/jobs/{job.pk}/")  # builds the head
    with django_assert_num_queries(20):
        response = client.get(f"/marketplace/jobs/{job.pk}/")
    assert len(response.context["cards"]) == 1
    _ana()
    for n in range(4):
        add_profile_details(
            FreelancerProfileFactory(user=UserFactory(full_name=f"Extra {n}")),
            languages=[("en", CEFR.C2)],
            skills=[("a-to-z-claims", 2)],
            channels=["ebay"],
        )
    with django_assert_num_queries(20):
        response = client.get(f"/marketplace/jobs/{job.pk}/")
    assert len(response.context["cards"]) == 6
    assert response.content.decode().count("<details>") == 6
    assert response.content.decode().count("<progress") == 6 * 7


def test_pages_of_candidates(client_for, org, seller_owner):
    job = _job(org)
    for n in range(22):
        add_profile_details(
            FreelancerProfileFactory(user=UserFactory(full_name=f"Agent {n:02}")), languages=[("en", CEFR.C2)]
        )
    client = client_for(seller_owner)
    first = client.get(f"/marketplace/jobs/{job.pk}/")
    assert len(first.context["cards"]) == 20
    assert "Page 1 of 2" in first.content.decode() and '<a href="?page=2">Next</a>' in first.content.decode()
    with CaptureQueriesContext(connection) as one:
        client.get(f"/marketplace/jobs/{job.pk}/")
    with CaptureQueriesContext(connection) as two:
        second = client.get(f"/marketplace/jobs/{job.pk}/?page=2")
    assert len(second.context["cards"]) == 2
    assert '<ol class="candidates" start="21">' in second.content.decode()
    assert len(two.captured_queries) == len(one.captured_queries)
    ids = [c.profile.pk for c in first.context["cards"] + second.context["cards"]]
    assert len(set(ids)) == 22


def test_another_seller_s_job_answers_404_and_nothing_changes(client_for, org, seller_owner, outsider, freelancer):
    job = _job(org, start_date=dt.date(2026, 12, 14))
    _jon()
    for user in (outsider, freelancer):
        client = client_for(user)
        assert client.get(f"/marketplace/jobs/{job.pk}/").status_code == 404
        assert client.get(f"/marketplace/jobs/{job.pk}/?page=2").status_code == 404
        assert client.post(f"/marketplace/jobs/{job.pk}/edit/", {"role": "Mine now"}).status_code == 404
    assert not JobIndex.objects.filter(pk=job.pk).exists()  # never ranked for them
    assert not MatchHeadRow.objects.exists()
    job.refresh_from_db()
    assert (job.role, job.status) == ("Amazon e-mail support agent", "open")
    assert JobPost.objects.count() == 1


def test_hours_worked_come_from_final_timesheets(org, freelancer_profile):
    """Timesheets push the approved minutes of every final week; open and submitted weeks do not count."""
    from tests.timesheets.factories import TimesheetFactory
    from timesheets.tasks import update_reliability

    first = ContractFactory(organization=org, freelancer=freelancer_profile, weekly_hour_cap=10)
    second = ContractFactory(organization=org, freelancer=freelancer_profile, weekly_hour_cap=10)
    TimesheetFactory(
        contract=first, week_start=dt.date(2026, 3, 9), status="approved", submitted_minutes=300, approved_minutes=300
    )
    TimesheetFactory(
        contract=second, week_start=dt.date(2026, 3, 9), status="resolved", submitted_minutes=200, approved_minutes=150
    )
    TimesheetFactory(contract=first, week_start=dt.date(2026, 3, 16), status="submitted", submitted_minutes=600)
    update_reliability(freelancer_profile.pk)
    freelancer_profile.refresh_from_db()
    assert (freelancer_profile.worked_minutes, freelancer_profile.hours_worked) == (450, 7)
    assert services.freelancer_worked_minutes_update(profile_id=freelancer_profile.pk, minutes=450) is False
    with pytest.raises(ValidationError):
        services.freelancer_worked_minutes_update(profile_id=freelancer_profile.pk, minutes=-1)
