"""Apology and empathy phrasing in the agent's replies (suggests 1–5 for the empathy criterion).

Empathy phrases found → 4 (5 when in more than one reply); none → 2. The score is a hint: tone needs a human,
so confidence stays modest.
"""

from __future__ import annotations

from .base import Check, Conversation, Suggestion, find


def run(conversation: Conversation) -> Suggestion | None:
    patterns = conversation.phrases("empathy")
    agents = conversation.agent_messages
    if patterns is None or not agents:
        return None
    found = find(patterns, agents)
    replies = {e.message_id for e in found}
    if not found:
        return Suggestion(
            CHECK.key, "empathy_patience", 2, 0.5, "No apology or empathy phrasing in the agent's replies.", ()
        )
    value = 5 if len(replies) > 1 else 4
    return Suggestion(
        CHECK.key,
        "empathy_patience",
        value,
        0.5,
        f"Apology or empathy phrasing in {len(replies)} of {len(agents)} agent replies.",
        tuple(found),
    )


CHECK = Check(key="empathy", criterion_keys=("empathy_patience",), label="Apology and empathy", run=run)
