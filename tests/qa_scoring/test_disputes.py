import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone

from accounts.models import AuditEvent
from qa_scoring import services
from qa_scoring.models import CriterionScore, Dispute, DisputeStatus, Review
from qa_scoring.services import Grade
from tests.qa_scoring.grades import MIXED

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(reviewer, conversation, default_version):
    r = services.review_start(actor=reviewer, conversation=conversation)
    return services.review_submit(actor=reviewer, review=r, grades=MIXED)


def test_freelancer_disputes_and_another_reviewer_partly_accepts(review, freelancer, second_reviewer):
    dispute = services.dispute_open(
        actor=freelancer,
        review=review,
        items={"greeting": "I used her name in line 2.", "explains_next_steps": "I explained the refund date."},
    )
    assert dispute.status == DisputeStatus.OPEN
    assert dispute.score_before == Decimal("79.17")
    services.dispute_resolve(
        actor=second_reviewer,
        dispute=dispute,
        outcome=DisputeStatus.PARTLY_ACCEPTED,
        comment="Greeting was fine; explanation was not.",
        new_values={"greeting": Grade(1), "explains_next_steps": Grade(3)},
    )
    dispute.refresh_from_db()
    review.refresh_from_db()
    # earned 66.5 + 8 = 74.5 of 84 → 88.69
    assert review.score == Decimal("88.69")
    assert (dispute.status, dispute.score_after, dispute.resolver) == (
        "partly_accepted",
        Decimal("88.69"),
        second_reviewer,
    )
    assert CriterionScore.objects.get(review=review, criterion__key="greeting").value == 1
    review.conversation.freelancer.refresh_from_db()
    assert review.conversation.freelancer.iqs_90d == Decimal("88.69")
    actions = list(AuditEvent.objects.filter(action__startswith="qa.").order_by("id").values_list("action", flat=True))
    assert actions == [
        "qa.review.started",
        "qa.review.submitted",
        "qa.dispute.opened",
        "qa.dispute.resolved",
        "qa.review.rescored",
    ]


def test_reject_keeps_the_score(review, seller_member, second_reviewer):
    dispute = services.dispute_open(actor=seller_member, review=review, items={"real_need": "Too generous"})
    services.dispute_resolve(actor=second_reviewer, dispute=dispute, outcome="rejected", comment="Grade stands.")
    review.refresh_from_db()
    assert review.score == Decimal("79.17")
    assert Dispute.objects.get().status == "rejected"


def test_accept_must_change_every_item(review, freelancer, second_reviewer):
    dispute = services.dispute_open(actor=freelancer, review=review, items={"greeting": "x", "real_need": "y"})
    with pytest.raises(ValidationError) as exc:
        services.dispute_resolve(
            actor=second_reviewer, dispute=dispute, outcome="accepted", comment="ok", new_values={"greeting": Grade(1)}
        )
    assert "outcome" in exc.value.message_dict
    assert Dispute.objects.get().status == "open"
    assert Review.objects.get().score == Decimal("79.17")


def test_comment_required_per_item(review, freelancer):
    with pytest.raises(ValidationError) as exc:
        services.dispute_open(actor=freelancer, review=review, items={"greeting": "  "})
    assert exc.value.message_dict == {"greeting": ["Say why this grade is wrong."]}
    assert Dispute.objects.count() == 0


def test_window_closes(review, freelancer):
    Review.objects.filter(pk=review.pk).update(submitted_at=timezone.now() - dt.timedelta(days=8))
    with pytest.raises(ValidationError, match="window"):
        services.dispute_open(actor=freelancer, review=review, items={"greeting": "x"})
    with override_settings(QA_DISPUTE_WINDOW_DAYS=10):
        assert services.dispute_open(actor=freelancer, review=review, items={"greeting": "x"}).pk


def test_outsiders_cannot_dispute(review, outsider, freelancer_no_contract):
    for actor in (outsider, freelancer_no_contract):
        with pytest.raises(PermissionDenied):
            services.dispute_open(actor=actor, review=review, items={"greeting": "x"})
    assert Dispute.objects.count() == 0


def test_original_reviewer_cannot_resolve_by_default(review, reviewer, freelancer, outsider):
    dispute = services.dispute_open(actor=freelancer, review=review, items={"greeting": "x"})
    for actor in (reviewer, freelancer, outsider):
        with pytest.raises(PermissionDenied):
            services.dispute_resolve(actor=actor, dispute=dispute, outcome="rejected", comment="no")
    assert Dispute.objects.get().status == "open"
    with override_settings(QA_DISPUTE_ORIGINAL_REVIEWER_MAY_RESOLVE=True):
        services.dispute_resolve(actor=reviewer, dispute=dispute, outcome="rejected", comment="no")
    assert Dispute.objects.get().status == "rejected"


def test_one_open_dispute_at_a_time(review, freelancer, seller_member):
    services.dispute_open(actor=freelancer, review=review, items={"greeting": "x"})
    with pytest.raises(ValidationError, match="already has an open dispute"):
        services.dispute_open(actor=seller_member, review=review, items={"real_need": "y"})
