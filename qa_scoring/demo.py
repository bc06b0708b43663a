"""Demo QA data for Northwind Goods and Maria Santos: conversations in four export formats, reviews, a dispute.

Idempotent: a conversation already imported is not imported again; reviews and the dispute are created only
when missing. Runs after accounts and marketplace demos (it needs Northwind, Maria and the QA reviewer).
"""

from __future__ import annotations

import io
import json

from django.db import transaction

from .models import Conversation, Dispute, Review, ReviewStatus

MARIA = "maria@freelancers.example"
QA = "qa@shiftdesk.example"

ZENDESK = {
    "tickets": [
        {
            "id": 48211,
            "subject": "Tracking says delivered but no parcel",
            "created_at": "2026-11-16T14:02:00Z",
            "via": {"channel": "email"},
            "requester_id": 901,
            "assignee_id": 77,
            "tags": ["late_delivery", "carrier_claim"],
            "satisfaction_rating": {"score": "good"},
            "comments": [
                {
                    "id": 1,
                    "author_id": 901,
                    "public": True,
                    "created_at": "2026-11-16T14:02:00Z",
                    "body": "Hi, the tracking for order 113-4471822 says delivered yesterday but nothing is at my door "
                    "or with the neighbours. It was a birthday present for Saturday.",
                    "html_body": "<p>Hi, the tracking for order 113-4471822 says delivered yesterday but nothing is at "
                    "my door or with the neighbours. It was a birthday present for Saturday.</p>",
                    "attachments": [{"file_name": "doorstep.jpg", "size": 183204, "content_type": "image/jpeg"}],
                },
                {
                    "id": 2,
                    "author_id": 77,
                    "public": False,
                    "created_at": "2026-11-16T14:20:00Z",
                    "body": "Carrier GPS shows the drop 2 km away. Reship allowed under SOP 4.2 (under $60).",
                    "html_body": "<p>Carrier GPS shows the drop 2 km away. Reship allowed under SOP 4.2.</p>",
                    "attachments": [],
                },
                {
                    "id": 3,
                    "author_id": 77,
                    "public": True,
                    "created_at": "2026-11-16T14:31:00Z",
                    "body": "Hello Emma, I'm sorry your parcel has not reached you, especially with a birthday coming. "
                    "The carrier's scan puts it at another address, so I have opened a claim with them and sent a "
                    "replacement by express today: it arrives Friday, before Saturday. You do not need to return "
                    "anything if the first parcel turns up. Does that work for you?",
                    "html_body": "<p>Hello Emma, I'm sorry your parcel has not reached you ...</p>",
                    "attachments": [],
                },
                {
                    "id": 4,
                    "author_id": 901,
                    "public": True,
                    "created_at": "2026-11-16T15:05:00Z",
                    "body": "That's perfect, thank you so much!",
                    "html_body": "<p>That's perfect, thank you so much!</p>",
                    "attachments": [],
                },
            ],
        }
    ],
    "users": [
        {"id": 901, "name": "Emma Clarke", "email": "emma.clarke@example.com", "role": "end-user"},
        {"id": 77, "name": "Maria Santos", "email": MARIA, "role": "agent"},
    ],
}

GORGIAS = {
    "data": [
        {
            "id": 50931,
            "channel": "email",
            "subject": "Refund or I open an A-to-z claim",
            "language": "en",
            "tags": [{"id": 1, "name": "a-to-z"}],
            "created_datetime": "2026-11-18T09:10:00+00:00",
            "customer": {"id": 55, "email": "r.ortiz@example.com", "name": "Rafael Ortiz"},
            "assignee_user": {"id": 77, "email": MARIA, "name": "Maria Santos"},
            "satisfaction_survey": {"score": 3},
            "messages": [
                {
                    "id": 1,
                    "channel": "email",
                    "public": True,
                    "from_agent": False,
                    "sender": {"id": 55, "email": "r.ortiz@example.com", "name": "Rafael Ortiz"},
                    "body_text": "The blender stopped working after 9 days. Refund me today or I open an A-to-z claim.",
                    "body_html": "<p>The blender stopped working after 9 days. Refund me today or I open an A-to-z "
                    "claim.</p>",
                    "rule_id": None,
                    "created_datetime": "2026-11-18T09:10:00+00:00",
                    "attachments": [],
                },
                {
                    "id": 2,
                    "channel": "email",
                    "public": True,
                    "from_agent": True,
                    "sender": {"id": 0, "email": "bot@northwind.example", "name": "Northwind Bot"},
                    "body_text": "Thanks for contacting Northwind Goods. We usually answer within a few hours.",
                    "body_html": "<p>Thanks for contacting Northwind Goods.</p>",
                    "rule_id": 12,
                    "created_datetime": "2026-11-18T09:10:30+00:00",
                    "attachments": [],
                },
                {
                    "id": 3,
                    "channel": "email",
                    "public": True,
                    "from_agent": True,
                    "sender": {"id": 77, "email": MARIA, "name": "Maria Santos"},
                    "body_text": "Hi Rafael, I understand, a blender that quits after nine days is not acceptable. "
                    "I have refunded the full $49.99 to your card just now; it shows in 3–5 business days. "
                    "If you'd like, leave us a 5-star review once it arrives!",
                    "body_html": "<p>Hi Rafael, I understand ...</p>",
                    "rule_id": None,
                    "created_datetime": "2026-11-18T10:02:00+00:00",
                    "attachments": [],
                },
            ],
        }
    ]
}

HELPSCOUT = {
    "_embedded": {
        "conversations": [
            {
                "id": 7702,
                "number": 318,
                "type": "email",
                "status": "closed",
                "subject": "Lamp arrived with a cracked shade",
                "createdAt": "2026-11-19T16:40:00Z",
                "assignee": {"id": 77, "first": "Maria", "last": "Santos", "email": MARIA, "type": "user"},
                "primaryCustomer": {"id": 31, "first": "Aylin", "last": "Demir", "email": "aylin@example.com"},
                "tags": [{"id": 1, "tag": "damaged"}],
                "_embedded": {
                    "threads": [
                        {
                            "id": 3,
                            "type": "reply",
                            "body": "<p>Merhaba Aylin, I'm sorry the shade arrived cracked. A new shade ships "
                            "tomorrow and arrives Monday; no need to send the broken one back. Anything else?</p>",
                            "createdBy": {"id": 77, "type": "user", "first": "Maria", "last": "Santos", "email": MARIA},
                            "createdAt": "2026-11-19T17:15:00Z",
                            "_embedded": {"attachments": []},
                        },
                        {
                            "id": 2,
                            "type": "note",
                            "body": "<p>Photo confirms transit damage; replacement part in stock.</p>",
                            "createdBy": {"id": 77, "type": "user", "first": "Maria", "last": "Santos", "email": MARIA},
                            "createdAt": "2026-11-19T17:05:00Z",
                            "_embedded": {"attachments": []},
                        },
                        {
                            "id": 1,
                            "type": "customer",
                            "body": "<div>Lamba kırık geldi, the glass shade is cracked. Photo attached.</div>",
                            "createdBy": {"id": 31, "type": "customer", "first": "Aylin", "last": "Demir"},
                            "createdAt": "2026-11-19T16:40:00Z",
                            "_embedded": {"attachments": [{"filename": "shade.jpg", "size": 90211}]},
                        },
                    ]
                },
            }
        ]
    }
}

CSV = (
    "conversation_id,sent_at,sender_type,sender_name,text,agent_email,subject\n"
    f'AMZ-2231,2026-11-20T08:00:00Z,customer,Li Wei,"These sneakers are too small, can I get a 43 instead?",{MARIA},'
    "Wrong size return\n"
    f'AMZ-2231,2026-11-21T11:30:00Z,agent,Maria Santos,"Hello Li, yes of course. Start the return in Your Orders '
    "and choose 'Exchange': the size 43 ships as soon as the return is scanned, usually in 2 days. "
    f'Did that answer everything?",{MARIA},Wrong size return\n'
    f'AMZ-2231,2026-11-21T12:00:00Z,customer,Li Wei,"谢谢! Thanks, all clear.",{MARIA},Wrong size return\n'
)

# (source, payload bytes, external id)
EXPORTS = [
    ("zendesk", json.dumps(ZENDESK).encode(), "48211"),
    ("gorgias", json.dumps(GORGIAS).encode(), "50931"),
    ("helpscout", json.dumps(HELPSCOUT).encode(), "7702"),
    ("csv", CSV.encode(), "AMZ-2231"),
]


def _grades(**changes):
    from .services import Grade

    base = {
        "greeting": Grade(1),
        "real_need": Grade(5),
        "correct_resolution": Grade(5),
        "first_contact_resolution": Grade(1),
        "explains_next_steps": Grade(5),
        "sets_expectations": Grade(1),
        "empathy_patience": Grade(5),
        "positive_wording": Grade(5),
        "stays_calm": Grade(None, na=True),
        "confirmed_closing": Grade(1),
        "response_24h": Grade(1),
        "no_personal_data": Grade(1),
        "marketplace_policy": Grade(1),
        "refund_authority": Grade(1),
    }
    base.update(changes)
    return base


@transaction.atomic
def seed(out) -> list[tuple[str, str]]:
    from accounts.models import Organization, User
    from marketplace.models import FreelancerProfile

    from . import services
    from .importers.pipeline import import_file
    from .services import Grade

    org = Organization.objects.filter(slug="northwind-goods").first()
    maria = FreelancerProfile.objects.filter(user__email=MARIA).first()
    reviewer = User.objects.filter(email=QA).first()
    if org is None or maria is None:
        out.write("qa_scoring demo: skipped (Northwind Goods or Maria Santos missing)")
        return []
    for source, payload, external_id in EXPORTS:
        if not Conversation.objects.filter(organization=org, source=source, external_id=external_id).exists():
            import_file(lambda p=payload: io.BytesIO(p), organization=org, format=source, freelancer=maria)
    if reviewer is None:
        return []
    plan = {
        "48211": _grades(),
        "50931": _grades(
            refund_authority=Grade(1),
            marketplace_policy=Grade(0, comment="Asked the buyer for a 5-star review: not allowed on Amazon."),
            confirmed_closing=Grade(0, comment="Closed without checking the buyer was satisfied."),
            stays_calm=Grade(1),
        ),
        "AMZ-2231": _grades(
            response_24h=Grade(0, comment="The first reply came 27.5 hours after the question."),
            greeting=Grade(0, comment="No reference to the order."),
        ),
    }
    reviews = {}
    for external_id, grades in plan.items():
        conversation = Conversation.objects.filter(organization=org, external_id=external_id).first()
        if conversation is None:
            continue
        review = services.review_start(actor=reviewer, conversation=conversation)
        if review.status == ReviewStatus.DRAFT:
            review = services.review_submit(actor=reviewer, review=review, grades=grades, comment="Demo review.")
        reviews[external_id] = review
    disputed = reviews.get("AMZ-2231")
    if disputed is not None and not Dispute.objects.filter(review=disputed).exists():
        services.dispute_open(
            actor=maria.user,
            review=Review.objects.get(pk=disputed.pk),
            items={
                "response_24h": "The question came in on Friday evening; Amazon counts 24 hours and I answered "
                "the next business morning as our SOP says."
            },
        )
    return [("QA reviewer (reviews, disputes)", QA)]
