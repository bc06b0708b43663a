"""Demo vetting data: a scenario bank, the Vetting rubric, interview slots and applications at every stage.

Each candidate is taken through the vetting services step by step, each step at its moment in the past (the
services take ``now``): an interview is booked before it takes place, and its scorecard comes after it.

Idempotent: scenarios and candidates are keyed by title / e-mail, and a candidate who already has an
application is left alone, so running it twice changes nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.demo import _user
from accounts.models import User
from marketplace.models import FreelancerProfile

from . import grading, services
from .models import Application, InterviewSlot, Scenario, ScenarioCategory, Stage

SCENARIOS = [
    (
        "Parcel marked delivered, never arrived",
        ScenarioCategory.LATE_DELIVERED,
        "Order 114-2290 shipped by USPS; tracking shows delivered 2 days ago to the front porch.",
        "Tracking says my package was delivered but there is NOTHING here. I need it for my son's birthday "
        "on Saturday. What are you going to do about it?",
    ),
    (
        "Buyer threatens an A-to-z claim",
        ScenarioCategory.ATOZ,
        "Order 113-8841, estimated delivery was yesterday; the carrier shows a weather delay.",
        "It's late. If I don't get a refund today I'm opening an A-to-z claim and leaving 1 star.",
    ),
    (
        "Angry buyer, wrong colour",
        ScenarioCategory.ANGRY,
        "Order 112-0023: a navy hoodie, size M. The listing photo shows navy; the buyer received black.",
        "Are you people blind?? I ordered NAVY and got BLACK. This is the second time. Useless.",
    ),
    (
        "Refund requested after the return window",
        ScenarioCategory.REFUND_POLICY,
        "Order 111-7710 delivered 47 days ago; the store's return window is 30 days; the item works.",
        "I changed my mind about the blender, it's too loud. Please refund me, I kept the box.",
    ),
    (
        "Damaged item on arrival",
        ScenarioCategory.DAMAGED,
        "Order 114-5532: a ceramic lamp. Policy: replace or refund damaged items, photo requested.",
        "The lamp arrived smashed to pieces. The box was crushed too. I'm really disappointed.",
    ),
    (
        "Buyer asks for the seller's phone number",
        ScenarioCategory.OTHER,
        "Order 113-4402. Marketplace rules forbid sharing phone numbers, e-mails or outside links.",
        "Can you just give me your WhatsApp number? It's easier to sort this out there.",
    ),
]

# (e-mail, name, time zone, country, headline, rate, target stage or outcome)
CANDIDATES = [
    ("lea@candidates.example", "Lea Reyes", "Asia/Manila", "PH", "Chat and e-mail support", "7.50", "profile_screen"),
    ("omar@candidates.example", "Omar Haddad", "Africa/Cairo", "EG", "Amazon buyer messages", "8.00", "assessment"),
    ("sara@candidates.example", "Sara Kim", "Asia/Seoul", "KR", "Shopify store support", "12.00", "assessment_done"),
    ("tom@candidates.example", "Tom Okafor", "Africa/Lagos", "NG", "eBay and Etsy support", "9.00", "interview"),
    ("ines@candidates.example", "Ines Duarte", "Europe/Lisbon", "PT", "Returns and refunds", "14.00", "checks"),
    ("raj@candidates.example", "Raj Patel", "Asia/Kolkata", "IN", "Marketplace support lead", "10.00", "decision"),
    ("ana@candidates.example", "Ana Lima", "America/Sao_Paulo", "BR", "Bilingual EN/PT support", "11.00", "approved"),
    ("ken@candidates.example", "Ken Ito", "Asia/Tokyo", "JP", "Night-shift e-mail support", "9.50", "rejected"),
]
GRADES = {"understands_issue": 5, "correct_resolution": 4, "empathy": 5, "clarity": 4, "marketplace_rules": 1}
RATINGS = {"communication": 5, "english": 4, "reliability": 4, "customer_mindset": 5}


def _profile(email: str, name: str, tz: str, country: str, headline: str, rate: str) -> FreelancerProfile:
    from marketplace.models import Language, ProfileLanguage

    user = _user(email, name, tz)
    profile, _ = FreelancerProfile.objects.get_or_create(
        user=user,
        defaults={
            "timezone": tz,
            "country": country,
            "headline": headline,
            "bio": f"{name.split()[0]} has several years of customer support for online stores.",
            "hourly_rate": Decimal(rate),
            "hours_per_week": 30,
        },
    )
    english, _ = Language.objects.get_or_create(code="en", defaults={"name": "English", "slug": "english"})
    ProfileLanguage.objects.get_or_create(profile=profile, language=english, defaults={"level": 5})
    return profile


def _free_slot() -> InterviewSlot:
    return InterviewSlot.objects.filter(application__isnull=True, starts_at__gt=timezone.now()).first()


def _publish_slots(staff: User) -> None:
    """Keep a few free future slots on offer (only when none are free, so a second run adds nothing)."""
    if InterviewSlot.objects.filter(application__isnull=True, starts_at__gt=timezone.now()).exists():
        return
    base = (timezone.now() + timedelta(days=3)).replace(hour=9, minute=0, second=0, microsecond=0)
    for day in range(3):
        for hour in (0, 5):
            services.interview_slot_publish(actor=staff, starts_at=base + timedelta(days=day, hours=hour))


# A realistic reply to each scenario (by title), as a strong candidate writes it.
ANSWERS = {
    "Parcel marked delivered, never arrived": "Hi, I'm so sorry — a missing birthday present is the last thing you "
    "need. USPS shows the parcel delivered two days ago, so please check with neighbours and around the porch "
    "first; meanwhile I've opened a trace with USPS. If it hasn't turned up by tomorrow noon, I'll ship a "
    "replacement by express so it arrives before Saturday, at no cost to you.",
    "Buyer threatens an A-to-z claim": "Hello, I understand the wait is frustrating. The carrier reports a weather "
    "delay and the parcel is moving again: the new estimate is Thursday. If it hasn't arrived by Friday I will "
    "refund you in full straight away, no claim needed. I'll check the tracking tomorrow and write to you.",
    "Angry buyer, wrong colour": "I'm sorry — you ordered navy and received black, twice, and that's on us. A navy "
    "hoodie in size M leaves today by express; keep the black one or donate it. I've also flagged the listing so "
    "the warehouse checks the colour before packing.",
    "Refund requested after the return window": "Thanks for letting us know. The blender was delivered 47 days ago "
    "and our return window is 30 days, so I can't offer a refund for a change of mind. What I can do: the "
    "manufacturer's quiet-mode tips are in the manual on page 6, and if it develops a fault it is covered by "
    "the one-year warranty.",
    "Damaged item on arrival": "I'm really sorry the lamp arrived smashed. Could you send a photo of the lamp and "
    "the box? As soon as I have it, I'll send a replacement or refund you in full — your choice — and you "
    "won't need to return the broken one.",
    "Buyer asks for the seller's phone number": "I'd love to sort this out quickly, but marketplace rules don't "
    "allow us to share phone numbers or move the conversation elsewhere. Reply here with what's wrong and I'll "
    "answer within a few hours — everything stays on record to protect your order.",
}


def _drive(profile: FreelancerProfile, target: str, staff: User, days_ago: int) -> None:
    """Take one candidate through the stages up to ``target``, each step at its moment in the past."""
    user = profile.user
    t0 = (timezone.now() - timedelta(days=days_ago)).replace(hour=8, minute=0, second=0, microsecond=0)

    def at(days: float, hours: float = 0) -> datetime:
        return t0 + timedelta(days=days, hours=hours)

    app = services.application_submit(actor=user, profile=profile, now=at(0))
    if target == "profile_screen":
        return
    if target == "rejected":
        services.profile_screen_judge(
            actor=staff, application=app, score=45, notes="Thin support experience.", now=at(1)
        )
        services.application_reject(
            actor=staff,
            application=Application.objects.get(pk=app.pk),
            reason="profile",
            notes="Add concrete support examples to your bio before reapplying.",
            now=at(1, 1),
        )
        return
    services.profile_screen_judge(
        actor=staff, application=app, score=80, notes="Complete profile, good fit.", now=at(1)
    )
    if target == "assessment":
        return
    attempt = services.assessment_start(actor=user, application=app, now=at(1, 3))
    replies = {a.scenario_id: ANSWERS.get(a.scenario.title, "") for a in attempt.answers.select_related("scenario")}
    services.assessment_submit(actor=user, attempt=attempt, answers=replies, at=at(1, 3.75))
    if target == "assessment_done":
        return
    services.assessment_grade(actor=staff, application=app, values=GRADES, notes="Warm and policy-safe.", now=at(2))
    if target == "interview":  # booked for a slot still to come
        services.interview_slot_book(actor=user, application=app, slot=_free_slot(), now=at(2, 4))
        return
    slot = services.interview_slot_publish(actor=staff, starts_at=at(4, 1), now=at(2, 1))
    services.interview_slot_book(actor=user, application=app, slot=slot, now=at(2, 4))
    services.interview_scorecard_submit(actor=staff, application=app, ratings=RATINGS, now=at(4, 2))
    if target == "checks":
        return
    services.checks_record(
        actor=staff,
        application=app,
        identity_confirmed=True,
        tax_form="w8ben",
        payout_method_set=True,
        now=at(5),
    )
    for n, relation in enumerate(["former team lead", "previous client"]):
        services.reference_add(
            actor=staff,
            application=app,
            name=f"Reference {n + 1} for {user.display_name}",
            relationship=relation,
            contact=f"ref{n + 1}.{user.email}",
            now=at(5, 2 + n),
        )
    services.checks_complete(actor=staff, application=app, now=at(6))
    if target == "decision":
        return
    services.application_approve(
        actor=staff, application=Application.objects.get(pk=app.pk), notes="Welcome!", now=at(7)
    )


@transaction.atomic
def seed(out) -> list[tuple[str, str]]:
    staff = User.objects.get(email="vetting@shiftdesk.example")
    for title, category, context, message in SCENARIOS:
        Scenario.objects.get_or_create(
            title=title,
            defaults={"category": category, "context": context, "customer_message": message, "created_by": staff},
        )
    grading.vetting_rubric_version(actor=staff)
    _publish_slots(staff)
    for n, (email, name, tz, country, headline, rate, target) in enumerate(CANDIDATES):
        profile = _profile(email, name, tz, country, headline, rate)
        if not Application.objects.filter(freelancer=profile).exists():
            _drive(profile, target, staff, days_ago=12 + 3 * n)  # applied 12 to 33 days ago
    _publish_slots(staff)
    by_stage = {s: Application.objects.filter(status="open", stage=s).count() for s in Stage.values}
    out.write(
        f"  vetting: {Application.objects.count()} applications ("
        + ", ".join(f"{s} {n}" for s, n in by_stage.items())
        + f"; approved {Application.objects.filter(status='approved').count()}, "
        f"rejected {Application.objects.filter(status='rejected').count()}), {Scenario.objects.count()} scenarios"
    )
    return [("vetting candidate (at the assessment)", "omar@candidates.example")]
