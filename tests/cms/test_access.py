"""Who reads which playbook: serving, listing, search and the selectors, for every role."""

from __future__ import annotations

import pytest

from accounts.access import scoped
from cms import selectors
from cms.models import PlaybookPage, SOPPage
from marketplace.models import ContractStatus, VettingStatus
from tests.cms.factories import make_sop

pytestmark = pytest.mark.django_db

SHARED, ACME, GLOBEX = (
    "/playbooks/starter/refunds/",
    "/playbooks/acme-playbook/acme-damaged/",
    ("/playbooks/globex-playbook/globex-refunds/"),
)


@pytest.fixture
def pages(shared_sop, acme_sop, globex_sop):
    return {"shared": shared_sop, "acme": acme_sop, "globex": globex_sop}


def _visible_titles(actor) -> set[str]:
    return set(scoped(SOPPage, actor).values_list("title", flat=True))


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("seller_owner", {"Refund requests", "Acme damaged parcels"}),
        ("seller_member", {"Refund requests", "Acme damaged parcels"}),
        ("outsider", {"Refund requests", "Globex refund secrets"}),
        ("freelancer", {"Refund requests", "Acme damaged parcels"}),
        ("freelancer_no_contract", {"Refund requests"}),
        ("reviewer", {"Refund requests"}),
        ("staff", {"Refund requests"}),
    ],
)
def test_scope_per_role(request, pages, contract, persona, expected):
    actor = request.getfixturevalue(persona)
    assert _visible_titles(actor) == expected


def test_anonymous_sees_nothing(pages, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    assert _visible_titles(AnonymousUser()) == set()


def test_unapproved_freelancer_without_contract_sees_nothing(pages, freelancer_no_contract):
    freelancer_no_contract.freelancer_profile.vetting_status = VettingStatus.IN_REVIEW
    freelancer_no_contract.freelancer_profile.save()
    assert _visible_titles(freelancer_no_contract) == set()


@pytest.mark.parametrize(
    ("persona", "ok", "missing"),
    [
        ("seller_owner", [SHARED, ACME], [GLOBEX]),
        ("seller_member", [SHARED, ACME], [GLOBEX]),
        ("outsider", [SHARED, GLOBEX], [ACME]),
        ("freelancer", [SHARED, ACME], [GLOBEX]),
        ("freelancer_no_contract", [SHARED], [ACME, GLOBEX]),
        ("reviewer", [SHARED], [ACME, GLOBEX]),
        ("staff", [SHARED], [ACME, GLOBEX]),
    ],
)
def test_serving_per_role(request, client_for, pages, contract, persona, ok, missing):
    client = client_for(request.getfixturevalue(persona))
    for url in ok:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.context["page"].url == url
    for url in missing:
        assert client.get(url).status_code == 404, url


def test_anonymous_serving_redirects_to_login(client, pages):
    for url in ["/playbooks/", SHARED, ACME, "/playbooks/acme-playbook/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_contract_ended_access_goes(client_for, pages, contract, freelancer):
    client = client_for(freelancer)
    assert client.get(ACME).status_code == 200
    contract.status = ContractStatus.ENDED
    contract.save()
    assert client.get(ACME).status_code == 404
    assert client.get("/playbooks/acme-playbook/").status_code == 404
    assert _visible_titles(freelancer) == {"Refund requests"}
    assert "Acme damaged parcels" not in client.get("/playbooks/search/", {"q": "damaged"}).content.decode()


def test_draft_pages_are_not_served(client_for, seller_owner, acme_playbook):
    make_sop(playbook=acme_playbook, title="Draft procedure", slug="draft", live=False)
    assert client_for(seller_owner).get("/playbooks/acme-playbook/draft/").status_code == 404


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("seller_owner", ["Refund requests", "Acme damaged parcels"]),
        ("outsider", ["Refund requests", "Globex refund secrets"]),
        ("freelancer", ["Refund requests", "Acme damaged parcels"]),
        ("freelancer_no_contract", ["Refund requests"]),
        ("reviewer", ["Refund requests"]),
    ],
)
def test_search_per_role(request, client_for, pages, contract, persona, expected):
    actor = request.getfixturevalue(persona)
    titles = sorted(p.title for p in selectors.sop_search(actor=actor, query="refund"))
    assert titles == sorted(expected)
    body = client_for(actor).get("/playbooks/search/", {"q": "refund"}).content.decode()
    for title in ["Refund requests", "Acme damaged parcels", "Globex refund secrets"]:
        assert (title in body) == (title in expected), title


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("seller_owner", ["Starter template", "Acme playbook"]),
        ("seller_member", ["Starter template", "Acme playbook"]),
        ("outsider", ["Starter template", "Globex playbook"]),
        ("freelancer", ["Starter template", "Acme playbook"]),
        ("freelancer_no_contract", ["Starter template"]),
        ("reviewer", ["Starter template"]),
        ("staff", ["Starter template"]),
    ],
)
def test_listing_per_role(request, client_for, pages, contract, persona, expected):
    actor = request.getfixturevalue(persona)
    response = client_for(actor).get("/playbooks/")
    assert response.status_code == 200
    titles = [p.title for p, _url, _link in response.context["rows"]]
    # Sellers' own default space playbook is created lazily on first visit.
    titles = [t for t in titles if not t.endswith(" Store playbook")]
    assert titles == expected


def test_listing_filter_kind(client_for, seller_owner, pages):
    response = client_for(seller_owner).get("/playbooks/", {"kind": "shared"})
    assert [p.title for p, _u, _l in response.context["rows"]] == ["Starter template"]


def test_playbook_scope_query_count_constant(django_assert_num_queries, seller_owner, freelancer, contract, pages, org):
    from tests.cms.factories import make_playbook

    with django_assert_num_queries(2):  # role map + the playbooks
        assert len(list(selectors.playbook_list(actor=seller_owner))) == 2
    for n in range(3):
        make_playbook(title=f"More {n}", slug=f"more-{n}", organization=org)
    seller_owner.__dict__.pop("_role_map_cache", None)
    with django_assert_num_queries(2):
        assert len(list(selectors.playbook_list(actor=seller_owner))) == 5
    with django_assert_num_queries(3):  # role map, staff groups, one query with contract/approval subqueries
        assert len(list(selectors.playbook_list(actor=freelancer))) == 5


def test_sop_page_list_query_count_constant(django_assert_num_queries, freelancer, contract, acme_playbook, acme_sop):
    with django_assert_num_queries(4):  # role map, staff groups, pages, tags prefetch
        assert len(list(selectors.sop_page_list(actor=freelancer, playbook=acme_playbook))) == 1
    for n in range(4):
        make_sop(playbook=acme_playbook, title=f"Extra {n}", slug=f"extra-{n}")
    freelancer.__dict__.pop("_role_map_cache", None)
    freelancer.__dict__.pop("_staff_groups_cache", None)
    with django_assert_num_queries(4):
        assert len(list(selectors.sop_page_list(actor=freelancer, playbook=acme_playbook))) == 5


def test_listing_page_query_count_constant(client_for, django_assert_max_num_queries, freelancer, contract, pages):
    from tests.cms.factories import make_playbook

    client = client_for(freelancer)
    client.get("/playbooks/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        client.get("/playbooks/")
    for n in range(5):
        make_playbook(title=f"Shared {n}", slug=f"shared-{n}")
    with CaptureQueriesContext(connection) as after:
        response = client.get("/playbooks/")
    assert len(response.context["rows"]) == 7
    assert len(after.captured_queries) == len(before.captured_queries)


def test_playbook_pages_unrelated_to_page_model_scope(pages):
    assert PlaybookPage.objects.count() == 3
