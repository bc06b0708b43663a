import pytest

from accounts import services
from accounts.models import ApiKey

pytestmark = pytest.mark.django_db


def _auth(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Api-Key {key}"}


def test_key_is_shown_once_and_stored_hashed(client_for, seller_owner, org):
    response = client_for(seller_owner).post("/orgs/acme/api-keys/", {"name": "Zendesk export"})

    assert response.status_code == 200
    shown = response.context["new_key"]
    key = ApiKey.objects.get()
    assert shown.startswith(f"sdk_{key.key_id}_")
    assert key.key_hash == ApiKey.hash_key(shown) and shown not in key.key_hash
    assert response["Cache-Control"] == "no-store"
    again = client_for(seller_owner).get("/orgs/acme/api-keys/")
    assert shown.encode() not in again.content


def test_key_acts_only_inside_its_organization(client, seller_owner, org, outsider, other_org):
    _, raw = services.api_key_create(actor=seller_owner, organization=org, name="integration")

    me = client.get("/api/me/", **_auth(raw)).json()
    orgs = client.get("/api/organizations/", **_auth(raw)).json()
    other = client.get(f"/api/organizations/{other_org.pk}/", **_auth(raw))

    assert me["kind"] == "api_key"
    assert me["organizations"] == {str(org.pk): "manager"}
    assert [o["slug"] for o in orgs["results"]] == ["acme"]
    assert other.status_code == 404


def test_revoked_key_is_refused(client, seller_owner, org):
    key, raw = services.api_key_create(actor=seller_owner, organization=org, name="integration")
    assert client.get("/api/me/", **_auth(raw)).status_code == 200

    services.api_key_revoke(actor=seller_owner, api_key=key)
    response = client.get("/api/me/", **_auth(raw))

    assert response.status_code == 401
    assert response.json() == {"detail": "This API key has been revoked."}


@pytest.mark.parametrize("header", ["Api-Key nonsense", "Api-Key sdk_abc_def", "Api-Key sdk_"])
def test_malformed_or_unknown_keys_are_refused(client, header, seller_owner, org):
    services.api_key_create(actor=seller_owner, organization=org, name="integration")

    response = client.get("/api/me/", HTTP_AUTHORIZATION=header)

    assert response.status_code == 401


def test_a_guessed_secret_for_a_real_key_id_is_refused(client, seller_owner, org):
    key, raw = services.api_key_create(actor=seller_owner, organization=org, name="integration")

    response = client.get("/api/me/", **_auth(f"sdk_{key.key_id}_{'x' * 43}"))

    assert response.status_code == 401
    key.refresh_from_db()
    assert key.last_used_at is None


def test_only_owners_manage_keys(client_for, seller_member, seller_owner, org):
    key, _ = services.api_key_create(actor=seller_owner, organization=org, name="integration")

    assert client_for(seller_member).get("/orgs/acme/api-keys/").status_code == 403
    assert client_for(seller_member).post("/orgs/acme/api-keys/", {"name": "mine"}).status_code == 403
    assert client_for(seller_member).post(f"/orgs/acme/api-keys/{key.pk}/revoke/").status_code == 403
    key.refresh_from_db()
    assert key.is_active and ApiKey.objects.count() == 1


def test_outsider_gets_404_for_another_orgs_keys(client_for, outsider, seller_owner, org):
    key, _ = services.api_key_create(actor=seller_owner, organization=org, name="integration")

    assert client_for(outsider).get("/orgs/acme/api-keys/").status_code == 404
    assert client_for(outsider).post(f"/orgs/globex/api-keys/{key.pk}/revoke/").status_code == 404
    key.refresh_from_db()
    assert key.is_active
