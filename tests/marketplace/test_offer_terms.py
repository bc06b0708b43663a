"""What the freelancer reads before accepting (the job, its coverage hours in her own zone, the weekly hours),
and a contract that has not started yet reading "Starts on …" instead of "Active", for both sides."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from marketplace.models import Contract, Offer
from tests.marketplace.factories import ContractFactory, JobPostFactory, OfferFactory, add_job_details

pytestmark = pytest.mark.django_db


def _offer(org, profile, *, start: dt.date, job_zone="America/New_York", windows=None):
    job = add_job_details(
        JobPostFactory(
            organization=org,
            timezone=job_zone,
            hours_per_week=30,
            description="Answer Amazon buyer messages.\nA-to-z claims included.",
        ),
        windows=windows or [(d, "09:00", "17:00") for d in range(5)],
    )
    return OfferFactory(organization=org, freelancer=profile, job=job, start_date=start, weekly_hour_cap=20)


def _coverage(body: str) -> list[str]:
    block = re.search(r'<ul id="coverage-in-zone"[^>]*>(.*?)</ul>', body, re.S).group(1)
    return re.findall(r"<li>(.*?)</li>", block)


@pytest.mark.parametrize(
    ("start", "ranges"),
    [
        # New York 09–17 is 14–22 UTC in winter (UTC−5): 22:00–06:00 in Manila (UTC+8, no DST)
        (dt.date(2030, 1, 7), ["Mon–Fri 22:00–06:00 (ends the next day)"]),
        # and 13–21 UTC in summer (UTC−4): 21:00–05:00 in Manila
        (dt.date(2030, 7, 10), ["Mon–Fri 21:00–05:00 (ends the next day)"]),
    ],
)
def test_the_freelancer_reads_the_coverage_in_her_own_zone(client_for, org, freelancer, start, ranges):
    profile = freelancer.freelancer_profile
    assert profile.timezone == "Asia/Manila"
    offer = _offer(org, profile, start=start)
    body = client_for(freelancer).get(f"/marketplace/offers/{offer.pk}/").content.decode()
    assert '<dt id="coverage-h">Coverage hours in your time zone (Asia/Manila)</dt>' in body
    assert _coverage(body) == ranges
    monday = start - dt.timedelta(days=start.weekday())
    assert f"40 hours in the week of {monday.day} {monday:%b %Y}" in body
    assert "Set by the seller in America/New_York:" in body
    assert '<p id="offer-job-description">Answer Amazon buyer messages.<br>A-to-z claims included.</p>' in body
    assert '<dd id="offer-weekly-hours">Up to 20 h a week (the job asks for 30 h)</dd>' in body


def test_a_range_across_the_week_s_end_reads_as_one(client_for, org, seller_owner, freelancer):
    """Manila Monday 06:00–10:00 is Sunday 22:00 – Monday 02:00 UTC: cut by the UTC week, shown whole."""
    profile = freelancer.freelancer_profile
    profile.timezone = "America/New_York"
    profile.save(update_fields=["timezone"])
    offer = _offer(org, profile, start=dt.date(2030, 1, 7), job_zone="Asia/Manila", windows=[(0, "06:00", "10:00")])
    body = client_for(freelancer).get(f"/marketplace/offers/{offer.pk}/").content.decode()
    assert _coverage(body) == ["Sun 17:00–21:00"]
    seller_view = client_for(seller_owner).get(f"/marketplace/offers/{offer.pk}/").content.decode()
    assert "Coverage hours in the freelancer's time zone (America/New_York)" in seller_view
    assert _coverage(seller_view) == ["Sun 17:00–21:00"]


def test_an_offer_without_a_job_shows_no_coverage(client_for, org, freelancer):
    offer = OfferFactory(organization=org, freelancer=freelancer.freelancer_profile)
    body = client_for(freelancer).get(f"/marketplace/offers/{offer.pk}/").content.decode()
    assert "coverage-in-zone" not in body and 'id="offer-job"' not in body


def _status_cells(body: str) -> list[str]:
    return [re.findall(r"<td>(.*?)</td>", row)[-1] for row in re.findall(r"<tr><td>.*?</tr>", body, re.S)]


def test_a_contract_starting_later_reads_starts_on_for_both_sides(client_for, org, seller_owner, freelancer):
    today = timezone.now().date()
    later = today + dt.timedelta(days=10)
    profile = freelancer.freelancer_profile
    upcoming = ContractFactory(organization=org, freelancer=profile, starts_on=later, weekly_hour_cap=10)
    running = ContractFactory(organization=org, freelancer=profile, starts_on=today, weekly_hour_cap=10)
    for user in (seller_owner, freelancer):
        client = client_for(user)
        listing = client.get("/marketplace/contracts/").content.decode()
        assert _status_cells(listing) == ["Active", f"Starts on {later.day} {later:%b %Y}"]  # newest first
        detail = client.get(f"/marketplace/contracts/{upcoming.pk}/").content.decode()
        assert f'<dd id="contract-status">Starts on {later.day} {later:%B %Y}</dd>' in detail
        assert f"<dt>Starts</dt><dd>{later.day} {later:%B %Y}</dd>" in detail
        detail = client.get(f"/marketplace/contracts/{running.pk}/").content.decode()
        assert '<dd id="contract-status">Active</dd>' in detail


def test_accepting_an_offer_that_starts_later_says_when(client_for, org, freelancer_no_contract):
    offer = _offer(org, freelancer_no_contract.freelancer_profile, start=dt.date(2030, 1, 7))
    response = client_for(freelancer_no_contract).post(f"/marketplace/offers/{offer.pk}/accept/", follow=True)
    contract = Contract.objects.get(offer=offer)
    assert response.redirect_chain == [(f"/marketplace/contracts/{contract.pk}/", 302)]
    assert [str(m) for m in response.context["messages"]] == ["Offer accepted. Your contract starts on 7 January 2030."]
    assert Offer.objects.get(pk=offer.pk).status == "accepted"
