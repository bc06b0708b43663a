"""Request budgets: per API key, per signed-in person, and an extra one for conversation imports (API and
upload page). An exhausted budget answers 429 with Retry-After and stores nothing. The cache is emptied before
each test (tests/conftest.py)."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts import services as account_services
from qa_scoring.models import Conversation, ImportJob

pytestmark = pytest.mark.django_db

IMPORT = "/api/conversations/import/"
CSV = (
    "conversation_id,sent_at,sender_type,sender_name,text\n"
    "C-1,2026-11-02T09:00:00Z,customer,Ayşe,Where is my parcel?\n"
    "C-1,2026-11-02T09:10:00Z,agent,Dana,Hello Ayşe!\n"
)


@pytest.fixture
def tight(settings):
    """Small budgets so a test can reach them; the rates are read on each request."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_key": "4/hour", "user": "3/hour", "conversation_import": "2/hour"},
    }


def _key(actor, org, name="helpdesk") -> dict:
    _, raw = account_services.api_key_create(actor=actor, organization=org, name=name)
    return {"HTTP_AUTHORIZATION": f"Api-Key {raw}"}


def test_the_configured_budgets():
    from django.conf import settings

    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] == {
        "api_key": "3000/hour",
        "user": "2000/hour",
        "conversation_import": "60/hour",
    }


def test_an_api_key_has_its_own_budget_then_429_with_retry_after(tight, client, seller_owner, org, client_for):
    first, second = _key(seller_owner, org), _key(seller_owner, org, name="other integration")
    assert [client.get("/api/me/", **first).status_code for _ in range(4)] == [200, 200, 200, 200]
    refused = client.get("/api/me/", **first)
    assert refused.status_code == 429
    retry_after = int(refused["Retry-After"])
    assert 3000 < retry_after <= 3600
    assert refused.json() == {"detail": f"Request was throttled. Expected available in {retry_after} seconds."}
    # Another key of the same seller, and the owner's own session, keep their budgets.
    assert client.get("/api/me/", **second).status_code == 200
    assert client_for(seller_owner).get("/api/me/").status_code == 200


def test_a_signed_in_person_has_a_budget_of_their_own(tight, client_for, seller_owner, seller_member):
    alice = client_for(seller_owner)
    assert [alice.get("/api/me/").status_code for _ in range(4)] == [200, 200, 200, 429]
    assert client_for(seller_member).get("/api/me/").status_code == 200


def test_api_imports_have_an_extra_budget_and_a_refused_import_stores_nothing(tight, client, seller_owner, org):
    key = _key(seller_owner, org)
    for _ in range(2):
        assert client.post(IMPORT, CSV.encode(), content_type="text/csv", **key).status_code == 200
    before = Conversation.objects.count(), ImportJob.objects.count()
    other = CSV.replace("C-1", "C-2")
    refused = client.post(IMPORT, other.encode(), content_type="text/csv", **key)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "throttled" in refused.json()["detail"]
    assert (Conversation.objects.count(), ImportJob.objects.count()) == before
    assert not Conversation.objects.filter(external_id="C-2").exists()
    assert client.get("/api/me/", **key).status_code == 200  # other API calls still go through


def test_the_upload_page_counts_posts_against_the_import_budget(tight, client_for, seller_owner, seller_member, org):
    alice = client_for(seller_owner)
    assert alice.get("/qa/import/").status_code == 200  # looking at the page costs nothing
    for _ in range(2):
        assert alice.post("/qa/import/", {"organization": org.pk}).status_code == 400  # no file: refused, counted
    refused = alice.post("/qa/import/", {"organization": org.pk})
    assert refused.status_code == 429
    wait = int(refused["Retry-After"])
    assert 0 < wait <= 3600
    assert f"Too many requests. Try again in {wait} seconds." in refused.content.decode()
    assert ImportJob.objects.count() == 0
    assert alice.get("/qa/import/").status_code == 200
    assert client_for(seller_member).post("/qa/import/", {"organization": org.pk}).status_code == 400  # own budget


def test_anonymous_api_requests_are_refused_before_any_budget(tight):
    client = Client()
    assert [client.get("/api/me/").status_code for _ in range(5)] == [401] * 5
