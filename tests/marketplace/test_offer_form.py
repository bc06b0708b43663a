"""The offer form: the bill rate the seller will pay, as the rate is typed, and the weekly cap the freelancer can
still take."""

from decimal import Decimal

import pytest
from bs4 import BeautifulSoup

from accounts.models import Role
from marketplace.models import Offer
from marketplace.services import bill_rate_for
from tests.accounts.factories import MembershipFactory
from tests.marketplace.factories import ContractFactory, FreelancerProfileFactory, JobPostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def job(org):
    return JobPostFactory(organization=org, hours_per_week=20)


@pytest.fixture
def busy(db):
    """40 h a week, 30 of them under an active contract elsewhere: 10 h left."""
    profile = FreelancerProfileFactory(user__full_name="Maria Santos", hourly_rate=Decimal("9.99"))
    ContractFactory(freelancer=profile, weekly_hour_cap=30)
    return profile


def _url(job, profile):
    return f"/marketplace/jobs/{job.pk}/offer/{profile.pk}/"


def _page(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


def _said(soup, selector) -> str:
    return " ".join(soup.select_one(selector).get_text(" ", strip=True).split())


def test_first_render_shows_the_bill_rate_and_the_cap_the_freelancer_can_still_take(
    client_for, seller_owner, job, busy
):
    response = client_for(seller_owner).get(_url(job, busy))
    assert response.status_code == 200
    soup = _page(response)
    assert bill_rate_for(Decimal("9.99")) == Decimal("11.99")
    assert _said(soup, "#offer-bill-rate") == (
        "You pay 11.99 USD per hour : the pay rate of 9.99 USD plus the 20 % Shiftdesk fee."
    )
    assert soup.select_one("#offer-bill-rate")["for"] == ["id_pay_rate"]
    assert soup.select_one("#id_weekly_hour_cap")["value"] == "10"  # 40 h − 30 h, below the job's 20 h
    assert _said(soup, "#id_weekly_hour_cap_helptext") == (
        "Maria Santos can still take 10 h a week: 40 h minus 30 h on active contracts."
    )
    pay_rate = soup.select_one("#id_pay_rate")
    assert pay_rate["hx-get"] == f"/marketplace/jobs/{job.pk}/offer-bill-rate/"
    assert pay_rate["hx-target"] == "#offer-bill-rate"


def test_the_cap_is_the_jobs_hours_when_the_freelancer_has_more_free(client_for, seller_owner, job):
    free = FreelancerProfileFactory(hours_per_week=40)
    soup = _page(client_for(seller_owner).get(_url(job, free)))
    assert soup.select_one("#id_weekly_hour_cap")["value"] == "20"
    assert "can still take 40 h a week: 40 h minus 0 h on active contracts." in _said(
        soup, "#id_weekly_hour_cap_helptext"
    )


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("12.50", "You pay 15.00 USD per hour : the pay rate of 12.50 USD plus the 20 % Shiftdesk fee."),
        ("0.01", "You pay 0.01 USD per hour : the pay rate of 0.01 USD plus the 20 % Shiftdesk fee."),
        ("9.995", "Enter a pay rate such as 10.00 to see the hourly rate you pay."),
        ("abc", "Enter a pay rate such as 10.00 to see the hourly rate you pay."),
        ("", "Enter a pay rate such as 10.00 to see the hourly rate you pay."),
        ("-3", "Enter a pay rate such as 10.00 to see the hourly rate you pay."),
    ],
)
def test_the_bill_rate_follows_the_typed_rate(client_for, seller_owner, job, typed, said):
    response = client_for(seller_owner).get(
        f"/marketplace/jobs/{job.pk}/offer-bill-rate/", {"pay_rate": typed}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert " ".join(BeautifulSoup(response.content.decode(), "html.parser").get_text(" ", strip=True).split()) == said


def test_a_refused_submit_keeps_the_bill_rate_of_the_typed_rate(client_for, seller_owner, job, busy):
    data = {"title": "Support", "pay_rate": "12.50", "weekly_hour_cap": "15", "start_date": "2026-12-01"}
    response = client_for(seller_owner).post(_url(job, busy), data)
    assert response.status_code == 400
    soup = _page(response)
    assert _said(soup, "#id_weekly_hour_cap_error") == "Maria Santos has only 10 weekly hours left."
    assert _said(soup, "#offer-bill-rate").startswith("You pay 15.00 USD per hour")
    response = client_for(seller_owner).post(_url(job, busy), {**data, "pay_rate": "ten"})
    assert response.status_code == 400
    said = _said(_page(response), "#offer-bill-rate")
    assert said == "Enter a pay rate such as 10.00 to see the hourly rate you pay."
    assert not Offer.objects.exists()


def test_the_bill_rate_is_for_the_jobs_managers_only(client_for, org, outsider, freelancer, job):
    viewer = MembershipFactory(organization=org, role=Role.VIEWER).user
    url = f"/marketplace/jobs/{job.pk}/offer-bill-rate/"
    assert client_for(outsider).get(url, {"pay_rate": "10"}).status_code == 404
    assert client_for(freelancer).get(url, {"pay_rate": "10"}).status_code == 404
    assert client_for(viewer).get(url, {"pay_rate": "10"}).status_code == 403
