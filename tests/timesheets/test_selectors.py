import datetime as dt
from decimal import Decimal

import pytest

from accounts.access import forget_cached_access
from tests.marketplace.factories import ContractFactory
from tests.timesheets.conftest import CONTRACT_START, LAST_WEEK
from tests.timesheets.factories import PlannedShiftFactory, TimeEntryFactory, TimesheetFactory
from timesheets import selectors

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def at(day, hour, minute=0):
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def test_approved_timesheets_for_billing(contract, other_contract, org, django_assert_num_queries):
    TimesheetFactory(
        contract=contract, week_start=LAST_WEEK, status="approved", submitted_minutes=95, approved_minutes=95
    )
    TimesheetFactory(
        contract=other_contract, week_start=LAST_WEEK, status="resolved", submitted_minutes=120, approved_minutes=60
    )
    third = ContractFactory(organization=org, started_at=CONTRACT_START)
    TimesheetFactory(contract=third, week_start=LAST_WEEK, status="disputed", submitted_minutes=60)
    with django_assert_num_queries(1):
        rows = [
            (t.contract.organization.slug, t.contract.freelancer.user.email, t.approved_minutes, t.approved_hours)
            for t in selectors.approved_timesheets(week_start=LAST_WEEK)
        ]
    assert sorted(rows) == [
        ("acme", "dana@freelance.test", 95, Decimal("1.58")),
        ("globex", "dana@freelance.test", 60, Decimal("1.00")),
    ]
    assert [
        t.approved_minutes for t in selectors.approved_timesheets(week_start=LAST_WEEK, organization_id=org.pk)
    ] == [95]
    for _ in range(3):
        c = ContractFactory(organization=org, started_at=CONTRACT_START)
        TimesheetFactory(contract=c, week_start=LAST_WEEK, status="approved", submitted_minutes=60, approved_minutes=60)
    with django_assert_num_queries(1):
        assert len([t.contract.freelancer.user.email for t in selectors.approved_timesheets(week_start=LAST_WEEK)]) == 5


def test_schedule_adherence(contract, clock):
    assert selectors.schedule_adherence(contract, LAST_WEEK) is None
    PlannedShiftFactory(contract=contract, starts_at=at(10, 9), ends_at=at(10, 13))  # fully worked
    PlannedShiftFactory(contract=contract, starts_at=at(11, 9), ends_at=at(11, 13))  # worked 10:00–12:00
    PlannedShiftFactory(contract=contract, starts_at=at(12, 9), ends_at=at(12, 13))  # missed
    TimeEntryFactory(contract=contract, started_at=at(10, 8), ended_at=at(10, 14))
    TimeEntryFactory(contract=contract, started_at=at(11, 10), ended_at=at(11, 12))
    assert selectors.schedule_adherence(contract, LAST_WEEK) == Decimal("50.0")  # 360 of 720 minutes


def test_shift_board_query_count_is_constant(contract, seller_owner, org, django_assert_num_queries):
    PlannedShiftFactory(contract=contract, starts_at=at(10, 9))
    start = dt.datetime(2026, 3, 9, tzinfo=UTC)
    forget_cached_access(seller_owner)
    with django_assert_num_queries(3):  # memberships, shifts, entries
        board = selectors.shift_board(actor=seller_owner, organization_id=org.pk, start=start, end=at(16, 0))
    assert [row["status"] for row in board] == ["missed"]
    for day in (11, 12, 13):
        PlannedShiftFactory(contract=contract, starts_at=at(day, 9))
    TimeEntryFactory(contract=contract, started_at=at(11, 9, 5), ended_at=at(11, 12))
    TimeEntryFactory(contract=contract, started_at=at(12, 9, 30), ended_at=at(12, 12))
    forget_cached_access(seller_owner)
    with django_assert_num_queries(3):  # memberships, shifts, entries
        board = selectors.shift_board(actor=seller_owner, organization_id=org.pk, start=start, end=at(16, 0))
    assert [row["status"] for row in board] == ["missed", "on_time", "late", "missed"]
