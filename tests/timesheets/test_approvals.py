"""The seller's approvals page (filters, history, money), hours-and-minutes disputes, the freelancer's e-mails,
and times shown in the viewer's zone with the zone named."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.core import mail

from accounts.models import AuditEvent
from tests.marketplace.factories import ContractFactory, FreelancerProfileFactory
from timesheets import services
from timesheets.models import Timesheet, TimesheetStatus

from .conftest import LAST_WEEK, THIS_WEEK
from .factories import TimeEntryFactory, TimesheetFactory

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def at(day, hour, minute=0):
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def submitted(contract, freelancer):
    """dana's week of 9 March: 18 h 40 min (1120 minutes) at 12.00 USD an hour."""
    for day in range(9, 14):
        TimeEntryFactory(contract=contract, started_at=at(day, 1), ended_at=at(day, 4, 44))
    return services.timesheet_submit(actor=freelancer, timesheet=Timesheet.objects.get(week_start=LAST_WEEK))


def rows(body: str) -> list[str]:
    """The approvals table's rows as text, cells joined by " | "."""
    tbody = body.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in body else ""
    out = []
    for row in re.findall(r"<tr>(.*?)</tr>", tbody, flags=re.S):
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td>(.*?)</td>", row, flags=re.S)]
        out.append(" | ".join(" ".join(c.split()) for c in cells[:7]))
    return out


def test_pending_row_shows_the_amount_the_approval_bills(client_for, seller_owner, submitted):
    body = client_for(seller_owner).get("/time/approvals/").content.decode()
    assert rows(body) == [
        "Week of 9 Mar 2026 | " + str(submitted.contract.freelancer) + " | Acme inbox | 18 h 40 min | 224.00 USD | "
        "Submitted | Mon 23 Mar 12:00 UTC"
    ]
    assert "Each row is one ISO week, billed Monday 00:00 to Sunday 24:00 UTC. Times in UTC." in body
    assert 'aria-label="Approve 18 h 40 min of ' in body and 'week of 9 Mar 2026 (224.00 USD)"' in body


def test_amount_is_the_invoice_amount(submitted, seller_owner):
    """224.00 = 1120 / 60 × 12.00, rounded once, as billing.issuing does."""
    from decimal import Decimal

    from timesheets.hours import bill_amount

    assert bill_amount(submitted.submitted_minutes, submitted.contract) == Decimal("224.00")
    contract = submitted.contract
    contract.bill_rate = Decimal("12.35")
    assert bill_amount(1000, contract) == Decimal("205.83")  # 205.8333… half-up once


def test_detail_page_approve_button_names_time_and_money(client_for, seller_owner, submitted):
    body = client_for(seller_owner).get(f"/time/timesheets/{submitted.pk}/").content.decode()
    assert '<button type="submit">Approve 18 h 40 min (224.00 USD)</button>' in body
    assert "Billed Monday–Sunday UTC. Times in UTC." in body


def test_history_tab_lists_approved_and_resolved_weeks(client_for, seller_owner, submitted, org, clock):
    services.timesheet_approve(actor=seller_owner, timesheet=submitted)
    other = ContractFactory(organization=org, title="Acme chat", started_at=dt.datetime(2026, 1, 5, tzinfo=UTC))
    TimesheetFactory(contract=other, week_start=LAST_WEEK, status="submitted", submitted_minutes=60)
    client = client_for(seller_owner)
    pending = rows(client.get("/time/approvals/").content.decode())
    assert [r.split(" | ")[2] for r in pending] == ["Acme chat"]
    body = client.get("/time/approvals/?show=history").content.decode()
    assert "<h1>Approved and resolved weeks</h1>" in body
    assert rows(body) == [
        "Week of 9 Mar 2026 | "
        + str(submitted.contract.freelancer)
        + " | Acme inbox | 18 h 40 min | 224.00 USD | Approved | Wed 18 Mar 12:00 UTC"
    ]
    assert "Approve</button>" not in body


def test_filters_by_contract_freelancer_and_week(client_for, seller_owner, org, contract, clock):
    maria = FreelancerProfileFactory(user__email="maria@freelance.test", user__full_name="Maria Santos")
    marias = ContractFactory(
        organization=org, freelancer=maria, title="Acme returns", started_at=dt.datetime(2026, 1, 5, tzinfo=UTC)
    )
    for c in (contract, marias):
        for week in (LAST_WEEK, LAST_WEEK - dt.timedelta(days=7)):
            TimesheetFactory(contract=c, week_start=week, status="submitted", submitted_minutes=60)
    client = client_for(seller_owner)

    def titles(query):
        return [
            (r.split(" | ")[0], r.split(" | ")[2])
            for r in rows(client.get(f"/time/approvals/?{query}").content.decode())
        ]

    assert len(titles("")) == 4
    assert titles(f"contract={marias.pk}") == [
        ("Week of 9 Mar 2026", "Acme returns"),
        ("Week of 2 Mar 2026", "Acme returns"),
    ]
    assert titles("freelancer=santos") == titles(f"contract={marias.pk}")
    assert titles("freelancer=MARIA@") == titles(f"contract={marias.pk}")
    assert titles("week=2026-W10") == [("Week of 2 Mar 2026", "Acme inbox"), ("Week of 2 Mar 2026", "Acme returns")]
    assert titles(f"week=2026-W11&contract={contract.pk}") == [("Week of 9 Mar 2026", "Acme inbox")]
    body = client.get("/time/approvals/").content.decode()
    assert '<input type="week" name="week"' in body
    assert f'<option value="{marias.pk}">Acme returns — Maria Santos</option>' in body


def test_bad_filters_are_errors_next_to_the_field_not_a_500(client_for, seller_owner, submitted, outsider, other_org):
    foreign = ContractFactory(organization=other_org, started_at=dt.datetime(2026, 1, 5, tzinfo=UTC))
    client = client_for(seller_owner)
    response = client.get("/time/approvals/?week=2026-W99")
    assert response.status_code == 200
    assert '<small class="error" id="id_week_error">Pick a week, e.g. 2026-W12.</small>' in response.content.decode()
    response = client.get(f"/time/approvals/?contract={foreign.pk}&show=nonsense")
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert foreign.title not in rows(response.content.decode())


def test_approvals_query_count_is_pinned_and_constant(client_for, seller_owner, org, clock, django_assert_num_queries):
    client = client_for(seller_owner)
    client.get("/time/approvals/")

    def add(n):
        for _i in range(n):
            c = ContractFactory(organization=org, started_at=dt.datetime(2026, 1, 5, tzinfo=UTC))
            TimesheetFactory(contract=c, status="approved", submitted_minutes=90, approved_minutes=90)

    add(1)
    with django_assert_num_queries(9):
        client.get("/time/approvals/?show=history&freelancer=a&week=2026-W11")
    add(6)
    with django_assert_num_queries(9):
        response = client.get("/time/approvals/?show=history&week=2026-W11")
    assert len(rows(response.content.decode())) == 7


def test_dispute_in_hours_and_minutes(client_for, seller_owner, submitted):
    client = client_for(seller_owner)
    url = f"/time/timesheets/{submitted.pk}/dispute/"
    bad = [
        ({"hours": "", "mins": "30", "reason": "x"}, "id_hours_error", "This field is required."),
        (
            {"hours": "1", "mins": "60", "reason": "x"},
            "id_mins_error",
            "Ensure this value is less than or equal to 59.",
        ),
        ({"hours": "0", "mins": "0", "reason": "x"}, "id_hours_error", "Dispute at least one minute."),
        ({"hours": "two", "mins": "", "reason": "x"}, "id_hours_error", "Enter a whole number."),
        (
            {"hours": "18", "mins": "41", "reason": "x"},
            "id_hours_error",
            "At most the submitted 18 h 40 min can be disputed.",
        ),
    ]
    for data, error_id, message in bad:
        response = client.post(url, data)
        assert response.status_code == 400
        assert f'<small class="error" id="{error_id}">{message}</small>' in response.content.decode()
    submitted.refresh_from_db()
    assert (submitted.status, submitted.disputed_minutes) == ("submitted", None)
    assert client.post(url, {"hours": "2", "mins": "15", "reason": "No tickets on Friday"}).status_code == 302
    submitted.refresh_from_db()
    assert (submitted.status, submitted.disputed_minutes) == ("disputed", 135)


def test_resolve_in_hours_and_minutes(client_for, seller_owner, submitted):
    services.timesheet_dispute(actor=seller_owner, timesheet=submitted, disputed_minutes=135, reason="Friday")
    client = client_for(seller_owner)
    body = client.get(f"/time/timesheets/{submitted.pk}/").content.decode()
    assert 'name="hours" value="18"' in body and 'name="mins" value="40"' in body
    response = client.post(f"/time/timesheets/{submitted.pk}/resolve/", {"hours": "16", "mins": "0", "note": "x"})
    assert response.status_code == 400
    assert "Approve between 16 h 25 min (all disputed time removed) and 18 h 40 min (as submitted)." in (
        response.content.decode()
    )
    response = client.post(f"/time/timesheets/{submitted.pk}/resolve/", {"hours": "17", "mins": "5", "note": "Half"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.status, submitted.approved_minutes) == ("resolved", 1025)


def test_another_seller_cannot_approve_or_dispute(client_for, outsider, submitted):
    client = client_for(outsider)
    mail.outbox.clear()
    events = AuditEvent.objects.count()
    for action, data in (
        ("approve", {}),
        ("dispute", {"hours": "1", "mins": "0", "reason": "x"}),
        ("resolve", {"hours": "1", "mins": "0", "note": "x"}),
    ):
        assert client.post(f"/time/timesheets/{submitted.pk}/{action}/", data).status_code == 404
    submitted.refresh_from_db()
    assert (submitted.status, submitted.approved_minutes, submitted.disputed_minutes) == ("submitted", None, None)
    assert AuditEvent.objects.count() == events
    assert mail.outbox == []
    assert rows(client.get("/time/approvals/").content.decode()) == []


def test_freelancer_is_emailed_once_when_the_week_is_approved(
    client_for, seller_owner, submitted, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(seller_owner).post(f"/time/timesheets/{submitted.pk}/approve/")
    with django_capture_on_commit_callbacks(execute=True):  # a second click changes nothing and sends nothing
        client_for(seller_owner).post(f"/time/timesheets/{submitted.pk}/approve/")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["dana@freelance.test"]
    assert message.subject == "[Shiftdesk] Your week of 09 Mar 2026 on Acme inbox is approved"
    name = submitted.contract.freelancer.user.display_name
    assert message.body == (
        f"Hello {name},\n\n"
        'Acme Store approved 18 h 40 min on "Acme inbox" for the week of 9 Mar 2026 (billed Monday–Sunday UTC).\n'
        "Approved on Wed 18 Mar 2026 20:00 Asia/Manila.\n\n"
        f"{settings.SITE_URL}/time/timesheets/{submitted.pk}/\n"
    )


def test_freelancer_is_emailed_when_disputed_and_when_resolved(
    seller_owner, submitted, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.timesheet_dispute(actor=seller_owner, timesheet=submitted, disputed_minutes=135, reason="Friday")
    assert len(callbacks) == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.timesheet_resolve(actor=seller_owner, timesheet=submitted, approved_minutes=1025, note="Half of it")
    assert [m.subject for m in mail.outbox] == [
        "[Shiftdesk] Hours disputed: your week of 09 Mar 2026 on Acme inbox",
        "[Shiftdesk] Dispute resolved: your week of 09 Mar 2026 on Acme inbox",
    ]
    assert "Acme Store disputed 2 h 15 min of the 18 h 40 min you submitted" in mail.outbox[0].body
    assert "Their reason: Friday" in mail.outbox[0].body
    assert (
        'Acme Store resolved the dispute on "Acme inbox" for the week of 9 Mar 2026: 17 h 05 min of the 18 h 40 min '
        "you submitted are approved.\n\nResolution: Half of it"
    ) in mail.outbox[1].body


def test_nothing_is_sent_when_the_transaction_rolls_back(seller_owner, submitted, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.timesheet_approve(actor=seller_owner, timesheet=submitted)
    assert mail.outbox == []  # enqueued for after the commit, not sent inside the transaction
    assert len(callbacks) == 2


def test_week_page_names_the_billing_week_and_the_viewer_zone(client_for, freelancer, contract):
    TimeEntryFactory(contract=contract, started_at=at(16, 1), ended_at=at(16, 2))
    body = client_for(freelancer).get(f"/time/week/?week={THIS_WEEK}").content.decode()
    assert "<h1>Week of 16 Mar 2026 (billed Monday–Sunday UTC)</h1>" in body
    assert (
        "This week is billed from Mon 16 Mar 00:00 to Sun 22 Mar 24:00 UTC; every entry that starts in it counts "
        "here. Times are shown in Asia/Manila."
    ) in body
    assert "<td>Mon 16 Mar 09:00 Asia/Manila</td>" in body  # 01:00 UTC


def test_refused_entry_states_its_limit_in_the_viewer_zone(client_for, freelancer, contract):
    TimeEntryFactory(contract=contract, started_at=at(17, 1), ended_at=at(17, 4))
    client = client_for(freelancer)
    response = client.post(
        "/time/entries/new/",
        {"contract": contract.pk, "started_at": "2026-03-17T11:00", "ended_at": "2026-03-17T13:00", "note": "x"},
    )
    assert response.status_code == 400
    assert (
        "This overlaps your entry on “Acme inbox” from Tue 17 Mar 09:00 Asia/Manila (until Tue 17 Mar 12:00 "
        "Asia/Manila)." in response.content.decode()
    )
    response = client.post(
        "/time/entries/new/",
        {"contract": contract.pk, "started_at": "2026-03-18T21:00", "ended_at": "2026-03-18T22:00", "note": "x"},
    )
    assert "Time in the future cannot be recorded; it is now Wed 18 Mar 20:00 Asia/Manila." in response.content.decode()
    assert Timesheet.objects.get(week_start=THIS_WEEK).entries.count() == 1
    assert Timesheet.objects.get(week_start=THIS_WEEK).status == TimesheetStatus.OPEN


def test_auto_approval_emails_the_freelancer_once(submitted, clock, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    clock.advance(days=5)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.timesheets_auto_approve() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert services.timesheets_auto_approve() == 0
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["dana@freelance.test"], "[Shiftdesk] Your week of 09 Mar 2026 on Acme inbox is approved")
    ]
