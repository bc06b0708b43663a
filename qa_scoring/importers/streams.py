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


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.0f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} bytes"


class _GuardedReader(io.RawIOBase):
    def __init__(self, raw: BinaryIO, *, max_bytes: int) -> None:
        self._raw = raw
        self._max = max_bytes
        self._seen = 0
        self._decoder = codecs.getincrementaldecoder("utf-8")()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._raw.read(len(buffer))
        if data is None:
            return 0
        start = self._seen
        self._seen += len(data)
        if self._seen > self._max:
            raise ImportFileError(
                f"The file is larger than the {human_size(self._max)} limit. Split it into smaller exports."
            )
        try:
            self._decoder.decode(data, final=not data)
        except UnicodeDecodeError as exc:
            raise ImportFileError(
                f"The file is not UTF-8 text (invalid bytes near byte {start + exc.start}). Export it again as UTF-8."
            ) from None
        buffer[: len(data)] = data
        return len(data)

    @property
    def bytes_read(self) -> int:
        return self._seen


class SourceFile:
    """The uploaded export: checked head, re-readable from the start (spooled when not seekable)."""

    def __init__(self, stream: BinaryIO, *, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        if not _seekable(stream):
            stream = _spool(stream, max_bytes=max_bytes)
        self._stream = stream
        self._start = stream.tell()
        self.head = stream.read(HEAD_BYTES)
        stream.seek(self._start)
        self._reader: _GuardedReader | None = None
        kind = compression_of(self.head)
        if kind:
            raise ImportFileError(
                f"This is a {kind} compressed file. Compressed files are not accepted: upload the JSON or CSV "
                "export itself."
            )
        if not self.head.lstrip(b"\xef\xbb\xbf \t\r\n"):
            raise ImportFileError("The file is empty.")
        if len(self.head) > max_bytes:
            raise ImportFileError(
                f"The file is larger than the {human_size(max_bytes)} limit. Split it into smaller exports."
            )

    @property
    def head_text(self) -> str:
        return self.head.decode("utf-8", errors="ignore").lstrip("\ufeff \t\r\n")

    def open(self) -> io.BufferedReader:
        """A fresh guarded binary reader from the start of the file."""
        self._stream.seek(self._start)
        self._reader = _GuardedReader(self._stream, max_bytes=self.max_bytes)
        return io.BufferedReader(self._reader, buffer_size=CHUNK)

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
                f"The file is larger than the {human_size(max_bytes)} limit. Split it into smaller exports."
            )
        spool.write(chunk)
    spool.seek(0)
    return spool  # type: ignore[return-value]


# --- JSON ------------------------------------------------------------------------------------------------


def json_layout(head_text: str, wrapper_paths: tuple[str, ...]) -> tuple[str, str]:
    """How records sit in a JSON file: ("array", "item"), ("wrapper", "<path>.item"), ("lines", "") or
    ("values", "").

    "lines" is JSON Lines, one record per line (a broken line is rejected alone); "values" covers a single
    record object or concatenated objects (read with ijson, so a broken one stops the file). A top-level object is a
    wrapper when it has one of the vendor's list keys (e.g. Zendesk ``tickets``) and no ``id`` of its own.
    """
    if head_text.startswith("["):
        return "array", "item"
    if _is_json_lines(head_text):
        return "lines", ""
    keys: set[str] = set()
    arrays: set[str] = set()
    try:
        for prefix, event, value in ijson.parse(io.BytesIO(head_text.encode()), multiple_values=True):
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


def _is_json_lines(head_text: str) -> bool:
    """One complete JSON object on the first line and another object starting on a later line."""
    first, _, rest = head_text.partition("\n")
    if not rest.strip().startswith("{"):
        return False
    try:
        return isinstance(json.loads(first), dict)
    except ValueError:
        return False


def iter_json_lines(source: SourceFile) -> Iterator[tuple[int, Any, str]]:
    """JSON Lines, one record per line: (line number, value, "" or why the line is not valid JSON).

    A broken line is one rejected record; the other lines still import.
    """
    for number, line in enumerate(source.open(), 1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line), ""
        except ValueError as exc:
            yield number, None, f"This line is not valid JSON ({str(exc).split(':')[0]})."


def iter_json(source: SourceFile, prefix: str, *, multiple_values: bool) -> Iterator[Any]:
    """Stream the values at ``prefix``; ImportFileError when the JSON is invalid or cut short."""
    reader = source.open()
    try:
        yield from ijson.items(reader, prefix, use_float=True, multiple_values=multiple_values)
    except ijson.IncompleteJSONError as exc:
        raise ImportFileError(_json_message(exc, source)) from None
    except ijson.JSONError as exc:
        raise ImportFileError(_json_message(exc, source)) from None


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
