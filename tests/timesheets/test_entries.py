import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AuditEvent
from marketplace.models import ContractStatus
from tests.timesheets.conftest import NOW, THIS_WEEK
from tests.timesheets.factories import TimeEntryFactory
from timesheets import services
from timesheets.models import TimeEntry, Timesheet, TimesheetStatus

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def at(day, hour, minute=0):
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def manual(actor, contract, start, end, note="Answered buyer messages"):
    return services.time_entry_create_manual(actor=actor, contract=contract, started_at=start, ended_at=end, note=note)


def test_clock_in_then_out_records_whole_minutes(freelancer, contract, clock):
    clock.set(at(18, 9, 0) + dt.timedelta(seconds=42))
    entry = services.time_entry_clock_in(actor=freelancer, contract=contract)
    assert entry.started_at == at(18, 9, 0)
    assert entry.is_running
    clock.set(at(18, 11, 30) + dt.timedelta(seconds=59))
    [done] = services.time_entry_clock_out(actor=freelancer)
    assert (done.pk, done.ended_at, done.minutes) == (entry.pk, at(18, 11, 30), 150)
    assert done.timesheet.week_start == THIS_WEEK
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
    assert actions == ["time_entry.clocked_in", "time_entry.clocked_out"]


def test_clock_in_in_the_minute_the_contract_was_accepted(freelancer, contract, clock):
    """Entries are whole minutes: accepting at 09:00:42 and clocking in at 09:00:50 starts the entry at 09:00."""
    contract.started_at = at(18, 9, 0) + dt.timedelta(seconds=42)
    contract.save(update_fields=["started_at"])
    clock.set(at(18, 9, 0) + dt.timedelta(seconds=50))
    entry = services.time_entry_clock_in(actor=freelancer, contract=contract)
    assert (entry.started_at, entry.is_running) == (at(18, 9, 0), True)


def test_clock_in_before_the_contract_started_is_refused(freelancer, contract, clock):
    contract.started_at = at(18, 9, 0) + dt.timedelta(seconds=42)
    contract.save(update_fields=["started_at"])
    clock.set(at(18, 8, 59) + dt.timedelta(seconds=59))
    with pytest.raises(ValidationError) as exc:
        services.time_entry_clock_in(actor=freelancer, contract=contract)
    assert exc.value.message_dict == {
        "contract": ["This contract has not started yet; it starts Wed 18 Mar 09:00 UTC."]
    }
    assert TimeEntry.objects.count() == 0


def test_manual_time_from_the_minute_the_contract_was_accepted(freelancer, contract, clock):
    contract.started_at = at(18, 9, 0) + dt.timedelta(seconds=42)
    contract.save(update_fields=["started_at"])
    entry = manual(freelancer, contract, at(18, 9, 0), at(18, 10, 0))
    assert (entry.started_at, entry.minutes) == (at(18, 9, 0), 60)
    with pytest.raises(ValidationError) as exc:
        manual(freelancer, contract, at(18, 8, 59), at(18, 9, 0))
    assert exc.value.message_dict == {
        "started_at": ["The entry must lie inside the contract's life (from Wed 18 Mar 09:00 UTC)."]
    }
    assert TimeEntry.objects.count() == 1


def test_second_clock_in_is_refused(freelancer, contract, other_contract):
    services.time_entry_clock_in(actor=freelancer, contract=contract)
    with pytest.raises(ValidationError) as exc:
        services.time_entry_clock_in(actor=freelancer, contract=other_contract)
    assert exc.value.message_dict == {"contract": ["You are already clocked in. Clock out first."]}
    assert TimeEntry.objects.count() == 1


def test_clock_out_without_running_entry(freelancer, contract):
    with pytest.raises(ValidationError) as exc:
        services.time_entry_clock_out(actor=freelancer)
    assert exc.value.messages == ["You are not clocked in."]


def test_clock_out_is_clipped_to_16_hours(freelancer, contract, clock):
    clock.set(at(17, 1))
    services.time_entry_clock_in(actor=freelancer, contract=contract)
    clock.set(at(18, 5))
    [entry] = services.time_entry_clock_out(actor=freelancer)
    assert (entry.ended_at, entry.minutes) == (at(17, 17), 960)


def test_clock_out_across_week_end_splits_the_entry(freelancer, contract, clock):
    clock.set(at(22, 22))  # Sunday 22:00 UTC
    services.time_entry_clock_in(actor=freelancer, contract=contract)
    clock.set(at(23, 1, 30))  # Monday 01:30 UTC
    first, second = services.time_entry_clock_out(actor=freelancer)
    assert (first.started_at, first.ended_at, first.minutes, first.timesheet.week_start) == (
        at(22, 22),
        at(23, 0),
        120,
        THIS_WEEK,
    )
    assert (second.started_at, second.ended_at, second.minutes, second.timesheet.week_start) == (
        at(23, 0),
        at(23, 1, 30),
        90,
        dt.date(2026, 3, 23),
    )


def test_clock_out_stops_at_the_weekly_cap(freelancer, contract, clock):
    TimeEntryFactory(contract=contract, started_at=at(16, 0), ended_at=at(16, 16))
    TimeEntryFactory(contract=contract, started_at=at(17, 0), ended_at=at(17, 16))
    TimeEntryFactory(contract=contract, started_at=at(18, 0), ended_at=at(18, 7))  # 39 h so far
    clock.set(at(18, 9))
    services.time_entry_clock_in(actor=freelancer, contract=contract)
    clock.set(at(18, 12))
    [entry] = services.time_entry_clock_out(actor=freelancer)
    assert (entry.ended_at, entry.minutes) == (at(18, 10), 60)


def test_clock_in_refused_when_cap_reached(freelancer, contract, clock):
    contract.weekly_hour_cap = 2
    contract.save()
    TimeEntryFactory(contract=contract, started_at=at(16, 9), ended_at=at(16, 11))
    with pytest.raises(ValidationError) as exc:
        services.time_entry_clock_in(actor=freelancer, contract=contract)
    assert exc.value.message_dict == {"contract": ["The weekly cap of 2 h on this contract is reached; 0 h left."]}
    assert TimeEntry.objects.count() == 1


def test_manual_entry_is_stored_with_note(freelancer, contract):
    entry = manual(freelancer, contract, at(17, 8), at(17, 12, 15))
    assert (entry.minutes, entry.source, entry.note) == (255, "manual", "Answered buyer messages")
    assert AuditEvent.objects.get().data == {"minutes": 255, "note": "Answered buyer messages"}


BAD_INPUT = [
    ("end before start", at(17, 12), at(17, 8), "x", {"ended_at": ["The end must be after the start."]}),
    (
        "future",
        at(18, 11),
        at(18, 13),
        "x",
        {"ended_at": ["Time in the future cannot be recorded; it is now Wed 18 Mar 12:00 UTC."]},
    ),
    (
        "over 16 h",
        at(16, 0),
        at(16, 16, 1),
        "x",
        {"ended_at": ["An entry can last at most 16 h; this one lasts 16 h 01 min."]},
    ),
    ("no note", at(17, 8), at(17, 9), "  ", {"note": ["Say what you worked on: a note is required for manual time."]}),
    (
        "before contract",
        dt.datetime(2026, 1, 4, 8, tzinfo=UTC),
        dt.datetime(2026, 1, 4, 9, tzinfo=UTC),
        "x",
        {"started_at": ["The entry must lie inside the contract's life (from Mon 5 Jan 00:00 UTC)."]},
    ),
    (
        "across week end",
        at(15, 23),
        at(16, 1),
        "x",
        {
            "ended_at": [
                "An entry cannot cross the week boundary (Sunday 24:00 UTC, Mon 16 Mar 00:00 UTC); split it in two."
            ]
        },
    ),
]


@pytest.mark.parametrize(("label", "start", "end", "note", "errors"), BAD_INPUT, ids=[b[0] for b in BAD_INPUT])
def test_bad_manual_input_is_refused_and_nothing_stored(freelancer, contract, label, start, end, note, errors):
    with pytest.raises(ValidationError) as exc:
        manual(freelancer, contract, start, end, note)
    assert exc.value.message_dict == errors
    assert TimeEntry.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_overlap_across_contracts_is_refused(freelancer, contract, other_contract):
    manual(freelancer, contract, at(17, 8), at(17, 12))
    with pytest.raises(ValidationError) as exc:
        manual(freelancer, other_contract, at(17, 11), at(17, 13))
    assert exc.value.message_dict == {
        "started_at": [
            "This overlaps your entry on “Acme inbox” from Tue 17 Mar 08:00 UTC (until Tue 17 Mar 12:00 UTC)."
        ]
    }
    assert TimeEntry.objects.count() == 1


def test_adjacent_entries_do_not_overlap(freelancer, contract, other_contract):
    manual(freelancer, contract, at(17, 8), at(17, 12))
    manual(freelancer, other_contract, at(17, 12), at(17, 13))
    assert TimeEntry.objects.count() == 2


def test_manual_entry_beyond_cap_says_what_is_left(freelancer, contract):
    contract.weekly_hour_cap = 3
    contract.save()
    manual(freelancer, contract, at(16, 8), at(16, 9, 30))
    with pytest.raises(ValidationError) as exc:
        manual(freelancer, contract, at(17, 8), at(17, 10))
    assert exc.value.message_dict == {
        "ended_at": ["This would cross the weekly cap of 3 h; 1 h 30 min left this week."]
    }
    assert TimeEntry.objects.count() == 1


def test_ended_contract_accepts_no_time(freelancer, contract):
    contract.status = ContractStatus.ENDED
    contract.ended_at = at(17, 0)
    contract.save()
    with pytest.raises(ValidationError) as exc:
        manual(freelancer, contract, at(16, 8), at(16, 9))
    assert exc.value.message_dict == {"contract": ["This contract is ended; it does not accept new time."]}
    with pytest.raises(ValidationError):
        services.time_entry_clock_in(actor=freelancer, contract=contract)
    assert TimeEntry.objects.count() == 0


def test_manual_time_can_be_disallowed(freelancer, contract):
    contract.allow_manual_time = False
    contract.save()
    with pytest.raises(ValidationError) as exc:
        manual(freelancer, contract, at(16, 8), at(16, 9))
    assert exc.value.message_dict == {
        "contract": ["The seller does not allow manual time on this contract. Clock in instead."]
    }
    assert TimeEntry.objects.count() == 0


def test_another_freelancers_contract_is_refused(freelancer, erin_contract, seller_owner, contract):
    with pytest.raises(PermissionDenied):
        manual(freelancer, erin_contract, at(16, 8), at(16, 9))
    with pytest.raises(PermissionDenied):
        services.time_entry_clock_in(actor=freelancer, contract=erin_contract)
    with pytest.raises(PermissionDenied):
        services.time_entry_clock_in(actor=seller_owner, contract=contract)
    assert TimeEntry.objects.count() == 0


def test_entries_of_a_submitted_week_are_locked(freelancer, contract):
    entry = manual(freelancer, contract, at(16, 8), at(16, 9))
    services.timesheet_submit(actor=freelancer, timesheet=entry.timesheet)
    with pytest.raises(ValidationError) as exc:
        manual(freelancer, contract, at(17, 8), at(17, 9))
    assert exc.value.message_dict == {
        "started_at": ["The timesheet for the week of 16 Mar 2026 is submitted; its entries are locked."]
    }
    with pytest.raises(ValidationError):
        services.time_entry_delete(actor=freelancer, entry=entry)
    assert TimeEntry.objects.count() == 1


def test_delete_open_entry(freelancer, contract):
    entry = manual(freelancer, contract, at(16, 8), at(16, 9))
    services.time_entry_delete(actor=freelancer, entry=entry)
    assert TimeEntry.objects.count() == 0
    assert Timesheet.objects.get().status == TimesheetStatus.OPEN


def test_database_allows_one_running_entry_per_freelancer(contract, other_contract):
    from django.db import IntegrityError, transaction

    TimeEntryFactory(contract=contract, started_at=at(17, 8), ended_at=None, minutes=None, source="clock", note="")
    with pytest.raises(IntegrityError), transaction.atomic():
        TimeEntryFactory(
            contract=other_contract, started_at=at(10, 8), ended_at=None, minutes=None, source="clock", note=""
        )


def test_database_refuses_entries_over_16_hours(contract):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        TimeEntryFactory(contract=contract, started_at=at(16, 0), ended_at=at(16, 17), minutes=1020)


def test_now_is_frozen(clock):
    from django.utils import timezone

    assert timezone.now() == NOW
