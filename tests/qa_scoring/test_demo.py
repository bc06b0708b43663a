import io

import pytest

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
    assert first[:5] == (4, 13, 3, 42, 1)
    assert set(Conversation.objects.values_list("source", flat=True)) == {"zendesk", "gorgias", "helpscout", "csv"}
    assert set(Conversation.objects.values_list("freelancer__user__email", flat=True)) == {"maria@freelancers.example"}
    gorgias = Review.objects.get(conversation__source="gorgias")
    assert (str(gorgias.score), gorgias.critical_fail) == ("0.00", True)
    assert Message.objects.filter(is_internal_note=True).count() == 2
    demo.seed(out)
    assert _counts() == first
