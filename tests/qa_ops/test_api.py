import pytest

from qa_ops import services
from qa_ops.models import ReviewAssignment, SamplingRule

from .factories import WEEK

pytestmark = pytest.mark.django_db


def test_rule_create_validation_and_tenancy(client_for, seller_owner, outsider, org):
    client = client_for(seller_owner)
    bad = client.post(
        "/api/qa-ops/rules/",
        {"organization": "acme", "name": "x", "count": 1, "percent": "5"},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert bad.json() == {"count": ["Give either a count or a percentage per freelancer, not both."]}
    theirs = client_for(outsider).post(
        "/api/qa-ops/rules/", {"organization": "acme", "name": "x", "count": 1}, content_type="application/json"
    )
    assert theirs.status_code == 400
    assert theirs.json() == {"organization": ["No organization you manage has this slug."]}
    assert SamplingRule.objects.count() == 0
    ok = client.post(
        "/api/qa-ops/rules/",
        {"organization": "acme", "name": "Weekly", "count": 2, "seed": 5},
        content_type="application/json",
    )
    assert ok.status_code == 201
    assert ok.json()["seed"] == 5
    assert client_for(outsider).get(f"/api/qa-ops/rules/{ok.json()['id']}/").status_code == 404


def test_run_twice_through_the_api(client_for, seller_owner, rule, week_conversations, goals):
    client = client_for(seller_owner)
    first = client.post(
        f"/api/qa-ops/rules/{rule.pk}/run/", {"period_start": "2026-11-04"}, content_type="application/json"
    )
    assert first.json() == {"period_start": "2026-11-02T00:00:00Z", "created": 4, "already_ran": False, "unassigned": 0}
    again = client.post(
        f"/api/qa-ops/rules/{rule.pk}/run/", {"period_start": "2026-11-02"}, content_type="application/json"
    )
    assert again.json()["created"] == 0 and again.json()["already_ran"] is True
    assert ReviewAssignment.objects.count() == 4


def test_assignment_list_tenancy_and_constant_queries(
    client_for, seller_owner, outsider, rule, week_conversations, goals, django_assert_num_queries
):
    services.sampling_run(rule=rule, period_start=WEEK)
    client = client_for(seller_owner)
    client.get("/api/qa-ops/assignments/")
    with django_assert_num_queries(7) as ctx:
        assert client.get("/api/qa-ops/assignments/").json()["count"] == 4
    rule2 = SamplingRule.objects.create(organization=rule.organization, name="More", count=5, seed=1)
    services.sampling_run(rule=rule2, period_start=WEEK)
    with django_assert_num_queries(len(ctx.captured_queries)):
        assert client.get("/api/qa-ops/assignments/").json()["count"] > 4
    assert client_for(outsider).get("/api/qa-ops/assignments/").json()["count"] == 0
    pk = ReviewAssignment.objects.first().pk
    denied = client_for(outsider).post(
        f"/api/qa-ops/assignments/{pk}/remove/", {"reason": "x"}, content_type="application/json"
    )
    assert denied.status_code == 404
    assert ReviewAssignment.objects.get(pk=pk).status == "open"


def test_reassign_errors_are_field_keyed(client_for, seller_owner, rule, week_conversations, goals, freelancer):
    services.sampling_run(rule=rule, period_start=WEEK)
    a = ReviewAssignment.objects.filter(conversation__freelancer__user=freelancer).first()
    response = client_for(seller_owner).post(
        f"/api/qa-ops/assignments/{a.pk}/reassign/",
        {"reviewer": freelancer.email, "reason": "x"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {"reviewer": ["Nobody reviews their own conversation."]}
    assert ReviewAssignment.objects.get(pk=a.pk).reviewer_id == a.reviewer_id


def test_my_assignments_and_agreement(client_for, reviewer, rule, week_conversations, goals):
    services.sampling_run(rule=rule, period_start=WEEK)
    client = client_for(reviewer)
    mine = client.get("/api/qa-ops/assignments/mine/").json()
    assert mine["count"] == 2
    assert {r["reviewer"] for r in mine["results"]} == {"quinn@shiftdesk.test"}
    checks = client.get("/api/qa-ops/autoqa/agreement/").json()
    assert [c["check"] for c in checks][:2] == ["response_time", "greeting"]
    toggled = client.post("/api/qa-ops/autoqa/checks/greeting/", {"enabled": False}, content_type="application/json")
    assert toggled.json() == {"enabled": False}
