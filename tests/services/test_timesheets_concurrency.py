"""Races on real PostgreSQL: threads with their own connections hit the same rows at the same moment."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from accounts.models import AuditEvent
from tests.marketplace.factories import ContractFactory
from timesheets import services
from timesheets.models import TimeEntry, Timesheet, TimesheetStatus, week_start_of

pytestmark = pytest.mark.django_db(transaction=True)


def race(*fns):
    """Run the functions at the same moment in threads; return each one's result or exception."""
    barrier = threading.Barrier(len(fns))
    results: list = [None] * len(fns)

    def run(i, fn):
        try:
            barrier.wait()
            results[i] = fn()
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(fns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


@pytest.fixture
def contracts(org, other_org, freelancer_profile):
    start = timezone.now() - dt.timedelta(days=60)
    return (
        ContractFactory(organization=org, freelancer=freelancer_profile, started_at=start),
        ContractFactory(organization=other_org, freelancer=freelancer_profile, started_at=start),
    )


@pytest.fixture
def submitted(contracts, freelancer):
    contract = contracts[0]
    monday = week_start_of(timezone.now()) - dt.timedelta(days=7)
    start = dt.datetime.combine(monday, dt.time(9), tzinfo=dt.UTC)
    services.time_entry_create_manual(
        actor=freelancer, contract=contract, started_at=start, ended_at=start + dt.timedelta(hours=3), note="Inbox"
    )
    ts = Timesheet.objects.get(contract=contract, week_start=monday)
    return services.timesheet_submit(actor=freelancer, timesheet=ts)


def test_two_simultaneous_clock_ins_leave_one_running_entry(contracts, freelancer):
    for _ in range(5):
        results = race(
            lambda: services.time_entry_clock_in(actor=freelancer, contract=contracts[0]),
            lambda: services.time_entry_clock_in(actor=freelancer, contract=contracts[1]),
        )
        errors = [r for r in results if isinstance(r, Exception)]
        assert len(errors) == 1 and isinstance(errors[0], ValidationError)
        assert TimeEntry.objects.filter(ended_at__isnull=True).count() == 1
        TimeEntry.objects.all().delete()


def test_database_refuses_overlap_across_contracts(contracts, freelancer):
    from django.db import IntegrityError

    start = timezone.now() - dt.timedelta(days=3)
    ts0 = Timesheet.objects.create(contract=contracts[0], week_start=week_start_of(start))
    ts1 = Timesheet.objects.create(contract=contracts[1], week_start=week_start_of(start))
    common = {"freelancer": contracts[0].freelancer, "source": "clock", "minutes": 60}
    TimeEntry.objects.create(
        contract=contracts[0], timesheet=ts0, started_at=start, ended_at=start + dt.timedelta(hours=1), **common
    )
    with pytest.raises(IntegrityError):
        TimeEntry.objects.create(
            contract=contracts[1],
            timesheet=ts1,
            started_at=start + dt.timedelta(minutes=30),
            ended_at=start + dt.timedelta(minutes=90),
            **common,
        )


def test_double_approval_is_harmless(submitted, seller_owner, seller_member):
    results = race(
        lambda: services.timesheet_approve(actor=seller_owner, timesheet=submitted),
        lambda: services.timesheet_approve(actor=seller_member, timesheet=submitted),
    )
    assert [getattr(r, "status", r) for r in results] == ["approved", "approved"]
    ts = Timesheet.objects.get(pk=submitted.pk)
    assert (ts.status, ts.approved_minutes) == (TimesheetStatus.APPROVED, 180)
    assert AuditEvent.objects.filter(action="timesheet.approved").count() == 1


def test_auto_approve_racing_a_dispute_has_one_outcome(submitted, seller_owner):
    for _ in range(5):
        Timesheet.objects.filter(pk=submitted.pk).update(
            status=TimesheetStatus.SUBMITTED,
            review_due_at=timezone.now() - dt.timedelta(minutes=1),
            approved_minutes=None,
            approved_at=None,
            auto_approved=False,
            disputed_minutes=None,
            dispute_reason="",
        )
        AuditEvent.objects.all().delete()
        results = race(
            lambda: services.timesheets_auto_approve(),
            lambda: services.timesheet_dispute(
                actor=seller_owner, timesheet=submitted, disputed_minutes=60, reason="Idle"
            ),
        )
        ts = Timesheet.objects.get(pk=submitted.pk)
        actions = set(AuditEvent.objects.values_list("action", flat=True))
        if ts.status == TimesheetStatus.APPROVED:
            assert results[0] == 1 and isinstance(results[1], ValidationError)
            assert (ts.approved_minutes, ts.disputed_minutes, actions) == (180, None, {"timesheet.auto_approved"})
        else:
            assert ts.status == TimesheetStatus.DISPUTED
            assert results[0] == 0 and getattr(results[1], "status", None) == "disputed"
            assert (ts.approved_minutes, ts.disputed_minutes, actions) == (None, 60, {"timesheet.disputed"})


def test_auto_jobs_run_twice_concurrently(contracts, freelancer):
    monday = week_start_of(timezone.now()) - dt.timedelta(days=7)
    start = dt.datetime.combine(monday, dt.time(9), tzinfo=dt.UTC)
    for i, contract in enumerate(contracts):
        s = start + dt.timedelta(hours=4 * i)
        services.time_entry_create_manual(
            actor=freelancer, contract=contract, started_at=s, ended_at=s + dt.timedelta(hours=2), note="x"
        )
    results = race(services.timesheets_auto_submit, services.timesheets_auto_submit)
    assert sorted(results) in ([0, 2], [1, 1])
    assert Timesheet.objects.filter(status=TimesheetStatus.SUBMITTED, auto_submitted=True).count() == 2
    assert AuditEvent.objects.filter(action="timesheet.auto_submitted").count() == 2
