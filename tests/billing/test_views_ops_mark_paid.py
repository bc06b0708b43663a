"""The ops desk marking several bank-transfer invoices paid: a confirmation page, then the marking."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db.models import Sum

from accounts.models import AuditEvent
from billing import services
from billing.models import Invoice, InvoiceStatus, JournalEntry, Posting
from tests.billing.factories import WEEK, approved_timesheet

pytestmark = pytest.mark.django_db

URL = "/billing/ops/invoices/paid/"


@pytest.fixture
def invoices(contract, other_contract):
    """Acme's invoice (120.00 USD), Globex's (12.00 USD), and a later Acme invoice nobody ticks (24.00 USD)."""
    approved_timesheet(contract, 600)
    approved_timesheet(other_contract, 60)
    services.invoices_generate(week_start=WEEK)
    later = WEEK + dt.timedelta(days=7)
    approved_timesheet(contract, 120, week_start=later)
    services.invoices_generate(week_start=later)
    acme = Invoice.objects.get(organization=contract.organization, week_start=WEEK)
    globex = Invoice.objects.get(organization=other_contract.organization)
    untouched = Invoice.objects.get(organization=contract.organization, week_start=later)
    assert (acme.total, globex.total, untouched.total) == (Decimal("120.00"), Decimal("12.00"), Decimal("24.00"))
    return acme, globex, untouched


def _state() -> tuple:
    """Everything marking paid writes: statuses, paid dates, entries, audit events."""
    return (
        sorted(Invoice.objects.values_list("pk", "status", "paid_at", "paid_via")),
        JournalEntry.objects.count(),
        AuditEvent.objects.filter(action="invoice.paid").count(),
    )


def _rows(body: str) -> list[list[str]]:
    tbody = re.search(r"<tbody>(.*?)</tbody>", body, re.S).group(1)
    return [re.findall(r"<td>(.*?)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", tbody, re.S)]


def test_confirmation_lists_exactly_the_ticked_invoices_and_changes_nothing(client_for, staff, invoices):
    acme, globex, untouched = invoices
    before = _state()

    response = client_for(staff).post(URL, {"invoices": [str(globex.pk), str(acme.pk)]})

    assert response.status_code == 200
    body = response.content.decode()
    assert "Mark 2 invoices paid?" in body
    assert _rows(body) == [
        [acme.number, "Acme Store", "9 Mar 2026", "120.00 USD"],
        [globex.number, "Globex Shop", "9 Mar 2026", "12.00 USD"],
    ]
    assert '<th scope="row" colspan="3">Total</th><td>132.00 USD</td>' in body
    assert f"Mark {acme.number}, {globex.number} paid (132.00 USD)" in body
    hidden = re.findall(r'<input type="hidden" name="invoices" value="(\d+)">', body)
    assert sorted(hidden) == sorted([str(acme.pk), str(globex.pk)])
    assert untouched.number not in body
    assert _state() == before


def test_confirming_marks_them_paid_with_one_balanced_entry_each(
    client_for, staff, invoices, django_capture_on_commit_callbacks
):
    acme, globex, untouched = invoices
    entries_before = JournalEntry.objects.count()

    with django_capture_on_commit_callbacks() as callbacks:
        response = client_for(staff).post(URL, {"invoices": [str(acme.pk), str(globex.pk)], "confirm": "yes"})

    assert response.status_code == 302
    assert response.url == "/billing/ops/"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [f"Marked paid: {acme.number}, {globex.number}."]
    assert dict(Invoice.objects.values_list("pk", "status")) == {
        acme.pk: InvoiceStatus.PAID,
        globex.pk: InvoiceStatus.PAID,
        untouched.pk: InvoiceStatus.OPEN,
    }
    assert set(Invoice.objects.filter(status=InvoiceStatus.PAID).values_list("paid_via", flat=True)) == {"manual"}
    payments = JournalEntry.objects.filter(idempotency_key__startswith="payment:")
    assert sorted(payments.values_list("idempotency_key", "invoice_id")) == sorted(
        [(f"payment:{acme.pk}", acme.pk), (f"payment:{globex.pk}", globex.pk)]
    )
    assert JournalEntry.objects.count() == entries_before + 2
    for entry in payments:
        legs = sorted(entry.postings.values_list("account__type", "amount", "currency"))
        total = entry.invoice.total
        assert legs == [("gateway_clearing", total, "USD"), ("seller_receivable", -total, "USD")]
    assert Posting.objects.filter(entry__in=payments).aggregate(s=Sum("amount"))["s"] == Decimal("0")
    events = AuditEvent.objects.filter(action="invoice.paid")
    assert sorted(events.values_list("target_id", "actor")) == sorted(
        [(str(acme.pk), staff.pk), (str(globex.pk), staff.pk)]
    )
    assert len(callbacks) == 1  # the payouts of both, in one task


def test_confirming_again_changes_nothing(client_for, staff, invoices):
    acme, globex, _ = invoices
    client = client_for(staff)
    confirm = {"invoices": [str(acme.pk), str(globex.pk)], "confirm": "yes"}
    assert client.post(URL, confirm).status_code == 302
    after_first = _state()

    replay = client_for(staff).post(URL, confirm)

    assert replay.status_code == 400
    assert (
        '<p class="form-errors" role="alert" id="bulk-paid-error">The invoices you ticked are no longer open.</p>'
        in (replay.content.decode())
    )
    assert _state() == after_first


@pytest.mark.parametrize("persona", ["seller_owner", "seller_member", "freelancer", "reviewer", "outsider"])
def test_only_ops_may_mark_paid_and_a_refusal_changes_nothing(request, client_for, invoices, persona):
    acme, globex, _ = invoices
    client = client_for(request.getfixturevalue(persona))
    before = _state()
    ids = [str(acme.pk), str(globex.pk)]

    assert client.post(URL, {"invoices": ids}).status_code == 403
    assert client.post(URL, {"invoices": ids, "confirm": "yes"}).status_code == 403
    assert client.get("/billing/ops/").status_code == 403

    assert _state() == before


def test_get_is_not_allowed(client_for, staff):
    assert client_for(staff).get(URL).status_code == 405


@pytest.mark.parametrize("confirm", ["", "yes"])
def test_an_already_paid_invoice_in_the_selection_is_refused_and_nothing_changes(client_for, staff, invoices, confirm):
    acme, globex, _ = invoices
    services.invoice_mark_paid(invoice=globex, actor=staff, via="manual")
    before = _state()

    response = client_for(staff).post(URL, {"invoices": [str(acme.pk), str(globex.pk)], "confirm": confirm})

    assert response.status_code == 400
    assert "The invoices you ticked are no longer open." in response.content.decode()
    assert _state() == before
    assert Invoice.objects.get(pk=acme.pk).status == InvoiceStatus.OPEN


@pytest.mark.parametrize("unknown", ["999999", "abc", ""])
def test_an_unknown_invoice_id_in_the_selection_is_refused_and_nothing_changes(client_for, staff, invoices, unknown):
    acme, _, _ = invoices
    before = _state()

    response = client_for(staff).post(URL, {"invoices": [str(acme.pk), unknown], "confirm": "yes"})

    assert response.status_code == 400
    assert "The invoices you ticked are no longer open." in response.content.decode()
    assert _state() == before


def test_nothing_ticked_asks_to_tick_one(client_for, staff, invoices):
    before = _state()

    response = client_for(staff).post(URL, {"confirm": "yes"})

    assert response.status_code == 400
    assert '<p class="form-errors" role="alert" id="bulk-paid-error">Tick at least one invoice to mark paid.</p>' in (
        response.content.decode()
    )
    assert _state() == before


def test_query_counts_do_not_grow_with_the_selection(
    client_for, staff, invoices, other_contract, django_assert_num_queries
):
    acme, globex, untouched = invoices
    later = WEEK + dt.timedelta(days=7)
    approved_timesheet(other_contract, 60, week_start=later)
    services.invoices_generate(week_start=later)
    globex_later = Invoice.objects.get(organization=other_contract.organization, week_start=later)
    client = client_for(staff)
    # The first payment ever opens the gateway clearing account and caches the audit content type.
    assert client.post(URL, {"invoices": [str(untouched.pk)], "confirm": "yes"}).status_code == 302

    # session, user, staff groups, TOTP, roles, the invoices, the navigation's freelancer profile
    with django_assert_num_queries(7):
        assert client.post(URL, {"invoices": [str(acme.pk)]}).status_code == 200
    with django_assert_num_queries(7):
        assert client.post(URL, {"invoices": [str(acme.pk), str(globex.pk), str(globex_later.pk)]}).status_code == 200
    # the same reads, then the locked claim, one update, the accounts, the entries and their postings in bulk,
    # the profiles, the audit events, and the statuses read back for the message
    with django_assert_num_queries(18):
        assert client.post(URL, {"invoices": [str(acme.pk)], "confirm": "yes"}).status_code == 302
    with django_assert_num_queries(18):
        pair = {"invoices": [str(globex.pk), str(globex_later.pk)], "confirm": "yes"}
        assert client.post(URL, pair).status_code == 302
    assert set(Invoice.objects.values_list("status", flat=True)) == {InvoiceStatus.PAID}
