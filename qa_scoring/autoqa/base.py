"""What every AutoQA check shares: the message view, the suggestion it returns, phrase matching."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol

from .phrases import PHRASES

AGENT, CUSTOMER, BOT, SYSTEM = "agent", "customer", "bot", "system"
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'"})


class MessageLike(Protocol):
    author_role: str
    author_name: str
    sent_at: dt.datetime
    text: str
    is_internal_note: bool


@dataclass(frozen=True)
class Evidence:
    """A span of one message's text: ``text[start:end]``."""

    message_id: str
    start: int
    end: int


@dataclass(frozen=True)
class Suggestion:
    check: str  # the check's key, e.g. "personal_data"
    criterion_key: str  # the default rubric's criterion it suggests a value for
    value: int  # on the criterion's scale: 0/1 for binary criteria, 1–5 for scale ones
    confidence: float  # 0–1: how sure the check is
    explanation: str  # for the reviewer, one or two sentences
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class Message:
    """A message as the checks see it (internal notes are already left out)."""

    id: str
    author_role: str
    author_name: str
    sent_at: dt.datetime
    text: str


@dataclass
class Conversation:
    messages: list[Message]
    customer_name: str = ""
    language: str = "en"
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def agent_messages(self) -> list[Message]:
        return [m for m in self.messages if m.author_role == AGENT]

    @property
    def customer_messages(self) -> list[Message]:
        return [m for m in self.messages if m.author_role == CUSTOMER]

    def phrases(self, name: str) -> list[re.Pattern[str]] | None:
        """Compiled patterns of a phrase list for the conversation's language; None if the language lacks it."""
        return _compiled(self.language, name)


def message_id(message: Any, position: int) -> str:
    for attr in ("id", "pk", "external_id"):
        value = getattr(message, attr, None)
        if value not in (None, ""):
            return str(value)
    return str(position)


def view(messages: Iterable[Any], *, customer_name: str, language: str, options: dict[str, Any]) -> Conversation:
    """Internal notes dropped, time order, ids as text."""
    kept = [
        Message(
            id=message_id(m, position),
            author_role=str(m.author_role),
            author_name=str(getattr(m, "author_name", "") or ""),
            sent_at=m.sent_at,
            text=str(m.text or ""),
        )
        for position, m in enumerate(messages)
        if not getattr(m, "is_internal_note", False)
    ]
    kept.sort(key=lambda m: m.sent_at)
    return Conversation(kept, customer_name=customer_name, language=language, options=options)


@lru_cache(maxsize=128)
def _compiled(language: str, name: str) -> list[re.Pattern[str]] | None:
    patterns = PHRASES.get(language, {}).get(name)
    if patterns is None:
        return None
    # One alternation per list: a single scan per message (leftmost match wins, then the first listed phrase).
    return [re.compile(r"(?<!\w)(?:" + "|".join(f"(?:{p})" for p in patterns) + r")(?!\w)", re.IGNORECASE)]


def find(patterns: Sequence[re.Pattern[str]], messages: Iterable[Message]) -> list[Evidence]:
    """Every match of any pattern in the messages, in message order, no overlapping spans."""
    found: list[Evidence] = []
    for message in messages:
        text = message.text
        if "\u2019" in text or "\u2018" in text:
            text = text.translate(_QUOTES)  # same length: spans stay valid on the original text
        candidates = sorted(
            (match.start(), -match.end()) for pattern in patterns for match in pattern.finditer(text) if match.group()
        )
        spans: list[tuple[int, int]] = []
        for start, negative_end in candidates:  # earliest first, then longest
            if not spans or start >= spans[-1][1]:
                spans.append((start, -negative_end))
        found.extend(Evidence(message.id, s, e) for s, e in spans)
    return found


def fold(text: str) -> str:
    """Lower case without accents, for comparing names ("Ayşe" ~ "ayse")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("ı", "i")


def quote(message: Message, evidence: Evidence) -> str:
    return message.text[evidence.start : evidence.end]


@dataclass(frozen=True)
class Check:
    key: str
    criterion_keys: tuple[str, ...]
    label: str
    run: Callable[[Conversation], Suggestion | None]
    uses_language: bool = True  # False: works the same in every language (times, numbers, links)
