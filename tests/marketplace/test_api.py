from decimal import Decimal

import pytest

from marketplace.models import Contract, Offer, OfferStatus
from tests.marketplace.factories import (
    FreelancerProfileFactory,
    JobPostFactory,
    OfferFactory,
    add_job_details,
    add_profile_details,
)

pytestmark = pytest.mark.django_db


def _job(org):
    return add_job_details(
        JobPostFactory(organization=org),
        required=["live-chat"],
        languages=[("en", 4)],
        windows=[(d, "09:00", "17:00") for d in range(5)],
    )


def test_matches_endpoint_is_ranked_paginated_and_scoped(
    client_for, org, seller_owner, outsider, freelancer, django_assert_num_queries
):
    job = _job(org)
    for _ in range(3):
        add_profile_details(FreelancerProfileFactory(), languages=[("en", 5)], skills=[("live-chat", 3)])
    client = client_for(seller_owner)
    client.get(f"/api/jobs/{job.pk}/matches/")
    with django_assert_num_queries(14) as ctx:
        response = client.get(f"/api/jobs/{job.pk}/matches/?page_size=2")
    body = response.json()
    assert response.status_code == 200
    assert body["count"] == 3  # dana (the persona) lists no English, so the hard filter drops her
    assert [r["rank"] for r in body["results"]] == [1, 2]
    assert body["next"].endswith("?page=2&page_size=2")
    first = body["results"][0]
    assert [s["key"] for s in first["breakdown"]] == [
        "skills",
        "overlap",
        "rate",
        "quality",
        "reliability",
        "experience",
        "hours",
    ]
    points = sum(Decimal(s["points"]) for s in first["breakdown"])
    assert abs(Decimal(first["total"]) - points) <= Decimal("0.04")  # points are rounded one by one
    for _ in range(3):
        add_profile_details(FreelancerProfileFactory(), languages=[("en", 5)])
    with django_assert_num_queries(len(ctx.captured_queries)):
        assert client.get(f"/api/jobs/{job.pk}/matches/?page_size=2").json()["count"] == 6
    for user in (outsider, freelancer):
        assert client_for(user).get(f"/api/jobs/{job.pk}/matches/").status_code == 404
        assert client_for(user).get(f"/api/jobs/{job.pk}/").status_code == 404


@pytest.mark.parametrize(("url", "queries"), [("/api/jobs/", 12), ("/api/profiles/?language=1&language_level=4", 13)])
def test_job_and_profile_lists_have_constant_queries(
    client_for, org, seller_owner, django_assert_num_queries, url, queries
):
    client = client_for(seller_owner)
    _job(org)
    add_profile_details(FreelancerProfileFactory(), languages=[("en", 5)], skills=[("live-chat", 3)])
    client.get(url)
    with django_assert_num_queries(queries):
        assert len(client.get(url).json()["results"]) == 1
    for _ in range(3):
        _job(org)
        add_profile_details(FreelancerProfileFactory(), languages=[("en", 5)], skills=[("live-chat", 3)])
    with django_assert_num_queries(queries):
        assert len(client.get(url).json()["results"]) == 4


def test_profile_filters(client_for, seller_owner):
    a = add_profile_details(FreelancerProfileFactory(hourly_rate=Decimal("8")), languages=[("en", 6)])
    add_profile_details(FreelancerProfileFactory(hourly_rate=Decimal("20")), languages=[("en", 3)])
    from marketplace.models import Language

    en = Language.objects.get(code="en").pk
    body = client_for(seller_owner).get(f"/api/profiles/?language={en}&language_level=5&rate_max=10").json()
    assert [r["id"] for r in body["results"]] == [a.pk]


def test_offer_flow_through_the_api(client_for, org, seller_owner, freelancer_no_contract, outsider):
    job = _job(org)
    profile = freelancer_no_contract.freelancer_profile
    payload = {
        "job": job.pk,
        "freelancer": profile.pk,
        "title": "Chat agent",
        "pay_rate": "10.00",
        "weekly_hour_cap": 99,
        "start_date": "2026-12-01",
    }
    response = client_for(seller_owner).post("/api/offers/", payload, content_type="application/json")
    assert response.status_code == 400
    assert "weekly_hour_cap" in response.json()
    assert not Offer.objects.exists()
    payload["weekly_hour_cap"] = 20
    response = client_for(outsider).post("/api/offers/", payload, content_type="application/json")
    assert response.status_code == 400  # Acme's job is not among the outsider's choices
    assert not Offer.objects.exists()
    response = client_for(seller_owner).post("/api/offers/", payload, content_type="application/json")
    assert response.status_code == 201
    offer_id = response.json()["id"]
    assert client_for(outsider).post(f"/api/offers/{offer_id}/accept/").status_code == 404
    response = client_for(freelancer_no_contract).post(f"/api/offers/{offer_id}/accept/")
    assert response.status_code == 201
    assert response.json()["bill_rate"] == "12.00"
    again = client_for(freelancer_no_contract).post(f"/api/offers/{offer_id}/accept/")
    assert again.status_code == 400
    assert again.json() == {"non_field_errors": ["This offer was already accepted."]}
    assert Contract.objects.filter(offer_id=offer_id).count() == 1


def test_offer_and_contract_lists_are_scoped(client_for, org, other_org, freelancer, contract, outsider):
    mine = OfferFactory(organization=org, freelancer=freelancer.freelancer_profile)
    OfferFactory(organization=other_org)
    assert [o["id"] for o in client_for(freelancer).get("/api/offers/").json()["results"]] == [mine.pk]
    assert [c["id"] for c in client_for(freelancer).get("/api/contracts/").json()["results"]] == [contract.pk]
    assert client_for(outsider).get("/api/contracts/").json()["results"] == []
    response = client_for(outsider).post(f"/api/contracts/{contract.pk}/end/", {"reason": "x"})
    assert response.status_code == 404
    assert Contract.objects.get(pk=contract.pk).status == "active"
    assert Offer.objects.get(pk=mine.pk).status == OfferStatus.PENDING


@pytest.mark.parametrize("url", ["/api/offers/", "/api/contracts/"])
def test_offer_and_contract_api_lists_have_constant_queries(
    client_for, org, seller_owner, freelancer, contract, django_assert_num_queries, url
):
    from tests.marketplace.factories import ContractFactory

    OfferFactory(organization=org)
    client = client_for(seller_owner)
    client.get(url)
    with django_assert_num_queries(7):
        assert len(client.get(url).json()["results"]) == 1
    for _ in range(3):
        OfferFactory(organization=org)
        ContractFactory(organization=org)
    with django_assert_num_queries(7):
        assert len(client.get(url).json()["results"]) == 4
