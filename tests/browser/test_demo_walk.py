"""The demo as a new user meets it: what `seed_demo` made through the services reads true in the browser.

Maria opens her weakest demo review and follows the SOP link behind a lost point; the demo's open dispute is
resolved by the QA lead, a reviewer other than the one who graded it; the seller's open invoice bills exactly the
hours approved for its week.
"""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from .a11y import login
from .journey import status_message, text_of

pytestmark = pytest.mark.django_db(transaction=True)

DEMO_PASSWORD = "shiftdesk-demo"  # noqa: S105 - the demo data's password (accounts/demo.py)
DEMO_TOTP = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105


@pytest.fixture
def demo(shipped_data):
    call_command("seed_demo", stdout=io.StringIO())


def test_a_lost_point_on_a_demo_review_links_its_sop_section(page, demo):
    from qa_scoring.models import Review

    review = (
        Review.objects.filter(
            kind="production", status="submitted", conversation__freelancer__user__email=("maria@freelancers.example")
        )
        .order_by("score", "pk")
        .first()
    )
    assert review.score < 100  # the weakest demo review lost points
    login(page, "maria@freelancers.example", DEMO_PASSWORD)
    page.goto(f"/qa/reviews/{review.pk}/")
    # The critical criterion she breached (a personal e-mail address given to a buyer) links its SOP section.
    row = page.get_by_role("row").filter(has_text="No personal data disclosed")
    link = row.get_by_role("link", name="What the SOP says")
    anchor = link.get_attribute("href").split("#")[1]
    link.click()
    page.wait_for_url(f"**/playbooks/**#{anchor}")
    assert page.locator(f"#{anchor}").is_visible()
    assert page.console_errors == []


def test_the_open_demo_dispute_is_resolved_by_the_second_reviewer(page, demo):
    from qa_scoring.models import Dispute

    dispute = Dispute.objects.select_related("review__reviewer").get(status="open")
    assert dispute.review.reviewer.email != "qa-lead@shiftdesk.example"  # someone else graded it
    login(page, "qa-lead@shiftdesk.example", DEMO_PASSWORD, totp_secret=DEMO_TOTP)
    page.goto(f"/qa/disputes/{dispute.pk}/")
    page.get_by_label("Reject", exact=True).check()
    page.get_by_label("Decision and reasons").fill("The reply asked for the order number twice; the grade stands.")
    page.get_by_role("button", name="Record the decision").click()
    assert status_message(page) == "Dispute resolved; the review score is recomputed."
    dispute.refresh_from_db()
    assert (dispute.status, dispute.resolver.email) == ("rejected", "qa-lead@shiftdesk.example")
    assert page.console_errors == []


def test_the_demo_invoice_bills_the_approved_hours(page, demo):
    from billing.models import Invoice, InvoiceLine
    from timesheets.models import FINAL_STATUSES, Timesheet

    invoice = Invoice.objects.filter(organization__slug="northwind-goods", status="open").order_by("pk").first()
    approved = sum(
        t.approved_minutes
        for t in Timesheet.objects.filter(
            contract__organization=invoice.organization, week_start=invoice.week_start, status__in=FINAL_STATUSES
        )
    )
    hours = sum(line.quantity for line in InvoiceLine.objects.filter(invoice=invoice, kind="time"))
    assert hours == (Decimal(approved) / 60).quantize(hours)
    login(page, "owner@northwind.example", DEMO_PASSWORD)
    page.goto(f"/billing/invoices/{invoice.pk}/")
    assert f"{invoice.total}" in text_of(page.locator("main"))
    assert page.console_errors == []
