"""Every write about time: clocking in and out, manual entries, the timesheet workflow and planned shifts.

Each freelancer's time writes are serialised by locking their profile row (``select_for_update``), so the
overlap and weekly-cap checks see every committed entry; on PostgreSQL an exclusion constraint backs the
overlap rule and a partial unique index allows one running entry per freelancer on every database.
Workflow steps are conditional updates (``filter(pk=…, status=…).update(…)``): a step that lost a race
changes nothing and reports the current state.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import has_org_role, is_user
from accounts.audit import audit_record
from accounts.clock import step_moment
from accounts.models import MANAGE_ROLES
from accounts.timezones import local_time
from marketplace.models import Contract, FreelancerProfile

from .hours import format_minutes
from .models import (
    MAX_ENTRY_MINUTES,
    EntrySource,
    PlannedShift,
    TimeEntry,
    Timesheet,
    TimesheetStatus,
    week_bounds,
    week_start_of,
)


def _minute(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC).replace(second=0, microsecond=0)


def _minutes(start: dt.datetime, end: dt.datetime) -> int:
    return int((end - start).total_seconds() // 60)


def _require_freelancer_of(actor: Any, contract: Contract) -> FreelancerProfile:
    """Lock and return the contract's freelancer profile when the actor is that freelancer."""
    if not is_user(actor) or contract.freelancer.user_id != actor.pk:
        raise PermissionDenied("Only the contract's freelancer can record time on it.")
    return FreelancerProfile.objects.select_for_update().get(pk=contract.freelancer_id)


def _require_manager(actor: Any, contract: Contract) -> None:
    if not has_org_role(actor, contract.organization_id, MANAGE_ROLES):
        raise PermissionDenied("Only an owner or manager of the seller can do that.")


def _require_active(contract: Contract) -> None:
    if not contract.is_active:
        raise ValidationError(
            {"contract": f"This contract is {contract.get_status_display().lower()}; it does not accept new time."}
        )


def _open_timesheet(contract: Contract, week_start: dt.date) -> Timesheet:
    timesheet, _created = Timesheet.objects.get_or_create(contract=contract, week_start=week_start)
    if timesheet.status != TimesheetStatus.OPEN:
        raise ValidationError(
            {
                "started_at": f"The timesheet for the week of {week_start:%d %b %Y} is "
                f"{timesheet.get_status_display().lower()}; its entries are locked."
            }
        )
    return timesheet


def _week_minutes(contract: Contract, week_start: dt.date, *, exclude_pk: int | None = None) -> int:
    qs = TimeEntry.objects.filter(contract=contract, timesheet__week_start=week_start, minutes__isnull=False)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.aggregate(m=Sum("minutes"))["m"] or 0


def _cap_left(contract: Contract, week_start: dt.date, *, exclude_pk: int | None = None) -> int:
    return max(contract.weekly_hour_cap * 60 - _week_minutes(contract, week_start, exclude_pk=exclude_pk), 0)


def _check_overlap(profile: FreelancerProfile, start: dt.datetime, end: dt.datetime | None, exclude_pk=None) -> None:
    qs = TimeEntry.objects.filter(freelancer=profile).exclude(pk=exclude_pk)
    if end is not None:
        qs = qs.filter(started_at__lt=end)
    clash = qs.exclude(ended_at__lte=start).select_related("contract").order_by("started_at").first()
    if clash is not None:
        when = _("still running")
        if clash.ended_at is not None:
            when = _("until %(end)s") % {"end": local_time(clash.ended_at)}
        raise ValidationError(
            {
                "started_at": _("This overlaps your entry on “%(title)s” from %(start)s (%(when)s).")
                % {"title": clash.contract.title, "start": local_time(clash.started_at), "when": when}
            }
        )


def _save(entry: TimeEntry) -> TimeEntry:
    entry.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError as exc:  # the database's own overlap / one-running rules, after a race
        raise ValidationError({"started_at": "This overlaps another of your entries."}) from exc
    return entry


# --- Time entries ------------------------------------------------------------------------------------------


@transaction.atomic
def time_entry_clock_in(*, actor: Any, contract: Contract, at: dt.datetime | None = None) -> TimeEntry:
    profile = _require_freelancer_of(actor, contract)
    contract = Contract.objects.get(pk=contract.pk)
    _require_active(contract)
    start = _minute(at or timezone.now())
    if TimeEntry.objects.filter(freelancer=profile, ended_at__isnull=True).exists():
        raise ValidationError({"contract": "You are already clocked in. Clock out first."})
    if start < _minute(contract.started_at):  # entries are whole minutes: the minute it was accepted counts
        raise ValidationError(
            {
                "contract": _("This contract has not started yet; it starts %(start)s.")
                % {"start": local_time(contract.started_at)}
            }
        )
    week = week_start_of(start)
    left = _cap_left(contract, week)
    if left <= 0:
        raise ValidationError(
            {"contract": f"The weekly cap of {contract.weekly_hour_cap} h on this contract is reached; 0 h left."}
        )
    _check_overlap(profile, start, None)
    entry = TimeEntry(
        contract=contract,
        freelancer=profile,
        timesheet=_open_timesheet(contract, week),
        source=EntrySource.CLOCK,
        started_at=start,
    )
    _save(entry)
    audit_record(actor=actor, action="time_entry.clocked_in", target=entry, organization=contract.organization)
    return entry


@transaction.atomic
def time_entry_clock_out(*, actor: Any, at: dt.datetime | None = None) -> list[TimeEntry]:
    """End the actor's running entry. Returns the stored entries (split at a week boundary; maybe none).

    The end is clipped to 16 h, to the contract's end and to the weekly cap; a stretch shorter than a minute
    is dropped.
    """
    if not is_user(actor):
        raise PermissionDenied("Only a freelancer can clock out.")
    profile = FreelancerProfile.objects.select_for_update().filter(user=actor).first()
    entry = (
        TimeEntry.objects.select_related("contract__organization")
        .filter(freelancer=profile, ended_at__isnull=True)
        .first()
        if profile
        else None
    )
    if entry is None:
        raise ValidationError("You are not clocked in.")
    contract = entry.contract
    end = _minute(at or timezone.now())
    end = min(end, entry.started_at + dt.timedelta(minutes=MAX_ENTRY_MINUTES))
    if contract.ended_at is not None:
        end = min(end, _minute(contract.ended_at))
    stored: list[TimeEntry] = []
    start, current = entry.started_at, entry
    while True:
        week = week_start_of(start)
        week_end = week_bounds(week)[1]
        part_end = min(end, week_end, start + dt.timedelta(minutes=_cap_left(contract, week, exclude_pk=current.pk)))
        if current.pk is None:
            timesheet = Timesheet.objects.get_or_create(contract=contract, week_start=week)[0]
            if timesheet.status != TimesheetStatus.OPEN:
                break
            current.timesheet = timesheet
        if part_end > start:
            current.ended_at, current.minutes = part_end, _minutes(start, part_end)
            _save(current)
            stored.append(current)
        elif current.pk is not None:
            current.delete()
        if part_end < week_end or end <= week_end:
            break
        start = week_end
        current = TimeEntry(
            contract=contract, freelancer=profile, source=EntrySource.CLOCK, started_at=start, note=entry.note
        )
    audit_record(
        actor=actor,
        action="time_entry.clocked_out",
        target=contract,
        organization=contract.organization,
        data={"entries": [e.pk for e in stored], "minutes": sum(e.minutes for e in stored)},
    )
    return stored


@transaction.atomic
def time_entry_create_manual(
    *, actor: Any, contract: Contract, started_at: dt.datetime, ended_at: dt.datetime, note: str
) -> TimeEntry:
    profile = _require_freelancer_of(actor, contract)
    contract = Contract.objects.select_related("organization").get(pk=contract.pk)
    _require_active(contract)
    if not contract.allow_manual_time:
        raise ValidationError({"contract": "The seller does not allow manual time on this contract. Clock in instead."})
    note = (note or "").strip()
    errors: dict[str, str] = {}
    if not note:
        errors["note"] = "Say what you worked on: a note is required for manual time."
    if started_at is None or ended_at is None:
        raise ValidationError({"started_at": "Give a start and an end."} | errors)
    start, end = _minute(started_at), _minute(ended_at)
    now = timezone.now()
    if end <= start:
        errors["ended_at"] = "The end must be after the start."
    elif end > now:
        errors["ended_at"] = _("Time in the future cannot be recorded; it is now %(now)s.") % {"now": local_time(now)}
    elif _minutes(start, end) > MAX_ENTRY_MINUTES:
        errors["ended_at"] = f"An entry can last at most 16 h; this one lasts {format_minutes(_minutes(start, end))}."
    elif start < _minute(contract.started_at) or (contract.ended_at and end > contract.ended_at):
        life = _("from %(start)s") % {"start": local_time(contract.started_at)}
        if contract.ended_at:
            life = _("from %(start)s to %(end)s") % {
                "start": local_time(contract.started_at),
                "end": local_time(contract.ended_at),
            }
        errors["started_at"] = _("The entry must lie inside the contract's life (%(life)s).") % {"life": life}
    elif week_start_of(start) != week_start_of(end - dt.timedelta(microseconds=1)):
        boundary = week_bounds(week_start_of(start))[1]
        errors["ended_at"] = _(
            "An entry cannot cross the week boundary (Sunday 24:00 UTC, %(local)s); split it in two."
        ) % {"local": local_time(boundary)}
    if errors:
        raise ValidationError(errors)
    minutes = _minutes(start, end)
    week = week_start_of(start)
    timesheet = _open_timesheet(contract, week)
    _check_overlap(profile, start, end)
    left = _cap_left(contract, week)
    if minutes > left:
        raise ValidationError(
            {
                "ended_at": f"This would cross the weekly cap of {contract.weekly_hour_cap} h; "
                f"{format_minutes(left)} left this week."
            }
        )
    entry = TimeEntry(
        contract=contract,
        freelancer=profile,
        timesheet=timesheet,
        source=EntrySource.MANUAL,
        started_at=start,
        ended_at=end,
        minutes=minutes,
        note=note,
    )
    _save(entry)
    audit_record(
        actor=actor,
        action="time_entry.manual_added",
        target=entry,
        organization=contract.organization,
        data={"minutes": minutes, "note": note},
    )
    return entry


@transaction.atomic
def time_entry_delete(*, actor: Any, entry: TimeEntry) -> None:
    entry = TimeEntry.objects.select_related("timesheet", "contract__organization", "freelancer").get(pk=entry.pk)
    _require_freelancer_of(actor, entry.contract)
    if entry.timesheet.is_locked:
        raise ValidationError("The timesheet is submitted; its entries are locked.")
    audit_record(
        actor=actor,
        action="time_entry.deleted",
        target=entry,
        organization=entry.contract.organization,
        data={"started_at": entry.started_at, "ended_at": entry.ended_at, "minutes": entry.minutes},
    )
    entry.delete()


# --- Timesheets --------------------------------------------------------------------------------------------


def _total(timesheet: Timesheet) -> int:
    return timesheet.entries.filter(minutes__isnull=False).aggregate(m=Sum("minutes"))["m"] or 0


def _refresh(timesheet: Timesheet) -> Timesheet:
    return Timesheet.objects.select_related("contract__organization", "contract__freelancer__user").get(pk=timesheet.pk)


def _who_when(timesheet: Timesheet) -> dict:
    """Whose week it is, for the audit log's plain-words line."""
    return {"freelancer": timesheet.contract.freelancer.user.display_name, "week_start": timesheet.week_start}


def _state_error(timesheet: Timesheet, verb: str) -> ValidationError:
    current = Timesheet.objects.filter(pk=timesheet.pk).values_list("status", flat=True).first()
    label = TimesheetStatus(current).label.lower() if current else "gone"
    return ValidationError(f"This timesheet is {label}; it cannot be {verb}.")


@transaction.atomic
def timesheet_submit(
    *, actor: Any, timesheet: Timesheet, auto: bool = False, now: dt.datetime | None = None
) -> Timesheet:
    """Lock the week's entries and start the seller's review window. ``auto`` is the week-end job (actor None).

    ``now`` is the moment of submission (default: now); the beat job and the demo pass the moment they act at.
    """
    now = step_moment(now)
    if not auto:
        if not is_user(actor) or timesheet.contract.freelancer.user_id != actor.pk:
            raise PermissionDenied("Only the contract's freelancer can submit this timesheet.")
        if timesheet.week_start > week_start_of(now):
            raise ValidationError("A week that has not started cannot be submitted.")
    # Lock the freelancer: no entry can be written into this week while we total it.
    FreelancerProfile.objects.select_for_update().filter(pk=timesheet.contract.freelancer_id).first()
    if timesheet.entries.filter(ended_at__isnull=True).exists():
        raise ValidationError("Clock out before submitting this week.")
    updated = Timesheet.objects.filter(pk=timesheet.pk, status=TimesheetStatus.OPEN).update(
        status=TimesheetStatus.SUBMITTED,
        submitted_minutes=_total(timesheet),
        submitted_at=now,
        auto_submitted=auto,
        review_due_at=now + dt.timedelta(days=settings.TIMESHEETS_REVIEW_WINDOW_DAYS),
    )
    if not updated:
        raise _state_error(timesheet, "submitted")
    timesheet = _refresh(timesheet)
    audit_record(
        actor=actor,
        action="timesheet.auto_submitted" if auto else "timesheet.submitted",
        target=timesheet,
        organization=timesheet.contract.organization,
        data=_who_when(timesheet) | {"minutes": timesheet.submitted_minutes},
        at=now,
    )
    return timesheet


def timesheet_approve(
    *, actor: Any, timesheet: Timesheet, auto: bool = False, now: dt.datetime | None = None
) -> Timesheet:
    """Approve the submitted hours. Approving an already approved timesheet changes nothing."""
    return _approve(actor=actor, timesheet=timesheet, auto=auto, now=now)[0]


@transaction.atomic
def _approve(*, actor: Any, timesheet: Timesheet, auto: bool, now: dt.datetime | None = None) -> tuple[Timesheet, bool]:
    if not auto:
        _require_manager(actor, timesheet.contract)
    now = step_moment(now)
    qs = Timesheet.objects.filter(pk=timesheet.pk, status=TimesheetStatus.SUBMITTED)
    if auto:
        qs = qs.filter(review_due_at__lte=now)
    updated = qs.update(
        status=TimesheetStatus.APPROVED,
        approved_minutes=F("submitted_minutes"),
        approved_at=now,
        approved_by=actor if (not auto and is_user(actor)) else None,
        auto_approved=auto,
    )
    timesheet = _refresh(timesheet)
    if not updated:
        if timesheet.status == TimesheetStatus.APPROVED:
            return timesheet, False  # a second click, or the auto job won: harmless
        raise _state_error(timesheet, "approved")
    audit_record(
        actor=actor,
        action="timesheet.auto_approved" if auto else "timesheet.approved",
        target=timesheet,
        organization=timesheet.contract.organization,
        data=_who_when(timesheet) | {"approved_minutes": timesheet.approved_minutes},
        at=now,
    )
    _after_final(timesheet)
    _notify(timesheet, "approved")
    return timesheet, True


@transaction.atomic
def timesheet_dispute(
    *, actor: Any, timesheet: Timesheet, disputed_minutes: int, reason: str, now: dt.datetime | None = None
) -> Timesheet:
    _require_manager(actor, timesheet.contract)
    now = step_moment(now)
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = "Say why these hours are disputed."
    submitted = Timesheet.objects.filter(pk=timesheet.pk).values_list("submitted_minutes", flat=True).first() or 0
    if disputed_minutes is None or disputed_minutes <= 0:
        errors["disputed_minutes"] = "Dispute at least one minute."
    elif disputed_minutes > submitted:
        errors["disputed_minutes"] = f"At most the submitted {format_minutes(submitted)} can be disputed."
    if errors:
        raise ValidationError(errors)
    updated = Timesheet.objects.filter(pk=timesheet.pk, status=TimesheetStatus.SUBMITTED).update(
        status=TimesheetStatus.DISPUTED,
        disputed_minutes=disputed_minutes,
        dispute_reason=reason,
        disputed_at=now,
        disputed_by=actor if is_user(actor) else None,
    )
    if not updated:
        raise _state_error(timesheet, "disputed")
    timesheet = _refresh(timesheet)
    audit_record(
        actor=actor,
        action="timesheet.disputed",
        target=timesheet,
        organization=timesheet.contract.organization,
        data=_who_when(timesheet) | {"disputed_minutes": disputed_minutes, "reason": reason},
        at=now,
    )
    _notify(timesheet, "disputed")
    return timesheet


@transaction.atomic
def timesheet_respond(*, actor: Any, timesheet: Timesheet, response: str, now: dt.datetime | None = None) -> Timesheet:
    """The freelancer's answer to a dispute."""
    now = step_moment(now)
    if not is_user(actor) or timesheet.contract.freelancer.user_id != actor.pk:
        raise PermissionDenied("Only the contract's freelancer can answer this dispute.")
    response = (response or "").strip()
    if not response:
        raise ValidationError({"response": "Write your answer to the dispute."})
    updated = Timesheet.objects.filter(pk=timesheet.pk, status=TimesheetStatus.DISPUTED).update(
        freelancer_response=response, responded_at=now
    )
    if not updated:
        raise _state_error(timesheet, "answered")
    timesheet = _refresh(timesheet)
    audit_record(
        actor=actor,
        action="timesheet.dispute_answered",
        target=timesheet,
        organization=timesheet.contract.organization,
        data=_who_when(timesheet) | {"response": response},
        at=now,
    )
    return timesheet


@transaction.atomic
def timesheet_resolve(
    *, actor: Any, timesheet: Timesheet, approved_minutes: int, note: str, now: dt.datetime | None = None
) -> Timesheet:
    """Close a dispute with the hours finally approved (between submitted − disputed and submitted)."""
    _require_manager(actor, timesheet.contract)
    now = step_moment(now)
    current = _refresh(timesheet)
    note = (note or "").strip()
    errors = {}
    if current.status == TimesheetStatus.DISPUTED:
        low = (current.submitted_minutes or 0) - (current.disputed_minutes or 0)
        high = current.submitted_minutes or 0
        if approved_minutes is None or not low <= approved_minutes <= high:
            errors["approved_minutes"] = (
                f"Approve between {format_minutes(low)} (all disputed time removed) "
                f"and {format_minutes(high)} (as submitted)."
            )
    if not note:
        errors["note"] = "Explain the resolution."
    if errors:
        raise ValidationError(errors)
    updated = Timesheet.objects.filter(pk=timesheet.pk, status=TimesheetStatus.DISPUTED).update(
        status=TimesheetStatus.RESOLVED,
        approved_minutes=approved_minutes,
        resolution_note=note,
        resolved_at=now,
        resolved_by=actor if is_user(actor) else None,
    )
    if not updated:
        raise _state_error(timesheet, "resolved")
    timesheet = _refresh(timesheet)
    audit_record(
        actor=actor,
        action="timesheet.resolved",
        target=timesheet,
        organization=timesheet.contract.organization,
        data=_who_when(timesheet)
        | {
            "approved_minutes": approved_minutes,
            "submitted_minutes": timesheet.submitted_minutes,
            "note": note,
        },
        at=now,
    )
    _after_final(timesheet)
    _notify(timesheet, "resolved")
    return timesheet


def _after_final(timesheet: Timesheet) -> None:
    from .tasks import update_reliability

    update_reliability.delay_on_commit(timesheet.contract.freelancer_id)


def _notify(timesheet: Timesheet, event: str) -> None:
    """The freelancer hears of the seller's decision once the step is committed."""
    from .tasks import send_timesheet_decision

    send_timesheet_decision.delay_on_commit(timesheet.pk, event)


# --- Beat jobs ---------------------------------------------------------------------------------------------


def timesheets_auto_submit(*, now: dt.datetime | None = None) -> int:
    """Submit every open timesheet whose week has ended (skipping ones with a running entry). Returns count."""
    now = now or timezone.now()
    done = 0
    cutoff = week_start_of(now) - dt.timedelta(days=7)
    for pk in Timesheet.objects.filter(status=TimesheetStatus.OPEN, week_start__lte=cutoff).values_list(
        "pk", flat=True
    ):
        timesheet = Timesheet.objects.select_related("contract").get(pk=pk)
        try:
            timesheet_submit(actor=None, timesheet=timesheet, auto=True, now=now)
            done += 1
        except ValidationError:
            continue
    return done


def timesheets_auto_approve(*, now: dt.datetime | None = None) -> int:
    """Approve every submitted timesheet whose review window has passed. Returns how many this run approved."""
    now = now or timezone.now()
    done = 0
    due = Timesheet.objects.filter(status=TimesheetStatus.SUBMITTED, review_due_at__lte=now)
    for pk in due.values_list("pk", flat=True):
        timesheet = Timesheet.objects.select_related("contract").get(pk=pk)
        try:
            done += int(_approve(actor=None, timesheet=timesheet, auto=True, now=now)[1])
        except ValidationError:
            continue
    return done


def timesheet_claim_reminder(*, timesheet_id: int, kind: str) -> bool:
    """Claim the one reminder of ``kind`` (``submit`` or ``approve``) for a timesheet. False if already sent."""
    field = {"submit": "submit_reminder_sent_at", "approve": "approve_reminder_sent_at"}[kind]
    status = TimesheetStatus.OPEN if kind == "submit" else TimesheetStatus.SUBMITTED
    return bool(
        Timesheet.objects.filter(pk=timesheet_id, status=status, **{f"{field}__isnull": True}).update(
            **{field: timezone.now()}
        )
    )


# --- Planned shifts ----------------------------------------------------------------------------------------


@transaction.atomic
def planned_shift_create(
    *, actor: Any, contract: Contract, starts_at: dt.datetime, ends_at: dt.datetime, note: str = ""
) -> PlannedShift:
    _require_manager(actor, contract)
    _require_active(contract)
    if starts_at is None or ends_at is None:
        raise ValidationError({"starts_at": "Give a start and an end."})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": "The end must be after the start."})
    if ends_at - starts_at > dt.timedelta(minutes=MAX_ENTRY_MINUTES):
        raise ValidationError({"ends_at": "A shift can last at most 16 h."})
    if PlannedShift.objects.filter(contract=contract, starts_at__lt=ends_at, ends_at__gt=starts_at).exists():
        raise ValidationError({"starts_at": "This overlaps another planned shift on this contract."})
    shift = PlannedShift(contract=contract, starts_at=_minute(starts_at), ends_at=_minute(ends_at), note=note.strip())
    shift.full_clean()
    shift.save()
    audit_record(
        actor=actor,
        action="planned_shift.created",
        target=shift,
        organization=contract.organization,
        data={"starts_at": shift.starts_at, "ends_at": shift.ends_at},
    )
    return shift


@transaction.atomic
def planned_shift_delete(*, actor: Any, shift: PlannedShift) -> None:
    _require_manager(actor, shift.contract)
    audit_record(actor=actor, action="planned_shift.deleted", target=shift, organization=shift.contract.organization)
    shift.delete()
