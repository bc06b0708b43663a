import datetime as dt

from qa_scoring.importers.records import ParsedAttachment, RejectedRecord

from .conftest import run

UTC = dt.UTC


def test_threads_newest_first_are_put_in_time_order(samples):
    (conversation,) = run(samples("helpscout_conversations.json"))
    assert (conversation.source, conversation.external_id, conversation.channel, conversation.subject) == (
        "helpscout",
        "10",
        "email",
        "Paldies par ātro atbildi",
    )
    assert conversation.tags == ["wrong_size"]
    assert (conversation.agent_email, conversation.agent_name) == ("dana@example.com", "Dana Cruz")
    assert conversation.csat is None
    assert [(m.external_id, m.author_role, m.is_internal_note, m.text) for m in conversation.messages] == [
        ("1", "customer", False, "The jacket is too small, can I get a size L?"),
        ("2", "agent", True, "Exchange approved, M → L"),
        ("3", "agent", False, "Hello Jānis,\nI have sent a return label for the size swap."),
        ("4", "customer", False, "Paldies par ātro atbildi!"),
        ("5", "system", False, 'Workflow "Close solved" was run'),
    ]  # the draft (6) is skipped
    assert conversation.messages[0].author_name == "Jānis Bērziņš"
    assert conversation.messages[2].attachments == [ParsedAttachment("return-label.pdf", 20480, "application/pdf")]
    assert conversation.started_at == dt.datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    assert conversation.ended_at == dt.datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def test_single_conversation_and_chat_threads_by_creator(samples):
    conversation = samples("helpscout_conversations.json")["_embedded"]["conversations"][0]
    chat = {
        "id": 7,
        "type": "chat",
        "body": "Hi",
        "createdBy": {"id": 12, "type": "customer", "first": "Jānis", "last": "Bērziņš"},
        "createdAt": "2026-03-02T12:30:00Z",
    }
    conversation = dict(conversation, _embedded={"threads": [chat, *conversation["_embedded"]["threads"]]})
    (parsed,) = run(conversation)
    assert parsed.messages[-1].author_role == "customer"
    assert parsed.messages[-1].text == "Hi"


def test_unknown_creator_and_no_threads_are_rejected(samples):
    conversation = samples("helpscout_conversations.json")["_embedded"]["conversations"][0]
    odd = dict(
        conversation,
        id=11,
        _embedded={
            "threads": [{"id": 1, "type": "chat", "createdBy": {"type": "robot"}, "createdAt": "2026-03-02T10:00:00Z"}]
        },
    )
    bare = dict(conversation, id=12, _embedded={})
    items = run({"_embedded": {"conversations": [odd, bare, conversation]}})
    assert items[:2] == [
        RejectedRecord("record 1", "11", "Thread 1: unknown author type 'robot' (expected customer or user)."),
        RejectedRecord("record 2", "12", "Conversation 12 has no threads: export it with embed=threads."),
    ]
    assert items[2].external_id == "10"
