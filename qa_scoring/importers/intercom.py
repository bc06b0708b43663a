"""Intercom: a conversation (``GET /conversations/{id}``) with ``source`` and ``conversation_parts``.

``source`` is the first message (``body`` HTML, ``author{type,id,name,email}``, ``attachments``, ``subject``,
``delivered_as``). Each part of ``conversation_parts.conversation_parts[]`` with ``part_type`` comment is a
message, note an internal note. Other part types (assignment, open, close, snoozed…) are system events — unless
they carry a ``body``: Intercom's "Manage a conversation" endpoint lets an admin close or assign with a message
("Optionally you can leave a message in the conversation to provide additional context to the user and other
teammates"), so such a part is that author's message (its words and role kept; the event is not lost: the text
is the message). Author types: admin → agent, user/lead/contact → customer, bot → bot, team → system. Times are
unix seconds. ``conversation_rating.rating`` 1–5 becomes CSAT 0–100; the assignee comes from ``assignee`` or
``admin_assignee_id``. A source ``delivered_as`` automated/operator_initiated (Series, Custom bots) is a bot.

Shapes, from Intercom's API reference (developers.intercom.com/docs/references/rest-api): Retrieve a
conversation (one object); List all conversations and Search conversations → ``{"type": "conversation.list",
"conversations": [...], "pages": {...}, "total_count"}``. Types, as documented: ``id`` a string, ``created_at``
an integer (unix seconds), ``body`` an HTML string or null, ``author`` an object; another type rejects the
conversation with the field's path.
"""

from __future__ import annotations

from typing import Any

from .limits import ImportLimits
from .records import AuthorRole, ParsedAttachment, ParsedConversation, ParsedMessage
from .values import (
    RecordError,
    csat_from_scale,
    get_dict,
    get_html,
    get_id,
    get_objects,
    get_str,
    get_unix_time,
    join,
    require_id,
    text_id,
)

DEFAULT_LIMITS = ImportLimits()

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


def parse_record(
    conversation: dict[str, Any], *, context: Any, limits: ImportLimits = DEFAULT_LIMITS
) -> ParsedConversation:
    external_id = require_id(conversation, what="conversation")
    source = get_dict(conversation, "source")
    messages: list[ParsedMessage] = []
    if source.get("body") or source.get("attachments"):
        messages.append(
            _message(
                "source",
                source,
                part_type="comment",
                sent_at=get_unix_time(conversation, "created_at"),
                automated=source.get("delivered_as") in _AUTOMATED,
                conversation_id=external_id,
                limits=limits,
            )
        )
    parts_box = conversation.get("conversation_parts")
    if isinstance(parts_box, list):  # some exports flatten the parts list
        parts = get_objects(conversation, "conversation_parts")
    else:
        parts = get_objects(get_dict(conversation, "conversation_parts"), "conversation_parts", "conversation_parts")
    for path, part in parts:
        messages.append(
            _message(
                path,
                part,
                part_type=get_str(part, "part_type", path),
                sent_at=get_unix_time(part, "created_at", path),
                conversation_id=external_id,
                limits=limits,
            )
        )
    if not messages:
        raise RecordError(f"Conversation {external_id} has no messages.", external_id)
    messages.sort(key=lambda message: message.sent_at)
    rating = get_dict(conversation, "conversation_rating")
    score = rating.get("rating")
    tags_box = conversation.get("tags") or {}
    tags = tags_box.get("tags") if isinstance(tags_box, dict) else tags_box
    agent_name, agent_email = _assignee(conversation, [source, *(part for _, part in parts)])
    subject = source.get("subject")
    return ParsedConversation(
        source="intercom",
        external_id=external_id,
        channel=get_str(source, "type", "source"),
        subject=get_html(source, "subject", "source", limits) if subject else "",
        started_at=messages[0].sent_at,
        ended_at=messages[-1].sent_at,
        csat=csat_from_scale(score),
        csat_raw="" if score is None else text_id(score),
        tags=[str(t.get("name") if isinstance(t, dict) else t) for t in tags or [] if isinstance(t, dict | str)],
        agent_email=agent_email,
        agent_name=agent_name,
        raw=conversation,
        messages=messages,
    )


def _message(
    path: str,
    part: dict[str, Any],
    *,
    part_type: str,
    sent_at: Any,
    conversation_id: str,
    limits: ImportLimits,
    automated: bool = False,
) -> ParsedMessage:
    part_id = get_id(part, "id", path)
    author = get_dict(part, "author", path)
    author_type = get_str(author, "type", join(path, "author"))
    body = get_html(part, "body", path, limits)
    if part_type in _MESSAGE_PARTS or body:
        # A close/assignment/… part with a body is the author's message sent with that action.
        role = AuthorRole.BOT if automated else _ROLES.get(author_type)
        if role is None:
            raise RecordError(
                f"Part {part_id}: unknown author type {author_type!r} (expected admin, user, lead, bot or team).",
                conversation_id,
            )
        text = body
    else:
        role = AuthorRole.SYSTEM
        text = part_type.replace("_", " ")
    return ParsedMessage(
        external_id=part_id,
        author_role=role,
        author_name=get_str(author, "name", join(path, "author")),
        author_external_id=get_id(author, "id", join(path, "author")),
        sent_at=sent_at,
        text=text,
        is_internal_note=part_type == "note",
        attachments=[
            ParsedAttachment(
                name=get_str(a, "name", p),
                size=a.get("filesize") if isinstance(a.get("filesize"), int) else None,
                content_type=get_str(a, "content_type", p),
            )
            for p, a in get_objects(part, "attachments", path)
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
