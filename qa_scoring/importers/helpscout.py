"""Help Scout: a conversation (``GET /v2/conversations/{id}?embed=threads``) with ``_embedded.threads``.

Threads come **newest first**; we put them in time order. Thread types: customer → customer message; reply →
agent; note → agent internal note; chat/phone/message/forward… → by ``createdBy.type`` (customer or user);
lineitem (assignments, status changes, workflows) → system event from ``action.text``. Drafts are skipped.
Reads ``id``, ``type`` (email/chat/phone), ``subject``, ``createdAt``, ``closedAt``, ``tags[].tag``,
``assignee`` (first, last, email) and each thread's ``_embedded.attachments[]`` (``filename``, ``size``).

Shapes, from Help Scout's Mailbox API 2.0 reference (developer.helpscout.com/mailbox-api): Get Conversation
(one object, threads under ``_embedded.threads`` with ``embed=threads``); List Conversations →
``{"_embedded": {"conversations": [...]}, "_links", "page"}``. Types, as documented: ``id`` an integer,
``createdAt`` an ISO 8601 string, ``body`` an HTML string, ``createdBy`` an object; another type rejects the
conversation with the field's path.
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
    join,
    require_id,
)

DEFAULT_LIMITS = ImportLimits()

LABEL = "Help Scout"
SIGNATURE = ("_embedded", "threads", "primaryCustomer", "createdBy", "createdAt", "customerWaitingSince")
WRAPPER_PATHS = ("_embedded.conversations",)
_CREATED_BY = {"customer": AuthorRole.CUSTOMER, "user": AuthorRole.AGENT}


def parse_record(
    conversation: dict[str, Any], *, context: Any, limits: ImportLimits = DEFAULT_LIMITS
) -> ParsedConversation:
    external_id = require_id(conversation, what="conversation")
    threads = get_objects(get_dict(conversation, "_embedded"), "threads", "_embedded")
    messages = [
        _message(path, thread, external_id, limits)
        for path, thread in reversed(threads)
        if thread.get("state") != "draft"
    ]
    if not messages:
        raise RecordError(f"Conversation {external_id} has no threads: export it with embed=threads.", external_id)
    messages.sort(key=lambda message: message.sent_at)  # stable: keeps the source order on equal times
    assignee = get_dict(conversation, "assignee")
    return ParsedConversation(
        source="helpscout",
        external_id=external_id,
        channel=get_str(conversation, "type"),
        subject=get_str(conversation, "subject"),
        started_at=messages[0].sent_at,
        ended_at=messages[-1].sent_at,
        tags=[str(t.get("tag") if isinstance(t, dict) else t) for t in get_list(conversation, "tags")],
        agent_email=email_of(assignee),
        agent_name=full_name(assignee),
        raw=conversation,
        messages=messages,
    )


def _message(path: str, thread: dict[str, Any], conversation_id: str, limits: ImportLimits) -> ParsedMessage:
    thread_id = get_id(thread, "id", path)
    thread_type = get_str(thread, "type", path)
    created_by = get_dict(thread, "createdBy", path)
    by_type = get_str(created_by, "type", join(path, "createdBy"))
    if thread_type == "lineitem":
        role = AuthorRole.SYSTEM
        action = get_dict(thread, "action", path)
        text = get_str(action, "text", join(path, "action")) or get_html(thread, "body", path, limits)
    else:
        if thread_type == "customer":
            role = AuthorRole.CUSTOMER
        elif thread_type in ("reply", "note"):
            role = AuthorRole.AGENT
        else:
            role = _CREATED_BY.get(by_type)
        if role is None:
            raise RecordError(
                f"Thread {thread_id}: unknown author type {by_type!r} (expected customer or user).",
                conversation_id,
            )
        text = get_html(thread, "body", path, limits)
    embedded = join(path, "_embedded")
    return ParsedMessage(
        external_id=thread_id,
        author_role=role,
        author_name=full_name(created_by),
        author_external_id=get_id(created_by, "id", join(path, "createdBy")),
        sent_at=get_iso_time(thread, "createdAt", path),
        text=text,
        is_internal_note=thread_type == "note",
        attachments=[
            ParsedAttachment(
                name=get_str(a, "filename", p) or get_str(a, "fileName", p),
                size=a.get("size") if isinstance(a.get("size"), int) else None,
                content_type=get_str(a, "mimeType", p),
            )
            for p, a in get_objects(get_dict(thread, "_embedded", path), "attachments", embedded)
        ],
    )
