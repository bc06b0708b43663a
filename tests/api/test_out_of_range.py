"""Numbers past their column and date-times the database cannot store answer a field-keyed 400 and change nothing."""

import datetime as dt

import pytest

from qa_ops.models import ReviewAssignment
from tests.qa_ops.factories import ReviewAssignmentFactory
from tests.qa_scoring.factories import ConversationFactory
from tests.timesheets.conftest import LAST_WEEK, clock, contract  # noqa: F401 - fixtures
from tests.timesheets.factories import TimeEntryFactory
from tests.vetting.conftest import candidate, candidate_profile, vetting_staff  # noqa: F401 - fixtures
from timesheets import services
from timesheets.models import Timesheet, TimesheetStatus
from vetting import services as vetting_services

pytestmark = pytest.mark.django_db
TOO_BIG = "Ensure this value is less than or equal to 2147483647."
OFFSET = "Give a UTC offset between -18:00 and +18:00."


@pytest.fixture
def disputed(contract, freelancer, seller_owner):  # noqa: F811
    TimeEntryFactory(contract=contract, started_at=dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC))
    sheet = services.timesheet_submit(actor=freelancer, timesheet=Timesheet.objects.get(week_start=LAST_WEEK))
    return services.timesheet_dispute(actor=seller_owner, timesheet=sheet, disputed_minutes=60, reason="Idle")


@pytest.mark.parametrize("minutes", [2**31, 10**30])
def test_resolve_with_minutes_past_the_column(client_for, seller_owner, disputed, minutes):
    response = client_for(seller_owner).post(
        f"/api/timesheets/{disputed.pk}/resolve/",
        {"approved_minutes": minutes, "note": "Split"},
        content_type="application/json",
    )

    assert (response.status_code, response.json()) == (400, {"approved_minutes": [TOO_BIG]})
    disputed.refresh_from_db()
    assert (disputed.status, disputed.approved_minutes, disputed.resolution_note) == (
        TimesheetStatus.DISPUTED,
        None,
        "",
    )


def test_dispute_with_minutes_past_the_column(client_for, seller_owner, contract, freelancer):  # noqa: F811
    TimeEntryFactory(contract=contract, started_at=dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC))
    sheet = services.timesheet_submit(actor=freelancer, timesheet=Timesheet.objects.get(week_start=LAST_WEEK))
    response = client_for(seller_owner).post(
        f"/api/timesheets/{sheet.pk}/dispute/",
        {"disputed_minutes": 2**40, "reason": "x"},
        content_type="application/json",
    )

    assert (response.status_code, response.json()) == (400, {"disputed_minutes": [TOO_BIG]})
    sheet.refresh_from_db()
    assert (sheet.status, sheet.disputed_minutes) == (TimesheetStatus.SUBMITTED, None)


@pytest.mark.parametrize(
    ("days", "message"),
    [
        ("1e16", "Enter a whole number."),
        ("36501", "Ensure this value is less than or equal to 36500."),
        ("99999999999999999999", "Ensure this value is less than or equal to 36500."),
    ],
)
def test_vetting_waiting_days_past_a_century(client_for, vetting_staff, candidate, candidate_profile, days, message):  # noqa: F811
    vetting_services.application_submit(actor=candidate, profile=candidate_profile)
    response = client_for(vetting_staff).get(f"/api/vetting/applications/?waiting_days={days}")

    assert (response.status_code, response.json()) == (400, {"waiting_days": [message]})


def test_vetting_waiting_days_in_range_still_filters(client_for, vetting_staff, candidate, candidate_profile):  # noqa: F811
    vetting_services.application_submit(actor=candidate, profile=candidate_profile)
    client = client_for(vetting_staff)

    assert client.get("/api/vetting/applications/?waiting_days=0").json()["count"] == 1
    assert client.get("/api/vetting/applications/?waiting_days=36500").json()["count"] == 0


@pytest.fixture
def assignment(reviewer, org):
    return ReviewAssignmentFactory(
        rule__organization=org,
        conversation=ConversationFactory(organization=org),
        reviewer=reviewer,
        due_at=dt.datetime(2026, 3, 2, tzinfo=dt.UTC),
    )


@pytest.mark.parametrize(
    ("value", "body"),
    [
        ("2026-03-01T00:00:00%2B23:41", {"due_before": [OFFSET]}),
        ("2026-03-01T00:00:00-18:01", {"due_before": [OFFSET]}),
        ("0001-01-01T00:00:00%2B05:00", {"due_before": ["Give a date-time between the years 1900 and 2999."]}),
    ],
)
def test_assignment_due_before_with_an_impossible_offset(client_for, reviewer, assignment, value, body):
    response = client_for(reviewer).get(f"/api/qa-ops/assignments/?due_before={value}")

    assert (response.status_code, response.json()) == (400, body)


def test_assignment_due_before_offsets_are_compared_in_utc(client_for, reviewer, assignment):
    client = client_for(reviewer)
    # 05:30+05:30 is midnight UTC, the assignment's due time: "before" excludes it; a minute later includes it.
    at = client.get("/api/qa-ops/assignments/?due_before=2026-03-02T05:30:00%2B05:30").json()
    after = client.get("/api/qa-ops/assignments/?due_before=2026-03-02T05:31:00%2B05:30").json()

    assert (at["count"], after["count"]) == (0, 1)
    assert ReviewAssignment.objects.count() == 1


def test_manual_entry_with_an_impossible_offset(client_for, freelancer, contract):  # noqa: F811
    response = client_for(freelancer).post(
        "/api/time-entries/",
        {
            "contract": contract.pk,
            "started_at": "2026-03-17T08:00:00+23:41",
            "ended_at": "2026-03-17T09:00:00Z",
            "note": "x",
        },
        content_type="application/json",
    )

    assert (response.status_code, response.json()) == (400, {"started_at": [OFFSET]})


def test_funnel_offsets_and_years_are_checked(client_for, vetting_staff):  # noqa: F811
    client = client_for(vetting_staff)

    assert client.get("/api/vetting/funnel/?since=2026-01-01T00:00%2B23:41").json() == {"since": [OFFSET]}
    assert client.get("/api/vetting/funnel/?until=2026-01-01T00:00").json() == {
        "until": ["Use an ISO date-time with a time zone, e.g. 2026-01-01T00:00Z."]
    }
    assert client.get("/api/vetting/funnel/?since=2026-01-01T00:00%2B05:00").json()["applied"] == 0


@pytest.mark.parametrize("page", ["0", "10001", "99999999999999999999", "x"])
def test_match_pages_out_of_range(client_for, seller_owner, org, page):
    from tests.marketplace.factories import JobPostFactory

    job = JobPostFactory(organization=org)
    response = client_for(seller_owner).get(f"/api/jobs/{job.pk}/matches/?page={page}")

    assert response.status_code == 400
    assert list(response.json()) == ["page"]
