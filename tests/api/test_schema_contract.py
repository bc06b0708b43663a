"""The OpenAPI schema is the contract: error bodies documented, nullable fields marked, lists paginated as served."""

import pytest
import yaml

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker):
    from django.test import Client

    with django_db_blocker.unblock():
        return yaml.safe_load(Client().get("/api/schema/").content)


def _operations(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            yield path, method, operation


def test_every_authenticated_operation_documents_401_and_403_with_the_error_body(schema):
    missing = [
        (path, method)
        for path, method, op in _operations(schema)
        if op.get("security") != [{}]
        and not all(
            op["responses"].get(code, {}).get("content", {}).get("application/json", {}).get("schema")
            == {"$ref": "#/components/schemas/Error"}
            for code in ("401", "403")
        )
    ]
    assert missing == []


def test_operations_on_one_object_document_404_and_inputs_document_400(schema):
    no_404 = [(p, m) for p, m, op in _operations(schema) if "{" in p and "404" not in op["responses"]]
    no_400 = [
        (p, m)
        for p, m, op in _operations(schema)
        if ("requestBody" in op or any(x["in"] == "query" for x in op.get("parameters", [])))
        and "400" not in op["responses"]
    ]
    assert (no_404, no_400) == ([], [])


def test_error_components(schema):
    components = schema["components"]["schemas"]

    assert components["Error"]["required"] == ["detail"]
    assert components["ValidationError"]["properties"]["non_field_errors"] == {
        "type": "array",
        "items": {"type": "string"},
    }


def test_the_import_endpoint_documents_its_own_error_body(schema):
    response = schema["paths"]["/api/conversations/import/"]["post"]["responses"]["400"]
    body = schema["components"]["schemas"]["ImportError"]

    assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ImportError"}
    assert {"imported", "rejections", "detail", "file", "source"} <= set(body["properties"])
    assert "required" not in body  # a field-keyed message or counts: either shape validates


@pytest.mark.parametrize(
    ("component", "field"),
    [
        ("Rubric", "organization"),
        ("Conversation", "organization"),
        ("Playbook", "owner_organization"),
        ("Session", "organization"),
        ("StageResult", "reviewer"),
    ],
)
def test_fields_that_can_be_null_say_so(schema, component, field):
    assert schema["components"]["schemas"][component]["properties"][field].get("nullable") is True


def test_bounded_request_numbers_carry_their_range(schema):
    resolve = schema["components"]["schemas"]["ResolveRequest"]["properties"]["approved_minutes"]

    assert (resolve["minimum"], resolve["maximum"]) == (0, 2147483647)


def test_unpaginated_lists_are_documented_as_plain_arrays(schema):
    drift = schema["paths"]["/api/qa-ops/calibration/drift/"]["get"]["responses"]["200"]["content"]
    schema_200 = drift["application/json"]["schema"]

    assert schema_200["type"] == "array"


def test_datetimes_are_served_with_their_offset(client_for, seller_owner):
    body = client_for(seller_owner).get("/api/organizations/").json()

    assert body["results"][0]["created_at"].endswith("Z")


def test_health_documents_its_degraded_answer(schema):
    assert set(schema["paths"]["/api/health/"]["get"]["responses"]) == {"200", "503"}
