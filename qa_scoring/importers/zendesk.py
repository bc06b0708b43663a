"""Zendesk: tickets with their comments; author roles from the sideloaded users.

Reads ``id``, ``subject``/``raw_subject``, ``via.channel``, ``created_at``, ``requester_id``, ``assignee_id``,
``tags``, ``satisfaction_rating.score`` (good/bad → 100/0) and ``comments[]`` (``id``, ``author_id``,
``plain_body``/``body``/``html_body``, ``public`` — false is an internal note —, ``created_at``,
``attachments[]`` with ``file_name`` or the older ``name``, ``via.channel``). Users (``users[]`` with ``role``
end-user/agent/admin) come from the file's top-level ``users`` or the ticket's own ``users``. Comments made
by triggers, automations or Answer Bot (``via.channel`` rule/automation/answer_bot…) are bot messages.
"""

from __future__ import annotations

from typing import Any

from .html import html_to_text
from .records import AuthorRole, ParsedAttachment, ParsedConversation, ParsedMessage
from .streams import SourceFile, iter_json
from .values import RecordError, csat_good_bad, parse_time, require_id, text_id

LABEL = "Zendesk"
SIGNATURE = ("html_body", "plain_body", "satisfaction_rating", "via", "comments", "assignee_id", "author_id")
WRAPPER_PATHS = ("tickets",)
_ROLES = {"end-user": AuthorRole.CUSTOMER, "agent": AuthorRole.AGENT, "admin": AuthorRole.AGENT}
_BOT_CHANNELS = {"rule", "automation", "answer_bot", "answer_bot_for_agents", "answer_bot_for_sdk", "answer_bot_api"}
_SYSTEM_AUTHOR = "-1"  # Zendesk's own system user


def prepare(source: SourceFile, layout: str) -> dict[str, dict[str, Any]]:
    """Sideloaded users of a ``{"tickets": [...], "users": [...]}`` file (they may come after the tickets)."""
    if layout != "wrapper":
        return {}
    return _users(iter_json(source, "users.item", multiple_values=False))


def _users(items: Any) -> dict[str, dict[str, Any]]:
    users: dict[str, dict[str, Any]] = {}
    for user in items or ():
        if isinstance(user, dict) and text_id(user.get("id")):
            users[text_id(user.get("id"))] = {
                "role": str(user.get("role") or ""),
                "name": str(user.get("name") or ""),
                "email": str(user.get("email") or ""),
            }
    return users


def parse_record(ticket: dict[str, Any], *, context: dict[str, dict[str, Any]]) -> ParsedConversation:
    external_id = require_id(ticket, what="ticket")
    comments = ticket.get("comments")
    if not isinstance(comments, list) or not comments:
        raise RecordError(
            f"Ticket {external_id} has no comments: export each ticket with its comments "
            '(GET /api/v2/tickets/{id}/comments) under a "comments" key.',
            external_id,
        )
    users = context | _users(ticket.get("users")) if ticket.get("users") else context
    requester_id = text_id(ticket.get("requester_id"))
    assignee_id = text_id(ticket.get("assignee_id"))
    messages = [_message(c, users, requester_id, assignee_id, external_id) for c in comments]
    messages.sort(key=lambda message: message.sent_at)
    rating = ticket.get("satisfaction_rating") or {}
    score = rating.get("score") if isinstance(rating, dict) else None
    assignee = users.get(assignee_id, {})
    via = ticket.get("via") or {}
    return ParsedConversation(
        source="zendesk",
        external_id=external_id,
        channel=str(via.get("channel") or "") if isinstance(via, dict) else "",
        subject=str(ticket.get("subject") or ticket.get("raw_subject") or ""),
        started_at=messages[0].sent_at,
        ended_at=messages[-1].sent_at,
        csat=csat_good_bad(score),
        csat_raw=str(score or ""),
        tags=[str(tag) for tag in ticket.get("tags") or []],
        agent_email=assignee.get("email", ""),
        agent_name=assignee.get("name", ""),
        raw=ticket,
        messages=messages,
    )


def _message(
    comment: dict[str, Any], users: dict[str, dict[str, Any]], requester_id: str, assignee_id: str, ticket_id: str
) -> ParsedMessage:
    comment_id = text_id(comment.get("id"))
    author_id = text_id(comment.get("author_id"))
    user = users.get(author_id)
    via = comment.get("via") or {}
    channel = str(via.get("channel") or "") if isinstance(via, dict) else ""
    if channel in _BOT_CHANNELS:
        role = AuthorRole.BOT
    elif user is not None:
        role = _ROLES.get(user["role"])
        if role is None:
            raise RecordError(
                f"Comment {comment_id}: author {author_id} has the unknown role {user['role']!r} "
                "(expected end-user, agent or admin).",
                ticket_id,
            )
    elif author_id == _SYSTEM_AUTHOR:
        role = AuthorRole.SYSTEM
    elif author_id and author_id == requester_id:
        role = AuthorRole.CUSTOMER
    elif author_id and author_id == assignee_id:
        role = AuthorRole.AGENT
    else:
        raise RecordError(
            f"Comment {comment_id}: the role of author {author_id or '(none)'} is unknown. Export the "
            "tickets with include=users so each author's role is in the file.",
            ticket_id,
        )
    if comment.get("plain_body"):
        text = str(comment["plain_body"]).strip()
    elif comment.get("body"):
        text = str(comment["body"]).replace("\r\n", "\n").strip()
    else:
        text = html_to_text(comment.get("html_body"))
    return ParsedMessage(
        external_id=comment_id,
        author_role=role,
        author_name=(user or {}).get("name", ""),
        author_external_id=author_id,
        sent_at=parse_time(comment.get("created_at"), what=f"Comment {comment_id}"),
        text=text,
        is_internal_note=comment.get("public") is False,
        attachments=[
            ParsedAttachment(
                name=str(a.get("file_name") or a.get("name") or ""),
                size=a.get("size") if isinstance(a.get("size"), int) else None,
                content_type=str(a.get("content_type") or ""),
            )
            for a in comment.get("attachments") or []
            if isinstance(a, dict)
        ],
    )
