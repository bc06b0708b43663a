import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AuditEvent
from qa_scoring import services
from qa_scoring.models import CriterionScore, Review, ReviewStatus
from qa_scoring.services import Grade
from tests.qa_scoring.grades import MIXED, PERFECT

pytestmark = pytest.mark.django_db


def test_submit_computes_the_score_server_side(
    reviewer, conversation, default_version, django_capture_on_commit_callbacks
):
    review = services.review_start(actor=reviewer, conversation=conversation)
    assert review.rubric_version == default_version
    with django_capture_on_commit_callbacks() as callbacks:
        review = services.review_submit(actor=reviewer, review=review, grades=MIXED, comment="Solid.")
    assert review.status == ReviewStatus.SUBMITTED
    assert review.score == Decimal("79.17")
    assert review.critical_fail is False
    assert CriterionScore.objects.filter(review=review).count() == 14
    assert CriterionScore.objects.get(review=review, criterion__key="stays_calm").value is None
    assert len(callbacks) == 1  # the notification
    conversation.freelancer.refresh_from_db()
    assert conversation.freelancer.iqs_90d == Decimal("79.17")
    assert conversation.freelancer.iqs_review_count == 1
    assert AuditEvent.objects.filter(action="qa.review.submitted", target_id=str(review.pk)).count() == 1


def test_critical_fail_zeroes_the_review(reviewer, conversation, default_version):
    review = services.review_start(actor=reviewer, conversation=conversation)
    review = services.review_submit(
        actor=reviewer, review=review, grades={**PERFECT, "marketplace_policy": Grade(0, comment="Asked for a review")}
    )
    assert (review.score, review.critical_fail) == (Decimal("0.00"), True)


def test_draft_keeps_partial_grades_and_submit_needs_all(reviewer, conversation, default_version):
    review = services.review_start(actor=reviewer, conversation=conversation)
    services.review_save_draft(actor=reviewer, review=review, grades={"greeting": Grade(1, comment="ok")})
    assert CriterionScore.objects.filter(review=review).count() == 1
    with pytest.raises(ValidationError) as exc:
        services.review_submit(actor=reviewer, review=review, grades={"greeting": Grade(1)})
    assert exc.value.message_dict["real_need"] == ["Grade this criterion."]
    assert exc.value.message_dict["first_contact_resolution"] == ["Grade this criterion or mark it N/A."]
    review.refresh_from_db()
    assert review.status == ReviewStatus.DRAFT
    assert review.score is None


@pytest.mark.parametrize(
    ("grades", "key", "message"),
    [
        ({"greeting": Grade(None, na=True)}, "greeting", "N/A is not allowed for this criterion."),
        ({"real_need": Grade(6)}, "real_need", "Choose a value from 1 to 5."),
        ({"nonsense": Grade(1)}, "nonsense", "This criterion is not in the review's rubric."),
    ],
)
def test_bad_grades_store_nothing(reviewer, conversation, default_version, grades, key, message):
    review = services.review_start(actor=reviewer, conversation=conversation)
    with pytest.raises(ValidationError) as exc:
        services.review_submit(actor=reviewer, review=review, grades={**PERFECT, **grades})
    assert exc.value.message_dict[key] == [message]
    assert CriterionScore.objects.filter(review=review).count() == 0


def test_submitted_review_is_locked(reviewer, conversation, default_version):
    review = services.review_start(actor=reviewer, conversation=conversation)
    services.review_submit(actor=reviewer, review=review, grades=PERFECT)
    with pytest.raises(ValidationError):
        services.review_save_draft(actor=reviewer, review=review, grades={"greeting": Grade(0)})
    with pytest.raises(ValidationError):
        services.review_submit(actor=reviewer, review=review, grades={**PERFECT, "greeting": Grade(0)})
    assert CriterionScore.objects.get(review=review, criterion__key="greeting").value == 1
    assert Review.objects.get(pk=review.pk).score == Decimal("100.00")


def test_no_self_review(conversation, freelancer, default_version):
    from django.contrib.auth.models import Group

    freelancer.groups.add(Group.objects.get_or_create(name="qa")[0])
    with pytest.raises(PermissionDenied):
        services.review_start(actor=freelancer, conversation=conversation)
    assert Review.objects.count() == 0


def test_only_reviewers_of_that_seller(conversation, outsider, seller_reviewer, freelancer, default_version):
    with pytest.raises(PermissionDenied):
        services.review_start(actor=outsider, conversation=conversation)
    with pytest.raises(PermissionDenied):
        services.review_start(actor=freelancer, conversation=conversation)
    assert services.review_start(actor=seller_reviewer, conversation=conversation).reviewer == seller_reviewer


def test_calibration_reviews_never_count_toward_iqs(reviewer, second_reviewer, conversation, default_version):
    from qa_scoring.selectors import iqs_for

    prod = services.review_start(actor=reviewer, conversation=conversation)
    services.review_submit(actor=reviewer, review=prod, grades=MIXED)
    cal = services.review_start(actor=second_reviewer, conversation=conversation, kind="calibration")
    services.review_submit(actor=second_reviewer, review=cal, grades=PERFECT)
    value, ids, fails = iqs_for(conversation.freelancer)
    assert (value, ids, fails) == (Decimal("79.17"), [prod.pk], 0)


def test_iqs_for_window_and_contract(reviewer, conversation, default_version, freelancer_profile):
    from qa_scoring.selectors import freelancer_iqs, iqs_for

    review = services.review_start(actor=reviewer, conversation=conversation)
    services.review_submit(actor=reviewer, review=review, grades=PERFECT)
    Review.objects.filter(pk=review.pk).update(submitted_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    assert iqs_for(freelancer_profile, start=dt.datetime(2026, 2, 1, tzinfo=dt.UTC)) == (None, [], 0)
    assert iqs_for(freelancer_profile, contract=conversation.contract)[0] == Decimal("100.00")
    assert freelancer_iqs(freelancer_profile, now=dt.datetime(2026, 3, 1, tzinfo=dt.UTC)).review_ids == [review.pk]
    assert freelancer_iqs(freelancer_profile, now=dt.datetime(2026, 5, 1, tzinfo=dt.UTC)).iqs is None


def test_a_review_replayed_in_the_past_dates_its_history_then(reviewer, conversation, default_version):
    """A caller replaying past work (beat, the demo) gives ``now``: the review and its audit events carry that moment,
    and a moment in the future is refused with nothing stored."""
    from django.utils import timezone

    started, submitted = timezone.now() - dt.timedelta(days=9, hours=2), timezone.now() - dt.timedelta(days=9)
    review = services.review_start(actor=reviewer, conversation=conversation, now=started)
    review = services.review_submit(actor=reviewer, review=review, grades=PERFECT, now=submitted)
    assert review.submitted_at == submitted
    events = AuditEvent.objects.filter(target_id=str(review.pk)).order_by("created_at")
    assert [(e.action, e.created_at) for e in events] == [
        ("qa.review.started", started),
        ("qa.review.submitted", submitted),
    ]
    before = (Review.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError, match="cannot happen in the future"):
        services.review_start(actor=reviewer, conversation=conversation, now=timezone.now() + dt.timedelta(hours=1))
    assert (Review.objects.count(), AuditEvent.objects.count()) == before
