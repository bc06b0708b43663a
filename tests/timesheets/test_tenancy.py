"""Every timesheets URL, visited by people outside the data: other tenants' objects answer 404, lists are empty."""

import datetime as dt

import pytest

from tests.timesheets.conftest import LAST_WEEK
from tests.timesheets.factories import PlannedShiftFactory, TimeEntryFactory, TimesheetFactory
from timesheets.models import PlannedShift, TimeEntry, Timesheet

pytestmark = pytest.mark.django_db
UTC = dt.UTC


@pytest.fixture
def acme_data(contract):
    entry = TimeEntryFactory(contract=contract, started_at=dt.datetime(2026, 3, 10, 9, tzinfo=UTC))
    Timesheet.objects.filter(pk=entry.timesheet_id).update(status="submitted", submitted_minutes=120)
    shift = PlannedShiftFactory(contract=contract)
    return entry, Timesheet.objects.get(pk=entry.timesheet_id), shift


OBJECT_URLS = [
    ("post", "/time/entries/{entry}/delete/"),
    ("get", "/time/timesheets/{ts}/"),
    ("post", "/time/timesheets/{ts}/submit/"),
    ("post", "/time/timesheets/{ts}/approve/"),
    ("post", "/time/timesheets/{ts}/dispute/"),
    ("post", "/time/timesheets/{ts}/respond/"),
    ("post", "/time/timesheets/{ts}/resolve/"),
    ("post", "/time/shifts/{shift}/delete/"),
    ("get", "/api/time-entries/{entry}/"),
    ("get", "/api/timesheets/{ts}/"),
    ("post", "/api/timesheets/{ts}/submit/"),
    ("post", "/api/timesheets/{ts}/approve/"),
    ("post", "/api/timesheets/{ts}/dispute/"),
    ("post", "/api/timesheets/{ts}/respond/"),
    ("post", "/api/timesheets/{ts}/resolve/"),
]


@pytest.mark.parametrize("persona", ["outsider", "freelancer_no_contract"])
def test_other_tenants_objects_answer_404(request, client_for, acme_data, persona):
    entry, ts, shift = acme_data
    client = client_for(request.getfixturevalue(persona))
    for method, url in OBJECT_URLS:
        response = getattr(client, method)(url.format(entry=entry.pk, ts=ts.pk, shift=shift.pk))
        assert response.status_code == 404, url
    assert (TimeEntry.objects.count(), PlannedShift.objects.count()) == (1, 1)
    assert Timesheet.objects.get().status == "submitted"


def test_outsider_lists_show_nothing_of_acme(client_for, outsider, acme_data):
    client = client_for(outsider)
    assert client.get("/api/timesheets/").json()["count"] == 0
    assert client.get("/api/time-entries/").json()["count"] == 0
    for url in ("/time/approvals/", "/time/shifts/", "/time/chart/"):
        body = client.get(url).content.decode()
        assert "Acme inbox" not in body, url
    csv = client.get("/time/export.csv?start=2026-03-02&end=2026-03-16").content.decode()
    assert csv.count("\n") == 1  # the header only


def test_freelancer_sees_only_own_entries(client_for, freelancer_no_contract, erin_contract, acme_data):
    TimesheetFactory(contract=erin_contract, week_start=LAST_WEEK)
    client = client_for(freelancer_no_contract)
    body = client.get(f"/time/week/?week={LAST_WEEK}").content.decode()
    assert "Acme inbox" not in body and "Globex returns" in body
    assert client.get("/api/time-entries/").json()["count"] == 0
