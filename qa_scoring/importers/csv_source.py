"""Plain CSV: ``conversation_id, sent_at, sender_type, sender_name, text`` — one row per message.

Amazon has no API for buyer–seller messages, so sellers paste threads into a spreadsheet (comma-, semicolon-
or tab-separated, as the header row shows). Rows of one
conversation must be next to each other (sort by conversation_id); times are ISO 8601 (no zone = UTC);
sender_type is agent, customer, bot or system. Optional columns: message_id, is_internal_note (true/false,
yes/no, 1/0), subject, channel, tags (comma- or semicolon-separated), csat (1–5), agent_email, agent_name.
Text is stored exactly as written — a cell like ``=HYPERLINK(...)`` stays text; exports escape formulas.

Bounded: a cell longer than ``QA_IMPORT_MAX_FIELD_BYTES`` characters (usually a quote left open), a physical line
longer than ``QA_IMPORT_MAX_RECORD_BYTES``, more than ``QA_IMPORT_CSV_MAX_COLUMNS`` columns, more than
``QA_IMPORT_CSV_MAX_ROWS`` rows or ``QA_IMPORT_MAX_RECORDS`` conversations refuse the file, naming the line. A
conversation with more rows than one conversation may hold is rejected alone, without its rows kept in memory.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from .limits import MAX_MESSAGES, ImportLimits, human_size
from .records import AuthorRole, ImportFileError, ParsedConversation, ParsedMessage, RejectedRecord
from .streams import SourceFile
from .values import RecordError, csat_from_scale, parse_time

REQUIRED = ("conversation_id", "sent_at", "sender_type", "sender_name", "text")
_TRUE = {"1", "true", "yes", "y", "note", "internal"}
_FALSE = {"", "0", "false", "no", "n"}
_BOOLEANS = _TRUE | _FALSE
_ROLE_ALIASES = {"agent": AuthorRole.AGENT, "customer": AuthorRole.CUSTOMER, "bot": AuthorRole.BOT}
_ROLE_ALIASES |= {"system": AuthorRole.SYSTEM}


def delimiter_of(head_text: str) -> str:
    """Comma, or the semicolon / tab that spreadsheets in many locales write instead."""
    first_line = head_text.split("\n", 1)[0]
    return max((",", ";", "\t"), key=first_line.count)


def _header(line: str, delimiter: str) -> list[str]:
    return [cell.strip().lower() for cell in next(csv.reader([line], delimiter=delimiter), [])]


def looks_like_csv(head_text: str) -> bool:
    first_line = head_text.split("\n", 1)[0]
    return set(REQUIRED) <= set(_header(first_line, delimiter_of(head_text)))


def _read_header(reader: Any, limits: ImportLimits | None = None) -> list[str]:
    try:
        header = [cell.strip().lower() for cell in next(reader, [])]
    except csv.Error as exc:
        raise ImportFileError(f"The CSV header cannot be read ({exc}).") from None
    if limits is not None and len(header) > limits.csv_max_columns:
        raise ImportFileError(
            f"The CSV header has {len(header):,} columns, more than the limit of {limits.csv_max_columns} "
            "(QA_IMPORT_CSV_MAX_COLUMNS)."
        )
    missing = [column for column in REQUIRED if column not in header]
    if missing:
        raise ImportFileError(
            "The CSV is missing the column"
            + ("s " if len(missing) > 1 else " ")
            + ", ".join(missing)
            + ". The first row must name: "
            + ", ".join(REQUIRED)
            + "."
        )
    return header


def check_header(source: SourceFile) -> None:
    """ImportFileError now (not at the first record) when required columns are missing."""
    first_line = source.head_text.split("\n", 1)[0]
    _read_header(csv.reader([first_line], delimiter=delimiter_of(source.head_text)), source.limits)


def _bounded_lines(text: io.TextIOWrapper, limit: int) -> Iterator[str]:
    """The file's lines, each read with a bound: a longer line refuses the file without being held whole."""
    number = 0
    while line := text.readline(limit + 1):
        number += 1
        if len(line) > limit and not line.endswith(("\n", "\r")):
            raise ImportFileError(
                f"Line {number:,} of the CSV is longer than {human_size(limit)}, past the limit "
                "(QA_IMPORT_MAX_RECORD_BYTES)."
            )
        yield line


def parse(source: SourceFile) -> Iterator[ParsedConversation | RejectedRecord]:
    limits = source.limits
    csv.field_size_limit(limits.max_field_bytes)
    text = io.TextIOWrapper(source.open(), encoding="utf-8", newline="")
    reader = csv.reader(_bounded_lines(text, limits.max_record_bytes), delimiter=delimiter_of(source.head_text))
    header = _read_header(reader, limits)
    index = {name: header.index(name) for name in header if name}

    group: list[tuple[int, list[str]]] = []
    extra = 0  # rows of the current conversation past MAX_MESSAGES: counted, not kept
    seen: set[str] = set()
    current = ""
    rows = conversations = 0
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            rows += 1
            if rows > limits.csv_max_rows:
                raise ImportFileError(
                    f"The CSV has more than {limits.csv_max_rows:,} rows, past the limit (QA_IMPORT_CSV_MAX_ROWS; "
                    f"line {line:,}). Split it into smaller files."
                )
            if len(row) > limits.csv_max_columns:
                raise ImportFileError(
                    f"Line {line:,} of the CSV has {len(row):,} columns, more than the limit of "
                    f"{limits.csv_max_columns} (QA_IMPORT_CSV_MAX_COLUMNS)."
                )
            row = row + [""] * (len(header) - len(row))
            conversation_id = row[index["conversation_id"]].strip()
            if group and conversation_id == current:
                if len(group) < MAX_MESSAGES:
                    group.append((line, row))
                else:
                    extra, last_line = extra + 1, line
                continue
            if group:
                yield _too_many(group, extra, last_line, current, seen) if extra else _build(group, index, seen)
            conversations += 1
            if conversations > limits.max_records:
                raise ImportFileError(
                    f"The CSV holds more than {limits.max_records:,} conversations, past the limit "
                    f"(QA_IMPORT_MAX_RECORDS; line {line:,}). Split it into smaller files."
                )
            group, current, extra, last_line = [(line, row)], conversation_id, 0, line
        if group:
            yield _too_many(group, extra, last_line, current, seen) if extra else _build(group, index, seen)
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise ImportFileError(
                f"A cell at line {reader.line_num:,} of the CSV is longer than {limits.max_field_bytes:,} "
                "characters, past the limit (QA_IMPORT_MAX_FIELD_BYTES). Check for an unclosed quote."
            ) from None
        raise ImportFileError(
            f"The CSV cannot be read at line {reader.line_num} ({exc}). Check for an unclosed quote."
        ) from None


def _too_many(
    group: list[tuple[int, list[str]]], extra: int, last_line: int, conversation_id: str, seen: set[str]
) -> RejectedRecord:
    seen.add(conversation_id)
    return RejectedRecord(
        f"lines {group[0][0]}–{last_line}",
        conversation_id,
        f"The conversation has {len(group) + extra:,} messages; at most {MAX_MESSAGES:,} are accepted.",
    )


def _position(group: list[tuple[int, list[str]]]) -> str:
    first, last = group[0][0], group[-1][0]
    return f"line {first}" if first == last else f"lines {first}–{last}"


def _build(
    group: list[tuple[int, list[str]]], index: dict[str, int], seen: set[str]
) -> ParsedConversation | RejectedRecord:
    position = _position(group)

    def cell(row: list[str], name: str) -> str:
        return row[index[name]] if name in index else ""

    conversation_id = cell(group[0][1], "conversation_id").strip()
    if not conversation_id:
        return RejectedRecord(position, "", "These rows have no conversation_id.")
    if conversation_id in seen:
        return RejectedRecord(
            position,
            conversation_id,
            f"Conversation {conversation_id} appeared earlier in the file: keep each conversation's rows "
            "together (sort the file by conversation_id).",
        )
    seen.add(conversation_id)
    messages: list[ParsedMessage] = []
    at = index.get
    i_type, i_name, i_sent, i_text = at("sender_type"), at("sender_name"), at("sent_at"), at("text")
    i_note, i_id = at("is_internal_note"), at("message_id")
    try:
        for line, row in group:
            sender_type = row[i_type]
            role = _ROLE_ALIASES.get(sender_type) or _ROLE_ALIASES.get(sender_type.strip().lower())
            if role is None:
                raise RecordError(
                    f"Line {line}: unknown sender_type {sender_type!r}; use agent, customer, bot or system."
                )
            note = row[i_note].strip().lower() if i_note is not None else ""
            if note not in _BOOLEANS:
                raise RecordError(f"Line {line}: is_internal_note must be true or false, not {note!r}.")
            text = row[i_text]
            messages.append(
                ParsedMessage(
                    external_id=row[i_id].strip() if i_id is not None else "",
                    author_role=role,
                    author_name=row[i_name].strip(),
                    author_external_id="",
                    sent_at=parse_time(row[i_sent], what=f"Line {line}"),
                    text=(text.replace("\r\n", "\n") if "\r" in text else text).strip(),
                    is_internal_note=note in _TRUE,
                )
            )
    except RecordError as exc:
        return RejectedRecord(position, conversation_id, exc.reason)
    messages.sort(key=lambda message: message.sent_at)
    first = group[0][1]
    csat_raw = cell(first, "csat").strip()
    csat: Decimal | None = csat_from_scale(csat_raw) if csat_raw else None
    tags = [tag.strip() for tag in cell(first, "tags").replace(";", ",").split(",") if tag.strip()]
    agent_name = cell(first, "agent_name").strip()
    if not agent_name:
        agent_name = next((m.author_name for m in messages if m.author_role == AuthorRole.AGENT), "")
    return ParsedConversation(
        source="csv",
        external_id=conversation_id,
        channel=cell(first, "channel").strip(),
        subject=cell(first, "subject").strip(),
        started_at=messages[0].sent_at,
        ended_at=messages[-1].sent_at,
        csat=csat,
        csat_raw=csat_raw,
        tags=tags,
        agent_email=cell(first, "agent_email").strip(),
        agent_name=agent_name,
        raw={"rows": [{name: row[i] for name, i in index.items()} for _, row in group]},
        messages=messages,
        position=position,
    )
