"""QA ops on real PostgreSQL: concurrent sampling runs and AutoQA claims, AutoQA through the worker."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection

from qa_ops import services
from qa_ops.models import AutoQARun, AutoQASuggestion, ReviewAssignment, ReviewerGoal, SamplingRule, SamplingRun
from tests.qa_scoring.factories import ConversationFactory

from .conftest import wait_for

pytestmark = pytest.mark.django_db(transaction=True)
WEEK = dt.datetime(2026, 11, 2, tzinfo=dt.UTC)


def _together(fn, n=2):
    barrier = threading.Barrier(n)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(fn())
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    return results


def test_concurrent_sampling_runs_assign_once(org, freelancer_profile, contract, reviewer):
    ReviewerGoal.objects.create(reviewer=reviewer, weekly_goal=50)
    for i in range(6):
        ConversationFactory(organization=org, freelancer=freelancer_profile, started_at=WEEK, external_id=f"c{i}")
    rule = SamplingRule.objects.create(organization=org, name="Weekly", count=3, seed=1)

    results = _together(lambda: services.sampling_run(rule=SamplingRule.objects.get(pk=rule.pk), period_start=WEEK))

    assert sorted(r.created for r in results) == [0, 3]
    assert sorted(r.already_ran for r in results) == [False, True]
    assert ReviewAssignment.objects.count() == 3
    assert SamplingRun.objects.count() == 1


def test_concurrent_autoqa_runs_claim_once(org):
    conversation = ConversationFactory(organization=org, external_id="x")

    results = _together(lambda: services.autoqa_for_conversation(conversation_id=conversation.pk))

    assert sorted(results)[0] == 0 and sorted(results)[1] > 0
    assert AutoQARun.objects.count() == 1
    assert AutoQASuggestion.objects.count() == max(results)


def test_autoqa_task_runs_in_the_worker(celery_worker_process, real_broker, org):
    from qa_ops.tasks import autoqa_for_conversations

    conversation = ConversationFactory(organization=org, external_id="w")
    autoqa_for_conversations.delay([conversation.pk])

    assert wait_for(lambda: AutoQARun.objects.filter(conversation=conversation, finished_at__isnull=False).exists())
    assert AutoQASuggestion.objects.filter(conversation=conversation).exists()


# --- QA roll-ups: concurrent writers of one roll-up row


def _published_version():
    from qa_scoring.models import Criterion, Rubric, RubricVersion, Section

    rubric = Rubric.objects.create(name="Race rubric")
    version = RubricVersion.objects.create(rubric=rubric, number=1, status="published")
    section = Section.objects.create(version=version, title="Main")
    Criterion.objects.create(version=version, section=section, key="greeting", label="Greeting", weight=10)
    Criterion.objects.create(
        version=version, section=section, key="tone", label="Tone", kind="scale", scale_min=1, scale_max=5, weight=20
    )
    return version


def _waiting_on_rollup_upsert() -> bool:
    """Another backend is blocked on a lock while inserting into the review roll-up."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND query LIKE 'INSERT INTO \"qa_scoring_reviewrollup\"%%'"
        )
        return cursor.fetchone()[0] > 0


def test_concurrent_submissions_of_one_rollup_key_both_count(org, freelancer_profile, contract, reviewer):
    from django.db import transaction

    from qa_scoring import rollups
    from qa_scoring import services as qa
    from qa_scoring.models import CriterionRollup, ReviewRollup
    from qa_scoring.services import Grade

    version = _published_version()
    drafts = [
        qa.review_start(
            actor=reviewer,
            conversation=ConversationFactory(organization=org, freelancer=freelancer_profile, external_id=f"r{i}"),
            rubric_version=version,
        )
        for i in range(2)
    ]
    grades = [{"greeting": Grade(1), "tone": Grade(5)}, {"greeting": Grade(0), "tone": Grade(2)}]
    first_wrote, release = threading.Event(), threading.Event()
    errors: list[Exception] = []

    def first():
        try:
            with transaction.atomic():
                qa.review_submit(actor=reviewer, review=drafts[0], grades=grades[0])
                first_wrote.set()  # its roll-up row is written and locked until this commits
                assert release.wait(30)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            first_wrote.set()
            connection.close()

    def second():
        try:
            assert first_wrote.wait(30)
            qa.review_submit(actor=reviewer, review=drafts[1], grades=grades[1])
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    try:
        assert wait_for(_waiting_on_rollup_upsert)  # the second upsert waits for the first transaction
    finally:
        release.set()
        for t in threads:
            t.join()
    assert errors == []

    row = ReviewRollup.objects.get()
    # 100 + (0 × 10 + 0.25 × 20) / 30 × 100 = 100 + 16.67
    assert (row.reviews, row.scored, row.score_sum, row.reviewer_id) == (2, 2, Decimal("116.67"), reviewer.pk)
    assert sorted(CriterionRollup.objects.values_list("scores", "value_sum")) == [(2, 1), (2, 7)]
    assert rollups.differences() == {}
