"""Past a parser limit every import path refuses with the bound's name and stores nothing: the upload page's
background job, the API (synchronous and as a job) and the management command."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts import services as account_services
from qa_scoring.models import Conversation, ImportJob, Message

pytestmark = pytest.mark.django_db
IMPORT = "/api/conversations/import/"
GOOD = {
    "id": 1,
    "requester_id": 20,
    "via": {"channel": "email"},
    "comments": [{"id": 1, "author_id": 20, "body": "Hi", "public": True, "created_at": "2026-03-02T10:00:00Z"}],
}
DEPTH = 100_000
# A valid first ticket, then one nested 100,000 deep: the file of the issue (about 200 KB).
NESTED = (
    b'{"tickets": ['
    + json.dumps(GOOD).encode()
    + b', {"id": 2, "via": {"channel": "email"}, "comments": '
    + b"[" * DEPTH
    + b"]" * DEPTH
    + b"}]}"
)
MESSAGE = "Record 2 (line 1, byte {byte}) is nested more than 64 levels deep, past the limit (QA_IMPORT_MAX_DEPTH)."
CROSSING = NESTED.index(b"[[[") + 61  # tickets [ and ticket { are two levels; the 65th is the 62nd bracket here


def counts():
    return Conversation.objects.count(), Message.objects.count()


@pytest.fixture
def api_key(seller_owner, org):
    _, raw = account_services.api_key_create(actor=seller_owner, organization=org, name="helpdesk")
    return {"HTTP_AUTHORIZATION": f"Api-Key {raw}"}


def test_api_import_answers_400_naming_the_bound(client, api_key):
    before = counts()
    response = client.post(IMPORT + "?source=zendesk", NESTED, content_type="application/json", **api_key)
    assert response.status_code == 400
    assert response.json() == {"file": [MESSAGE.format(byte=f"{CROSSING:,}")]}
    assert counts() == before


def test_api_import_of_a_wrong_type_rejects_the_record_with_its_path(client, api_key):
    bad = dict(GOOD, id=2, comments=[dict(GOOD["comments"][0], created_at=1772445600)])
    payload = json.dumps({"tickets": [bad]}).encode()
    response = client.post(IMPORT + "?source=zendesk", payload, content_type="application/json", **api_key)
    assert response.status_code == 400
    assert response.json()["rejections"] == [
        {
            "position": "record 1",
            "external_id": "2",
            "reason": "tickets[0].comments[0].created_at: expected a date-time string, got a number.",
        }
    ]
    assert counts() == (0, 0)


def test_background_job_fails_with_the_message_and_stores_nothing(
    client_for, seller_member, org, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    upload = io.BytesIO(NESTED)
    upload.name = "zendesk.json"
    before = counts()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(seller_member).post(
            reverse("qa_scoring:import"), {"organization": org.pk, "file": upload, "format": "zendesk"}
        )
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert (job.status, job.error, job.imported) == ("failed", MESSAGE.format(byte=f"{CROSSING:,}"), 0)
    assert counts() == before


def test_command_refuses_the_file_and_stores_nothing(org, tmp_path):
    path = tmp_path / "nested.json"
    path.write_bytes(NESTED)
    with pytest.raises(CommandError) as caught:
        call_command("import_conversations", "--org", "acme", "--format", "zendesk", str(path))
    assert str(caught.value) == f"nested.json: {MESSAGE.format(byte=f'{CROSSING:,}')} Nothing was imported."
    assert counts() == (0, 0)


def test_command_with_a_limit_from_settings(org, tmp_path, settings):
    settings.QA_IMPORT_MAX_RECORDS = 1
    path = tmp_path / "two.json"
    path.write_bytes(json.dumps([GOOD, dict(GOOD, id=2)]).encode())
    with pytest.raises(CommandError) as caught:
        call_command("import_conversations", "--org", "acme", "--format", "zendesk", str(path))
    assert str(caught.value) == (
        "two.json: The file holds more than 1 records, past the limit (QA_IMPORT_MAX_RECORDS; the next one is at "
        "record 2). Split it into smaller exports. Nothing was imported."
    )
    assert counts() == (0, 0)
