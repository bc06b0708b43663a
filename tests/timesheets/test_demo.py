import io

import pytest

from timesheets import demo
from timesheets.models import PlannedShift, TimeEntry, Timesheet

pytestmark = pytest.mark.django_db


def counts():
    return (Timesheet.objects.count(), TimeEntry.objects.count(), PlannedShift.objects.count())


def test_demo_covers_every_state_and_is_idempotent(contract, other_contract):
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
