import io

import pytest
from django.core.management import call_command

from billing import demo
from billing.models import Bonus, Invoice, JournalEntry, Payout, PayoutBatch
from tests.billing.factories import WEEK, approved_timesheet

pytestmark = pytest.mark.django_db


def _counts():
    return [m.objects.count() for m in (Invoice, Bonus, Payout, PayoutBatch, JournalEntry)]


def test_demo_seed_is_idempotent_and_tells_the_story(contract, other_contract, staff):
    demo.seed(io.StringIO())
    first = _counts()
    demo.seed(io.StringIO())
    assert _counts() == first
    assert set(Invoice.objects.values_list("status", flat=True)) == {"paid", "open"}
    assert set(Bonus.objects.values_list("status", flat=True)) == {"earned", "missed"}
    assert list(Bonus.objects.filter(status="missed").values_list("reason", flat=True)) == [
        "Only 3 review(s) in the period; the rule needs 5."
    ]
    assert PayoutBatch.objects.get().status == "sent"


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
