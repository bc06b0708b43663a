"""Bounding JSON before it is parsed: nesting depth, text value length and record size, checked on raw bytes.

A streaming parser builds each value it reads; ijson also builds a path string for every level, so a few hundred
kilobytes of ``[[[[…`` cost gigabytes. ``JsonScanner`` sees every chunk *before* the parser does and raises
``JsonLimitError`` (with the byte offset and line) as soon as a bound is crossed, so nothing large is built.

It works on whole chunks with C-speed operations: escaped backslashes and quotes are neutralised (two inert
bytes each, so offsets stay true), so quotes alternate in and out of text values; only quotes and brackets are
kept, the text values between quotes are cut out, and the brackets left are reduced pair by pair (each step
removes the innermost pairs, so the number of steps bounds the local nesting depth). Only when that cheap upper
bound reaches the limit is the chunk walked token by token to find the exact place. Text value lengths are
measured only when a chunk could hold one past the limit. Invalid JSON is left to the parser, which stops at the
first bad byte: the scanner only has to be exact on input that is valid so far.
"""

from __future__ import annotations

import re
from functools import lru_cache

_QUOTED = re.compile(rb'"[^"]*"')
_NOT_STRUCTURE = bytes(b for b in range(256) if b not in b'"[]{}')
_NOT_STRUCTURE_OR_COMMA = bytes(b for b in range(256) if b not in b'"[]{},')
_TOKEN = re.compile(rb'["\[\]{}]')
_NOT_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")
_PAIR = re.compile(rb"[\[{][\]}]")
_OPENERS = frozenset(b"[{")


@lru_cache(maxsize=16)
def _deep_run(max_depth: int) -> re.Pattern[bytes]:
    return re.compile(rb"[\[{]{%d}" % (max_depth + 1))


class JsonLimitError(ValueError):
    """A bound was crossed. ``bound`` is depth | field | record | items; ``offset`` is a byte offset."""

    def __init__(self, bound: str, limit: int, offset: int, line: int) -> None:
        super().__init__(f"{bound} limit {limit} crossed at byte {offset} (line {line})")
        self.bound = bound
        self.limit = limit
        self.offset = offset
        self.line = line


class JsonScanner:
    """Feed it the bytes of one JSON text (or JSON Lines) in order; it raises JsonLimitError past a bound.

    ``record_depth`` is the depth at which records sit (0 for one value, 1 for an array of records, 2 for
    ``{"tickets": [...]}``…): a record is the bytes between two visits of that depth, and ``max_record_bytes``
    bounds it (checked per chunk, so a record may pass the bound by up to two chunks before it is refused).
    ``max_items`` bounds the number of values separated by commas (for request bodies).
    """

    def __init__(
        self,
        *,
        max_depth: int,
        max_field_bytes: int,
        max_record_bytes: int | None = None,
        record_depth: int = 0,
        max_items: int | None = None,
    ) -> None:
        self.max_depth = max_depth
        self.max_field_bytes = max_field_bytes
        self.max_record_bytes = max_record_bytes
        self.record_depth = record_depth
        self.max_items = max_items
        self.depth = 0
        self.items = 0
        self.offset = 0  # bytes fed so far
        self.line = 1  # line at self.offset
        self._in_string = False  # the previous chunk ended inside a text value…
        self._open_length = 0  # …this long so far
        self._escape_pending = False  # …right after a backslash
        self._record_start = 0
        # A run of more openers than the limit (``[[[[`` or ``{"a":{"a":…`` once text is cut out) is found in one
        # C-speed search, before any pair-reduction pass.
        self._deep_run = _deep_run(max_depth)

    def feed(self, data: bytes) -> None:
        if not data:
            return
        # Escapes become two inert bytes (same length, so offsets stay true); then quotes alternate.
        text = b"_" + data[1:] if self._escape_pending else data
        if b"\\" in text:
            text = text.replace(b"\\\\", b"__").replace(b'\\"', b"__")
        self._escape_pending = text.endswith(b"\\")
        quotes = text.count(b'"')
        start_in = self._in_string
        end_in = start_in ^ bool(quotes % 2)
        if self._open_length + len(text) > self.max_field_bytes:  # a text value here may be too long
            self._check_fields(text.split(b'"'), start_in, end_in, text)
        elif end_in:
            tail = len(text) - text.rfind(b'"') - 1 if quotes else len(text)
            self._open_length = tail + (self._open_length if not quotes else 0)
        else:
            self._open_length = 0
        # Structure only: quotes, brackets and commas; then the text values (now empty-ish) are cut out.
        structure = text.translate(None, _NOT_STRUCTURE if self.max_items is None else _NOT_STRUCTURE_OR_COMMA)
        if start_in:
            close = structure.find(b'"')
            structure = structure[close + 1 :] if close >= 0 else b""
        # Removing two adjacent quotes keeps every other byte's side (in or out of a text value): most text
        # values hold no bracket and vanish here, at C speed; the few left are cut out by the expression.
        structure = structure.replace(b'""', b"")
        if b'"' in structure:
            structure = _QUOTED.sub(b"", structure)
        if end_in and b'"' in structure:
            structure = structure[: structure.rfind(b'"')]
        if self.max_items is not None:
            self.items += structure.count(b",")
            if self.items >= self.max_items:
                self._fail("items", self.max_items, self.offset + len(data), self.line + data.count(b"\n"))
        brackets = structure.translate(None, _NOT_BRACKET)
        if self._deep_run.search(brackets):
            self._exact(text)
        # Each step removes the innermost pairs of one kind; a group k deep needs at least k changing steps.
        passes = 0
        while passes <= 2 * self.max_depth + 2:
            shorter = brackets.replace(b"[]", b"")
            passes += len(shorter) != len(brackets)
            reduced = shorter.replace(b"{}", b"")
            passes += len(reduced) != len(shorter)
            if len(reduced) == len(brackets):
                break
            brackets = reduced
        start_depth = self.depth
        openers = brackets.count(b"[") + brackets.count(b"{")
        closers = len(brackets) - openers
        end_depth = start_depth - closers + openers
        # Left after the reduction: closers, then the openers still open (then whatever invalid JSON leaves).
        lead = len(brackets) - len(brackets.lstrip(b"]}"))
        rest = brackets[lead:]
        peak = start_depth - lead + len(rest) - len(rest.lstrip(b"[{"))
        if max(start_depth, end_depth, peak) + passes > self.max_depth:
            lowest = self._exact(text)  # raises when the limit is really crossed
            lead = start_depth - lowest
        self._in_string = end_in
        self.offset += len(data)
        self.line += data.count(b"\n")
        self.depth = end_depth
        if self.max_record_bytes is not None:
            if start_depth - lead <= self.record_depth or end_depth <= self.record_depth:
                self._record_start = self.offset  # a record ended in this chunk: the open one started after
            elif self.offset - self._record_start > self.max_record_bytes:
                self._fail("record", self.max_record_bytes, self.offset, self.line)

    @property
    def in_string(self) -> bool:
        return self._in_string

    def _check_fields(self, parts: list[bytes], start_in: bool, end_in: bool, text: bytes) -> None:
        first = 0 if start_in else 1  # parts[first::2] are inside text values
        lengths = list(map(len, parts[first::2]))
        if not lengths:
            return
        carried = self._open_length if start_in else 0
        lengths[0] += carried
        self._open_length = lengths[-1] if end_in else 0
        if max(lengths) <= self.max_field_bytes:
            return
        index = first + 2 * next(i for i, n in enumerate(lengths) if n > self.max_field_bytes)
        start = sum(len(part) + 1 for part in parts[:index])
        where = max(0, start + self.max_field_bytes - (carried if index == 0 else 0))
        self._fail("field", self.max_field_bytes, self.offset + where, self.line + text.count(b"\n", 0, where))

    def _exact(self, text: bytes) -> int:
        """Walk the chunk: JsonLimitError where the depth passes the limit; else the lowest depth reached."""
        depth, in_string = self.depth, self._in_string
        lowest = depth
        for match in _TOKEN.finditer(text):
            char = text[match.start()]
            if char == 34:  # '"'
                in_string = not in_string
            elif in_string:
                continue
            elif char in _OPENERS:
                depth += 1
                if depth > self.max_depth:
                    where = match.start()
                    self._fail("depth", self.max_depth, self.offset + where, self.line + text.count(b"\n", 0, where))
            else:
                depth -= 1
                lowest = min(lowest, depth)
        return lowest

    def _fail(self, bound: str, limit: int, offset: int, line: int) -> None:
        raise JsonLimitError(bound, limit, offset, line)


def check_json_bytes(data: bytes, *, max_depth: int, max_field_bytes: int, max_items: int | None = None) -> None:
    """Check one complete JSON text held in memory (a request body, a JSON Lines line)."""
    if max_items is None and len(data) <= max_field_bytes and data.count(b"[") + data.count(b"{") <= max_depth:
        return  # too few brackets to nest past the limit, too short to hold a text value past it
    JsonScanner(max_depth=max_depth, max_field_bytes=max_field_bytes, max_items=max_items).feed(data)
