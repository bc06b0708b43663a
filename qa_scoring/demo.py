"""Demo QA data for Northwind Goods and Maria Santos, made through the QA services over the past six weeks.

- The shared default rubric gets a new published version whose criteria link to the starter playbook's SOP
  sections (``cms.starter_content.CRITERION_SECTIONS``), so every lost point shows where it is taught.
- Weeks 6 to 2 ago: conversations imported from a CSV export (the agent's shifts), reviewed a day later by one
  of the two platform QA reviewers; their grades give the IQS trend and decide each week's QA bonus (earned,
  or missed for too few reviews or a critical fail). One review is disputed and resolved by the other reviewer.
- Last week: the four export formats (Zendesk, Gorgias, Help Scout, CSV), three reviews and an open dispute.

Every moment is in the past: the services take the moment they act at (``now=``). Idempotent: a conversation
already imported is not imported again; reviews and disputes are created only when missing. Runs after the
accounts, marketplace and cms demos (it needs Northwind, Maria, the QA reviewers and the SOP pages).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re

from django.db import transaction

from .models import Conversation, Dispute, Review, ReviewStatus

MARIA = "maria@freelancers.example"
QA = "qa@shiftdesk.example"
QA_LEAD = "qa-lead@shiftdesk.example"
EXPORTS_MONDAY = dt.date(2026, 11, 16)  # the Monday the export samples below were written for

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


def _shift_dates(payload: bytes, days: int) -> bytes:
    """Move the export samples' dates (written for the week of 16 November 2026) by ``days``."""

    def move(match: re.Match) -> str:
        return (dt.date.fromisoformat(match.group(0)) + dt.timedelta(days=days)).isoformat()

    return re.sub(r"2026-11-\d{2}", move, payload.decode()).encode()


# (source, payload bytes, external id)
EXPORTS = [
    ("zendesk", json.dumps(ZENDESK, ensure_ascii=False).encode(), "48211"),
    ("gorgias", json.dumps(GORGIAS, ensure_ascii=False).encode(), "50931"),
    ("helpscout", json.dumps(HELPSCOUT, ensure_ascii=False).encode(), "7702"),
    ("csv", CSV.encode(), "AMZ-2231"),
]
# The export samples' reviews: external id → (review moment in the samples' week, grade changes).
EXPORT_REVIEWS = {
    "48211": (dt.datetime(2026, 11, 17, 15, 0, tzinfo=dt.UTC), {}),
    "50931": (
        dt.datetime(2026, 11, 19, 15, 0, tzinfo=dt.UTC),
        {
            "marketplace_policy": (0, "Asked the buyer for a 5-star review: not allowed on Amazon."),
            "confirmed_closing": (0, "Closed without checking the buyer was satisfied."),
            "stays_calm": (1, ""),
        },
    ),
    "AMZ-2231": (
        dt.datetime(2026, 11, 21, 16, 0, tzinfo=dt.UTC),
        {
            "response_24h": (0, "The first reply came 27.5 hours after the question."),
            "greeting": (0, "No reference to the order."),
        },
    ),
}
EXPORT_DISPUTE_AT = dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.UTC)

# Customer threads of the weekly CSV exports: (customer, subject, question, the agent's answer, the thanks).
THREADS = [
    (
        "Noah Becker",
        "Where is my order?",
        "Hi, order 112-5820 was supposed to arrive Tuesday and the tracking hasn't moved for three days.",
        "I'm sorry for the wait. The carrier is holding the parcel at its Newark depot after a sorting delay; I've "
        "asked them to release it and it is now due Friday. If it hasn't arrived by Saturday I'll send a "
        "replacement right away.",
        "Great, thanks for checking.",
    ),
    (
        "Priya Shah",
        "Wrong colour received",
        "I ordered the sage green throw and got a grey one.",
        "Sorry about the mix-up! The sage green throw leaves by express today and arrives Thursday, and you can "
        "keep the grey one: no need to send it back.",
        "Oh that's kind, thank you!",
    ),
    (
        "Carlos Vega",
        "Return label please",
        "The desk lamp is fine but too tall for my shelf. How do I return it?",
        "No problem at all. You're within the 30-day window, so start the return in Your Orders and choose "
        "'No longer needed': the prepaid label appears right away, and once the carrier scans it the $34.99 "
        "refund reaches your card within 3–5 business days.",
        "Perfect, done.",
    ),
    (
        "Hannah Moore",
        "Missing part",
        "The bookshelf box had no screws in it.",
        "I'm sorry, that's frustrating when you're ready to build. A full hardware pack ships today by first-class "
        "mail and arrives in 2–3 days; its tracking number is on your order page.",
        "Thanks, I'll wait for it.",
    ),
    (
        "Tomás Silva",
        "Charged twice",
        "I see two charges of $58.20 for the same order.",
        "Thanks for flagging it. The second line is a pending authorisation from when the payment was retried: it "
        "drops off by itself within 3 business days and you are charged only once.",
        "Ah ok, good to know.",
    ),
    (
        "Grace Liu",
        "Gift message",
        "Can you add a gift note to order 114-0932? It ships tomorrow.",
        "Of course! I've added 'Happy birthday, Mei — love, Grace' to the packing slip; the order still ships "
        "tomorrow morning.",
        "Lovely, thank you!",
    ),
    (
        "Samir Haddad",
        "Kettle stopped working",
        "The kettle stopped heating after two weeks.",
        "I'm sorry it let you down so soon. It is covered by the one-year warranty, so a replacement ships today; "
        "Amazon will e-mail you a free return label for the faulty one.",
        "Thanks, that was quick.",
    ),
    (
        "Olga Petrova",
        "Delivery address change",
        "I moved last week, can I change the address on order 113-7781?",
        "The order hasn't shipped yet, so I've updated it to your new address on Elm Street; it ships tomorrow and "
        "the tracking follows by e-mail.",
        "Thank you!",
    ),
]

# How a reviewed reply went: grade changes {criterion key: (value, comment)} against a fully met rubric.
OUTCOMES = {
    "perfect": {},
    "next_steps": {"explains_next_steps": (4, "Says what happens, but not when the buyer hears back next.")},
    "tone": {
        "empathy_patience": (4, "Polite, but the buyer's frustration is not acknowledged."),
        "positive_wording": (4, "“No problem at all” before the facts: lead with what you did."),
    },
    "no_closing": {"confirmed_closing": (0, "Closed without asking whether anything else was needed.")},
    "no_greeting": {"greeting": (0, "No greeting by name.")},
    "slow": {"response_24h": (0, "The first reply came 27 hours after the buyer wrote.")},
    "personal_data": {"no_personal_data": (0, "Gave the buyer a personal e-mail address: not allowed on Amazon.")},
}
# weeks ago → the week's reviewed conversations, by outcome. Six reviews at IQS ≥ 95 earn the 8 % tier, five at
# 90–95 the 5 % tier; three reviews are too few; the week with a critical fail misses it.
WEEKS = {
    6: ["perfect", "next_steps", "perfect", "no_closing", "perfect", "tone"],
    5: ["tone", "no_greeting", "slow", "no_closing", "no_greeting"],
    4: ["next_steps", "perfect", "no_greeting"],
    3: ["perfect", "tone", "personal_data", "perfect", "next_steps"],
    2: ["perfect", "no_closing", "next_steps", "tone"],
}
DISPUTED = (5, 2)  # (weeks ago, conversation index): disputed by Maria, accepted by the other reviewer
SHIFT_START = dt.timedelta(hours=1)  # Maria's shifts start at 01:00 UTC (09:00 in Manila), as in timesheets.demo


def _external_id(monday: dt.date, index: int) -> str:
    return f"NW-{monday:%Y%m%d}-{index + 1}"


def _week_csv(monday: dt.date, outcomes: list[str], offset: int) -> tuple[str, list[dt.datetime]]:
    """One week's CSV export and the moment each conversation's last message was sent."""
    rows = ["conversation_id,sent_at,sender_type,sender_name,text,agent_email,subject"]
    ended = []
    base = dt.datetime.combine(monday, dt.time(0), tzinfo=dt.UTC) + SHIFT_START
    for i, outcome in enumerate(outcomes):
        customer, subject, question, answer, thanks = THREADS[(offset + i) % len(THREADS)]
        asked = base + dt.timedelta(days=i % 4, hours=2 * (i // 4), minutes=25)
        replied = asked + (dt.timedelta(hours=27) if outcome == "slow" else dt.timedelta(minutes=18))
        greeting = "" if outcome == "no_greeting" else f"Hi {customer.split()[0]}, "
        if outcome == "personal_data":
            answer += " If it's easier, write to me directly at maria.santos.help@gmail.com."
        closing = "" if outcome == "no_closing" else " Is there anything else I can help you with?"
        thanked = replied + dt.timedelta(minutes=25)
        cid = _external_id(monday, i)
        for at, role, name, text in (
            (asked, "customer", customer, question),
            (replied, "agent", "Maria Santos", greeting + answer + closing),
            (thanked, "customer", customer, thanks),
        ):
            quoted = text.replace('"', '""')
            rows.append(f'{cid},{at:%Y-%m-%dT%H:%M:%SZ},{role},{name},"{quoted}",{MARIA},{subject}')
        ended.append(thanked)
    return "\n".join(rows) + "\n", ended


def _grades(changes: dict):
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
    base.update({key: Grade(value, comment=comment) for key, (value, comment) in changes.items()})
    return base


def _link_sop_sections(staff) -> None:
    """Link every criterion of the shared default rubric to its SOP section, in a new published version."""
    from cms.models import PlaybookPage, SOPPage
    from cms.starter_content import CRITERION_SECTIONS, STARTER_SLUG

    from . import services
    from .models import Rubric, RubricKind

    rubric = Rubric.objects.filter(organization__isnull=True, kind=RubricKind.PRODUCTION).order_by("pk").first()
    playbook = PlaybookPage.objects.filter(slug=STARTER_SLUG, owner_organization__isnull=True).first()
    if rubric is None or playbook is None:
        return
    latest = services.default_rubric_version(organization_id=None)
    if latest is None or not latest.criteria.filter(sop_page__isnull=True, key__in=CRITERION_SECTIONS).exists():
        return
    pages = {p.slug: p for p in SOPPage.objects.child_of(playbook)}
    draft = services.rubric_version_new_draft(actor=staff, rubric=rubric)
    for criterion in draft.criteria.all():
        slug, anchor = CRITERION_SECTIONS.get(criterion.key, (None, ""))
        if slug in pages:
            services.criterion_update(actor=staff, criterion=criterion, sop_page=pages[slug], sop_anchor=anchor)
    services.rubric_version_publish(actor=staff, version=draft)


def _review(reviewer, conversation, changes: dict, at: dt.datetime) -> Review:
    from . import services

    review = services.review_start(actor=reviewer, conversation=conversation, now=at - dt.timedelta(minutes=20))
    if review.status == ReviewStatus.DRAFT:
        review = services.review_submit(
            actor=reviewer, review=review, grades=_grades(changes), comment="Weekly sample.", now=at
        )
    return review


def _weekly_reviews(org, maria, reviewers, this_week: dt.date, now: dt.datetime) -> None:
    from . import services
    from .importers.pipeline import import_file
    from .services import Grade

    if Conversation.objects.filter(organization=org, source="csv", external_id__startswith="NW-").exists():
        return  # seeded before
    for offset, (weeks_ago, outcomes) in enumerate(sorted(WEEKS.items(), reverse=True)):
        monday = this_week - dt.timedelta(weeks=weeks_ago)
        text, ended = _week_csv(monday, outcomes, offset)
        import_file(lambda t=text: io.BytesIO(t.encode()), organization=org, format="csv", freelancer=maria)
        for i, outcome in enumerate(outcomes):
            conversation = Conversation.objects.get(organization=org, source="csv", external_id=_external_id(monday, i))
            reviewer = reviewers[i % 2]
            at = min(ended[i] + dt.timedelta(hours=13), now)
            review = _review(reviewer, conversation, OUTCOMES[outcome], at)
            if (weeks_ago, i) != DISPUTED:
                continue
            dispute = services.dispute_open(
                actor=maria.user,
                review=review,
                items={
                    "response_24h": "The buyer wrote during the carrier outage Northwind announced that day; the "
                    "playbook's outage rule gives 48 hours, and I answered within them."
                },
                now=at + dt.timedelta(hours=20),
            )
            services.dispute_resolve(
                actor=reviewers[(i + 1) % 2],
                dispute=dispute,
                outcome="accepted",
                comment="Confirmed: the outage notice extends the window to 48 hours, so the reply was on time.",
                new_values={"response_24h": Grade(1)},
                now=at + dt.timedelta(days=1, hours=6),
            )


def _export_reviews(org, maria, reviewer, shift: dt.timedelta) -> None:
    from . import services
    from .importers.pipeline import import_file

    for source, payload, external_id in EXPORTS:
        if not Conversation.objects.filter(organization=org, source=source, external_id=external_id).exists():
            data = _shift_dates(payload, shift.days)
            import_file(lambda p=data: io.BytesIO(p), organization=org, format=source, freelancer=maria)
    reviews = {}
    for external_id, (at, changes) in EXPORT_REVIEWS.items():
        conversation = Conversation.objects.filter(organization=org, external_id=external_id).first()
        if conversation is not None:
            reviews[external_id] = _review(reviewer, conversation, changes, at + shift)
    disputed = reviews.get("AMZ-2231")
    if disputed is not None and not Dispute.objects.filter(review=disputed).exists():
        services.dispute_open(
            actor=maria.user,
            review=Review.objects.get(pk=disputed.pk),
            items={
                "response_24h": "The question came in on Friday evening; Amazon counts 24 hours and I answered "
                "the next business morning as our SOP says."
            },
            now=EXPORT_DISPUTE_AT + shift,
        )


@transaction.atomic
def seed(out) -> list[tuple[str, str]]:
    from django.utils import timezone

    from accounts.models import Organization, User
    from marketplace.models import FreelancerProfile

    org = Organization.objects.filter(slug="northwind-goods").first()
    maria = FreelancerProfile.objects.filter(user__email=MARIA).first()
    reviewers = [User.objects.filter(email=email).first() for email in (QA, QA_LEAD)]
    if org is None or maria is None or None in reviewers:
        out.write("  qa_scoring: skipped (Northwind Goods, Maria Santos or the QA reviewers missing)")
        return []
    _link_sop_sections(reviewers[1])
    now = timezone.now()
    this_week = now.date() - dt.timedelta(days=now.weekday())
    _weekly_reviews(org, maria, reviewers, this_week, now)
    last_week = this_week - dt.timedelta(weeks=1)
    _export_reviews(org, maria, reviewers[0], dt.timedelta(days=(last_week - EXPORTS_MONDAY).days))
    out.write(
        f"  qa_scoring: {Conversation.objects.filter(organization=org).count()} conversations, "
        f"{Review.objects.filter(conversation__organization=org).count()} reviews, "
        f"{Dispute.objects.filter(review__conversation__organization=org).count()} disputes"
    )
    return []  # the QA reviewers' logins are listed by accounts.demo
