"""Parsing streams: memory stays flat as the file grows (one record in memory at a time)."""

import json
import tracemalloc

import pytest

from qa_scoring.importers.registry import parse


def _zendesk_file(path, conversations):
    with open(path, "w", encoding="utf-8") as f:
        f.write('{"tickets": [')
        for i in range(conversations):
            comments = [
                {
                    "id": i * 10 + j,
                    "author_id": 1 + j % 2,
                    "html_body": f"<p>Message {j} of ticket {i}: Siparişim nerede?</p>",
                    "public": True,
                    "created_at": f"2026-03-02T10:0{j}:00Z",
                }
                for j in range(3)
            ]
            f.write(("," if i else "") + json.dumps({"id": i, "requester_id": 1, "comments": comments}))
        f.write('], "users": [{"id": 1, "role": "end-user", "name": "C"}, {"id": 2, "role": "agent", "name": "A"}]}')


def _csv_file(path, conversations):
    with open(path, "w", encoding="utf-8") as f:
        f.write("conversation_id,sent_at,sender_type,sender_name,text\n")
        for i in range(conversations):
            for j in range(3):
                role = "customer" if j % 2 == 0 else "agent"
                f.write(f"{i},2026-03-02T10:0{j}:00Z,{role},Name,Message {j} of conversation {i}\n")


def _peak_while_parsing(path):
    tracemalloc.start()
    try:
        count = 0
        with open(path, "rb") as f:
            for item in parse(f):
                count += len(item.messages)
        return count, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# The CSV parser remembers each conversation id (to catch a conversation split across the file): a few dozen
# bytes per conversation, nothing per message.
@pytest.mark.parametrize(("writer", "bytes_per_conversation"), [(_zendesk_file, 0), (_csv_file, 200)])
def test_peak_memory_does_not_grow_with_the_file(tmp_path, writer, bytes_per_conversation):
    small, large = tmp_path / "small", tmp_path / "large"
    writer(small, 300)
    writer(large, 3000)
    small_count, small_peak = _peak_while_parsing(small)
    large_count, large_peak = _peak_while_parsing(large)
    assert (small_count, large_count) == (900, 9000)
    assert large.stat().st_size > 9 * small.stat().st_size
    # Ten times the data, about the same peak: allow generous slack for allocator noise.
    assert large_peak < small_peak * 2 + 256 * 1024 + 2700 * bytes_per_conversation
