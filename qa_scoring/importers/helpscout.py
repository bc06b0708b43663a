"""Help Scout: a conversation (``GET /v2/conversations/{id}?embed=threads``) with ``_embedded.threads``.

Threads come **newest first**; we put them in time order. Thread types: customer → customer message; reply →
agent; note → agent internal note; chat/phone/message/forward… → by ``createdBy.type`` (customer or user);
lineitem (assignments, status changes, workflows) → system event from ``action.text``. Drafts are skipped.
Reads ``id``, ``type`` (email/chat/phone), ``subject``, ``createdAt``, ``closedAt``, ``tags[].tag``,
``assignee`` (first, last, email) and each thread's ``_embedded.attachments[]`` (``filename``, ``size``).
"""

from __future__ import annotations

from typing import Any

from .html import html_to_text
from .records import AuthorRole, ParsedAttachment, ParsedConversation, ParsedMessage
from .values import RecordError, email_of, full_name, parse_time, require_id, text_id

LABEL = "Help Scout"
SIGNATURE = ("_embedded", "threads", "primaryCustomer", "createdBy", "createdAt", "customerWaitingSince")
WRAPPER_PATHS = ("_embedded.conversations",)
_CREATED_BY = {"customer": AuthorRole.CUSTOMER, "user": AuthorRole.AGENT}


def parse_record(conversation: dict[str, Any], *, context: Any) -> ParsedConversation:
    external_id = require_id(conversation, what="conversation")
    embedded = conversation.get("_embedded") or {}
    threads = embedded.get("threads") if isinstance(embedded, dict) else None
    messages = [
        _message(thread, external_id)
        for thread in reversed(threads or [])
        if isinstance(thread, dict) and thread.get("state") != "draft"
    ]
    if not messages:
        raise RecordError(f"Conversation {external_id} has no threads: export it with embed=threads.", external_id)
    messages.sort(key=lambda message: message.sent_at)  # stable: keeps the source order on equal times
    assignee = conversation.get("assignee") or {}
    return ParsedConversation(
        source="helpscout",
        external_id=external_id,
        channel=str(conversation.get("type") or ""),
        subject=str(conversation.get("subject") or ""),
        started_at=messages[0].sent_at,
        ended_at=messages[-1].sent_at,
        tags=[str(t.get("tag") if isinstance(t, dict) else t) for t in conversation.get("tags") or []],
        agent_email=email_of(assignee),
        agent_name=full_name(assignee),
        raw=conversation,
        messages=messages,
    )


def _message(thread: dict[str, Any], conversation_id: str) -> ParsedMessage:
    thread_id = text_id(thread.get("id"))
    thread_type = str(thread.get("type") or "")
    created_by = thread.get("createdBy") or {}
    by_type = str(created_by.get("type") or "")
    if thread_type == "lineitem":
        role = AuthorRole.SYSTEM
        action = thread.get("action") or {}
        text = str(action.get("text") or "") if isinstance(action, dict) else ""
        text = text or html_to_text(thread.get("body"))
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
        text = html_to_text(thread.get("body"))
    embedded = thread.get("_embedded") or {}
    attachments = embedded.get("attachments") if isinstance(embedded, dict) else None
    return ParsedMessage(
        external_id=thread_id,
        author_role=role,
        author_name=full_name(created_by),
        author_external_id=text_id(created_by.get("id")),
        sent_at=parse_time(thread.get("createdAt"), what=f"Thread {thread_id}"),
        text=text,
        is_internal_note=thread_type == "note",
        attachments=[
            ParsedAttachment(
                name=str(a.get("filename") or a.get("fileName") or ""),
                size=a.get("size") if isinstance(a.get("size"), int) else None,
                content_type=str(a.get("mimeType") or ""),
            )
            for a in attachments or []
            if isinstance(a, dict)
        ],
    )
