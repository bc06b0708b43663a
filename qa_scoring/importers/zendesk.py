"""Zendesk: tickets with their comments; author roles from the sideloaded users.

Reads ``id``, ``subject``/``raw_subject``, ``via.channel``, ``created_at``, ``requester_id``, ``assignee_id``,
``tags``, ``satisfaction_rating.score`` (good/bad → 100/0) and ``comments[]`` (``id``, ``author_id``,
``plain_body``/``body``/``html_body``, ``public`` — false is an internal note —, ``created_at``,
``attachments[]`` with ``file_name`` or the older ``name``, ``via.channel``). Users (``users[]`` with ``role``
end-user/agent/admin) come from the file's top-level ``users`` or the ticket's own ``users``. Comments made
by triggers, automations or Answer Bot (``via.channel`` rule/automation/answer_bot…) are bot messages.

Shapes, from Zendesk's API reference (developer.zendesk.com/api-reference):
- List Tickets ``GET /api/v2/tickets`` → ``{"tickets": [...], "next_page", "count"}`` (with ``include=users``
  a top-level ``users`` list, before or after the tickets).
- Incremental Ticket Export ``GET /api/v2/incremental/tickets/cursor`` → ``{"tickets": [...], "after_cursor",
  "after_url", "end_of_stream"}``.
- Search ``GET /api/v2/search?query=type:ticket`` → ``{"results": [...], "count", "next_page"}``; each result
  has ``result_type`` and one that is not a ticket (user, organization, group) is rejected.
- Show Ticket ``{"ticket": {...}}`` is not a list: export tickets with the list or export endpoints.
Types, as documented: ``id``/``requester_id``/``assignee_id``/``author_id`` integers, ``created_at`` an ISO 8601
string, ``public`` a boolean, ``tags`` a list of strings, text fields strings. A field of another type rejects
the ticket with the field's path.
"""

from __future__ import annotations

from typing import Any

from .limits import ImportLimits
from .records import AuthorRole, ParsedAttachment, ParsedConversation, ParsedMessage
from .streams import SourceFile, iter_json
from .values import (
    RecordError,
    csat_good_bad,
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
    wrong_type,
)

DEFAULT_LIMITS = ImportLimits()

LABEL = "Zendesk"
SIGNATURE = ("html_body", "plain_body", "satisfaction_rating", "via", "comments", "assignee_id", "author_id")
WRAPPER_PATHS = ("tickets", "results")
_ROLES = {"end-user": AuthorRole.CUSTOMER, "agent": AuthorRole.AGENT, "admin": AuthorRole.AGENT}
_BOT_CHANNELS = {"rule", "automation", "answer_bot", "answer_bot_for_agents", "answer_bot_for_sdk", "answer_bot_api"}
_SYSTEM_AUTHOR = "-1"  # Zendesk's own system user


def prepare(source: SourceFile, layout: str) -> dict[str, dict[str, Any]]:
    """Sideloaded users of a ``{"tickets": [...], "users": [...]}`` file (they may come after the tickets)."""
    if layout != "wrapper":
        return {}
    # Users sit as deep as tickets: this pass checks the bounds the ticket pass would (and spares it the work).
    return _users(iter_json(source, "users.item", multiple_values=False, record_depth=2))


def _users(items: Any) -> dict[str, dict[str, Any]]:
    users: dict[str, dict[str, Any]] = {}
    for user in items or ():
        if isinstance(user, dict) and text_id(user.get("id")):
            users[text_id(user.get("id"))] = {
                "role": user.get("role") if isinstance(user.get("role"), str) else "",
                "name": user.get("name") if isinstance(user.get("name"), str) else "",
                "email": user.get("email") if isinstance(user.get("email"), str) else "",
            }
    return users


def parse_record(
    ticket: dict[str, Any], *, context: dict[str, dict[str, Any]], limits: ImportLimits = DEFAULT_LIMITS
) -> ParsedConversation:
    result_type = ticket.get("result_type")
    if result_type is not None and result_type != "ticket":
        raise RecordError(
            f"This search result is a {str(result_type)[:40]}, not a ticket: search with type:ticket.",
            text_id(ticket.get("id")) if isinstance(ticket.get("id"), int | str) else "",
        )
    external_id = require_id(ticket, what="ticket")
    comments = get_objects(ticket, "comments")
    if not comments:
        raise RecordError(
            f"Ticket {external_id} has no comments: export each ticket with its comments "
            '(GET /api/v2/tickets/{id}/comments) under a "comments" key.',
            external_id,
        )
    own_users = get_list(ticket, "users")
    users = context | _users(own_users) if own_users else context
    requester_id = get_id(ticket, "requester_id")
    assignee_id = get_id(ticket, "assignee_id")
    messages = [_message(path, c, users, requester_id, assignee_id, external_id, limits) for path, c in comments]
    messages.sort(key=lambda message: message.sent_at)
    rating = get_dict(ticket, "satisfaction_rating")
    score = get_str(rating, "score", "satisfaction_rating")
    assignee = users.get(assignee_id, {})
    via = get_dict(ticket, "via")
    return ParsedConversation(
        source="zendesk",
        external_id=external_id,
        channel=get_str(via, "channel", "via"),
        subject=get_str(ticket, "subject") or get_str(ticket, "raw_subject"),
        started_at=messages[0].sent_at,
        ended_at=messages[-1].sent_at,
        csat=csat_good_bad(score),
        csat_raw=score,
        tags=_tags(ticket),
        agent_email=assignee.get("email", ""),
        agent_name=assignee.get("name", ""),
        raw=ticket,
        messages=messages,
    )


def _tags(ticket: dict[str, Any]) -> list[str]:
    tags = get_list(ticket, "tags")
    for index, tag in enumerate(tags):
        if not isinstance(tag, str):
            raise wrong_type(join("tags", index), "a string", tag)
    return tags


def _message(
    path: str,
    comment: dict[str, Any],
    users: dict[str, dict[str, Any]],
    requester_id: str,
    assignee_id: str,
    ticket_id: str,
    limits: ImportLimits,
) -> ParsedMessage:
    comment_id = get_id(comment, "id", path)
    author_id = get_id(comment, "author_id", path)
    user = users.get(author_id)
    channel = get_str(get_dict(comment, "via", path), "channel", join(path, "via"))
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
    text = get_text(comment, "plain_body", path, limits) or get_text(comment, "body", path, limits)
    if not text:
        text = get_html(comment, "html_body", path, limits)
    public = get_bool(comment, "public", path)
    return ParsedMessage(
        external_id=comment_id,
        author_role=role,
        author_name=(user or {}).get("name", ""),
        author_external_id=author_id,
        sent_at=get_iso_time(comment, "created_at", path),
        text=text,
        is_internal_note=public is False,
        attachments=[
            ParsedAttachment(
                name=get_str(a, "file_name", p) or get_str(a, "name", p),
                size=a.get("size") if isinstance(a.get("size"), int) else None,
                content_type=get_str(a, "content_type", p),
            )
            for p, a in get_objects(comment, "attachments", path)
        ],
    )
