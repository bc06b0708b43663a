"""Reads in QA operations, each scoped from the actor.

Who sees what:
- platform QA staff (groups ``qa``/``ops``) see everything;
- members of a seller organization see its sampling rules, assignments, AutoQA suggestions and calibration
  sessions; owners and managers change them;
- a reviewer sees their own assignments and goal; a participant sees the calibration sessions they are in;
- calibration grades are blind: a participant who has not submitted sees only their own grades.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, F, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.access import is_user, organization_ids, register_scope, scoped
from accounts.models import MANAGE_ROLES
from qa_scoring.models import Conversation, Criterion, CriterionKind, CriterionScore, Review, ReviewKind, ReviewStatus
from qa_scoring.selectors import REVIEW_ROLES, can_review_org, is_qa_staff  # noqa: F401

from .models import (
    AssignmentStatus,
    AutoQACheckSetting,
    AutoQARun,
    AutoQASuggestion,
    CalibrationGrade,
    CalibrationParticipant,
    CalibrationSession,
    ReviewAssignment,
    ReviewerGoal,
    SamplingRule,
)


def can_manage_org(actor: Any, organization_id: int | None) -> bool:
    """Platform QA staff manage QA everywhere; a seller's owner/manager manages their own."""
    if is_qa_staff(actor):
        return True
    return organization_id is not None and organization_id in organization_ids(actor, MANAGE_ROLES)


# --- scopes


@register_scope(SamplingRule)
def _rules(actor: Any) -> QuerySet[SamplingRule]:
    qs = SamplingRule.objects.select_related("organization", "contract__freelancer__user")
    if is_qa_staff(actor):
        return qs
    return qs.filter(organization_id__in=organization_ids(actor, REVIEW_ROLES))


@register_scope(ReviewerGoal)
def _goals(actor: Any) -> QuerySet[ReviewerGoal]:
    qs = ReviewerGoal.objects.select_related("reviewer")
    if is_qa_staff(actor):
        return qs
    return qs.filter(reviewer_id=getattr(actor, "pk", None)) if is_user(actor) else qs.none()


def _done_q() -> Q:
    """An assignment counts as done once its reviewer has submitted a production review of the conversation."""
    return Q(
        Exists(
            Review.objects.filter(
                conversation_id=OuterRef("conversation_id"),
                reviewer_id=OuterRef("reviewer_id"),
                kind=ReviewKind.PRODUCTION,
                status=ReviewStatus.SUBMITTED,
            )
        )
    )


@register_scope(ReviewAssignment)
def _assignments(actor: Any) -> QuerySet[ReviewAssignment]:
    qs = ReviewAssignment.objects.select_related(
        "conversation__freelancer__user", "organization", "reviewer", "rule"
    ).annotate(reviewed=_done_q())
    if is_qa_staff(actor):
        return qs
    visible = Q(organization_id__in=organization_ids(actor, REVIEW_ROLES))
    if is_user(actor):
        visible |= Q(reviewer_id=actor.pk)
    return qs.filter(visible)


@register_scope(AutoQASuggestion)
def _suggestions(actor: Any) -> QuerySet[AutoQASuggestion]:
    qs = AutoQASuggestion.objects.select_related("conversation")
    if is_qa_staff(actor):
        return qs
    return qs.filter(conversation__organization_id__in=organization_ids(actor, REVIEW_ROLES))


@register_scope(AutoQARun)
def _runs(actor: Any) -> QuerySet[AutoQARun]:
    if is_qa_staff(actor):
        return AutoQARun.objects.all()
    return AutoQARun.objects.filter(conversation__organization_id__in=organization_ids(actor, REVIEW_ROLES))


@register_scope(AutoQACheckSetting)
def _check_settings(actor: Any) -> QuerySet[AutoQACheckSetting]:
    return AutoQACheckSetting.objects.all()


@register_scope(CalibrationSession)
def _sessions(actor: Any) -> QuerySet[CalibrationSession]:
    qs = CalibrationSession.objects.select_related("organization", "lead", "expert", "rubric_version__rubric")
    if is_qa_staff(actor):
        return qs
    visible = Q(organization_id__in=organization_ids(actor, MANAGE_ROLES))
    if is_user(actor):
        visible |= Q(lead_id=actor.pk) | Q(
            pk__in=CalibrationParticipant.objects.filter(user_id=actor.pk).values("session_id")
        )
    return qs.filter(visible)


@register_scope(CalibrationParticipant)
def _participants(actor: Any) -> QuerySet[CalibrationParticipant]:
    return CalibrationParticipant.objects.filter(session__in=scoped(CalibrationSession, actor).values("pk"))


@register_scope(CalibrationGrade)
def _grades(actor: Any) -> QuerySet[CalibrationGrade]:
    """Blind: in a session where the actor still has to submit, only their own grades are visible."""
    qs = CalibrationGrade.objects.filter(
        participant__session__in=scoped(CalibrationSession, actor).values("pk")
    ).select_related("participant__user", "criterion")
    if not is_user(actor):
        return qs
    pending = CalibrationParticipant.objects.filter(user_id=actor.pk, submitted_at__isnull=True).values("session_id")
    return qs.exclude(Q(participant__session_id__in=pending) & ~Q(participant__user_id=actor.pk))


def can_see_all_grades(actor: Any, session: CalibrationSession) -> bool:
    """Everyone who may see the session, except a participant who has not submitted yet."""
    if not is_user(actor):
        return True
    return not CalibrationParticipant.objects.filter(
        session=session, user_id=actor.pk, submitted_at__isnull=True
    ).exists()


# --- sampling and assignments


def rule_list(*, actor: Any, filters: dict | None = None) -> QuerySet[SamplingRule]:
    from .filters import SamplingRuleFilter

    qs = scoped(SamplingRule, actor).annotate(
        open_count=Count("assignments", filter=Q(assignments__status=AssignmentStatus.OPEN))
    )
    return SamplingRuleFilter(filters or {}, queryset=qs.order_by("organization_id", "name", "id")).qs


def assignment_list(*, actor: Any, filters: dict | None = None) -> QuerySet[ReviewAssignment]:
    from .filters import AssignmentFilter

    return AssignmentFilter(filters or {}, queryset=scoped(ReviewAssignment, actor)).qs


def my_assignments(*, actor: Any, filters: dict | None = None) -> QuerySet[ReviewAssignment]:
    """The actor's open assignments (those already reviewed are left out), earliest due first."""
    if not is_user(actor):
        return ReviewAssignment.objects.none()
    return (
        assignment_list(actor=actor, filters=filters)
        .filter(reviewer_id=actor.pk, status=AssignmentStatus.OPEN, reviewed=False)
        .order_by("due_at", "id")
    )


def overdue_assignments(*, actor: Any, at: dt.datetime | None = None) -> QuerySet[ReviewAssignment]:
    return (
        scoped(ReviewAssignment, actor)
        .filter(status=AssignmentStatus.OPEN, reviewed=False, due_at__lt=at or timezone.now())
        .order_by("due_at", "id")
    )


def reviewer_load(*, reviewer_ids: list[int], week_start: dt.datetime) -> dict[int, int]:
    """Assignments (not removed) each reviewer received in the week starting at ``week_start``."""
    rows = (
        ReviewAssignment.objects.filter(
            reviewer_id__in=reviewer_ids,
            created_at__gte=week_start,
            created_at__lt=week_start + dt.timedelta(days=7),
        )
        .exclude(status=AssignmentStatus.REMOVED)
        .values("reviewer_id")
        .annotate(n=Count("id"))
    )
    return {row["reviewer_id"]: row["n"] for row in rows}


# --- AutoQA


@dataclass(frozen=True)
class EvidenceQuote:
    """A quoted span and the message it comes from, as a reviewer finds it in the transcript."""

    quote: str
    author: str  # "Maria Santos (agent)"
    sent_at: dt.datetime | None


@dataclass(frozen=True)
class SuggestionView:
    """An AutoQA suggestion in the rubric's own words: the criterion's label and the value as the scorecard shows it."""

    check_key: str
    check_label: str
    criterion_key: str
    criterion_label: str
    value: int  # the scorecard radio value it pre-fills
    value_label: str  # "Yes" / "No" for yes/no criteria, "4 / 5" on a scale
    confidence_percent: int
    explanation: str
    evidence: tuple[EvidenceQuote, ...]


def criterion_value_label(criterion: Criterion, value: int | None) -> str:
    if value is None:
        return "N/A"
    if criterion.kind == CriterionKind.BINARY:
        return "Yes" if value else "No"
    return f"{value} / {criterion.scale_max}"


def suggestions_for(conversation: Conversation, *, rubric_version_id: int | None = None) -> list[SuggestionView]:
    """Suggestions of enabled checks for a conversation the caller has already resolved, in the terms of the
    rubric version being graded (the seller's default one when None). Three queries at most.

    A suggestion for a criterion the version does not have is left out: there is nothing on the scorecard to
    pre-fill, and a key the reviewer cannot find would only confuse.
    """
    from qa_scoring.autoqa import CHECKS
    from qa_scoring.models import Message
    from qa_scoring.services import default_rubric_version

    disabled = AutoQACheckSetting.objects.filter(enabled=False).values("check_key")
    suggestions = list(AutoQASuggestion.objects.filter(conversation=conversation).exclude(check_key__in=disabled))
    if not suggestions:
        return []
    if rubric_version_id is None:
        version = default_rubric_version(organization_id=conversation.organization_id)
        rubric_version_id = version.pk if version else None
    criteria = {
        c.key: c
        for c in Criterion.objects.filter(
            version_id=rubric_version_id, key__in={s.criterion_key for s in suggestions}
        ).only("key", "label", "kind", "scale_min", "scale_max")
    }
    suggestions = [s for s in suggestions if s.criterion_key in criteria]
    message_ids = {e.get("message_id") for s in suggestions for e in s.evidence}
    messages = (
        {m.pk: m for m in Message.objects.filter(conversation=conversation, pk__in=message_ids)} if message_ids else {}
    )
    views = []
    for s in suggestions:
        criterion = criteria[s.criterion_key]
        evidence = []
        for e in s.evidence:
            message = messages.get(e.get("message_id"))
            author = ""
            if message is not None:
                role = message.get_author_role_display()
                name = message.author_name
                author = f"{name} ({role.lower()})" if name and name.lower() != role.lower() else role
            evidence.append(
                EvidenceQuote(
                    quote=e.get("quote", ""),
                    author=author or "A message no longer in the transcript",
                    sent_at=message.sent_at if message else None,
                )
            )
        check = CHECKS.get(s.check_key)
        views.append(
            SuggestionView(
                check_key=s.check_key,
                check_label=check.label if check else s.check_key,
                criterion_key=s.criterion_key,
                criterion_label=criterion.label,
                value=s.value,
                value_label=criterion_value_label(criterion, s.value),
                confidence_percent=round(s.confidence * 100),
                explanation=s.explanation,
                evidence=tuple(evidence),
            )
        )
    return views


def suggestion_list(*, actor: Any, filters: dict | None = None) -> QuerySet[AutoQASuggestion]:
    from .filters import SuggestionFilter

    return SuggestionFilter(filters or {}, queryset=scoped(AutoQASuggestion, actor)).qs


def check_agreement(*, actor: Any) -> list[dict[str, Any]]:
    """Per check: how its suggestions compare with the final human grade of the same criterion.

    "Positive" means *fails the criterion* (suggested 0; human criterion score below half of the scale).
    Only submitted production reviews the actor may see count. One query.
    """
    from qa_scoring.autoqa import CHECKS

    human = (
        CriterionScore.objects.filter(
            review__in=scoped(Review, actor)
            .filter(kind=ReviewKind.PRODUCTION, status=ReviewStatus.SUBMITTED)
            .values("pk"),
            review__conversation_id=OuterRef("conversation_id"),
            criterion__key=OuterRef("criterion_key"),
            value__isnull=False,
        )
        .annotate(
            doubled=F("value") * 2,
            fails=ExpressionWrapper(
                Q(doubled__lt=F("criterion__scale_min") + F("criterion__scale_max")), output_field=BooleanField()
            ),
        )
        .order_by("-review__submitted_at")
        .values("fails")[:1]
    )
    rows = (
        scoped(AutoQASuggestion, actor)
        .annotate(human_fails=human)
        .filter(human_fails__isnull=False)
        .values("check_key")
        .annotate(
            tp=Count("pk", filter=Q(value=0, human_fails=True)),
            fp=Count("pk", filter=Q(value=0, human_fails=False)),
            fn=Count("pk", filter=~Q(value=0) & Q(human_fails=True)),
            tn=Count("pk", filter=~Q(value=0) & Q(human_fails=False)),
        )
        .order_by()
    )
    found = {row["check_key"]: row for row in rows}
    enabled = dict(AutoQACheckSetting.objects.values_list("check_key", "enabled"))
    result = []
    for key, check in CHECKS.items():
        row = found.get(key, {"tp": 0, "fp": 0, "fn": 0, "tn": 0})
        tp, fp, fn, tn = row["tp"], row["fp"], row["fn"], row["tn"]
        total = tp + fp + fn + tn
        result.append(
            {
                "check": key,
                "label": check.label,
                "criterion_keys": list(check.criterion_keys),
                "enabled": enabled.get(key, True),
                "compared": total,
                "tp": tp,
                "fp": fp,
                "fn": fn,
                "tn": tn,
                "precision": round(tp / (tp + fp), 3) if tp + fp else None,
                "recall": round(tp / (tp + fn), 3) if tp + fn else None,
                "agreement": round((tp + tn) / total, 3) if total else None,
            }
        )
    return result


# --- calibration


def session_list(*, actor: Any) -> QuerySet[CalibrationSession]:
    return (
        scoped(CalibrationSession, actor)
        .annotate(
            participant_count=Count("participants", distinct=True),
            submitted_count=Count("participants", filter=Q(participants__submitted_at__isnull=False), distinct=True),
        )
        .order_by("-created_at", "-id")
    )


def session_detail(*, actor: Any, pk: int) -> CalibrationSession:
    """The session the actor may see, with its participants and its conversations' transcripts (3 queries)."""
    from accounts.access import get_for_actor
    from qa_scoring.models import Message

    transcripts = Conversation.objects.order_by("pk").prefetch_related(
        Prefetch("messages", queryset=Message.objects.order_by("position"))
    )
    qs = scoped(CalibrationSession, actor).prefetch_related(
        Prefetch("participants", queryset=CalibrationParticipant.objects.select_related("user")),
        Prefetch("conversations", queryset=transcripts),
    )
    return get_for_actor(qs, actor, pk=pk)


def session_criteria(session: CalibrationSession) -> list[Criterion]:
    return list(
        Criterion.objects.filter(version_id=session.rubric_version_id).order_by("section__position", "position", "id")
    )


def my_grades(*, actor: Any, session: CalibrationSession) -> dict[tuple[int, int], int | None]:
    """(conversation id, criterion id) → the actor's value in the session."""
    return {
        (g.conversation_id, g.criterion_id): g.value
        for g in CalibrationGrade.objects.filter(participant__session=session, participant__user_id=actor.pk)
    }


def session_grades(*, actor: Any, session: CalibrationSession) -> list[CalibrationGrade]:
    return list(scoped(CalibrationGrade, actor).filter(participant__session=session))


def reviewer_drift(*, actor: Any, reviewer_id: int | None = None) -> list[dict[str, Any]]:
    """Each reviewer's deviation from the baseline over closed sessions, oldest first (two queries)."""
    from django.contrib.auth import get_user_model

    sessions = list(
        scoped(CalibrationSession, actor)
        .filter(status="closed")
        .order_by("closed_at", "id")
        .values_list("pk", "title", "closed_at", "results")
    )
    ids = {int(uid) for *_, results in sessions for uid in (results or {}).get("reviewers", {})}
    emails = dict(get_user_model().objects.filter(pk__in=ids).values_list("pk", "email"))
    rows = []
    for pk, title, closed_at, results in sessions:
        for uid, row in sorted((results or {}).get("reviewers", {}).items(), key=lambda kv: emails.get(int(kv[0]), "")):
            if reviewer_id is not None and int(uid) != reviewer_id:
                continue
            rows.append(
                {
                    "reviewer": emails.get(int(uid), uid),
                    "reviewer_id": int(uid),
                    "session": pk,
                    "title": title,
                    "closed": closed_at.date().isoformat(),
                    "mean_abs_deviation": row.get("mean_abs_deviation"),
                    "mean_deviation": row.get("mean_deviation"),
                }
            )
    return rows
