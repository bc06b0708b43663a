import json
from pathlib import Path

import pytest

from accounts import services as account_services
from qa_scoring import services
from qa_scoring.models import Conversation, Dispute, DisputeItem, ImportJob, Message
from tests.qa_scoring.factories import ConversationFactory
from tests.qa_scoring.grades import MIXED

pytestmark = pytest.mark.django_db
SAMPLES = Path(__file__).parent / "importers" / "samples"
IMPORT = "/api/conversations/import/"
CSV = (
    "conversation_id,sent_at,sender_type,sender_name,text\n"
    "C-1,2026-11-02T09:00:00Z,customer,Ayşe,Kargom nerede?\n"
    "C-1,2026-11-02T09:10:00Z,agent,Dana,Hello Ayşe!\n"
)


@pytest.fixture
def api_key(seller_owner, org):
    _, raw = account_services.api_key_create(actor=seller_owner, organization=org, name="helpdesk")
    return {"HTTP_AUTHORIZATION": f"Api-Key {raw}"}


def test_import_with_an_org_api_key(client, api_key, org):
    payload = (SAMPLES / "zendesk_tickets.json").read_bytes()
    response = client.post(IMPORT + "?source=zendesk", payload, content_type="application/json", **api_key)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["imported"] >= 1 and body["updated"] == 0
    counts = (Conversation.objects.filter(organization=org).count(), Message.objects.count())
    again = client.post(IMPORT, payload, content_type="application/json", **api_key).json()
    assert (again["imported"], again["updated"]) == (0, body["imported"])
    assert (Conversation.objects.filter(organization=org).count(), Message.objects.count()) == counts


def test_import_csv_body_with_detection(client, api_key, org):
    response = client.post(IMPORT, CSV.encode(), content_type="text/csv", **api_key)
    assert response.json() == {"imported": 1, "updated": 0, "rejected": 0, "rejections": []}


@pytest.mark.parametrize(
    ("body", "query", "field"),
    [
        (b"", "", "file"),
        (b'{"tickets": [{"id": 1, "comments": [', "?source=zendesk", "file"),
        (b"just words", "", "file"),
        (CSV.encode(), "?source=nonsense", "source"),
    ],
)
def test_bad_payloads_store_nothing(client, api_key, body, query, field):
    response = client.post(IMPORT + query, body, content_type="application/json", **api_key)
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert Conversation.objects.count() == 0


def test_nothing_valid_is_400_with_rejections(client, api_key):
    bad = "conversation_id,sent_at,sender_type,sender_name,text\nX,2026-11-02T09:00:00Z,robot,R,hi\n"
    response = client.post(IMPORT, bad.encode(), content_type="text/csv", **api_key)
    assert response.status_code == 400
    body = response.json()
    assert body["rejected"] == 1 and body["detail"] == "Nothing valid was found in the payload."
    assert body["rejections"][0]["position"] == "line 2"


def test_oversized_payload_is_refused(client, api_key, settings):
    settings.QA_IMPORT_MAX_BYTES = 50
    response = client.post(IMPORT, CSV.encode(), content_type="text/csv", **api_key)
    assert response.status_code == 400
    assert "limit" in response.json()["file"][0]
    assert Conversation.objects.count() == 0


def test_large_payload_becomes_a_background_job(
    client, api_key, org, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.QA_IMPORT_SYNC_MAX_BYTES = 10
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(IMPORT + "?source=csv", CSV.encode(), content_type="text/csv", **api_key)
    assert response.status_code == 202
    job = ImportJob.objects.get(pk=response.json()["id"])
    assert (job.status, job.imported) == ("done", 1)
    assert client.get(f"/api/import-jobs/{job.pk}/", **api_key).json()["percent"] == 100


def test_session_user_names_the_org_and_outsiders_get_404(client_for, seller_member, outsider, org):
    ok = client_for(seller_member).post(IMPORT + "?organization=acme", CSV.encode(), content_type="text/csv")
    assert ok.status_code == 200
    denied = client_for(outsider).post(IMPORT + "?organization=acme", CSV.encode(), content_type="text/csv")
    assert denied.status_code == 404
    assert Conversation.objects.count() == 1


def test_freelancer_cannot_import(client_for, freelancer, contract):
    response = client_for(freelancer).post(IMPORT + "?organization=acme", CSV.encode(), content_type="text/csv")
    assert response.status_code == 404  # not a member of Acme
    assert Conversation.objects.count() == 0


def test_anonymous_cannot_import(client):
    assert client.post(IMPORT, CSV.encode(), content_type="text/csv").status_code in (401, 403)


def test_api_key_sees_only_its_org(client, api_key, conversation, other_conversation):
    body = client.get("/api/conversations/", **api_key).json()
    assert [c["external_id"] for c in body["results"]] == ["A-1"]
    assert client.get(f"/api/conversations/{other_conversation.pk}/", **api_key).status_code == 404
    detail = client.get(f"/api/conversations/{conversation.pk}/", **api_key).json()
    assert [m["author_role"] for m in detail["messages"]] == ["customer", "agent"]


def test_reviews_and_disputes_api(client_for, reviewer, freelancer, outsider, conversation, default_version):
    review = services.review_start(actor=reviewer, conversation=conversation)
    services.review_submit(actor=reviewer, review=review, grades=MIXED)
    mine = client_for(freelancer).get("/api/qa/reviews/?status=submitted").json()
    assert [(r["id"], r["score"]) for r in mine["results"]] == [(review.pk, "79.17")]
    assert client_for(outsider).get("/api/qa/reviews/").json()["results"] == []
    assert client_for(outsider).get(f"/api/qa/reviews/{review.pk}/").status_code == 404
    bad = client_for(freelancer).post(
        "/api/qa/disputes/",
        json.dumps({"review": review.pk, "items": {"greeting": ""}}),
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert bad.json() == {"greeting": ["Say why this grade is wrong."]}
    assert (
        client_for(outsider)
        .post(
            "/api/qa/disputes/",
            json.dumps({"review": review.pk, "items": {"greeting": "x"}}),
            content_type="application/json",
        )
        .status_code
        == 404
    )
    ok = client_for(freelancer).post(
        "/api/qa/disputes/",
        json.dumps({"review": review.pk, "items": {"greeting": "I did"}}),
        content_type="application/json",
    )
    assert ok.status_code == 201
    assert ok.json()["items"] == [
        {"key": "greeting", "comment": "I did", "original_value": 0, "new_value": None, "changed": False}
    ]
    assert Dispute.objects.count() == 1


def test_rubrics_api_lists_shared_and_own(client_for, seller_member, outsider, org, other_org, default_rubric):
    services.rubric_create(actor=outsider, organization=other_org, name="Globex rubric")
    names = [r["name"] for r in client_for(seller_member).get("/api/qa/rubrics/?kind=production").json()["results"]]
    assert names == ["E-commerce support (default)"]  # shared, and not Globex's own
    shared = client_for(seller_member).get("/api/qa/rubrics/?shared=true").json()["results"][0]
    assert len(shared["versions"][0]["criteria"]) == 14


@pytest.mark.parametrize(
    ("url", "queries"),
    [("/api/conversations/", 7), ("/api/qa/reviews/", 8), ("/api/qa/disputes/", 8), ("/api/qa/rubrics/", 9)],
)
def test_api_list_query_counts_constant(
    client_for, reviewer, freelancer, org, default_version, url, queries, django_assert_num_queries
):
    client = client_for(reviewer)

    def add(n):
        for _ in range(n):
            review = services.review_start(actor=reviewer, conversation=ConversationFactory(organization=org))
            services.review_submit(actor=reviewer, review=review, grades=MIXED)
            services.rubric_create(actor=reviewer, organization=org, name=f"R{review.pk}")
            dispute = Dispute.objects.create(review=review, raised_by=freelancer)
            score = review.scores.get(criterion__key="greeting")
            DisputeItem.objects.create(dispute=dispute, criterion=score.criterion, comment="x", original_value=0)

    add(1)
    client.get(url)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
    add(3)
    with django_assert_num_queries(queries):
        client.get(url)
