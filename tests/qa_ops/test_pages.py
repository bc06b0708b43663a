import pytest

from qa_ops import services
from qa_ops.models import ReviewAssignment, SamplingRule

from .factories import WEEK

pytestmark = pytest.mark.django_db

PAGES = [
    "/qa-ops/",
    "/qa-ops/rules/",
    "/qa-ops/rules/new/",
    "/qa-ops/assignments/",
    "/qa-ops/assignments/mine/",
    "/qa-ops/assignments/overdue/",
    "/qa-ops/autoqa/",
    "/qa-ops/calibration/",
    "/qa-ops/calibration/new/",
    "/qa-ops/calibration/drift/",
    "/qa-ops/dashboard/",
    "/qa-ops/dashboard/iqs_trend.csv",
]


def test_every_page_renders_for_qa_staff(client_for, reviewer, rule, week_conversations, goals):
    services.sampling_run(rule=rule, period_start=WEEK)
    client = client_for(reviewer)
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 200, url


def test_rule_form_shows_errors_inline_and_stores_nothing(client_for, seller_owner, org):
    response = client_for(seller_owner).post(
        "/qa-ops/rules/new/",
        {
            "organization": org.pk,
            "name": "Both",
            "period": "week",
            "count": 2,
            "percent": 5,
            "strategy": "random",
            "seed": 1,
            "min_messages": 2,
            "due_days": 5,
        },
    )
    assert response.status_code == 200
    assert "Give either a count or a percentage per freelancer, not both." in response.content.decode()
    assert SamplingRule.objects.count() == 0


def test_rule_create_through_the_form(client_for, seller_owner, org):
    response = client_for(seller_owner).post(
        "/qa-ops/rules/new/",
        {
            "organization": org.pk,
            "name": "Weekly",
            "period": "week",
            "count": 3,
            "strategy": "targeted",
            "keywords": "refund, damaged",
            "seed": 9,
            "min_messages": 2,
            "due_days": 5,
            "exclude_reviewed": "on",
        },
    )
    assert response.status_code == 302
    rule = SamplingRule.objects.get()
    assert (rule.name, rule.count, rule.keywords, rule.seed) == ("Weekly", 3, ["refund", "damaged"], 9)


def test_other_tenants_rules_and_assignments_answer_404(client_for, outsider, rule, week_conversations, goals):
    services.sampling_run(rule=rule, period_start=WEEK)
    assignment = ReviewAssignment.objects.first()
    client = client_for(outsider)
    assert client.get(f"/qa-ops/rules/{rule.pk}/").status_code == 404
    assert client.post(f"/qa-ops/rules/{rule.pk}/run/").status_code == 404
    assert client.post(f"/qa-ops/assignments/{assignment.pk}/remove/", {"reason": "x"}).status_code == 404
    assignment.refresh_from_db()
    assert assignment.status == "open"
    assert b"Acme" not in client.get("/qa-ops/assignments/").content


def test_remove_needs_reason_inline(client_for, seller_owner, rule, week_conversations, goals):
    services.sampling_run(rule=rule, period_start=WEEK)
    assignment = ReviewAssignment.objects.first()
    response = client_for(seller_owner).post(f"/qa-ops/assignments/{assignment.pk}/remove/", {"reason": ""})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.status == "open"


def test_assignment_list_query_count_is_constant(
    client_for, seller_owner, rule, week_conversations, goals, django_assert_num_queries
):
    services.sampling_run(rule=rule, period_start=WEEK)
    client = client_for(seller_owner)
    client.get("/qa-ops/assignments/")  # warm up session/caches
    with django_assert_num_queries(8) as ctx:
        client.get("/qa-ops/assignments/")
    first = len(ctx.captured_queries)
    rule2 = SamplingRule.objects.create(organization=rule.organization, name="Second", count=4, seed=3)
    services.sampling_run(rule=rule2, period_start=WEEK)
    assert ReviewAssignment.objects.count() > 4
    with django_assert_num_queries(first):
        client.get("/qa-ops/assignments/")
