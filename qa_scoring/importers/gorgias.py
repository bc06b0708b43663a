"""Gorgias: a ticket with ``messages[]``.

Reads ``id``, ``channel``, ``subject``, ``created_datetime``, ``tags[].name``, ``assignee_user`` (email, name),
``satisfaction_survey.score`` (1–5 → CSAT 0–100) and each message's ``id``, ``from_agent`` (false = the
customer), ``channel`` (``internal-note`` = internal note; ``public: false`` too), ``rule_id`` (set when an
automation rule sent it → bot), ``sender`` (name, email), ``stripped_text``/``body_text``/``body_html``,
``sent_datetime``/``created_datetime`` and ``attachments[]`` (``name``, ``size``, ``content_type``).

Shapes, from Gorgias's REST API reference (developers.gorgias.com/reference): Retrieve a ticket (one object);
List tickets and List messages → ``{"data": [...], "meta": {"prev_cursor", "next_cursor"}, "object": "list",
"uri"}``. Types, as documented: ``id`` an integer, ``created_datetime``/``sent_datetime`` ISO 8601 strings (or
null), ``from_agent``/``public`` booleans, ``body_html``/``body_text``/``stripped_text`` strings or null; another
type rejects the ticket with the field's path.
"""

from __future__ import annotations

from typing import Any

from .limits import ImportLimits
from .records import AuthorRole, ParsedAttachment, ParsedConversation, ParsedMessage
from .values import (
    RecordError,
    csat_from_scale,
    email_of,
    full_name,
    get_bool,
    get_dict,
    get_html,
    get_id,
    get_iso_time,
    get_list,
    get_objects,
    get_str,
    get_text,
    join,
    require_id,
    text_id,
)

DEFAULT_LIMITS = ImportLimits()

LABEL = "Gorgias"
SIGNATURE = ("from_agent", "created_datetime", "stripped_text", "satisfaction_survey", "rule_id", "body_html")
WRAPPER_PATHS = ("data",)


def parse_record(ticket: dict[str, Any], *, context: Any, limits: ImportLimits = DEFAULT_LIMITS) -> ParsedConversation:
    external_id = require_id(ticket, what="ticket")
    raw_messages = get_objects(ticket, "messages")
    if not raw_messages:
        raise RecordError(f"Ticket {external_id} has no messages.", external_id)
    messages = [_message(path, m, external_id, limits) for path, m in raw_messages]
    messages.sort(key=lambda message: message.sent_at)
    survey = get_dict(ticket, "satisfaction_survey")
    score = survey.get("score")
    assignee = get_dict(ticket, "assignee_user")
    return ParsedConversation(
        source="gorgias",
        external_id=external_id,
        channel=get_str(ticket, "channel"),
        subject=get_str(ticket, "subject"),
        started_at=messages[0].sent_at,
        ended_at=messages[-1].sent_at,
        csat=csat_from_scale(score),
        csat_raw="" if score is None else text_id(score),
        tags=[str(t.get("name") if isinstance(t, dict) else t) for t in get_list(ticket, "tags")],
        agent_email=email_of(assignee),
        agent_name=full_name(assignee),
        raw=ticket,
        messages=messages,
    )


def _message(path: str, message: dict[str, Any], ticket_id: str, limits: ImportLimits) -> ParsedMessage:
    message_id = get_id(message, "id", path)
    from_agent = get_bool(message, "from_agent", path)
    if message.get("rule_id"):
        role = AuthorRole.BOT
    elif from_agent is True:
        role = AuthorRole.AGENT
    elif from_agent is False:
        role = AuthorRole.CUSTOMER
    else:
        raise RecordError(f"Message {message_id}: from_agent must be true or false.", ticket_id)
    text = get_text(message, "stripped_text", path, limits) or get_text(message, "body_text", path, limits)
    if not text:
        text = get_html(message, "body_html", path, limits)
    sender = get_dict(message, "sender", path)
    sent_key = "sent_datetime" if message.get("sent_datetime") is not None else "created_datetime"
    return ParsedMessage(
        external_id=message_id,
        author_role=role,
        author_name=full_name(sender) or email_of(sender),
        author_external_id=get_id(sender, "id", join(path, "sender")),
        sent_at=get_iso_time(message, sent_key, path),
        text=text,
        is_internal_note=message.get("channel") == "internal-note" or get_bool(message, "public", path) is False,
        attachments=[
            ParsedAttachment(
                name=get_str(a, "name", p),
                size=a.get("size") if isinstance(a.get("size"), int) else None,
                content_type=get_str(a, "content_type", p),
            )
            for p, a in get_objects(message, "attachments", path)
        ],
    )
