"""Pages past their review-by date on the owner's dashboard; nav links."""

from __future__ import annotations

import datetime as dt

import pytest

from cms import selectors
from tests.cms.factories import make_sop

pytestmark = pytest.mark.django_db


def test_overdue_pages_on_the_seller_dashboard(client_for, seller_owner, outsider, org, acme_playbook, globex_playbook):
    make_sop(playbook=acme_playbook, title="Stale returns", slug="stale", review_by=dt.date(2020, 1, 1))
    make_sop(playbook=acme_playbook, title="Fresh returns", slug="fresh", review_by=dt.date(2099, 1, 1))
    make_sop(playbook=globex_playbook, title="Globex stale", slug="gstale", review_by=dt.date(2020, 1, 1))
    html = client_for(seller_owner).get("/").content.decode()
    assert "SOP pages to re-verify" in html
    assert 'href="/playbooks/acme-playbook/stale/"' in html
    assert "Fresh returns" not in html and "Globex stale" not in html
    assert 'href="/playbooks/">Playbooks</a>' in html


def test_overdue_selector_query_count_constant(django_assert_num_queries, seller_owner, org, acme_playbook):
    make_sop(playbook=acme_playbook, title="Stale 0", slug="s0", review_by=dt.date(2020, 1, 1))
    with django_assert_num_queries(3):  # role map, staff groups, pages
        assert len(list(selectors.overdue_sop_pages(actor=seller_owner, organization=org))) == 1
    for n in range(1, 4):
        make_sop(playbook=acme_playbook, title=f"Stale {n}", slug=f"s{n}", review_by=dt.date(2020, 1, 1))
    seller_owner.__dict__.pop("_role_map_cache", None)
    seller_owner.__dict__.pop("_staff_groups_cache", None)
    with django_assert_num_queries(3):
        assert len(list(selectors.overdue_sop_pages(actor=seller_owner, organization=org))) == 4


def test_freelancer_dashboard_links_coaching(client_for, freelancer):
    html = client_for(freelancer).get("/").content.decode()
    assert 'href="/playbooks/coaching/"' in html
