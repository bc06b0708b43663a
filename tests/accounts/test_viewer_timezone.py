"""One time-zone rule everywhere: each viewer reads a moment in their own account's zone, the zone named."""

import datetime as dt
import importlib
import zoneinfo
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.timezones import viewer_timezone_name
from marketplace import services
from marketplace.tasks import send_offer_email
from tests.marketplace.factories import OfferFactory

pytestmark = pytest.mark.django_db

EXPIRES = dt.datetime(2026, 11, 18, 1, 25, tzinfo=dt.UTC)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_freelancer_and_seller_each_read_an_offer_expiry_in_their_own_zone(
    client_for, org, seller_owner, freelancer_profile, django_assert_num_queries
):
    assert freelancer_profile.user.timezone == "Asia/Manila"
    offer = OfferFactory(organization=org, freelancer=freelancer_profile, expires_at=EXPIRES)
    url = f"/marketplace/offers/{offer.pk}/"
    seller = client_for(seller_owner)
    utc_queries = _queries(seller, url)  # the seller's account is still in UTC here
    seller_owner.timezone = "America/New_York"
    seller_owner.save(update_fields=["timezone"])

    with django_assert_num_queries(utc_queries):  # the zone is read from the loaded user: no query of its own
        seller_body = seller.get(url).content.decode()
    freelancer_body = client_for(freelancer_profile.user).get(url).content.decode()

    assert "expires 17 November 2026 20:25 America/New_York" in seller_body
    assert "expires 18 November 2026 09:25 Asia/Manila" in freelancer_body
    assert "UTC" not in seller_body.split("expires", 1)[1].split("</dd>", 1)[0]


def test_offer_list_names_the_viewer_zone(client_for, org, seller_owner, freelancer_profile):
    OfferFactory(organization=org, freelancer=freelancer_profile, expires_at=EXPIRES)
    seller_owner.timezone = "America/New_York"
    seller_owner.save(update_fields=["timezone"])
    assert "17 Nov 2026 20:25 America/New_York" in client_for(seller_owner).get("/marketplace/offers/").content.decode()
    body = client_for(freelancer_profile.user).get("/marketplace/offers/").content.decode()
    assert "18 Nov 2026 09:25 Asia/Manila" in body


def test_offer_email_names_the_freelancers_zone(org, freelancer_profile):
    offer = OfferFactory(organization=org, freelancer=freelancer_profile, expires_at=EXPIRES)
    assert send_offer_email(offer.pk, "sent") == "sent"
    assert "Accept or decline it before 18 November 2026 09:25 Asia/Manila:" in mail.outbox[0].body


def test_profile_edit_moves_the_account_zone_with_it(freelancer_profile):
    user = freelancer_profile.user
    services.freelancer_profile_update(
        profile=freelancer_profile,
        actor=user,
        headline="Support",
        bio="",
        timezone_name="Europe/Lisbon",
        country="PT",
        hourly_rate=Decimal("12.00"),
        currency="EUR",
        hours_per_week=30,
        channels=[],
        tools=[],
    )
    user.refresh_from_db()
    assert (user.timezone, viewer_timezone_name(user)) == ("Europe/Lisbon", "Europe/Lisbon")


def test_a_bad_stored_zone_and_an_anonymous_viewer_read_utc(seller_owner):
    seller_owner.timezone = "Mars/Olympus"
    assert viewer_timezone_name(seller_owner) == "UTC"
    assert viewer_timezone_name(None) == "UTC"


def test_api_moments_stay_utc_for_a_viewer_in_another_zone(client_for, freelancer, contract):
    response = client_for(freelancer).post(
        "/api/time-entries/clock-in/", {"contract": contract.pk}, content_type="application/json"
    )
    assert response.status_code == 201
    assert response.json()["started_at"].endswith("Z")


def test_data_migration_copies_each_profile_zone_to_its_account(freelancer_profile, seller_owner):
    from django.apps import apps

    migration = importlib.import_module("marketplace.migrations.0010_user_timezone_from_profile")
    type(freelancer_profile.user).objects.filter(pk=freelancer_profile.user_id).update(timezone="UTC")
    seller_owner.timezone = "America/New_York"
    seller_owner.save(update_fields=["timezone"])
    migration.copy_profile_zones(apps, None)
    freelancer_profile.user.refresh_from_db()
    seller_owner.refresh_from_db()
    assert (freelancer_profile.user.timezone, seller_owner.timezone) == ("Asia/Manila", "America/New_York")


def test_local_filter_names_the_active_zone_and_skips_empty_values():
    from django.utils import timezone

    from accounts.templatetags.timezones import local

    with timezone.override(zoneinfo.ZoneInfo("Asia/Manila")):
        assert local(EXPIRES) == "2026-11-18 09:25 Asia/Manila"
        assert local(EXPIRES.replace(tzinfo=None), "D j M H:i") == "Wed 18 Nov 09:25 Asia/Manila"
        assert local(None) == ""


def test_a_transcript_message_reads_in_each_viewers_zone(client_for, org, seller_owner, seller_member):
    from tests.qa_scoring.factories import ConversationFactory

    conversation = ConversationFactory(organization=org)  # first message sent 2026-11-02 09:00 UTC
    seller_owner.timezone, seller_member.timezone = "America/New_York", "Asia/Manila"
    seller_owner.save(update_fields=["timezone"])
    seller_member.save(update_fields=["timezone"])
    url = f"/qa/conversations/{conversation.pk}/"
    owner_body = client_for(seller_owner).get(url).content.decode()
    member_body = client_for(seller_member).get(url).content.decode()
    machine = '<time datetime="2026-11-02T09:00:00+00:00">'
    assert f"{machine}2026-11-02 04:00 America/New_York</time>" in owner_body
    assert f"{machine}2026-11-02 17:00 Asia/Manila</time>" in member_body
