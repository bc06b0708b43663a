"""Demo data for QA operations. Idempotent: creates only what is missing (natural keys, claimed runs).

For Northwind Goods: a weekly sampling rule with a recorded seed, assignments for qa@shiftdesk.example,
AutoQA suggestions on the demo conversations, and one finished calibration session with its figures.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction

from accounts.models import Organization
from qa_scoring.models import Conversation, Criterion, Message, RubricVersion

from . import services
from .models import (
    CalibrationGrade,
    CalibrationParticipant,
    CalibrationSession,
    CalibrationStatus,
    ReviewerGoal,
    SamplingRule,
)

T0 = dt.datetime(2026, 11, 2, 14, 0, tzinfo=dt.UTC)  # a Monday: the demo week
THREADS = [
    [
        ("customer", "Jamie Fox", "Hi, my order 113-4567890-1234567 has not arrived yet."),
        (
            "agent",
            "Maria",
            "Hi Jamie, I'm sorry for the wait! I have opened a carrier trace; you'll hear back by Friday.",
        ),
        ("customer", "Jamie Fox", "Thanks."),
        ("agent", "Maria", "Is there anything else I can help you with today?"),
    ],
    [
        ("customer", "Lee Park", "The lamp arrived broken."),
        ("agent", "Maria", "That is not our fault, the courier handled it. Email me at maria.help@gmail.com."),
    ],
    [
        ("customer", "Ana Ruiz", "Can I change the colour?"),
        ("agent", "Maria", "Hello Ana! Yes, I've switched it to blue. Happy to help — anything else?"),
        ("customer", "Ana Ruiz", "No, that's all, thank you!"),
    ],
    [
        ("customer", "Omar Said", "Refund please, wrong size."),
        ("agent", "Maria", "Your card 4242 4242 4242 4242 will be refunded. Please leave us a 5-star review!"),
    ],
    [
        ("customer", "Kim Ode", "Where is my parcel?"),
        ("agent", "Maria", "Hi Kim, apologies for the delay. It ships tomorrow with tracking."),
        ("customer", "Kim Ode", "Great, thanks"),
    ],
    [
        ("customer", "Eve Moss", "Is this compatible with model X?"),
        (
            "agent",
            "Maria",
            "Hi Eve, yes it is. I understand the specs are confusing; see the size chart on the listing.",
        ),
    ],
]
# (greeting, response_24h, no_personal_data) per conversation for the two calibration participants.
CALIBRATION_GRADES = {
    "qa@shiftdesk.example": [(1, 1, 1), (0, 1, 0), (1, 1, 1), (0, 1, 0)],
    "manager@northwind.example": [(1, 1, 1), (0, 1, 0), (1, 0, 1), (1, 1, 0)],
}


def _conversations(org, contract) -> list[Conversation]:
    made = []
    for i, thread in enumerate(THREADS):
        started = T0 + dt.timedelta(days=i % 5, hours=i)
        conversation, created = Conversation.objects.get_or_create(
            organization=org,
            source="csv",
            external_id=f"QA-OPS-DEMO-{i + 1}",
            defaults={
                "freelancer": contract.freelancer if contract else None,
                "contract": contract,
                "subject": thread[0][2][:60],
                "started_at": started,
                "ended_at": started + dt.timedelta(minutes=40),
                "csat": [80, 20, 100, 0, 60, None][i],
                "message_count": len(thread),
                "tags": ["demo"],
            },
        )
        if created:
            Message.objects.bulk_create(
                Message(
                    conversation=conversation,
                    position=p,
                    author_role=role,
                    author_name=name,
                    sent_at=started + dt.timedelta(minutes=12 * p),
                    text=text,
                )
                for p, (role, name, text) in enumerate(thread)
            )
        made.append(conversation)
    return made


def _calibration(org, lead, people, conversations) -> CalibrationSession | None:
    version = RubricVersion.objects.filter(rubric__name="E-commerce support (default)", status="published").first()
    if version is None:
        return None
    session, created = CalibrationSession.objects.get_or_create(
        organization=org,
        title="Northwind calibration — November",
        defaults={"lead": lead, "rubric_version": version, "deadline": T0 + dt.timedelta(days=7)},
    )
    if not created:
        return session
    session.conversations.set(conversations[:4])
    keys = ("greeting", "response_24h", "no_personal_data")
    criteria = {c.key: c for c in Criterion.objects.filter(version=version, key__in=keys)}
    for email, rows in CALIBRATION_GRADES.items():
        participant = CalibrationParticipant.objects.create(
            session=session, user=people[email], submitted_at=T0 + dt.timedelta(days=2), notified_at=T0
        )
        CalibrationGrade.objects.bulk_create(
            CalibrationGrade(participant=participant, conversation=c, criterion=criteria[key], value=value)
            for c, values in zip(conversations[:4], rows, strict=True)
            for key, value in zip(keys, values, strict=True)
            if key in criteria
        )
    # Only three criteria were graded in the demo: report on those.
    results = services.calibration_results(session=session)
    results["criteria"] = [c for c in results["criteria"] if c["key"] in keys]
    session.results = results
    session.status = CalibrationStatus.CLOSED
    session.closed_at = T0 + dt.timedelta(days=3)
    session.save(update_fields=["results", "status", "closed_at"])
    return session


@transaction.atomic
def seed(out) -> list[tuple[str, str]]:
    User = get_user_model()
    org = Organization.objects.filter(slug="northwind-goods").first()
    qa = User.objects.filter(email="qa@shiftdesk.example").first()
    manager = User.objects.filter(email="manager@northwind.example").first()
    if org is None or qa is None or manager is None:
        out.write("  qa_ops: skipped (Northwind Goods or qa@shiftdesk.example missing)")
        return []
    contract = org.contracts.select_related("freelancer").order_by("pk").first()
    conversations = _conversations(org, contract)
    services.autoqa_for_conversations(ids=[c.pk for c in conversations])
    ReviewerGoal.objects.get_or_create(reviewer=qa, defaults={"weekly_goal": 25})
    rule, _ = SamplingRule.objects.get_or_create(
        organization=org,
        name="Northwind weekly sample",
        defaults={"period": "week", "count": 3, "strategy": "autoqa_flagged", "seed": 20261102, "created_by": manager},
    )
    services.sampling_run(rule=rule, period_start=T0)  # claimed: a second seed run changes nothing
    session = _calibration(
        org, manager, {"qa@shiftdesk.example": qa, "manager@northwind.example": manager}, conversations
    )
    alpha = session.results.get("alpha", {}).get("value") if session else None
    out.write(
        f"  qa_ops: rule “{rule.name}” (seed {rule.seed}), {rule.assignments.count()} assignments, "
        f"{sum(c.autoqa.count() for c in conversations)} AutoQA suggestions, calibration alpha {alpha}"
    )
    return []
