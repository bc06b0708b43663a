"""Greeting that uses the customer's name, in the agent's first message.

Looks at the opening line of the first agent message: a greeting phrase and the customer's first name (from
the conversation, else the customer messages' author name; accents and case ignored, "Ayse" = "Ayşe").
A name that appears only further down ("order for John Smith") does not count. Without a known name the
check says nothing unless there is no greeting at all.
"""

from __future__ import annotations

import re

from .base import CUSTOMER, Check, Conversation, Evidence, Suggestion, find, fold

OPENING_CHARS = 80


def _first_name(conversation: Conversation) -> str:
    name = conversation.customer_name or next(
        (m.author_name for m in conversation.messages if m.author_role == CUSTOMER and m.author_name), ""
    )
    name = name.strip()
    if "@" in name:
        return ""
    return name.split()[0] if name.split() else ""


def run(conversation: Conversation) -> Suggestion | None:
    patterns = conversation.phrases("greeting")
    agents = conversation.agent_messages
    if patterns is None or not agents:
        return None
    first = agents[0]
    opening_end = min([len(first.text), OPENING_CHARS] + [i for i in (first.text.find("\n"),) if i > 0])
    opening = first.text[:opening_end]
    greeting = [e for e in find(patterns, [first]) if e.end <= opening_end]
    name = _first_name(conversation)
    name_span = None
    if name:
        match = re.search(r"(?<!\w)" + re.escape(fold(name)) + r"(?!\w)", fold(opening))
        if match and len(fold(opening)) == len(opening):
            name_span = Evidence(first.id, match.start(), match.end())
        elif match:  # folding changed lengths (rare letters): point at the whole opening
            name_span = Evidence(first.id, 0, opening_end)
    if greeting and name_span:
        return Suggestion(
            CHECK.key,
            "greeting",
            1,
            0.7,
            f"The first reply opens with a greeting using the customer's name ({name}).",
            (greeting[0], name_span),
        )
    if not greeting:
        return Suggestion(
            CHECK.key, "greeting", 0, 0.7, "The first reply has no greeting.", (Evidence(first.id, 0, opening_end),)
        )
    if not name:
        return None
    return Suggestion(
        CHECK.key,
        "greeting",
        0,
        0.65,
        f"The first reply greets without the customer's name ({name}).",
        (greeting[0],),
    )


CHECK = Check(key="greeting", criterion_keys=("greeting",), label="Greeting by name", run=run)
