"""axe-core finds no serious or critical violations on the key pages, for visitors and each role."""

import pytest

from tests.conftest import PASSWORD

from .a11y import axe_violations, login

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def a11y_page(browser, live_server):
    # axe is injected as a script tag, which the site's strict CSP would (rightly) refuse.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def test_public_pages(a11y_page):
    found = {}
    for url in ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]:
        a11y_page.goto(url)
        found[url] = axe_violations(a11y_page)
    assert found == {url: [] for url in found}


def test_seller_pages(a11y_page, seller_owner, seller_member):
    login(a11y_page, seller_owner.email, PASSWORD)
    found = {}
    for url in ["/", "/orgs/acme/members/", "/orgs/acme/api-keys/", "/orgs/acme/audit/"]:
        a11y_page.goto(url)
        found[url] = axe_violations(a11y_page)
    assert found == {url: [] for url in found}


def test_staff_login_with_totp_and_dashboard(a11y_page, staff):
    login(a11y_page, staff.email, PASSWORD, totp_secret="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")

    assert a11y_page.get_by_role("heading", name="Platform staff").is_visible()
    assert axe_violations(a11y_page) == []
