"""Arrangements the journeys start from or advance with: what other people (or the clock) did meanwhile.

Everything here goes through the products' own services, as the other person's browser or the beat task would;
nothing here changes what a user will see except by doing what the product does.
"""

from __future__ import annotations

import datetime as dt
import json

from cms.starter_content import do_dont, section, step
from qa_scoring import services as qa
from qa_scoring.models import Conversation, Criterion, Review
from tests.cms.factories import make_playbook, make_sop

DEFAULT_RUBRIC = "E-commerce support (default)"
PERFECT = {
    "greeting": 1,
    "real_need": 5,
    "correct_resolution": 5,
    "first_contact_resolution": 1,
    "explains_next_steps": 5,
    "sets_expectations": 1,
    "empathy_patience": 5,
    "positive_wording": 5,
    "stays_calm": 1,
    "confirmed_closing": 1,
    "response_24h": 1,
    "no_personal_data": 1,
    "marketplace_policy": 1,
    "refund_authority": 1,
}


def grades(**changes) -> dict[str, qa.Grade]:
    """A full scorecard of the default rubric: perfect unless changed (``None`` = N/A)."""
    values = PERFECT | changes
    return {key: qa.Grade(value, na=value is None) for key, value in values.items()}


def review_submitted(*, reviewer, conversation: Conversation, comment: str = "", **changes) -> Review:
    """A QA reviewer grades the conversation against the default rubric and submits."""
    review = qa.review_start(actor=reviewer, conversation=conversation)
    return qa.review_submit(actor=reviewer, review=review, grades=grades(**changes), comment=comment)


def starter_playbook():
    """The shared "E-commerce support starter" template with two SOP pages; the greeting criterion links to one."""
    playbook = make_playbook(title="E-commerce support starter", slug="ecommerce-support-starter")
    greeting = make_sop(
        playbook=playbook,
        title="Know the customer and the order before replying",
        slug="know-the-customer",
        summary="Greet the buyer by name and show you read the order.",
        body=[
            section("Greet by name", "greet-by-name"),
            step("Open the order", "Read the order, its tracking and earlier messages before you write."),
            step("Greet the buyer by name", "Use the name on the order: “Hi Alex,” — never “Dear customer”."),
            do_dont(["Name the item and the order number"], ["Open with a template that ignores the order"]),
        ],
    )
    make_sop(
        playbook=playbook,
        title="Answer every buyer within 24 hours",
        slug="respond-within-24-hours",
        summary="Amazon counts weekends too.",
        body=[section("The 24-hour rule", "rule"), step("Check the inbox twice a day", "Weekends included.")],
    )
    Criterion.objects.filter(key="greeting", version__rubric__name=DEFAULT_RUBRIC).update(
        sop_page=greeting, sop_anchor="greet-by-name"
    )
    return playbook, greeting


def zendesk_export(*, start: dt.datetime, agent_email: str) -> bytes:
    """A Zendesk export (tickets with comments and the ``include=users`` sideload): two tickets and a broken one."""

    def at(minutes: int) -> str:
        return (start + dt.timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")

    users = [
        {"id": 11, "role": "end-user", "name": "Alex Kim", "email": "alex@buyer.test"},
        {"id": 12, "role": "end-user", "name": "Sam Ortiz", "email": "sam@buyer.test"},
        {"id": 21, "role": "agent", "name": "Maria Santos", "email": agent_email},
    ]
    tickets = [
        {
            "id": 5001,
            "subject": "Parcel marked delivered but not here",
            "created_at": at(0),
            "via": {"channel": "email"},
            "requester_id": 11,
            "assignee_id": 21,
            "tags": ["late-parcel"],
            "satisfaction_rating": {"score": "good"},
            "comments": [
                _comment(1, 11, "My socks show as delivered but nothing arrived.", at(0)),
                _comment(2, 21, "Hi Alex, I am sorry — I opened a trace with the carrier for order 113-4.", at(50)),
                _comment(3, 11, "Thank you, that helps.", at(70)),
                _comment(4, 21, "Glad to help, Alex. Is there anything else I can do for you?", at(80)),
            ],
        },
        {
            "id": 5002,
            "subject": "Wrong size",
            "created_at": at(120),
            "via": {"channel": "email"},
            "requester_id": 12,
            "assignee_id": 21,
            "comments": [
                _comment(5, 12, "I ordered M and got S.", at(120)),
                _comment(6, 21, "Hello, a replacement in M is on its way today.", at(180)),
            ],
        },
        {"id": 5003, "subject": "No messages at all", "created_at": at(200), "comments": []},
    ]
    return json.dumps({"tickets": tickets, "users": users}).encode()


def _comment(pk: int, author: int, body: str, created_at: str) -> dict:
    return {"id": pk, "author_id": author, "plain_body": body, "public": True, "created_at": created_at}


def conversation(*, contract, external_id: str, subject: str, started_at: dt.datetime, rows) -> Conversation:
    """A helpdesk conversation of the contract's freelancer; rows are (role, name, text, minutes after the start)."""
    from qa_scoring.models import Message

    convo = Conversation.objects.create(
        organization=contract.organization,
        freelancer=contract.freelancer,
        contract=contract,
        source="zendesk",
        external_id=external_id,
        channel="email",
        subject=subject,
        started_at=started_at,
        ended_at=started_at + dt.timedelta(minutes=rows[-1][3]),
        message_count=len(rows),
    )
    Message.objects.bulk_create(
        Message(
            conversation=convo,
            position=i,
            author_role=role,
            author_name=name,
            sent_at=started_at + dt.timedelta(minutes=minutes),
            text=text,
        )
        for i, (role, name, text, minutes) in enumerate(rows)
    )
    return convo
