"""Lists answer in a constant number of queries however many rows they show."""

import datetime as dt

import pytest
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qa_ops import services
from qa_ops.models import SamplingRule
from tests.qa_scoring.factories import ConversationFactory

pytestmark = pytest.mark.django_db


def _count(client, url) -> int:
    from django.db import connection

    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _sessions(actor, org, version, people, n):
    convs = [ConversationFactory(organization=org, external_id=f"q{n}-{i}") for i in range(2)]
    for i in range(n):
        services.calibration_session_create(
            actor=actor,
            organization=org,
            title=f"S{n}-{i}",
            rubric_version=version,
            conversations=convs,
            participants=people,
            deadline=timezone.now() + dt.timedelta(days=2),
        )


@pytest.mark.parametrize(
    "url", ["/qa-ops/rules/", "/api/qa-ops/rules/", "/qa-ops/calibration/", "/api/qa-ops/calibration/"]
)
def test_lists_are_constant(url, client_for, seller_owner, org, default_version, reviewer, second_reviewer):
    client = client_for(seller_owner)
    SamplingRule.objects.create(organization=org, name="One", count=1)
    _sessions(seller_owner, org, default_version, [reviewer, second_reviewer], 1)
    few = _count(client, url)
    for i in range(4):
        SamplingRule.objects.create(organization=org, name=f"More {i}", count=1)
    _sessions(seller_owner, org, default_version, [reviewer, second_reviewer], 4)
    assert _count(client, url) == few


def test_suggestion_api_is_constant_and_scoped(client_for, seller_owner, outsider, org):
    client = client_for(seller_owner)
    c = ConversationFactory(organization=org, external_id="s1")
    services.autoqa_for_conversation(conversation_id=c.pk)
    few = _count(client, "/api/qa-ops/suggestions/")
    for i in range(3):
        more = ConversationFactory(organization=org, external_id=f"s{i + 2}")
        services.autoqa_for_conversation(conversation_id=more.pk)
    assert _count(client, "/api/qa-ops/suggestions/") == few
    assert client_for(outsider).get("/api/qa-ops/suggestions/").json()["count"] == 0
