import datetime as dt

import pytest

from tests.timesheets.conftest import LAST_WEEK
from tests.timesheets.factories import TimeEntryFactory, TimesheetFactory
from timesheets import services
from timesheets.models import TimeEntry, Timesheet, TimesheetStatus

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def at(day, hour, minute=0):
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def submitted(contract, freelancer):
    TimeEntryFactory(contract=contract, started_at=at(10, 9))
    return services.timesheet_submit(actor=freelancer, timesheet=Timesheet.objects.get(week_start=LAST_WEEK))


def test_clock_in_and_out_over_the_api(client_for, freelancer, contract, clock):
    client = client_for(freelancer)
    response = client.post("/api/time-entries/clock-in/", {"contract": contract.pk}, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["started_at"] == "2026-03-18T12:00:00Z"
    assert response.json()["ended_at"] is None
    clock.advance(minutes=90)
    response = client.post("/api/time-entries/clock-out/")
    assert response.status_code == 200
    assert [e["minutes"] for e in response.json()] == [90]


def test_manual_entry_errors_are_field_keyed(client_for, freelancer, contract):
    response = client_for(freelancer).post(
        "/api/time-entries/",
        {
            "contract": contract.pk,
            "started_at": "2026-03-17T10:00:00Z",
            "ended_at": "2026-03-17T09:00:00Z",
            "note": "x",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {"ended_at": ["The end must be after the start."]}
    assert TimeEntry.objects.count() == 0


def test_manual_entry_on_another_freelancers_contract(client_for, freelancer, erin_contract):
    response = client_for(freelancer).post(
        "/api/time-entries/",
        {
            "contract": erin_contract.pk,
            "started_at": "2026-03-17T08:00:00Z",
            "ended_at": "2026-03-17T09:00:00Z",
            "note": "x",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {"contract": [f'Invalid pk "{erin_contract.pk}" - object does not exist.']}
    assert TimeEntry.objects.count() == 0


def test_manual_entry_created(client_for, freelancer, contract):
    response = client_for(freelancer).post(
        "/api/time-entries/",
        {
            "contract": contract.pk,
            "started_at": "2026-03-17T08:00:00Z",
            "ended_at": "2026-03-17T09:15:00Z",
            "note": "Chargebacks",
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["minutes"], body["source"], body["week_start"], body["timesheet_status"]) == (
        75,
        "manual",
        "2026-03-16",
        "open",
    )


def test_timesheet_flow_over_the_api(client_for, seller_owner, freelancer, submitted):
    seller = client_for(seller_owner)
    response = seller.post(
        f"/api/timesheets/{submitted.pk}/dispute/",
        {"disputed_minutes": 999, "reason": "x"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {"disputed_minutes": ["At most the submitted 2 h 00 min can be disputed."]}
    response = seller.post(
        f"/api/timesheets/{submitted.pk}/dispute/",
        {"disputed_minutes": 60, "reason": "Idle"},
        content_type="application/json",
    )
    assert response.json()["status"] == "disputed"
    response = client_for(freelancer).post(
        f"/api/timesheets/{submitted.pk}/respond/", {"response": "Training"}, content_type="application/json"
    )
    assert response.json()["freelancer_response"] == "Training"
    response = seller.post(
        f"/api/timesheets/{submitted.pk}/resolve/",
        {"approved_minutes": 90, "note": "Split"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["approved_minutes"], response.json()["approved_hours"]) == (
        "resolved",
        90,
        "1.50",
    )


def test_double_approve_over_the_api(client_for, seller_owner, submitted):
    client = client_for(seller_owner)
    first = client.post(f"/api/timesheets/{submitted.pk}/approve/")
    second = client.post(f"/api/timesheets/{submitted.pk}/approve/")
    assert (first.status_code, second.status_code) == (200, 200)
    assert first.json() == second.json()
    assert first.json()["approved_minutes"] == 120


def test_freelancer_cannot_approve_over_the_api(client_for, freelancer, submitted):
    response = client_for(freelancer).post(f"/api/timesheets/{submitted.pk}/approve/")
    assert response.status_code == 403
    assert Timesheet.objects.get().status == TimesheetStatus.SUBMITTED


def test_outsider_sees_nothing(client_for, outsider, submitted):
    client = client_for(outsider)
    assert client.get("/api/timesheets/").json()["count"] == 0
    assert client.get("/api/time-entries/").json()["count"] == 0
    assert client.get(f"/api/timesheets/{submitted.pk}/").status_code == 404
    assert client.post(f"/api/timesheets/{submitted.pk}/approve/").status_code == 404
    assert Timesheet.objects.get().status == TimesheetStatus.SUBMITTED


def test_filters(client_for, seller_owner, contract, submitted):
    TimesheetFactory(contract=contract, week_start=dt.date(2026, 3, 2))
    client = client_for(seller_owner)
    assert [t["id"] for t in client.get("/api/timesheets/?status=submitted").json()["results"]] == [submitted.pk]
    assert client.get("/api/timesheets/?week=2026-03-02").json()["count"] == 1
    assert client.get(f"/api/timesheets/?contract={contract.pk}").json()["count"] == 2
    assert client.get("/api/time-entries/?week=2026-03-09").json()["count"] == 1
    assert client.get("/api/time-entries/?status=open").json()["count"] == 0


def test_list_query_counts_are_constant(client_for, seller_owner, contract, django_assert_num_queries):
    client = client_for(seller_owner)
    TimeEntryFactory(contract=contract, started_at=at(2, 9))
    client.get("/api/timesheets/")
    with django_assert_num_queries(7):
        assert client.get("/api/timesheets/").json()["count"] == 1
    with django_assert_num_queries(7):
        assert client.get("/api/time-entries/").json()["count"] == 1
    for day in (3, 4, 10, 11, 17):
        TimeEntryFactory(contract=contract, started_at=at(day, 9))
    with django_assert_num_queries(7):
        assert client.get("/api/timesheets/").json()["count"] == 3
    with django_assert_num_queries(7):
        assert client.get("/api/time-entries/").json()["count"] == 6
