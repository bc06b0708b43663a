"""An API key has no person behind it: person-only endpoints answer 403 with a JSON message and change nothing."""

import pytest

from accounts.services import api_key_create
from qa_scoring.models import Dispute
from tests.timesheets.conftest import clock, contract  # noqa: F401 - fixtures
from timesheets.models import TimeEntry

pytestmark = pytest.mark.django_db
PERSON_ONLY = "This endpoint acts for a signed-in person; an organization API key cannot use it."


@pytest.fixture
def api_key(seller_owner, org):
    _, raw = api_key_create(actor=seller_owner, organization=org, name="helpdesk")
    return {"HTTP_AUTHORIZATION": f"Api-Key {raw}"}


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/time-entries/clock-in/", "contract"),
        ("/api/time-entries/", "manual"),
        ("/api/time-entries/clock-out/", None),
    ],
)
def test_api_key_cannot_clock_time(client, api_key, contract, path, body):  # noqa: F811
    data = {
        "contract": {"contract": contract.pk},
        "manual": {
            "contract": contract.pk,
            "started_at": "2026-03-17T08:00:00Z",
            "ended_at": "2026-03-17T09:00:00Z",
            "note": "x",
        },
        None: {},
    }[body]
    response = client.post(path, data, content_type="application/json", **api_key)

    assert (response.status_code, response.json()) == (403, {"detail": PERSON_ONLY})
    assert TimeEntry.objects.count() == 0


def test_api_key_still_reads_time_entries(client, api_key, contract):  # noqa: F811
    response = client.get("/api/time-entries/", **api_key)

    assert (response.status_code, response.json()["count"]) == (200, 0)


def test_api_key_cannot_open_a_dispute_or_calibrate(client, api_key):
    dispute = client.post("/api/qa/disputes/", {"review": 1, "items": {"greeting": "x"}}, **api_key)
    sessions = client.get("/api/qa-ops/calibration/", **api_key)
    mine = client.get("/api/qa-ops/assignments/mine/", **api_key)

    assert [(r.status_code, r.json()) for r in (dispute, sessions, mine)] == [(403, {"detail": PERSON_ONLY})] * 3
    assert Dispute.objects.count() == 0


def test_api_key_cannot_create_a_sampling_rule(client, api_key, org):
    from qa_ops.models import SamplingRule

    body = {"organization": org.slug, "name": "Weekly", "period": "week", "count": 5, "strategy": "random"}
    response = client.post("/api/qa-ops/rules/", body, content_type="application/json", **api_key)

    assert (response.status_code, response.json()) == (403, {"detail": PERSON_ONLY})
    assert SamplingRule.objects.count() == 0


def test_anonymous_gets_401_not_403(client):
    response = client.post("/api/time-entries/clock-in/", {}, content_type="application/json")

    assert (response.status_code, response.json()) == (401, {"detail": "Authentication credentials were not provided."})
