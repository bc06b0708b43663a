import datetime as dt
import io

import pytest
from django.utils import timezone

from qa_scoring.demo import QA, QA_LEAD
from qa_scoring.models import Conversation, CriterionScore, Dispute, Message, Review

pytestmark = pytest.mark.django_db


def _counts():
    return (
        Conversation.objects.count(),
        Message.objects.count(),
        Review.objects.count(),
        CriterionScore.objects.count(),
        Dispute.objects.count(),
        list(Message.objects.order_by("pk").values_list("pk", flat=True)),
    )


def test_demo_seed_is_idempotent():
    from accounts import demo as accounts_demo
    from marketplace import demo as marketplace_demo
    from qa_scoring import demo

    out = io.StringIO()
    accounts_demo.seed(out)
    marketplace_demo.seed(out)
    demo.seed(out)
    first = _counts()
    # 23 weekly CSV conversations (3 messages each) over weeks 6 to 2 ago and the 4 export samples last week;
    # 26 reviews of 14 criteria each; one dispute resolved, one open.
    assert first[:5] == (27, 82, 26, 364, 2)
    assert set(Conversation.objects.values_list("source", flat=True)) == {"zendesk", "gorgias", "helpscout", "csv"}
    assert set(Conversation.objects.values_list("freelancer__user__email", flat=True)) == {"maria@freelancers.example"}
    gorgias = Review.objects.get(conversation__source="gorgias")
    assert (str(gorgias.score), gorgias.critical_fail) == ("0.00", True)
    assert Message.objects.filter(is_internal_note=True).count() == 2
    now = timezone.now()
    weeks = {r.submitted_at.date() - dt.timedelta(days=r.submitted_at.weekday()) for r in Review.objects.all()}
    assert len(weeks) == 6 and Review.objects.filter(submitted_at__gt=now).count() == 0
    assert set(Review.objects.values_list("reviewer__email", flat=True)) == {QA, QA_LEAD}
    accepted = Dispute.objects.get(status="accepted")
    assert accepted.resolver.email != accepted.review.reviewer.email
    assert accepted.review.created_at < accepted.review.submitted_at < accepted.created_at < accepted.resolved_at
    open_dispute = Dispute.objects.get(status="open")
    assert open_dispute.review.reviewer.email == QA  # so the QA lead can resolve it
    demo.seed(out)
    assert _counts() == first
