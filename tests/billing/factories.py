import datetime as dt

from tests.timesheets.factories import TimesheetFactory
from timesheets.models import TimesheetStatus

WEEK = dt.date(2026, 3, 9)  # a Monday


def approved_timesheet(contract, minutes: int, week_start: dt.date = WEEK):
    return TimesheetFactory(
        contract=contract, week_start=week_start, status=TimesheetStatus.APPROVED, approved_minutes=minutes
    )
