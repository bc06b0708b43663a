"""Real exports: each vendor's documented list, search and export wrappers, wrong types with their path,
repeated ids, the wrong vendor named, and Intercom parts that carry a message with an action."""

import datetime as dt

import pytest

from qa_scoring.importers.records import ImportFileError, ParsedConversation, RejectedRecord

from .conftest import run

UTC = dt.UTC


def ids(items):
    return [i.external_id if isinstance(i, ParsedConversation) else ("rejected", i.position) for i in items]


def test_zendesk_search_results_and_incremental_export(samples):
    payload = samples("zendesk_tickets.json")
    ticket = payload["tickets"][0]
    user = {"result_type": "user", "id": 77, "name": "Not a ticket"}
    search = {"results": [dict(ticket, result_type="ticket"), user], "count": 2, "next_page": None}
    items = run(search, format="zendesk")
    assert items[0].external_id == str(ticket["id"])
    assert items[1] == RejectedRecord(
        "record 2", "77", "This search result is a user, not a ticket: search with type:ticket."
    )
    incremental = {
        "end_of_stream": True,
        "after_cursor": "MTU4MDc1Mzc5OC4wfHw0MzJ8",
        "tickets": payload["tickets"],
        "users": payload["users"],
    }
    assert ids(run(incremental)) == [str(t["id"]) for t in payload["tickets"]]


def test_freshdesk_bare_list_and_filter_results(samples):
    tickets = samples("freshdesk_tickets.json")
    tickets = tickets if isinstance(tickets, list) else [tickets]
    expected = [str(t["id"]) for t in tickets]
    assert ids(run(tickets, format="freshdesk")) == expected
    assert ids(run({"results": tickets, "total": len(tickets)}, format="freshdesk")) == expected


def test_gorgias_list_with_meta(samples):
    payload = samples("gorgias_tickets.json")
    listed = {"data": payload["data"], "meta": {"prev_cursor": None, "next_cursor": "abc"}, "object": "list"}
    assert ids(run(listed, format="gorgias")) == [str(t["id"]) for t in payload["data"]]


def test_helpscout_list_page(samples):
    conversation = samples("helpscout_conversations.json")
    conversations = conversation["_embedded"]["conversations"] if "_embedded" in conversation else [conversation]
    page = {"_embedded": {"conversations": conversations}, "page": {"size": 25, "number": 1}}
    assert ids(run(page, format="helpscout")) == [str(c["id"]) for c in conversations]


def test_intercom_close_and_assignment_parts_with_a_body_keep_the_authors_words(samples):
    conversation = samples("intercom_conversation.json")
    parts = conversation["conversation_parts"]["conversation_parts"]
    admin = {"type": "admin", "id": "814860", "name": "Dana Cruz", "email": "dana@example.com"}
    parts.append(
        dict(parts[-1], id="7010", part_type="close", body="<p>Refund issued, closing now. Bye!</p>", author=admin)
    )
    parts.append(
        dict(parts[-1], id="7011", part_type="assignment", body="<p>Passing you to billing.</p>", author=admin)
    )
    parts[-1]["created_at"] += 1
    (parsed,) = run(conversation, format="intercom")
    by_id = {m.external_id: m for m in parsed.messages}
    assert (by_id["7010"].author_role, by_id["7010"].text, by_id["7010"].author_name) == (
        "agent",
        "Refund issued, closing now. Bye!",
        "Dana Cruz",
    )
    assert (by_id["7011"].author_role, by_id["7011"].text) == ("agent", "Passing you to billing.")
    assert (by_id["7005"].author_role, by_id["7005"].text) == ("system", "close")  # no body: an event


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (
            lambda t: t["comments"][0].__setitem__("created_at", 1772445600),
            "tickets[1].comments[0].created_at: expected a date-time string, got a number.",
        ),
        (
            lambda t: t.__setitem__("subject", {"text": "Where is my order?"}),
            "tickets[1].subject: expected a string, got an object.",
        ),
        (
            lambda t: t["comments"][0].__setitem__("public", "yes"),
            "tickets[1].comments[0].public: expected true or false, got a string.",
        ),
        (
            lambda t: t.__setitem__("tags", ["late", 7]),
            "tickets[1].tags[1]: expected a string, got a number.",
        ),
        (
            lambda t: t["comments"].__setitem__(0, "Hi"),
            "tickets[1].comments[0]: expected an object, got a string.",
        ),
    ],
)
def test_zendesk_field_of_the_wrong_type_rejects_the_record_with_its_path(samples, change, reason):
    payload = samples("zendesk_tickets.json")
    good = payload["tickets"][0]
    bad = {**good, "id": 999, "comments": [dict(c) for c in good["comments"]]}
    change(bad)
    items = run({"tickets": [good, bad], "users": payload["users"]}, format="zendesk")
    assert isinstance(items[0], ParsedConversation)
    assert items[1] == RejectedRecord("record 2", "999", reason)


def test_wrong_types_in_other_vendors_name_the_path(samples):
    intercom = samples("intercom_conversation.json")
    intercom["conversation_parts"]["conversation_parts"][1]["created_at"] = "2026-03-02T10:00:10Z"
    (rejected,) = run([intercom], format="intercom")
    assert rejected.reason == (
        "[0].conversation_parts.conversation_parts[1].created_at: expected a unix timestamp (a number), got a string."
    )
    gorgias = samples("gorgias_tickets.json")["data"][0]
    gorgias["messages"][0] = dict(gorgias["messages"][0], from_agent="false")
    (rejected,) = run({"data": [gorgias]}, format="gorgias")
    assert rejected.reason == "data[0].messages[0].from_agent: expected true or false, got a string."


def test_a_conversation_id_repeated_in_one_file_is_reported(samples):
    payload = samples("zendesk_tickets.json")
    first = payload["tickets"][0]
    items = run({"tickets": [first, first], "users": payload["users"]}, format="zendesk")
    assert isinstance(items[0], ParsedConversation)
    assert items[1] == RejectedRecord(
        "record 2",
        str(first["id"]),
        f"Conversation {first['id']} appears more than once in the file (first at record 1); "
        "this repeat was not imported.",
    )


def test_a_wrong_vendor_file_is_refused_naming_the_vendor_it_looks_like(samples):
    with pytest.raises(ImportFileError) as caught:
        run(samples("gorgias_tickets.json"), format="zendesk")
    assert str(caught.value) == (
        "This file looks like a Gorgias export, not Zendesk. Choose Gorgias or let the format be detected."
    )
    with pytest.raises(ImportFileError) as caught:
        run(samples("helpscout_conversations.json"), format="zendesk")
    assert str(caught.value) == (
        "This file looks like a Help Scout export, not Zendesk. Choose Help Scout or let the format be detected."
    )
