"""Reads in vetting. Vetting staff see everything; candidates their own application; sellers nothing."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.access import is_platform_staff, is_user, register_scope, scoped
from accounts.models import AuditEvent

from .filters import ApplicationFilter
from .models import (
    SCORED_STAGES,
    STAGE_ORDER,
    Application,
    ApplicationStatus,
    AssessmentAnswer,
    AssessmentAttempt,
    InterviewScorecard,
    InterviewSlot,
    Outcome,
    Reference,
    Scenario,
    Stage,
    StageResult,
)


def is_vetting_staff(actor: Any) -> bool:
    return is_platform_staff(actor, "vetting")


def can_read_pipeline(actor: Any) -> bool:
    """Vetting staff run the pipeline; ops read it to suspend approved freelancers."""
    return is_platform_staff(actor, "vetting") or is_platform_staff(actor, "ops")


@register_scope(Application)
def _applications(actor: Any) -> QuerySet[Application]:
    qs = Application.objects.select_related("freelancer__user")
    if can_read_pipeline(actor):
        return qs
    if is_user(actor):
        return qs.filter(freelancer__user=actor)
    return qs.none()


@register_scope(StageResult)
def _stage_results(actor: Any) -> QuerySet[StageResult]:
    return StageResult.objects.filter(application__in=scoped(Application, actor)).select_related("reviewer")


@register_scope(AssessmentAttempt)
def _attempts(actor: Any) -> QuerySet[AssessmentAttempt]:
    return AssessmentAttempt.objects.filter(application__in=scoped(Application, actor)).select_related(
        "application__freelancer__user"
    )


@register_scope(AssessmentAnswer)
def _answers(actor: Any) -> QuerySet[AssessmentAnswer]:
    return AssessmentAnswer.objects.filter(attempt__application__in=scoped(Application, actor)).select_related(
        "scenario"
    )


@register_scope(Scenario)
def _scenarios(actor: Any) -> QuerySet[Scenario]:
    return Scenario.objects.all() if is_vetting_staff(actor) else Scenario.objects.none()


@register_scope(InterviewSlot)
def _slots(actor: Any) -> QuerySet[InterviewSlot]:
    """Staff: all slots. Candidates: free future slots and their own booked one."""
    qs = InterviewSlot.objects.select_related("interviewer", "application__freelancer__user")
    if can_read_pipeline(actor):
        return qs
    if is_user(actor):
        return qs.filter(
            Q(application__isnull=True, starts_at__gt=timezone.now()) | Q(application__freelancer__user=actor)
        )
    return qs.none()


@register_scope(InterviewScorecard)
def _scorecards(actor: Any) -> QuerySet[InterviewScorecard]:
    if not can_read_pipeline(actor):
        return InterviewScorecard.objects.none()
    return InterviewScorecard.objects.select_related("interviewer", "application")


@register_scope(Reference)
def _references(actor: Any) -> QuerySet[Reference]:
    if not can_read_pipeline(actor):
        return Reference.objects.none()
    return Reference.objects.select_related("recorded_by", "application")


# --- candidate -------------------------------------------------------------------------------------------


def my_applications(*, actor: Any) -> QuerySet[Application]:
    """The candidate's own applications, newest first, with their stage results."""
    if not is_user(actor):
        return Application.objects.none()
    return (
        Application.objects.filter(freelancer__user=actor)
        .select_related("freelancer__user")
        .prefetch_related(Prefetch("results", queryset=StageResult.objects.order_by("started_at", "pk")))
        .order_by("-submitted_at", "-pk")
    )


def open_slots(*, actor: Any) -> QuerySet[InterviewSlot]:
    return scoped(InterviewSlot, actor).filter(application__isnull=True, starts_at__gt=timezone.now())


# --- staff ----------------------------------------------------------------------------------------------


def application_list(*, actor: Any, filters: dict | None = None) -> tuple[QuerySet[Application], ApplicationFilter]:
    """The pipeline board's list: oldest in their stage first, filtered."""
    base = scoped(Application, actor).prefetch_related(
        Prefetch("results", queryset=StageResult.objects.order_by("started_at", "pk"))
    )
    data = filters.dict() if hasattr(filters, "dict") else dict(filters or {})
    if not data.get("status"):
        data["status"] = ApplicationStatus.OPEN
    fs = ApplicationFilter(data, queryset=base)
    qs = fs.qs if fs.is_valid() else base.none()
    return qs.order_by("stage_entered_at", "pk"), fs


def stage_counts(*, actor: Any) -> list[tuple[str, str, int]]:
    """(stage, label, open applications in it) for every stage, in order. One query."""
    rows = dict(
        scoped(Application, actor)
        .filter(status=ApplicationStatus.OPEN)
        .values_list("stage")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [(s, Stage(s).label, rows.get(s, 0)) for s in STAGE_ORDER]


def application_detail(*, actor: Any, pk: int) -> Application:
    from accounts.access import get_for_actor

    qs = scoped(Application, actor).select_related(
        "identity_confirmed_by", "decided_by", "suspended_by", "assessment", "scorecard__interviewer"
    )
    qs = qs.prefetch_related(
        Prefetch("results", queryset=StageResult.objects.select_related("reviewer").order_by("started_at", "pk")),
        Prefetch("references", queryset=Reference.objects.select_related("recorded_by")),
    )
    return get_for_actor(qs, actor, pk=pk)


def application_events(*, actor: Any, application: Application) -> QuerySet[AuditEvent]:
    """The audit trail of one application (staff only)."""
    if not can_read_pipeline(actor):
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(Application), target_id=str(application.pk)
    ).order_by("created_at", "pk")


def assessment_answers(*, actor: Any, application: Application) -> QuerySet[AssessmentAnswer]:
    return scoped(AssessmentAnswer, actor).filter(attempt__application=application).order_by("position")


def scenario_list(*, actor: Any) -> QuerySet[Scenario]:
    return scoped(Scenario, actor).select_related("created_by").order_by("-active", "category", "title")


def slot_list(*, actor: Any) -> QuerySet[InterviewSlot]:
    return scoped(InterviewSlot, actor).order_by("-starts_at", "pk")


# --- funnel ---------------------------------------------------------------------------------------------


@dataclass
class FunnelRow:
    stage: str
    label: str
    reached: int
    passed: int = 0
    failed: int = 0
    in_progress: int = 0
    median_hours: Decimal | None = None

    @property
    def pass_rate(self) -> Decimal | None:
        done = self.passed + self.failed
        if not done:
            return None
        return (Decimal(self.passed) * 100 / done).quantize(Decimal("0.1"))


@dataclass
class Funnel:
    applied: int
    approved: int
    rejected: int
    rows: list[FunnelRow] = field(default_factory=list)

    def percent_of_applied(self, n: int) -> Decimal:
        return (Decimal(n) * 100 / self.applied).quantize(Decimal("0.1")) if self.applied else Decimal(0)


def funnel(*, actor: Any, since: datetime | None = None, until: datetime | None = None) -> Funnel:
    """Applied → each stage → approved, pass rates and median time in stage. Three queries, any volume."""
    apps = scoped(Application, actor)
    if since:
        apps = apps.filter(submitted_at__gte=since)
    if until:
        apps = apps.filter(submitted_at__lt=until)
    totals = apps.aggregate(
        applied=Count("pk"),
        approved=Count("pk", filter=Q(status__in=[ApplicationStatus.APPROVED, ApplicationStatus.SUSPENDED])),
        rejected=Count("pk", filter=Q(status=ApplicationStatus.REJECTED)),
    )
    results = StageResult.objects.filter(application__in=apps.values("pk"))
    counts: dict[tuple[str, str], int] = {
        (stage, outcome): n
        for stage, outcome, n in results.values_list("stage", "outcome").annotate(n=Count("pk")).order_by()
    }
    durations: dict[str, list[float]] = {s: [] for s in STAGE_ORDER}
    for stage, started, finished in results.filter(finished_at__isnull=False).values_list(
        "stage", "started_at", "finished_at"
    ):
        durations[stage].append((finished - started).total_seconds() / 3600)
    rows = []
    for stage in STAGE_ORDER:
        passed = counts.get((stage, Outcome.PASSED), 0)
        failed = counts.get((stage, Outcome.FAILED), 0)
        pending = counts.get((stage, Outcome.PENDING), 0)
        median = durations[stage]
        rows.append(
            FunnelRow(
                stage=stage,
                label=Stage(stage).label,
                reached=passed + failed + pending,
                passed=passed,
                failed=failed,
                in_progress=pending,
                median_hours=Decimal(str(round(statistics.median(median), 1))) if median else None,
            )
        )
    return Funnel(applied=totals["applied"], approved=totals["approved"], rejected=totals["rejected"], rows=rows)


def scored_stage_results(application: Application) -> dict[str, StageResult]:
    return {r.stage: r for r in application.results.all() if r.stage in SCORED_STAGES}
