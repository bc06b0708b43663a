"""The written assessment is a QA review of kind "vetting", scored by the shared QA formula."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import qa_scoring.scoring
from qa_scoring.models import Conversation, CriterionScore, Review, RubricKind
from tests.vetting.conftest import GOOD_GRADES, make_candidate, to_stage
from vetting import grading, services
from vetting.models import Stage

pytestmark = pytest.mark.django_db


def test_grading_uses_the_shared_formula_not_a_copy():
    assert grading.review_score is qa_scoring.scoring.review_score
    assert services.review_score is qa_scoring.scoring.review_score


def test_vetting_rubric_is_published_once(vetting_staff):
    first = grading.vetting_rubric_version()
    second = grading.vetting_rubric_version()

    assert first.pk == second.pk
    assert first.is_published
    assert first.rubric.kind == RubricKind.VETTING
    assert first.rubric.organization is None
    assert first.rubric.name == "Vetting"
    assert [c.key for c in grading.vetting_criteria()] == [
        "understands_issue",
        "correct_resolution",
        "empathy",
        "clarity",
        "marketplace_rules",
    ]


def test_assessment_becomes_a_platform_conversation_and_a_vetting_review(candidate, candidate_profile, vetting_staff):
    application = to_stage(
        services.application_submit(actor=candidate, profile=candidate_profile), Stage.INTERVIEW, vetting_staff
    )
    attempt = application.assessment

    conversation = Conversation.objects.get(pk=attempt.conversation_id)
    assert conversation.organization is None
    assert conversation.source == "vetting"
    assert conversation.freelancer == candidate_profile
    roles = list(conversation.messages.order_by("position").values_list("author_role", flat=True))
    assert roles == ["customer", "agent"] * 3
    review = Review.objects.get(pk=attempt.review_id)
    assert review.kind == "vetting"
    assert review.status == "submitted"
    assert review.reviewer == vetting_staff
    assert review.score == Decimal("96.25")
    assert application.results.get(stage=Stage.ASSESSMENT).score == review.score
    stored = {
        s.criterion.key: s.value for s in CriterionScore.objects.filter(review=review).select_related("criterion")
    }
    assert stored == GOOD_GRADES


GRADES = st.fixed_dictionaries(
    {
        "understands_issue": st.integers(1, 5),
        "correct_resolution": st.integers(1, 5),
        "empathy": st.integers(1, 5),
        "clarity": st.integers(1, 5),
        "marketplace_rules": st.integers(0, 1),
    }
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(grades=GRADES)
def test_stage_score_always_equals_the_qa_formula(vetting_staff, grades):
    from tests.vetting.factories import ScenarioFactory

    if not services.Scenario.objects.exists():
        ScenarioFactory.create_batch(3)
    profile = make_candidate(f"h{services.Application.objects.count()}@freelance.test")
    application = to_stage(
        services.application_submit(actor=profile.user, profile=profile), Stage.ASSESSMENT, vetting_staff
    )
    attempt = services.assessment_start(actor=profile.user, application=application)
    services.assessment_submit(
        actor=profile.user, attempt=attempt, answers={a.scenario_id: "Reply" for a in attempt.answers.all()}
    )

    result = services.assessment_grade(actor=vetting_staff, application=application, values=grades)

    criteria = grading.vetting_criteria()
    expected = qa_scoring.scoring.review_score(
        [(c.kind, c.scale_min, c.scale_max, c.weight, grades[c.key], c.critical) for c in criteria]
    )
    assert result.score == expected.score
    assert (result.outcome == "passed") == (expected.score >= Decimal(80) and not expected.critical_fail)


def test_the_shipped_rubric_migration_matches_the_grading_criteria():
    import importlib

    migration = importlib.import_module("vetting.migrations.0002_vetting_rubric")

    assert [tuple(c) for c in migration.CRITERIA] == [tuple(c) for c in grading.VETTING_CRITERIA]
    assert migration.NAME == grading.RUBRIC_NAME
