"""Every write in vetting. Stage changes are conditional updates, so two reviewers racing cannot both win."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.access import is_platform_staff, is_user
from accounts.audit import audit_record
from accounts.clock import step_moment
from marketplace.models import FreelancerProfile, VettingStatus
from qa_scoring.scoring import review_score

from . import grading
from .models import (
    SCORECARD_CRITERIA,
    SCORED_STAGES,
    Application,
    ApplicationStatus,
    AssessmentAnswer,
    AssessmentAttempt,
    InterviewScorecard,
    InterviewSlot,
    Outcome,
    Reference,
    RejectionReason,
    Scenario,
    Stage,
    StageResult,
    TaxForm,
    next_stage,
)
from .screening import profile_screen_checks, required_fields_missing

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


# --- guards ---------------------------------------------------------------------------------------------


def require_vetting_staff(actor: Any) -> None:
    if not is_platform_staff(actor, "vetting"):
        raise PermissionDenied("Only vetting staff can do that.")


def _require_candidate(actor: Any, application: Application) -> None:
    if not is_user(actor) or application.freelancer.user_id != actor.pk:
        raise PermissionDenied("Only the candidate can do that.")


def pass_mark_for(stage: str) -> Decimal:
    return Decimal(settings.VETTING_PASS_MARKS[stage])


def _score(value: Any, field: str = "score") -> Decimal:
    try:
        value = Decimal(value)
    except (TypeError, ArithmeticError, ValueError) as exc:
        raise ValidationError({field: "Enter a number from 0 to 100."}) from exc
    if not value.is_finite() or value < 0 or value > HUNDRED:
        raise ValidationError({field: "Enter a number from 0 to 100."})
    return value.quantize(CENT)


def _audit(actor: Any, action: str, application: Application, *, at: datetime | None = None, **data: Any) -> None:
    audit_record(actor=actor, action=f"vetting.{action}", target=application, data=data, at=at)


def _set_profile_vetting(*, profile: FreelancerProfile, status: str, score: Decimal | None, actor: Any, reason: str):
    """The profile's vetting fields change only through the marketplace service."""
    from marketplace.services import freelancer_vetting_update

    return freelancer_vetting_update(profile=profile, status=status, score=score, actor=actor, reason=reason)


# --- application ----------------------------------------------------------------------------------------


def reapply_blocked_until(profile: FreelancerProfile, *, today: date | None = None) -> date | None:
    """The date before which the freelancer may not apply again (latest rejection), or None."""
    today = today or timezone.localdate()
    last = (
        Application.objects.filter(freelancer=profile, status=ApplicationStatus.REJECTED, reapply_after__gt=today)
        .order_by("-reapply_after")
        .values_list("reapply_after", flat=True)
        .first()
    )
    return last


@transaction.atomic
def application_submit(*, actor: Any, profile: FreelancerProfile, now: datetime | None = None) -> Application:
    """Submit the completed profile. Starts the profile screen and records its automatic checks."""
    if not is_user(actor) or profile.user_id != actor.pk:
        raise PermissionDenied("You can only apply with your own profile.")
    profile = FreelancerProfile.objects.select_for_update().get(pk=profile.pk)
    if profile.vetting_status in (VettingStatus.APPROVED, VettingStatus.SUSPENDED):
        raise ValidationError(f"Your profile is already {profile.get_vetting_status_display().lower()}.")
    missing = required_fields_missing(profile)
    if missing:
        raise ValidationError({"profile": f"Complete your profile first: {', '.join(missing)}."})
    blocked = reapply_blocked_until(profile)
    if blocked:
        raise ValidationError(f"You can apply again from {blocked:%d %B %Y}.")
    now = step_moment(now)
    application = Application(freelancer=profile, submitted_at=now, stage_entered_at=now)
    application.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError as exc:
        raise ValidationError("You already have an application in progress.") from exc
    checks = profile_screen_checks(profile)
    StageResult.objects.create(
        application=application,
        stage=Stage.PROFILE_SCREEN,
        pass_mark=pass_mark_for(Stage.PROFILE_SCREEN),
        auto_checks=checks,
        started_at=now,
    )
    _set_profile_vetting(
        profile=profile, status=VettingStatus.IN_REVIEW, score=None, actor=actor, reason="application submitted"
    )
    _audit(actor, "application.submitted", application, auto_checks=checks, at=now)
    return application


def _finish_stage(
    *,
    actor: Any,
    application: Application,
    stage: str,
    score: Decimal,
    notes: str = "",
    forced_fail_reason: str = "",
    at: datetime | None = None,
) -> StageResult:
    """Close ``stage`` once and move on: to the next stage when passed, to the decision when failed.

    The application row moves with a conditional update (``stage=stage``), so a stage that was already
    finished — by a concurrent reviewer, or earlier — is refused rather than silently reopened.
    """
    now = step_moment(at)
    score = _score(score)
    mark = pass_mark_for(stage)
    passed = score >= mark and not forced_fail_reason
    target = next_stage(stage) if passed else Stage.DECISION
    moved = Application.objects.filter(pk=application.pk, status=ApplicationStatus.OPEN, stage=stage).update(
        stage=target, stage_entered_at=now
    )
    if not moved:
        raise ValidationError(f"This application is not at the {Stage(stage).label.lower()} stage.")
    finished = StageResult.objects.filter(application=application, stage=stage, finished_at__isnull=True).update(
        outcome=Outcome.PASSED if passed else Outcome.FAILED,
        score=score,
        pass_mark=mark,
        reviewer=actor if is_user(actor) else None,
        notes=notes,
        finished_at=now,
    )
    if finished != 1:  # pragma: no cover - the row moved above guarantees an open result
        raise ValidationError("This stage was already finished.")
    StageResult.objects.create(
        application=application,
        stage=target,
        pass_mark=pass_mark_for(target) if target in SCORED_STAGES else None,
        started_at=now,
    )
    application.refresh_from_db()
    _audit(
        actor,
        "stage.passed" if passed else "stage.failed",
        application,
        stage=stage,
        score=score,
        pass_mark=mark,
        next_stage=target,
        reason=forced_fail_reason,
        at=now,
    )
    return StageResult.objects.get(application=application, stage=stage)


@transaction.atomic
def profile_screen_judge(
    *, actor: Any, application: Application, score: Any, notes: str = "", now: datetime | None = None
) -> StageResult:
    """The reviewer's judgement on top of the automatic checks. Failed automatic checks fail the stage."""
    require_vetting_staff(actor)
    result = StageResult.objects.filter(application=application, stage=Stage.PROFILE_SCREEN).first()
    failed = [c["reason"] for c in (result.auto_checks if result else []) if not c["ok"]]
    return _finish_stage(
        actor=actor,
        application=application,
        stage=Stage.PROFILE_SCREEN,
        score=score,
        notes=notes,
        forced_fail_reason="; ".join(failed),
        at=now,
    )


# --- written assessment ---------------------------------------------------------------------------------


@transaction.atomic
def scenario_save(*, actor: Any, scenario: Scenario | None = None, **fields: Any) -> Scenario:
    require_vetting_staff(actor)
    created = scenario is None
    scenario = scenario or Scenario(created_by=actor)
    for name, value in fields.items():
        setattr(scenario, name, value)
    scenario.full_clean()
    scenario.save()
    audit_record(
        actor=actor,
        action="vetting.scenario.created" if created else "vetting.scenario.changed",
        target=scenario,
        data={"title": scenario.title, "active": scenario.active},
    )
    return scenario


def _draw(count: int) -> list[Scenario]:
    """Pick ``count`` active scenarios, covering as many categories as possible."""
    pool = list(Scenario.objects.filter(active=True))
    random.shuffle(pool)
    picked: list[Scenario] = []
    seen: set[str] = set()
    for scenario in pool:  # one per category first
        if scenario.category not in seen:
            picked.append(scenario)
            seen.add(scenario.category)
    picked += [s for s in pool if s not in picked]
    return picked[:count]


@transaction.atomic
def assessment_start(*, actor: Any, application: Application, now: datetime | None = None) -> AssessmentAttempt:
    """Start the one attempt: draw the scenarios and start the clock."""
    _require_candidate(actor, application)
    application = Application.objects.select_for_update().get(pk=application.pk)
    if not application.is_open or application.stage != Stage.ASSESSMENT:
        raise ValidationError("The written assessment is not open for this application.")
    if AssessmentAttempt.objects.filter(application=application).exists():
        raise ValidationError("You have already started your one attempt.")
    count = settings.VETTING_ASSESSMENT_SCENARIOS
    scenarios = _draw(count)
    if len(scenarios) < count:
        raise ValidationError("The assessment is not ready yet. Please try again later.")
    now = step_moment(now)
    attempt = AssessmentAttempt.objects.create(
        application=application,
        started_at=now,
        deadline=now + timedelta(minutes=settings.VETTING_ASSESSMENT_MINUTES),
    )
    AssessmentAnswer.objects.bulk_create(
        AssessmentAnswer(attempt=attempt, scenario=s, position=i) for i, s in enumerate(scenarios, start=1)
    )
    _audit(actor, "assessment.started", application, scenarios=[s.pk for s in scenarios], at=now)
    return attempt


@transaction.atomic
def assessment_submit(
    *, actor: Any, attempt: AssessmentAttempt, answers: dict[int, str], at: datetime | None = None
) -> AssessmentAttempt:
    """Submit every answer at once, before the deadline. The attempt cannot be submitted twice."""
    application = attempt.application
    _require_candidate(actor, application)
    now = at or timezone.now()  # a later ``at`` stands for a late submission (the deadline check below)
    if now < attempt.started_at:
        raise ValidationError("The assessment cannot be submitted before it started.")
    rows = list(attempt.answers.select_related("scenario"))
    errors = {}
    for row in rows:
        text = (answers.get(row.scenario_id) or "").strip()
        if not text:
            errors[f"answer_{row.scenario_id}"] = "Write your reply to this customer."
        row.answer = text
    if now > attempt.deadline:
        raise ValidationError("Time is up: the assessment closed at the deadline.")
    if errors:
        raise ValidationError(errors)
    claimed = AssessmentAttempt.objects.filter(pk=attempt.pk, submitted_at__isnull=True).update(submitted_at=now)
    if not claimed:
        raise ValidationError("This assessment was already submitted.")
    AssessmentAnswer.objects.bulk_update(rows, ["answer"])
    attempt.refresh_from_db()
    conversation_id = grading.assessment_conversation_create(attempt=attempt)
    AssessmentAttempt.objects.filter(pk=attempt.pk).update(conversation_id=conversation_id)
    attempt.conversation_id = conversation_id
    _audit(actor, "assessment.submitted", application)
    return attempt


@transaction.atomic
def assessment_grade(
    *,
    actor: Any,
    application: Application,
    values: dict[str, int | None],
    notes: str = "",
    now: datetime | None = None,
) -> StageResult:
    """Grade the answers against the published Vetting rubric; the stage score is that review's score.

    An attempt that was never submitted (time ran out) is graded 0.
    """
    require_vetting_staff(actor)
    application = Application.objects.select_for_update().get(pk=application.pk)
    if not application.is_open or application.stage != Stage.ASSESSMENT:
        raise ValidationError("This application is not at the written assessment stage.")
    attempt = AssessmentAttempt.objects.filter(application=application).first()
    if attempt is None:
        raise ValidationError("The candidate has not started the assessment yet.")
    if attempt.submitted_at is None:
        if not attempt.is_late():
            raise ValidationError("The candidate is still answering; grade after they submit or time runs out.")
        return _finish_stage(
            actor=actor,
            application=application,
            stage=Stage.ASSESSMENT,
            score=Decimal(0),
            notes=notes,
            forced_fail_reason="not submitted before the deadline",
            at=now,
        )
    review = grading.assessment_review_submit(
        attempt=attempt, reviewer=actor, values=values, comment=notes, now=step_moment(now)
    )
    AssessmentAttempt.objects.filter(pk=attempt.pk).update(review_id=review.review_id)
    return _finish_stage(
        actor=actor,
        application=application,
        stage=Stage.ASSESSMENT,
        score=review.score,
        notes=notes,
        forced_fail_reason="critical criterion failed" if review.critical_fail else "",
        at=now,
    )


# --- interview ------------------------------------------------------------------------------------------


@transaction.atomic
def interview_slot_publish(
    *, actor: Any, starts_at: datetime, duration_minutes: int = 30, now: datetime | None = None
) -> InterviewSlot:
    require_vetting_staff(actor)
    if starts_at <= step_moment(now):
        raise ValidationError({"starts_at": "Choose a time in the future."})
    slot = InterviewSlot(interviewer=actor, starts_at=starts_at, duration_minutes=duration_minutes)
    slot.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            slot.save()
    except IntegrityError as exc:
        raise ValidationError({"starts_at": "You already published a slot at that time."}) from exc
    audit_record(actor=actor, action="vetting.slot.published", target=slot, data={"starts_at": starts_at}, at=now)
    return slot


@transaction.atomic
def interview_slot_book(
    *, actor: Any, application: Application, slot: InterviewSlot, now: datetime | None = None
) -> InterviewSlot:
    """Book one free future slot. The claim is a conditional update, so two candidates cannot share one."""
    _require_candidate(actor, application)
    application = Application.objects.select_for_update().get(pk=application.pk)
    if not application.is_open or application.stage != Stage.INTERVIEW:
        raise ValidationError("Interviews are booked at the interview stage.")
    if InterviewSlot.objects.filter(application=application).exists():
        raise ValidationError("You have already booked an interview.")
    now = step_moment(now)
    if slot.starts_at <= now:
        raise ValidationError("That slot has already passed; pick another.")
    try:
        with transaction.atomic():
            claimed = InterviewSlot.objects.filter(pk=slot.pk, application__isnull=True).update(
                application=application, booked_at=now
            )
    except IntegrityError as exc:
        raise ValidationError("You have already booked an interview.") from exc
    if not claimed:
        raise ValidationError("Someone else just booked that slot; pick another.")
    slot.refresh_from_db()
    _audit(actor, "interview.booked", application, slot=slot.pk, starts_at=slot.starts_at, at=now)
    return slot


def scorecard_score(ratings: dict[str, int]) -> Decimal:
    """Four equal 1–5 scales, scored with the same formula as QA reviews."""
    result = review_score([("scale", 1, 5, 25, ratings[key]) for key, _ in SCORECARD_CRITERIA])
    return result.score


@transaction.atomic
def interview_scorecard_submit(
    *,
    actor: Any,
    application: Application,
    ratings: dict[str, int],
    notes: dict[str, str] | None = None,
    now: datetime | None = None,
) -> StageResult:
    require_vetting_staff(actor)
    if not InterviewSlot.objects.filter(application=application).exists():
        raise ValidationError("The candidate has not booked an interview yet.")
    notes = notes or {}
    errors = {key: "Rate from 1 to 5." for key, _ in SCORECARD_CRITERIA if ratings.get(key) not in (1, 2, 3, 4, 5)}
    if errors:
        raise ValidationError(errors)
    card = InterviewScorecard(
        application=application,
        interviewer=actor,
        **{key: ratings[key] for key, _ in SCORECARD_CRITERIA},
        **{f"{key}_notes": notes.get(key, "") for key, _ in SCORECARD_CRITERIA},
    )
    card.full_clean(exclude=["application"])
    result = _finish_stage(
        actor=actor,
        application=application,
        stage=Stage.INTERVIEW,
        score=scorecard_score(ratings),
        notes=" · ".join(f"{label}: {notes[key]}" for key, label in SCORECARD_CRITERIA if notes.get(key)),
        at=now,
    )
    card.created_at = step_moment(now)
    card.save()
    return result


# --- checks ---------------------------------------------------------------------------------------------


def _at_checks(application: Application) -> Application:
    application = Application.objects.select_for_update().get(pk=application.pk)
    if not application.is_open or application.stage != Stage.CHECKS:
        raise ValidationError("This application is not at the checks stage.")
    return application


@transaction.atomic
def checks_record(
    *,
    actor: Any,
    application: Application,
    identity_confirmed: bool,
    tax_form: str,
    payout_method_set: bool,
    now: datetime | None = None,
) -> Application:
    require_vetting_staff(actor)
    application = _at_checks(application)
    if tax_form not in TaxForm.values:
        raise ValidationError({"tax_form": "Choose W-8BEN, W-9 or not on file."})
    changes = {}
    if identity_confirmed and application.identity_confirmed_at is None:
        application.identity_confirmed_by = actor
        application.identity_confirmed_at = step_moment(now)
        changes["identity_confirmed"] = True
    if tax_form != application.tax_form:
        application.tax_form = tax_form
        changes["tax_form"] = tax_form
    if payout_method_set != application.payout_method_set:
        application.payout_method_set = payout_method_set
        changes["payout_method_set"] = payout_method_set
    if changes:
        application.save(
            update_fields=["identity_confirmed_by", "identity_confirmed_at", "tax_form", "payout_method_set"]
        )
        _audit(actor, "checks.recorded", application, **changes, at=now)
    return application


@transaction.atomic
def reference_add(
    *,
    actor: Any,
    application: Application,
    name: str,
    relationship: str,
    contact: str,
    notes: str = "",
    now: datetime | None = None,
) -> Reference:
    require_vetting_staff(actor)
    application = _at_checks(application)
    ref = Reference(
        application=application,
        name=name.strip(),
        relationship=relationship.strip(),
        contact=contact.strip(),
        notes=notes.strip(),
        recorded_by=actor,
        created_at=step_moment(now),
    )
    ref.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            ref.save()
    except IntegrityError as exc:
        raise ValidationError({"contact": "This reference is already recorded."}) from exc
    _audit(actor, "checks.reference_added", application, reference=ref.name, at=now)
    return ref


def checks_missing(application: Application) -> list[str]:
    missing = []
    if application.identity_confirmed_at is None:
        missing.append("identity not confirmed")
    refs = application.references.count()
    if refs < 2:
        missing.append(f"{2 - refs} more reference(s) needed")
    if not application.tax_form:
        missing.append("no tax form on file")
    if not application.payout_method_set:
        missing.append("payout method not set")
    return missing


@transaction.atomic
def checks_complete(
    *, actor: Any, application: Application, notes: str = "", now: datetime | None = None
) -> StageResult:
    """Pass the checks stage when everything is on file; otherwise say what is missing."""
    require_vetting_staff(actor)
    application = _at_checks(application)
    missing = checks_missing(application)
    if missing:
        raise ValidationError(f"Checks are not complete: {', '.join(missing)}.")
    return _finish_stage(actor=actor, application=application, stage=Stage.CHECKS, score=HUNDRED, notes=notes, at=now)


@transaction.atomic
def stage_fail(*, actor: Any, application: Application, notes: str) -> StageResult:
    """Close the current scored stage as failed (no-show, never started, checks impossible…), with the reason."""
    require_vetting_staff(actor)
    notes = (notes or "").strip()
    if not notes:
        raise ValidationError({"notes": "Say why this stage failed."})
    application = Application.objects.select_for_update().get(pk=application.pk)
    if not application.is_open or application.stage not in SCORED_STAGES:
        raise ValidationError("Only an open application in a scored stage can fail it.")
    return _finish_stage(
        actor=actor,
        application=application,
        stage=application.stage,
        score=Decimal(0),
        notes=notes,
        forced_fail_reason=notes,
    )


# --- decision -------------------------------------------------------------------------------------------


def weighted_vetting_score(scores: dict[str, Decimal]) -> Decimal:
    """Σ(weight × stage score) / Σ weight over the four scored stages, rounded half-up to 0.01."""
    weights = settings.VETTING_WEIGHTS
    total = sum((Decimal(weights[s]) for s in SCORED_STAGES), Decimal(0))
    earned = sum((Decimal(weights[s]) * Decimal(scores[s]) for s in SCORED_STAGES), Decimal(0))
    from qa_scoring.scoring import quantize_score

    return quantize_score(earned / total)


def _close_decision(
    *, actor: Any, application: Application, status: str, now: datetime | None = None, **fields: Any
) -> Application:
    now = step_moment(now)
    done = Application.objects.filter(pk=application.pk, status=ApplicationStatus.OPEN, stage=Stage.DECISION).update(
        status=status, decided_at=now, decided_by=actor, **fields
    )
    if not done:
        raise ValidationError("This application is not waiting for a decision (it may already be decided).")
    StageResult.objects.filter(application=application, stage=Stage.DECISION, finished_at__isnull=True).update(
        outcome=Outcome.PASSED if status == ApplicationStatus.APPROVED else Outcome.FAILED,
        score=fields.get("vetting_score"),
        reviewer=actor,
        notes=fields.get("decision_notes", ""),
        finished_at=now,
    )
    application.refresh_from_db()
    return application


@transaction.atomic
def application_approve(
    *, actor: Any, application: Application, notes: str = "", now: datetime | None = None
) -> Application:
    require_vetting_staff(actor)
    application = Application.objects.select_for_update().get(pk=application.pk)
    if not application.is_open or application.stage != Stage.DECISION:
        raise ValidationError("This application is not waiting for a decision (it may already be decided).")
    results = {
        r.stage: r
        for r in StageResult.objects.filter(application=application, stage__in=SCORED_STAGES, outcome=Outcome.PASSED)
    }
    missing = [Stage(s).label for s in SCORED_STAGES if s not in results]
    if missing:
        raise ValidationError(f"Cannot approve: not passed — {', '.join(missing)}.")
    score = weighted_vetting_score({s: r.score for s, r in results.items()})
    application = _close_decision(
        actor=actor,
        application=application,
        status=ApplicationStatus.APPROVED,
        vetting_score=score,
        decision_notes=notes,
        now=now,
    )
    _set_profile_vetting(
        profile=application.freelancer,
        status=VettingStatus.APPROVED,
        score=score,
        actor=actor,
        reason=f"vetting application #{application.pk} approved",
    )
    _audit(actor, "application.approved", application, vetting_score=score)
    _notify(application)
    return application


@transaction.atomic
def application_reject(
    *,
    actor: Any,
    application: Application,
    reason: str,
    notes: str = "",
    reapply_after: date | None = None,
    now: datetime | None = None,
) -> Application:
    require_vetting_staff(actor)
    if reason not in RejectionReason.values:
        raise ValidationError({"reason": "Choose a reason category."})
    today = timezone.localdate()
    reapply_after = reapply_after or today + timedelta(days=settings.VETTING_REAPPLY_DAYS)
    if reapply_after <= today:
        raise ValidationError({"reapply_after": "The reapply date must be in the future."})
    application = _close_decision(
        actor=actor,
        application=application,
        status=ApplicationStatus.REJECTED,
        rejection_reason=reason,
        decision_notes=notes,
        reapply_after=reapply_after,
        now=now,
    )
    _set_profile_vetting(
        profile=application.freelancer,
        status=VettingStatus.REJECTED,
        score=None,
        actor=actor,
        reason=f"vetting application #{application.pk} rejected: {reason}",
    )
    _audit(actor, "application.rejected", application, reason=reason, reapply_after=reapply_after)
    _notify(application)
    return application


def _notify(application: Application) -> None:
    from .tasks import send_decision_email

    send_decision_email.delay_on_commit(application.pk)


def decision_email_claim(*, application_id: int) -> bool:
    """Claim the one decision e-mail (conditional update), so concurrent or repeated tasks send it once."""
    return bool(
        Application.objects.filter(
            pk=application_id,
            status__in=[ApplicationStatus.APPROVED, ApplicationStatus.REJECTED],
            decision_email_sent_at__isnull=True,
        ).update(decision_email_sent_at=timezone.now())
    )


def decision_email_release(*, application_id: int) -> None:
    """Give the claim back after a failed send so the retry can send it."""
    Application.objects.filter(pk=application_id).update(decision_email_sent_at=None)


@transaction.atomic
def freelancer_suspend(*, actor: Any, application: Application, reason: str) -> Application:
    """Ops suspend an approved freelancer; the profile leaves matching."""
    if not is_platform_staff(actor, "ops"):
        raise PermissionDenied("Only operations staff can suspend a freelancer.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the freelancer is suspended."})
    done = Application.objects.filter(pk=application.pk, status=ApplicationStatus.APPROVED).update(
        status=ApplicationStatus.SUSPENDED, suspended_at=timezone.now(), suspended_by=actor, suspension_reason=reason
    )
    if not done:
        raise ValidationError("Only an approved freelancer can be suspended.")
    application.refresh_from_db()
    _set_profile_vetting(
        profile=application.freelancer,
        status=VettingStatus.SUSPENDED,
        score=application.vetting_score,
        actor=actor,
        reason=f"suspended: {reason}",
    )
    _audit(actor, "freelancer.suspended", application, reason=reason)
    return application
