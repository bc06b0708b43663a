import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AuditEvent
from qa_ops import selectors, services
from qa_ops.models import AssignmentStatus, ReviewAssignment, SamplingRun
from qa_scoring.models import Review
from tests.qa_scoring.factories import ConversationFactory

from .factories import WEEK, ReviewerGoalFactory

pytestmark = pytest.mark.django_db


def _pairs():
    return sorted(ReviewAssignment.objects.values_list("conversation_id", "reviewer_id"))


def test_run_creates_balanced_assignments_within_goals(rule, week_conversations, goals, reviewer, second_reviewer):
    result = services.sampling_run(rule=rule, period_start=WEEK.date() + dt.timedelta(days=3))

    assert result.period_start == WEEK
    assert result.created == 4  # two per freelancer
    assert result.unassigned == []
    loads = sorted(ReviewAssignment.objects.values_list("reviewer_id", flat=True))
    assert sorted([loads.count(reviewer.pk), loads.count(second_reviewer.pk)]) == [2, 2]
    assert set(ReviewAssignment.objects.values_list("status", flat=True)) == {AssignmentStatus.OPEN}
    assert AuditEvent.objects.filter(action="qa_ops.sampling.ran").count() == 1


def test_running_twice_creates_no_duplicates(rule, week_conversations, goals):
    services.sampling_run(rule=rule, period_start=WEEK)
    first = _pairs()
    again = services.sampling_run(rule=rule, period_start=WEEK + dt.timedelta(days=6))

    assert again.already_ran is True
    assert again.created == 0
    assert _pairs() == first
    # Even with the claim gone, the unique constraint keeps every conversation assigned once.
    SamplingRun.objects.all().delete()
    services.sampling_run(rule=rule, period_start=WEEK)
    assert _pairs() == first


def test_sample_is_reproducible_from_its_seed(rule, week_conversations, goals):
    services.sampling_run(rule=rule, period_start=WEEK)
    first = sorted(ReviewAssignment.objects.values_list("conversation_id", flat=True))
    ReviewAssignment.objects.all().delete()
    SamplingRun.objects.all().delete()
    services.sampling_run(rule=rule, period_start=WEEK)
    assert sorted(ReviewAssignment.objects.values_list("conversation_id", flat=True)) == first


def test_never_assigns_a_reviewer_their_own_conversation(org, rule, freelancer, freelancer_profile, contract):
    # dana is both the agent and (as a seller reviewer with a goal) the only other candidate reviewer.
    from accounts.models import Role
    from tests.accounts.factories import MembershipFactory

    MembershipFactory(user=freelancer, organization=org, role=Role.REVIEWER)
    ReviewerGoalFactory(reviewer=freelancer, weekly_goal=50)
    ConversationFactory(organization=org, freelancer=freelancer_profile, started_at=WEEK, external_id="own")

    result = services.sampling_run(rule=rule, period_start=WEEK)

    assert result.created == 0
    assert len(result.unassigned) == 1
    assert ReviewAssignment.objects.count() == 0


def test_goals_are_respected(rule, week_conversations, reviewer):
    ReviewerGoalFactory(reviewer=reviewer, weekly_goal=1)
    result = services.sampling_run(rule=rule, period_start=WEEK)
    assert result.created == 1
    assert len(result.unassigned) == 3


def test_low_csat_strategy_picks_lowest(rule, week_conversations, goals):
    rule.strategy = "low_csat"
    rule.save()
    services.sampling_run(rule=rule, period_start=WEEK)
    assert sorted(ReviewAssignment.objects.values_list("conversation__csat", flat=True)) == [0, 0, 10, 10]


def test_excludes_already_reviewed_short_and_bot_only(
    org, rule, freelancer_profile, contract, goals, reviewer, default_version
):
    reviewed = ConversationFactory(organization=org, freelancer=freelancer_profile, started_at=WEEK, external_id="r")
    Review.objects.create(
        conversation=reviewed,
        rubric_version=default_version,
        reviewer=reviewer,
        status="submitted",
        score=90,
        submitted_at=WEEK,
    )
    ConversationFactory(
        organization=org,
        freelancer=freelancer_profile,
        started_at=WEEK,
        external_id="bot",
        messages=[("customer", "B", "hi"), ("bot", "Bot", "Hello")],
    )
    ConversationFactory(
        organization=org,
        freelancer=freelancer_profile,
        started_at=WEEK,
        external_id="short",
        message_count=1,
        messages=[("agent", "A", "hi")],
    )
    result = services.sampling_run(rule=rule, period_start=WEEK)
    assert result.created == 0


def test_targeted_keywords(org, rule, freelancer_profile, contract, goals):
    rule.strategy = "targeted"
    rule.keywords = ["refund"]
    rule.save()
    hit = ConversationFactory(
        organization=org,
        freelancer=freelancer_profile,
        started_at=WEEK,
        external_id="k1",
        messages=[("customer", "B", "I want a REFUND now"), ("agent", "A", "Sure")],
    )
    ConversationFactory(organization=org, freelancer=freelancer_profile, started_at=WEEK, external_id="k2")
    services.sampling_run(rule=rule, period_start=WEEK)
    assert list(ReviewAssignment.objects.values_list("conversation_id", flat=True)) == [hit.pk]


def test_rule_validation_and_permissions(org, seller_owner, outsider):
    with pytest.raises(ValidationError) as exc:
        services.sampling_rule_create(actor=seller_owner, organization=org, name="Both", count=2, percent=10)
    assert "count" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.sampling_rule_create(actor=outsider, organization=org, name="Theirs", count=2)
    rule = services.sampling_rule_create(actor=seller_owner, organization=org, name="Ten percent", percent=10)
    assert rule.percent == 10


def test_reassign_and_remove_need_a_reason(
    rule, week_conversations, goals, seller_owner, reviewer, second_reviewer, outsider
):
    services.sampling_run(rule=rule, period_start=WEEK)
    assignment = ReviewAssignment.objects.filter(reviewer=reviewer).first()
    with pytest.raises(ValidationError) as exc:
        services.assignment_reassign(actor=seller_owner, assignment=assignment, reviewer=second_reviewer, reason=" ")
    assert exc.value.message_dict == {"reason": ["Say why (the reviewer and the audit log see it)."]}
    with pytest.raises(PermissionDenied):
        services.assignment_remove(actor=outsider, assignment=assignment, reason="mine now")
    assignment.refresh_from_db()
    assert (assignment.reviewer_id, assignment.status) == (reviewer.pk, "open")

    services.assignment_reassign(actor=seller_owner, assignment=assignment, reviewer=second_reviewer, reason="On leave")
    assignment.refresh_from_db()
    assert (assignment.reviewer_id, assignment.reason) == (second_reviewer.pk, "On leave")
    services.assignment_remove(actor=seller_owner, assignment=assignment, reason="Duplicate ticket")
    assignment.refresh_from_db()
    assert assignment.status == "removed"
    assert list(
        AuditEvent.objects.filter(action__startswith="qa_ops.assignment")
        .values_list("action", flat=True)
        .order_by("id")
    ) == [
        "qa_ops.assignment.reassigned",
        "qa_ops.assignment.removed",
    ]


def test_done_when_reviewer_submits_and_overdue_list(rule, week_conversations, goals, reviewer, default_version):
    services.sampling_run(rule=rule, period_start=WEEK)
    mine = list(selectors.my_assignments(actor=reviewer))
    assert len(mine) == 2
    Review.objects.create(
        conversation=mine[0].conversation,
        rubric_version=default_version,
        reviewer=reviewer,
        status="submitted",
        score=80,
        submitted_at=WEEK,
    )
    assert [a.pk for a in selectors.my_assignments(actor=reviewer)] == [mine[1].pk]
    later = mine[1].due_at + dt.timedelta(seconds=1)
    expected = sorted(ReviewAssignment.objects.exclude(pk=mine[0].pk).values_list("pk", flat=True))
    assert [a.pk for a in selectors.overdue_assignments(actor=reviewer, at=later)] == expected
    assert list(selectors.overdue_assignments(actor=reviewer, at=mine[1].due_at)) == []
    assert services.assignments_mark_done() == 1
    assert ReviewAssignment.objects.get(pk=mine[0].pk).status == "done"
    assert services.assignments_mark_done() == 0


def test_due_beat_samples_last_complete_period(rule, week_conversations, goals):
    assert services.sampling_run_due(at=WEEK + dt.timedelta(days=8)) == 4
    assert services.sampling_run_due(at=WEEK + dt.timedelta(days=9)) == 0
