"""Reading an uploaded export safely: size limit, UTF-8 check, no compressed files, streaming JSON.

``SourceFile`` wraps the uploaded binary stream. Every read goes through ``_GuardedReader``, which counts
bytes (``ImportFileError`` past the limit) and checks UTF-8 incrementally, so a 200 MB file is never held
in memory. JSON is parsed incrementally with ijson; one record is in memory at a time.
"""

from __future__ import annotations

import codecs
import io
import json
import tempfile
from collections.abc import Iterator
from typing import Any, BinaryIO

import ijson

from .jsonscan import JsonLimitError, JsonScanner, check_json_bytes
from .limits import ImportLimits, human_size
from .records import ImportFileError

HEAD_BYTES = 64 * 1024
CHUNK = 256 * 1024

# Compressed or archive formats are refused outright: no decompression means no zip bombs.
_MAGIC = (
    (b"\x1f\x8b", "gzip"),
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),
    (b"PK\x07\x08", "zip"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"(\xb5/\xfd", "zstd"),
    (b"7z\xbc\xaf'\x1c", "7-Zip"),
    (b"Rar!\x1a\x07", "RAR"),
)


def compression_of(head: bytes) -> str | None:
    for magic, name in _MAGIC:
        if head.startswith(magic):
            return name
    return None


_BOMS = (
    (b"\x00\x00\xfe\xff", "UTF-32 (big-endian)"),
    (b"\xff\xfe\x00\x00", "UTF-32 (little-endian)"),
    (b"\xfe\xff", "UTF-16 (big-endian)"),
    (b"\xff\xfe", "UTF-16 (little-endian)"),
)
UTF8_BOM = b"\xef\xbb\xbf"


def other_encoding(head: bytes) -> str | None:
    """The name of a non-UTF-8 Unicode encoding the file starts in (by its byte-order mark, or by the zero bytes
    UTF-16/32 text without a mark puts next to ASCII); None when it may be UTF-8."""
    for mark, name in _BOMS:
        if head.startswith(mark):
            return name + " with a byte-order mark"
    sample = head[:64]
    if len(sample) >= 4 and sample.count(0) * 4 >= len(sample):
        if sample[:3] == b"\x00\x00\x00" or sample[1:4] == b"\x00\x00\x00":
            return "UTF-32"
        return "UTF-16"
    return None


class _GuardedReader(io.RawIOBase):
    def __init__(self, raw: BinaryIO, *, max_bytes: int, offset: int = 0, scanner: JsonScanner | None = None) -> None:
        self._raw = raw
        self._max = max_bytes
        self._seen = offset
        self._line = 1
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self._scanner = scanner
        self._pending: JsonLimitError | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._pending is not None:
            raise self._pending
        data = self._raw.read(len(buffer))
        if data is None:
            return 0
        start = self._seen
        self._seen += len(data)
        if self._seen > self._max:
            raise ImportFileError(
                f"The file is larger than the {human_size(self._max)} limit (QA_IMPORT_MAX_BYTES). "
                "Split it into smaller exports."
            )
        try:
            self._decoder.decode(data, final=not data)
        except UnicodeDecodeError as exc:
            where = start + exc.start
            line = self._line + data.count(b"\n", 0, max(exc.start, 0))
            raise ImportFileError(
                f"The file is not UTF-8 text: invalid bytes at line {line}, byte {where} (it may be Windows-1252 "
                "or Latin-1). Export it again as UTF-8."
            ) from None
        self._line += data.count(b"\n")
        if self._scanner is not None and data:
            try:
                self._scanner.feed(data)
            except JsonLimitError as exc:
                # Hand the parser what comes before the crossing (records there are complete and within bounds),
                # so the error, raised at the next read, is counted in the right record.
                data = data[: max(0, exc.offset - start)]
                self._pending = exc
                if not data:
                    raise
        buffer[: len(data)] = data
        return len(data)

    @property
    def bytes_read(self) -> int:
        return self._seen


class SourceFile:
    """The uploaded export: checked head, re-readable from the start (spooled when not seekable)."""

    def __init__(self, stream: BinaryIO, *, max_bytes: int, limits: ImportLimits | None = None) -> None:
        self.max_bytes = max_bytes
        self.limits = limits or ImportLimits(max_bytes=max_bytes)
        if not _seekable(stream):
            stream = _spool(stream, max_bytes=max_bytes)
        self._stream = stream
        self._start = stream.tell()
        self.head = stream.read(HEAD_BYTES)
        stream.seek(self._start)
        self._reader: _GuardedReader | None = None
        self.scanned_at_depth: int | None = None  # set once a pass has read the whole file through a JsonScanner
        kind = compression_of(self.head)
        if kind:
            raise ImportFileError(
                f"This is a {kind} compressed file. Compressed files are not accepted: upload the JSON or CSV "
                "export itself."
            )
        encoding = other_encoding(self.head)
        if encoding:
            raise ImportFileError(
                f"The file is {encoding} text, not UTF-8. Export it again as UTF-8 (or save it as UTF-8)."
            )
        self._bom = len(UTF8_BOM) if self.head.startswith(UTF8_BOM) else 0
        if not self.head[self._bom :].lstrip(b" \t\r\n"):
            raise ImportFileError("The file is empty.")
        if len(self.head) > max_bytes:
            raise ImportFileError(
                f"The file is larger than the {human_size(max_bytes)} limit (QA_IMPORT_MAX_BYTES). "
                "Split it into smaller exports."
            )

    @property
    def head_text(self) -> str:
        return self.head[self._bom :].decode("utf-8", errors="ignore").lstrip(" \t\r\n")

    def open(self) -> io.BufferedReader:
        """A fresh guarded binary reader from the start of the file (after a UTF-8 byte-order mark)."""
        return io.BufferedReader(self.open_raw(), buffer_size=CHUNK)

    def open_raw(self, scanner: JsonScanner | None = None) -> _GuardedReader:
        """The unbuffered guarded reader, each read checked by ``scanner`` before it is returned: a read that
        crosses a bound returns what comes before the crossing and the next read raises, so the parser has
        finished every record before it (and the error is counted in the right one)."""
        self._stream.seek(self._start + self._bom)
        self._reader = _GuardedReader(self._stream, max_bytes=self.max_bytes, offset=self._bom, scanner=scanner)
        return self._reader

    @property
    def bytes_read(self) -> int:
        """Bytes read so far by the current pass (for progress bars)."""
        return self._reader.bytes_read if self._reader else 0


def _seekable(stream: BinaryIO) -> bool:
    try:
        return bool(stream.seekable())
    except (AttributeError, ValueError, OSError):
        return False


def _spool(stream: BinaryIO, *, max_bytes: int) -> BinaryIO:
    spool = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115 - returned to the caller
    total = 0
    while chunk := stream.read(CHUNK):
        total += len(chunk)
        if total > max_bytes:
            spool.close()
            raise ImportFileError(
                f"The file is larger than the {human_size(max_bytes)} limit (QA_IMPORT_MAX_BYTES). "
                "Split it into smaller exports."
            )
        spool.write(chunk)
    spool.seek(0)
    return spool  # type: ignore[return-value]


# --- JSON ------------------------------------------------------------------------------------------------


def json_layout(source: SourceFile, wrapper_paths: tuple[str, ...]) -> tuple[str, str]:
    """How records sit in a JSON file: ("array", "item"), ("wrapper", "<path>.item"), ("lines", "") or
    ("values", "").

    "lines" is JSON Lines, one record per line (a broken line is rejected alone), whatever the first line's
    length; "values" covers a single record object or concatenated objects (read with ijson, so a broken one
    stops the file). A top-level object is a wrapper when it has one of the vendor's list keys (e.g. Zendesk
    ``tickets``) and no ``id`` of its own. Only the head of the file is looked at, never deeper than the
    nesting limit.
    """
    head_text = source.head_text
    if head_text.startswith("["):
        return "array", "item"
    if _is_json_lines(source):
        return "lines", ""
    head = head_text.encode()
    try:
        check_json_bytes(head, max_depth=source.limits.max_depth, max_field_bytes=len(head))
    except JsonLimitError as exc:
        head = head[: exc.offset]  # what comes before the too-deep part is enough to see the layout
    keys: set[str] = set()
    arrays: set[str] = set()
    try:
        for prefix, event, value in ijson.parse(io.BytesIO(head), multiple_values=True):
            if prefix == "" and event == "map_key":
                keys.add(value)
            elif event == "start_array":
                arrays.add(prefix)
            elif prefix == "" and event == "end_map":
                break
    except ijson.JSONError:
        pass  # the head is cut mid-file; what we saw is enough
    if "id" not in keys:
        for path in wrapper_paths:
            if path in arrays or path.split(".")[0] in keys:
                return "wrapper", f"{path}.item"
    return "values", ""


def _is_json_lines(source: SourceFile) -> bool:
    """One complete JSON object on the first line and another object starting on a later line.

    The first line is streamed through a ``JsonScanner`` (64 KB at a time, never held whole): it is an object
    when it starts with ``{`` and its brackets close exactly at its end. A first line longer than one record may
    be (``QA_IMPORT_MAX_RECORD_BYTES``) is not a JSON Lines record.
    """
    if not source.head_text.startswith("{"):
        return False
    limits = source.limits
    scanner = JsonScanner(max_depth=limits.max_depth, max_field_bytes=limits.max_field_bytes)
    reader = source.open()
    try:
        while True:
            piece = reader.readline(HEAD_BYTES)
            if not piece:
                return False
            scanner.feed(piece)
            if scanner.offset > limits.max_record_bytes + len(UTF8_BOM):
                return False
            if piece.endswith(b"\n"):
                break
        if scanner.depth != 0 or scanner.in_string:
            return False
        rest = b""
        while not rest and (chunk := reader.read(4096)):  # the next line; blank lines between are tolerated
            rest = chunk.lstrip()
        return rest.startswith(b"{")
    except JsonLimitError:
        return False
    finally:
        reader.close()


def iter_json_lines(source: SourceFile) -> Iterator[tuple[int, Any, str]]:
    """JSON Lines, one record per line: (line number, value, "" or why the line was refused).

    Each line is read with a bound (``QA_IMPORT_MAX_RECORD_BYTES``; a longer one is skipped without being held
    in memory) and checked for nesting and text length before it is parsed. A refused line is one rejected
    record; the other lines still import.
    """
    limits = source.limits
    reader = source.open()
    number = 0
    while line := reader.readline(limits.max_record_bytes + 1):
        number += 1
        if len(line) > limits.max_record_bytes and not line.endswith(b"\n"):
            while (rest := reader.readline(CHUNK)) and not rest.endswith(b"\n"):
                pass
            yield number, None, _limit_reason(JsonLimitError("record", limits.max_record_bytes, 0, 1), line=True)
            continue
        if not line.strip():
            continue
        try:
            check_json_bytes(line, max_depth=limits.max_depth, max_field_bytes=limits.max_field_bytes)
        except JsonLimitError as exc:
            yield number, None, _limit_reason(exc, line=True)
            continue
        try:
            yield number, json.loads(line), ""
        except RecursionError:
            yield number, None, _limit_reason(JsonLimitError("depth", limits.max_depth, 0, 1), line=True)
        except ValueError as exc:
            yield number, None, f"This line is not valid JSON ({str(exc).split(':')[0]})."


def iter_json(
    source: SourceFile, prefix: str, *, multiple_values: bool, record_depth: int | None = None
) -> Iterator[Any]:
    """Stream the values at ``prefix``; ImportFileError when the JSON is invalid or cut short.

    Every chunk is checked by a ``JsonScanner`` before ijson reads it (JsonLimitError past a bound).
    """
    limits = source.limits
    if record_depth is None:
        record_depth = 0 if multiple_values else prefix.count(".") + 1  # "item" → 1, "tickets.item" → 2
    # A file already read to its end under the same bounds is not scanned again (the second of two passes).
    scanner = None
    if source.scanned_at_depth != record_depth:
        scanner = JsonScanner(
            max_depth=limits.max_depth,
            max_field_bytes=limits.max_field_bytes,
            max_record_bytes=limits.max_record_bytes,
            record_depth=record_depth,
        )
    reader = source.open_raw(scanner)
    try:
        yield from ijson.items(reader, prefix, use_float=True, multiple_values=multiple_values, buf_size=CHUNK)
        if scanner is not None:
            source.scanned_at_depth = record_depth
    except ijson.IncompleteJSONError as exc:
        raise ImportFileError(_json_message(exc, source)) from None
    except ijson.JSONError as exc:
        raise ImportFileError(_json_message(exc, source)) from None


_LIMIT_SETTING = {
    "depth": "QA_IMPORT_MAX_DEPTH",
    "field": "QA_IMPORT_MAX_FIELD_BYTES",
    "record": "QA_IMPORT_MAX_RECORD_BYTES",
}


def _limit_reason(exc: JsonLimitError, *, line: bool = False) -> str:
    """What was too large, for a person; ``line`` for a JSON Lines line (whose number is said elsewhere)."""
    setting = _LIMIT_SETTING[exc.bound]
    if exc.bound == "depth":
        what = f"is nested more than {exc.limit} levels deep"
    elif exc.bound == "field":
        what = f"holds a text value longer than {human_size(exc.limit)}"
    else:
        what = f"is larger than {human_size(exc.limit)}"
    subject = "This line" if line else "It"
    return f"{subject} {what}, past the limit ({setting})."


def limit_message(exc: JsonLimitError, *, record: int | None) -> str:
    """The whole-file message for a bound crossed while streaming: the record, line and byte where it happened."""
    where = f"line {exc.line:,}, byte {exc.offset:,}"
    subject = f"Record {record:,} ({where})" if record else f"The file ({where})"
    return _limit_reason(exc).replace("It ", subject + " ", 1)


def _json_message(exc: Exception, source: SourceFile) -> str:
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else "unexpected end of data"
    if "incomplete" in detail.lower() or "premature" in detail.lower() or "end of" in detail.lower():
        return (
            f"The JSON ends too early (after {source.bytes_read} bytes): the file looks truncated. "
            "Export it again and upload the whole file."
        )
    return f"The file is not valid JSON ({detail}). Export it again from the helpdesk."


def is_json_text(head_text: str) -> bool:
    return head_text[:1] in ("{", "[")
