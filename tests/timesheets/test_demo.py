import datetime as dt
import io

import pytest

from tests.timesheets.conftest import NOW
from timesheets import demo
from timesheets.models import PlannedShift, TimeEntry, Timesheet

pytestmark = pytest.mark.django_db


def counts():
    return (Timesheet.objects.count(), TimeEntry.objects.count(), PlannedShift.objects.count())


def test_demo_covers_every_state_and_is_idempotent(contract, other_contract, seller_owner, outsider):
    """The sellers' owners (alice for Acme, charlie for Globex) approve, dispute and resolve the weeks."""
    demo.seed(io.StringIO())
    first = counts()
    assert set(Timesheet.objects.values_list("status", flat=True)) == {
        "open",
        "submitted",
        "approved",
        "disputed",
        "resolved",
    }
    demo.seed(io.StringIO())
    assert counts() == first
    ends = sorted(TimeEntry.objects.values_list("started_at", "ended_at"))
    assert all(a[1] <= b[0] for a, b in zip(ends, ends[1:], strict=False))  # no overlap (one freelancer)
    # Made by the workflow: each step after the week it is about, never after now; the totals are the entries'.
    for ts in Timesheet.objects.exclude(status="open"):
        assert ts.week_end - dt.timedelta(hours=3) <= ts.submitted_at <= NOW
        assert ts.submitted_minutes == sum(ts.entries.values_list("minutes", flat=True))
    resolved = Timesheet.objects.filter(status="resolved")
    assert {ts.approved_minutes - ts.submitted_minutes for ts in resolved} == {-30}
    assert all(ts.submitted_at < ts.disputed_at < ts.responded_at < ts.resolved_at <= NOW for ts in resolved)
    assert Timesheet.objects.filter(status="approved", auto_approved=True).count() == 2  # the beat's week, per contract
