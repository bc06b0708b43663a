"""What the journeys share: people in their own browser windows, signing up, e-mails, reading the screen.

Each person gets a browser context of their own (their own cookies), as two people on two computers would.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core import mail
from django.utils import timezone

from .a11y import login

PASSWORD = "a-long-safe-passphrase"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # the tests' staff personas share it (tests/conftest.py)
PHONE = {"width": 375, "height": 740}


def squash(text: str) -> str:
    """Whitespace as a reader sees it: runs of spaces and newlines become one space."""
    return re.sub(r"\s+", " ", text).strip()


def text_of(locator) -> str:
    return squash(locator.inner_text())


def rows_of(table) -> list[list[str]]:
    """The body rows of a table as the reader sees them, cell by cell (once the table is there)."""
    table.wait_for(state="attached")
    return [[squash(c) for c in row] for row in table.locator("tbody tr").evaluate_all(_CELLS)]


_CELLS = "rows => rows.map(r => Array.from(r.querySelectorAll('th, td')).map(c => c.innerText))"


def status_message(page) -> str:
    """The flash message shown after an action (role=status), e.g. "Offer sent to …"."""
    return text_of(page.get_by_role("status").first)


def week_start(moment: dt.datetime | None = None) -> dt.date:
    day = (moment or timezone.now()).astimezone(dt.UTC).date()
    return day - dt.timedelta(days=day.weekday())


def fits_a_phone(page) -> bool:
    """At phone width (375 px) the page body does not scroll sideways (wide tables scroll inside their box)."""
    size = page.viewport_size
    page.set_viewport_size(PHONE)
    try:
        return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        page.set_viewport_size(size)


def sign_up(page, *, email: str, name: str, joining_as: str, company: str = "", timezone_name: str = "") -> None:
    """The public sign-up form, from the landing page's call to action."""
    page.goto("/")
    page.get_by_role("button", name="Hire support" if joining_as == "seller" else "Apply as a freelancer").click()
    page.get_by_label("Email").fill(email)
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_label("Your name").fill(name)
    label = {
        "seller": "I sell online and want to hire support freelancers",
        "freelancer": "I am a support freelancer looking for work",
    }[joining_as]
    assert page.get_by_label(label).is_checked()  # the landing page's link chose the side already
    if company:
        page.get_by_label("Company name").fill(company)
    if timezone_name:
        page.get_by_label("Your timezone").select_option(timezone_name)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url("**/accounts/confirm-email/")


def confirm_email(page, email: str) -> None:
    """Open the verification link from the last e-mail sent to ``email`` and confirm."""
    message = [m for m in mail.outbox if email in m.to][-1]
    path = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", message.body).group(1)
    page.goto(path)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(lambda url: "/accounts/" not in url)


def log_in(page, user, *, password: str, staff: bool = False) -> None:
    login(page, user.email, password, totp_secret=TOTP_SECRET if staff else None)


def open_menu(page, name: str) -> None:
    """Follow a link of the main navigation, and wait for its page."""
    link = page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True)
    href = link.get_attribute("href")
    link.click()
    page.wait_for_url(f"**{href}")
    page.wait_for_load_state()


def answer_yes(page) -> list[str]:
    """Accept the next confirmation the page asks; returns the list its question will be put in."""
    asked: list[str] = []

    def accept(dialog) -> None:
        asked.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    return asked
