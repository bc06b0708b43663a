"""Property tests: overlap detection across contracts, totals, and weeks with a DST change."""

import datetime as dt
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from timesheets import selectors, services
from timesheets.models import TimeEntry, Timesheet, week_start_of

pytestmark = pytest.mark.django_db
UTC = dt.UTC
WEEK = dt.datetime(2026, 3, 9, tzinfo=UTC)  # last week (the clock is frozen on 18 March)
WEEK_MINUTES = 7 * 24 * 60
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

intervals = st.lists(
    st.tuples(st.integers(0, WEEK_MINUTES - 1), st.integers(1, 600), st.booleans()), min_size=1, max_size=8
)


def overlaps(a, b):
    return a[0] < b[1] and b[0] < a[1]


@SETTINGS
@given(intervals)
def test_overlap_is_refused_across_contracts_and_totals_add_up(freelancer, contract, other_contract, data):
    contracts = {True: contract, False: other_contract}
    for c in contracts.values():
        c.weekly_hour_cap = 80
        c.save()
    with transaction.atomic():
        accepted = []
        for offset, length, which in data:
            start = WEEK + dt.timedelta(minutes=offset)
            end = min(start + dt.timedelta(minutes=length), WEEK + dt.timedelta(days=7))
            expected_ok = not any(overlaps((start, end), (s, e)) for s, e, _ in accepted)
            try:
                services.time_entry_create_manual(
                    actor=freelancer, contract=contracts[which], started_at=start, ended_at=end, note="work"
                )
                ok = True
            except ValidationError as exc:
                ok = False
                assert "started_at" in exc.message_dict and "overlaps" in exc.message_dict["started_at"][0]
            assert ok == expected_ok
            if ok:
                accepted.append((start, end, which))
        assert TimeEntry.objects.count() == len(accepted)
        totals = {
            ts.contract_id: ts.total_minutes
            for ts in selectors.week_timesheets(actor=freelancer, week_start=WEEK.date())
        }
        for which, c in contracts.items():
            expected = sum(int((e - s).total_seconds() // 60) for s, e, w in accepted if w == which)
            assert (totals.get(c.pk) or 0) == expected
            ts = Timesheet.objects.filter(contract=c, week_start=WEEK.date()).first()
            if ts is not None:
                assert services.timesheet_submit(actor=freelancer, timesheet=ts).submitted_minutes == expected
        transaction.set_rollback(True)


NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
DST_WEEK = dt.date(2026, 3, 2)  # clocks jump from 02:00 to 03:00 on Sunday 8 March in New York


def local(naive: dt.datetime) -> dt.datetime | None:
    """The aware time for a New York wall-clock time, or None if the wall-clock time does not exist."""
    aware = naive.replace(tzinfo=NEW_YORK)
    back = aware.astimezone(UTC).astimezone(NEW_YORK).replace(tzinfo=None)
    return aware if back == naive else None


@SETTINGS
@given(st.integers(0, 7 * 24 * 60 - 1), st.integers(1, 16 * 60))
def test_dst_week_durations_are_real_elapsed_minutes(freelancer, contract, start_offset, length):
    contract.weekly_hour_cap = 80
    contract.save()
    wall_start = dt.datetime(2026, 3, 2) + dt.timedelta(minutes=start_offset)
    wall_end = wall_start + dt.timedelta(minutes=length)
    start, end = local(wall_start), local(wall_end)
    assume(start is not None and end is not None)
    start_utc, end_utc = start.astimezone(UTC), end.astimezone(UTC)
    real = int((end_utc - start_utc).total_seconds() // 60)
    assume(0 < real <= 16 * 60)
    assume(week_start_of(start_utc) == week_start_of(end_utc - dt.timedelta(microseconds=1)))
    with transaction.atomic():
        entry = services.time_entry_create_manual(
            actor=freelancer, contract=contract, started_at=start, ended_at=end, note="night shift"
        )
        jump = dt.datetime(2026, 3, 8, 7, tzinfo=UTC)  # 02:00 EST
        assert entry.minutes == real == length - (60 if start_utc < jump < end_utc else 0)
        assert (
            entry.started_at == start_utc and entry.started_at.astimezone(NEW_YORK).replace(tzinfo=None) == wall_start
        )
        assert entry.timesheet.week_start == week_start_of(start_utc)
        transaction.set_rollback(True)


def test_week_boundary_is_monday_midnight_utc_whatever_the_viewer_timezone():
    assert week_start_of(dt.datetime(2026, 3, 8, 23, 59, tzinfo=UTC)) == DST_WEEK
    assert week_start_of(dt.datetime(2026, 3, 9, 0, 0, tzinfo=UTC)) == dt.date(2026, 3, 9)
    # Sunday 8 March 21:00 in New York is already Monday 01:00 UTC.
    assert week_start_of(dt.datetime(2026, 3, 8, 21, 0, tzinfo=NEW_YORK)) == dt.date(2026, 3, 9)
