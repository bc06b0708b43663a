from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.timezone import now

from accounts.models import Organization

from .fields import BitStringField
from .validators import validate_photo, validate_quarter_hour


class VettingStatus(models.TextChoices):
    NOT_APPLIED = "not_applied", "Not applied"
    IN_REVIEW = "in_review", "In review"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    SUSPENDED = "suspended", "Suspended"


class FreelancerProfile(models.Model):
    """A support freelancer's record, created at signup and completed later. Vetting fields are set only by vetting."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="freelancer_profile")
    headline = models.CharField(max_length=140, blank=True)
    bio = models.TextField(blank=True)
    timezone = models.CharField(max_length=64, default="UTC", help_text="IANA name, e.g. Asia/Manila")
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2")
    hourly_rate = models.DecimalField(
        max_digits=8, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(Decimal("0"))]
    )
    currency = models.CharField(max_length=3, default="USD")
    hours_per_week = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(80)])
    vetting_status = models.CharField(
        max_length=16, choices=VettingStatus.choices, default=VettingStatus.NOT_APPLIED, editable=False
    )
    vetting_score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True, editable=False)
    # Denormalised signals written only by services (qa_scoring and timesheets feed them); read by matching.
    iqs_90d = models.DecimalField(
        "IQS (last 90 days)", max_digits=5, decimal_places=2, null=True, blank=True, editable=False
    )
    iqs_review_count = models.PositiveIntegerField(default=0, editable=False)
    reliability = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True, editable=False)
    worked_minutes = models.PositiveIntegerField(
        default=0, editable=False, help_text="Approved minutes of all final timesheets (fed by timesheets)"
    )
    photo = models.ImageField(
        upload_to="profile-photos/%Y/%m/",
        blank=True,
        validators=[validate_photo],
        help_text="JPEG, PNG or WebP, at most 2 MB",
    )
    channels = models.ManyToManyField("Channel", blank=True, related_name="profiles")
    tools = models.ManyToManyField("Tool", blank=True, related_name="profiles")
    created_at = models.DateTimeField(default=now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user__email"]
        indexes = [models.Index(fields=["vetting_status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(vetting_status__in=VettingStatus.values),
                name="profile_vetting_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def is_approved(self) -> bool:
        return self.vetting_status == VettingStatus.APPROVED

    @property
    def hours_worked(self) -> int:
        """Whole hours of approved work on the platform."""
        return self.worked_minutes // 60

    @property
    def initials(self) -> str:
        words = [w for w in self.user.display_name.replace(".", " ").split() if w[:1].isalpha()]
        return "".join(w[0] for w in words[:2]).upper() or "?"


class ContractStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    ENDED = "ended", "Ended"


class Contract(models.Model):
    """A seller's engagement of one freelancer. Bill rate = pay rate × (1 + platform fee) at creation."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="contracts")
    freelancer = models.ForeignKey(FreelancerProfile, on_delete=models.PROTECT, related_name="contracts")
    title = models.CharField(max_length=140)
    status = models.CharField(max_length=16, choices=ContractStatus.choices, default=ContractStatus.ACTIVE)
    pay_rate = models.DecimalField(max_digits=8, decimal_places=2)
    bill_rate = models.DecimalField(max_digits=8, decimal_places=2)
    currency = models.CharField(max_length=3, default="USD")
    weekly_hour_cap = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(80)])
    allow_manual_time = models.BooleanField(default=True)
    starts_on = models.DateField()
    started_at = models.DateTimeField(default=now)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=200, blank=True)
    offer = models.OneToOneField("Offer", on_delete=models.SET_NULL, null=True, blank=True, related_name="contract")
    created_at = models.DateTimeField(default=now, editable=False)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["organization", "status"]),
            models.Index(fields=["freelancer", "status"]),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=ContractStatus.values), name="contract_status_valid"),
            models.CheckConstraint(condition=models.Q(pay_rate__gte=0), name="contract_pay_rate_non_negative"),
            models.CheckConstraint(
                condition=models.Q(bill_rate__gte=models.F("pay_rate")), name="contract_bill_rate_covers_pay"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} — {self.freelancer} @ {self.organization}"

    @property
    def is_active(self) -> bool:
        return self.status == ContractStatus.ACTIVE

    @property
    def starts_later(self) -> bool:
        """Active, but its first day is still ahead (UTC): it reads "starts on …", not "Active"."""
        return self.status == ContractStatus.ACTIVE and self.starts_on > now().date()


# --- Taxonomy (managed in the admin, seeded by a data migration) -----------------------------------------

MAX_TERM_BIT = 62  # matching keeps each taxonomy as a bit mask in one signed 64-bit integer


def _next_free_bit(model_name: str) -> int:
    from django.apps import apps

    used = set(apps.get_model("marketplace", model_name).objects.values_list("bit", flat=True))
    return next((b for b in range(MAX_TERM_BIT + 1) if b not in used), MAX_TERM_BIT + 1)


def next_skill_bit() -> int:
    return _next_free_bit("Skill")


def next_language_bit() -> int:
    return _next_free_bit("Language")


def next_channel_bit() -> int:
    return _next_free_bit("Channel")


def next_tool_bit() -> int:
    return _next_free_bit("Tool")


class TaxonomyTerm(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    is_active = models.BooleanField(default=True, help_text="Inactive terms are kept on profiles but not offered.")

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        # Every MatchIndex/JobIndex mask stores this bit: renumbering a term would silently re-label them.
        stored = self._stored_bit()
        if stored is not None and stored != self.bit:
            raise ValidationError({"bit": f"The bit of a saved term is fixed (it is {stored})."})
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        stored = self._stored_bit()
        if stored is not None and stored != self.bit:
            raise ValidationError(
                {"bit": f"The bit of a saved term is fixed (it is {stored}): profile and job masks use it."}
            )

    def delete(self, *args, **kwargs):
        raise ValidationError("Taxonomy terms are never deleted (their bit must not be reused): make them inactive.")

    def _stored_bit(self) -> int | None:
        if self.pk is None:
            return None
        return type(self).objects.filter(pk=self.pk).values_list("bit", flat=True).first()


_BIT_HELP = (
    "Position in the matching bit mask (0–62), unique within this taxonomy; fixed once saved."
    " Retire a term by making it inactive."
)


class Skill(TaxonomyTerm):
    bit = models.PositiveSmallIntegerField(
        unique=True, default=next_skill_bit, validators=[MaxValueValidator(MAX_TERM_BIT)], help_text=_BIT_HELP
    )


class Language(TaxonomyTerm):
    code = models.CharField(max_length=8, unique=True, help_text="ISO 639-1, e.g. en")
    bit = models.PositiveSmallIntegerField(
        unique=True, default=next_language_bit, validators=[MaxValueValidator(MAX_TERM_BIT)], help_text=_BIT_HELP
    )


class Channel(TaxonomyTerm):
    bit = models.PositiveSmallIntegerField(
        unique=True, default=next_channel_bit, validators=[MaxValueValidator(MAX_TERM_BIT)], help_text=_BIT_HELP
    )


class Tool(TaxonomyTerm):
    bit = models.PositiveSmallIntegerField(
        unique=True, default=next_tool_bit, validators=[MaxValueValidator(MAX_TERM_BIT)], help_text=_BIT_HELP
    )


class SkillLevel(models.IntegerChoices):
    BASIC = 1, "Basic"
    PROFICIENT = 2, "Proficient"
    EXPERT = 3, "Expert"


class CEFR(models.IntegerChoices):
    A1 = 1, "A1"
    A2 = 2, "A2"
    B1 = 3, "B1"
    B2 = 4, "B2"
    C1 = 5, "C1"
    C2 = 6, "C2 / native"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


# --- Profile relations -----------------------------------------------------------------------------------


class ProfileSkill(models.Model):
    profile = models.ForeignKey(FreelancerProfile, on_delete=models.CASCADE, related_name="skills")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(choices=SkillLevel.choices, default=SkillLevel.PROFICIENT)

    class Meta:
        ordering = ["skill__name"]
        constraints = [models.UniqueConstraint(fields=["profile", "skill"], name="profile_skill_unique")]

    def __str__(self) -> str:
        return f"{self.skill} ({self.get_level_display()})"


class ProfileLanguage(models.Model):
    profile = models.ForeignKey(FreelancerProfile, on_delete=models.CASCADE, related_name="languages")
    language = models.ForeignKey(Language, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(choices=CEFR.choices)

    class Meta:
        ordering = ["language__name"]
        constraints = [models.UniqueConstraint(fields=["profile", "language"], name="profile_language_unique")]

    def __str__(self) -> str:
        return f"{self.language} {self.get_level_display()}"


class WeeklyWindow(models.Model):
    """A weekly time range in local wall-clock time. ``end <= start`` means it runs past midnight."""

    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start = models.TimeField(validators=[validate_quarter_hour])
    end = models.TimeField(
        validators=[validate_quarter_hour], help_text="Earlier than the start means the window ends the next day."
    )

    class Meta:
        abstract = True
        ordering = ["weekday", "start"]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"

    def clean(self) -> None:
        if self.start is not None and self.start == self.end:
            raise ValidationError({"end": "The window needs a length: end differs from start."})

    @property
    def crosses_midnight(self) -> bool:
        return self.end <= self.start


class AvailabilityWindow(WeeklyWindow):
    profile = models.ForeignKey(FreelancerProfile, on_delete=models.CASCADE, related_name="windows")

    class Meta(WeeklyWindow.Meta):
        pass


# --- Job posts -------------------------------------------------------------------------------------------


class JobStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open"
    FILLED = "filled", "Filled"
    CLOSED = "closed", "Closed"


class JobPost(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="job_posts")
    role = models.CharField(max_length=140)
    description = models.TextField(blank=True)
    timezone = models.CharField(max_length=64, default="UTC", help_text="Coverage windows are in this IANA timezone")
    hours_per_week = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(80)])
    rate_min = models.DecimalField(max_digits=8, decimal_places=2, validators=[MinValueValidator(Decimal("0"))])
    rate_max = models.DecimalField(max_digits=8, decimal_places=2, validators=[MinValueValidator(Decimal("0"))])
    currency = models.CharField(max_length=3, default="USD")
    channels = models.ManyToManyField(Channel, blank=True, related_name="job_posts")
    tools = models.ManyToManyField(Tool, blank=True, related_name="job_posts")
    start_date = models.DateField()
    status = models.CharField(max_length=16, choices=JobStatus.choices, default=JobStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organization", "status"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=JobStatus.values), name="job_status_valid"),
            models.CheckConstraint(condition=models.Q(rate_max__gte=models.F("rate_min")), name="job_rate_range"),
        ]

    def __str__(self) -> str:
        return self.role


class JobSkill(models.Model):
    job = models.ForeignKey(JobPost, on_delete=models.CASCADE, related_name="skills")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="+")
    required = models.BooleanField(default=True, help_text="Unticked: nice to have")

    class Meta:
        ordering = ["-required", "skill__name"]
        constraints = [models.UniqueConstraint(fields=["job", "skill"], name="job_skill_unique")]

    def __str__(self) -> str:
        return f"{self.skill} ({'required' if self.required else 'nice to have'})"


class JobLanguage(models.Model):
    job = models.ForeignKey(JobPost, on_delete=models.CASCADE, related_name="languages")
    language = models.ForeignKey(Language, on_delete=models.PROTECT, related_name="+")
    min_level = models.PositiveSmallIntegerField(choices=CEFR.choices, default=CEFR.B2)

    class Meta:
        ordering = ["language__name"]
        constraints = [models.UniqueConstraint(fields=["job", "language"], name="job_language_unique")]

    def __str__(self) -> str:
        return f"{self.language} ≥ {self.get_min_level_display()}"


class CoverageWindow(WeeklyWindow):
    job = models.ForeignKey(JobPost, on_delete=models.CASCADE, related_name="windows")

    class Meta(WeeklyWindow.Meta):
        pass


# --- Offers ----------------------------------------------------------------------------------------------


class OfferStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"
    EXPIRED = "expired", "Expired"


class Offer(models.Model):
    """Seller → freelancer. Accepting it creates exactly one Contract (unique ``Contract.offer``)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="offers")
    job = models.ForeignKey(JobPost, on_delete=models.SET_NULL, null=True, blank=True, related_name="offers")
    freelancer = models.ForeignKey(FreelancerProfile, on_delete=models.CASCADE, related_name="offers")
    title = models.CharField(max_length=140)
    pay_rate = models.DecimalField(max_digits=8, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))])
    currency = models.CharField(max_length=3, default="USD")
    weekly_hour_cap = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(80)])
    start_date = models.DateField()
    bonus_terms = models.JSONField(default=dict, blank=True, help_text="Placeholder, filled in by billing bonus rules")
    message = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=OfferStatus.choices, default=OfferStatus.PENDING)
    expires_at = models.DateTimeField()
    responded_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=now, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["organization", "status"]),
            models.Index(fields=["freelancer", "status"]),
            models.Index(fields=["status", "expires_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=OfferStatus.values), name="offer_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.title} → {self.freelancer}"

    def is_expired(self, at=None) -> bool:
        return self.expires_at <= (at or now())


# --- Matching index --------------------------------------------------------------------------------------


class MatchIndex(models.Model):
    """One precomputed row per profile, scored against ``JobIndex`` rows by one SQL expression (see
    marketplace/matching).

    Rebuilt by ``matching.index.match_index_refresh`` from every service that changes a matching input (profile
    edits, vetting, QA and reliability updates, contract transitions), which also maintains every materialized
    ranking head; ``week_start`` is the Monday (UTC) whose real calendar (DST included) the availability bits
    describe.
    """

    profile = models.OneToOneField(FreelancerProfile, on_delete=models.CASCADE, primary_key=True, related_name="+")
    week_start = models.DateField()
    approved = models.BooleanField()
    currency = models.CharField(max_length=3)
    rate_cents = models.BigIntegerField(null=True)
    hours_per_week = models.PositiveSmallIntegerField()
    committed = models.PositiveIntegerField(default=0, help_text="Σ weekly hour caps of the active contracts")
    quality_bp = models.IntegerField(help_text="IQS (90 days) if any, else vetting score, in 1/100 points")
    has_iqs = models.BooleanField(default=False)
    reliability_bp = models.IntegerField(null=True)
    skill_mask = models.BigIntegerField(default=0)
    channel_mask = models.BigIntegerField(default=0)
    tool_mask = models.BigIntegerField(default=0)
    # lang_N: languages spoken at CEFR level >= N
    lang_1 = models.BigIntegerField(default=0)
    lang_2 = models.BigIntegerField(default=0)
    lang_3 = models.BigIntegerField(default=0)
    lang_4 = models.BigIntegerField(default=0)
    lang_5 = models.BigIntegerField(default=0)
    lang_6 = models.BigIntegerField(default=0)
    # The week's 672 UTC quarter-hours from Monday 00:00 UTC; bit i = quarter-hour i
    availability = BitStringField(length=672)

    class Meta:
        verbose_name_plural = "match index rows"
        indexes = [models.Index(fields=["approved", "currency", "rate_cents"])]

    def __str__(self) -> str:
        return f"match index of profile {self.profile_id}"


class JobIndex(models.Model):
    """A job post reduced to the numbers ranking needs for one week, and the state of its materialized ranking head.

    Ranking scores (``MatchIndex`` row, ``JobIndex`` row) with one SQL expression (``matching.scoring``), so the
    weights and filter settings the head was built with are stored here too: maintenance scores every head with
    its own terms. The head (``MatchHeadRow``) holds every candidate passing the hard filters whose rank key
    (total desc, profile id asc) is above the floor ``(floor_total, floor_profile_id)``, with its current
    signals; ``floor_total`` null means it holds every candidate. ``candidates`` is the exact count of
    candidates passing the hard filters. Job services set ``stale``; ``matching.heads`` does the rest.
    """

    job = models.OneToOneField(JobPost, on_delete=models.CASCADE, primary_key=True, related_name="+")
    week_start = models.DateField(help_text="The Monday (UTC) whose calendar the availability bits describe")
    stale = models.BooleanField(default=False, help_text="The job changed since this row was computed")
    currency = models.CharField(max_length=3)
    rate_min_cents = models.BigIntegerField()
    rate_max_cents = models.BigIntegerField()
    hours = models.PositiveSmallIntegerField()
    required_mask = models.BigIntegerField(default=0)
    nice_mask = models.BigIntegerField(default=0)
    skill_den = models.PositiveSmallIntegerField(default=0, help_text="2 × required skills + nice-to-have skills")
    channel_mask = models.BigIntegerField(default=0)
    tool_mask = models.BigIntegerField(default=0)
    experience_den = models.PositiveSmallIntegerField(default=0, help_text="channels + tools")
    # lang_N: languages required at minimum CEFR level N (a profile needs them in its own lang_N)
    lang_1 = models.BigIntegerField(default=0)
    lang_2 = models.BigIntegerField(default=0)
    lang_3 = models.BigIntegerField(default=0)
    lang_4 = models.BigIntegerField(default=0)
    lang_5 = models.BigIntegerField(default=0)
    lang_6 = models.BigIntegerField(default=0)
    availability = BitStringField(length=672)
    slots = models.PositiveSmallIntegerField(default=0, help_text="Covered quarter-hours of the week")
    # The ranking terms this row (and its head) use: MATCHING_WEIGHTS, MATCHING_DEFAULT_RELIABILITY (in 1/100
    # points) and MATCHING_MIN_HOURS_PERCENT at the time it was computed.
    w_skills = models.PositiveSmallIntegerField()
    w_overlap = models.PositiveSmallIntegerField()
    w_rate = models.PositiveSmallIntegerField()
    w_quality = models.PositiveSmallIntegerField()
    w_reliability = models.PositiveSmallIntegerField()
    w_experience = models.PositiveSmallIntegerField()
    w_hours = models.PositiveSmallIntegerField()
    default_reliability_bp = models.IntegerField()
    min_hours_percent = models.PositiveSmallIntegerField()
    head_ready = models.BooleanField(default=False)
    floor_total = models.BigIntegerField(null=True, blank=True)
    floor_profile_id = models.BigIntegerField(null=True, blank=True)
    candidates = models.PositiveIntegerField(default=0, help_text="Candidates passing the hard filters")
    head_built_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "job index rows"
        indexes = [models.Index(fields=["job"], condition=models.Q(head_ready=True), name="job_index_ready_heads")]

    def __str__(self) -> str:
        return f"match index of job {self.job_id}"


class MatchHeadRow(models.Model):
    """One candidate of a job's materialized ranking head, with the signals its total is made of."""

    # No database constraint: maintenance never waits on the job row, and a row left by a job deleted mid-way
    # is unreachable (reads start from the JobIndex row) and swept by the weekly rebuild.
    job = models.ForeignKey(
        JobIndex, on_delete=models.CASCADE, related_name="head_rows", db_index=False, db_constraint=False
    )
    profile = models.ForeignKey(FreelancerProfile, on_delete=models.CASCADE, related_name="+")
    total = models.IntegerField()
    s_skills = models.IntegerField()
    s_overlap = models.IntegerField()
    s_rate = models.IntegerField()
    s_quality = models.IntegerField()
    s_reliability = models.IntegerField()
    s_experience = models.IntegerField()
    s_hours = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["job", "-total", "profile"], name="match_head_rank")]
        constraints = [models.UniqueConstraint(fields=["job", "profile"], name="match_head_row_unique")]

    def __str__(self) -> str:
        return f"profile {self.profile_id} in the head of job {self.job_id}"
