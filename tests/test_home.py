"""The home pages answer "how are we doing": each figure equals the page its link opens, in constant queries."""

import datetime as dt
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from billing import services as billing
from billing.selectors import week_spend
from marketplace.models import ContractStatus
from qa_scoring.models import Dispute, Review, ReviewKind, ReviewStatus
from qa_scoring.selectors import review_list
from tests.billing.factories import approved_timesheet
from tests.marketplace.factories import ContractFactory, OfferFactory
from tests.qa_scoring.factories import ConversationFactory, RubricVersionFactory
from tests.timesheets.factories import TimeEntryFactory
from timesheets.models import Timesheet, TimesheetStatus, week_start_of
from timesheets.selectors import weekly_hours

pytestmark = pytest.mark.django_db


def this_monday() -> dt.datetime:
    monday = week_start_of(timezone.now())
    return dt.datetime.combine(monday, dt.time(0), tzinfo=dt.UTC)


def work(contract, minutes: int, *, hour: int = 0):
    """A finished entry of ``minutes`` this week (Monday, from ``hour`` UTC)."""
    start = this_monday() + dt.timedelta(hours=hour)
    return TimeEntryFactory(contract=contract, started_at=start, ended_at=start + dt.timedelta(minutes=minutes))


def review(org, freelancer, reviewer, *, score: str, days_ago: int, critical: bool = False):
    conversation = ConversationFactory(organization=org, freelancer=freelancer)
    return Review.objects.create(
        conversation=conversation,
        rubric_version=RubricVersionFactory(rubric__organization=org),
        reviewer=reviewer,
        kind=ReviewKind.PRODUCTION,
        status=ReviewStatus.SUBMITTED,
        score=Decimal(score),
        critical_fail=critical,
        submitted_at=timezone.now() - dt.timedelta(days=days_ago),
    )


def soup_of(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.content.decode(), "html.parser")


def contract_rows(soup) -> list[list[str]]:
    rows = soup.select(".home-contracts tr")
    return [[" ".join(td.get_text(" ", strip=True).split()) for td in tr("td")] for tr in rows]


def figure(soup, fid: str) -> tuple[str, str]:
    """(text, link) of one figure."""
    node = soup.select_one(f"#{fid}")
    link = node if node.name == "a" else node.find("a")
    return " ".join(node.get_text(" ", strip=True).split()), (link["href"] if link else "")


# ---------------------------------------------------------------- the seller
@pytest.fixture
def seller_week(org, contract, seller_owner, reviewer, freelancer_profile):
    """Acme's week: 2 h 30 min on one contract, 1 h 15 min on a second (12.50 / 15.00), a timesheet waiting,
    three reviews in the last 30 days (one older), one open dispute."""
    second = ContractFactory(
        organization=org, title="Chat", pay_rate=Decimal("12.50"), bill_rate=Decimal("15.00"), weekly_hour_cap=10
    )
    ContractFactory(organization=org, status=ContractStatus.ENDED, title="Old")
    work(contract, 150)
    work(second, 75, hour=5)
    Timesheet.objects.filter(contract=second).update(status=TimesheetStatus.SUBMITTED, submitted_minutes=75)
    first = review(org, freelancer_profile, reviewer, score="90.00", days_ago=1)
    review(org, freelancer_profile, reviewer, score="80.50", days_ago=29, critical=True)
    review(org, freelancer_profile, reviewer, score="10.00", days_ago=31)  # outside the period
    Dispute.objects.create(review=first, raised_by=freelancer_profile.user)
    return contract, second


def test_the_sellers_home_shows_the_week_and_links_each_figure(client_for, seller_owner, org, seller_week):
    soup = soup_of(client_for(seller_owner).get("/"))
    today = timezone.now().astimezone(dt.UTC).date()
    since = (today - dt.timedelta(days=29)).isoformat()
    assert figure(soup, "fig-hours") == ("3.75 h", "/time/chart/")
    # 2.5 h × 12.00 = 30.00 and 1.25 h × 15.00 = 18.75
    assert figure(soup, "fig-spend") == (
        "48.75 USD hours × bill rate; invoiced the Monday after you approve them",
        "/billing/",
    )
    assert figure(soup, "fig-pending") == ("1", "/time/approvals/")
    assert figure(soup, "fig-contracts") == ("2", "/marketplace/contracts/?status=active")
    assert figure(soup, "fig-iqs") == (
        "85.25 over 2 reviews",
        f"/qa/reviews/?organization={org.pk}&kind=production&status=submitted&submitted_after={since}",
    )
    assert figure(soup, "fig-disputes") == ("1", "/qa/disputes/?status=open")
    rows = [
        [" ".join(td.get_text(" ", strip=True).split()) for td in tr("td")] for tr in soup.select(".home-contracts tr")
    ]
    contract, second = seller_week
    assert rows[1:] == [
        ["Chat", str(second.freelancer), "1.25 h / 10 h", "18.75 USD"],
        ["Customer support (e-mail)", str(contract.freelancer), "2.50 h / 40 h", "30.00 USD"],
    ]


def test_the_sellers_figures_equal_the_pages_they_link_to(client_for, seller_owner, org, seller_week):
    client = client_for(seller_owner)
    soup = soup_of(client.get("/"))
    chart = weekly_hours(actor=seller_owner, organization_id=org.pk)[-1]
    assert chart["minutes"] == 225  # the chart's bar for this week: 3.75 h
    approvals = soup_of(client.get(figure(soup, "fig-pending")[1]))
    assert len(approvals.select("tbody tr")) == 1
    contracts = soup_of(client.get(figure(soup, "fig-contracts")[1]))
    assert len(contracts.select("tbody tr")) == 2
    reviews = soup_of(client.get(figure(soup, "fig-iqs")[1]))
    assert sorted(td.get_text(strip=True) for td in reviews.select("tbody tr td:nth-of-type(7)")) == [
        "80.50critical fail",
        "90.00",
    ]
    disputes = soup_of(client.get(figure(soup, "fig-disputes")[1]))
    assert len(disputes.select("tbody tr")) == 1
    # The spend is what the week's invoice bills once the hours are approved as recorded.
    contract, second = seller_week
    for c, minutes in ((contract, 150), (second, 75)):
        Timesheet.objects.filter(contract=c).update(
            status=TimesheetStatus.APPROVED, submitted_minutes=minutes, approved_minutes=minutes
        )
    invoice = billing.invoices_generate(week_start=week_start_of(timezone.now()))[0]
    assert invoice.total == Decimal("48.75")


def test_another_seller_sees_nothing_of_it(client_for, outsider, seller_week):
    soup = soup_of(client_for(outsider).get("/"))
    assert figure(soup, "fig-hours")[0] == "0.00 h"
    assert figure(soup, "fig-spend")[0].startswith("nothing yet")
    assert [figure(soup, f)[0] for f in ("fig-pending", "fig-contracts", "fig-disputes")] == ["0", "0", "0"]
    assert figure(soup, "fig-iqs")[0] == "no reviews yet"
    assert soup.select(".home-contracts") == []
    assert "Customer support (e-mail)" not in soup.get_text()


def test_a_member_who_cannot_pay_sees_the_spend_without_the_billing_link(client_for, org, seller_week):
    from accounts.models import Role
    from tests.accounts.factories import MembershipFactory

    viewer = MembershipFactory(organization=org, role=Role.VIEWER).user
    assert figure(soup_of(client_for(viewer).get("/")), "fig-spend")[1] == ""


def test_the_sellers_home_query_count_is_constant(
    client_for, seller_owner, org, reviewer, freelancer_profile, django_assert_num_queries
):
    client = client_for(seller_owner)

    def grow(n):
        for i in range(n):
            c = ContractFactory(organization=org)
            work(c, 30 + i, hour=i)
            review(org, c.freelancer, reviewer, score="70", days_ago=2)

    grow(1)
    client.get("/")
    with django_assert_num_queries(17):
        assert client.get("/").status_code == 200
    grow(4)
    with django_assert_num_queries(17):
        assert client.get("/").status_code == 200


def test_week_spend_selector_query_count(seller_owner, org, seller_week, django_assert_num_queries):
    with django_assert_num_queries(4):  # role map, staff groups, minutes per contract, contracts
        week = week_spend(actor=seller_owner, organization_id=org.pk, week_start=week_start_of(timezone.now()))
    assert (week.minutes, week.spend) == (225, [("USD", Decimal("48.75"))])
    assert len(list(review_list(actor=seller_owner, filters={"organization": str(org.pk)}))) == 3


# ---------------------------------------------------------------- the freelancer
@pytest.fixture
def freelancer_week(org, other_org, contract, freelancer_profile, reviewer, seller_owner):
    """Dana: 1 h 45 min this week on Acme's contract (cap 40), a second contract with no time, two pending offers,
    two reviews and a billed week."""
    other = ContractFactory(
        organization=other_org, freelancer=freelancer_profile, title="Globex chat", weekly_hour_cap=15
    )
    work(contract, 105)
    offers = [
        OfferFactory(organization=org, freelancer=freelancer_profile, title="Weekend inbox"),
        OfferFactory(organization=other_org, freelancer=freelancer_profile, title="Returns desk"),
    ]
    OfferFactory(organization=org, title="Someone else's offer")
    review(org, freelancer_profile, reviewer, score="95.00", days_ago=3)
    review(org, freelancer_profile, reviewer, score="75.00", days_ago=1, critical=True)
    approved_timesheet(contract, 465, week_start=dt.date(2026, 3, 9))
    billing.invoices_generate(week_start=dt.date(2026, 3, 9))
    return other, offers


def test_the_freelancers_home_shows_hours_against_caps_offers_reviews_and_earnings(
    client_for, freelancer, contract, freelancer_week
):
    soup = soup_of(client_for(freelancer).get("/"))
    other, offers = freelancer_week
    rows = [
        [" ".join(td.get_text(" ", strip=True).split()) for td in tr("td")] for tr in soup.select(".home-contracts tr")
    ]
    assert rows[1:] == [
        ["Customer support (e-mail) Acme Store", "1 h 45 min", "40 h"],
        ["Globex chat Globex Shop", "0 h 00 min", "15 h"],
    ]
    timesheet = Timesheet.objects.get(contract=contract, week_start=week_start_of(timezone.now()))
    assert soup.select(".home-contracts a")[1]["href"] == f"/time/timesheets/{timesheet.pk}/"
    offer_links = {a.get_text(strip=True): a["href"] for a in soup.select("#fl-offers-h + ul a")}
    assert offer_links == {o.title: f"/marketplace/offers/{o.pk}/" for o in offers}
    assert figure(soup, "fig-fl-iqs") == ("IQS, last 90 days: 85.00 over 2 reviews", "/qa/reviews/mine/")
    reviews = [" ".join(li.get_text(" ", strip=True).split()) for li in soup.select("#fl-reviews-h ~ ul li")]
    assert [r.split(": score ")[1] for r in reviews] == ["75.00 critical fail", "95.00"]
    earnings = [" ".join(li.get_text(" ", strip=True).split()) for li in soup.select("#fl-earnings-h + ul li")]
    assert earnings == ["9 Mar · Acme Store · Hours: 7.75 h × 10.00 = 77.50 USD"]
    assert soup.select_one("#fl-earnings-h ~ p a")["href"] == "/billing/earnings/"
    assert "93.00" not in soup.get_text()  # what the seller is billed stays the seller's


def test_the_freelancers_home_query_count_is_constant(
    client_for, freelancer, org, freelancer_profile, django_assert_num_queries
):
    client = client_for(freelancer)

    contracts = []

    def grow(n):
        for _ in range(n):
            c = ContractFactory(freelancer=freelancer_profile, weekly_hour_cap=5)
            work(c, 20, hour=len(contracts))  # one freelancer's entries never overlap (an exclusion on PostgreSQL)
            contracts.append(c)
            OfferFactory(organization=org, freelancer=freelancer_profile)

    grow(1)
    client.get("/")
    with django_assert_num_queries(12):
        assert client.get("/").status_code == 200
    grow(3)
    with django_assert_num_queries(12):
        assert client.get("/").status_code == 200


def test_a_freelancer_sees_no_one_elses_offers_or_hours(client_for, freelancer_no_contract, freelancer_week):
    soup = soup_of(client_for(freelancer_no_contract).get("/"))
    assert soup.select(".home-contracts") == []
    assert soup.select("#fl-offers-h + ul") == []
    assert "No offer is waiting for your answer." in soup.get_text()
    assert "77.50" not in soup.get_text()
