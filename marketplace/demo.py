"""Demo market: ~50 freelancers across timezones, open jobs for the demo sellers, offers and contracts.

Idempotent: everything is looked up by a natural key (e-mail, organization + role, offer title) first.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.demo import _user
from accounts.models import Membership, Organization, Role

from . import services
from .models import (
    Channel,
    Contract,
    FreelancerProfile,
    JobPost,
    JobStatus,
    Language,
    Offer,
    Skill,
    Tool,
    VettingStatus,
)

# (region, timezone, country, native language code, first names, last names, rate range in cents)
REGIONS = [
    (
        "Philippines",
        "Asia/Manila",
        "PH",
        "tl",
        ["Maria", "Jose", "Ana", "Mark", "Joy", "Paolo", "Grace", "Rico"],
        ["Santos", "Reyes", "Cruz", "Bautista", "Garcia", "Mendoza"],
        (600, 1200),
    ),
    (
        "India",
        "Asia/Kolkata",
        "IN",
        "hi",
        ["Arjun", "Priya", "Rahul", "Sneha", "Vikram", "Ananya", "Rohan"],
        ["Mehta", "Sharma", "Iyer", "Nair", "Patel"],
        (600, 1100),
    ),
    (
        "Colombia",
        "America/Bogota",
        "CO",
        "es",
        ["Camila", "Andrés", "Valentina", "Santiago", "Laura"],
        ["Gómez", "Rodríguez", "Martínez", "López"],
        (900, 1600),
    ),
    (
        "Mexico",
        "America/Mexico_City",
        "MX",
        "es",
        ["Sofía", "Diego", "Fernanda", "Luis"],
        ["Hernández", "Ramírez", "Flores"],
        (900, 1600),
    ),
    (
        "Brazil",
        "America/Sao_Paulo",
        "BR",
        "pt",
        ["Beatriz", "Lucas", "Mariana", "Gabriel"],
        ["Silva", "Souza", "Oliveira"],
        (1000, 1700),
    ),
    (
        "Ukraine",
        "Europe/Kyiv",
        "UA",
        "uk",
        ["Olena", "Dmytro", "Iryna", "Andrii", "Kateryna"],
        ["Kovalenko", "Shevchenko", "Bondarenko"],
        (1200, 2000),
    ),
    (
        "Poland",
        "Europe/Warsaw",
        "PL",
        "pl",
        ["Agnieszka", "Piotr", "Magda", "Tomasz"],
        ["Nowak", "Kowalski", "Wiśniewska"],
        (1400, 2200),
    ),
    ("Romania", "Europe/Bucharest", "RO", "ro", ["Ioana", "Andrei", "Elena"], ["Popescu", "Ionescu"], (1300, 2000)),
]
SHIFTS = [("09:00", "17:00"), ("21:00", "05:00"), ("14:00", "22:00"), ("06:00", "14:00"), ("22:00", "06:00")]
TARGET = 50


def _t(text: str) -> dt.time:
    return dt.time.fromisoformat(text)


def _people() -> list[tuple]:
    """Deterministic list of ~50 people spread over the regions; Maria Santos and Arjun Mehta come first."""
    people = [
        ("maria@freelancers.example", "Maria Santos", REGIONS[0]),
        ("arjun@freelancers.example", "Arjun Mehta", REGIONS[1]),
    ]
    rng = random.Random(7)
    i = 0
    while len(people) < TARGET:
        region = REGIONS[i % len(REGIONS)]
        first, last = region[4][(i // len(REGIONS)) % len(region[4])], rng.choice(region[5])
        email = f"{first}.{last}@freelancers.example".lower().encode("ascii", "ignore").decode()
        if all(p[0] != email for p in people):
            people.append((email, f"{first} {last}", region))
        i += 1
    return people


def _profile(
    email: str, name: str, region, rng: random.Random, skills, languages, channels, tools
) -> FreelancerProfile:
    _, tz, country, native, _, _, (lo, hi) = region
    user = _user(email, name, tz)
    approved = rng.random() < 0.85 or email.startswith(("maria@", "arjun@"))
    profile, created = FreelancerProfile.objects.get_or_create(
        user=user,
        defaults={
            "timezone": tz,
            "country": country,
            "headline": f"{rng.choice(['Amazon', 'Shopify', 'eBay', 'Multi-channel'])} customer support specialist",
            "bio": f"Remote support agent based in {region[0]}.",
            "hourly_rate": Decimal(rng.randrange(lo, hi, 25)) / 100,
            "hours_per_week": 40 if email.startswith(("maria@", "arjun@")) else rng.choice([20, 30, 40, 40]),
            "vetting_status": VettingStatus.APPROVED if approved else VettingStatus.IN_REVIEW,
            "vetting_score": Decimal(rng.randrange(7000, 9800)) / 100 if approved else None,
            "reliability": Decimal(rng.randrange(6500, 9900)) / 100 if rng.random() < 0.5 else None,
        },
    )
    if not created and profile.skills.exists():
        return profile
    # The freelancer fills in their own profile, through the same services as the profile editor.
    for skill in rng.sample(skills, rng.randrange(3, 7)):
        services.profile_skill_set(profile=profile, actor=user, skill=skill, level=rng.randrange(1, 4))
    services.profile_language_set(profile=profile, actor=user, language=languages["en"], level=rng.choice([4, 5, 5, 6]))
    services.profile_language_set(profile=profile, actor=user, language=languages[native], level=6)
    start, end = rng.choice(SHIFTS)
    have = set(profile.windows.values_list("weekday", "start", "end"))
    for day in range(5) if rng.random() < 0.8 else range(7):
        if (day, _t(start), _t(end)) not in have:
            services.profile_window_add(profile=profile, actor=user, weekday=day, start=_t(start), end=_t(end))
    chosen_channels = rng.sample(channels, rng.randrange(1, 4))
    chosen_tools = rng.sample(tools, rng.randrange(1, 4))
    return services.freelancer_profile_update(
        profile=profile,
        actor=user,
        headline=profile.headline,
        bio=profile.bio,
        timezone_name=profile.timezone,
        country=profile.country,
        hourly_rate=profile.hourly_rate,
        currency=profile.currency,
        hours_per_week=profile.hours_per_week,
        channels=chosen_channels,
        tools=chosen_tools,
    )


JOBS = [
    # org slug, role, tz, windows, hours, (min, max), required, nice, languages, channels, tools
    (
        "northwind-goods",
        "Amazon buyer-message agent (US hours)",
        "America/New_York",
        [(d, "09:00", "17:00") for d in range(5)],
        40,
        ("8.00", "14.00"),
        ["customer-e-mail-support", "a-to-z-claims"],
        ["returns-and-refunds"],
        [("en", 5)],
        ["amazon"],
        ["seller-central"],
    ),
    (
        "northwind-goods",
        "Weekend live chat (Shopify)",
        "America/New_York",
        [(5, "10:00", "18:00"), (6, "10:00", "18:00")],
        16,
        ("7.00", "12.00"),
        ["live-chat"],
        ["order-tracking"],
        [("en", 4)],
        ["shopify"],
        ["gorgias"],
    ),
    (
        "lumen-home",
        "Overnight e-mail support for Europe",
        "Europe/Berlin",
        [(d, "22:00", "06:00") for d in range(5)],
        30,
        ("9.00", "18.00"),
        ["customer-e-mail-support"],
        ["feedback-and-review-management"],
        [("en", 4), ("de", 3)],
        ["amazon", "ebay"],
        ["zendesk"],
    ),
]


@transaction.atomic
def seed(out) -> list[tuple[str, str]]:
    rng = random.Random(2026)
    skills = list(Skill.objects.order_by("bit"))
    languages = {lang.code: lang for lang in Language.objects.all()}
    channels, tools = list(Channel.objects.order_by("bit")), list(Tool.objects.order_by("bit"))
    profiles = {}
    for email, name, region in _people():
        profiles[email] = _profile(email, name, region, rng, skills, languages, channels, tools)

    jobs = {}
    for slug, role, tz, windows, hours, (lo, hi), required, nice, langs, chans, tls in JOBS:
        org = Organization.objects.filter(slug=slug).first()
        if org is None:
            continue
        job = JobPost.objects.filter(organization=org, role=role).order_by("pk").first()
        if job is None:
            spec = services.JobSpec(
                role=role,
                description=f"{org.name} is looking for a reliable support agent.",
                timezone_name=tz,
                hours_per_week=hours,
                rate_min=Decimal(lo),
                rate_max=Decimal(hi),
                currency=org.currency,
                start_date=timezone.now().date() + dt.timedelta(days=14),
                status=JobStatus.OPEN,
                required_skills=[Skill.objects.get(slug=s) for s in required],
                nice_skills=[Skill.objects.get(slug=s) for s in nice],
                languages=[(languages[code], level) for code, level in langs],
                windows=[(day, _t(start), _t(end)) for day, start, end in windows],
                channels=list(Channel.objects.filter(slug__in=chans)),
                tools=list(Tool.objects.filter(slug__in=tls)),
            )
            job = services.job_post_create(actor=_owner(org), organization=org, spec=spec)
        jobs[role] = job

    northwind = Organization.objects.filter(slug="northwind-goods").first()
    lumen = Organization.objects.filter(slug="lumen-home").first()
    maria = profiles["maria@freelancers.example"]
    if northwind is not None:
        _contract(northwind, maria, jobs.get(JOBS[0][1]), "Amazon buyer messages (US hours)", Decimal("9.00"), 30)
        _pending_offer(northwind, profiles["arjun@freelancers.example"], jobs.get(JOBS[1][1]), "Weekend live chat")
    if lumen is not None:
        someone = next(p for e, p in profiles.items() if p.is_approved and e not in ("maria@freelancers.example",))
        _pending_offer(lumen, someone, jobs.get(JOBS[2][1]), "Overnight e-mail support")
    out.write(
        f"  marketplace: {FreelancerProfile.objects.count()} freelancer profiles, {JobPost.objects.count()} jobs, "
        f"{Offer.objects.count()} offers, {Contract.objects.count()} contracts"
    )
    return [("freelancer (active contract with Northwind Goods)", "maria@freelancers.example")]


def _owner(org: Organization):
    """The seller's owner, who posts the demo jobs and sends the demo offers."""
    membership = Membership.objects.filter(organization=org, role=Role.OWNER).select_related("user").order_by("pk")
    return membership.first().user


def _contract(org, profile, job, title: str, pay: Decimal, cap: int) -> Contract:
    """An offer sent by the seller's owner and accepted by the freelancer on Monday seven weeks ago (00:00 UTC).

    The contract starts at that acceptance, so the demo has its weeks of time; its bill rate comes from the service.
    """
    contract = Contract.objects.filter(organization=org, freelancer=profile, title=title).order_by("pk").first()
    if contract is not None:
        return contract
    today = timezone.now().date()
    started = dt.datetime.combine(today - dt.timedelta(days=today.weekday(), weeks=7), dt.time(0), tzinfo=dt.UTC)
    offer = Offer.objects.filter(organization=org, freelancer=profile, title=title).order_by("pk").first()
    if offer is None:
        offer = services.offer_create(
            actor=_owner(org),
            organization=org,
            freelancer=profile,
            title=title,
            pay_rate=pay,
            weekly_hour_cap=cap,
            start_date=started.date(),
            job=job,
            message="Welcome to the Northwind support team!",
            now=started - dt.timedelta(days=2),
        )
    return services.offer_accept(offer=offer, actor=profile.user, now=started)


def _pending_offer(org, profile, job, title: str) -> Offer:
    offer = Offer.objects.filter(organization=org, freelancer=profile, title=title).order_by("pk").first()
    if offer is not None:
        return offer
    return services.offer_create(
        actor=_owner(org),
        organization=org,
        freelancer=profile,
        title=title,
        pay_rate=profile.hourly_rate or Decimal("10.00"),
        weekly_hour_cap=min(16, profile.hours_per_week or 16),
        start_date=timezone.now().date() + dt.timedelta(days=14),
        job=job,
        message="We liked your profile. Would you join us?",
    )
