"""axe-core finds no serious or critical violations on the key pages, for visitors and each role.

The journeys' key pages are checked on the demo data (``seed_demo``), as each demo person: axe's serious and
critical rules, no id used twice (a label or aria-describedby would find the wrong element), and no sideways
scrolling of the page body at phone width (375 px). The card pages that need Stripe (the card form, the bank's
3-D Secure step) are checked against localstripe.
"""

import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.conftest import PASSWORD

from .a11y import axe_violations, login
from .journey import PHONE

pytestmark = pytest.mark.django_db(transaction=True)

DEMO_PASSWORD = "shiftdesk-demo"  # noqa: S105 - the demo data's password (accounts/demo.py)
DEMO_TOTP = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105
DUPLICATE_IDS = """() => {
  const seen = {};
  document.querySelectorAll('[id]').forEach((el) => { seen[el.id] = (seen[el.id] || 0) + 1; });
  return Object.keys(seen).filter((id) => seen[id] > 1).sort();
}"""


@pytest.fixture
def a11y_page(browser, live_server):
    # axe is injected as a script tag, which the site's strict CSP would (rightly) refuse.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def problems(page) -> list[str]:
    """What is wrong with the current page: axe (serious/critical), ids used twice, sideways scrolling on a phone."""
    found = axe_violations(page)
    found += [f"duplicate id “{i}”" for i in page.evaluate(DUPLICATE_IDS)]
    size = page.viewport_size
    page.set_viewport_size(PHONE)
    width = page.evaluate("document.documentElement.scrollWidth")
    page.set_viewport_size(size)
    if width > PHONE["width"]:
        found.append(f"the page is {width} px wide at 375 px")
    return found


def audit(page, urls) -> dict[str, list[str]]:
    found = {}
    for url in urls:
        response = page.goto(url)
        assert response.status == 200, url
        found[url] = problems(page)
    return found


def test_public_pages(a11y_page):
    found = audit(a11y_page, ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"])
    assert found == {url: [] for url in found}


def test_seller_pages(a11y_page, seller_owner, seller_member):
    login(a11y_page, seller_owner.email, PASSWORD)
    found = audit(a11y_page, ["/", "/orgs/acme/members/", "/orgs/acme/api-keys/", "/orgs/acme/audit/"])
    assert found == {url: [] for url in found}


def test_staff_login_with_totp_and_dashboard(a11y_page, staff):
    login(a11y_page, staff.email, PASSWORD, totp_secret="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")

    assert a11y_page.get_by_role("heading", name="Platform staff").is_visible()
    assert axe_violations(a11y_page) == []


def test_a_form_refused_shows_its_errors_accessibly(a11y_page):
    """The sign-up form sent empty: every error inline, linked to its field, and still no violation."""
    a11y_page.goto("/accounts/signup/")
    a11y_page.get_by_role("button", name="Create account").click()
    a11y_page.wait_for_selector("small.error")
    email = a11y_page.get_by_label("Email")
    assert email.get_attribute("aria-invalid") == "true"
    assert a11y_page.locator(f"#{email.get_attribute('aria-describedby').split()[-1]}").inner_text()
    assert problems(a11y_page) == []


def test_keyboard_users_skip_to_the_content(a11y_page):
    a11y_page.goto("/accounts/login/")
    a11y_page.keyboard.press("Tab")
    skip = a11y_page.get_by_role("link", name="Skip to content")
    assert skip.evaluate("el => el === document.activeElement") is True
    assert skip.is_visible()  # shown while it has the focus
    a11y_page.keyboard.press("Enter")
    assert a11y_page.evaluate("location.hash") == "#main"


def test_card_pages_with_stripe(a11y_page, stripe_on, settings, seller_owner, org, contract):
    """With Stripe on (localstripe): the card form, an invoice whose charge waits for the bank, and the bank's
    3-D Secure step of "Pay now". Stripe.js cannot load offline, so these pages show their no-Stripe.js line."""
    from billing import services
    from billing.models import AttemptStatus, BillingProfile
    from tests.billing.stripe_helpers import open_invoice

    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_shiftdesk"
    a11y_page.route("https://js.stripe.com/**", lambda route: route.abort())
    customer = stripe_on.client.v1.customers.create(params={"email": seller_owner.email})
    card = stripe_on.client.v1.payment_methods.create(  # a card whose bank asks for 3-D Secure
        params={"type": "card", "card": {"number": "4000002500003155", "exp_month": 12, "exp_year": 2031, "cvc": "123"}}
    )
    stripe_on.client.v1.payment_methods.attach(card.id, params={"customer": customer.id})
    BillingProfile.objects.create(organization=org, stripe_customer_id=customer.id, payment_method_id=card.id)
    invoice = open_invoice(contract)
    assert services.invoice_charge(invoice_id=invoice.pk, gateway=stripe_on) == AttemptStatus.REQUIRES_ACTION

    login(a11y_page, seller_owner.email, PASSWORD)
    found = audit(a11y_page, ["/billing/card/"])
    assert a11y_page.get_by_role("group", name="Card number, expiry date and security code").count() == 1
    assert a11y_page.locator("#card-status").inner_text() == (
        "The card form could not load. Check your connection and reload the page."
    )
    found |= audit(a11y_page, [f"/billing/invoices/{invoice.pk}/"])
    a11y_page.get_by_role("button", name=f"Pay {invoice.number} now ({invoice.total} USD)").click()
    a11y_page.wait_for_url(f"**/billing/invoices/{invoice.pk}/pay/")
    heading = a11y_page.get_by_role("heading", level=1)
    assert heading.inner_text() == f"Confirm the payment of invoice {invoice.number}"
    assert a11y_page.get_by_role("button", name="Confirm with my bank").is_visible()
    found["the 3-D Secure step"] = problems(a11y_page)
    assert found == {url: [] for url in found}


# --- the journeys' key pages, on the demo data ---------------------------------------------------------------


@pytest.fixture
def demo(shipped_data):
    call_command("seed_demo", stdout=io.StringIO())


def _one_per_stage(Application) -> list[int]:  # noqa: N803 - the model class
    first = {}
    for pk, stage, status in Application.objects.order_by("pk").values_list("pk", "stage", "status"):
        first.setdefault((stage, status), pk)
    assert {stage for stage, _ in first} == {"profile_screen", "assessment", "interview", "checks", "decision"}
    return sorted(first.values())


def _paths():
    from billing.models import Invoice
    from cms.models import PlaybookPage, SOPPage
    from marketplace.models import Contract, JobPost
    from qa_scoring.models import Dispute, Review
    from timesheets.models import Timesheet
    from vetting.models import Application

    job = JobPost.objects.filter(organization__slug="northwind-goods", status="open").order_by("pk").first()
    review = Review.objects.filter(kind="production", status="submitted").order_by("score", "pk").first()
    playbooks = PlaybookPage.objects.live().filter(owner_organization__slug="northwind-goods").order_by("path")
    playbook = next(p for p in playbooks if SOPPage.objects.live().descendant_of(p).exists())
    active = Contract.objects.filter(organization__slug="northwind-goods", status="active").order_by("pk").first()
    return {
        "job": f"/marketplace/jobs/{job.pk}/",
        "contract": f"/marketplace/contracts/{Contract.objects.order_by('pk').first().pk}/",
        "bonus rule": f"/billing/contracts/{active.pk}/bonus-rule/",
        "timesheet": f"/time/timesheets/{Timesheet.objects.get(status='submitted').pk}/",
        "invoice": f"/billing/invoices/{Invoice.objects.filter(status='open').order_by('pk').first().pk}/",
        "playbook": playbook.url,
        "sop": SOPPage.objects.live().descendant_of(playbook).order_by("path").first().url,
        "review": f"/qa/reviews/{review.pk}/",
        "disputed": f"/qa/disputes/{Dispute.objects.get(status='open').pk}/",
        # One application at each stage and status (the demo has them all).
        "applications": [f"/vetting/staff/applications/{pk}/" for pk in _one_per_stage(Application)],
    }


def seller_pages(page, paths) -> dict[str, list[str]]:
    login(page, "owner@northwind.example", DEMO_PASSWORD)
    return audit(
        page,
        [
            "/",
            "/marketplace/jobs/",
            paths["job"],  # ranked candidates with their breakdown
            "/marketplace/jobs/new/",
            paths["contract"],
            "/time/approvals/",
            paths["timesheet"],
            "/qa/import/",
            "/qa-ops/dashboard/",
            "/billing/",
            "/billing/card/",  # with the demo's manual gateway: how to pay by bank transfer
            paths["bonus rule"],  # the editor, with the contract's current rule in words
            paths["invoice"],
            "/playbooks/",
            paths["playbook"],
            paths["sop"],
        ],
    )


def freelancer_pages(page, paths) -> dict[str, list[str]]:
    login(page, "maria@freelancers.example", DEMO_PASSWORD)
    return audit(
        page,
        [
            "/marketplace/profile/",
            "/vetting/",
            "/marketplace/offers/",
            "/time/",
            "/time/week/",
            "/time/entries/new/",
            "/qa/reviews/mine/",
            paths["review"],  # lost points and their SOP links
            "/playbooks/coaching/",
            "/billing/earnings/",
        ],
    )


def reviewer_pages(page, paths) -> dict[str, list[str]]:
    from django.db.models import Sum
    from django.db.models.functions import Length

    from accounts.models import User
    from qa_ops import services as qa_ops
    from qa_scoring.models import Conversation, RubricVersion

    qa = User.objects.get(email="qa@shiftdesk.example")
    lead = User.objects.get(email="ops@shiftdesk.example")
    unreviewed = Conversation.objects.filter(organization__slug="northwind-goods", reviews__isnull=True).order_by("pk")
    open_session = qa_ops.calibration_session_create(
        actor=lead,
        organization=None,
        title="Open calibration",
        rubric_version=RubricVersion.objects.filter(status="published", rubric__kind="production").first(),
        conversations=list(unreviewed[:2]),
        participants=[qa, lead],
        deadline=timezone.now() + dt.timedelta(days=2),
    )
    longest = Conversation.objects.annotate(size=Sum(Length("messages__text"))).order_by("-size").first()
    login(page, qa.email, DEMO_PASSWORD, totp_secret=DEMO_TOTP)
    found = audit(
        page,
        [
            "/qa/",
            "/qa-ops/assignments/mine/",
            f"/qa/conversations/{longest.pk}/",  # a transcript long enough to scroll in its own box
            "/qa/disputes/",
            f"/qa-ops/calibration/{open_session.pk}/",
        ],
    )
    # The scorecard being filled in (with its AutoQA suggestions), reached as a reviewer does.
    page.goto(f"/qa/conversations/{unreviewed.first().pk}/")
    page.get_by_role("button", name="Review this conversation").click()
    page.wait_for_url("**/qa/reviews/*/")
    found["the scorecard"] = problems(page)
    found |= audit(page, ["/qa-ops/calibration/", "/qa-ops/dashboard/"])
    page.context.clear_cookies()  # ops (also QA staff) resolve the dispute qa@ cannot: it is her own review
    login(page, lead.email, DEMO_PASSWORD, totp_secret=DEMO_TOTP)
    found |= audit(page, [paths["disputed"], "/billing/ops/"])
    # Marking several invoices paid asks first, on a page that names them and their total.
    for pick in page.get_by_role("checkbox", name=re.compile(r"^Select invoice ")).all():
        pick.check()
    page.get_by_role("button", name="Mark the selected invoices paid…").click()
    page.wait_for_url("**/billing/ops/invoices/paid/")
    assert page.get_by_role("heading", level=1, name=re.compile(r"^Mark \d+ invoices? paid\?$")).is_visible()
    found["the mark-paid confirmation"] = problems(page)
    return found


def vetting_pages(page, paths) -> dict[str, list[str]]:
    login(page, "vetting@shiftdesk.example", DEMO_PASSWORD, totp_secret=DEMO_TOTP)
    # One application at each stage: the forms on the page differ (screen, grade, scorecard, checks, decision).
    return audit(page, ["/vetting/staff/", "/vetting/staff/funnel/", "/vetting/staff/slots/", *paths["applications"]])


def test_key_pages_of_each_journey(a11y_page, demo):
    """One demo database for every role's pages (seeding it is the slow part); every problem is listed at once."""
    paths = _paths()
    found = {}
    for role, pages in [
        ("seller", seller_pages),
        ("freelancer", freelancer_pages),
        ("reviewer", reviewer_pages),
        ("vetting", vetting_pages),
    ]:
        a11y_page.context.clear_cookies()
        found |= {f"{role} {url}": issues for url, issues in pages(a11y_page, paths).items()}
    assert len(found) == 16 + 10 + 11 + 3 + len(paths["applications"])  # every page was walked
    assert found == {url: [] for url in found}


def test_on_a_phone_the_menu_folds_behind_one_button_and_row_actions_stay_in_reach(
    open_page, seller_owner, seller_member
):
    wide = open_page()
    login(wide, seller_owner.email, PASSWORD)
    wide.goto("/orgs/acme/members/")
    assert not wide.get_by_role("button", name="Menu").is_visible()  # a wide screen shows the menu itself
    assert wide.get_by_role("navigation", name="Main").get_by_role("link", name="Team").is_visible()

    phone = open_page(**PHONE)
    login(phone, seller_owner.email, PASSWORD)
    phone.goto("/orgs/acme/members/")
    menu = phone.get_by_role("button", name="Menu")
    team = phone.get_by_role("navigation", name="Main").get_by_role("link", name="Team")
    assert menu.is_visible() and menu.get_attribute("aria-expanded") == "false"
    assert not team.is_visible()
    menu.click()
    assert menu.get_attribute("aria-expanded") == "true"
    assert team.is_visible()
    menu.click()
    assert menu.get_attribute("aria-expanded") == "false" and not team.is_visible()

    # The member table is wider than the phone; its row actions stay pinned inside the screen.
    row = phone.locator(f"#member-{seller_member.memberships.get().pk}")
    action = row.locator("td").last.get_by_role("button").first
    box = action.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert wide.console_errors == [] and phone.console_errors == []
