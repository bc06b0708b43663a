"""Freshdesk: a ticket (``GET /api/v2/tickets/{id}?include=conversations,requester``) with ``conversations``.

The ticket's ``description`` (HTML; ``description_text`` when present) is the first message, written by the
requester — or by the agent for an outbound e-mail (``source`` 10). Each of ``conversations[]`` is a message:
``private`` true = an agent's internal note, ``incoming`` true = from the customer side, otherwise an agent
reply; ``body_text`` or ``body`` (HTML), ``user_id``, ``created_at``, ``attachments[]`` (``name``, ``size``).
Ticket ``source`` codes map to channels (1 email, 2 portal, 3 phone, 7 chat, 9 feedback widget, 10 outbound
email). The conversation JSON has no bot marker: a reply sent by an automation rule counts as an agent reply,
and its ``user_id`` can be listed in ``bot_user_ids`` of the ticket record to mark it as a bot.
"""

from __future__ import annotations

from typing import Any

from .html import html_to_text
from .records import AuthorRole, ParsedAttachment, ParsedConversation, ParsedMessage
from .values import RecordError, email_of, full_name, parse_time, require_id, text_id

LABEL = "Freshdesk"
SIGNATURE = ("description_text", "responder_id", "incoming", "private", "fr_escalated", "support_email")
WRAPPER_PATHS = ("tickets",)
CHANNELS = {1: "email", 2: "portal", 3: "phone", 7: "chat", 9: "feedback_widget", 10: "outbound_email"}
_OUTBOUND = 10


def _text(plain: Any, html: Any) -> str:
    return str(plain).strip() if plain else html_to_text(html)


def _attachments(items: Any) -> list[ParsedAttachment]:
    return [
        ParsedAttachment(
            name=str(a.get("name") or ""),
            size=a.get("size") if isinstance(a.get("size"), int) else None,
            content_type=str(a.get("content_type") or ""),
        )
        for a in items or []
        if isinstance(a, dict)
    ]


def parse_record(ticket: dict[str, Any], *, context: Any) -> ParsedConversation:
    external_id = require_id(ticket, what="ticket")
    requester = ticket.get("requester") or {}
    requester_id = text_id(ticket.get("requester_id"))
    bots = {text_id(b) for b in ticket.get("bot_user_ids") or []}
    source_code = ticket.get("source")
    outbound = source_code == _OUTBOUND
    messages: list[ParsedMessage] = []
    description = _text(ticket.get("description_text"), ticket.get("description"))
    if description or ticket.get("attachments"):
        messages.append(
            ParsedMessage(
                external_id="",
                author_role=AuthorRole.AGENT if outbound else AuthorRole.CUSTOMER,
                author_name="" if outbound else full_name(requester),
                author_external_id=text_id(ticket.get("responder_id")) if outbound else requester_id,
                sent_at=parse_time(ticket.get("created_at"), what=f"Ticket {external_id}"),
                text=description,
                attachments=_attachments(ticket.get("attachments")),
            )
        )
    for item in ticket.get("conversations") or []:
        if not isinstance(item, dict):
            continue
        item_id = text_id(item.get("id"))
        user_id = text_id(item.get("user_id"))
        incoming, private = item.get("incoming"), item.get("private")
        if not isinstance(incoming, bool) or not isinstance(private, bool):
            raise RecordError(
                f"Conversation {item_id}: incoming and private must be true or false, so the author is known.",
                external_id,
            )
        if user_id and user_id in bots:
            role = AuthorRole.BOT
        elif private:
            role = AuthorRole.AGENT
        elif incoming or (user_id and user_id == requester_id):
            role = AuthorRole.CUSTOMER
        else:
            role = AuthorRole.AGENT
        messages.append(
            ParsedMessage(
                external_id=item_id,
                author_role=role,
                author_name=full_name(requester) if role == AuthorRole.CUSTOMER and user_id == requester_id else "",
                author_external_id=user_id,
                sent_at=parse_time(item.get("created_at"), what=f"Conversation {item_id}"),
                text=_text(item.get("body_text"), item.get("body")),
                is_internal_note=private,
                attachments=_attachments(item.get("attachments")),
            )
        )
    if not messages:
        raise RecordError(f"Ticket {external_id} has no description and no conversations.", external_id)
    messages.sort(key=lambda message: message.sent_at)
    responder = ticket.get("responder") or {}
    return ParsedConversation(
        source="freshdesk",
        external_id=external_id,
        channel=CHANNELS.get(source_code, text_id(source_code)) if isinstance(source_code, int) else "",
        subject=str(ticket.get("subject") or ""),
        started_at=messages[0].sent_at,
        ended_at=messages[-1].sent_at,
        tags=[str(tag) for tag in ticket.get("tags") or []],
        agent_email=email_of(responder),
        agent_name=full_name(responder),
        raw=ticket,
        messages=messages,
    )
