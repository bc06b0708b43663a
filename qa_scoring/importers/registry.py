"""Helpdesk export parsers: one entry point for every source.

``parse(stream, format=None, filename="")`` yields ``ParsedConversation`` and ``RejectedRecord`` items one by
one (flat memory), and raises ``ImportFileError`` with a message for a person when the file as a whole is
unusable: empty, compressed (gzip/zip/… are refused, so no zip bombs), larger than ``QA_IMPORT_MAX_BYTES``
(default 200 MB), not UTF-8, invalid or truncated JSON, not the named format, or a CSV without the required
columns. A truncated file may be noticed only at its end, after some records were yielded: callers must store
inside one transaction (or discard) so nothing half-imported survives.

Accepted shapes (one record = one conversation; see each module for the fields read):

=========  ==================================================================================================
zendesk    a ticket object with its ``comments`` list (``GET /api/v2/tickets/{id}/comments``), optionally with
           its own ``users`` list; a JSON array of such tickets; ``{"tickets": [...], "users": [...]}`` (the
           ``include=users`` sideload, before or after the tickets); JSON Lines, one ticket per line.
intercom   a conversation (``GET /conversations/{id}``: ``source`` + ``conversation_parts``); an array of them;
           ``{"type": "conversation.list", "conversations": [...]}``; JSON Lines.
helpscout  a conversation with ``_embedded.threads`` (``?embed=threads``); an array; the list page shape
           ``{"_embedded": {"conversations": [...]}}``; JSON Lines.
freshdesk  a ticket with ``conversations`` (``?include=conversations``); an array; ``{"tickets": [...]}``;
           JSON Lines.
gorgias    a ticket with ``messages``; an array; the list shape ``{"data": [...]}``; JSON Lines.
(all)      JSON Lines positions are "line N" and a line that is not valid JSON is one rejected record; in the
           other shapes positions are "record N" and invalid JSON rejects the whole file.
csv        UTF-8 CSV with a header row holding ``conversation_id, sent_at, sender_type, sender_name, text``
           (optional: ``message_id, is_internal_note, subject, channel, tags, csat, agent_email, agent_name``);
           one row per message, a conversation's rows next to each other.
=========  ==================================================================================================
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any, BinaryIO

from . import csv_source, freshdesk, gorgias, helpscout, intercom, zendesk
from .detect import signature_score
from .records import ImportFileError, ParsedConversation, RejectedRecord
from .streams import SourceFile, compression_of, is_json_text, iter_json, iter_json_lines, json_layout
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
    try:
        from django.conf import settings

        if settings.configured:
            return int(getattr(settings, "QA_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))
    except ImportError:  # pragma: no cover - Django is always installed here
        pass
    return DEFAULT_MAX_BYTES


def _json_scores(head_text: str) -> dict[str, int]:
    return {name: signature_score(head_text, module.SIGNATURE) for name, module in _JSON_MODULES.items()}


def detect_format(head: bytes, filename: str = "") -> str | None:
    """Guess the format from the first bytes (and the file name for CSV); None when unsure."""
    if compression_of(head):
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
    on_progress: Callable[[int], None] | None = None,
) -> Iterator[ParsedConversation | RejectedRecord]:
    """Stream the conversations of an export. ``on_progress(bytes_read)`` is called after each record.

    Whole-file problems found in the first bytes (empty, compressed, wrong format, missing CSV columns…)
    raise here, before iteration; a truncated or oversized file raises while iterating.
    """
    if format is not None and format not in FORMATS:
        raise ImportFileError(f"Unknown format {format!r}. Choose one of: {', '.join(FORMATS)}.")
    source = SourceFile(stream, max_bytes=max_bytes if max_bytes is not None else max_import_bytes())
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
    if scores[named] == 0:
        others = [name for name, score in scores.items() if score > 0]
        if others:
            best = max(others, key=lambda name: scores[name])
            raise ImportFileError(
                f"This file looks like a {LABELS[best]} export, not {LABELS[named]}. "
                f"Choose {LABELS[best]} or let the format be detected."
            )
        raise ImportFileError(
            f"This file does not look like a {LABELS[named]} export: none of its usual fields "
            f"({', '.join(_JSON_MODULES[named].SIGNATURE[:4])}…) are there."
        )
    return named


def _parse_json(module: ModuleType, source: SourceFile) -> Iterator[ParsedConversation | RejectedRecord]:
    layout, prefix = json_layout(source.head_text, module.WRAPPER_PATHS)
    prepare = getattr(module, "prepare", None)
    context = prepare(source, layout) if prepare else None
    if layout == "lines":
        records: Iterator[tuple[str, Any, str]] = (
            (f"line {number}", value, error) for number, value, error in iter_json_lines(source)
        )
    else:
        values = iter_json(source, prefix, multiple_values=layout == "values")
        records = ((f"record {number}", value, "") for number, value in enumerate(values, 1))
    for position, record, error in records:
        if error:
            yield RejectedRecord(position, "", error)
            continue
        if not isinstance(record, dict):
            yield RejectedRecord(position, "", "This record is not a JSON object.")
            continue
        try:
            conversation = module.parse_record(record, context=context)
        except RecordError as exc:
            yield RejectedRecord(position, exc.external_id or text_id(record.get("id")), exc.reason)
            continue
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            yield RejectedRecord(
                position,
                text_id(record.get("id")),
                f"The record has an unexpected shape ({type(exc).__name__}: {exc}).",
            )
            continue
        conversation.position = position
        yield conversation
