"""Demo time data, made by the time services: six past weeks of shifts clocked in and out (a manual entry on
Fridays), each week's timesheet taken through the workflow (submitted, approved, disputed, answered, resolved,
auto-submitted and auto-approved by the beat jobs), the current week still open, and a planned schedule for last
week and this one (a late start on Thursdays, a missed shift last Wednesday).

Every step is replayed at the moment it happened (the services take ``at``/``now``; never in the future), so the
timestamps tell the same story as the states. Idempotent: a contract that already has timesheets is left alone;
planned shifts are created only where none starts at that moment.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from marketplace.models import Contract, ContractStatus

from . import services
from .models import PlannedShift, TimeEntry, Timesheet, TimesheetStatus, week_bounds, week_start_of

# weeks ago → what happens to that week's timesheet
PLAN = {
    6: "approved",
    5: "approved",
    4: "resolved",
    3: "auto_approved",
    2: "disputed",
    1: "submitted",
    0: "open",
}
DISPUTED_MINUTES = 60
RESOLVE_CUT = 30  # minutes of the disputed hour the seller finally does not approve
DISPUTE_REASON = "No replies were sent on Tuesday morning according to Seller Central."
DISPUTE_ANSWER = "I was working the A-to-z claim backlog that morning; the case log shows each claim I answered."
RESOLUTION = "Half of the disputed hour accepted: the case log covers the first thirty minutes."


def _shifts(week: dt.date, weeks_ago: int, slot: int) -> list[tuple[dt.datetime, dt.datetime, str]]:
    """Weekdays from 01:00 UTC (09:00 in Manila), 5 h, Fridays 4 h (5 h every other week) entered by hand;
    a second contract of the same freelancer is 6 h later. Thursdays start 20 min late; last Wednesday is missed."""
    monday = week_bounds(week)[0]
    shifts = []
    for day in range(5):
        if weeks_ago == 1 and day == 2:
            continue  # a missed shift last Wednesday
        start = monday + dt.timedelta(days=day, hours=1 + 6 * slot)
        end = start + dt.timedelta(hours=5)
        if day == 3:
            start += dt.timedelta(minutes=20)  # a late start on Thursdays
        note = ""
        if day == 4:
            end = start + dt.timedelta(hours=5 if weeks_ago % 2 == 0 else 4)
            note = "Returns and refund requests (the time tracker was down)"
        shifts.append((start, end, note))
    return shifts


def _record(shifts: list[tuple[Contract, dt.datetime, dt.datetime, str]], now: dt.datetime) -> None:
    """Clock the shifts in and out (or enter them by hand) in the order they were worked."""
    for contract, start, end, note in sorted(shifts, key=lambda s: s[1]):
        if start < contract.started_at or end > now:
            continue
        user = contract.freelancer.user
        if note and contract.allow_manual_time:
            services.time_entry_create_manual(actor=user, contract=contract, started_at=start, ended_at=end, note=note)
        else:
            services.time_entry_clock_in(actor=user, contract=contract, at=start)
            services.time_entry_clock_out(actor=user, at=end)


def _workflow(timesheet: Timesheet, plan: str, owner, now: dt.datetime) -> None:
    """Take the week's timesheet to its planned state, each step at a moment after the week (and before now)."""
    if plan == "open" or not timesheet.entries.exists():
        return
    user = timesheet.contract.freelancer.user
    end = timesheet.week_end

    def at(days: int, hours: int) -> dt.datetime:
        return min(end + dt.timedelta(days=days, hours=hours), now)

    if plan == "auto_approved":  # the week-end beat job submits it, the review window's end approves it
        services.timesheets_auto_submit(now=at(0, 0) + dt.timedelta(minutes=10))
        timesheet.refresh_from_db()
        services.timesheets_auto_approve(now=min(timesheet.review_due_at + dt.timedelta(minutes=10), now))
        return
    timesheet = services.timesheet_submit(actor=user, timesheet=timesheet, now=at(0, -3))  # Sunday evening
    if owner is None or plan == "submitted":
        return
    if plan == "approved":
        services.timesheet_approve(actor=owner, timesheet=timesheet, now=at(1, 15))
        return
    timesheet = services.timesheet_dispute(
        actor=owner,
        timesheet=timesheet,
        disputed_minutes=min(DISPUTED_MINUTES, timesheet.submitted_minutes),
        reason=DISPUTE_REASON,
        now=at(1, 14),
    )
    timesheet = services.timesheet_respond(actor=user, timesheet=timesheet, response=DISPUTE_ANSWER, now=at(2, 2))
    if plan == "resolved":
        services.timesheet_resolve(
            actor=owner,
            timesheet=timesheet,
            approved_minutes=timesheet.submitted_minutes - min(RESOLVE_CUT, timesheet.disputed_minutes),
            note=RESOLUTION,
            now=at(2, 16),
        )


def _schedule(contract: Contract, owner, this_week: dt.date, slot: int) -> None:
    for weeks_ago in (1, 0):
        monday = week_bounds(this_week - dt.timedelta(weeks=weeks_ago))[0]
        for day in range(5):
            start = monday + dt.timedelta(days=day, hours=1 + 6 * slot)
            if owner is None or PlannedShift.objects.filter(contract=contract, starts_at=start).exists():
                continue
            try:
                services.planned_shift_create(
                    actor=owner, contract=contract, starts_at=start, ends_at=start + dt.timedelta(hours=5)
                )
            except ValidationError:
                continue  # overlaps a shift someone planned by hand: keep theirs


@transaction.atomic
def seed(out) -> list[tuple[str, str]]:
    now = timezone.now()
    this_week = week_start_of(now)
    contracts = list(
        Contract.objects.filter(status=ContractStatus.ACTIVE)
        .select_related("organization", "freelancer__user")
        .order_by("pk")
    )
    slots: dict[int, int] = {}
    todo: list[tuple[Contract, object]] = []
    shifts = []
    for contract in contracts:
        slot = slots.setdefault(contract.freelancer_id, 0)
        slots[contract.freelancer_id] += 1
        if slot > 2:
            continue  # three non-overlapping slots a day per freelancer
        owner = contract.organization.memberships.filter(role="owner").select_related("user").first()
        owner = owner.user if owner else None
        _schedule(contract, owner, this_week, slot)
        if Timesheet.objects.filter(contract=contract).exists():
            continue  # seeded before
        todo.append((contract, owner))
        for weeks_ago in PLAN:
            week = this_week - dt.timedelta(weeks=weeks_ago)
            shifts += [(contract, start, end, note) for start, end, note in _shifts(week, weeks_ago, slot)]
    _record(shifts, now)
    for weeks_ago, plan in sorted(PLAN.items(), reverse=True):
        week = this_week - dt.timedelta(weeks=weeks_ago)
        for contract, owner in todo:
            timesheet = Timesheet.objects.filter(contract=contract, week_start=week).first()
            if timesheet is not None and timesheet.status == TimesheetStatus.OPEN:
                _workflow(timesheet, plan, owner, now)
    out.write(
        f"  timesheets: {Timesheet.objects.count()} timesheets, {TimeEntry.objects.count()} entries, "
        f"{PlannedShift.objects.count()} planned shifts"
    )
    return []
