"""What every importer produces: plain records, independent of the database.

Parsers (one module per source) turn a file or an API payload into a stream of ``ParsedConversation`` and
``RejectedRecord`` items; the shared pipeline (``qa_scoring/importers/pipeline.py``) validates and stores them.
A file that is not valid at all raises ``ImportFileError`` before anything is stored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


class AuthorRole:
    AGENT = "agent"
    CUSTOMER = "customer"
    BOT = "bot"
    SYSTEM = "system"
    ALL = (AGENT, CUSTOMER, BOT, SYSTEM)


class ImportFileError(ValueError):
    """The whole file is unusable (wrong format, truncated, too large…). The message says why, for a person."""


@dataclass(frozen=True)
class ParsedAttachment:
    name: str
    size: int | None = None  # bytes, when the source says
    content_type: str = ""


@dataclass
class ParsedMessage:
    external_id: str  # the source's id, or "" when it has none (CSV)
    author_role: str  # one of AuthorRole.ALL
    author_name: str
    author_external_id: str
    sent_at: dt.datetime  # timezone-aware
    text: str  # safe plain text (HTML reduced to text)
    is_internal_note: bool = False
    attachments: list[ParsedAttachment] = field(default_factory=list)


@dataclass
class ParsedConversation:
    source: str  # zendesk | intercom | helpscout | freshdesk | gorgias | csv
    external_id: str
    channel: str = ""  # email, chat, phone, web… as the source names it
    subject: str = ""
    started_at: dt.datetime | None = None
    ended_at: dt.datetime | None = None
    csat: Decimal | None = None  # normalised to 0–100 (good/bad → 100/0, 1–5 → 0/25/50/75/100)
    csat_raw: str = ""  # as the source gave it
    tags: list[str] = field(default_factory=list)
    agent_email: str = ""  # the assignee's e-mail when the source says; used to link the freelancer
    agent_name: str = ""
    raw: dict[str, Any] = field(default_factory=dict)  # the source record, kept as given
    messages: list[ParsedMessage] = field(default_factory=list)  # in chronological order
    position: str = ""  # where it was in the file, e.g. "record 3" or "lines 5–9"


@dataclass(frozen=True)
class RejectedRecord:
    position: str  # "record 3", "line 17"…
    external_id: str
    reason: str  # for a person: what is wrong and how to fix it
