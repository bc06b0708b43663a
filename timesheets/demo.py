"""Demo time data: six past weeks of entries and timesheets in every state, the current open week, and a
shift schedule with a late start and a missed shift. Idempotent: a week that already has a timesheet is left
alone, planned shifts are keyed on (contract, start)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import Organization
from marketplace.matching.index import match_index_refresh
from marketplace.models import Contract, ContractStatus, FreelancerProfile

from .models import EntrySource, PlannedShift, TimeEntry, Timesheet, TimesheetStatus, week_bounds, week_start_of

# weeks ago → the state the demo leaves that week's timesheet in
STATES = {
    6: TimesheetStatus.APPROVED,
    5: TimesheetStatus.APPROVED,
    4: TimesheetStatus.RESOLVED,
    3: TimesheetStatus.APPROVED,
    2: TimesheetStatus.DISPUTED,
    1: TimesheetStatus.SUBMITTED,
    0: TimesheetStatus.OPEN,
}


def _demo_contract() -> Contract | None:
    """Maria's contract with Northwind (the marketplace demo's); created here only if it is missing."""
    profile = FreelancerProfile.objects.filter(user__email="maria@freelancers.example").first()
    org = Organization.objects.filter(slug="northwind-goods").first()
    if profile is None or org is None:
        return None
    existing = Contract.objects.filter(freelancer=profile, organization=org, status=ContractStatus.ACTIVE).first()
    if existing:
        return existing
    start = timezone.now() - dt.timedelta(weeks=8)
    rate = profile.hourly_rate or 9
    contract = Contract.objects.create(
        organization=org,
        freelancer=profile,
        title="Amazon buyer messages (demo)",
        pay_rate=rate,
        bill_rate=(rate * (1 + settings.PLATFORM_FEE_RATE)).quantize(rate.__class__("0.01")),
        currency="USD",
        weekly_hour_cap=40,
        starts_on=start.date(),
        started_at=start,
    )
    match_index_refresh(profile=profile)  # her remaining hours count this contract in every ranking
    return contract


def _entries_for(contract: Contract, timesheet: Timesheet, slot: int, now: dt.datetime) -> int:
    """Weekdays 01:00–05:00 UTC (09:00–13:00 in Manila), shifted by 6 h for a freelancer's second contract."""
    total = 0
    monday, _ = week_bounds(timesheet.week_start)
    for day in range(5):
        start = monday + dt.timedelta(days=day, hours=1 + 6 * slot)
        if timesheet.week_start == week_start_of(now) - dt.timedelta(weeks=1) and day == 2:
            continue  # a missed shift last Wednesday
        if day == 3:
            start += dt.timedelta(minutes=20)  # a late start on Thursdays
        end = start + dt.timedelta(hours=4 if day != 4 else 3, minutes=-20 if day == 3 else 0)
        if start < contract.started_at or end > now:
            continue
        minutes = int((end - start).total_seconds() // 60)
        TimeEntry.objects.create(
            contract=contract,
            freelancer=contract.freelancer,
            timesheet=timesheet,
            source=EntrySource.MANUAL if day == 4 else EntrySource.CLOCK,
            started_at=start,
            ended_at=end,
            minutes=minutes,
            note="Returns and refund requests" if day == 4 else "",
        )
        total += minutes
    return total


def _finish(timesheet: Timesheet, state: str, total: int, owner, now: dt.datetime) -> None:
    if state == TimesheetStatus.OPEN or total == 0:
        return
    week_end = week_bounds(timesheet.week_start)[1]
    timesheet.status = state
    timesheet.submitted_minutes = total
    timesheet.submitted_at = week_end
    timesheet.auto_submitted = state == TimesheetStatus.SUBMITTED
    timesheet.review_due_at = week_end + dt.timedelta(days=settings.TIMESHEETS_REVIEW_WINDOW_DAYS)
    if state in (TimesheetStatus.DISPUTED, TimesheetStatus.RESOLVED):
        timesheet.disputed_minutes = 60
        timesheet.dispute_reason = "No replies were sent on Tuesday morning according to Seller Central."
        timesheet.disputed_at = week_end + dt.timedelta(days=1)
        timesheet.disputed_by = owner
        timesheet.freelancer_response = "I was working the A-to-z claim backlog that morning; see the case log."
        timesheet.responded_at = week_end + dt.timedelta(days=2)
    if state == TimesheetStatus.RESOLVED:
        timesheet.approved_minutes = total - 30
        timesheet.resolution_note = "Half of the disputed hour accepted."
        timesheet.resolved_at = week_end + dt.timedelta(days=3)
        timesheet.resolved_by = owner
    if state == TimesheetStatus.APPROVED:
        timesheet.approved_minutes = total
        timesheet.approved_at = min(week_end + dt.timedelta(days=1), now)
        timesheet.approved_by = owner
    timesheet.save()


@transaction.atomic
def seed(out) -> list[tuple[str, str]]:
    now = timezone.now()
    _demo_contract()
    contracts = list(
        Contract.objects.filter(status=ContractStatus.ACTIVE)
        .select_related("organization", "freelancer")
        .order_by("pk")
    )
    slots: dict[int, int] = {}
    this_week = week_start_of(now)
    for contract in contracts:
        slot = slots.setdefault(contract.freelancer_id, 0)
        slots[contract.freelancer_id] += 1
        if slot > 2:
            continue  # three non-overlapping slots a day per freelancer
        owner = contract.organization.memberships.filter(role="owner").select_related("user").first()
        for weeks_ago, state in STATES.items():
            week = this_week - dt.timedelta(weeks=weeks_ago)
            if week_bounds(week)[1] <= contract.started_at:
                continue
            timesheet, created = Timesheet.objects.get_or_create(contract=contract, week_start=week)
            if not created:
                continue
            total = _entries_for(contract, timesheet, slot, now)
            _finish(timesheet, state, total, owner.user if owner else None, now)
        for weeks_ago in (1, 0):
            monday = week_bounds(this_week - dt.timedelta(weeks=weeks_ago))[0]
            for day in range(5):
                start = monday + dt.timedelta(days=day, hours=1 + 6 * slot)
                PlannedShift.objects.get_or_create(
                    contract=contract, starts_at=start, defaults={"ends_at": start + dt.timedelta(hours=4)}
                )
    out.write(
        f"  timesheets: {Timesheet.objects.count()} timesheets, {TimeEntry.objects.count()} entries, "
        f"{PlannedShift.objects.count()} planned shifts"
    )
    return []
