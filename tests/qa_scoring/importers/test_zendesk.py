import datetime as dt
from decimal import Decimal

from qa_scoring.importers.records import ParsedAttachment, ParsedConversation, RejectedRecord

from .conftest import as_jsonl, run

UTC = dt.UTC


def test_ticket_with_sideloaded_users(samples):
    (ticket,) = run(samples("zendesk_tickets.json"))
    assert isinstance(ticket, ParsedConversation)
    assert (ticket.source, ticket.external_id, ticket.channel, ticket.subject) == (
        "zendesk",
        "35436",
        "email",
        "Siparişim nerede?",
    )
    assert ticket.csat == Decimal(100)
    assert ticket.csat_raw == "good"
    assert ticket.tags == ["late_parcel", "amazon"]
    assert (ticket.agent_email, ticket.agent_name) == ("dana@example.com", "Dana Cruz")
    assert ticket.started_at == dt.datetime(2026, 3, 2, 9, 58, tzinfo=UTC)
    assert ticket.ended_at == dt.datetime(2026, 3, 2, 11, 15, tzinfo=UTC)
    assert ticket.raw["id"] == 35436
    assert [(m.external_id, m.author_role, m.author_name, m.is_internal_note) for m in ticket.messages] == [
        ("1274", "customer", "Ayşe Yılmaz", False),
        ("1275", "bot", "", False),
        ("1276", "agent", "Dana Cruz", True),
        ("1277", "agent", "Dana Cruz", False),
    ]
    assert ticket.messages[0].text == "Siparişim nerede? Kargo teslim edildi diyor ama elime ulaşmadı."
    assert ticket.messages[0].attachments == [ParsedAttachment("kargo_ekrani.png", 2532, "image/png")]
    assert ticket.messages[1].text == "Thanks for contacting Acme. We will reply within 24 hours."
    assert ticket.messages[2].attachments == [ParsedAttachment("claim.pdf", 10240, "application/pdf")]
    # html_body only: reduced to text, the script dropped
    assert ticket.messages[3].text == (
        "Merhaba Ayşe,\nKargo firmasıyla iletişime geçtim & paketiniz için bir araştırma açtım.\n"
        "48 saat içinde size döneceğim."
    )


def test_users_after_tickets_are_still_used(samples):
    payload = samples("zendesk_tickets.json")
    reordered = {"users": payload["users"], "tickets": payload["tickets"]}
    (first,) = run(reordered)
    (second,) = run(payload)
    assert [m.author_role for m in first.messages] == [m.author_role for m in second.messages]


def test_array_and_json_lines_with_per_ticket_users(samples):
    payload = samples("zendesk_tickets.json")
    ticket = dict(payload["tickets"][0], users=payload["users"])
    other = dict(ticket, id=35437)
    array = run([ticket, other])
    assert [(c.external_id, c.position) for c in array] == [("35436", "record 1"), ("35437", "record 2")]
    lines = run(as_jsonl([ticket, other]), format="zendesk")
    assert [(c.external_id, c.position) for c in lines] == [("35436", "line 1"), ("35437", "line 2")]
    assert array[0].agent_email == lines[0].agent_email == "dana@example.com"


def test_json_lines_broken_line_is_rejected_alone(samples):
    payload = samples("zendesk_tickets.json")
    ticket = dict(payload["tickets"][0], users=payload["users"])
    data = as_jsonl([ticket]) + b'{"id": 2, "comments": [\n' + as_jsonl([dict(ticket, id=3)]) + as_jsonl([ticket])[:50]
    items = run(data)
    assert [(type(i).__name__, i.position) for i in items] == [
        ("ParsedConversation", "line 1"),
        ("RejectedRecord", "line 2"),
        ("ParsedConversation", "line 3"),
        ("RejectedRecord", "line 4"),
    ]
    assert items[1].reason.startswith("This line is not valid JSON (")


def test_roles_fall_back_to_requester_and_assignee_without_users():
    ticket = {
        "id": 1,
        "requester_id": 10,
        "assignee_id": 20,
        "satisfaction_rating": {"score": "bad"},
        "comments": [
            {"id": 1, "author_id": 10, "body": "Wrong size", "public": True, "created_at": "2026-03-02T10:00:00Z"},
            {"id": 2, "author_id": 20, "body": "Sorry!", "public": True, "created_at": "2026-03-02T10:30:00Z"},
        ],
    }
    (conversation,) = run([ticket])
    assert [m.author_role for m in conversation.messages] == ["customer", "agent"]
    assert conversation.csat == Decimal(0)


def test_offered_rating_is_no_csat():
    ticket = {
        "id": 2,
        "requester_id": 10,
        "satisfaction_rating": {"score": "offered"},
        "comments": [{"id": 1, "author_id": 10, "body": "Hi", "public": True, "created_at": "2026-03-02T10:00:00Z"}],
    }
    (conversation,) = run([ticket])
    assert conversation.csat is None
    assert conversation.csat_raw == "offered"


def test_bad_records_are_rejected_and_the_rest_parsed(samples):
    payload = samples("zendesk_tickets.json")
    good = payload["tickets"][0]
    no_id = dict(good, id=None)
    no_comments = dict(good, id=2, comments=[])
    stranger = dict(good, id=3, comments=[dict(good["comments"][0], author_id=999)])
    odd_role = dict(good, id=4)
    bad_date = dict(good, id=5, comments=[dict(good["comments"][0], created_at="02/03/2026")])
    users = payload["users"] + [{"id": 999, "name": "X", "role": "light-agent"}]
    items = run({"tickets": [no_id, no_comments, stranger, good, bad_date], "users": payload["users"]})
    assert items[0] == RejectedRecord(
        "record 1", "", "The ticket has no 'id': every conversation needs the helpdesk's id."
    )
    assert items[1] == RejectedRecord(
        "record 2",
        "2",
        "Ticket 2 has no comments: export each ticket with its comments (GET /api/v2/tickets/{id}/comments) "
        'under a "comments" key.',
    )
    assert items[2] == RejectedRecord(
        "record 3",
        "3",
        "Comment 1274: the role of author 999 is unknown. Export the tickets with include=users so each "
        "author's role is in the file.",
    )
    assert isinstance(items[3], ParsedConversation)
    assert items[4] == RejectedRecord(
        "record 5",
        "5",
        "tickets[4].comments[0].created_at: unreadable date-time '02/03/2026': expected ISO 8601, "
        "e.g. 2026-03-02T14:05:00Z.",
    )
    (rejected,) = run(
        {"tickets": [dict(odd_role, comments=[dict(good["comments"][0], author_id=999)])], "users": users}
    )
    assert rejected.reason == (
        "Comment 1274: author 999 has the unknown role 'light-agent' (expected end-user, agent or admin)."
    )
