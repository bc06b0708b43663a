"""The state machine: order, no skipping, no reopening, no double decision, reapply date, audit trail."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import AuditEvent
from marketplace.models import VettingStatus
from tests.vetting.conftest import GOOD_GRADES, GOOD_RATINGS, make_candidate, to_stage
from tests.vetting.factories import InterviewSlotFactory
from vetting import services
from vetting.models import Application, ApplicationStatus, Outcome, Stage, StageResult

pytestmark = pytest.mark.django_db


def _events(application) -> list[str]:
    return list(
        AuditEvent.objects.filter(target_id=str(application.pk), action__startswith="vetting.")
        .order_by("pk")
        .values_list("action", flat=True)
    )


def test_submit_starts_the_profile_screen_with_automatic_reasons(candidate, candidate_profile):
    application = services.application_submit(actor=candidate, profile=candidate_profile)

    assert application.stage == Stage.PROFILE_SCREEN
    assert application.status == ApplicationStatus.OPEN
    result = StageResult.objects.get(application=application)
    assert result.stage == Stage.PROFILE_SCREEN
    assert result.outcome == Outcome.PENDING
    assert result.pass_mark == Decimal("60.00")
    assert result.auto_checks == [
        {"check": "required_fields", "ok": True, "reason": "All required fields are filled in."},
        {"check": "language", "ok": True, "reason": "Speaks English C1."},
        {"check": "hours", "ok": True, "reason": "40 hours a week (minimum 20)."},
        {"check": "rate", "ok": True, "reason": "Rate 9.00 USD an hour (allowed 4.00–60.00)."},
    ]
    candidate_profile.refresh_from_db()
    assert candidate_profile.vetting_status == VettingStatus.IN_REVIEW
    assert _events(application) == ["vetting.application.submitted"]


def test_automatic_screen_records_every_failed_rule(db):
    profile = make_candidate("low@freelance.test", hours_per_week=10, hourly_rate=Decimal("95.00"))
    profile.languages.update(level=3)  # B1

    application = services.application_submit(actor=profile.user, profile=profile)

    checks = {c["check"]: c for c in application.results.get().auto_checks}
    assert checks["language"] == {"check": "language", "ok": False, "reason": "No language at B2 or above."}
    assert checks["hours"] == {"check": "hours", "ok": False, "reason": "10 hours a week (minimum 20)."}
    assert checks["rate"]["ok"] is False
    assert checks["rate"]["reason"] == "Rate 95.00 USD an hour (allowed 4.00–60.00)."


def test_failed_automatic_rules_fail_the_stage_even_with_a_good_judgement(db, vetting_staff):
    profile = make_candidate("few@freelance.test", hours_per_week=5)
    application = services.application_submit(actor=profile.user, profile=profile)

    result = services.profile_screen_judge(actor=vetting_staff, application=application, score=95)

    assert result.outcome == Outcome.FAILED
    assert result.score == Decimal("95.00")
    application.refresh_from_db()
    assert application.stage == Stage.DECISION
    assert "vetting.stage.failed" in _events(application)


def test_incomplete_profile_cannot_apply(db):
    profile = make_candidate("empty@freelance.test", bio="", hourly_rate=None)

    with pytest.raises(ValidationError) as exc:
        services.application_submit(actor=profile.user, profile=profile)

    assert exc.value.message_dict == {"profile": ["Complete your profile first: bio, hourly rate."]}
    assert Application.objects.count() == 0


def test_one_open_application_per_freelancer(candidate, candidate_profile):
    services.application_submit(actor=candidate, profile=candidate_profile)

    with pytest.raises(ValidationError, match="already have an application in progress"):
        services.application_submit(actor=candidate, profile=candidate_profile)
    assert Application.objects.count() == 1


def test_only_the_owner_can_apply_with_a_profile(candidate_profile, freelancer):
    with pytest.raises(PermissionDenied):
        services.application_submit(actor=freelancer, profile=candidate_profile)
    assert Application.objects.count() == 0


def test_full_pipeline_in_order_gives_weighted_score_and_approval(
    candidate, candidate_profile, vetting_staff, scenarios, django_capture_on_commit_callbacks, mailoutbox
):
    application = services.application_submit(actor=candidate, profile=candidate_profile)
    application = to_stage(application, Stage.DECISION, vetting_staff, scores={Stage.PROFILE_SCREEN: 80})

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        application = services.application_approve(actor=vetting_staff, application=application, notes="Strong.")

    results = {r.stage: r for r in application.results.all()}
    assert [r.stage for r in application.results.order_by("started_at", "pk")] == [s.value for s in Stage]
    assert results[Stage.PROFILE_SCREEN].score == Decimal("80.00")
    # assessment: (25·1 + 30·1 + 15·0.75 + 20·1 + 10·1) / 100 = 96.25
    assert results[Stage.ASSESSMENT].score == Decimal("96.25")
    # interview: (1 + 0.75 + 1 + 0.75) / 4 = 87.50
    assert results[Stage.INTERVIEW].score == Decimal("87.50")
    assert results[Stage.CHECKS].score == Decimal("100.00")
    # weights 10/50/30/10: (800 + 4812.5 + 2625 + 1000) / 100 = 92.375 → 92.38
    assert application.vetting_score == Decimal("92.38")
    assert application.status == ApplicationStatus.APPROVED
    assert results[Stage.DECISION].outcome == Outcome.PASSED
    candidate_profile.refresh_from_db()
    assert candidate_profile.vetting_status == VettingStatus.APPROVED
    assert candidate_profile.vetting_score == Decimal("92.38")
    assert len(callbacks) >= 1
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["carl@freelance.test"]
    assert "you passed every stage" in mailoutbox[0].body
    assert "92.38" in mailoutbox[0].body
    application.refresh_from_db()
    assert application.decision_email_sent_at is not None
    assert _events(application) == [
        "vetting.application.submitted",
        "vetting.stage.passed",
        "vetting.assessment.started",
        "vetting.assessment.submitted",
        "vetting.stage.passed",
        "vetting.interview.booked",
        "vetting.stage.passed",
        "vetting.checks.recorded",
        "vetting.checks.reference_added",
        "vetting.checks.reference_added",
        "vetting.stage.passed",
        "vetting.application.approved",
    ]


def test_stages_cannot_be_skipped(candidate, candidate_profile, vetting_staff, scenarios):
    application = services.application_submit(actor=candidate, profile=candidate_profile)

    with pytest.raises(ValidationError, match="not at the written assessment stage"):
        services.assessment_grade(actor=vetting_staff, application=application, values=GOOD_GRADES)
    with pytest.raises(ValidationError, match="not at the checks stage"):
        services.checks_complete(actor=vetting_staff, application=application)
    with pytest.raises(ValidationError, match="not waiting for a decision"):
        services.application_approve(actor=vetting_staff, application=application)
    with pytest.raises(ValidationError, match="not waiting for a decision"):
        services.application_reject(actor=vetting_staff, application=application, reason="other")

    application.refresh_from_db()
    assert application.stage == Stage.PROFILE_SCREEN
    assert application.status == ApplicationStatus.OPEN
    assert StageResult.objects.filter(application=application).count() == 1


def test_a_finished_stage_cannot_be_reopened(candidate, candidate_profile, vetting_staff):
    application = services.application_submit(actor=candidate, profile=candidate_profile)
    services.profile_screen_judge(actor=vetting_staff, application=application, score=70)

    with pytest.raises(ValidationError, match="not at the profile screen stage"):
        services.profile_screen_judge(actor=vetting_staff, application=application, score=20)

    result = StageResult.objects.get(application=application, stage=Stage.PROFILE_SCREEN)
    assert result.score == Decimal("70.00")
    assert result.outcome == Outcome.PASSED


def test_approval_needs_every_stage_passed(candidate, candidate_profile, vetting_staff):
    application = services.application_submit(actor=candidate, profile=candidate_profile)
    services.profile_screen_judge(actor=vetting_staff, application=application, score=30)  # fails → decision
    application.refresh_from_db()
    assert application.stage == Stage.DECISION

    with pytest.raises(ValidationError, match="not passed"):
        services.application_approve(actor=vetting_staff, application=application)

    application.refresh_from_db()
    assert application.status == ApplicationStatus.OPEN
    candidate_profile.refresh_from_db()
    assert candidate_profile.vetting_status == VettingStatus.IN_REVIEW


def test_no_double_decision(candidate, candidate_profile, vetting_staff, vetting_staff_2):
    application = services.application_submit(actor=candidate, profile=candidate_profile)
    services.profile_screen_judge(actor=vetting_staff, application=application, score=10)
    stale = Application.objects.get(pk=application.pk)  # both reviewers loaded it before either decided
    services.application_reject(actor=vetting_staff, application=application, reason="profile")

    with pytest.raises(ValidationError, match="may already be decided"):
        services.application_reject(actor=vetting_staff_2, application=stale, reason="other")

    application.refresh_from_db()
    assert application.rejection_reason == "profile"
    assert application.decided_by == vetting_staff
    assert _events(application).count("vetting.application.rejected") == 1


def test_rejection_sets_reapply_date_and_blocks_until_then(
    candidate, candidate_profile, vetting_staff, mailoutbox, django_capture_on_commit_callbacks
):
    application = services.application_submit(actor=candidate, profile=candidate_profile)
    services.profile_screen_judge(actor=vetting_staff, application=application, score=10)
    with django_capture_on_commit_callbacks(execute=True):
        application = services.application_reject(
            actor=vetting_staff, application=application, reason="profile", notes="Add more detail to your bio."
        )

    today = timezone.localdate()
    assert application.reapply_after == today + timedelta(days=90)
    assert application.status == ApplicationStatus.REJECTED
    assert "You can apply again from" in mailoutbox[0].body
    assert "Add more detail to your bio." in mailoutbox[0].body
    with pytest.raises(ValidationError, match="You can apply again from"):
        services.application_submit(actor=candidate, profile=candidate_profile)
    assert Application.objects.count() == 1

    Application.objects.filter(pk=application.pk).update(reapply_after=today)  # the date has come
    again = services.application_submit(actor=candidate, profile=candidate_profile)
    assert again.pk != application.pk
    assert again.stage == Stage.PROFILE_SCREEN


def test_reject_validates_reason_and_date(candidate, candidate_profile, vetting_staff):
    application = services.application_submit(actor=candidate, profile=candidate_profile)
    services.profile_screen_judge(actor=vetting_staff, application=application, score=10)

    with pytest.raises(ValidationError) as exc:
        services.application_reject(actor=vetting_staff, application=application, reason="nope")
    assert exc.value.message_dict == {"reason": ["Choose a reason category."]}
    with pytest.raises(ValidationError) as exc:
        services.application_reject(
            actor=vetting_staff, application=application, reason="other", reapply_after=timezone.localdate()
        )
    assert exc.value.message_dict == {"reapply_after": ["The reapply date must be in the future."]}
    application.refresh_from_db()
    assert application.status == ApplicationStatus.OPEN


def test_only_vetting_staff_move_stages(candidate, candidate_profile, reviewer, seller_owner):
    application = services.application_submit(actor=candidate, profile=candidate_profile)
    for actor in (candidate, reviewer, seller_owner):
        with pytest.raises(PermissionDenied):
            services.profile_screen_judge(actor=actor, application=application, score=90)
    application.refresh_from_db()
    assert application.stage == Stage.PROFILE_SCREEN


def test_score_must_be_between_0_and_100(candidate, candidate_profile, vetting_staff):
    application = services.application_submit(actor=candidate, profile=candidate_profile)
    for bad in (-1, 101, "abc", None):
        with pytest.raises(ValidationError) as exc:
            services.profile_screen_judge(actor=vetting_staff, application=application, score=bad)
        assert exc.value.message_dict == {"score": ["Enter a number from 0 to 100."]}
    application.refresh_from_db()
    assert application.stage == Stage.PROFILE_SCREEN


def test_assessment_one_attempt_time_limit_and_grading(candidate, candidate_profile, vetting_staff, scenarios):
    application = to_stage(
        services.application_submit(actor=candidate, profile=candidate_profile), Stage.ASSESSMENT, vetting_staff
    )
    attempt = services.assessment_start(actor=candidate, application=application)

    assert attempt.answers.count() == 3
    assert len({a.scenario.category for a in attempt.answers.all()}) == 3  # one per category when possible
    assert attempt.deadline - attempt.started_at == timedelta(minutes=90)
    with pytest.raises(ValidationError, match="one attempt"):
        services.assessment_start(actor=candidate, application=application)

    ids = [a.scenario_id for a in attempt.answers.all()]
    with pytest.raises(ValidationError) as exc:
        services.assessment_submit(actor=candidate, attempt=attempt, answers={ids[0]: "Hello"})
    assert set(exc.value.message_dict) == {f"answer_{ids[1]}", f"answer_{ids[2]}"}
    attempt.refresh_from_db()
    assert attempt.submitted_at is None

    late = attempt.deadline + timedelta(seconds=1)
    with pytest.raises(ValidationError, match="Time is up"):
        services.assessment_submit(actor=candidate, attempt=attempt, answers=dict.fromkeys(ids, "Hi"), at=late)
    attempt.refresh_from_db()
    assert attempt.submitted_at is None

    services.assessment_submit(actor=candidate, attempt=attempt, answers=dict.fromkeys(ids, "Sorry, I will fix it."))
    with pytest.raises(ValidationError, match="already submitted"):
        services.assessment_submit(actor=candidate, attempt=attempt, answers=dict.fromkeys(ids, "Again"))

    result = services.assessment_grade(
        actor=vetting_staff, application=application, values={**GOOD_GRADES, "marketplace_rules": 0}
    )
    assert result.outcome == Outcome.FAILED  # a critical criterion failed → review score 0
    assert result.score == Decimal("0.00")


def test_interview_slot_is_booked_once(candidate, candidate_profile, vetting_staff, scenarios):
    application = to_stage(
        services.application_submit(actor=candidate, profile=candidate_profile), Stage.INTERVIEW, vetting_staff
    )
    other = make_candidate("olga@freelance.test")
    other_app = to_stage(services.application_submit(actor=other.user, profile=other), Stage.INTERVIEW, vetting_staff)
    slot = InterviewSlotFactory(interviewer=vetting_staff)
    services.interview_slot_book(actor=candidate, application=application, slot=slot)

    with pytest.raises(ValidationError, match="Someone else just booked"):
        services.interview_slot_book(actor=other.user, application=other_app, slot=slot)
    with pytest.raises(ValidationError, match="already booked"):
        services.interview_slot_book(
            actor=candidate, application=application, slot=InterviewSlotFactory(interviewer=vetting_staff)
        )
    slot.refresh_from_db()
    assert slot.application == application


def test_scorecard_ratings_must_be_1_to_5(candidate, candidate_profile, vetting_staff, scenarios):
    application = to_stage(
        services.application_submit(actor=candidate, profile=candidate_profile), Stage.INTERVIEW, vetting_staff
    )
    services.interview_slot_book(
        actor=candidate, application=application, slot=InterviewSlotFactory(interviewer=vetting_staff)
    )
    with pytest.raises(ValidationError) as exc:
        services.interview_scorecard_submit(
            actor=vetting_staff, application=application, ratings={**GOOD_RATINGS, "english": 6}
        )
    assert exc.value.message_dict == {"english": ["Rate from 1 to 5."]}
    application.refresh_from_db()
    assert application.stage == Stage.INTERVIEW


def test_checks_need_identity_two_references_tax_form_and_payout(
    candidate, candidate_profile, vetting_staff, scenarios
):
    application = to_stage(
        services.application_submit(actor=candidate, profile=candidate_profile), Stage.CHECKS, vetting_staff
    )
    with pytest.raises(ValidationError) as exc:
        services.checks_complete(actor=vetting_staff, application=application)
    assert exc.value.messages == [
        "Checks are not complete: identity not confirmed, 2 more reference(s) needed, no tax form on file, "
        "payout method not set."
    ]
    services.checks_record(
        actor=vetting_staff, application=application, identity_confirmed=True, tax_form="w9", payout_method_set=True
    )
    application.refresh_from_db()
    assert application.identity_confirmed_by == vetting_staff
    assert application.identity_confirmed_at is not None
    assert application.stage == Stage.CHECKS


def test_ops_suspend_approved_freelancer(candidate, candidate_profile, vetting_staff, staff, scenarios):
    application = to_stage(
        services.application_submit(actor=candidate, profile=candidate_profile), Stage.DECISION, vetting_staff
    )
    application = services.application_approve(actor=vetting_staff, application=application)

    with pytest.raises(PermissionDenied):
        services.freelancer_suspend(actor=vetting_staff, application=application, reason="x")
    with pytest.raises(ValidationError):
        services.freelancer_suspend(actor=staff, application=application, reason=" ")
    application = services.freelancer_suspend(actor=staff, application=application, reason="Shared buyer e-mails.")

    assert application.status == ApplicationStatus.SUSPENDED
    assert application.suspension_reason == "Shared buyer e-mails."
    candidate_profile.refresh_from_db()
    assert candidate_profile.vetting_status == VettingStatus.SUSPENDED


def test_staff_can_fail_a_stalled_stage_with_a_reason(candidate, candidate_profile, vetting_staff, scenarios):
    application = to_stage(
        services.application_submit(actor=candidate, profile=candidate_profile), Stage.ASSESSMENT, vetting_staff
    )
    with pytest.raises(ValidationError) as exc:
        services.stage_fail(actor=vetting_staff, application=application, notes=" ")
    assert exc.value.message_dict == {"notes": ["Say why this stage failed."]}

    result = services.stage_fail(actor=vetting_staff, application=application, notes="Never started in 14 days.")

    assert (result.stage, result.outcome, result.score) == (Stage.ASSESSMENT, Outcome.FAILED, Decimal("0.00"))
    application.refresh_from_db()
    assert application.stage == Stage.DECISION
    with pytest.raises(ValidationError, match="scored stage"):
        services.stage_fail(actor=vetting_staff, application=application, notes="again")
