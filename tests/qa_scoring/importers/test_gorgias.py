import datetime as dt
from decimal import Decimal

from qa_scoring.importers.records import ParsedAttachment, RejectedRecord

from .conftest import as_jsonl, run

UTC = dt.UTC


def test_ticket_messages_notes_and_rules(samples):
    (ticket,) = run(samples("gorgias_tickets.json"))
    assert (ticket.source, ticket.external_id, ticket.channel, ticket.subject) == (
        "gorgias",
        "12345",
        "email",
        "A-to-z claim threat",
    )
    assert ticket.csat == Decimal(25)
    assert ticket.csat_raw == "2"
    assert ticket.tags == ["a-to-z", "urgent"]
    assert (ticket.agent_email, ticket.agent_name) == ("dana@example.com", "Dana Cruz")
    assert [(m.external_id, m.author_role, m.is_internal_note, m.text) for m in ticket.messages] == [
        ("1", "customer", False, "Where is my refund? I will open an A-to-z claim."),
        ("2", "bot", False, "We received your request and will reply within 24 hours."),
        ("3", "agent", True, "Refund was issued on Friday, check Stripe."),
        ("4", "agent", False, "Hi Sam,\nI understand the frustration. Your refund of €42.00 was issued on 27 Feb."),
    ]
    assert ticket.messages[0].attachments == [ParsedAttachment("receipt.pdf", 3000, "application/pdf")]
    assert ticket.messages[3].sent_at == dt.datetime(2026, 3, 2, 11, 30, 2, tzinfo=UTC)
    assert ticket.started_at == dt.datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def test_json_lines_of_tickets(samples):
    ticket = samples("gorgias_tickets.json")["data"][0]
    items = run(as_jsonl([ticket, dict(ticket, id=2, satisfaction_survey=None)]), format="gorgias")
    assert [(t.external_id, t.csat) for t in items] == [("12345", Decimal(25)), ("2", None)]


def test_unknown_sender_and_no_messages_are_rejected(samples):
    ticket = samples("gorgias_tickets.json")["data"][0]
    odd = dict(ticket, id=3, messages=[dict(ticket["messages"][0], from_agent=None)])
    empty = dict(ticket, id=4, messages=[])
    items = run({"data": [odd, empty, ticket]})
    assert items[:2] == [
        RejectedRecord("record 1", "3", "Message 1: from_agent must be true or false."),
        RejectedRecord("record 2", "4", "Ticket 4 has no messages."),
    ]
    assert items[2].external_id == "12345"
