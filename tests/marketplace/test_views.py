import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import AuditEvent
from marketplace.models import AvailabilityWindow, Contract, ContractStatus, JobPost, Offer, OfferStatus, ProfileSkill
from tests.marketplace.factories import (
    ContractFactory,
    FreelancerProfileFactory,
    JobPostFactory,
    OfferFactory,
    add_job_details,
    add_profile_details,
    skill,
)
from tests.markup import duplicate_ids

pytestmark = pytest.mark.django_db


def _job(org):
    return add_job_details(
        JobPostFactory(organization=org),
        required=["customer-e-mail-support"],
        languages=[("en", 4)],
        windows=[(d, "09:00", "17:00") for d in range(5)],
    )


def test_job_pages_are_tenant_scoped(client_for, org, seller_owner, outsider, freelancer):
    job = _job(org)
    assert client_for(seller_owner).get(f"/marketplace/jobs/{job.pk}/").status_code == 200
    for user in (outsider, freelancer):
        assert client_for(user).get(f"/marketplace/jobs/{job.pk}/").status_code == 404
        assert client_for(user).get(f"/marketplace/jobs/{job.pk}/edit/").status_code == 404
        response = client_for(user).post(f"/marketplace/jobs/{job.pk}/status/", {"status": "closed"})
        assert response.status_code == 404
    assert JobPost.objects.get(pk=job.pk).status == "open"


def test_job_list_query_count_is_constant(client_for, org, seller_owner, django_assert_num_queries):
    client = client_for(seller_owner)
    _job(org)
    client.get("/marketplace/jobs/")  # warm session and caches
    with django_assert_num_queries(13) as ctx:
        response = client.get("/marketplace/jobs/")
    assert response.status_code == 200
    for _ in range(4):
        _job(org)
    with django_assert_num_queries(len(ctx.captured_queries)):
        response = client.get("/marketplace/jobs/")
    assert response.content.count(b"/marketplace/jobs/") >= 5


def test_job_detail_shows_ranked_candidates_with_constant_queries(
    client_for, org, seller_owner, django_assert_num_queries
):
    job = _job(org)
    for _ in range(2):
        add_profile_details(FreelancerProfileFactory(), languages=[("en", 5)], skills=[("customer-e-mail-support", 2)])
    client = client_for(seller_owner)
    client.get(f"/marketplace/jobs/{job.pk}/")
    with django_assert_num_queries(20) as ctx:
        response = client.get(f"/marketplace/jobs/{job.pk}/")
    assert response.content.count(b"<progress") == 2 * 7
    for _ in range(3):
        add_profile_details(FreelancerProfileFactory(), languages=[("en", 5)])
    with django_assert_num_queries(len(ctx.captured_queries)):
        response = client.get(f"/marketplace/jobs/{job.pk}/")
    assert response.content.count(b"<progress") == 5 * 7


def test_create_job_with_inline_errors(client_for, org, seller_owner):
    client = client_for(seller_owner)
    data = {
        "role": "Chat agent",
        "timezone": "America/New_York",
        "windows": "Mon-Fri 09:00-17:00\nSat 22:00-06:00",
        "hours_per_week": "20",
        "rate_min": "12.00",
        "rate_max": "8.00",
        "currency": "USD",
        "start_date": "2026-12-01",
        "status": "open",
        "required_skills": [skill("live-chat").pk],
        "languages": "English C1",
    }
    response = client.post("/marketplace/jobs/new/", data)
    assert response.status_code == 400
    assert "The ceiling (8.00) must not be below the floor (12.00)." in response.content.decode()
    assert "Constraint" not in response.content.decode()
    assert not JobPost.objects.exists()
    data["rate_max"] = "15.00"
    data["windows"] = "Funday 9-5"
    response = client.post("/marketplace/jobs/new/", data)
    assert response.status_code == 400
    assert "Line 1 (“Funday 9-5”): “funday” is not a day or a range of days" in response.content.decode()
    data["windows"] = "Mon-Fri 09:00-17:00\nSat 22:00-06:00"
    response = client.post("/marketplace/jobs/new/", data)
    job = JobPost.objects.get()
    assert response.status_code == 302
    assert job.windows.count() == 6
    assert list(job.languages.values_list("language__code", "min_level")) == [("en", 5)]


def test_profile_editor_htmx_partials(client_for, freelancer_no_contract):
    client = client_for(freelancer_no_contract)
    profile = freelancer_no_contract.freelancer_profile
    assert client.get("/marketplace/profile/").status_code == 200
    response = client.post(
        "/marketplace/profile/skills/", {"skill": skill("live-chat").pk, "level": "3"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response.content.decode().startswith('<section id="skills"')
    assert list(ProfileSkill.objects.filter(profile=profile).values_list("skill__slug", "level")) == [("live-chat", 3)]
    response = client.post(
        "/marketplace/profile/windows/", {"weekday": "0", "start": "22:00", "end": "22:00"}, HTTP_HX_REQUEST="true"
    )
    # Refused: to HTMX a 200 marked X-Form-Refused (config/refused_forms.py), swapped in place.
    assert (response.status_code, response["X-Form-Refused"]) == (200, "400")
    assert "The window needs a length" in response.content.decode()
    response = client.post("/marketplace/profile/windows/", {"weekday": "0", "start": "22:10", "end": "02:00"})
    assert response.status_code == 400  # without HTMX the refusal stays a 400
    assert "X-Form-Refused" not in response
    assert "Use quarter-hours" in response.content.decode()
    assert not AvailabilityWindow.objects.filter(profile=profile).exists()
    response = client.post("/marketplace/profile/windows/", {"weekday": "0", "start": "22:00", "end": "02:00"})
    assert response.status_code == 302
    assert AvailabilityWindow.objects.filter(profile=profile).count() == 1


def test_profile_editor_forms_have_their_own_ids(client_for, freelancer_no_contract):
    """Skills and languages both have a "level": each section's label must find its own select."""
    client = client_for(freelancer_no_contract)
    page = client.get("/marketplace/profile/").content.decode()
    assert duplicate_ids(page) == []
    assert '<label for="skill-level">Level' in page and '<label for="language-level">Level (CEFR)' in page
    refused = client.post(
        "/marketplace/profile/windows/", {"weekday": "0", "start": "09:00", "end": "09:00"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'aria-describedby="window-end_helptext window-end_error"' in refused
    assert '<small class="error" id="window-end_error">The window needs a length: end differs from start.</small>' in (
        refused
    )


def test_profile_photo_is_validated(client_for, freelancer_no_contract):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(freelancer_no_contract)
    data = {"timezone": "Asia/Manila", "currency": "USD", "hours_per_week": "30", "hourly_rate": "9.50"}
    fake = SimpleUploadedFile("me.png", b"not an image", content_type="image/png")
    response = client.post("/marketplace/profile/", {**data, "photo": fake})
    assert response.status_code == 400
    profile = freelancer_no_contract.freelancer_profile
    profile.refresh_from_db()
    assert (profile.hours_per_week, profile.photo.name) == (40, "")


def test_offers_and_contracts_are_scoped(client_for, org, other_org, seller_owner, outsider, freelancer, contract):
    offer = OfferFactory(organization=org, freelancer=freelancer.freelancer_profile)
    other_offer = OfferFactory(organization=other_org)
    assert client_for(freelancer).get(f"/marketplace/offers/{offer.pk}/").status_code == 200
    assert client_for(freelancer).get(f"/marketplace/offers/{other_offer.pk}/").status_code == 404
    assert client_for(outsider).get(f"/marketplace/offers/{offer.pk}/").status_code == 404
    assert client_for(outsider).get(f"/marketplace/contracts/{contract.pk}/").status_code == 404
    response = client_for(outsider).post(f"/marketplace/contracts/{contract.pk}/end/", {"reason": "x"})
    assert response.status_code == 404
    assert Contract.objects.get(pk=contract.pk).status == "active"
    response = client_for(outsider).post(f"/marketplace/offers/{offer.pk}/withdraw/")
    assert response.status_code == 404
    assert Offer.objects.get(pk=offer.pk).status == OfferStatus.PENDING
    listing = client_for(outsider).get("/marketplace/offers/").content.decode()
    assert offer.title not in listing or f"/marketplace/offers/{offer.pk}/" not in listing


def test_accept_offer_through_the_page(client_for, org, seller_owner, freelancer_no_contract):
    offer = OfferFactory(
        organization=org, freelancer=freelancer_no_contract.freelancer_profile, pay_rate=Decimal("10.00")
    )
    response = client_for(freelancer_no_contract).post(f"/marketplace/offers/{offer.pk}/accept/")
    contract = Contract.objects.get(offer=offer)
    assert response.status_code == 302
    assert response["Location"] == f"/marketplace/contracts/{contract.pk}/"
    assert contract.bill_rate == Decimal("12.00")


def test_contract_list_query_count_is_constant(client_for, org, seller_owner, contract, django_assert_num_queries):
    client = client_for(seller_owner)
    client.get("/marketplace/contracts/")
    with django_assert_num_queries(8) as ctx:
        client.get("/marketplace/contracts/")
    for _ in range(3):
        ContractFactory(organization=org, starts_on=dt.date(2026, 2, 2))
    with django_assert_num_queries(len(ctx.captured_queries)):
        response = client.get("/marketplace/contracts/")
    assert response.content.count(b"/marketplace/contracts/") >= 4


def test_offer_list_query_count_is_constant(client_for, org, seller_owner, django_assert_num_queries):
    client = client_for(seller_owner)
    OfferFactory(organization=org)
    client.get("/marketplace/offers/")
    with django_assert_num_queries(8) as ctx:
        client.get("/marketplace/offers/")
    for _ in range(3):
        OfferFactory(organization=org)
    with django_assert_num_queries(len(ctx.captured_queries)):
        client.get("/marketplace/offers/")


def test_freelancer_search_is_for_sellers(client_for, seller_owner, freelancer, django_assert_num_queries):
    assert client_for(freelancer).get("/marketplace/freelancers/").status_code == 404
    client = client_for(seller_owner)
    client.get("/marketplace/freelancers/")
    with django_assert_num_queries(17) as ctx:
        assert client.get("/marketplace/freelancers/?language=&timezone=Asia/Manila").status_code == 200
    for _ in range(3):
        add_profile_details(FreelancerProfileFactory(), languages=[("en", 5)], skills=[("live-chat", 2)])
    with django_assert_num_queries(len(ctx.captured_queries)):
        response = client.get("/marketplace/freelancers/?language=&timezone=Asia/Manila")
    assert response.content.count(b"/marketplace/freelancers/") >= 4


@pytest.mark.parametrize(
    ("action", "error"), [("end", "Say why the contract ends."), ("pause", "Say why the contract is paused.")]
)
def test_ending_or_pausing_without_a_reason_is_refused_next_to_the_field(
    client_for, seller_owner, contract, action, error
):
    response = client_for(seller_owner).post(f"/marketplace/contracts/{contract.pk}/{action}/", {"reason": " "})
    body = response.content.decode()
    assert response.status_code == 400
    assert 'aria-describedby="id_reason_helptext id_reason_error"' in body
    assert f'<small class="error" id="id_reason_error">{error}</small>' in body
    contract.refresh_from_db()
    assert (contract.status, contract.end_reason, contract.ended_at) == (ContractStatus.ACTIVE, "", None)
    assert not AuditEvent.objects.filter(action__startswith="contract.").exists()


def test_the_end_button_asks_before_it_ends(client_for, seller_owner, contract):
    page = client_for(seller_owner).get(f"/marketplace/contracts/{contract.pk}/").content.decode()
    assert (
        f'data-confirm="End “{contract.title}”? It cannot be restarted; time can no longer be recorded on it."' in page
    )


def _grow(kind, org, freelancer_profile):
    if kind == "offers":
        OfferFactory(organization=org, freelancer=freelancer_profile)
    elif kind == "contracts":
        ContractFactory(organization=org, freelancer=freelancer_profile)
    elif kind == "freelancers":
        add_profile_details(FreelancerProfileFactory(), languages=[("en", 5)], skills=[("live-chat", 2)])
    else:  # profile rows: a skill, a language, a window each time
        n = AvailabilityWindow.objects.filter(profile=freelancer_profile).count()
        AvailabilityWindow.objects.create(
            profile=freelancer_profile, weekday=n % 7, start=dt.time(8 + n // 7), end=dt.time(9 + n // 7)
        )


@pytest.mark.parametrize(
    ("side", "url", "kind"),
    [
        ("seller", "/marketplace/offers/", "offers"),
        ("seller", "/marketplace/contracts/", "contracts"),
        ("seller", "/marketplace/freelancers/", "freelancers"),
        ("freelancer", "/marketplace/offers/", "offers"),
        ("freelancer", "/marketplace/contracts/", "contracts"),
        ("freelancer", "/marketplace/profile/", "windows"),
    ],
)
def test_every_list_page_costs_the_same_queries_with_one_row_or_five(
    client_for, org, seller_owner, freelancer_profile, django_assert_num_queries, side, url, kind
):
    client = client_for(seller_owner if side == "seller" else freelancer_profile.user)
    _grow(kind, org, freelancer_profile)
    assert client.get(url).status_code == 200  # warm session and caches
    with CaptureQueriesContext(connection) as one:
        first = client.get(url)
    for _ in range(4):
        _grow(kind, org, freelancer_profile)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.content) > len(first.content)  # the four new rows are on the page
