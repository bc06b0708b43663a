"""Closing that confirms the customer is satisfied.

Passes when the agent's last reply asks whether the problem is solved / anything else is needed, or when the
customer's last message (after the agent's last reply) says they are satisfied. Fails otherwise.
"""

from __future__ import annotations

from .base import AGENT, CUSTOMER, Check, Conversation, Suggestion, find


def run(conversation: Conversation) -> Suggestion | None:
    asks = conversation.phrases("closing_question")
    satisfied = conversation.phrases("customer_satisfied")
    agents = conversation.agent_messages
    if asks is None or satisfied is None or not agents:
        return None
    last_agent = agents[-1]
    tail = conversation.messages[conversation.messages.index(last_agent) + 1 :]
    after = [m for m in tail if m.author_role == CUSTOMER]
    question = find(asks, [last_agent])
    confirmed = find(satisfied, after[-1:])
    if question or confirmed:
        reason = "The last reply checks that the customer is satisfied" if question else "The customer confirmed"
        return Suggestion(
            CHECK.key,
            "confirmed_closing",
            1,
            0.7 if question else 0.6,
            reason + ".",
            tuple(question[:1] + confirmed[:1]),
        )
    ended_by = "the agent" if conversation.messages[-1].author_role == AGENT else "another message"
    return Suggestion(
        CHECK.key,
        "confirmed_closing",
        0,
        0.6,
        f"The conversation ends with {ended_by} without checking that the customer is satisfied.",
        (),
    )


CHECK = Check(key="closing", criterion_keys=("confirmed_closing",), label="Closing confirms satisfaction", run=run)
