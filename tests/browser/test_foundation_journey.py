"""A new seller signs up, verifies the e-mail address, lands on the dashboard and invites a teammate."""

import re

import pytest
from django.core import mail

from accounts.models import Invitation, Membership, Organization

pytestmark = pytest.mark.django_db(transaction=True)


def test_seller_signs_up_verifies_and_invites_a_member(page):
    page.goto("/")
    page.get_by_role("button", name="Hire support").click()
    page.get_by_label("Email").fill("nora@baltic-socks.test")
    page.locator("#id_password1").fill("a-long-safe-passphrase")
    page.locator("#id_password2").fill("a-long-safe-passphrase")
    page.get_by_label("Your name").fill("Nora Bērziņa")
    page.get_by_label("I sell online and want to hire support freelancers").check()
    page.get_by_role("button", name="Create account").click()

    # The company name is required for sellers: the error shows next to the field and nothing is stored.
    assert page.locator("#id_organization_name_error").inner_text() == "Sellers need a company name."
    assert Organization.objects.count() == 0

    page.locator("#id_password1").fill("a-long-safe-passphrase")
    page.locator("#id_password2").fill("a-long-safe-passphrase")
    page.get_by_label("Company name").fill("Baltic Socks")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url("**/accounts/confirm-email/")

    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", mail.outbox[-1].body).group(1)
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()

    page.wait_for_url("**/")
    assert page.get_by_role("heading", level=1).inner_text() == "Hello, Nora Bērziņa"
    assert page.get_by_role("heading", name="Baltic Socks").is_visible()

    page.get_by_role("link", name="Manage the team").click()
    page.get_by_label("E-mail address").fill("mateo@baltic-socks.test")
    page.locator("#id_role").select_option("manager")
    page.get_by_role("button", name="Send invitation").click()

    assert page.get_by_role("status").first.inner_text() == "Invitation sent to mateo@baltic-socks.test."
    assert page.get_by_text("mateo@baltic-socks.test as manager").is_visible()
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.organization.slug) == (
        "mateo@baltic-socks.test",
        "manager",
        "baltic-socks",
    )
    assert Membership.objects.get(user__email="nora@baltic-socks.test").role == "owner"
    assert page.console_errors == []


def test_phone_width_keeps_navigation_usable(page, seller_owner, client):
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(seller_owner.email)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/")

    menu = page.get_by_role("button", name="Menu")
    assert not page.get_by_role("link", name="Team", exact=True).is_visible()  # folded behind one button
    menu.click()
    assert menu.get_attribute("aria-expanded") == "true"
    assert page.get_by_role("link", name="Team", exact=True).is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert page.console_errors == []
