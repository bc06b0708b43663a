"""Marketplace-policy risk in the agent's replies: external links and review requests (a critical criterion).

Amazon allows buyer–seller messages only to complete an order or answer a question: no external links, no
asking for positive reviews or for feedback removal, no incentives. Links to ``allowed_domains`` (default:
Amazon's own sites) are fine. Review-request phrases come from the language data; links work in any language.
"""

from __future__ import annotations

import re

from .base import Check, Conversation, Evidence, Suggestion, find

DEFAULT_ALLOWED_DOMAINS = ("amazon.com", "amazon.co.uk", "amazon.de", "amazon.fr", "amazon.it", "amazon.es")
_LINK = re.compile(
    r"(?<![\w@.-])(?:https?://|www\.)[^\s<>\"')\]]+"
    r"|(?<![\w@./-])(?:[a-z0-9-]+\.)+(?:com|net|org|io|shop|store|co|info|biz|me|ly|gl|link)(?:/[^\s<>\"')\]]*)?(?![\w@])",
    re.IGNORECASE,
)


def _host(link: str) -> str:
    host = re.sub(r"^(?:https?://)?", "", link.lower()).split("/")[0].split(":")[0]
    return host.removeprefix("www.")


def _allowed(host: str, allowed: tuple[str, ...]) -> bool:
    return any(host == domain or host.endswith("." + domain) for domain in allowed)


def run(conversation: Conversation) -> Suggestion | None:
    agents = conversation.agent_messages
    if not agents:
        return None
    allowed = tuple(conversation.options.get("allowed_domains", DEFAULT_ALLOWED_DOMAINS))
    links = [
        Evidence(message.id, *match.span())
        for message in agents
        for match in _LINK.finditer(message.text)
        if not _allowed(_host(match.group().rstrip(".,;:!?")), allowed)
    ]
    patterns = conversation.phrases("review_request")
    requests = find(patterns, agents) if patterns is not None else []
    if not links and not requests:
        if patterns is None:
            return None  # links alone cannot clear a conversation in a language without review phrases
        return Suggestion(
            CHECK.key, "marketplace_policy", 1, 0.6, "No external links or review requests in the replies.", ()
        )
    reasons = (["external links"] if links else []) + (["a review request"] if requests else [])
    return Suggestion(
        CHECK.key,
        "marketplace_policy",
        0,
        0.85,
        "Marketplace-policy risk: " + " and ".join(reasons) + ".",
        tuple(sorted(links + requests, key=lambda e: (e.message_id, e.start))),
    )


CHECK = Check(
    key="marketplace_policy",
    criterion_keys=("marketplace_policy",),
    label="External links and review requests",
    run=run,
    uses_language=False,
)
