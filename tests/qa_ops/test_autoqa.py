import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from qa_ops import selectors, services, tasks
from qa_ops.models import AutoQACheckSetting, AutoQARun, AutoQASuggestion
from qa_scoring.models import Criterion, CriterionScore, ImportJob, Review
from tests.qa_scoring.factories import ConversationFactory

pytestmark = pytest.mark.django_db

LEAK = [
    ("customer", "Sam Buyer", "My card was charged twice."),
    ("agent", "Dana", "Your card 4242 4242 4242 4242 was charged."),
]
CLEAN = [
    ("customer", "Sam Buyer", "Order 113-4567890-1234567 is late."),
    ("agent", "Dana", "Order 113-4567890-1234567 ships tomorrow."),
]


@pytest.fixture
def leak(org):
    return ConversationFactory(organization=org, external_id="leak", messages=LEAK)


@pytest.fixture
def clean(org):
    return ConversationFactory(organization=org, external_id="clean", messages=CLEAN)


def test_suggestions_are_stored_with_evidence_once(leak):
    count = services.autoqa_for_conversation(conversation_id=leak.pk)

    suggestion = AutoQASuggestion.objects.get(conversation=leak, check_key="personal_data")
    agent_message = leak.messages.get(position=1)
    assert (suggestion.criterion_key, suggestion.value, suggestion.confidence) == (
        "no_personal_data",
        0,
        Decimal("0.900"),
    )
    assert suggestion.evidence == [
        {"message_id": agent_message.pk, "start": 10, "end": 29, "quote": "4242 4242 4242 4242"}
    ]
    assert count == AutoQASuggestion.objects.filter(conversation=leak).count()
    assert AutoQARun.objects.get(conversation=leak).suggestion_count == count
    assert services.autoqa_for_conversation(conversation_id=leak.pk) == 0
    assert AutoQASuggestion.objects.filter(conversation=leak).count() == count


def test_order_ids_are_not_flagged_as_personal_data(clean):
    services.autoqa_for_conversation(conversation_id=clean.pk)
    assert AutoQASuggestion.objects.get(conversation=clean, check_key="personal_data").value == 1


def test_disabled_check_is_not_run_nor_shown(leak, clean, reviewer):
    services.autoqa_for_conversation(conversation_id=clean.pk)
    services.autoqa_check_set(actor=reviewer, check_key="personal_data", enabled=False)
    assert "personal_data" not in [s.check_key for s in selectors.suggestions_for(clean)]
    services.autoqa_for_conversation(conversation_id=leak.pk)
    assert not AutoQASuggestion.objects.filter(conversation=leak, check_key="personal_data").exists()


def test_only_qa_staff_switch_checks(seller_owner):
    with pytest.raises(PermissionDenied):
        services.autoqa_check_set(actor=seller_owner, check_key="personal_data", enabled=False)
    assert AutoQACheckSetting.objects.count() == 0


def test_sweep_processes_what_was_missed_and_stale_claims(leak, clean):
    AutoQARun.objects.create(conversation=clean, claimed_at=timezone.now() - dt.timedelta(hours=2))
    assert services.autoqa_sweep(limit=10) > 0
    assert set(AutoQARun.objects.filter(finished_at__isnull=False).values_list("conversation_id", flat=True)) == {
        leak.pk
    }
    # The stale claim on ``clean`` is taken over by a direct run.
    assert services.autoqa_for_conversation(conversation_id=clean.pk) > 0
    assert services.autoqa_sweep(limit=10) == 0


def test_import_job_task_runs_on_its_conversations(org, leak):
    job = ImportJob.objects.create(
        organization=org,
        filename="x.csv",
        status="done",
        started_at=leak.updated_at - dt.timedelta(seconds=1),
        finished_at=leak.updated_at + dt.timedelta(seconds=1),
    )
    assert tasks.autoqa_for_import_job(job.pk) > 0
    assert AutoQARun.objects.filter(conversation=leak, finished_at__isnull=False).exists()


def _human(conversation, reviewer, version, value):
    review = Review.objects.create(
        conversation=conversation,
        rubric_version=version,
        reviewer=reviewer,
        status="submitted",
        score=50,
        submitted_at=timezone.now(),
    )
    CriterionScore.objects.create(
        review=review, criterion=Criterion.objects.get(version=version, key="no_personal_data"), value=value
    )


def test_precision_and_recall_per_check(leak, org, reviewer, default_version, django_assert_num_queries):
    other_leak = ConversationFactory(organization=org, external_id="leak2", messages=LEAK)
    for c in (leak, other_leak):
        services.autoqa_for_conversation(conversation_id=c.pk)
    _human(leak, reviewer, default_version, 0)  # agrees: a leak
    _human(other_leak, reviewer, default_version, 1)  # the human let it pass

    with django_assert_num_queries(3):
        rows = {r["check"]: r for r in selectors.check_agreement(actor=reviewer)}

    row = rows["personal_data"]
    assert (row["tp"], row["fp"], row["fn"], row["tn"]) == (1, 1, 0, 0)
    assert (row["precision"], row["recall"], row["agreement"]) == (0.5, 1.0, 0.5)
    assert rows["greeting"]["compared"] == 0


def test_agreement_is_scoped(leak, outsider, reviewer, default_version):
    services.autoqa_for_conversation(conversation_id=leak.pk)
    _human(leak, reviewer, default_version, 0)
    rows = {r["check"]: r for r in selectors.check_agreement(actor=outsider)}
    assert rows["personal_data"]["compared"] == 0
