"""Intercom: a conversation (``GET /conversations/{id}``) with ``source`` and ``conversation_parts``.

``source`` is the first message (``body`` HTML, ``author{type,id,name,email}``, ``attachments``, ``subject``,
``delivered_as``). Each part of ``conversation_parts.conversation_parts[]`` with ``part_type`` comment is a
message, note an internal note; every other part type (assignment, open, close, snoozed…) is a system event.
Author types: admin → agent, user/lead/contact → customer, bot → bot, team → system. Times are unix seconds.
``conversation_rating.rating`` 1–5 becomes CSAT 0–100; the assignee comes from ``assignee`` or
``admin_assignee_id``. A source ``delivered_as`` automated/operator_initiated (Series, Custom bots) is a bot.
"""

from __future__ import annotations

from typing import Any

from .html import html_to_text
from .records import AuthorRole, ParsedAttachment, ParsedConversation, ParsedMessage
from .values import RecordError, csat_from_scale, parse_time, require_id, text_id

LABEL = "Intercom"
SIGNATURE = ("conversation_parts", "part_type", "conversation_rating", "delivered_as", "admin_assignee_id")
WRAPPER_PATHS = ("conversations",)
_ROLES = {
    "admin": AuthorRole.AGENT,
    "user": AuthorRole.CUSTOMER,
    "lead": AuthorRole.CUSTOMER,
    "contact": AuthorRole.CUSTOMER,
    "bot": AuthorRole.BOT,
    "team": AuthorRole.SYSTEM,
}
_MESSAGE_PARTS = {"comment", "note"}
# A source message sent by a Series, a legacy campaign or a Custom bot, on an admin's or team's behalf.
_AUTOMATED = {"automated", "operator_initiated", "campaigns_initiated"}


def parse_record(conversation: dict[str, Any], *, context: Any) -> ParsedConversation:
    external_id = require_id(conversation, what="conversation")
    source = conversation.get("source")
    messages: list[ParsedMessage] = []
    if isinstance(source, dict) and (source.get("body") or source.get("attachments")):
        messages.append(
            _message(
                source,
                part_type="comment",
                sent_at=conversation.get("created_at"),
                automated=source.get("delivered_as") in _AUTOMATED,
                conversation_id=external_id,
            )
        )
    parts_box = conversation.get("conversation_parts") or {}
    parts = parts_box.get("conversation_parts") if isinstance(parts_box, dict) else parts_box
    for part in parts or []:
        messages.append(
            _message(
                part,
                part_type=str(part.get("part_type") or ""),
                sent_at=part.get("created_at"),
                conversation_id=external_id,
            )
        )
    if not messages:
        raise RecordError(f"Conversation {external_id} has no messages.", external_id)
    messages.sort(key=lambda message: message.sent_at)
    rating = conversation.get("conversation_rating") or {}
    score = rating.get("rating") if isinstance(rating, dict) else None
    tags_box = conversation.get("tags") or {}
    tags = tags_box.get("tags") if isinstance(tags_box, dict) else tags_box
    agent_name, agent_email = _assignee(conversation, [source, *(parts or [])])
    return ParsedConversation(
        source="intercom",
        external_id=external_id,
        channel=str(source.get("type") or "") if isinstance(source, dict) else "",
        subject=html_to_text(source.get("subject")) if isinstance(source, dict) else "",
        started_at=messages[0].sent_at,
        ended_at=messages[-1].sent_at,
        csat=csat_from_scale(score),
        csat_raw="" if score is None else text_id(score),
        tags=[str(t.get("name") if isinstance(t, dict) else t) for t in tags or []],
        agent_email=agent_email,
        agent_name=agent_name,
        raw=conversation,
        messages=messages,
    )


def _message(
    part: dict[str, Any], *, part_type: str, sent_at: Any, conversation_id: str, automated: bool = False
) -> ParsedMessage:
    part_id = text_id(part.get("id"))
    author = part.get("author") or {}
    author_type = str(author.get("type") or "")
    if part_type in _MESSAGE_PARTS:
        role = AuthorRole.BOT if automated else _ROLES.get(author_type)
        if role is None:
            raise RecordError(
                f"Part {part_id}: unknown author type {author_type!r} (expected admin, user, lead, bot or team).",
                conversation_id,
            )
        text = html_to_text(part.get("body"))
    else:
        role = AuthorRole.SYSTEM
        body = html_to_text(part.get("body"))
        text = part_type.replace("_", " ") + (f": {body}" if body else "")
    return ParsedMessage(
        external_id=part_id,
        author_role=role,
        author_name=str(author.get("name") or ""),
        author_external_id=text_id(author.get("id")),
        sent_at=parse_time(sent_at, what=f"Part {part_id or 'source'}"),
        text=text,
        is_internal_note=part_type == "note",
        attachments=[
            ParsedAttachment(
                name=str(a.get("name") or ""),
                size=a.get("filesize") if isinstance(a.get("filesize"), int) else None,
                content_type=str(a.get("content_type") or ""),
            )
            for a in part.get("attachments") or []
            if isinstance(a, dict)
        ],
    )


def _assignee(conversation: dict[str, Any], parts: list[Any]) -> tuple[str, str]:
    """The assigned admin's name and e-mail, as given on one of their parts; else the first admin who wrote."""
    admins = [
        p["author"]
        for p in parts
        if isinstance(p, dict) and isinstance(p.get("author"), dict) and p["author"].get("type") == "admin"
    ]
    assignee = conversation.get("assignee")
    if isinstance(assignee, dict) and assignee.get("email"):
        return str(assignee.get("name") or ""), str(assignee["email"])
    assignee_id = text_id(conversation.get("admin_assignee_id"))
    chosen = next((a for a in admins if text_id(a.get("id")) == assignee_id), None) if assignee_id else None
    chosen = chosen or next((a for a in admins if a.get("email")), None)
    if not chosen:
        return "", ""
    return str(chosen.get("name") or ""), str(chosen.get("email") or "")
