"""Weekly QA roll-ups stay equal to a fresh aggregation through every write path."""

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qa_scoring import rollups, services
from qa_scoring.models import (
    Conversation,
    Criterion,
    CriterionBlockRollup,
    CriterionRollup,
    Dispute,
    Review,
    ReviewKind,
    ReviewRollup,
)
from qa_scoring.services import Grade
from tests.qa_scoring.factories import ConversationFactory
from tests.qa_scoring.grades import MIXED, PERFECT

pytestmark = pytest.mark.django_db

MON = dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC)


def at(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def submit(reviewer, conversation, grades, moment=MON, kind=ReviewKind.PRODUCTION):
    with at(moment):
        review = services.review_start(actor=reviewer, conversation=conversation, kind=kind)
        return services.review_submit(actor=reviewer, review=review, grades=grades)


def exact():
    assert rollups.differences() == {}


def row(**key):
    return ReviewRollup.objects.get(**key)


def test_week_of_is_the_iso_monday():
    assert rollups.week_of(dt.datetime(2026, 11, 8, 23, 59, tzinfo=dt.UTC)) == dt.date(2026, 11, 2)
    assert rollups.week_of(dt.datetime(2026, 11, 9, 0, 0, tzinfo=dt.UTC)) == dt.date(2026, 11, 9)


def test_period_pieces_take_the_longest_whole_blocks():
    blocks, singles = rollups.period_pieces(dt.date(2026, 4, 13), dt.date(2027, 5, 17))
    assert blocks == [
        (4, dt.date(2026, 4, 20)),
        (4, dt.date(2026, 5, 18)),
        (16, dt.date(2026, 6, 15)),
        (16, dt.date(2026, 10, 5)),
        (16, dt.date(2027, 1, 25)),
    ]
    assert singles == [dt.date(2026, 4, 13), dt.date(2027, 5, 17)]
    # Twelve weeks (the default dashboard period) starting off the 4-week grid.
    assert rollups.period_pieces(dt.date(2026, 9, 14), dt.date(2026, 11, 30)) == (
        [(4, dt.date(2026, 10, 5)), (4, dt.date(2026, 11, 2))],
        [dt.date(2026, 9, 14), dt.date(2026, 9, 21), dt.date(2026, 9, 28), dt.date(2026, 11, 30)],
    )
    assert rollups.period_pieces(dt.date(2026, 11, 2), dt.date(2026, 11, 2)) == ([], [dt.date(2026, 11, 2)])


@settings(max_examples=200, deadline=None)
@given(first=st.integers(-60, 60), length=st.integers(1, 140))
def test_period_pieces_cover_every_week_exactly_once(first, length):
    start = MON.date() + dt.timedelta(weeks=first)
    last = start + dt.timedelta(weeks=length - 1)
    blocks, singles = rollups.period_pieces(start, last)
    covered = list(singles)
    for size, block_start in blocks:
        assert rollups.block_of(block_start, size) == block_start  # on the block grid
        covered += [block_start + dt.timedelta(weeks=i) for i in range(size)]
    assert sorted(covered) == [start + dt.timedelta(weeks=i) for i in range(length)]
    # At most three single weeks and three 4-week blocks on each side of the 16-week blocks.
    assert len(singles) <= 6 and sum(1 for size, _ in blocks if size == 4) <= 6


def test_blocks_add_up_their_weeks(reviewer, second_reviewer, conversation, default_version):
    assert rollups.block_of(MON.date(), 4) == MON.date()  # MON starts a 4-week block; MON + 9 days lies in it
    submit(reviewer, conversation, MIXED)
    submit(second_reviewer, conversation, PERFECT, MON + dt.timedelta(days=9))
    greeting = Criterion.objects.get(version=default_version, key="greeting").pk
    weekly = list(CriterionRollup.objects.filter(criterion_id=greeting).order_by("week").values_list("week", "scores"))
    assert weekly == [(dt.date(2026, 11, 2), 1), (dt.date(2026, 11, 9), 1)]
    blocks = CriterionBlockRollup.objects.filter(criterion_id=greeting).order_by("weeks")
    assert list(blocks.values_list("weeks", "start", "scores", "value_sum")) == [
        (4, dt.date(2026, 11, 2), 2, 1),  # MIXED misses the greeting, PERFECT has it
        (16, dt.date(2026, 10, 5), 2, 1),
    ]
    exact()


def test_submit_adds_the_review_and_its_rated_criteria(reviewer, conversation, default_version, org):
    review = submit(reviewer, conversation, MIXED)

    r = row(week=dt.date(2026, 11, 2))
    assert (r.organization_id, r.freelancer_id, r.rubric_version_id, r.reviewer_id) == (
        org.pk,
        conversation.freelancer_id,
        default_version.pk,
        reviewer.pk,
    )
    assert (r.reviews, r.scored, r.score_sum, r.critical_fails) == (1, 1, Decimal("79.17"), 0)
    assert (r.disputes_open, r.disputes_accepted, r.disputes_partly, r.disputes_rejected) == (0, 0, 0, 0)
    greeting = CriterionRollup.objects.get(
        criterion_id=Criterion.objects.get(version=default_version, key="greeting").pk
    )
    assert (greeting.scores, greeting.value_sum) == (1, 0)
    # Two criteria are N/A: 14 criteria, 12 rated.
    assert CriterionRollup.objects.count() == 12
    assert review.score == Decimal("79.17")
    exact()


def test_two_reviews_of_one_key_add_up(reviewer, conversation, org, contract, freelancer_profile):
    submit(reviewer, conversation, MIXED)
    other = ConversationFactory(organization=org, freelancer=freelancer_profile, contract=contract, external_id="o2")
    submit(reviewer, other, PERFECT, MON + dt.timedelta(days=3))

    r = row(week=dt.date(2026, 11, 2))
    assert (r.reviews, r.scored, r.score_sum) == (2, 2, Decimal("179.17"))
    exact()


def test_draft_and_calibration_reviews_never_count(reviewer, conversation):
    services.review_start(actor=reviewer, conversation=conversation)
    submit(reviewer, conversation, MIXED, kind=ReviewKind.CALIBRATION)

    assert ReviewRollup.objects.count() == 0
    assert CriterionRollup.objects.count() == 0
    exact()


def test_dispute_open_resolve_and_rescore(reviewer, second_reviewer, freelancer, conversation, default_version):
    review = submit(reviewer, conversation, MIXED)
    with at(MON + dt.timedelta(days=1)):
        dispute = services.dispute_open(actor=freelancer, review=review, items={"greeting": "I used her name."})
    assert row().disputes_open == 1
    exact()

    with at(MON + dt.timedelta(days=2)):
        services.dispute_resolve(
            actor=second_reviewer,
            dispute=dispute,
            outcome="accepted",
            comment="Right.",
            new_values={"greeting": Grade(1)},
        )
    r = row()
    assert (r.disputes_open, r.disputes_accepted, r.reviews) == (0, 1, 1)
    review.refresh_from_db()
    assert r.score_sum == review.score == Decimal("88.69")
    greeting = CriterionRollup.objects.get(
        criterion_id=Criterion.objects.get(version=default_version, key="greeting").pk
    )
    assert (greeting.scores, greeting.value_sum) == (1, 1)
    exact()


def test_rejected_dispute_counts_as_rejected(reviewer, second_reviewer, freelancer, conversation):
    review = submit(reviewer, conversation, MIXED)
    with at(MON + dt.timedelta(days=1)):
        dispute = services.dispute_open(actor=freelancer, review=review, items={"greeting": "x"})
        services.dispute_resolve(actor=second_reviewer, dispute=dispute, outcome="rejected", comment="Stands.")
    r = row()
    assert (r.disputes_open, r.disputes_rejected, r.score_sum) == (0, 1, Decimal("79.17"))
    exact()


def test_refused_dispute_changes_nothing(reviewer, conversation, outsider):
    review = submit(reviewer, conversation, MIXED)
    before = rollups.stored_review_rows()
    with pytest.raises(services.PermissionDenied):
        services.dispute_open(actor=outsider, review=review, items={"greeting": "x"})
    assert rollups.stored_review_rows() == before
    assert Dispute.objects.count() == 0


def test_deleting_a_review_or_its_conversation_takes_it_out(reviewer, second_reviewer, freelancer, conversation):
    review = submit(reviewer, conversation, MIXED)
    with at(MON + dt.timedelta(days=1)):
        services.dispute_open(actor=freelancer, review=review, items={"greeting": "x"})
    submit(second_reviewer, conversation, PERFECT)
    Review.objects.get(pk=review.pk).delete()
    assert list(ReviewRollup.objects.filter(reviews__gt=0).values_list("reviewer_id", "reviews")) == [
        (second_reviewer.pk, 1)
    ]
    exact()

    conversation.delete()
    assert ReviewRollup.objects.filter(reviews__gt=0).count() == 0
    assert set(ReviewRollup.objects.values_list("reviews", "disputes_open")) == {(0, 0)}
    assert set(CriterionRollup.objects.values_list("scores", "value_sum")) == {(0, 0)}
    exact()


def test_reimport_relinking_the_freelancer_moves_the_reviews(reviewer, org, contract, freelancer_profile):
    from qa_scoring.importers.pipeline import import_records
    from qa_scoring.importers.records import ParsedConversation, ParsedMessage
    from tests.marketplace.factories import ContractFactory, FreelancerProfileFactory

    other = FreelancerProfileFactory(user__email="other@freelance.test")
    ContractFactory(organization=org, freelancer=other)

    def record(email):
        return ParsedConversation(
            source="csv",
            external_id="R-1",
            agent_email=email,
            messages=[ParsedMessage("", "customer", "Ann", "", MON, "Hi")],
        )

    import_records([record(freelancer_profile.user.email)], organization=org)
    conversation = Conversation.objects.get(external_id="R-1")
    assert conversation.freelancer_id == freelancer_profile.pk
    submit(reviewer, conversation, MIXED)

    import_records([record(other.user.email)], organization=org)

    conversation.refresh_from_db()
    assert conversation.freelancer_id == other.pk
    assert list(ReviewRollup.objects.filter(reviews__gt=0).values_list("freelancer_id", flat=True)) == [other.pk]
    exact()


def test_rebuild_and_check_command(reviewer, second_reviewer, freelancer, conversation, capsys):
    review = submit(reviewer, conversation, MIXED)
    submit(second_reviewer, conversation, PERFECT, MON + dt.timedelta(days=9))
    with at(MON + dt.timedelta(days=1)):
        services.dispute_open(actor=freelancer, review=review, items={"greeting": "x"})
    kept = (rollups.stored_review_rows(), rollups.stored_criterion_rows(), rollups.stored_block_rows())
    assert len(kept[2]) == 2 * 14  # both weeks share their 4- and 16-week blocks; all 14 criteria rated

    ReviewRollup.objects.update(reviews=7)
    CriterionRollup.objects.all().delete()
    with pytest.raises(CommandError, match="differ in"):
        call_command("rebuild_qa_rollups", "--check")

    call_command("rebuild_qa_rollups")
    assert "Rebuilt the QA roll-ups: 2 review rows, 26 criterion rows." in capsys.readouterr().out
    assert (rollups.stored_review_rows(), rollups.stored_criterion_rows(), rollups.stored_block_rows()) == kept
    call_command("rebuild_qa_rollups", "--check")
    capsys.readouterr()

    CriterionBlockRollup.objects.filter(weeks=16).update(scores=0)  # only the blocks are wrong
    with pytest.raises(CommandError, match="differ in 14 rows"):
        call_command("rebuild_qa_rollups", "--check")
    call_command("rebuild_qa_rollups")
    assert rollups.stored_block_rows() == kept[2]
    call_command("rebuild_qa_rollups", "--check")
    assert "equal a fresh aggregation" in capsys.readouterr().out


# --- random histories


ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(["submit", "submit", "dispute", "resolve", "delete", "calibration"]),
        st.integers(0, 3),  # conversation
        st.integers(0, 1),  # reviewer
        st.integers(0, 20),  # days after MON
        st.integers(0, 2**16),  # grade seed
    ),
    min_size=1,
    max_size=10,
)


def _grades(criteria, seed):
    grades = {}
    for i, c in enumerate(criteria):
        pick = (seed >> i) % (c.scale_max - c.scale_min + 2 if c.allow_na else c.scale_max - c.scale_min + 1)
        value = c.scale_min + pick
        grades[c.key] = Grade(None, na=True) if value > c.scale_max else Grade(value)
    return grades


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=ACTIONS)
def test_random_histories_keep_the_rollups_exact(
    actions, reviewer, second_reviewer, freelancer, seller_owner, org, contract, freelancer_profile, default_version
):
    criteria = list(Criterion.objects.filter(version=default_version).order_by("id"))
    point = transaction.savepoint()
    try:
        conversations = [
            ConversationFactory(
                organization=org,
                freelancer=freelancer_profile if i < 3 else None,
                contract=contract,
                external_id=f"h{i}",
            )
            for i in range(4)
        ]
        reviewers = [reviewer, second_reviewer]
        for action, ci, ri, days, seed in actions:
            conversation, actor = conversations[ci], reviewers[ri]
            moment = MON + dt.timedelta(days=days, hours=seed % 24)
            review = Review.objects.filter(conversation=conversation, reviewer=actor, kind="production").first()
            if action in ("submit", "calibration"):
                kind = ReviewKind.CALIBRATION if action == "calibration" else ReviewKind.PRODUCTION
                if not Review.objects.filter(conversation=conversation, reviewer=actor, kind=kind).exists():
                    submit(actor, conversation, _grades(criteria, seed), moment, kind)
            elif action == "dispute" and review and not review.disputes.filter(status="open").exists():
                keys = [c.key for c in criteria if (seed >> criteria.index(c)) & 1] or [criteria[0].key]
                with at(review.submitted_at + dt.timedelta(hours=1)):
                    services.dispute_open(
                        actor=freelancer if seed % 2 and conversation.freelancer_id else seller_owner,
                        review=review,
                        items=dict.fromkeys(keys, "Wrong."),
                    )
            elif action == "resolve" and review and (dispute := review.disputes.filter(status="open").first()):
                items = list(dispute.items.select_related("criterion"))
                resolver = reviewers[1 - ri]
                outcome = ["rejected", "accepted", "partly_accepted"][seed % 3 if len(items) > 1 else seed % 2]
                changes = {}
                for n, item in enumerate(items):
                    if outcome == "accepted" or (outcome == "partly_accepted" and n == 0):
                        c = item.criterion
                        new = c.scale_max if item.original_value != c.scale_max else c.scale_min
                        changes[c.key] = Grade(new)
                services.dispute_resolve(
                    actor=resolver, dispute=dispute, outcome=outcome, comment="Decided.", new_values=changes
                )
            elif action == "delete" and review:
                review.delete()
            exact()
    finally:
        transaction.savepoint_rollback(point)
