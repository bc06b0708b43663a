import pytest
import yaml

pytestmark = pytest.mark.django_db


def test_schema_is_openapi_3_and_documents_api_keys(client):
    response = client.get("/api/schema/")

    schema = yaml.safe_load(response.content)
    assert response.status_code == 200
    assert schema["openapi"].startswith("3.")
    assert schema["components"]["securitySchemes"]["ApiKeyAuth"]["in"] == "header"
    assert "/api/memberships/" in schema["paths"]


def test_docs_use_local_assets_only(client):
    html = client.get("/api/docs/").content.decode()

    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower() and "https://" not in html


def test_health_reports_each_check(client):
    body = client.get("/api/health/").json()

    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker"}
    assert all(check["ok"] for check in body["checks"].values())


def test_api_lists_are_paginated_and_filterable(client_for, seller_owner, seller_member, org):
    body = client_for(seller_owner).get("/api/memberships/?role=manager").json()

    assert body["count"] == 1
    assert [m["email"] for m in body["results"]] == ["bob@acme.test"]


def test_api_list_query_count_does_not_grow(client_for, seller_owner, org, django_assert_num_queries):
    from tests.accounts.factories import MembershipFactory

    client = client_for(seller_owner)
    client.get("/api/memberships/")
    with django_assert_num_queries(7) as ctx:  # session, user, memberships (scope), count, page, MFA, org
        client.get("/api/memberships/")
    MembershipFactory.create_batch(10, organization=org)
    with django_assert_num_queries(len(ctx.captured_queries)):
        body = client.get("/api/memberships/").json()
    assert body["count"] == 11


def test_pages_send_a_strict_content_security_policy(client):
    csp = client.get("/").headers["Content-Security-Policy"]

    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
