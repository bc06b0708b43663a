"""Every link a menu shows opens for the user it is shown to: no 403 behind a link."""

from html.parser import HTMLParser

import pytest

from accounts.models import Role
from tests.accounts.factories import MembershipFactory

pytestmark = pytest.mark.django_db

START = ["/", "/qa-ops/dashboard/", "/qa-ops/"]


class _NavLinks(HTMLParser):
    def __init__(self):
        super().__init__()
        self.depth = 0
        self.links: dict[str, str] = {}  # href -> the menu it is in
        self.menu = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "nav":
            self.depth += 1
            self.menu = attrs.get("aria-label", "")
        elif tag == "a" and self.depth and attrs.get("href", "").startswith("/"):
            self.links.setdefault(attrs["href"], self.menu)

    def handle_endtag(self, tag):
        if tag == "nav":
            self.depth -= 1


def nav_links(client) -> dict[str, str]:
    parser = _NavLinks()
    for url in START:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        parser.feed(response.content.decode())
    return parser.links


@pytest.fixture
def seller_manager(org):
    return MembershipFactory(user__email="mona@acme.test", organization=org, role=Role.MANAGER).user


@pytest.fixture
def seller_reviewer(org):
    return MembershipFactory(user__email="rita@acme.test", organization=org, role=Role.REVIEWER).user


@pytest.mark.parametrize("persona", ["reviewer", "seller_manager", "seller_reviewer", "freelancer"])
def test_every_menu_link_opens_for_the_user_it_is_shown_to(persona, request, client_for, contract):
    client = client_for(request.getfixturevalue(persona))
    links = nav_links(client)
    assert links
    failing = {url: client.get(url).status_code for url in links}
    assert {url: code for url, code in failing.items() if code != 200} == {}


def test_a_freelancer_sees_their_qa_trend_only(client_for, freelancer, contract):
    page = client_for(freelancer).get("/qa-ops/dashboard/").content.decode()
    assert 'aria-label="QA operations"' not in page
    assert "/qa-ops/autoqa/" not in page and "/qa-ops/assignments/" not in page
    links = nav_links(client_for(freelancer))
    assert sorted(url for url in links if url.startswith("/qa-ops/")) == ["/qa-ops/dashboard/"]


def test_qa_staff_get_the_whole_qa_menu(client_for, reviewer):
    page = client_for(reviewer).get("/qa-ops/dashboard/").content.decode()
    menu = page[page.index('aria-label="QA operations"') :].split("</nav>")[0]
    for label in ("My assignments", "Assignments", "Overdue", "Sampling rules", "AutoQA agreement", "Calibration"):
        assert f">{label}</a>" in menu
