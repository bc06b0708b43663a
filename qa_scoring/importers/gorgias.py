"""Gorgias: a ticket with ``messages[]``.

Reads ``id``, ``channel``, ``subject``, ``created_datetime``, ``tags[].name``, ``assignee_user`` (email, name),
``satisfaction_survey.score`` (1–5 → CSAT 0–100) and each message's ``id``, ``from_agent`` (false = the
customer), ``channel`` (``internal-note`` = internal note; ``public: false`` too), ``rule_id`` (set when an
automation rule sent it → bot), ``sender`` (name, email), ``stripped_text``/``body_text``/``body_html``,
``sent_datetime``/``created_datetime`` and ``attachments[]`` (``name``, ``size``, ``content_type``).
"""

from __future__ import annotations

from typing import Any

from .html import html_to_text
from .records import AuthorRole, ParsedAttachment, ParsedConversation, ParsedMessage
from .values import RecordError, csat_from_scale, email_of, full_name, parse_time, require_id, text_id

LABEL = "Gorgias"
SIGNATURE = ("from_agent", "created_datetime", "stripped_text", "satisfaction_survey", "rule_id", "body_html")
WRAPPER_PATHS = ("data",)


def parse_record(ticket: dict[str, Any], *, context: Any) -> ParsedConversation:
    external_id = require_id(ticket, what="ticket")
    raw_messages = ticket.get("messages")
    if not isinstance(raw_messages, list) or not raw_messages:
        raise RecordError(f"Ticket {external_id} has no messages.", external_id)
    messages = [_message(m, external_id) for m in raw_messages if isinstance(m, dict)]
    messages.sort(key=lambda message: message.sent_at)
    survey = ticket.get("satisfaction_survey") or {}
    score = survey.get("score") if isinstance(survey, dict) else None
    assignee = ticket.get("assignee_user") or {}
    return ParsedConversation(
        source="gorgias",
        external_id=external_id,
        channel=str(ticket.get("channel") or ""),
        subject=str(ticket.get("subject") or ""),
        started_at=messages[0].sent_at,
        ended_at=messages[-1].sent_at,
        csat=csat_from_scale(score),
        csat_raw="" if score is None else text_id(score),
        tags=[str(t.get("name") if isinstance(t, dict) else t) for t in ticket.get("tags") or []],
        agent_email=email_of(assignee),
        agent_name=full_name(assignee),
        raw=ticket,
        messages=messages,
    )


def _message(message: dict[str, Any], ticket_id: str) -> ParsedMessage:
    message_id = text_id(message.get("id"))
    from_agent = message.get("from_agent")
    if message.get("rule_id"):
        role = AuthorRole.BOT
    elif from_agent is True:
        role = AuthorRole.AGENT
    elif from_agent is False:
        role = AuthorRole.CUSTOMER
    else:
        raise RecordError(f"Message {message_id}: from_agent must be true or false.", ticket_id)
    if message.get("stripped_text"):
        text = str(message["stripped_text"]).strip()
    elif message.get("body_text"):
        text = str(message["body_text"]).strip()
    else:
        text = html_to_text(message.get("body_html"))
    sender = message.get("sender") or {}
    return ParsedMessage(
        external_id=message_id,
        author_role=role,
        author_name=full_name(sender) or email_of(sender),
        author_external_id=text_id(sender.get("id")) if isinstance(sender, dict) else "",
        sent_at=parse_time(
            message.get("sent_datetime") or message.get("created_datetime"), what=f"Message {message_id}"
        ),
        text=text,
        is_internal_note=message.get("channel") == "internal-note" or message.get("public") is False,
        attachments=[
            ParsedAttachment(
                name=str(a.get("name") or ""),
                size=a.get("size") if isinstance(a.get("size"), int) else None,
                content_type=str(a.get("content_type") or ""),
            )
            for a in message.get("attachments") or []
            if isinstance(a, dict)
        ],
    )
