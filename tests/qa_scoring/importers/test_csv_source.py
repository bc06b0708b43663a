import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa_scoring.importers.records import ImportFileError, ParsedConversation, RejectedRecord
from qa_scoring.importers.registry import detect_format, parse

HEADER = "conversation_id,sent_at,sender_type,sender_name,text\n"


def run(text: str, **kwargs):
    return list(parse(io.BytesIO(text.encode()), **kwargs))


def test_rows_grouped_into_conversations_in_time_order():
    items = run(
        HEADER
        + 'A-1,2026-03-02T11:00:00Z,agent,Dana,"Merhaba Ayşe, kargonuz yolda."\n'
        + "A-1,2026-03-02T10:00:00Z,customer,Ayşe,Siparişim nerede?\n"
        + "A-2,2026-03-03 09:30,customer,王伟,我的包裹显示已送达但我没有收到\n"
        + "A-2,2026-03-03T09:35:00+01:00,bot,Autoreply,We got your message.\n"
        + "A-2,2026-03-03T10:00:00Z,system,,Assigned to Dana\n",
        format="csv",
    )
    assert [type(i) for i in items] == [ParsedConversation, ParsedConversation]
    first, second = items
    assert first.source == "csv"
    assert first.external_id == "A-1"
    assert first.position == "lines 2–3"
    assert [(m.author_role, m.author_name, m.text) for m in first.messages] == [
        ("customer", "Ayşe", "Siparişim nerede?"),
        ("agent", "Dana", "Merhaba Ayşe, kargonuz yolda."),
    ]
    assert first.started_at == dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
    assert first.ended_at == dt.datetime(2026, 3, 2, 11, 0, tzinfo=dt.UTC)
    assert first.agent_name == "Dana"
    assert second.position == "lines 4–6"
    assert [m.author_role for m in second.messages] == ["bot", "customer", "system"]
    assert [m.sent_at for m in second.messages] == [
        dt.datetime(2026, 3, 3, 8, 35, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 3, 9, 30, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 3, 10, 0, tzinfo=dt.UTC),
    ]
    assert second.messages[1].text == "我的包裹显示已送达但我没有收到"


def test_optional_columns_and_internal_notes():
    items = run(
        "conversation_id,sent_at,sender_type,sender_name,text,is_internal_note,csat,tags,agent_email,subject,channel,"
        "message_id\n"
        "7,2026-03-02T10:00:00Z,customer,Jānis,Paldies par ātro atbildi,no,5,vip;latvia,dana@example.com,Thanks,"
        "amazon,m1\n"
        "7,2026-03-02T10:05:00Z,agent,Dana,Refund approved by lead,yes,,,,,,m2\n"
    )
    (conversation,) = items
    assert conversation.csat == Decimal(100)
    assert conversation.csat_raw == "5"
    assert conversation.tags == ["vip", "latvia"]
    assert conversation.agent_email == "dana@example.com"
    assert conversation.subject == "Thanks"
    assert conversation.channel == "amazon"
    assert [(m.external_id, m.is_internal_note) for m in conversation.messages] == [("m1", False), ("m2", True)]
    assert conversation.messages[0].text == "Paldies par ātro atbildi"


def test_formula_injection_is_stored_as_text_unchanged():
    (conversation,) = run(
        HEADER + '9,2026-03-02T10:00:00Z,customer,Eve,"=HYPERLINK(""http://evil.example"",""click"")"\n'
        "9,2026-03-02T10:01:00Z,customer,Eve,+SUM(1;2)\n"
        "9,2026-03-02T10:02:00Z,customer,Eve,@cmd\n"
    )
    assert [m.text for m in conversation.messages] == [
        '=HYPERLINK("http://evil.example","click")',
        "+SUM(1;2)",
        "@cmd",
    ]


def test_bad_rows_reject_their_conversation_and_parsing_goes_on():
    items = run(
        HEADER
        + "1,2026-03-02T10:00:00Z,robot,R2,beep\n"
        + "2,yesterday,customer,Ann,Hello\n"
        + ",2026-03-02T10:00:00Z,customer,Ann,Hello\n"
        + "3,2026-03-02T10:00:00Z,Customer,Ann,Fine\n"
        + "1,2026-03-02T10:00:00Z,customer,Ann,again\n"
    )
    assert items[:3] == [
        RejectedRecord("line 2", "1", "Line 2: unknown sender_type 'robot'; use agent, customer, bot or system."),
        RejectedRecord(
            "line 3", "2", "Line 3 has an unreadable time 'yesterday': use ISO 8601, e.g. 2026-03-02T14:05:00Z."
        ),
        RejectedRecord("line 4", "", "These rows have no conversation_id."),
    ]
    assert isinstance(items[3], ParsedConversation)
    assert items[3].external_id == "3"
    assert items[4] == RejectedRecord(
        "line 6",
        "1",
        "Conversation 1 appeared earlier in the file: keep each conversation's rows together "
        "(sort the file by conversation_id).",
    )


def test_missing_columns_is_a_file_error_before_iteration():
    with pytest.raises(ImportFileError, match=r"missing the columns sender_type, text\. The first row must name"):
        parse(io.BytesIO(b"conversation_id,sent_at,sender_name\n1,2026-03-02,Ann\n"), format="csv")


def test_header_only_holds_no_conversations():
    with pytest.raises(ImportFileError, match="The CSV file holds no conversations."):
        run(HEADER)


def test_oversized_field_is_a_clear_error():
    huge = "x" * (1024 * 1024 + 10)
    with pytest.raises(ImportFileError) as caught:
        run(HEADER + f'1,2026-03-02T10:00:00Z,customer,Ann,"{huge}"\n')
    assert str(caught.value) == (
        "A cell at line 2 of the CSV is longer than 1,048,576 characters, past the limit "
        "(QA_IMPORT_MAX_FIELD_BYTES). Check for an unclosed quote."
    )


def test_detect_csv_from_header_or_file_name():
    assert detect_format(HEADER.encode()) == "csv"
    assert detect_format(b"\xef\xbb\xbf" + HEADER.encode()) == "csv"
    assert detect_format(b"a,b\n1,2\n", "thread.csv") == "csv"
    assert detect_format(b"a,b\n1,2\n", "thread.txt") is None


def test_json_named_as_csv_is_refused():
    with pytest.raises(ImportFileError, match="This is a JSON file, not CSV."):
        parse(io.BytesIO(b'[{"id": 1}]'), format="csv")


_texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\r\x00") | st.sampled_from(',"\n='),
    max_size=40,
).map(str.strip)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(st.tuples(st.sampled_from(["agent", "customer", "bot", "system"]), _texts), min_size=1, max_size=4),
        min_size=1,
        max_size=5,
    )
)
def test_round_trip_through_a_spreadsheet_writer(conversations):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["conversation_id", "sent_at", "sender_type", "sender_name", "text"])
    for number, messages in enumerate(conversations):
        for minute, (role, text) in enumerate(messages):
            writer.writerow([f"c{number}", f"2026-03-02T10:{minute:02d}:00Z", role, "Näme, Jr.", text])
    items = list(parse(io.BytesIO(buffer.getvalue().encode()), format="csv"))
    assert [i.external_id for i in items] == [f"c{n}" for n in range(len(conversations))]
    for item, messages in zip(items, conversations, strict=True):
        assert [(m.author_role, m.text, m.author_name) for m in item.messages] == [
            (role, text, "Näme, Jr.") for role, text in messages
        ]


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_semicolon_and_tab_separated_spreadsheets(delimiter):
    header = delimiter.join(["conversation_id", "sent_at", "sender_type", "sender_name", "text"])
    row = delimiter.join(["5", "2026-03-02T10:00:00Z", "customer", "Jānis", "Paldies, par ātro atbildi"])
    (conversation,) = run(f"{header}\n{row}\n")
    assert conversation.messages[0].text == "Paldies, par ātro atbildi"
    assert detect_format(f"{header}\n".encode()) == "csv"
