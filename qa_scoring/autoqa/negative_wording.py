"""Negative or blaming wording in the agent's replies (suggests 1–5 for positive wording).

A refusal followed by an alternative in the same sentence ("unfortunately we can't…, but we can send a
replacement") is not counted. One finding → 2, more → 1, none → 4 (absence of bad phrases is weak evidence).
"""

from __future__ import annotations

import re

from .base import Check, Conversation, Evidence, Suggestion, find

_SENTENCE_END = re.compile(r"[.!?\n]")


def _sentence_after(text: str, start: int) -> str:
    end = _SENTENCE_END.search(text, start)
    return text[start : end.start() if end else len(text)]


def run(conversation: Conversation) -> Suggestion | None:
    patterns = conversation.phrases("negative")
    alternatives = conversation.phrases("alternative")
    agents = conversation.agent_messages
    if patterns is None or alternatives is None or not agents:
        return None
    by_id = {m.id: m for m in agents}
    found: list[Evidence] = []
    for evidence in find(patterns, agents):
        sentence = _sentence_after(by_id[evidence.message_id].text, evidence.start)
        if not any(p.search(sentence) for p in alternatives):
            found.append(evidence)
    if not found:
        return Suggestion(CHECK.key, "positive_wording", 4, 0.4, "No negative or blaming wording found.", ())
    quotes = "; ".join(f"“{by_id[e.message_id].text[e.start : e.end]}”" for e in found[:3])
    return Suggestion(
        CHECK.key,
        "positive_wording",
        2 if len(found) == 1 else 1,
        0.7,
        f"Negative or blaming wording: {quotes}.",
        tuple(found),
    )


CHECK = Check(
    key="negative_wording", criterion_keys=("positive_wording",), label="Negative or blaming wording", run=run
)
