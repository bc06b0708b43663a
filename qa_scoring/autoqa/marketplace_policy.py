"""Marketplace-policy risk in the agent's replies: external links, contact details, review requests (critical).

Amazon allows buyer–seller messages only to complete an order or answer a question: no external links, no
e-mail addresses or phone numbers, no asking for positive reviews or for feedback removal, no incentives. Links
to ``allowed_domains`` (default: Amazon's own sites) are fine. Phone numbers and e-mail addresses are found as
the personal-data check finds them (international formats; order ids, dates, prices and tracking numbers are
not phones). Review-request phrases come from the
language data; links and contact details work in any language.
"""

from __future__ import annotations

import re

from .base import Check, Conversation, Evidence, Suggestion, find
from .personal_data import email_spans, phone_spans

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


def _listed(reasons: list[str]) -> str:
    return reasons[0] if len(reasons) == 1 else ", ".join(reasons[:-1]) + " and " + reasons[-1]


def run(conversation: Conversation) -> Suggestion | None:
    agents = conversation.agent_messages  # public replies: internal notes never reach the checks
    if not agents:
        return None
    allowed = tuple(conversation.options.get("allowed_domains", DEFAULT_ALLOWED_DOMAINS))
    emails = [Evidence(message.id, s, e) for message in agents for s, e in email_spans(message.text)]
    links = [
        Evidence(message.id, *match.span())
        for message in agents
        for match in _LINK.finditer(message.text)
        if not _allowed(_host(match.group().rstrip(".,;:!?")), allowed)
    ]
    phones = [Evidence(message.id, s, e) for message in agents for s, e in phone_spans(message.text)]
    patterns = conversation.phrases("review_request")
    requests = find(patterns, agents) if patterns is not None else []
    if not links and not emails and not phones and not requests:
        if patterns is None:
            return None  # contact details alone cannot clear a conversation in a language without review phrases
        return Suggestion(
            CHECK.key,
            "marketplace_policy",
            1,
            0.6,
            "No external links, e-mail addresses, phone numbers or review requests in the replies.",
            (),
        )
    reasons = (
        (["external links"] if links else [])
        + (["an e-mail address" if len(emails) == 1 else "e-mail addresses"] if emails else [])
        + (["a phone number" if len(phones) == 1 else "phone numbers"] if phones else [])
        + (["a review request"] if requests else [])
    )
    return Suggestion(
        CHECK.key,
        "marketplace_policy",
        0,
        0.85,
        "Marketplace-policy risk: " + _listed(reasons) + ".",
        tuple(sorted(links + emails + phones + requests, key=lambda e: (e.message_id, e.start))),
    )


CHECK = Check(
    key="marketplace_policy",
    criterion_keys=("marketplace_policy",),
    label="External links, contact details and review requests",
    run=run,
    uses_language=False,
)
