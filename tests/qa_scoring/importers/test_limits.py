"""Resource limits of the import parsers: each bound refuses with a message naming it and where it was crossed."""

import io
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa_scoring.importers.html import HtmlLimitError, html_to_text
from qa_scoring.importers.jsonscan import JsonLimitError, JsonScanner, check_json_bytes
from qa_scoring.importers.limits import ImportLimits
from qa_scoring.importers.records import ImportFileError, ParsedConversation, RejectedRecord
from qa_scoring.importers.registry import parse

from .conftest import as_jsonl, run

ROOT = Path(__file__).resolve().parents[3]


def ticket(ticket_id, body="Hi", **extra):
    comment = {"id": 1, "author_id": 20, "body": body, "public": True, "created_at": "2026-03-02T10:00:00Z"}
    return {"id": ticket_id, "requester_id": 20, "via": {"channel": "email"}, "comments": [comment], **extra}


def nested_zendesk(total_bytes=200 * 1024):
    """The issue's file: a Zendesk-looking export whose first ticket holds ``[[[[…]]]]`` nested ~100,000 deep."""
    head = b'{"tickets": [{"id": 1, "via": {"channel": "email"}, "comments": '
    tail = b"}]}"
    depth, odd = divmod(total_bytes - len(head) - len(tail), 2)
    return head + b"[" * depth + b" " * odd + b"]" * depth + tail


# --- the scanner agrees with a real parser about depth, wherever the chunks are cut


def _depth(value):
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


_tricky_text = st.text(alphabet=st.sampled_from(list('ab"\\[]{},: \n\té')), max_size=12)
_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | _tricky_text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(_tricky_text, children, max_size=4),
    max_leaves=40,
)


@settings(max_examples=300, deadline=None)
@given(value=_json_values, cuts=st.lists(st.integers(min_value=1, max_value=40), max_size=8), limit=st.integers(1, 8))
def test_scanner_depth_matches_the_parsed_value_across_chunk_cuts(value, cuts, limit):
    data = json.dumps(value, ensure_ascii=False).encode()
    scanner = JsonScanner(max_depth=limit, max_field_bytes=10_000)
    position, refused = 0, False
    try:
        for size in [*cuts, len(data)]:
            scanner.feed(data[position : position + size])
            position += size
    except JsonLimitError as exc:
        refused = True
        assert exc.bound == "depth"
        assert data[exc.offset : exc.offset + 1] in (b"[", b"{")
    assert refused == (_depth(value) > limit)
    if not refused:
        assert (scanner.depth, scanner.in_string) == (0, False)


@given(text=_tricky_text, pad=st.integers(0, 30))
def test_scanner_field_length_is_exact(text, pad):
    data = json.dumps({"k" * pad: text}).encode()
    written = len(json.dumps(text)) - 2  # escapes included: the bound is on the bytes as written
    check_json_bytes(data, max_depth=4, max_field_bytes=max(written, pad))
    if max(written, pad) > 0:
        with pytest.raises(JsonLimitError):
            check_json_bytes(data, max_depth=4, max_field_bytes=max(written, pad) - 1)


# --- the issue: 200 KB of nested JSON


def test_nested_json_is_refused_naming_the_bound_and_the_place():
    with pytest.raises(ImportFileError) as caught:
        run(nested_zendesk(), format="zendesk")
    assert str(caught.value) == (
        "Record 1 (line 1, byte 125) is nested more than 64 levels deep, past the limit (QA_IMPORT_MAX_DEPTH)."
    )


def test_nested_json_within_2_s_under_a_300_mb_memory_limit(tmp_path):
    """The 200 KB file in a child process limited to 300 MB of address space; the child times its own parse."""
    path = tmp_path / "nested.json"
    path.write_bytes(nested_zendesk())
    assert path.stat().st_size == 200 * 1024
    child = textwrap.dedent(
        f"""
        import resource, sys, time
        sys.path.insert(0, {str(ROOT)!r})
        from qa_scoring.importers.records import ImportFileError
        from qa_scoring.importers.registry import parse
        limit = 300 * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        start = time.process_time()
        try:
            with open({str(path)!r}, "rb") as f:
                for _ in parse(f, format="zendesk"):
                    pass
            print("imported")
        except ImportFileError as exc:
            print(f"{{time.process_time() - start:.3f}}|{{exc}}")
        """
    )
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    seconds, message = done.stdout.strip().split("|", 1)
    assert message == (
        "Record 1 (line 1, byte 125) is nested more than 64 levels deep, past the limit (QA_IMPORT_MAX_DEPTH)."
    )
    assert float(seconds) < 2.0  # CPU seconds of the parse itself: measured well under 0.5 s


def test_nested_json_lines_line_is_rejected_alone():
    deep = b'{"a":' * 5000 + b"1" + b"}" * 5000
    data = as_jsonl([ticket(1)]) + deep + b"\n" + as_jsonl([ticket(3)])
    items = run(data, format="zendesk")
    assert [type(i).__name__ for i in items] == ["ParsedConversation", "RejectedRecord", "ParsedConversation"]
    assert items[1] == RejectedRecord(
        "line 2", "", "This line is nested more than 64 levels deep, past the limit (QA_IMPORT_MAX_DEPTH)."
    )


def test_nested_objects_in_the_second_record_are_refused_in_that_record():
    deep = b'{"comments": ' * 100_000 + b"1" + b"}" * 100_000
    data = b"[" + json.dumps(ticket(1)).encode() + b", " + deep + b"]"
    crossing = data.index(b"{", data.index(b", {")) + 13 * 63  # the 65th level: the array and 64 objects
    with pytest.raises(ImportFileError) as caught:
        run(data, format="zendesk")
    assert str(caught.value) == (
        f"Record 2 (line 1, byte {crossing:,}) is nested more than 64 levels deep, past the limit "
        "(QA_IMPORT_MAX_DEPTH)."
    )


# --- record size, number of records, text length


def test_a_record_larger_than_the_limit_refuses_the_file():
    big = ticket(2, tags=["x" * 100] * 10_000)  # about 1 MB in many small values
    limits = ImportLimits(max_record_bytes=100 * 1024)
    with pytest.raises(ImportFileError) as caught:
        run({"tickets": [ticket(1), big, ticket(3)]}, format="zendesk", limits=limits)
    assert str(caught.value) == (
        "Record 2 (line 1, byte 524,288) is larger than 100 KB, past the limit (QA_IMPORT_MAX_RECORD_BYTES)."
    )


def test_more_records_than_the_limit_refuses_the_file():
    limits = ImportLimits(max_records=3)
    with pytest.raises(ImportFileError) as caught:
        run([ticket(n) for n in range(1, 6)], format="zendesk", limits=limits)
    assert str(caught.value) == (
        "The file holds more than 3 records, past the limit (QA_IMPORT_MAX_RECORDS; the next one is at record 4). "
        "Split it into smaller exports."
    )
    assert len(run([ticket(n) for n in range(1, 4)], format="zendesk", limits=limits)) == 3


def test_a_text_value_longer_than_the_limit_refuses_the_file():
    data = json.dumps([ticket(1), ticket(2, body="y" * 5000)]).encode()
    opening_quote = data.index(b'"yyy')
    with pytest.raises(ImportFileError) as caught:
        run(data, format="zendesk", limits=ImportLimits(max_field_bytes=1024))
    assert str(caught.value) == (
        f"Record 2 (line 1, byte {opening_quote + 1 + 1024:,}) holds a text value longer than 1 KB, past the limit "
        "(QA_IMPORT_MAX_FIELD_BYTES)."
    )


def test_json_lines_whatever_the_first_lines_length_and_a_too_long_line_alone():
    long_first = ticket(1, body="z" * 90_000)  # beyond the 64 KB head
    too_long = ticket(2, body="w" * 300_000)
    data = as_jsonl([long_first, too_long, ticket(3)])
    items = run(data, limits=ImportLimits(max_record_bytes=250_000))
    assert [i.external_id for i in items if isinstance(i, ParsedConversation)] == ["1", "3"]
    assert items[0].messages[0].text == "z" * 90_000
    assert items[1] == RejectedRecord(
        "line 2", "", "This line is larger than 244.1 KB, past the limit (QA_IMPORT_MAX_RECORD_BYTES)."
    )


# --- encodings


def test_utf8_byte_order_mark_is_accepted_in_json_json_lines_and_csv():
    bom = b"\xef\xbb\xbf"
    assert [c.external_id for c in run(bom + json.dumps([ticket(1)]).encode())] == ["1"]
    assert [c.external_id for c in run(bom + as_jsonl([ticket(1), ticket(2)]))] == ["1", "2"]
    csv = "conversation_id,sent_at,sender_type,sender_name,text\nC-1,2026-03-02T10:00:00Z,customer,Ann,Hi\n"
    assert [c.external_id for c in run(bom + csv.encode())] == ["C-1"]


@pytest.mark.parametrize(
    ("encoding", "name"),
    [
        ("utf-16", "UTF-16 (little-endian) with a byte-order mark"),
        ("utf-16-be-bom", "UTF-16 (big-endian) with a byte-order mark"),
        ("utf-32", "UTF-32 (little-endian) with a byte-order mark"),
        ("utf-16-le", "UTF-16"),
        ("utf-32-le", "UTF-32"),
    ],
)
def test_other_unicode_encodings_are_refused_by_name(encoding, name):
    text = json.dumps([ticket(1)])
    data = b"\xfe\xff" + text.encode("utf-16-be") if encoding == "utf-16-be-bom" else text.encode(encoding)
    with pytest.raises(ImportFileError) as caught:
        run(data, format="zendesk")
    assert str(caught.value) == f"The file is {name} text, not UTF-8. Export it again as UTF-8 (or save it as UTF-8)."


def test_invalid_utf8_names_the_line_and_byte():
    data = b"[\n" + json.dumps(ticket(1)).encode().replace(b'"Hi"', b'"H\xe9llo"') + b"\n]"
    bad_byte = data.index(b"\xe9")
    with pytest.raises(ImportFileError) as caught:
        run(data, format="zendesk")
    assert str(caught.value) == (
        f"The file is not UTF-8 text: invalid bytes at line 2, byte {bad_byte} (it may be "
        "Windows-1252 or Latin-1). Export it again as UTF-8."
    )


# --- CSV


HEADER = "conversation_id,sent_at,sender_type,sender_name,text\n"


def test_csv_with_too_many_columns_is_refused():
    wide = HEADER.strip() + "," + ",".join(f"c{i}" for i in range(200)) + "\n"
    with pytest.raises(ImportFileError) as caught:
        run(wide.encode() + b"C-1,2026-03-02T10:00:00Z,customer,Ann,Hi\n", format="csv")
    assert str(caught.value) == (
        "The CSV header has 205 columns, more than the limit of 100 (QA_IMPORT_CSV_MAX_COLUMNS)."
    )
    row = "C-1,2026-03-02T10:00:00Z,customer,Ann,Hi" + ",x" * 150 + "\n"
    with pytest.raises(ImportFileError) as caught:
        run((HEADER + row).encode(), format="csv")
    assert str(caught.value) == (
        "Line 2 of the CSV has 155 columns, more than the limit of 100 (QA_IMPORT_CSV_MAX_COLUMNS)."
    )


def test_csv_rows_and_conversations_past_the_limits():
    rows = "".join(f"C-{n},2026-03-02T10:00:00Z,customer,Ann,Hi\n" for n in range(5))
    with pytest.raises(ImportFileError) as caught:
        run((HEADER + rows).encode(), format="csv", limits=ImportLimits(csv_max_rows=4))
    assert str(caught.value) == (
        "The CSV has more than 4 rows, past the limit (QA_IMPORT_CSV_MAX_ROWS; line 6). Split it into smaller files."
    )
    with pytest.raises(ImportFileError) as caught:
        run((HEADER + rows).encode(), format="csv", limits=ImportLimits(max_records=2))
    assert str(caught.value) == (
        "The CSV holds more than 2 conversations, past the limit (QA_IMPORT_MAX_RECORDS; line 4). "
        "Split it into smaller files."
    )


def test_csv_line_longer_than_a_record_is_refused_without_reading_it_whole():
    data = (HEADER + "C-1,2026-03-02T10:00:00Z,customer,Ann," + "x" * 5000 + "\n").encode()
    with pytest.raises(ImportFileError) as caught:
        run(data, format="csv", limits=ImportLimits(max_record_bytes=1024, max_field_bytes=100_000))
    assert str(caught.value) == "Line 2 of the CSV is longer than 1 KB, past the limit (QA_IMPORT_MAX_RECORD_BYTES)."


def test_csv_conversation_with_too_many_rows_is_rejected_alone():
    rows = "".join(f"C-1,2026-03-02T10:{n % 60:02d}:00Z,customer,Ann,Hi {n}\n" for n in range(5003))
    rows += "C-2,2026-03-02T10:00:00Z,customer,Bob,Hello\n"
    items = run((HEADER + rows).encode(), format="csv")
    assert items[0] == RejectedRecord(
        "lines 2–5004", "C-1", "The conversation has 5,003 messages; at most 5,000 are accepted."
    )
    assert items[1].external_id == "C-2"


# --- HTML reduced to text


def test_html_limits_name_the_bound():
    limits = ImportLimits(html_max_chars=100, html_max_depth=5, max_message_chars=10)
    with pytest.raises(HtmlLimitError, match=r"^the HTML is longer than 100 characters, past the limit"):
        html_to_text("<p>" + "a" * 200 + "</p>", limits)
    with pytest.raises(HtmlLimitError, match=r"^the HTML nests elements more than 5 deep, past the limit"):
        html_to_text("<div>" * 6 + "x" + "</div>" * 6, limits)
    with pytest.raises(HtmlLimitError, match=r"^the text is longer than 10 characters, past the limit"):
        html_to_text("<b>" + "a" * 11 + "</b>", limits)
    # Elements whose end tag may be left out, and closed siblings, do not add depth.
    flat = html_to_text("<p>a" * 50 + "<div>b</div>" * 50, ImportLimits(html_max_depth=5))
    assert flat == "a\n" * 50 + "b\n" * 49 + "b"


def test_html_past_a_bound_rejects_the_record_with_the_field_path():
    bad = ticket(2)
    bad["comments"][0] = dict(bad["comments"][0], body=None, html_body="<div>" * 300 + "x")
    items = run({"tickets": [ticket(1), bad]}, format="zendesk")
    assert items[1] == RejectedRecord(
        "record 2",
        "2",
        "tickets[1].comments[0].html_body: the HTML nests elements more than 256 deep, past the limit "
        "(QA_IMPORT_HTML_MAX_DEPTH).",
    )


def test_a_wide_but_shallow_file_within_every_limit_still_parses():
    data = io.BytesIO(json.dumps({"tickets": [ticket(n) for n in range(1, 2001)]}).encode())
    assert sum(1 for item in parse(data, format="zendesk") if isinstance(item, ParsedConversation)) == 2000
