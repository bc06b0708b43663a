import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AuditEvent
from tests.timesheets.conftest import LAST_WEEK, NOW, THIS_WEEK
from tests.timesheets.factories import TimeEntryFactory, TimesheetFactory
from timesheets import services, tasks
from timesheets.models import Timesheet, TimesheetStatus

pytestmark = pytest.mark.django_db
UTC = dt.UTC


@pytest.fixture
def last_week(contract):
    """Last week's timesheet with 3 h 30 min of entries, still open."""
    TimeEntryFactory(contract=contract, started_at=dt.datetime(2026, 3, 10, 9, tzinfo=UTC))
    TimeEntryFactory(
        contract=contract,
        started_at=dt.datetime(2026, 3, 11, 9, tzinfo=UTC),
        ended_at=dt.datetime(2026, 3, 11, 10, 30, tzinfo=UTC),
    )
    return Timesheet.objects.get(contract=contract, week_start=LAST_WEEK)


@pytest.fixture
def submitted(last_week, freelancer):
    return services.timesheet_submit(actor=freelancer, timesheet=last_week)


def actions():
    return list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))


def test_submit_locks_the_total_and_starts_review_window(submitted):
    assert submitted.status == TimesheetStatus.SUBMITTED
    assert submitted.submitted_minutes == 210
    assert submitted.submitted_at == NOW
    assert submitted.review_due_at == NOW + dt.timedelta(days=5)
    assert submitted.auto_submitted is False
    assert actions() == ["timesheet.submitted"]


def test_only_the_freelancer_submits(last_week, seller_owner):
    with pytest.raises(PermissionDenied):
        services.timesheet_submit(actor=seller_owner, timesheet=last_week)
    assert Timesheet.objects.get().status == TimesheetStatus.OPEN


def test_approve_and_double_approve_is_harmless(submitted, seller_member):
    first = services.timesheet_approve(actor=seller_member, timesheet=submitted)
    again = services.timesheet_approve(actor=seller_member, timesheet=submitted)
    assert (first.status, first.approved_minutes, first.approved_by) == ("approved", 210, seller_member)
    assert (again.status, again.approved_minutes, again.approved_at) == ("approved", 210, first.approved_at)
    assert actions() == ["timesheet.submitted", "timesheet.approved"]
    assert first.approved_hours == pytest.approx(3.5)


def test_freelancer_and_outsider_cannot_approve(submitted, freelancer, outsider):
    for actor in (freelancer, outsider):
        with pytest.raises(PermissionDenied):
            services.timesheet_approve(actor=actor, timesheet=submitted)
    assert Timesheet.objects.get().status == TimesheetStatus.SUBMITTED


def test_cannot_approve_an_open_timesheet(last_week, seller_owner):
    with pytest.raises(ValidationError) as exc:
        services.timesheet_approve(actor=seller_owner, timesheet=last_week)
    assert exc.value.messages == ["This timesheet is open; it cannot be approved."]
    assert Timesheet.objects.get().status == TimesheetStatus.OPEN


def test_dispute_answer_resolve(submitted, seller_owner, freelancer):
    ts = services.timesheet_dispute(actor=seller_owner, timesheet=submitted, disputed_minutes=90, reason="No replies")
    assert (ts.status, ts.disputed_minutes, ts.dispute_reason) == ("disputed", 90, "No replies")
    ts = services.timesheet_respond(actor=freelancer, timesheet=ts, response="I was on calls")
    assert ts.freelancer_response == "I was on calls"
    with pytest.raises(ValidationError) as exc:
        services.timesheet_resolve(actor=seller_owner, timesheet=ts, approved_minutes=100, note="ok")
    assert exc.value.message_dict == {
        "approved_minutes": ["Approve between 2 h 00 min (all disputed time removed) and 3 h 30 min (as submitted)."]
    }
    ts = services.timesheet_resolve(actor=seller_owner, timesheet=ts, approved_minutes=150, note="Half of it")
    assert (ts.status, ts.approved_minutes, ts.submitted_minutes) == ("resolved", 150, 210)
    assert actions() == [
        "timesheet.submitted",
        "timesheet.disputed",
        "timesheet.dispute_answered",
        "timesheet.resolved",
    ]


@pytest.mark.parametrize(
    ("minutes", "reason", "errors"),
    [
        (0, "x", {"disputed_minutes": ["Dispute at least one minute."]}),
        (211, "x", {"disputed_minutes": ["At most the submitted 3 h 30 min can be disputed."]}),
        (30, " ", {"reason": ["Say why these hours are disputed."]}),
    ],
)
def test_bad_dispute_changes_nothing(submitted, seller_owner, minutes, reason, errors):
    with pytest.raises(ValidationError) as exc:
        services.timesheet_dispute(actor=seller_owner, timesheet=submitted, disputed_minutes=minutes, reason=reason)
    assert exc.value.message_dict == errors
    assert Timesheet.objects.get().status == TimesheetStatus.SUBMITTED


def test_auto_submit_at_week_end_is_idempotent(last_week, contract, clock):
    TimesheetFactory(contract=contract, week_start=THIS_WEEK)
    assert services.timesheets_auto_submit() == 1
    assert services.timesheets_auto_submit() == 0
    last_week.refresh_from_db()
    assert (last_week.status, last_week.auto_submitted, last_week.submitted_minutes) == ("submitted", True, 210)
    assert Timesheet.objects.get(week_start=THIS_WEEK).status == TimesheetStatus.OPEN
    assert actions() == ["timesheet.auto_submitted"]


def test_auto_submit_waits_for_clock_out(contract, freelancer, clock):
    clock.set(dt.datetime(2026, 3, 15, 23, tzinfo=UTC))
    services.time_entry_clock_in(actor=freelancer, contract=contract)
    clock.set(NOW)
    assert services.timesheets_auto_submit() == 0
    services.time_entry_clock_out(actor=freelancer, at=dt.datetime(2026, 3, 16, 1, tzinfo=UTC))
    assert services.timesheets_auto_submit() == 1
    assert Timesheet.objects.get(week_start=LAST_WEEK).submitted_minutes == 60


def test_auto_approve_after_review_window_only(submitted, clock):
    clock.advance(days=5, seconds=-1)
    assert tasks.auto_approve_timesheets() == 0
    clock.advance(seconds=1)
    assert tasks.auto_approve_timesheets() == 1
    assert tasks.auto_approve_timesheets() == 0
    ts = Timesheet.objects.get()
    assert (ts.status, ts.auto_approved, ts.approved_minutes, ts.approved_by) == ("approved", True, 210, None)
    assert actions() == ["timesheet.submitted", "timesheet.auto_approved"]


def test_auto_approve_leaves_disputed_alone(submitted, seller_owner, clock):
    services.timesheet_dispute(actor=seller_owner, timesheet=submitted, disputed_minutes=30, reason="Late")
    clock.advance(days=6)
    assert tasks.auto_approve_timesheets() == 0
    assert Timesheet.objects.get().status == TimesheetStatus.DISPUTED


def test_dispute_after_auto_approve_is_refused(submitted, seller_owner, clock):
    clock.advance(days=6)
    tasks.auto_approve_timesheets()
    with pytest.raises(ValidationError) as exc:
        services.timesheet_dispute(actor=seller_owner, timesheet=submitted, disputed_minutes=30, reason="Late")
    assert exc.value.messages == ["This timesheet is approved; it cannot be disputed."]
    assert Timesheet.objects.get().status == TimesheetStatus.APPROVED


def test_reminders_are_sent_once_each(contract, seller_owner, seller_member, freelancer, submitted, clock):
    TimesheetFactory(contract=contract, week_start=THIS_WEEK)
    clock.set(dt.datetime(2026, 3, 22, 6, tzinfo=UTC))  # Sunday morning: < 24 h before week end
    assert tasks.send_timesheet_reminders() == {"submit": 1, "approve": 0}
    assert tasks.send_timesheet_reminders() == {"submit": 0, "approve": 0}
    clock.set(NOW + dt.timedelta(days=4, hours=1))  # review due in 23 h
    assert tasks.send_timesheet_reminders() == {"submit": 0, "approve": 1}
    assert tasks.send_timesheet_reminders() == {"submit": 0, "approve": 0}
    assert [m.to for m in mail.outbox] == [["dana@freelance.test"], ["alice@acme.test", "bob@acme.test"]]
    assert "submitted automatically" in mail.outbox[0].subject
    assert "approved automatically soon" in mail.outbox[1].subject
    assert "is submitted automatically at Mon 23 Mar 2026 08:00 Asia/Manila." in mail.outbox[0].body
    assert "submitted 3 h 30 min for" in mail.outbox[1].body
    assert "approved automatically at Mon 23 Mar 2026 12:00 UTC unless" in mail.outbox[1].body


def test_no_reminder_too_early(contract, clock):
    TimesheetFactory(contract=contract, week_start=THIS_WEEK)
    assert tasks.send_timesheet_reminders() == {"submit": 0, "approve": 0}
    assert mail.outbox == []


def test_final_timesheet_enqueues_reliability(submitted, seller_owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        services.timesheet_approve(actor=seller_owner, timesheet=submitted)
    assert len(callbacks) == 2  # reliability, and the freelancer's e-mail
