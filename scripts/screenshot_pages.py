"""The product screens photographed for the README (see scripts/screenshots.py).

Each entry is (file name, demo login, path); paths are resolved from the demo data when the shot is taken.
"""

from __future__ import annotations

SELLER = "owner@northwind.example"
FREELANCER = "maria@freelancers.example"
QA = "qa@shiftdesk.example"
VETTING = "vetting@shiftdesk.example"


def _first_open_job() -> str:
    from marketplace.models import JobPost

    job = JobPost.objects.filter(organization__slug="northwind-goods", status="open").order_by("pk").first()
    return f"/marketplace/jobs/{job.pk}/" if job else ""


def _reviewer_scorecard() -> str:
    from qa_scoring.models import Review

    review = Review.objects.filter(reviewer__email=QA, kind="production").order_by("pk").first()
    return f"/qa/reviews/{review.pk}/" if review else ""


def _freelancer_review() -> str:
    from qa_scoring.models import Review

    review = (
        Review.objects.filter(conversation__freelancer__user__email=FREELANCER, status="submitted", kind="production")
        .order_by("score", "pk")
        .first()
    )
    return f"/qa/reviews/{review.pk}/" if review else ""


def _playbook_page() -> str:
    """The seller's own playbook's first procedure (its editing space may be an empty playbook: skip that)."""
    from cms.models import PlaybookPage, SOPPage

    pages = SOPPage.objects.live().order_by("path")
    for playbook in PlaybookPage.objects.live().filter(owner_organization__slug="northwind-goods").order_by("path"):
        page = pages.descendant_of(playbook).first()
        if page is not None:
            return page.url
    page = pages.first()
    return page.url if page else ""


def _bonus_rule() -> str:
    """The QA bonus-rule editor of the seller's first active contract (the demo gives it a rule)."""
    from marketplace.models import Contract

    contract = Contract.objects.filter(organization__slug="northwind-goods", status="active").order_by("pk").first()
    return f"/billing/contracts/{contract.pk}/bonus-rule/" if contract else ""


def _open_invoice() -> str:
    """The seller's oldest open invoice: hours, QA bonus and fee lines, each explained."""
    from billing.models import Invoice

    invoice = Invoice.objects.filter(organization__slug="northwind-goods", status="open").order_by("pk").first()
    return f"/billing/invoices/{invoice.pk}/" if invoice else ""


def PAGES(maybe):  # noqa: N802 - a table built at run time
    return [
        ("freelancer-home", FREELANCER, "/"),
        ("seller-invoice", SELLER, _open_invoice),
        ("seller-approvals", SELLER, "/time/approvals/"),
        ("seller-candidates", SELLER, _first_open_job),
        ("reviewer-scorecard", QA, _reviewer_scorecard),
        ("freelancer-week", FREELANCER, "/time/week/"),
        ("freelancer-today", FREELANCER, "/time/"),
        ("freelancer-review", FREELANCER, _freelancer_review),
        ("qa-dashboard", QA, "/qa-ops/dashboard/"),
        ("playbook-page", SELLER, _playbook_page),
        ("seller-billing", SELLER, "/billing/"),
        ("seller-bonus-rule", SELLER, _bonus_rule),
        ("vetting-pipeline", VETTING, "/vetting/staff/"),
    ]
