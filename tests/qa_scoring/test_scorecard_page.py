"""The grading page: a compact scorecard beside a transcript held in view, with a running score."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from qa_scoring import services
from qa_scoring.models import Criterion

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(reviewer, conversation, default_version):
    return services.review_start(actor=reviewer, conversation=conversation)


def _page(client, review) -> str:
    return client.get(reverse("qa_scoring:review_detail", args=[review.pk])).content.decode()


def test_each_criterion_carries_what_the_running_score_needs(client_for, reviewer, review, default_version):
    page = _page(client_for(reviewer), review)
    boxes = re.findall(
        r'<div class="criterion" data-key="(\w+)" data-weight="(\d+)" data-min="(\d+)" data-max="(\d+)" '
        r'data-critical="(true|false)">',
        page,
    )
    expected = [
        (c.key, str(c.weight), str(c.scale_min), str(c.scale_max), "true" if c.critical else "false")
        for c in Criterion.objects.filter(version=default_version).order_by("section__position", "position", "id")
    ]
    assert boxes == expected and len(boxes) == 14
    assert '<output id="running-score" for="scorecard-form">—</output>' in page
    # The script is a static file (strict CSP: no inline script); the layout holds the transcript in view.
    assert '<script src="/static/js/scorecard_score.js" defer></script>' in page
    assert "<script>" not in page
    assert '<div class="review-layout">\n  <div class="transcript-column">' in page


def test_comment_boxes_open_on_demand(client_for, reviewer, review):
    client = client_for(reviewer)
    page = _page(client, review)
    assert page.count('<details class="criterion-comment">') == 14  # all closed
    client.post(
        reverse("qa_scoring:review_detail", args=[review.pk]),
        {"action": "draft", "value_greeting": "0", "comment_greeting": "No name used."},
    )
    page = _page(client, review)
    # The one with a comment opens by itself; the others stay closed.
    assert page.count('<details class="criterion-comment" open>') == 1
    assert page.count('<details class="criterion-comment">') == 13
    assert "No name used.</textarea>" in page


def test_submitted_score_is_the_formula(client_for, reviewer, review, default_version):
    criteria = Criterion.objects.filter(version=default_version)
    grades = {f"value_{c.key}": str(c.scale_max) for c in criteria}
    grades |= {"value_positive_wording": "4", "value_correct_resolution": "4", "action": "submit"}
    client_for(reviewer).post(reverse("qa_scoring:review_detail", args=[review.pk]), grades)
    review.refresh_from_db()
    assert (review.status, review.score) == ("submitted", Decimal("93.50"))  # 100 − 0.25 × 6 − 0.25 × 20


def test_grading_page_queries_are_pinned(client_for, reviewer, review, conversation, django_assert_num_queries):
    from qa_ops import services as qa_ops_services

    qa_ops_services.autoqa_for_conversations(ids=[conversation.pk])
    client = client_for(reviewer)
    _page(client, review)
    with django_assert_num_queries(GRADING_QUERIES):
        page = _page(client, review)
    assert page.count('class="autoqa-evidence"') >= 5


GRADING_QUERIES = 16  # session, user, roles, review, transcript, scores, criteria, SOP links, AutoQA (3), audit
