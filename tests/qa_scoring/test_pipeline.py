import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from qa_scoring.importers.pipeline import import_file, import_records
from qa_scoring.importers.records import ImportFileError, RejectedRecord
from qa_scoring.models import Conversation, Message
from tests.qa_scoring.factories import parsed

pytestmark = pytest.mark.django_db
SAMPLES = Path(__file__).parent / "importers" / "samples"

CSV = (
    "conversation_id,sent_at,sender_type,sender_name,text\n"
    'C-1,2026-11-02T09:00:00Z,customer,Jānis Bērziņš,"Sveiki, kur ir mans sūtījums?"\n'
    'C-1,2026-11-02T09:20:00Z,agent,Dana,"Hello Jānis, it is with the carrier, arriving Friday."\n'
    'C-2,2026-11-02T10:00:00Z,customer,Li Wei,=HYPERLINK("http://evil.example")\n'
    "C-2,2026-11-02T10:05:00Z,agent,Dana,我们会退款\n"
)


def _opener(data: bytes):
    return lambda: io.BytesIO(data)


def test_records_are_stored_with_ordered_messages(org):
    report = import_records([parsed("1001", n_messages=3)], organization=org)
    assert (report.imported, report.updated, report.rejected) == (1, 0, 0)
    conv = Conversation.objects.get(organization=org, source="csv", external_id="1001")
    assert conv.message_count == 3
    assert conv.subject == "Late parcel"
    assert conv.tags == ["late"]
    assert conv.raw == {"id": "1001"}
    msgs = list(conv.messages.order_by("position").values_list("position", "author_role", "author_name"))
    assert msgs == [(0, "customer", "Ayşe Yılmaz"), (1, "agent", "Dana"), (2, "customer", "Ayşe Yılmaz")]
    first = conv.messages.get(position=0)
    assert first.attachments == [{"name": "photo.jpg", "size": 2048, "content_type": "image/jpeg"}]
    assert first.text == "Message 0: 包裹在哪里? Paldies!"
    assert conv.started_at == first.sent_at


def test_reimport_updates_and_replaces_messages_never_duplicates(org):
    import_records([parsed("1001", n_messages=3), parsed("1002")], organization=org)
    changed = parsed("1001", n_messages=2)
    changed.subject = "Late parcel (again)"
    report = import_records([changed], organization=org)
    assert (report.imported, report.updated) == (0, 1)
    assert Conversation.objects.filter(organization=org).count() == 2
    conv = Conversation.objects.get(external_id="1001")
    assert conv.subject == "Late parcel (again)"
    assert list(conv.messages.values_list("position", flat=True)) == [0, 1]
    assert Message.objects.filter(conversation__organization=org).count() == 4


def test_same_external_id_in_another_org_is_separate(org, other_org):
    import_records([parsed("1001")], organization=org)
    report = import_records([parsed("1001")], organization=other_org)
    assert report.imported == 1
    assert Conversation.objects.filter(external_id="1001").count() == 2


def test_duplicate_in_one_file_updates_the_first(org):
    report = import_records([parsed("1001"), parsed("1001", n_messages=4)], organization=org, batch_size=10)
    assert (report.imported, report.updated) == (1, 1)
    assert Conversation.objects.get(external_id="1001").messages.count() == 4


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda c: setattr(c, "external_id", "  "), "The conversation has no id."),
        (lambda c: setattr(c, "messages", []), "The conversation has no messages."),
        (lambda c: setattr(c.messages[1], "author_role", "robot"), "Message 2 has an unknown author role “robot”"),
        (lambda c: setattr(c.messages[0], "sent_at", c.messages[0].sent_at.replace(tzinfo=None)), "Message 1 has no"),
        (lambda c: setattr(c, "csat", Decimal("101")), "The satisfaction score 101 is outside 0–100."),
    ],
)
def test_invalid_records_are_rejected_with_position_and_reason(org, change, reason):
    bad = parsed("bad", position="record 2")
    change(bad)
    report = import_records([parsed("good"), bad], organization=org)
    assert (report.imported, report.rejected) == (1, 1)
    assert report.rejections[0].position == "record 2"
    assert report.rejections[0].reason.startswith(reason)
    assert list(Conversation.objects.values_list("external_id", flat=True)) == ["good"]


def test_parser_rejections_are_reported(org):
    report = import_records([RejectedRecord("line 7", "X-9", "The sent_at is not a date.")], organization=org)
    assert report.as_dict() == {
        "imported": 0,
        "updated": 0,
        "rejected": 1,
        "rejections": [{"position": "line 7", "external_id": "X-9", "reason": "The sent_at is not a date."}],
    }


def test_freelancer_linked_by_agent_email_only_with_a_contract(
    org, contract, freelancer_profile, freelancer_no_contract
):
    import_records(
        [parsed("1", agent_email="DANA@freelance.test"), parsed("2", agent_email="erin@freelance.test")],
        organization=org,
    )
    one, two = Conversation.objects.order_by("external_id")
    assert (one.freelancer_id, one.contract_id) == (freelancer_profile.pk, contract.pk)
    assert (two.freelancer_id, two.contract_id) == (None, None)


def test_csv_file_import_keeps_formula_text_as_text(org):
    report = import_file(_opener(CSV.encode()), organization=org, format="csv", filename="amazon.csv")
    assert (report.imported, report.rejected) == (2, 0)
    c2 = Conversation.objects.get(external_id="C-2")
    assert c2.messages.get(position=0).text == '=HYPERLINK("http://evil.example")'
    assert c2.messages.get(position=1).text == "我们会退款"


def test_truncated_file_stores_nothing(org):
    data = (SAMPLES / "zendesk_tickets.json").read_bytes()
    with pytest.raises(ImportFileError):
        import_file(_opener(data[: len(data) - 40]), organization=org, format="zendesk")
    assert Conversation.objects.count() == 0


@pytest.mark.parametrize("data", [b"", b"\x1f\x8b\x08\x00gzip", b"{not json", b"hello world"])
def test_unusable_files_store_nothing(org, data):
    with pytest.raises(ImportFileError):
        import_file(_opener(data), organization=org)
    assert Conversation.objects.count() == 0


@pytest.mark.parametrize(
    "name",
    [
        "zendesk_tickets.json",
        "intercom_conversation.json",
        "helpscout_conversations.json",
        "freshdesk_tickets.json",
        "gorgias_tickets.json",
    ],
)
def test_vendor_samples_import_and_reimport_idempotently(org, name):
    data = (SAMPLES / name).read_bytes()
    first = import_file(_opener(data), organization=org)
    assert first.imported >= 1
    counts = (Conversation.objects.count(), Message.objects.count())
    second = import_file(_opener(data), organization=org)
    assert (second.imported, second.updated) == (0, first.imported)
    assert (Conversation.objects.count(), Message.objects.count()) == counts


def test_command_prints_counts(org, tmp_path, capsys):
    path = tmp_path / "export.csv"
    path.write_text(CSV, encoding="utf-8")
    call_command("import_conversations", "--org", "acme", str(path))
    assert capsys.readouterr().out.splitlines() == ["imported: 2", "updated: 0", "rejected: 0"]
    call_command("import_conversations", "--org", "acme", "--format", "csv", str(path))
    assert capsys.readouterr().out.splitlines() == ["imported: 0", "updated: 2", "rejected: 0"]


def test_command_links_the_named_freelancer(org, contract, freelancer_profile, tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(CSV, encoding="utf-8")
    call_command("import_conversations", "--org", "acme", "--freelancer", "dana@freelance.test", str(path))
    assert set(Conversation.objects.values_list("freelancer_id", "contract_id")) == {
        (freelancer_profile.pk, contract.pk)
    }


def test_command_fails_when_nothing_valid(org, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("conversation_id,sent_at,sender_type,sender_name,text\n,2026-11-02T09:00:00Z,robot,X,hi\n")
    with pytest.raises(CommandError, match="Nothing valid"):
        call_command("import_conversations", "--org", "acme", str(path))
    assert Conversation.objects.count() == 0


def test_command_refuses_an_invalid_file(org, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"tickets": [{"id": 1, "comments": [')
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_conversations", "--org", "acme", "--format", "zendesk", str(path))
    assert Conversation.objects.count() == 0


def test_command_unknown_org(db, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text(CSV)
    with pytest.raises(CommandError, match="No organization"):
        call_command("import_conversations", "--org", "nope", str(path))
