import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from billing import demo
from billing.models import Bonus, Invoice, InvoiceLine, JournalEntry, Payout, PayoutBatch
from tests.billing.factories import WEEK, approved_timesheet
from timesheets.models import Timesheet

pytestmark = pytest.mark.django_db


def _counts():
    return [m.objects.count() for m in (Invoice, Bonus, Payout, PayoutBatch, JournalEntry)]


def test_demo_billing_is_the_cycle_over_the_demo_weeks():
    call_command("seed_demo", stdout=io.StringIO())
    first = _counts()
    demo.seed(io.StringIO())
    assert _counts() == first
    # One invoice per approved or resolved week, billing exactly those hours; none for the disputed or
    # submitted weeks.
    time_lines = InvoiceLine.objects.filter(kind="time").select_related("invoice")
    billed = {line.invoice.week_start: (line.quantity, line.source_key) for line in time_lines}
    final = {
        ts.week_start: ((Decimal(ts.approved_minutes) / 60).quantize(Decimal("0.0001")), f"timesheet:{ts.pk}")
        for ts in Timesheet.objects.filter(status__in=["approved", "resolved"])
    }
    assert billed == final
    assert not Invoice.objects.filter(
        week_start__in=Timesheet.objects.filter(status__in=["disputed", "submitted", "open"]).values("week_start")
    ).exists()
    assert [i.status for i in Invoice.objects.order_by("week_start")] == ["paid", "paid", "open", "open"]
    # QA bonuses decided by the bonus step from the stored reviews; the earned ones billed on the next invoice.
    rule_bonuses = list(Bonus.objects.filter(kind="rule").order_by("period_start"))
    assert [b.status for b in rule_bonuses] == ["earned", "earned", "missed", "missed"]
    assert [b.reason for b in rule_bonuses[2:]] == [
        "Only 3 review(s) in the period; the rule needs 5.",
        "1 critical fail(s) in the period.",
    ]
    assert all(b.invoice_line.invoice.week_start == b.period_start + dt.timedelta(weeks=1) for b in rule_bonuses[:2])
    assert PayoutBatch.objects.get().status == "sent"
    assert Payout.objects.count() == 2  # one per paid invoice (one freelancer)


def test_run_billing_cycle_command_prints_what_it_did(contract):
    approved_timesheet(contract, 600)
    out = io.StringIO()
    call_command("run_billing_cycle", "--week", "2026-W11", stdout=out)
    text = out.getvalue()
    assert "Billing cycle for 2026-W11 (from 2026-03-09), gateway: manual" in text
    assert "  invoices issued: 1" in text
    assert "Reconciliation: ledger, invoices and gateway records agree." in text
    again = io.StringIO()
    call_command("run_billing_cycle", "--week", "2026-W11", stdout=again)
    assert "  invoices issued: 0" in again.getvalue()
    assert Invoice.objects.get().week_start == WEEK


def test_run_billing_cycle_rejects_a_bad_week():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--week must look like 2026-W11"):
        call_command("run_billing_cycle", "--week", "last-week")
