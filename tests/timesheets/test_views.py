import datetime as dt

import pytest

from accounts.models import AuditEvent
from tests.timesheets.conftest import LAST_WEEK, THIS_WEEK
from tests.timesheets.factories import PlannedShiftFactory, TimeEntryFactory, TimesheetFactory
from timesheets import services
from timesheets.models import PlannedShift, TimeEntry, Timesheet, TimesheetStatus

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def at(day, hour, minute=0):
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def submitted(contract, freelancer):
    TimeEntryFactory(contract=contract, started_at=at(10, 9))
    return services.timesheet_submit(actor=freelancer, timesheet=Timesheet.objects.get(week_start=LAST_WEEK))


def test_today_page_shows_clock_in_control(client_for, freelancer, contract):
    response = client_for(freelancer).get("/time/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Clock in" in body and "Acme inbox" in body
    assert "<script>" not in body and "style=" not in body


def test_clock_in_and_out_with_htmx(client_for, freelancer, contract, clock):
    client = client_for(freelancer)
    response = client.post("/time/clock-in/", {"contract": contract.pk}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-timer-start="2026-03-18T12:00:00+00:00"' in body
    assert "20:00" in body  # 12:00 UTC shown in Asia/Manila
    clock.advance(minutes=45)
    response = client.post("/time/clock-out/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert TimeEntry.objects.get().minutes == 45


def test_clocking_out_says_what_was_recorded_and_refreshes_the_week(client_for, freelancer, contract, clock):
    client = client_for(freelancer)
    client.post("/time/clock-in/", {"contract": contract.pk}, HTTP_HX_REQUEST="true")
    clock.advance(minutes=95)
    body = client.post("/time/clock-out/", HTTP_HX_REQUEST="true").content.decode()
    assert '<p class="message message-success" role="status">Clocked out: 1 h 35 min recorded.</p>' in body
    # This week's totals are swapped in out of band, so the Today page never shows stale hours.
    assert '<section id="week-summary" aria-labelledby="week-h" hx-swap-oob="true">' in body
    assert "<td>1 h 35 min</td><td>Open</td>" in body
    page = client.get("/time/").content.decode()
    assert '<section id="week-summary" aria-labelledby="week-h">' in page and "<td>1 h 35 min</td>" in page


def test_clocking_out_without_htmx_says_it_on_the_next_page(client_for, freelancer, contract, clock):
    client = client_for(freelancer)
    client.post("/time/clock-in/", {"contract": contract.pk})
    clock.advance(minutes=30)
    response = client.post("/time/clock-out/", follow=True)
    assert [str(m) for m in response.context["messages"]] == ["Clocked out: 0 h 30 min recorded."]


def test_clock_in_on_someone_elses_contract_is_404(client_for, freelancer, erin_contract):
    response = client_for(freelancer).post("/time/clock-in/", {"contract": erin_contract.pk})
    assert response.status_code == 404
    assert TimeEntry.objects.count() == 0


def test_clock_in_error_is_shown(client_for, freelancer, contract):
    client = client_for(freelancer)
    client.post("/time/clock-in/", {"contract": contract.pk})
    response = client.post("/time/clock-in/", {"contract": contract.pk}, HTTP_HX_REQUEST="true")
    assert (response.status_code, response["X-Form-Refused"]) == (200, "400")  # config/refused_forms.py
    assert "You are already clocked in. Clock out first." in response.content.decode()
    assert TimeEntry.objects.count() == 1


def test_manual_entry_form_reads_local_time(client_for, freelancer, contract):
    response = client_for(freelancer).post(
        "/time/entries/new/",
        {"contract": contract.pk, "started_at": "2026-03-17T09:00", "ended_at": "2026-03-17T11:30", "note": "Refunds"},
    )
    assert response.status_code == 302
    entry = TimeEntry.objects.get()
    assert (entry.started_at, entry.minutes) == (at(17, 1), 150)  # Manila is UTC+8


def test_manual_entry_form_shows_inline_errors(client_for, freelancer, contract):
    response = client_for(freelancer).post(
        "/time/entries/new/",
        {"contract": contract.pk, "started_at": "2026-03-17T11:00", "ended_at": "2026-03-17T09:00", "note": ""},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_ended_at_error">The end must be after the start.' in body
    assert 'id="id_note_error">Say what you worked on' in body
    assert TimeEntry.objects.count() == 0


def test_manual_entry_in_dst_gap_is_an_inline_error(client_for, freelancer, contract):
    contract.freelancer.timezone = contract.freelancer.user.timezone = "Europe/Berlin"  # kept equal by the services
    contract.freelancer.save()
    contract.freelancer.user.save()
    response = client_for(freelancer).post(
        "/time/entries/new/",
        {"contract": contract.pk, "started_at": "2026-03-29T02:30", "ended_at": "2026-03-29T04:00", "note": "x"},
    )
    assert response.status_code == 400
    assert "couldn’t be interpreted in time zone Europe/Berlin" in response.content.decode()
    assert TimeEntry.objects.count() == 0


def test_week_view_lists_entries_and_totals(
    client_for, freelancer, contract, other_contract, django_assert_num_queries
):
    client = client_for(freelancer)
    TimeEntryFactory(contract=contract, started_at=at(16, 9))
    TimeEntryFactory(contract=other_contract, started_at=at(17, 9), ended_at=at(17, 10, 15))
    client.get("/time/week/")  # warm the session
    with django_assert_num_queries(8):
        response = client.get(f"/time/week/?week={THIS_WEEK}")
    body = response.content.decode()
    assert "3 h 15 min" in body and "2 h 00 min" in body and "1 h 15 min" in body
    for day in (18, 19, 20):
        TimeEntryFactory(contract=contract, started_at=at(day, 1))
    with django_assert_num_queries(8):
        assert client.get(f"/time/week/?week={THIS_WEEK}").status_code == 200


def test_approvals_page_and_one_click_approve(client_for, seller_member, submitted, django_assert_num_queries):
    client = client_for(seller_member)
    client.get("/time/approvals/")
    with django_assert_num_queries(9):
        response = client.get("/time/approvals/")
    body = response.content.decode()
    assert "Acme inbox" in body and body.count("Approve</button>") == 1
    response = client.post(f"/time/timesheets/{submitted.pk}/approve/", {"next": "approvals"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.status, submitted.approved_minutes) == ("approved", 120)


def test_approvals_query_count_is_constant(client_for, seller_owner, org, freelancer_profile, clock):
    from tests.marketplace.factories import ContractFactory

    client = client_for(seller_owner)
    client.get("/time/approvals/")

    def add_submitted(n):
        for _i in range(n):
            c = ContractFactory(organization=org, started_at=dt.datetime(2026, 1, 5, tzinfo=UTC))
            TimesheetFactory(contract=c, status="submitted", submitted_minutes=60, review_due_at=at(20, 0))

    add_submitted(1)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get("/time/approvals/")
    add_submitted(5)
    with CaptureQueriesContext(connection) as six:
        response = client.get("/time/approvals/")
    assert response.content.decode().count("Approve</button>") == 6
    assert len(six.captured_queries) == len(one.captured_queries)


def test_outsider_gets_404_on_timesheet_pages(client_for, outsider, submitted):
    client = client_for(outsider)
    for url in (f"/time/timesheets/{submitted.pk}/",):
        assert client.get(url).status_code == 404
    for action in ("approve", "dispute", "resolve", "respond", "submit"):
        assert client.post(f"/time/timesheets/{submitted.pk}/{action}/", {"disputed_minutes": 5}).status_code == 404
    submitted.refresh_from_db()
    assert submitted.status == TimesheetStatus.SUBMITTED
    assert client.get("/time/approvals/").content.decode().count("Approve</button>") == 0


def test_freelancer_cannot_approve_own_timesheet(client_for, freelancer, submitted):
    response = client_for(freelancer).post(f"/time/timesheets/{submitted.pk}/approve/")
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == TimesheetStatus.SUBMITTED


def test_dispute_form_errors_inline_then_dispute(client_for, seller_owner, submitted):
    client = client_for(seller_owner)
    response = client.post(f"/time/timesheets/{submitted.pk}/dispute/", {"hours": 8, "mins": 20, "reason": "x"})
    assert response.status_code == 400
    assert (
        '<small class="error" id="id_hours_error">At most the submitted 2 h 00 min can be disputed.</small>'
        in response.content.decode()
    )
    submitted.refresh_from_db()
    assert submitted.status == TimesheetStatus.SUBMITTED
    response = client.post(
        f"/time/timesheets/{submitted.pk}/dispute/", {"hours": 0, "mins": 30, "reason": "No tickets answered"}
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.status, submitted.disputed_minutes) == ("disputed", 30)


def test_freelancer_answers_and_seller_resolves(client_for, seller_owner, freelancer, submitted):
    services.timesheet_dispute(actor=seller_owner, timesheet=submitted, disputed_minutes=30, reason="Slow")
    assert (
        client_for(freelancer).post(f"/time/timesheets/{submitted.pk}/respond/", {"response": "Busy day"}).status_code
        == 302
    )
    response = client_for(seller_owner).post(
        f"/time/timesheets/{submitted.pk}/resolve/", {"hours": 1, "mins": 40, "note": "Agreed"}
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.status, submitted.approved_minutes) == ("resolved", 100)


def test_csv_export_of_approved_hours(client_for, seller_owner, submitted, other_contract, clock):
    services.timesheet_approve(actor=seller_owner, timesheet=submitted)
    TimeEntryFactory(contract=other_contract, started_at=at(10, 14))  # Globex: never in Acme's export
    Timesheet.objects.filter(contract=other_contract).update(
        status="approved", submitted_minutes=120, approved_minutes=120
    )
    response = client_for(seller_owner).get("/time/export.csv?start=2026-03-02&end=2026-03-16")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines == [
        "week_start,contract_id,contract,freelancer,status,approved_minutes,approved_hours,bill_rate,currency",
        f"2026-03-09,{submitted.contract_id},Acme inbox,dana@freelance.test,approved,120,2.00,12.00,USD",
    ]


def test_csv_export_bad_period(client_for, seller_owner):
    response = client_for(seller_owner).get("/time/export.csv?start=2026-03-16&end=2026-03-02")
    assert response.status_code == 400
    assert "The end of the period must not be before its start." in response.content.decode()


def test_freelancer_has_no_export(client_for, freelancer):
    assert client_for(freelancer).get("/time/export.csv").status_code == 404
    assert client_for(freelancer).get("/time/approvals/").status_code == 404


def test_chart_renders_bars(client_for, seller_owner, submitted):
    response = client_for(seller_owner).get("/time/chart/")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("<rect ") == 8
    assert 'height="200"' in body  # last week is the tallest bar


def test_shifts_page_plans_and_flags(client_for, seller_owner, contract, clock):
    client = client_for(seller_owner)
    response = client.post(
        "/time/shifts/", {"contract": contract.pk, "starts_at": "2026-03-19T09:00", "ends_at": "2026-03-19T13:00"}
    )
    assert response.status_code == 302
    assert PlannedShift.objects.get().starts_at == at(19, 9)  # alice's timezone is UTC
    PlannedShiftFactory(contract=contract, starts_at=at(16, 9), ends_at=at(16, 13))
    PlannedShiftFactory(contract=contract, starts_at=at(17, 9), ends_at=at(17, 13))
    TimeEntryFactory(contract=contract, started_at=at(17, 9, 30), ended_at=at(17, 13))
    body = client.get("/time/shifts/").content.decode()
    assert "Missed" in body and "Late" in body and "Upcoming" in body
    assert "43.8 %" in body  # 210 of 480 planned minutes
    home = client.get("/").content.decode()
    assert ": missed the shift of Mon 16 Mar 09:00 UTC (Acme inbox)" in home
    assert ": late start for the shift of Tue 17 Mar 09:00 UTC (Acme inbox)" in home


def test_member_without_manage_role_cannot_plan(client_for, contract, org):
    from accounts.models import Role
    from tests.accounts.factories import MembershipFactory

    viewer = MembershipFactory(organization=org, role=Role.VIEWER).user
    response = client_for(viewer).post(
        "/time/shifts/", {"contract": contract.pk, "starts_at": "2026-03-19T09:00", "ends_at": "2026-03-19T13:00"}
    )
    assert response.status_code == 403
    assert PlannedShift.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_csv_export_neutralises_formulas(client_for, seller_owner, submitted, contract):
    contract.title = "=HYPERLINK(1)"
    contract.save()
    services.timesheet_approve(actor=seller_owner, timesheet=submitted)
    body = client_for(seller_owner).get("/time/export.csv?start=2026-03-09&end=2026-03-09").content.decode()
    assert ",'=HYPERLINK(1)," in body
