"""Freshdesk: a ticket (``GET /api/v2/tickets/{id}?include=conversations,requester``) with ``conversations``.

The ticket's ``description`` (HTML; ``description_text`` when present) is the first message, written by the
requester — or by the agent for an outbound e-mail (``source`` 10). Each of ``conversations[]`` is a message:
``private`` true = an agent's internal note, ``incoming`` true = from the customer side, otherwise an agent
reply; ``body_text`` or ``body`` (HTML), ``user_id``, ``created_at``, ``attachments[]`` (``name``, ``size``).
Ticket ``source`` codes map to channels (1 email, 2 portal, 3 phone, 7 chat, 9 feedback widget, 10 outbound
email). The conversation JSON has no bot marker: a reply sent by an automation rule counts as an agent reply,
and its ``user_id`` can be listed in ``bot_user_ids`` of the ticket record to mark it as a bot.

Shapes, from Freshdesk's API v2 reference (developers.freshdesk.com/api): View a Ticket (one object); List All
Tickets → a bare JSON array; Filter Tickets (``GET /api/v2/search/tickets?query=…``) → ``{"results": [...],
"total"}``; ``{"tickets": [...]}`` is accepted too. Types, as documented: ``id``/``source``/``user_id`` integers,
``created_at`` an ISO 8601 string, ``incoming``/``private`` booleans, ``tags`` a list of strings; another type
rejects the ticket with the field's path.
"""

from __future__ import annotations

from typing import Any

from .limits import ImportLimits
from .records import AuthorRole, ParsedAttachment, ParsedConversation, ParsedMessage
from .values import (
    RecordError,
    email_of,
    full_name,
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
    wrong_type,
)

DEFAULT_LIMITS = ImportLimits()

LABEL = "Freshdesk"
SIGNATURE = ("description_text", "responder_id", "incoming", "private", "fr_escalated", "support_email")
WRAPPER_PATHS = ("results", "tickets")
CHANNELS = {1: "email", 2: "portal", 3: "phone", 7: "chat", 9: "feedback_widget", 10: "outbound_email"}
_OUTBOUND = 10


def _text(obj: dict[str, Any], plain: str, html: str, path: str, limits: ImportLimits) -> str:
    return get_text(obj, plain, path, limits) or get_html(obj, html, path, limits)


def _attachments(obj: dict[str, Any], path: str) -> list[ParsedAttachment]:
    return [
        ParsedAttachment(
            name=get_str(a, "name", p),
            size=a.get("size") if isinstance(a.get("size"), int) else None,
            content_type=get_str(a, "content_type", p),
        )
        for p, a in get_objects(obj, "attachments", path)
    ]


def parse_record(ticket: dict[str, Any], *, context: Any, limits: ImportLimits = DEFAULT_LIMITS) -> ParsedConversation:
    external_id = require_id(ticket, what="ticket")
    requester = get_dict(ticket, "requester")
    requester_id = get_id(ticket, "requester_id")
    bots = {text_id(b) for b in get_list(ticket, "bot_user_ids")}
    source_code = ticket.get("source")
    if source_code is not None and (isinstance(source_code, bool) or not isinstance(source_code, int)):
        raise wrong_type("source", "a number (1 email, 2 portal, 3 phone, 7 chat…)", source_code)
    outbound = source_code == _OUTBOUND
    messages: list[ParsedMessage] = []
    description = _text(ticket, "description_text", "description", "", limits)
    if description or ticket.get("attachments"):
        messages.append(
            ParsedMessage(
                external_id="",
                author_role=AuthorRole.AGENT if outbound else AuthorRole.CUSTOMER,
                author_name="" if outbound else full_name(requester),
                author_external_id=get_id(ticket, "responder_id") if outbound else requester_id,
                sent_at=get_iso_time(ticket, "created_at"),
                text=description,
                attachments=_attachments(ticket, ""),
            )
        )
    for path, item in get_objects(ticket, "conversations"):
        item_id = get_id(item, "id", path)
        user_id = get_id(item, "user_id", path)
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
                sent_at=get_iso_time(item, "created_at", path),
                text=_text(item, "body_text", "body", path, limits),
                is_internal_note=private,
                attachments=_attachments(item, path),
            )
        )
    if not messages:
        raise RecordError(f"Ticket {external_id} has no description and no conversations.", external_id)
    messages.sort(key=lambda message: message.sent_at)
    responder = get_dict(ticket, "responder")
    return ParsedConversation(
        source="freshdesk",
        external_id=external_id,
        channel=CHANNELS.get(source_code, text_id(source_code)) if isinstance(source_code, int) else "",
        subject=get_str(ticket, "subject"),
        started_at=messages[0].sent_at,
        ended_at=messages[-1].sent_at,
        tags=_tags(ticket),
        agent_email=email_of(responder),
        agent_name=full_name(responder),
        raw=ticket,
        messages=messages,
    )


def _tags(ticket: dict[str, Any]) -> list[str]:
    tags = get_list(ticket, "tags")
    for index, tag in enumerate(tags):
        if not isinstance(tag, str):
            raise wrong_type(join("tags", index), "a string", tag)
    return tags
