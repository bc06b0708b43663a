import datetime as dt
from decimal import Decimal

from qa_scoring.importers.records import ParsedAttachment, RejectedRecord

from .conftest import as_jsonl, run

UTC = dt.UTC


def test_conversation_source_parts_notes_and_bots(samples):
    (conversation,) = run(samples("intercom_conversation.json"))
    assert (conversation.source, conversation.external_id, conversation.channel) == (
        "intercom",
        "1911149811",
        "conversation",
    )
    assert conversation.csat == Decimal(75)
    assert conversation.csat_raw == "4"
    assert conversation.tags == ["delivered_not_received"]
    assert (conversation.agent_email, conversation.agent_name) == ("dana@example.com", "Dana Cruz")
    assert conversation.started_at == dt.datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    assert conversation.ended_at == dt.datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    assert [(m.external_id, m.author_role, m.is_internal_note, m.text) for m in conversation.messages] == [
        ("269650473", "customer", False, "我的包裹显示已送达但我没有收到"),
        ("7001", "bot", False, "Hi there! I'm Fin, an AI agent. Can you share your order number?"),
        ("7002", "system", False, "assignment"),
        ("7003", "agent", True, "Customer has 3 prior INR claims."),
        (
            "7004",
            "agent",
            False,
            "Hi Wang, I'm sorry your parcel didn't arrive.\nI opened a claim\nYou'll hear back in 2 days",
        ),
        ("7005", "system", False, "close"),
    ]
    assert conversation.messages[0].author_name == "王伟"
    assert conversation.messages[0].attachments == [ParsedAttachment("doorstep.jpg", 48213, "image/jpeg")]
    assert conversation.messages[1].sent_at == dt.datetime(2026, 3, 2, 10, 0, 10, tzinfo=UTC)


def test_list_wrapper_and_json_lines(samples):
    conversation = samples("intercom_conversation.json")
    second = dict(conversation, id="2")
    wrapped = {"type": "conversation.list", "conversations": [conversation, second], "pages": {}}
    assert [c.external_id for c in run(wrapped)] == ["1911149811", "2"]
    assert [c.external_id for c in run(as_jsonl([conversation, second]))] == ["1911149811", "2"]


def test_automated_source_is_a_bot_and_rating_bounds(samples):
    conversation = samples("intercom_conversation.json")
    conversation["source"] = dict(
        conversation["source"], delivered_as="automated", author={"type": "admin", "id": "1", "name": "Series"}
    )
    conversation["conversation_rating"] = {"rating": None}
    (parsed,) = run(conversation)
    assert parsed.messages[0].author_role == "bot"
    assert parsed.csat is None
    assert parsed.csat_raw == ""


def test_unknown_author_type_and_missing_id_are_rejected(samples):
    conversation = samples("intercom_conversation.json")
    odd = dict(conversation, id="9")
    odd["conversation_parts"] = {
        "conversation_parts": [
            dict(conversation["conversation_parts"]["conversation_parts"][3], author={"type": "alien"})
        ]
    }
    empty = dict(conversation, id="10", source={"body": None, "author": {"type": "user"}}, conversation_parts={})
    items = run([dict(conversation, id=None), odd, empty, conversation])
    assert items[:3] == [
        RejectedRecord("record 1", "", "The conversation has no 'id': every conversation needs the helpdesk's id."),
        RejectedRecord(
            "record 2", "9", "Part 7004: unknown author type 'alien' (expected admin, user, lead, bot or team)."
        ),
        RejectedRecord("record 3", "10", "Conversation 10 has no messages."),
    ]
    assert items[3].external_id == "1911149811"
