"""Helpdesk export parsers: one entry point for every source.

``parse(stream, format=None, filename="")`` yields ``ParsedConversation`` and ``RejectedRecord`` items one by
one (flat memory), and raises ``ImportFileError`` with a message for a person when the file as a whole is
unusable: empty, compressed (gzip/zip/… are refused, so no zip bombs), larger than ``QA_IMPORT_MAX_BYTES``
(default 200 MB), not UTF-8 (UTF-16/32 are named; a UTF-8 byte-order mark is fine), invalid or truncated JSON,
not the named format (or clearly another vendor's: "looks like a Gorgias export, not Zendesk"), a CSV without the
required columns, or past one of the parser limits (``limits.py``: nesting, record size, number of records, text
length, CSV columns/rows), with the record, line and byte where the bound was crossed. A truncated file may be
noticed only at its end, after some records were yielded: callers must store inside one transaction (or
discard) so nothing half-imported survives.

Accepted shapes (one record = one conversation; see each module for the fields read):

=========  ==================================================================================================
zendesk    a ticket object with its ``comments`` list (``GET /api/v2/tickets/{id}/comments``), optionally with
           its own ``users`` list; a JSON array of such tickets; ``{"tickets": [...], "users": [...]}`` (the
           ``include=users`` sideload, before or after the tickets; the incremental export's ``end_of_stream``,
           ``after_cursor`` beside it); search's ``{"results": [...]}``; JSON Lines, one ticket per line.
intercom   a conversation (``GET /conversations/{id}``: ``source`` + ``conversation_parts``); an array of them;
           ``{"type": "conversation.list", "conversations": [...]}``; JSON Lines.
helpscout  a conversation with ``_embedded.threads`` (``?embed=threads``); an array; the list page shape
           ``{"_embedded": {"conversations": [...]}}``; JSON Lines.
freshdesk  a ticket with ``conversations`` (``?include=conversations``); an array (the list endpoint);
           filter's ``{"results": [...], "total": n}``; ``{"tickets": [...]}``; JSON Lines.
gorgias    a ticket with ``messages``; an array; the list shape ``{"data": [...], "meta": {...}}``; JSON Lines.
(all)      JSON Lines positions are "line N" and a line that is not valid JSON (or too long, too deep) is one
           rejected record, whatever the lines' length; in the other shapes positions are "record N" and invalid
           JSON rejects the whole file. A field of the wrong type rejects its record with the field's path
           (``tickets[3].comments[2].created_at: expected a date-time string, got a number``); a conversation id
           repeated within one file is reported (the repeat is rejected, naming where the first was).
csv        UTF-8 CSV with a header row holding ``conversation_id, sent_at, sender_type, sender_name, text``
           (optional: ``message_id, is_internal_note, subject, channel, tags, csat, agent_email, agent_name``);
           one row per message, a conversation's rows next to each other.
=========  ==================================================================================================
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from types import ModuleType
from typing import Any, BinaryIO

from . import csv_source, freshdesk, gorgias, helpscout, intercom, zendesk
from .detect import signature_score
from .jsonscan import JsonLimitError
from .limits import ImportLimits
from .records import ImportFileError, ParsedConversation, RejectedRecord
from .streams import (
    SourceFile,
    compression_of,
    is_json_text,
    iter_json,
    iter_json_lines,
    json_layout,
    limit_message,
    other_encoding,
)
from .values import RecordError, text_id

FORMATS = ("zendesk", "intercom", "helpscout", "freshdesk", "gorgias", "csv")
DEFAULT_MAX_BYTES = 200 * 1024 * 1024  # QA_IMPORT_MAX_BYTES when the setting is absent

_JSON_MODULES: dict[str, ModuleType] = {
    "zendesk": zendesk,
    "intercom": intercom,
    "helpscout": helpscout,
    "freshdesk": freshdesk,
    "gorgias": gorgias,
}
LABELS = {name: module.LABEL for name, module in _JSON_MODULES.items()} | {"csv": "CSV"}


def max_import_bytes() -> int:
    """The size limit: settings.QA_IMPORT_MAX_BYTES, else 200 MB."""
    return ImportLimits.from_settings().max_bytes


def _json_scores(head_text: str) -> dict[str, int]:
    return {name: signature_score(head_text, module.SIGNATURE) for name, module in _JSON_MODULES.items()}


def detect_format(head: bytes, filename: str = "") -> str | None:
    """Guess the format from the first bytes (and the file name for CSV); None when unsure."""
    if compression_of(head) or other_encoding(head):
        return None
    text = head.decode("utf-8", errors="ignore").lstrip("\ufeff \t\r\n")
    if not text:
        return None
    if is_json_text(text):
        scores = _json_scores(text)
        best = max(scores, key=lambda name: scores[name])
        ranked = sorted(scores.values(), reverse=True)
        if scores[best] == 0 or ranked[0] == ranked[1]:
            return None
        return best
    if csv_source.looks_like_csv(text) or filename.lower().endswith(".csv"):
        return "csv"
    return None


def parse(
    stream: BinaryIO,
    *,
    format: str | None = None,  # noqa: A002 - the contract's name
    filename: str = "",
    max_bytes: int | None = None,
    limits: ImportLimits | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> Iterator[ParsedConversation | RejectedRecord]:
    """Stream the conversations of an export. ``on_progress(bytes_read)`` is called after each record.

    Whole-file problems found in the first bytes (empty, compressed, wrong format, missing CSV columns…)
    raise here, before iteration; a truncated or oversized file, or one past a limit, raises while iterating.
    ``limits`` defaults to the settings (``ImportLimits.from_settings()``).
    """
    if format is not None and format not in FORMATS:
        raise ImportFileError(f"Unknown format {format!r}. Choose one of: {', '.join(FORMATS)}.")
    limits = limits or ImportLimits.from_settings()
    if max_bytes is not None:
        limits = replace(limits, max_bytes=max_bytes)
    source = SourceFile(stream, max_bytes=limits.max_bytes, limits=limits)
    name = _resolve_format(source, format, filename)
    if name == "csv":
        csv_source.check_header(source)
    items = csv_source.parse(source) if name == "csv" else _parse_json(_JSON_MODULES[name], source)
    return _counted(items, source, LABELS[name], on_progress)


def _counted(
    items: Iterator[ParsedConversation | RejectedRecord],
    source: SourceFile,
    label: str,
    on_progress: Callable[[int], None] | None,
) -> Iterator[ParsedConversation | RejectedRecord]:
    found = 0
    for item in items:
        found += 1
        yield item
        if on_progress is not None:
            on_progress(source.bytes_read)
    if not found:
        raise ImportFileError(f"The {label} file holds no conversations.")


def _resolve_format(source: SourceFile, named: str | None, filename: str) -> str:
    text = source.head_text
    if named is None:
        detected = detect_format(source.head, filename)
        if detected is None:
            raise ImportFileError(
                "Could not tell which helpdesk this file comes from. Choose the format: "
                + ", ".join(LABELS[name] for name in FORMATS)
                + "."
            )
        return detected
    if named == "csv":
        if is_json_text(text):
            raise ImportFileError("This is a JSON file, not CSV. Choose the helpdesk it was exported from.")
        return named
    if not is_json_text(text):
        raise ImportFileError(f"This file is not JSON, so it is not a {LABELS[named]} export.")
    scores = _json_scores(text)
    best = max(scores, key=lambda name: scores[name])
    # Another vendor's distinctive keys clearly outnumber the named one's: the wrong export was chosen.
    if best != named and scores[best] > 0 and (scores[named] == 0 or scores[best] >= 2 * scores[named] + 2):
        raise ImportFileError(
            f"This file looks like a {LABELS[best]} export, not {LABELS[named]}. "
            f"Choose {LABELS[best]} or let the format be detected."
        )
    if scores[named] == 0:
        raise ImportFileError(
            f"This file does not look like a {LABELS[named]} export: none of its usual fields "
            f"({', '.join(_JSON_MODULES[named].SIGNATURE[:4])}…) are there."
        )
    return named


def _record_path(layout: str, prefix: str, number: int) -> str:
    """Where record ``number`` (1-based) sits, as a JSON path: ``tickets[3]``, ``[3]``, or '' (one value/line)."""
    if layout == "array":
        return f"[{number - 1}]"
    if layout == "wrapper":
        return f"{prefix.removesuffix('.item')}[{number - 1}]"
    return ""


def _parse_json(module: ModuleType, source: SourceFile) -> Iterator[ParsedConversation | RejectedRecord]:
    limits = source.limits
    layout, prefix = json_layout(source, module.WRAPPER_PATHS)
    number = 0
    try:
        prepare = getattr(module, "prepare", None)
        context = prepare(source, layout) if prepare else None
    except JsonLimitError:
        context = {}  # the main pass below meets the same bound and says in which record
    if layout == "lines":
        records: Iterator[tuple[str, Any, str]] = (
            (f"line {line}", value, error) for line, value, error in iter_json_lines(source)
        )
    else:
        values = iter_json(source, prefix, multiple_values=layout == "values")
        records = ((f"record {n}", value, "") for n, value in enumerate(values, 1))
    seen: dict[str, str] = {}
    try:
        for position, record, error in records:
            number += 1
            if number > limits.max_records:
                raise ImportFileError(
                    f"The file holds more than {limits.max_records:,} records, past the limit "
                    f"(QA_IMPORT_MAX_RECORDS; the next one is at {position}). Split it into smaller exports."
                )
            if error:
                yield RejectedRecord(position, "", error)
                continue
            where = _record_path(layout, prefix, number)
            if not isinstance(record, dict):
                yield RejectedRecord(position, "", "This record is not a JSON object.")
                continue
            item = _one(module, record, context, limits, position, where)
            if isinstance(item, ParsedConversation):
                first = seen.get(item.external_id)
                if first is not None:
                    item = RejectedRecord(
                        position,
                        item.external_id,
                        f"Conversation {item.external_id} appears more than once in the file (first at {first}); "
                        "this repeat was not imported.",
                    )
                else:
                    seen[item.external_id] = position
            yield item
    except JsonLimitError as exc:
        raise ImportFileError(limit_message(exc, record=number + 1)) from None


def _one(
    module: ModuleType, record: dict[str, Any], context: Any, limits: ImportLimits, position: str, where: str
) -> ParsedConversation | RejectedRecord:
    try:
        conversation = module.parse_record(record, context=context, limits=limits)
    except RecordError as exc:
        path = (where + ("" if exc.path.startswith("[") or not where else ".") + exc.path) if exc.path else ""
        reason = f"{path}: {exc.reason}" if path else exc.reason
        external_id = exc.external_id or (text_id(record.get("id")) if isinstance(record.get("id"), int | str) else "")
        return RejectedRecord(position, external_id, reason)
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        return RejectedRecord(
            position,
            text_id(record.get("id")) if isinstance(record.get("id"), int | str) else "",
            f"The record has an unexpected shape ({type(exc).__name__}: {exc}).",
        )
    conversation.position = position
    return conversation
