"""Time entries (shifts), weekly timesheets and planned shifts.

Times are stored in UTC. A week is Monday 00:00 – Sunday 24:00 UTC and is named by its Monday
(``week_start``). Durations are whole minutes: both ends of an entry are truncated to the minute.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.timezone import now

from marketplace.models import Contract, FreelancerProfile

MAX_ENTRY_MINUTES = 16 * 60


def week_start_of(moment: dt.datetime) -> dt.date:
    """The Monday (UTC) of the ISO week containing ``moment``."""
    day = moment.astimezone(dt.UTC).date()
    return day - dt.timedelta(days=day.weekday())


def week_bounds(week_start: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[Monday 00:00 UTC, next Monday 00:00 UTC)."""
    start = dt.datetime.combine(week_start, dt.time(0), tzinfo=dt.UTC)
    return start, start + dt.timedelta(days=7)


class EntrySource(models.TextChoices):
    CLOCK = "clock", "Clock in/out"
    MANUAL = "manual", "Manual"


class TimesheetStatus(models.TextChoices):
    OPEN = "open", "Open"
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"
    DISPUTED = "disputed", "Disputed"
    RESOLVED = "resolved", "Resolved"


#: States whose hours are final and billable.
FINAL_STATUSES = (TimesheetStatus.APPROVED, TimesheetStatus.RESOLVED)


class Timesheet(models.Model):
    """One contract's hours for one ISO week. Entries can change only while it is open."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="timesheets")
    week_start = models.DateField(help_text="Monday of the ISO week (UTC)")
    status = models.CharField(max_length=16, choices=TimesheetStatus.choices, default=TimesheetStatus.OPEN)
    submitted_minutes = models.PositiveIntegerField(null=True, blank=True)
    approved_minutes = models.PositiveIntegerField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    auto_submitted = models.BooleanField(default=False)
    review_due_at = models.DateTimeField(null=True, blank=True, help_text="auto-approved after this moment")
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    auto_approved = models.BooleanField(default=False)
    disputed_minutes = models.PositiveIntegerField(null=True, blank=True)
    dispute_reason = models.TextField(blank=True)
    disputed_at = models.DateTimeField(null=True, blank=True)
    disputed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    freelancer_response = models.TextField(blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    resolution_note = models.TextField(blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submit_reminder_sent_at = models.DateTimeField(null=True, blank=True)
    approve_reminder_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=now, editable=False)

    class Meta:
        ordering = ["-week_start", "contract_id"]
        indexes = [
            models.Index(fields=["status", "week_start"]),
            models.Index(fields=["status", "review_due_at"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["contract", "week_start"], name="timesheet_one_per_contract_week"),
            models.CheckConstraint(condition=Q(status__in=TimesheetStatus.values), name="timesheet_status_valid"),
            models.CheckConstraint(
                condition=Q(approved_minutes__isnull=True) | Q(approved_minutes__lte=F("submitted_minutes")),
                name="timesheet_approved_within_submitted",
            ),
            models.CheckConstraint(
                condition=Q(disputed_minutes__isnull=True) | Q(disputed_minutes__lte=F("submitted_minutes")),
                name="timesheet_disputed_within_submitted",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["approved", "resolved"]) | Q(approved_minutes__isnull=False),
                name="timesheet_final_has_approved_minutes",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract.title} · week of {self.week_start:%Y-%m-%d}"

    @property
    def week_end(self) -> dt.datetime:
        return week_bounds(self.week_start)[1]

    @property
    def is_locked(self) -> bool:
        return self.status != TimesheetStatus.OPEN

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES

    @property
    def approved_hours(self):
        """Approved time as Decimal hours (2 places), or None before approval."""
        from .hours import minutes_to_hours

        return None if self.approved_minutes is None else minutes_to_hours(self.approved_minutes)


class TimeEntry(models.Model):
    """A worked stretch on a contract. ``ended_at`` is empty while the freelancer is clocked in."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="time_entries")
    freelancer = models.ForeignKey(FreelancerProfile, on_delete=models.PROTECT, related_name="time_entries")
    timesheet = models.ForeignKey(Timesheet, on_delete=models.PROTECT, related_name="entries")
    source = models.CharField(max_length=8, choices=EntrySource.choices)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    minutes = models.PositiveIntegerField(null=True, blank=True, help_text="set when the entry ends")
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=now, editable=False)

    class Meta:
        ordering = ["-started_at"]
        verbose_name_plural = "time entries"
        indexes = [
            models.Index(fields=["freelancer", "started_at"]),
            models.Index(fields=["contract", "started_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["freelancer"], condition=Q(ended_at__isnull=True), name="timeentry_one_running_per_freelancer"
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gt=F("started_at")),
                name="timeentry_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True, minutes__isnull=True)
                | Q(ended_at__isnull=False, minutes__gt=0, minutes__lte=MAX_ENTRY_MINUTES),
                name="timeentry_minutes_within_16h",
            ),
            models.CheckConstraint(condition=Q(source__in=EntrySource.values), name="timeentry_source_valid"),
            models.CheckConstraint(condition=~Q(source="manual") | ~Q(note=""), name="timeentry_manual_has_note"),
        ]

    def __str__(self) -> str:
        end = f"{self.ended_at:%H:%M}" if self.ended_at else "running"
        return f"{self.freelancer} {self.started_at:%Y-%m-%d %H:%M}–{end} UTC"

    @property
    def is_running(self) -> bool:
        return self.ended_at is None


class PlannedShift(models.Model):
    """A shift the seller expects the freelancer to work (optional schedule per contract)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="planned_shifts")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=now, editable=False)

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["contract", "starts_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="plannedshift_ends_after_start"),
            models.UniqueConstraint(fields=["contract", "starts_at"], name="plannedshift_unique_start"),
        ]

    def __str__(self) -> str:
        return f"{self.contract.title} {self.starts_at:%Y-%m-%d %H:%M} UTC"

    @property
    def planned_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)
