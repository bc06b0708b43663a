"""The whole demo (``seed_demo``) and its consistency check (``seed_demo --check``) on a fresh database."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from billing.models import Bonus, Invoice, InvoiceLine
from qa_scoring.models import Dispute, Message, Review
from timesheets.models import Timesheet

pytestmark = pytest.mark.django_db(transaction=False)

SEEDED = ("accounts", "marketplace", "cms", "qa_scoring", "qa_ops", "vetting", "timesheets", "billing")


def _row_counts() -> dict[str, int]:
    return {m._meta.label: m._base_manager.count() for label in SEEDED for m in apps.get_app_config(label).get_models()}


def _seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _check() -> str:
    out = io.StringIO()
    call_command("seed_demo", "--check", stdout=out)
    return out.getvalue()


class Rollback(Exception):
    pass


def _failure_after(breakage) -> CommandError:
    """Break the seeded data in a savepoint, run the check, roll the breakage back; returns the check's error."""
    with pytest.raises(Rollback), transaction.atomic():
        breakage()
        with pytest.raises(CommandError) as failed:
            _check()
        raise Rollback
    return failed.value


def test_fresh_demo_passes_the_check_and_a_second_run_creates_nothing():
    printed = _seed()
    assert _check().startswith("Demo check passed: invoice_time_equals_approved_hours, no_invoice_for_unresolved_week")
    logins = [line.split()[-1] for line in printed.splitlines() if line.startswith("  ") and "@" in line]
    assert len(logins) == len(set(logins))  # each login once
    assert {"qa@shiftdesk.example", "qa-lead@shiftdesk.example", "maria@freelancers.example"} <= set(logins)

    counts = _row_counts()
    _seed()
    assert _row_counts() == counts

    # What the demo seller's invoices bill is what the seller approved, week by week, and nothing else.
    billed = {
        line.invoice.week_start: line.quantity
        for line in InvoiceLine.objects.filter(kind="time").select_related("invoice")
    }
    final = {
        ts.week_start: (Decimal(ts.approved_minutes) / 60).quantize(Decimal("0.0001"))
        for ts in Timesheet.objects.filter(status__in=["approved", "resolved"])
    }
    assert billed == final and len(billed) == 4
    assert set(Timesheet.objects.values_list("status", flat=True)) == {
        "open",
        "submitted",
        "approved",
        "disputed",
        "resolved",
    }
    # Reviews spread over six past weeks, never in the future; both reviewers graded some.
    production = Review.objects.filter(kind="production")
    weeks = {r.submitted_at.date() - dt.timedelta(days=r.submitted_at.weekday()) for r in production}
    assert len(weeks) == 6
    assert Review.objects.filter(submitted_at__gt=timezone.now()).count() == 0
    assert set(production.values_list("reviewer__email", flat=True)) == {
        "qa@shiftdesk.example",
        "qa-lead@shiftdesk.example",
    }
    resolved = Dispute.objects.get(status="accepted")
    assert resolved.resolver_id != resolved.review.reviewer_id
    # Bonuses decided by the bonus service from those reviews: earned at both tiers, missed for both reasons.
    reasons = sorted(Bonus.objects.filter(kind="rule").values_list("status", "reason"))
    assert [s for s, _ in reasons] == ["earned", "earned", "missed", "missed"]
    assert {r for s, r in reasons if s == "missed"} == {
        "1 critical fail(s) in the period.",
        "Only 3 review(s) in the period; the rule needs 5.",
    }
    assert {r.split("→ ")[1][:3] for s, r in reasons if s == "earned"} == {"8 %", "5 %"}
    # Every criterion of the rubric the reviews used links to its SOP section.
    version = production.first().rubric_version
    assert not version.criteria.filter(sop_page__isnull=True).exists()
    assert set(Invoice.objects.values_list("status", flat=True)) == {"paid", "open"}


def test_the_check_names_the_first_broken_invariant():
    _seed()
    billed = Timesheet.objects.filter(status="approved", auto_approved=False).order_by("week_start").first()

    # Approved minutes changed behind the services: the invoice no longer equals the approved hours.
    error = _failure_after(
        lambda: Timesheet.objects.filter(pk=billed.pk).update(
            submitted_minutes=F("submitted_minutes") - 60, approved_minutes=F("approved_minutes") - 60
        )
    )
    assert error.returncode == 1
    assert str(error).startswith("Demo check failed: invoice_time_equals_approved_hours: invoice 20")

    # A message dated tomorrow.
    message = Message.objects.order_by("pk").first()
    error = _failure_after(
        lambda: Message.objects.filter(pk=message.pk).update(sent_at=timezone.now() + dt.timedelta(days=1))
    )
    assert error.returncode == 1
    assert str(error).startswith(
        f"Demo check failed: no_timestamp_in_the_future: qa_scoring.Message {message.pk}: sent_at"
    )

    # A cap lowered below the hours already worked.
    error = _failure_after(
        lambda: billed.contract.__class__.objects.filter(pk=billed.contract_id).update(weekly_hour_cap=20)
    )
    assert error.returncode == 1
    assert str(error).startswith("Demo check failed: weekly_cap_holds:")

    assert "Demo check passed" in _check()  # every breakage was rolled back
