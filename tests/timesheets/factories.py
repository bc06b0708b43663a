import datetime as dt

import factory

from timesheets.models import EntrySource, PlannedShift, TimeEntry, Timesheet, week_start_of


class TimesheetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Timesheet
        django_get_or_create = ("contract", "week_start")

    week_start = dt.date(2026, 3, 9)


class TimeEntryFactory(factory.django.DjangoModelFactory):
    """A finished manual entry written straight to the table (bypasses the service's rules)."""

    class Meta:
        model = TimeEntry

    source = EntrySource.MANUAL
    note = "Inbox zero"
    started_at = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
    ended_at = factory.LazyAttribute(lambda o: o.started_at + dt.timedelta(hours=2))
    minutes = factory.LazyAttribute(lambda o: int((o.ended_at - o.started_at).total_seconds() // 60))
    freelancer = factory.LazyAttribute(lambda o: o.contract.freelancer)
    timesheet = factory.LazyAttribute(
        lambda o: TimesheetFactory(contract=o.contract, week_start=week_start_of(o.started_at))
    )


class PlannedShiftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlannedShift

    starts_at = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=4))
