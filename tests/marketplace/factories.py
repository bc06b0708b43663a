import datetime as dt
from decimal import Decimal

import factory

from marketplace.matching.index import match_index_refresh
from marketplace.models import (
    AvailabilityWindow,
    Channel,
    Contract,
    ContractStatus,
    CoverageWindow,
    FreelancerProfile,
    JobLanguage,
    JobPost,
    JobSkill,
    JobStatus,
    Language,
    Offer,
    OfferStatus,
    ProfileLanguage,
    ProfileSkill,
    Skill,
    Tool,
    VettingStatus,
)
from tests.accounts.factories import OrganizationFactory, UserFactory


class FreelancerProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FreelancerProfile
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    headline = "Amazon customer support"
    timezone = "Asia/Manila"
    country = "PH"
    hourly_rate = Decimal("10.00")
    hours_per_week = 40
    vetting_status = VettingStatus.APPROVED
    vetting_score = Decimal("85.00")

    @factory.post_generation
    def account_timezone(self, create, extracted, **kwargs):
        """The account reads times in the profile's zone, as the profile services keep it."""
        if create and self.user.timezone != self.timezone:
            self.user.timezone = self.timezone
            self.user.save(update_fields=["timezone"])

    @factory.post_generation
    def indexed(self, create, extracted, **kwargs):
        """Keep the matching index in step, as the services do."""
        if create and extracted is not False:
            match_index_refresh(profile=self)


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    freelancer = factory.SubFactory(FreelancerProfileFactory)
    title = "Customer support (e-mail)"
    status = ContractStatus.ACTIVE
    pay_rate = Decimal("10.00")
    bill_rate = Decimal("12.00")
    currency = "USD"
    weekly_hour_cap = 40
    starts_on = factory.LazyFunction(lambda: dt.date(2026, 1, 5))

    @factory.post_generation
    def indexed(self, create, extracted, **kwargs):
        """Committed hours live on the matching index: keep it in step, as the contract services do."""
        if create and extracted is not False:
            match_index_refresh(profile=self.freelancer)


class JobPostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobPost

    organization = factory.SubFactory(OrganizationFactory)
    role = "Amazon e-mail support agent"
    description = "Answer buyer messages within 24 hours."
    timezone = "America/New_York"
    hours_per_week = 20
    rate_min = Decimal("8.00")
    rate_max = Decimal("12.00")
    currency = "USD"
    start_date = factory.LazyFunction(lambda: dt.date(2026, 12, 1))
    status = JobStatus.OPEN


class OfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offer

    organization = factory.SubFactory(OrganizationFactory)
    freelancer = factory.SubFactory(FreelancerProfileFactory)
    title = "E-mail support"
    pay_rate = Decimal("10.00")
    currency = "USD"
    weekly_hour_cap = 20
    start_date = factory.LazyFunction(lambda: dt.date(2026, 12, 1))
    status = OfferStatus.PENDING
    expires_at = factory.LazyFunction(lambda: dt.datetime.now(dt.UTC) + dt.timedelta(days=7))


def skill(slug: str) -> Skill:
    return Skill.objects.get(slug=slug)


def language(code: str) -> Language:
    return Language.objects.get(code=code)


def channel(slug: str) -> Channel:
    return Channel.objects.get(slug=slug)


def tool(slug: str) -> Tool:
    return Tool.objects.get(slug=slug)


def hm(text: str) -> dt.time:
    return dt.time(*map(int, text.split(":")))


def add_profile_details(profile, *, skills=(), languages=(), windows=(), channels=(), tools=(), week_start=None):
    """skills: (slug, level); languages: (code, CEFR int); windows: (weekday, "HH:MM", "HH:MM")."""
    ProfileSkill.objects.bulk_create([ProfileSkill(profile=profile, skill=skill(s), level=lvl) for s, lvl in skills])
    ProfileLanguage.objects.bulk_create(
        [ProfileLanguage(profile=profile, language=language(c), level=lvl) for c, lvl in languages]
    )
    AvailabilityWindow.objects.bulk_create(
        [AvailabilityWindow(profile=profile, weekday=d, start=hm(s), end=hm(e)) for d, s, e in windows]
    )
    profile.channels.set([channel(c) for c in channels])
    profile.tools.set([tool(t) for t in tools])
    match_index_refresh(profile=profile, week_start=week_start)
    return profile


def add_job_details(job, *, required=(), nice=(), languages=(), windows=(), channels=(), tools=()):
    JobSkill.objects.bulk_create(
        [JobSkill(job=job, skill=skill(s), required=True) for s in required]
        + [JobSkill(job=job, skill=skill(s), required=False) for s in nice]
    )
    JobLanguage.objects.bulk_create([JobLanguage(job=job, language=language(c), min_level=lvl) for c, lvl in languages])
    CoverageWindow.objects.bulk_create(
        [CoverageWindow(job=job, weekday=d, start=hm(s), end=hm(e)) for d, s, e in windows]
    )
    job.channels.set([channel(c) for c in channels])
    job.tools.set([tool(t) for t in tools])
    return job
