"""Writes in QA operations: sampling runs and assignments, AutoQA suggestions, calibration sessions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from accounts.access import is_user
from accounts.audit import audit_record
from accounts.models import Organization
from qa_scoring import sampling
from qa_scoring.autoqa import CHECKS, run_checks
from qa_scoring.models import (
    AuthorRole,
    Conversation,
    Criterion,
    ImportJob,
    Message,
    Review,
    ReviewKind,
    ReviewStatus,
    RubricVersion,
    VersionStatus,
)
from qa_scoring.selectors import REVIEW_ROLES, can_review_org, is_qa_staff

from . import calibration, selectors
from .models import (
    AssignmentStatus,
    AutoQACheckSetting,
    AutoQARun,
    AutoQASuggestion,
    Baseline,
    CalibrationGrade,
    CalibrationParticipant,
    CalibrationSession,
    CalibrationStatus,
    ReviewAssignment,
    ReviewerGoal,
    SamplingRule,
    SamplingRun,
)

User = get_user_model()
AUTOQA_STALE_CLAIM = dt.timedelta(hours=1)  # a claim older than this (worker died) may be taken over


def _require_manager(actor: Any, organization_id: int | None) -> None:
    if not is_user(actor) or not selectors.can_manage_org(actor, organization_id):
        raise PermissionDenied("Only QA staff or the seller's owners and managers can do that.")


# --- sampling rules


RULE_FIELDS = (
    "name",
    "contract",
    "period",
    "count",
    "percent",
    "strategy",
    "seed",
    "keywords",
    "tags",
    "min_messages",
    "exclude_reviewed",
    "exclude_bot_only",
    "due_days",
    "is_active",
)


@transaction.atomic
def sampling_rule_create(*, actor: Any, organization: Organization, **values: Any) -> SamplingRule:
    _require_manager(actor, organization.pk)
    unknown = set(values) - set(RULE_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "Unknown field."))
    rule = SamplingRule(organization=organization, created_by=actor, **values)
    rule.full_clean()
    rule.save()
    audit_record(actor=actor, action="qa_ops.rule.created", target=rule, organization=organization)
    return rule


@transaction.atomic
def sampling_rule_update(*, actor: Any, rule: SamplingRule, **values: Any) -> SamplingRule:
    _require_manager(actor, rule.organization_id)
    rule = SamplingRule.objects.select_for_update(of=("self",)).get(pk=rule.pk)
    for key, value in values.items():
        if key not in RULE_FIELDS:
            raise ValidationError({key: "Unknown field."})
        setattr(rule, key, value)
    rule.full_clean()
    rule.save()
    audit_record(
        actor=actor,
        action="qa_ops.rule.updated",
        target=rule,
        organization=rule.organization,
        data={"fields": sorted(values)},
    )
    return rule


@transaction.atomic
def reviewer_goal_set(*, actor: Any, reviewer: Any, weekly_goal: int) -> ReviewerGoal:
    if not is_qa_staff(actor):
        raise PermissionDenied("Only QA staff set reviewers' weekly goals.")
    goal, _ = ReviewerGoal.objects.get_or_create(reviewer=reviewer)
    goal.weekly_goal = weekly_goal
    goal.full_clean()
    goal.save()
    audit_record(actor=actor, action="qa_ops.goal.set", target=goal, data={"weekly_goal": weekly_goal})
    return goal


# --- sampling runs


@dataclass
class RunResult:
    period_start: dt.datetime
    created: int = 0
    already_ran: bool = False
    unassigned: list[tuple[int, str]] = field(default_factory=list)


def _candidates(rule: SamplingRule, start: dt.datetime, end: dt.datetime) -> list[sampling.Candidate]:
    qs = Conversation.objects.filter(
        organization_id=rule.organization_id, started_at__gte=start, started_at__lt=end, freelancer__isnull=False
    )
    if rule.contract_id:
        qs = qs.filter(contract_id=rule.contract_id)
    reviewed = Review.objects.filter(
        conversation_id=OuterRef("pk"), kind=ReviewKind.PRODUCTION, status=ReviewStatus.SUBMITTED
    )
    human = Message.objects.filter(conversation_id=OuterRef("pk"), author_role=AuthorRole.AGENT, is_internal_note=False)
    flagged = AutoQASuggestion.objects.filter(conversation_id=OuterRef("pk"), value=0)
    qs = qs.annotate(reviewed=Exists(reviewed), has_agent=Exists(human), flagged=Exists(flagged))
    keywords = [k.strip() for k in rule.keywords if k.strip()]
    if keywords:
        match = Q()
        for word in keywords:
            match |= Q(text__icontains=word)
        qs = qs.annotate(text_match=Exists(Message.objects.filter(match, conversation_id=OuterRef("pk"))))
    rows = qs.values_list(
        "pk",
        "freelancer_id",
        "freelancer__user_id",
        "csat",
        "message_count",
        "started_at",
        "ended_at",
        "tags",
        "reviewed",
        "has_agent",
        "flagged",
        *(["text_match"] if keywords else []),
    )
    out = []
    for row in rows.order_by("pk").iterator(chunk_size=5000):
        started, ended = row[5], row[6]
        out.append(
            sampling.Candidate(
                id=row[0],
                freelancer_id=row[1],
                agent_user_id=row[2],
                csat=row[3],
                message_count=row[4],
                duration=(ended - started) if started and ended else dt.timedelta(0),
                tags=frozenset(t for t in (row[7] or []) if isinstance(t, str)),
                already_reviewed=row[8],
                bot_only=not row[9],
                autoqa_flagged=row[10],
                text_match=bool(row[11]) if keywords else False,
            )
        )
    return out


def _eligible_reviewers(rule: SamplingRule, week_start: dt.datetime) -> list[sampling.Reviewer]:
    people = list(
        User.objects.filter(qa_goal__weekly_goal__gt=0, is_active=True)
        .filter(
            Q(groups__name__in=("qa", "ops"))
            | Q(memberships__organization_id=rule.organization_id, memberships__role__in=REVIEW_ROLES)
        )
        .distinct()
        .values_list("pk", "qa_goal__weekly_goal")
    )
    load = selectors.reviewer_load(reviewer_ids=[pk for pk, _ in people], week_start=week_start)
    return [sampling.Reviewer(pk, goal, load.get(pk, 0)) for pk, goal in people]


def _as_datetime(period_start: dt.date | dt.datetime) -> dt.date:
    return period_start.date() if isinstance(period_start, dt.datetime) else period_start


@transaction.atomic
def sampling_run(*, rule: SamplingRule, period_start: dt.date | dt.datetime, actor: Any = None) -> RunResult:
    """Sample the rule's period (the week or month containing ``period_start``) once.

    A SamplingRun row claims (rule, period): a second or concurrent run finds it and does nothing, and the
    unique (conversation, rule, period) constraint makes double assignment impossible anyway.
    """
    start, end = sampling.period_bounds(rule.period, _as_datetime(period_start))
    result = RunResult(period_start=start)
    try:
        with transaction.atomic():
            run = SamplingRun.objects.create(rule=rule, period_start=start)
    except IntegrityError:
        result.already_ran = True
        return result
    engine_rule = sampling.Rule(
        strategy=sampling.Strategy(rule.strategy),
        count=rule.count,
        percent=Decimal(rule.percent) if rule.percent is not None else None,
        seed=rule.seed,
        min_messages=rule.min_messages,
        exclude_reviewed=rule.exclude_reviewed,
        exclude_bot_only=rule.exclude_bot_only,
        tags=frozenset(rule.tags),
    )
    picks = sampling.pick(_candidates(rule, start, end), engine_rule)
    today = timezone.now()
    week_start, _ = sampling.period_bounds(sampling.Period.WEEK, today.date())
    plan = sampling.assign(picks, _eligible_reviewers(rule, week_start))
    due = today + dt.timedelta(days=rule.due_days)
    rows = [
        ReviewAssignment(
            conversation_id=a.conversation_id,
            reviewer_id=a.reviewer_id,
            rule=rule,
            organization_id=rule.organization_id,
            period_start=start,
            due_at=due,
            created_at=today,
        )
        for a in plan.assignments
    ]
    before = ReviewAssignment.objects.filter(rule=rule, period_start=start).count()
    ReviewAssignment.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    result.created = ReviewAssignment.objects.filter(rule=rule, period_start=start).count() - before
    result.unassigned = [(int(cid), reason) for cid, reason in plan.unassigned]
    run.created = result.created
    run.unassigned = len(plan.unassigned)
    run.finished_at = timezone.now()
    run.save(update_fields=["created", "unassigned", "finished_at"])
    audit_record(
        actor=actor,
        action="qa_ops.sampling.ran",
        target=rule,
        organization=rule.organization,
        data={"period_start": start, "created": result.created, "unassigned": len(plan.unassigned), "seed": rule.seed},
    )
    return result


def sampling_run_due(*, at: dt.datetime | None = None) -> int:
    """Beat: run every active rule for its last complete period (each once, thanks to the claim)."""
    at = at or timezone.now()
    created = 0
    for rule in SamplingRule.objects.filter(is_active=True).select_related("organization"):
        current_start, _ = sampling.period_bounds(rule.period, at.date())
        previous_start, _ = sampling.period_bounds(rule.period, (current_start - dt.timedelta(days=1)).date())
        created += sampling_run(rule=rule, period_start=previous_start).created
    return created


# --- assignments


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why (the reviewer and the audit log see it)."})
    if len(reason) > 300:
        raise ValidationError({"reason": "Keep the reason under 300 characters."})
    return reason


def _open_locked(assignment: ReviewAssignment) -> ReviewAssignment:
    locked = (
        ReviewAssignment.objects.select_for_update(of=("self",))
        .select_related("conversation__freelancer", "organization")
        .get(pk=assignment.pk)
    )
    if locked.status != AssignmentStatus.OPEN:
        raise ValidationError("Only open assignments can be changed.")
    return locked


@transaction.atomic
def assignment_reassign(*, actor: Any, assignment: ReviewAssignment, reviewer: Any, reason: str) -> ReviewAssignment:
    _require_manager(actor, assignment.organization_id)
    reason = _require_reason(reason)
    assignment = _open_locked(assignment)
    conversation = assignment.conversation
    if conversation.freelancer_id and conversation.freelancer.user_id == reviewer.pk:
        raise ValidationError({"reviewer": "Nobody reviews their own conversation."})
    if not can_review_org(reviewer, conversation.organization_id):
        raise ValidationError({"reviewer": "This person cannot review this seller's conversations."})
    if reviewer.pk == assignment.reviewer_id:
        raise ValidationError({"reviewer": "The assignment is already theirs."})
    previous = assignment.reviewer_id
    assignment.reviewer = reviewer
    assignment.reason = reason
    assignment.save(update_fields=["reviewer", "reason"])
    audit_record(
        actor=actor,
        action="qa_ops.assignment.reassigned",
        target=assignment,
        organization=assignment.organization,
        data={"from": previous, "to": reviewer.pk, "reason": reason},
    )
    return assignment


@transaction.atomic
def assignment_remove(*, actor: Any, assignment: ReviewAssignment, reason: str) -> ReviewAssignment:
    _require_manager(actor, assignment.organization_id)
    reason = _require_reason(reason)
    assignment = _open_locked(assignment)
    assignment.status = AssignmentStatus.REMOVED
    assignment.reason = reason
    assignment.save(update_fields=["status", "reason"])
    audit_record(
        actor=actor,
        action="qa_ops.assignment.removed",
        target=assignment,
        organization=assignment.organization,
        data={"reason": reason},
    )
    return assignment


def assignments_mark_done() -> int:
    """Sweep: open assignments whose reviewer has submitted a production review become done (conditional)."""
    reviewed = Review.objects.filter(
        conversation_id=OuterRef("conversation_id"),
        reviewer_id=OuterRef("reviewer_id"),
        kind=ReviewKind.PRODUCTION,
        status=ReviewStatus.SUBMITTED,
    )
    return ReviewAssignment.objects.filter(Exists(reviewed), status=AssignmentStatus.OPEN).update(
        status=AssignmentStatus.DONE, completed_at=timezone.now()
    )


# --- AutoQA


def enabled_checks() -> list[str]:
    disabled = set(AutoQACheckSetting.objects.filter(enabled=False).values_list("check_key", flat=True))
    return [key for key in CHECKS if key not in disabled]


def _claim(conversation_id: int) -> bool:
    """Claim the conversation for one AutoQA run: a new row, or a stale unfinished claim taken over."""
    now = timezone.now()
    try:
        with transaction.atomic():
            AutoQARun.objects.create(conversation_id=conversation_id, claimed_at=now)
        return True
    except IntegrityError:
        return bool(
            AutoQARun.objects.filter(
                conversation_id=conversation_id, finished_at__isnull=True, claimed_at__lt=now - AUTOQA_STALE_CLAIM
            ).update(claimed_at=now)
        )


def autoqa_for_conversation(*, conversation_id: int, checks: list[str] | None = None) -> int:
    """Run the enabled checks once on a conversation and store their suggestions. Returns how many."""
    if not Conversation.objects.filter(pk=conversation_id).exists() or not _claim(conversation_id):
        return 0
    messages = list(Message.objects.filter(conversation_id=conversation_id).order_by("position"))
    customer = next((m.author_name for m in messages if m.author_role == AuthorRole.CUSTOMER and m.author_name), "")
    suggestions = run_checks(messages, customer_name=customer, enabled=checks or enabled_checks())
    rows = []
    by_id = {str(m.pk): m for m in messages}
    for s in suggestions:
        evidence = []
        for e in s.evidence:
            message = by_id.get(e.message_id)
            evidence.append(
                {
                    "message_id": int(e.message_id) if e.message_id.isdigit() else e.message_id,
                    "start": e.start,
                    "end": e.end,
                    "quote": message.text[e.start : e.end] if message else "",
                }
            )
        rows.append(
            AutoQASuggestion(
                conversation_id=conversation_id,
                check_key=s.check,
                criterion_key=s.criterion_key,
                value=s.value,
                confidence=Decimal(str(round(s.confidence, 3))),
                explanation=s.explanation[:500],
                evidence=evidence,
            )
        )
    with transaction.atomic():
        AutoQASuggestion.objects.bulk_create(rows, ignore_conflicts=True)
        AutoQARun.objects.filter(conversation_id=conversation_id).update(
            finished_at=timezone.now(), suggestion_count=len(rows)
        )
    return len(rows)


def autoqa_for_conversations(*, ids: list[int]) -> int:
    return sum(autoqa_for_conversation(conversation_id=pk) for pk in ids)


def autoqa_import_job_conversations(*, job_id: int) -> list[int]:
    """Conversations an import job stored or updated (by its organization and run window)."""
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None or job.started_at is None:
        return []
    qs = Conversation.objects.filter(organization_id=job.organization_id, updated_at__gte=job.started_at)
    if job.finished_at:
        qs = qs.filter(updated_at__lte=job.finished_at)
    return list(qs.values_list("pk", flat=True))


def autoqa_sweep(*, limit: int = 500) -> int:
    """Beat: conversations AutoQA has not processed yet (missed enqueues, older imports)."""
    ids = list(
        Conversation.objects.filter(autoqa_run__isnull=True, message_count__gt=0)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    return autoqa_for_conversations(ids=ids)


@transaction.atomic
def autoqa_check_set(*, actor: Any, check_key: str, enabled: bool) -> AutoQACheckSetting:
    if not is_qa_staff(actor):
        raise PermissionDenied("Only QA staff switch AutoQA checks on or off.")
    if check_key not in CHECKS:
        raise ValidationError({"check_key": f"Unknown check. Known: {', '.join(CHECKS)}."})
    setting, _ = AutoQACheckSetting.objects.get_or_create(check_key=check_key)
    setting.enabled = enabled
    setting.updated_at = timezone.now()
    setting.updated_by = actor
    setting.save()
    audit_record(actor=actor, action="qa_ops.autoqa.check_set", target=setting, data={"enabled": enabled})
    return setting


# --- calibration


@transaction.atomic
def calibration_session_create(
    *,
    actor: Any,
    organization: Organization | None,
    title: str,
    rubric_version: RubricVersion,
    conversations: list[Conversation],
    participants: list[Any],
    deadline: dt.datetime,
    baseline: str = Baseline.CONSENSUS,
    expert: Any = None,
) -> CalibrationSession:
    """A lead (platform QA staff, or a seller's owner/manager for their own seller) sets up a session."""
    if organization is None:
        if not is_qa_staff(actor):
            raise PermissionDenied("Only platform QA staff run platform-wide calibration sessions.")
    else:
        _require_manager(actor, organization.pk)
    org_id = organization.pk if organization else None
    errors: dict[str, list[str]] = {}
    if rubric_version.status != VersionStatus.PUBLISHED:
        errors.setdefault("rubric_version", []).append("Choose a published rubric version.")
    if rubric_version.rubric.organization_id not in (None, org_id):
        errors.setdefault("rubric_version", []).append("This rubric belongs to another seller.")
    if not conversations:
        errors.setdefault("conversations", []).append("Pick at least one conversation.")
    if org_id is not None and any(c.organization_id != org_id for c in conversations):
        errors.setdefault("conversations", []).append("Every conversation must belong to this seller.")
    people = {p.pk: p for p in participants}
    if len(people) < 2:
        errors.setdefault("participants", []).append("Invite at least two participants.")
    for person in people.values():
        if not can_review_org(person, org_id) and not is_qa_staff(person):
            errors.setdefault("participants", []).append(f"{person.email} cannot review this seller's conversations.")
        elif any(c.freelancer_id and c.freelancer.user_id == person.pk for c in conversations):
            errors.setdefault("participants", []).append(f"{person.email} handled one of these conversations.")
    if baseline == Baseline.EXPERT and (expert is None or expert.pk not in people):
        errors.setdefault("expert", []).append("The expert must be one of the participants.")
    if deadline <= timezone.now():
        errors.setdefault("deadline", []).append("The deadline must be in the future.")
    if errors:
        raise ValidationError(errors)
    session = CalibrationSession(
        organization=organization,
        title=title,
        lead=actor,
        rubric_version=rubric_version,
        baseline=baseline,
        expert=expert if baseline == Baseline.EXPERT else None,
        deadline=deadline,
    )
    session.full_clean()
    session.save()
    session.conversations.set(conversations)
    CalibrationParticipant.objects.bulk_create(
        [CalibrationParticipant(session=session, user=p) for p in people.values()]
    )
    audit_record(
        actor=actor,
        action="qa_ops.calibration.created",
        target=session,
        organization=organization,
        data={"participants": sorted(people), "conversations": sorted(c.pk for c in conversations)},
    )
    from .tasks import send_calibration_invites

    send_calibration_invites.delay_on_commit(session.pk)
    return session


GradeMap = dict[int, dict[str, int | None]]  # conversation id → criterion key → value (None = N/A)


@transaction.atomic
def calibration_grades_save(
    *, actor: Any, session: CalibrationSession, grades: GradeMap, submit: bool = False
) -> CalibrationParticipant:
    """Store the participant's grades (a draft, or submitted: then complete and locked)."""
    participant = (
        CalibrationParticipant.objects.select_for_update(of=("self",))
        .filter(session=session, user_id=getattr(actor, "pk", None))
        .first()
    )
    if participant is None:
        raise PermissionDenied("Only the session's participants grade in it.")
    if session.status != CalibrationStatus.OPEN:
        raise ValidationError("The session is closed.")
    if participant.submitted_at is not None:
        raise ValidationError("You have already submitted your grades.")
    criteria = {c.key: c for c in Criterion.objects.filter(version_id=session.rubric_version_id)}
    unit_ids = set(session.conversations.values_list("pk", flat=True))
    errors: dict[str, list[str]] = {}
    rows = []
    for conversation_id in sorted(unit_ids):
        given = grades.get(conversation_id, {})
        for key, criterion in criteria.items():
            field_name = f"{conversation_id}:{key}"
            if key not in given:
                if submit:
                    errors.setdefault(field_name, []).append("Grade this criterion.")
                continue
            value = given[key]
            if value is None:
                if not criterion.allow_na:
                    errors.setdefault(field_name, []).append("N/A is not allowed for this criterion.")
                    continue
            elif not criterion.scale_min <= value <= criterion.scale_max:
                errors.setdefault(field_name, []).append(
                    f"Choose a value from {criterion.scale_min} to {criterion.scale_max}."
                )
                continue
            rows.append(
                CalibrationGrade(
                    participant=participant, conversation_id=conversation_id, criterion=criterion, value=value
                )
            )
    for conversation_id, given in grades.items():
        if conversation_id not in unit_ids:
            errors.setdefault(str(conversation_id), []).append("This conversation is not in the session.")
        for key in given:
            if key not in criteria:
                errors.setdefault(f"{conversation_id}:{key}", []).append("This criterion is not in the rubric.")
    if errors:
        raise ValidationError(errors)
    CalibrationGrade.objects.filter(participant=participant).delete()
    CalibrationGrade.objects.bulk_create(rows)
    if submit:
        participant.submitted_at = timezone.now()
        participant.save(update_fields=["submitted_at"])
        audit_record(
            actor=actor, action="qa_ops.calibration.submitted", target=session, organization=session.organization
        )
    return participant


def calibration_results(*, session: CalibrationSession) -> dict[str, Any]:
    """The figures over submitted participants' grades (callers check the actor may see them)."""
    criteria = selectors.session_criteria(session)
    submitted = list(
        CalibrationParticipant.objects.filter(session=session, submitted_at__isnull=False)
        .order_by("user_id")
        .values_list("pk", "user_id")
    )
    by_participant = dict(submitted)
    units = sorted(session.conversations.values_list("pk", flat=True))
    key_of = {c.pk: c.key for c in criteria}
    grades = {
        (by_participant[g[0]], g[1], key_of[g[2]]): g[3]
        for g in CalibrationGrade.objects.filter(participant_id__in=by_participant).values_list(
            "participant_id", "conversation_id", "criterion_id", "value"
        )
        if g[2] in key_of
    }
    info = [calibration.CriterionInfo(c.key, c.label, c.kind, c.scale_min, c.scale_max) for c in criteria]
    expert = session.expert_id if session.baseline == Baseline.EXPERT else None
    if expert is not None and expert not in by_participant.values():
        expert = None
    out = calibration.results(
        criteria=info, units=units, raters=[u for _, u in submitted], grades=grades, expert=expert
    )
    out["baseline"] = session.baseline if expert is not None or session.baseline == Baseline.CONSENSUS else "consensus"
    return out


@transaction.atomic
def calibration_close(*, actor: Any, session: CalibrationSession) -> CalibrationSession:
    session = CalibrationSession.objects.select_for_update(of=("self",)).get(pk=session.pk)
    if not (is_user(actor) and (session.lead_id == actor.pk or is_qa_staff(actor))):
        raise PermissionDenied("Only the session's lead closes it.")
    if session.status != CalibrationStatus.OPEN:
        raise ValidationError("The session is already closed.")
    session.results = calibration_results(session=session)
    session.status = CalibrationStatus.CLOSED
    session.closed_at = timezone.now()
    session.save(update_fields=["results", "status", "closed_at"])
    audit_record(
        actor=actor,
        action="qa_ops.calibration.closed",
        target=session,
        organization=session.organization,
        data={"alpha": session.results.get("alpha", {}).get("value")},
    )
    return session
