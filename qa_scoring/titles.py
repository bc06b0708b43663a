"""A conversation's title: what people read in lists and headings, never an external id alone.

The subject when the source has one; otherwise the first customer message, trimmed to about 80 characters at
a word boundary. The importer stores it when the conversation arrives, so lists need no extra query.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

TITLE_LENGTH = 80
_SPACES = re.compile(r"\s+")


def trim_title(text: str, limit: int = TITLE_LENGTH) -> str:
    """One line of at most ``limit`` characters, cut at the last space before it and ended with "…"."""
    text = _SPACES.sub(" ", text or "").strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:  # a very long first word (a URL, Chinese text) is cut mid-word instead
        cut = cut[:space]
    return cut.rstrip(" ,.;:-") + "…"


def title_from_messages(messages: Iterable[Any]) -> str:
    """The first public customer message's text, trimmed; "" when there is none."""
    for message in messages:
        if getattr(message, "author_role", "") == "customer" and not getattr(message, "is_internal_note", False):
            text = trim_title(getattr(message, "text", ""))
            if text:
                return text
    return ""
