"""Reads of time entries, timesheets and planned shifts, scoped from the actor.

The billing app reads approved hours through :func:`approved_timesheets`; bonus rules may read
:func:`schedule_adherence`.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from accounts.access import is_user, organization_ids, register_scope, scoped
from marketplace.models import Contract

from .models import FINAL_STATUSES, PlannedShift, TimeEntry, Timesheet, TimesheetStatus, week_bounds


def _visible(actor: Any, prefix: str = "") -> Q:
    """Rows of the actor's organizations' contracts, and the freelancer's own contracts."""
    visible = Q(**{f"{prefix}contract__organization_id__in": organization_ids(actor)})
    if is_user(actor):
        visible |= Q(**{f"{prefix}contract__freelancer__user": actor})
    return visible


@register_scope(Timesheet)
def _timesheets(actor: Any) -> QuerySet[Timesheet]:
    return Timesheet.objects.filter(_visible(actor)).select_related(
        "contract__organization", "contract__freelancer__user"
    )


@register_scope(TimeEntry)
def _time_entries(actor: Any) -> QuerySet[TimeEntry]:
    return TimeEntry.objects.filter(_visible(actor)).select_related(
        "contract__organization", "freelancer__user", "timesheet"
    )


@register_scope(PlannedShift)
def _planned_shifts(actor: Any) -> QuerySet[PlannedShift]:
    return PlannedShift.objects.filter(_visible(actor)).select_related(
        "contract__organization", "contract__freelancer__user"
    )


# --- For billing (not actor-scoped: billing runs are system jobs) -------------------------------------------


def approved_timesheets(*, week_start: dt.date, organization_id: int | None = None) -> QuerySet[Timesheet]:
    """Final (approved or resolved) timesheets of one ISO week, for invoicing.

    Each row carries ``approved_minutes`` (int) and ``approved_hours`` (Decimal, 2 places) and has its
    contract, organization and freelancer already joined. Not scoped to an actor: callers are billing jobs.
    Hours of a timesheet are final once it is here; they never change afterwards.
    """
    qs = Timesheet.objects.filter(week_start=week_start, status__in=FINAL_STATUSES).select_related(
        "contract__organization", "contract__freelancer__user"
    )
    if organization_id is not None:
        qs = qs.filter(contract__organization_id=organization_id)
    return qs.order_by("contract__organization_id", "contract_id")


def schedule_adherence(contract: Contract, week_start: dt.date) -> Decimal | None:
    """Share of the week's planned shift time actually worked, in percent (1 decimal place).

    Only planned shifts that have already ended count. None when there is no such planned shift.
    """
    start, end = week_bounds(week_start)
    end = min(end, timezone.now())
    shifts = list(PlannedShift.objects.filter(contract=contract, starts_at__gte=start, ends_at__lte=end))
    if not shifts:
        return None
    planned = sum(s.planned_minutes for s in shifts)
    entries = list(
        TimeEntry.objects.filter(
            contract=contract,
            started_at__lt=max(s.ends_at for s in shifts),
            ended_at__gt=min(s.starts_at for s in shifts),
        ).values_list("started_at", "ended_at")
    )
    worked = sum(_overlap_minutes(s.starts_at, s.ends_at, entries) for s in shifts)
    return (Decimal(worked) * 100 / Decimal(planned)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _overlap_minutes(start: dt.datetime, end: dt.datetime, entries: list[tuple[dt.datetime, dt.datetime]]) -> int:
    total = 0
    for e_start, e_end in entries:
        lo, hi = max(start, e_start), min(end, e_end or timezone.now())
        if hi > lo:
            total += int((hi - lo).total_seconds() // 60)
    return total


def shift_status(shift: PlannedShift, entries: list[tuple[dt.datetime, dt.datetime | None]]) -> str:
    """``upcoming``, ``on_time``, ``late`` or ``missed`` for one planned shift, given the contract's entries."""
    now = timezone.now()
    grace = dt.timedelta(minutes=settings.TIMESHEETS_LATE_GRACE_MINUTES)
    touching = [(s, e) for s, e in entries if s < shift.ends_at and (e is None or e > shift.starts_at)]
    if not touching:
        if shift.starts_at + grace > now:
            return "upcoming"
        return "missed"
    first = min(s for s, _ in touching)
    return "on_time" if first <= shift.starts_at + grace else "late"


# --- Actor-scoped reads ------------------------------------------------------------------------------------


def running_entry(*, actor: Any) -> TimeEntry | None:
    if not is_user(actor):
        return None
    return scoped(TimeEntry, actor).filter(freelancer__user=actor, ended_at__isnull=True).first()


def freelancer_contracts(*, actor: Any) -> QuerySet[Contract]:
    """The actor's own active contracts (to clock in on)."""
    return scoped(Contract, actor).filter(freelancer__user=actor, status="active").order_by("title")


def week_entries(*, actor: Any, week_start: dt.date) -> QuerySet[TimeEntry]:
    return (
        scoped(TimeEntry, actor).filter(freelancer__user=actor, timesheet__week_start=week_start).order_by("started_at")
    )


def week_timesheets(*, actor: Any, week_start: dt.date) -> QuerySet[Timesheet]:
    """The freelancer's timesheets of a week with their running totals (``total_minutes``)."""
    return (
        scoped(Timesheet, actor)
        .filter(contract__freelancer__user=actor, week_start=week_start)
        .annotate(total_minutes=Sum("entries__minutes"))
        .order_by("contract__title")
    )


def timesheet_list(*, actor: Any, filters: dict | None = None) -> QuerySet[Timesheet]:
    from .filters import TimesheetFilter

    qs = scoped(Timesheet, actor).annotate(total_minutes=Sum("entries__minutes")).order_by("-week_start", "pk")
    return TimesheetFilter(filters or {}, queryset=qs).qs


def pending_approvals(*, actor: Any, organization_id: int, filters: dict | None = None) -> QuerySet[Timesheet]:
    """Submitted and disputed timesheets of one organization the actor belongs to."""
    return timesheet_list(actor=actor, filters=filters).filter(
        contract__organization_id=organization_id,
        status__in=[TimesheetStatus.SUBMITTED, TimesheetStatus.DISPUTED],
    )


def approvals_page(*, actor: Any, organization_id: int, filters: dict | None = None):
    """(filterset, rows) of the seller's approvals page: submitted and disputed weeks by default, approved and
    resolved ones with ``show=history``; newest week first. Rows carry their contract and freelancer."""
    from .filters import ApprovalFilter

    qs = (
        scoped(Timesheet, actor)
        .filter(contract__organization_id=organization_id)
        .exclude(status=TimesheetStatus.OPEN)
        .order_by("-week_start", "contract__title", "pk")
    )
    filterset = ApprovalFilter(filters, queryset=qs, organization_id=organization_id)
    return filterset, filterset.qs


def timesheet_entries(*, actor: Any, timesheet: Timesheet) -> QuerySet[TimeEntry]:
    return scoped(TimeEntry, actor).filter(timesheet=timesheet).order_by("started_at")


def weekly_hours(*, actor: Any, organization_id: int | None = None, weeks: int = 8) -> list[dict]:
    """Minutes per week over the last ``weeks`` weeks (submitted or later and open), for the hours chart."""
    from .models import week_start_of

    latest = week_start_of(timezone.now())
    first = latest - dt.timedelta(weeks=weeks - 1)
    qs = scoped(TimeEntry, actor).filter(timesheet__week_start__gte=first, minutes__isnull=False)
    if organization_id is not None:
        qs = qs.filter(contract__organization_id=organization_id)
    else:
        qs = qs.filter(freelancer__user=actor)
    totals = dict(qs.order_by().values_list("timesheet__week_start").annotate(m=Sum("minutes")))
    rows = []
    peak = max(totals.values(), default=0) or 1
    for i in range(weeks):
        week = first + dt.timedelta(weeks=i)
        minutes = totals.get(week, 0)
        rows.append({"week_start": week, "minutes": minutes, "percent": round(minutes * 100 / peak)})
    return rows


def approved_hours_rows(*, actor: Any, organization_id: int, start: dt.date, end: dt.date) -> QuerySet[Timesheet]:
    """Final timesheets of one organization with ``week_start`` in [start, end], for the CSV export."""
    return (
        scoped(Timesheet, actor)
        .filter(
            contract__organization_id=organization_id,
            status__in=FINAL_STATUSES,
            week_start__gte=start,
            week_start__lte=end,
        )
        .order_by("week_start", "contract__title", "pk")
    )


def shift_board(*, actor: Any, organization_id: int, start: dt.datetime, end: dt.datetime) -> list[dict]:
    """Planned shifts of an organization starting in [start, end) with their status, in two queries."""
    shifts = list(
        scoped(PlannedShift, actor)
        .filter(contract__organization_id=organization_id, starts_at__gte=start, starts_at__lt=end)
        .order_by("starts_at")
    )
    if not shifts:
        return []
    by_contract: dict[int, list] = {}
    for started, ended, contract_id in (
        TimeEntry.objects.filter(
            contract_id__in={s.contract_id for s in shifts},
            started_at__lt=max(s.ends_at for s in shifts),
        )
        .exclude(ended_at__lte=min(s.starts_at for s in shifts))
        .values_list("started_at", "ended_at", "contract_id")
    ):
        by_contract.setdefault(contract_id, []).append((started, ended))
    return [{"shift": s, "status": shift_status(s, by_contract.get(s.contract_id, []))} for s in shifts]


def flagged_shifts(*, actor: Any, organization_id: int, days: int = 7) -> list[dict]:
    """Late starts and missed shifts of the last ``days`` days, for the seller's dashboard."""
    now = timezone.now()
    board = shift_board(actor=actor, organization_id=organization_id, start=now - dt.timedelta(days=days), end=now)
    return [row for row in board if row["status"] in ("late", "missed")]


def week_minutes_by_contract(*, actor: Any, week_start: dt.date, organization_id: int | None = None) -> dict[int, int]:
    """Recorded minutes per contract in one ISO week, counted as :func:`weekly_hours` counts them (finished
    entries of the organization's contracts, or of the actor's own when no organization is given). One query."""
    qs = scoped(TimeEntry, actor).filter(timesheet__week_start=week_start, minutes__isnull=False)
    if organization_id is not None:
        qs = qs.filter(contract__organization_id=organization_id)
    else:
        qs = qs.filter(freelancer__user=actor)
    return dict(qs.order_by().values_list("contract_id").annotate(m=Sum("minutes")))
