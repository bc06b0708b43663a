import pytest
from django.http import Http404

from accounts import services
from accounts.access import get_for_actor, scoped
from accounts.models import Membership, Organization
from marketplace.models import Contract

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    ["/orgs/acme/members/", "/orgs/acme/api-keys/", "/orgs/acme/audit/"],
)
def test_outsider_gets_404_on_another_organizations_pages(client_for, outsider, seller_owner, path):
    assert client_for(outsider).get(path).status_code == 404


def test_outsider_cannot_remove_or_change_members_of_another_org(client_for, outsider, seller_owner, seller_member):
    bob = Membership.objects.get(user=seller_member)
    client = client_for(outsider)

    assert client.post(f"/orgs/acme/members/{bob.pk}/role/", {"role": "owner"}).status_code == 404
    assert client.post(f"/orgs/acme/members/{bob.pk}/remove/").status_code == 404
    # Through its own org's URL the other org's membership is not found either.
    assert client.post(f"/orgs/globex/members/{bob.pk}/remove/").status_code == 404
    bob.refresh_from_db()
    assert bob.role == "manager"


def test_api_lists_only_the_actors_organizations_and_members(client_for, seller_owner, seller_member, outsider):
    body = client_for(seller_owner).get("/api/memberships/").json()
    assert sorted(m["email"] for m in body["results"]) == ["alice@acme.test", "bob@acme.test"]
    other = client_for(outsider).get("/api/memberships/").json()
    assert [m["email"] for m in other["results"]] == ["charlie@globex.test"]


def test_access_layer_resolves_only_inside_scope(
    seller_owner, outsider, org, contract, freelancer, freelancer_no_contract
):
    assert get_for_actor(Organization, seller_owner, pk=org.pk) == org
    with pytest.raises(Http404):
        get_for_actor(Organization, outsider, pk=org.pk)
    assert list(scoped(Contract, seller_owner)) == [contract]
    assert list(scoped(Contract, freelancer)) == [contract]
    assert list(scoped(Contract, outsider)) == []
    assert list(scoped(Contract, freelancer_no_contract)) == []


def test_switching_to_an_organization_you_are_not_in_is_404(client_for, seller_owner, other_org):
    response = client_for(seller_owner).post("/orgs/switch/", {"organization": other_org.pk})
    assert response.status_code == 404


def test_audit_log_shows_only_own_org_events(client_for, seller_owner, outsider, org, other_org):
    services.api_key_create(actor=seller_owner, organization=org, name="acme key")
    services.api_key_create(actor=outsider, organization=other_org, name="globex key")

    response = client_for(seller_owner).get("/orgs/acme/audit/")

    labels = [e.target_label for e in response.context["page"]]
    assert len(labels) == 1 and labels[0].startswith("acme key (sdk_")
    assert b"globex key" not in response.content
