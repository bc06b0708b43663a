"""QA ops on real PostgreSQL: concurrent sampling runs and AutoQA claims, AutoQA through the worker."""

import datetime as dt
import threading

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
