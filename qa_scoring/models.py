"""QA scoring: versioned rubrics, imported conversations, reviews, disputes, import jobs.

The score formula lives in ``scoring.py`` (pure); writes in ``services.py``; reads in ``selectors.py``.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.timezone import now

from accounts.models import Organization

from .scoring import CriterionKind as _Kind


class RubricKind(models.TextChoices):
    PRODUCTION = "production", "Production QA"
    VETTING = "vetting", "Vetting assessment"


class Rubric(models.Model):
    """A rubric: a shared template (organization empty) or owned by one seller."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="rubrics"
    )
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=16, choices=RubricKind.choices, default=RubricKind.PRODUCTION)
    description = models.TextField(blank=True)
    pass_mark = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("80.00"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=now, editable=False)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=RubricKind.values), name="rubric_kind_valid"),
            models.CheckConstraint(condition=Q(pass_mark__gte=0, pass_mark__lte=100), name="rubric_pass_mark_range"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_shared(self) -> bool:
        return self.organization_id is None


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class RubricVersion(models.Model):
    """One version of a rubric. Published versions never change; editing one makes the next draft."""

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    notes = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=now, editable=False)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["rubric", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["rubric", "number"], name="rubric_version_unique_number"),
            models.UniqueConstraint(fields=["rubric"], condition=Q(status="draft"), name="rubric_version_one_draft"),
            models.CheckConstraint(condition=Q(status__in=VersionStatus.values), name="rubric_version_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.rubric} v{self.number} ({self.status})"

    @property
    def is_published(self) -> bool:
        return self.status == VersionStatus.PUBLISHED


class Section(models.Model):
    version = models.ForeignKey(RubricVersion, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(max_length=120)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["version", "position", "id"]

    def __str__(self) -> str:
        return self.title


class CriterionKind(models.TextChoices):
    BINARY = _Kind.BINARY, "Yes / no"
    SCALE = _Kind.SCALE, "Scale"


class Criterion(models.Model):
    version = models.ForeignKey(RubricVersion, on_delete=models.CASCADE, related_name="criteria")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="criteria")
    key = models.SlugField(max_length=60, help_text="Stable name, unique in the version, e.g. greeting")
    label = models.CharField(max_length=160)
    guidance = models.TextField(blank=True, help_text="What a reviewer looks for")
    kind = models.CharField(max_length=16, choices=CriterionKind.choices, default=CriterionKind.BINARY)
    scale_min = models.PositiveSmallIntegerField(default=0)
    scale_max = models.PositiveSmallIntegerField(default=1)
    weight = models.PositiveSmallIntegerField(default=10, validators=[MaxValueValidator(100)])
    allow_na = models.BooleanField(default=False)
    critical = models.BooleanField(default=False, help_text="Failing it sets the review score to 0")
    sop_page = models.ForeignKey("wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    sop_anchor = models.CharField(max_length=100, blank=True, help_text="Section id on the SOP page")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["version", "section__position", "position", "id"]
        verbose_name_plural = "criteria"
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="criterion_unique_key_in_version"),
            models.CheckConstraint(condition=Q(kind__in=CriterionKind.values), name="criterion_kind_valid"),
            models.CheckConstraint(condition=Q(weight__lte=100), name="criterion_weight_max_100"),
            models.CheckConstraint(condition=Q(scale_max__gt=models.F("scale_min")), name="criterion_scale_ordered"),
        ]

    def __str__(self) -> str:
        return self.label

    def clean(self) -> None:
        if self.kind == CriterionKind.BINARY:
            self.scale_min, self.scale_max = 0, 1
        if self.scale_max <= self.scale_min:
            raise ValidationError({"scale_max": "The scale maximum must be above the minimum."})
        if self.kind == CriterionKind.SCALE and self.scale_max - self.scale_min > 10:
            raise ValidationError({"scale_max": "Use at most 11 steps on a scale."})
        if self.section_id and self.version_id and self.section.version_id != self.version_id:
            raise ValidationError({"section": "The section belongs to another rubric version."})

    @property
    def values(self) -> list[int]:
        return list(range(self.scale_min, self.scale_max + 1))


class Conversation(models.Model):
    """A support conversation imported from a helpdesk (or platform-owned, e.g. a vetting assessment)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="conversations"
    )
    freelancer = models.ForeignKey(
        "marketplace.FreelancerProfile",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="conversations",
    )
    contract = models.ForeignKey(
        "marketplace.Contract", on_delete=models.SET_NULL, null=True, blank=True, related_name="conversations"
    )
    source = models.CharField(max_length=20)
    external_id = models.CharField(max_length=120)
    channel = models.CharField(max_length=40, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    csat = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True, help_text="0–100")
    csat_raw = models.CharField(max_length=40, blank=True)
    tags = models.JSONField(default=list, blank=True)
    agent_email = models.CharField(max_length=254, blank=True)
    agent_name = models.CharField(max_length=160, blank=True)
    raw = models.JSONField(default=dict, blank=True)
    message_count = models.PositiveIntegerField(default=0)
    imported_at = models.DateTimeField(default=now, editable=False)
    updated_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "-started_at"]),
            models.Index(fields=["freelancer", "-started_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "source", "external_id"], name="conversation_unique_external_id"
            ),
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=Q(organization__isnull=True),
                name="conversation_unique_external_id_platform",
            ),
            models.CheckConstraint(
                condition=Q(csat__isnull=True) | Q(csat__gte=0, csat__lte=100), name="conversation_csat_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} #{self.external_id}" + (f" — {self.subject}" if self.subject else "")

    @property
    def title(self) -> str:
        """The subject (the importer stores the first customer message when there is none); failing both, the
        source, channel and day, never the external id alone (see ``qa_scoring.titles``)."""
        if self.subject:
            return self.subject
        words = [self.source.capitalize() if self.source else "", self.channel, "conversation"]
        title = " ".join(w for w in words if w)
        if self.started_at:
            title += f" of {self.started_at.day} {self.started_at:%b %Y}"
        return title[0].upper() + title[1:]


class AuthorRole(models.TextChoices):
    AGENT = "agent", "Agent"
    CUSTOMER = "customer", "Customer"
    BOT = "bot", "Bot"
    SYSTEM = "system", "System"


class Message(models.Model):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    position = models.PositiveIntegerField()
    external_id = models.CharField(max_length=120, blank=True)
    author_role = models.CharField(max_length=10, choices=AuthorRole.choices)
    author_name = models.CharField(max_length=160, blank=True)
    author_external_id = models.CharField(max_length=120, blank=True)
    is_internal_note = models.BooleanField(default=False)
    sent_at = models.DateTimeField()
    text = models.TextField(blank=True)
    attachments = models.JSONField(default=list, blank=True, help_text="[{name, size, content_type}], not fetched")

    class Meta:
        ordering = ["conversation", "position"]
        constraints = [
            models.UniqueConstraint(fields=["conversation", "position"], name="message_unique_position"),
            models.CheckConstraint(condition=Q(author_role__in=AuthorRole.values), name="message_author_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.conversation_id}#{self.position} {self.author_role}"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class ImportJob(models.Model):
    """One uploaded file being imported in the background, with its progress and rejected records."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="import_jobs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    freelancer = models.ForeignKey(
        "marketplace.FreelancerProfile", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    format = models.CharField(max_length=20, blank=True, help_text="Empty: detected from the content")
    filename = models.CharField(max_length=200)
    file = models.FileField(upload_to="qa_imports/%Y/%m/", blank=True)
    size = models.PositiveBigIntegerField(default=0)
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    bytes_read = models.PositiveBigIntegerField(default=0)
    total_records = models.PositiveIntegerField(default=0, help_text="Records found by the checking pass")
    imported = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    rejections = models.JSONField(default=list, blank=True, help_text="[{position, external_id, reason}]")
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=now, editable=False)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ImportStatus.values), name="import_job_status_valid"),
        ]

    def __str__(self) -> str:
        return f"Import {self.filename} ({self.status})"

    @property
    def processed(self) -> int:
        return self.imported + self.updated + self.rejected

    @property
    def percent(self) -> int:
        """Checking the file is the first 10 %, storing the records the other 90 %."""
        if self.status == ImportStatus.DONE:
            return 100
        if not self.total_records:
            return min(9, int(self.bytes_read * 10 / self.size)) if self.size else 0
        return min(99, 10 + int(self.processed * 90 / self.total_records))

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)


class ReviewKind(models.TextChoices):
    PRODUCTION = "production", "Production"
    CALIBRATION = "calibration", "Calibration"  # never counts toward IQS
    VETTING = "vetting", "Vetting"  # never counts toward IQS


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"


class Review(models.Model):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="reviews")
    rubric_version = models.ForeignKey(RubricVersion, on_delete=models.PROTECT, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="qa_reviews")
    kind = models.CharField(max_length=16, choices=ReviewKind.choices, default=ReviewKind.PRODUCTION)
    status = models.CharField(max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT)
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    critical_fail = models.BooleanField(default=False)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(default=now, editable=False)
    updated_at = models.DateTimeField(default=now)
    submitted_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-submitted_at", "-created_at", "-id"]
        indexes = [models.Index(fields=["kind", "status", "submitted_at"])]
        constraints = [
            models.UniqueConstraint(fields=["conversation", "reviewer", "kind"], name="review_unique_per_reviewer"),
            models.CheckConstraint(condition=Q(kind__in=ReviewKind.values), name="review_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=ReviewStatus.values), name="review_status_valid"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100), name="review_score_range"
            ),
        ]

    def __str__(self) -> str:
        return f"Review of {self.conversation} by {self.reviewer}"

    @property
    def is_submitted(self) -> bool:
        return self.status == ReviewStatus.SUBMITTED


class CriterionScore(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    value = models.SmallIntegerField(null=True, blank=True, help_text="Empty = N/A")
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["review", "criterion__section__position", "criterion__position", "criterion_id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="criterion_score_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion.key}={'N/A' if self.value is None else self.value}"

    @property
    def is_na(self) -> bool:
        return self.value is None


class DisputeStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACCEPTED = "accepted", "Accepted"
    PARTLY_ACCEPTED = "partly_accepted", "Partly accepted"
    REJECTED = "rejected", "Rejected"


class Dispute(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="disputes")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=DisputeStatus.choices, default=DisputeStatus.OPEN)
    resolver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolution_comment = models.TextField(blank=True)
    score_before = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    score_after = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(default=now, editable=False)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["review"], condition=Q(status="open"), name="dispute_one_open_per_review"),
            models.CheckConstraint(condition=Q(status__in=DisputeStatus.values), name="dispute_status_valid"),
        ]

    def __str__(self) -> str:
        return f"Dispute on {self.review} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status == DisputeStatus.OPEN


class DisputeItem(models.Model):
    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="items")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    comment = models.TextField(help_text="Why the grade is wrong (required)")
    original_value = models.SmallIntegerField(null=True, blank=True)
    new_value = models.SmallIntegerField(null=True, blank=True, help_text="The resolved value; empty = N/A")
    changed = models.BooleanField(default=False)

    class Meta:
        ordering = ["dispute", "criterion__section__position", "criterion__position"]
        constraints = [models.UniqueConstraint(fields=["dispute", "criterion"], name="dispute_item_unique")]

    def __str__(self) -> str:
        return f"{self.dispute_id}: {self.criterion_id}"


class ReviewRollup(models.Model):
    """Submitted production reviews summed per ISO week (of ``submitted_at``), seller, freelancer, rubric version
    and reviewer; kept exact by ``rollups.py`` in the transaction of every review and dispute change.

    Ids are plain columns (0 = none) so that a key is never NULL and the upsert has one conflict target.
    """

    week = models.DateField(help_text="Monday of the ISO week")
    organization_id = models.BigIntegerField(help_text="0: no seller")
    freelancer_id = models.BigIntegerField(help_text="0: no freelancer")
    rubric_version_id = models.BigIntegerField()
    reviewer_id = models.BigIntegerField()
    reviews = models.IntegerField(default=0)
    scored = models.IntegerField(default=0, help_text="Reviews with a score")
    score_sum = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal(0))
    critical_fails = models.IntegerField(default=0)
    disputes_open = models.IntegerField(default=0)
    disputes_accepted = models.IntegerField(default=0)
    disputes_partly = models.IntegerField(default=0)
    disputes_rejected = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["week", "organization_id", "freelancer_id", "rubric_version_id", "reviewer_id"],
                name="review_rollup_unique_key",
            ),
        ]
        indexes = [models.Index(fields=["organization_id", "week"], name="review_rollup_org_week")]

    def __str__(self) -> str:
        return f"{self.week} org {self.organization_id} freelancer {self.freelancer_id}: {self.reviews}"


class CriterionSums(models.Model):
    """Rated criterion scores (count and value sum) of one seller, freelancer, rubric version and criterion."""

    organization_id = models.BigIntegerField(help_text="0: no seller")
    freelancer_id = models.BigIntegerField(help_text="0: no freelancer")
    rubric_version_id = models.BigIntegerField()
    criterion_id = models.BigIntegerField()
    scores = models.IntegerField(default=0)
    value_sum = models.IntegerField(default=0)

    class Meta:
        abstract = True


class CriterionRollup(CriterionSums):
    """Rated (not N/A) criterion scores of submitted production reviews summed per ISO week, seller,
    freelancer, rubric version and criterion. Points lost follow from the sum: weight × (max − sum/n) / (max − min).
    """

    week = models.DateField(help_text="Monday of the ISO week")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["week", "organization_id", "freelancer_id", "rubric_version_id", "criterion_id"],
                name="criterion_rollup_unique_key",
            ),
        ]
        indexes = [models.Index(fields=["organization_id", "week"], name="criterion_rollup_org_week")]

    def __str__(self) -> str:
        return f"{self.week} freelancer {self.freelancer_id} criterion {self.criterion_id}: {self.scores}"


class CriterionBlockRollup(CriterionSums):
    """The weekly criterion sums added up over aligned blocks of 4 and 16 ISO weeks.

    A long period is read as its whole blocks plus the weeks at its edges (``rollups.period_pieces``), so the
    heat map sums a handful of rows per freelancer and criterion instead of one per week. Blocks start on the
    Mondays ``BLOCK_EPOCH + k × weeks`` and are kept by the same writers, in the same transaction.
    """

    weeks = models.PositiveSmallIntegerField(help_text="block length in ISO weeks: 4 or 16")
    start = models.DateField(help_text="Monday of the block's first week")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["weeks", "start", "organization_id", "freelancer_id", "rubric_version_id", "criterion_id"],
                name="criterion_block_rollup_unique_key",
            ),
        ]
        indexes = [models.Index(fields=["organization_id", "weeks", "start"], name="criterion_block_org_start")]

    def __str__(self) -> str:
        return f"{self.weeks} weeks from {self.start} freelancer {self.freelancer_id} criterion {self.criterion_id}"
