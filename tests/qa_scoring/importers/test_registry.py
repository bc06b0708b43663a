import gzip
import io
import json
import zipfile

import pytest

from qa_scoring.importers.records import ImportFileError, ParsedConversation
from qa_scoring.importers.registry import DEFAULT_MAX_BYTES, FORMATS, detect_format, max_import_bytes, parse

TICKET = {
    "id": 35436,
    "subject": "Help",
    "requester_id": 20978392,
    "comments": [{"id": 1, "author_id": 20978392, "body": "Hi", "public": True, "created_at": "2026-03-02T10:00:00Z"}],
}


def run(data: bytes, **kwargs):
    return list(parse(io.BytesIO(data), **kwargs))


def test_formats_contract():
    assert FORMATS == ("zendesk", "intercom", "helpscout", "freshdesk", "gorgias", "csv")


def test_default_limit_is_200_mb_and_setting_overrides(settings):
    assert DEFAULT_MAX_BYTES == 200 * 1024 * 1024
    settings.QA_IMPORT_MAX_BYTES = 1234
    assert max_import_bytes() == 1234


@pytest.mark.parametrize("data", [b"", b"   \n\t ", b"\xef\xbb\xbf\n"])
def test_empty_file(data):
    with pytest.raises(ImportFileError, match="^The file is empty.$"):
        parse(io.BytesIO(data))


def test_gzip_is_refused_without_decompressing():
    with pytest.raises(ImportFileError, match="^This is a gzip compressed file. Compressed files are not accepted"):
        parse(io.BytesIO(gzip.compress(json.dumps(TICKET).encode())))


def test_zip_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("tickets.json", json.dumps(TICKET))
    with pytest.raises(ImportFileError, match="^This is a zip compressed file."):
        parse(io.BytesIO(buffer.getvalue()), format="zendesk")


def test_oversized_small_file_refused_at_once():
    with pytest.raises(ImportFileError, match="^The file is larger than the 100 bytes limit"):
        parse(io.BytesIO(json.dumps([TICKET] * 3).encode()), max_bytes=100)


def test_oversized_large_file_refused_while_streaming():
    data = json.dumps([TICKET] * 5000).encode()  # about 700 KB, beyond the 64 KB head
    with pytest.raises(
        ImportFileError, match=r"^The file is larger than the 300 KB limit \(QA_IMPORT_MAX_BYTES\). Split it"
    ):
        run(data, max_bytes=300 * 1024)


def test_oversized_unseekable_stream_refused():
    class Pipe(io.RawIOBase):
        def __init__(self, data):
            self._inner = io.BytesIO(data)

        def readable(self):
            return True

        def seekable(self):
            return False

        def readinto(self, buffer):
            chunk = self._inner.read(len(buffer))
            buffer[: len(chunk)] = chunk
            return len(chunk)

    with pytest.raises(ImportFileError, match="larger than the 1 KB limit"):
        parse(Pipe(json.dumps([TICKET] * 20).encode()), max_bytes=1024)
    items = list(parse(Pipe(json.dumps([TICKET]).encode())))
    assert [i.external_id for i in items] == ["35436"]


def test_not_utf8():
    data = json.dumps([TICKET]).encode().replace(b'"Help"', b'"Hj\xe4lp"')
    with pytest.raises(
        ImportFileError,
        match=r"^The file is not UTF-8 text: invalid bytes at line 1, byte 29 \(it may be Windows-1252 or Latin-1\)",
    ):
        run(data)


def test_not_utf8_csv():
    data = b"conversation_id,sent_at,sender_type,sender_name,text\n1,2026-03-02T10:00:00Z,customer,Ann,Gr\xfc\xdfe\n"
    with pytest.raises(ImportFileError, match="^The file is not UTF-8 text"):
        run(data)


def test_truncated_json():
    data = json.dumps([TICKET, TICKET]).encode()[:-30]
    with pytest.raises(ImportFileError, match="^The JSON ends too early .* the file looks truncated"):
        run(data)


def test_invalid_json():
    with pytest.raises(ImportFileError, match=r"^The file is not valid JSON \("):
        run(b'[{"id": 1, "comments": [}]')


def test_wrong_named_format():
    with pytest.raises(ImportFileError, match="^This file looks like a Zendesk export, not Gorgias."):
        parse(io.BytesIO(json.dumps([TICKET]).encode()), format="gorgias")


def test_json_without_any_known_field():
    with pytest.raises(ImportFileError, match="^This file does not look like a Intercom export"):
        parse(io.BytesIO(b'[{"id": 1, "foo": 2}]'), format="intercom")
    with pytest.raises(ImportFileError, match="^Could not tell which helpdesk this file comes from."):
        parse(io.BytesIO(b'[{"id": 1, "foo": 2}]'))


def test_csv_named_as_json_format():
    with pytest.raises(ImportFileError, match="^This file is not JSON, so it is not a Help Scout export."):
        parse(io.BytesIO(b"conversation_id,sent_at\n"), format="helpscout")


def test_unknown_format_name():
    with pytest.raises(ImportFileError, match="^Unknown format 'kayako'"):
        parse(io.BytesIO(b"[]"), format="kayako")


def test_empty_array_is_not_a_zendesk_export():
    with pytest.raises(ImportFileError, match="^This file does not look like a Zendesk export"):
        run(b"[]", format="zendesk")


def test_non_object_records_are_rejected():
    items = run(json.dumps([TICKET, 5, "x"]).encode(), format="zendesk")
    assert isinstance(items[0], ParsedConversation)
    assert [(i.position, i.reason) for i in items[1:]] == [
        ("record 2", "This record is not a JSON object."),
        ("record 3", "This record is not a JSON object."),
    ]


def test_progress_callback_reports_bytes():
    seen = []
    data = json.dumps([TICKET, TICKET]).encode()
    run(data, on_progress=seen.append)
    assert len(seen) == 2
    assert seen[-1] == len(data)


def test_detect_format_returns_none_for_compressed_and_unknown():
    assert detect_format(gzip.compress(b"[]")) is None
    assert detect_format(b"hello world") is None
    assert detect_format(b"") is None


@pytest.mark.parametrize(
    ("sample", "expected"),
    [
        ("zendesk_tickets.json", "zendesk"),
        ("intercom_conversation.json", "intercom"),
        ("helpscout_conversations.json", "helpscout"),
        ("freshdesk_tickets.json", "freshdesk"),
        ("gorgias_tickets.json", "gorgias"),
    ],
)
def test_detect_each_vendor_from_its_content(sample, expected):
    from .conftest import SAMPLES

    head = (SAMPLES / sample).read_bytes()[:65536]
    assert detect_format(head) == expected
    assert detect_format(head, "export.json") == expected
