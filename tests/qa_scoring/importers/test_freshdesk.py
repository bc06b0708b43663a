import datetime as dt

from qa_scoring.importers.records import ParsedAttachment, RejectedRecord

from .conftest import run

UTC = dt.UTC


def test_description_is_the_first_message_then_conversations(samples):
    (ticket,) = run(samples("freshdesk_tickets.json"))
    assert (ticket.source, ticket.external_id, ticket.channel, ticket.subject) == (
        "freshdesk",
        "20",
        "email",
        "Damaged item",
    )
    assert ticket.tags == ["damaged"]
    assert ticket.csat is None
    assert [(m.external_id, m.author_role, m.is_internal_note, m.text) for m in ticket.messages] == [
        ("", "customer", False, "The mug arrived broken. Photo attached."),
        ("3", "agent", False, "Hi Emma, I'm so sorry the mug broke. A replacement ships today."),
        ("4", "agent", True, "Replacement order 113-4567890-1234567"),  # empty body_text: HTML body used
        ("5", "customer", False, "Thank you!"),
    ]
    assert ticket.messages[0].author_name == "Emma Brown"
    assert ticket.messages[0].attachments == [ParsedAttachment("mug.jpg", 65536, "image/jpeg")]
    assert ticket.started_at == dt.datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    assert ticket.ended_at == dt.datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def test_outbound_chat_bot_users_and_html_description(samples):
    ticket = samples("freshdesk_tickets.json")[0]
    ticket = dict(
        ticket,
        source=10,
        description="<p>Hello Emma,<br>your order shipped.</p>",
        description_text=None,
        bot_user_ids=[2],
        responder={"name": "Dana Cruz", "email": "dana@example.com"},
    )
    (parsed,) = run({"tickets": [ticket]})
    assert parsed.channel == "outbound_email"
    assert parsed.messages[0].author_role == "agent"
    assert parsed.messages[0].text == "Hello Emma,\nyour order shipped."
    assert parsed.messages[1].author_role == "bot"
    assert (parsed.agent_email, parsed.agent_name) == ("dana@example.com", "Dana Cruz")
    (chat,) = run([dict(samples("freshdesk_tickets.json")[0], source=7)])
    assert chat.channel == "chat"


def test_unknown_direction_and_empty_ticket_are_rejected(samples):
    ticket = samples("freshdesk_tickets.json")[0]
    odd = dict(ticket, id=21, conversations=[dict(ticket["conversations"][0], incoming=None)])
    empty = dict(ticket, id=22, description="", description_text="", attachments=[], conversations=[])
    items = run([odd, empty, ticket])
    assert items[:2] == [
        RejectedRecord(
            "record 1", "21", "Conversation 3: incoming and private must be true or false, so the author is known."
        ),
        RejectedRecord("record 2", "22", "Ticket 22 has no description and no conversations."),
    ]
    assert items[2].external_id == "20"
