import datetime as dt
import re
from decimal import Decimal
from unittest import mock

import pytest

from qa_ops import dashboards
from qa_ops.models import AssignmentStatus
from qa_scoring import rollups
from qa_scoring.models import Criterion, CriterionScore, Dispute, Review
from tests.qa_ops.factories import ReviewAssignmentFactory, SamplingRuleFactory
from tests.qa_scoring.factories import ConversationFactory

pytestmark = pytest.mark.django_db

MON = dt.datetime(2026, 11, 2, 12, tzinfo=dt.UTC)
F = dashboards.Filters(start=MON - dt.timedelta(days=30), end=MON + dt.timedelta(days=30))


def _review(conversation, reviewer, version, score, at, *, critical=False, greet=1):
    review = Review.objects.create(
        conversation=conversation,
        rubric_version=version,
        reviewer=reviewer,
        status="submitted",
        score=score,
        critical_fail=critical,
        submitted_at=at,
    )
    CriterionScore.objects.create(
        review=review, criterion=Criterion.objects.get(version=version, key="greeting"), value=greet
    )
    return review


@pytest.fixture
def data(org, other_org, freelancer_profile, contract, reviewer, default_version):
    acme = [
        ConversationFactory(
            organization=org, freelancer=freelancer_profile, contract=contract, external_id=f"d{i}", csat=c
        )
        for i, c in enumerate([Decimal(20), Decimal(100), None])
    ]
    globex = ConversationFactory(organization=other_org, external_id="g")
    _review(acme[0], reviewer, default_version, Decimal("70.00"), MON, greet=0)
    r = _review(acme[1], reviewer, default_version, Decimal("90.00"), MON + dt.timedelta(days=1))
    _review(acme[2], reviewer, default_version, Decimal("0.00"), MON + dt.timedelta(days=7), critical=True)
    _review(globex, reviewer, default_version, Decimal("10.00"), MON)
    Dispute.objects.create(review=r, raised_by=reviewer, status="rejected")
    rollups.rebuild()  # the rows above bypass the services that keep the roll-ups
    return acme


def test_iqs_trend_for_staff_and_seller(data, reviewer, seller_owner):
    assert dashboards.iqs_trend(reviewer, F).rows == [
        ["2026-11-02", "All", Decimal("56.67"), 3],
        ["2026-11-09", "All", Decimal("0.00"), 1],
    ]
    seller = dashboards.iqs_trend(seller_owner, F)
    assert seller.rows == [["2026-11-02", "All", Decimal("80.00"), 2], ["2026-11-09", "All", Decimal("0.00"), 1]]
    assert seller.extra["pass_mark"] == Decimal("80.00")
    by_seller = dashboards.iqs_trend(reviewer, dashboards.Filters(start=F.start, end=F.end, group="seller"))
    assert by_seller.rows[0] == ["2026-11-02", "Acme Store", Decimal("80.00"), 2]


def test_other_charts(data, seller_owner):
    assert dashboards.heatmap(seller_owner, F).rows == [
        ["dana@freelance.test", "greeting", Decimal("2.67"), 3]
    ]  # weight 8, lost once
    assert dashboards.critical_fails(seller_owner, F).rows == [
        ["2026-11-02", 0, 2, Decimal("0.0")],
        ["2026-11-09", 1, 1, Decimal("100.0")],
    ]
    assert dashboards.disputes(seller_owner, F).rows == [
        ["2026-11-02", 2, 1, Decimal("50.0"), 0, 0, 0, 1],
        ["2026-11-09", 1, 0, Decimal("0.0"), 0, 0, 0, 0],
    ]
    assert sorted(dashboards.csat_scatter(seller_owner, F).rows) == sorted(
        [[data[0].pk, Decimal("20.00"), Decimal("70.00")], [data[1].pk, Decimal("100.00"), Decimal("90.00")]]
    )
    assert dashboards.throughput(seller_owner, F).rows == [["quinn@shiftdesk.test", 3, 0, 0]]


def test_throughput_counts_each_reviewers_open_and_overdue_backlog(data, org, other_org, reviewer, second_reviewer):
    acme_rule, globex_rule = SamplingRuleFactory(organization=org), SamplingRuleFactory(organization=other_org)
    fresh = [ConversationFactory(organization=org, external_id=f"n{i}") for i in range(4)]
    now = MON + dt.timedelta(days=3)
    late, later = now - dt.timedelta(hours=1), now + dt.timedelta(days=2)
    for conversation, actor, due, status in [
        (fresh[0], second_reviewer, late, AssignmentStatus.OPEN),  # overdue
        (fresh[1], second_reviewer, later, AssignmentStatus.OPEN),
        (fresh[2], second_reviewer, late, AssignmentStatus.REMOVED),  # removed: not backlog
        (data[0], reviewer, late, AssignmentStatus.OPEN),  # already reviewed by quinn: done, not backlog
        (fresh[3], reviewer, later, AssignmentStatus.OPEN),
    ]:
        ReviewAssignmentFactory(rule=acme_rule, conversation=conversation, reviewer=actor, due_at=due, status=status)
    ReviewAssignmentFactory(
        rule=globex_rule,
        conversation=ConversationFactory(organization=other_org, external_id="gn"),
        reviewer=second_reviewer,
        due_at=late,
    )
    with mock.patch("django.utils.timezone.now", return_value=now):
        staff_rows = dashboards.throughput(reviewer, F).rows
        acme_rows = dashboards.throughput(reviewer, dashboards.Filters(F.start, F.end, organization_id=org.pk)).rows
    assert staff_rows == [
        [second_reviewer.email, 0, 3, 2],  # two at Acme (one overdue) and one overdue at Globex
        ["quinn@shiftdesk.test", 4, 1, 0],
    ]
    assert acme_rows == [[second_reviewer.email, 0, 2, 1], ["quinn@shiftdesk.test", 3, 1, 0]]


def test_points_lost_are_exact_cents_rounded_half_to_even():
    # weight 1 on a 1–5 scale: (5 − total/8) / 4, a tie at half a cent for these totals.
    assert dashboards.points_lost(1, 1, 5, 8, 36) == Decimal("0.12")  # 0.125 → 0.12
    assert dashboards.points_lost(1, 1, 5, 8, 28) == Decimal("0.38")  # 0.375 → 0.38
    assert dashboards.points_lost(8, 0, 1, 3, 2) == Decimal("2.67")  # 8/3, not a tie
    assert str(dashboards.points_lost(20, 0, 1, 4, 4)) == "0.00"  # nothing lost still shows its cents
    assert str(dashboards.points_lost(20, 0, 1, 4, 0)) == "20.00"


def test_outsider_sees_only_their_own(data, outsider):
    assert dashboards.iqs_trend(outsider, F).rows == [["2026-11-02", "All", Decimal("10.00"), 1]]
    assert dashboards.heatmap(outsider, F).rows == [["—", "greeting", Decimal("0.00"), 1]]


def test_freelancer_sees_only_their_trend(data, freelancer, client_for):
    assert [c.key for c in dashboards.charts_for(freelancer, F)] == ["iqs_trend"]
    client = client_for(freelancer)
    assert client.get("/qa-ops/dashboard/heatmap.csv").status_code == 404
    assert client.get("/api/qa-ops/dashboard/heatmap/").status_code == 404
    response = client.get("/qa-ops/dashboard/iqs_trend.csv?start=2026-10-01&end=2026-11-30")
    assert response.content.decode().splitlines() == [
        "week,overall,iqs,reviews",
        "2026-11-02,All,80.00,2",
        "2026-11-09,All,0.00,1",
    ]


# Queries of each chart's data besides the actor's access (1 for QA staff, 2 for a seller's member):
# the roll-up aggregate, plus label / pass-mark look-ups and the open assignments.
CHART_QUERIES = {
    "iqs_trend": 2,  # weekly sums, pass mark
    "heatmap": 1,  # criterion sums joined to the criteria and the freelancers' e-mails
    "critical_fails": 1,
    "throughput": 3,  # per-reviewer sums, reviewer e-mails, open assignments (with "reviewed")
    "disputes": 1,
    "csat_scatter": 1,
    "calibration_alpha": 1,
}


@pytest.mark.parametrize("chart", dashboards.CHARTS)
def test_each_chart_has_pinned_constant_queries(
    chart, data, seller_owner, reviewer, default_version, org, freelancer_profile, django_assert_num_queries
):
    def run(actor, access):
        actor = type(actor).objects.get(pk=actor.pk)
        with django_assert_num_queries(access + CHART_QUERIES[chart]):
            return dashboards.chart(actor, chart, F)

    small = (run(seller_owner, 2), run(reviewer, 1))
    for i in range(5):
        c = ConversationFactory(organization=org, freelancer=freelancer_profile, external_id=f"more{i}", csat=50)
        _review(c, reviewer, default_version, Decimal(60), MON + dt.timedelta(days=i * 7))
    rollups.rebuild()
    larger = (run(seller_owner, 2), run(reviewer, 1))
    if chart != "calibration_alpha":
        assert larger != small  # the same queries over more data


def test_dashboard_page_and_api(data, seller_owner, client_for):
    client = client_for(seller_owner)
    page = client.get("/qa-ops/dashboard/?start=2026-10-01&end=2026-11-30")
    assert page.status_code == 200
    body = page.content.decode()
    assert body.count('class="qa-svg"') == len(dashboards.CHARTS) - 1  # calibration alpha has no data yet
    assert "No data for these filters yet." in body
    assert "Periods are whole ISO weeks (Monday to Sunday, UTC)" in body
    assert "ISO weeks of Mon 2026-09-28 to Mon 2026-11-30 (UTC), whole weeks." in body
    api = client.get("/api/qa-ops/dashboard/iqs_trend/?start=2026-10-01&end=2026-11-30").json()
    assert api["rows"] == [["2026-11-02", "All", "80.00", 2], ["2026-11-09", "All", "0.00", 1]]
    bad = client.get("/api/qa-ops/dashboard/iqs_trend/?start=2026-11-30&end=2026-10-01")
    assert bad.status_code == 400
    assert bad.json() == {"end": ["The end must be after the start."]}


def test_headline_row_for_the_period(data, seller_owner, reviewer):
    # Acme: 70.00, 90.00 and a critical fail (0.00); one dispute; pass mark 80 → one passed of three.
    assert dashboards.headline(seller_owner, F) == dashboards.Headline(
        iqs=Decimal("53.33"),
        reviews=3,
        passed=1,
        pass_rate=Decimal("33.3"),
        disputes=1,
        dispute_rate=Decimal("33.3"),
    )
    # QA staff also see Globex's 10.00.
    assert dashboards.headline(reviewer, F) == dashboards.Headline(
        iqs=Decimal("42.50"),
        reviews=4,
        passed=1,
        pass_rate=Decimal("25.0"),
        disputes=1,
        dispute_rate=Decimal("25.0"),
    )


def test_headline_figures_are_the_charts_figures(data, reviewer):
    top = dashboards.headline(reviewer, F)
    trend = dashboards.iqs_trend(reviewer, F).rows
    assert top.reviews == sum(row[3] for row in trend) == 4
    assert top.disputes == sum(row[2] for row in dashboards.disputes(reviewer, F).rows) == 1
    assert top.reviews == sum(row[2] for row in dashboards.critical_fails(reviewer, F).rows)


def test_headline_of_an_empty_period(data, seller_owner):
    empty = dashboards.Filters(start=MON + dt.timedelta(days=60), end=MON + dt.timedelta(days=70))
    assert dashboards.headline(seller_owner, empty) == dashboards.Headline(None, 0, 0, None, 0, None)


def test_dashboard_page_shows_the_headline_labelled_heat_map_and_axes(
    data, seller_owner, freelancer, client_for, django_assert_num_queries
):
    freelancer.full_name = "Dana Cruz"
    freelancer.save(update_fields=["full_name"])
    client = client_for(seller_owner)
    url = "/qa-ops/dashboard/?start=2026-10-01&end=2026-11-30"
    client.get(url)
    with django_assert_num_queries(PAGE_QUERIES):
        body = client.get(url).content.decode()
    assert (
        "<div><dt>IQS</dt><dd>53.33</dd></div>\n  <div><dt>Reviews</dt><dd>3</dd></div>\n"
        "  <div><dt>Pass rate</dt><dd>33.3 %<small>1 passed</small></dd></div>\n"
        "  <div><dt>Disputes</dt><dd>1<small>33.3 % of reviews</small></dd></div>"
    ) in body
    # The heat map names the freelancer and numbers the criterion, whose label the legend and <title> give.
    heat = body[body.index('id="chart-heatmap"') : body.index('id="chart-critical_fails"')]
    assert '<li value="1">Greets the customer by name and shows they know the order</li>' in heat
    assert re.findall(r'<g class="heat-criterion"><title>([^<]+)</title><text[^>]*>(\w+)</text></g>', heat) == [
        ("Greets the customer by name and shows they know the order", "1")
    ]
    assert re.findall(r'<g class="heat-name"><title>([^<]+)</title><text[^>]*>([^<]+)</text></g>', heat) == [
        ("Dana Cruz", "Dana Cruz")
    ]
    # Every drawn chart names both axes, with units (calibration alpha has no data, so no chart).
    assert re.findall(r'class="axis-title"[^>]*>([^<]+)</text>', body) == [
        "week",
        "IQS (0–100)",
        "criterion (numbered in the legend)",
        "freelancer",
        "week",
        "critical fails (% of reviews)",
        "reviewer",
        "reviews",
        "week",
        "disputes (% of reviews)",
        "CSAT (0–100)",
        "QA score (0–100)",
    ]
    throughput = body[body.index('id="chart-throughput"') : body.index('id="chart-disputes"')]
    assert "reviews submitted in the period</li>" in throughput and "open assignments (backlog)</li>" in throughput


def test_dashboard_page_queries_do_not_grow_with_reviews(
    data, seller_owner, reviewer, default_version, org, freelancer_profile, client_for, django_assert_num_queries
):
    client = client_for(seller_owner)
    url = "/qa-ops/dashboard/?start=2026-10-01&end=2026-11-30"
    client.get(url)
    for i in range(6):
        c = ConversationFactory(organization=org, freelancer=freelancer_profile, external_id=f"extra{i}", csat=50)
        _review(c, reviewer, default_version, Decimal(85), MON + dt.timedelta(days=i))
    rollups.rebuild()
    with django_assert_num_queries(PAGE_QUERIES):
        body = client.get(url).content.decode()
    assert "<div><dt>Reviews</dt><dd>9</dd></div>" in body


PAGE_QUERIES = 20  # session, user, roles, filter form choices, the seven charts, the headline
