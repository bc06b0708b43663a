"""The playbooks API is scoped like page serving; lists keep a constant query count."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from marketplace.models import ContractStatus
from tests.cms.factories import make_sop

pytestmark = pytest.mark.django_db


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def pages(shared_sop, acme_sop, globex_sop):
    return shared_sop, acme_sop, globex_sop


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("seller_owner", ["Acme damaged parcels", "Refund requests"]),
        ("outsider", ["Globex refund secrets", "Refund requests"]),
        ("freelancer", ["Acme damaged parcels", "Refund requests"]),
        ("freelancer_no_contract", ["Refund requests"]),
        ("reviewer", ["Refund requests"]),
    ],
)
def test_sop_pages_list_per_role(request, pages, contract, persona, expected):
    response = _api(request.getfixturevalue(persona)).get("/api/sop-pages/")
    assert response.status_code == 200
    assert sorted(r["title"] for r in response.json()["results"]) == expected


def test_other_tenants_page_is_404(outsider, pages):
    _shared, acme, _globex = pages
    assert _api(outsider).get(f"/api/sop-pages/{acme.pk}/").status_code == 404
    assert _api(outsider).get(f"/api/playbooks/{acme.get_parent().pk}/").status_code == 404


def test_detail_shape(seller_owner, pages):
    _shared, acme, _globex = pages
    data = _api(seller_owner).get(f"/api/sop-pages/{acme.pk}/").json()
    assert data["url"] == "/playbooks/acme-playbook/acme-damaged/"
    assert data["review_by"] == "2030-01-01"
    assert [(b["type"], b["value"]["title"]) for b in data["body"]] == [("step", "Read the order")]


def test_search_filter_and_ended_contract(freelancer, contract, pages):
    client = _api(freelancer)
    titles = sorted(r["title"] for r in client.get("/api/sop-pages/", {"q": "refund"}).json()["results"])
    assert titles == ["Acme damaged parcels", "Refund requests"]
    contract.status = ContractStatus.ENDED
    contract.save()
    titles = sorted(r["title"] for r in client.get("/api/sop-pages/", {"q": "refund"}).json()["results"])
    assert titles == ["Refund requests"]


def test_playbook_filter(seller_owner, pages):
    _shared, acme, _globex = pages
    response = _api(seller_owner).get("/api/sop-pages/", {"playbook": acme.get_parent().pk})
    assert [r["title"] for r in response.json()["results"]] == ["Acme damaged parcels"]


def test_list_query_count_constant(django_assert_num_queries, seller_owner, acme_playbook, pages):
    client = _api(seller_owner)
    client.get("/api/sop-pages/")
    with django_assert_num_queries(3):  # count, pages, tags (role map and staff groups cached on the user)
        assert client.get("/api/sop-pages/").json()["count"] == 2
    for n in range(5):
        make_sop(playbook=acme_playbook, title=f"More {n}", slug=f"more-{n}")
    with django_assert_num_queries(3):
        assert client.get("/api/sop-pages/").json()["count"] == 7
    with django_assert_num_queries(2):  # count, playbooks
        assert client.get("/api/playbooks/").json()["count"] == 2
