"""QA at scale: sampling rules and review assignments, AutoQA suggestions, calibration sessions.

Builds on ``qa_scoring`` (conversations, rubrics, reviews); ``qa_scoring`` never imports this app.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.timezone import now

from accounts.models import Organization
from qa_scoring.sampling import Period, Strategy


class SamplingPeriod(models.TextChoices):
    WEEK = Period.WEEK, "Week"
    MONTH = Period.MONTH, "Month"


class SamplingStrategy(models.TextChoices):
    RANDOM = Strategy.RANDOM, "Random (seeded)"
    LOW_CSAT = Strategy.LOW_CSAT, "Lowest CSAT first"
    LONGEST = Strategy.LONGEST, "Longest first"
    TARGETED = Strategy.TARGETED, "Keyword / tag targeted"
    AUTOQA_FLAGGED = Strategy.AUTOQA_FLAGGED, "AutoQA-flagged first"


class SamplingRule(models.Model):
    """Which conversations of a seller (or one contract) to review per freelancer per period."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="sampling_rules")
    contract = models.ForeignKey(
        "marketplace.Contract", on_delete=models.CASCADE, null=True, blank=True, related_name="sampling_rules"
    )
    name = models.CharField(max_length=120)
    period = models.CharField(max_length=8, choices=SamplingPeriod.choices, default=SamplingPeriod.WEEK)
    count = models.PositiveIntegerField(null=True, blank=True, help_text="Conversations per freelancer per period")
    percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="… or a percentage of each freelancer's eligible conversations (rounded up)",
    )
    strategy = models.CharField(max_length=16, choices=SamplingStrategy.choices, default=SamplingStrategy.RANDOM)
    seed = models.BigIntegerField(default=0, help_text="Recorded so a random sample can be reproduced")
    keywords = models.JSONField(default=list, blank=True, help_text="Targeted: words to look for in messages")
    tags = models.JSONField(default=list, blank=True, help_text="Targeted: conversation tags to look for")
    min_messages = models.PositiveSmallIntegerField(default=2, help_text="Shorter conversations are left out")
    exclude_reviewed = models.BooleanField(default=True)
    exclude_bot_only = models.BooleanField(default=True)
    due_days = models.PositiveSmallIntegerField(default=5, validators=[MinValueValidator(1), MaxValueValidator(60)])
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=now, editable=False)

    class Meta:
        ordering = ["organization_id", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(count__isnull=False) & Q(percent__isnull=True))
                | (Q(count__isnull=True) & Q(percent__isnull=False)),
                name="sampling_rule_count_xor_percent",
            ),
            models.CheckConstraint(condition=Q(period__in=SamplingPeriod.values), name="sampling_rule_period_valid"),
            models.CheckConstraint(
                condition=Q(strategy__in=SamplingStrategy.values), name="sampling_rule_strategy_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if (self.count is None) == (self.percent is None):
            raise ValidationError({"count": "Give either a count or a percentage per freelancer, not both."})
        if self.contract_id and self.organization_id and self.contract.organization_id != self.organization_id:
            raise ValidationError({"contract": "This contract belongs to another seller."})
        if self.strategy == SamplingStrategy.TARGETED and not (self.keywords or self.tags):
            raise ValidationError({"keywords": "A targeted rule needs at least one keyword or tag."})
        for field in ("keywords", "tags"):
            value = getattr(self, field)
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                raise ValidationError({field: "Give a list of words."})


class ReviewerGoal(models.Model):
    """How many reviews a reviewer takes on per week; sampling never assigns past it."""

    reviewer = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="qa_goal")
    weekly_goal = models.PositiveIntegerField(default=20, validators=[MaxValueValidator(10000)])

    def __str__(self) -> str:
        return f"{self.reviewer}: {self.weekly_goal}/week"


class SamplingRun(models.Model):
    """Claims one (rule, period): a second or concurrent run of the same period finds it and stops."""

    rule = models.ForeignKey(SamplingRule, on_delete=models.CASCADE, related_name="runs")
    period_start = models.DateTimeField()
    started_at = models.DateTimeField(default=now, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True)
    created = models.PositiveIntegerField(default=0)
    unassigned = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-period_start", "-id"]
        constraints = [models.UniqueConstraint(fields=["rule", "period_start"], name="sampling_run_unique_period")]

    def __str__(self) -> str:
        return f"{self.rule} from {self.period_start:%Y-%m-%d}"


class AssignmentStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    REMOVED = "removed", "Removed"


class ReviewAssignment(models.Model):
    conversation = models.ForeignKey(
        "qa_scoring.Conversation", on_delete=models.CASCADE, related_name="review_assignments"
    )
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="qa_assignments")
    rule = models.ForeignKey(SamplingRule, on_delete=models.CASCADE, related_name="assignments")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    period_start = models.DateTimeField()
    due_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=AssignmentStatus.choices, default=AssignmentStatus.OPEN)
    reason = models.CharField(max_length=300, blank=True, help_text="Why it was reassigned or removed")
    created_at = models.DateTimeField(default=now, editable=False)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["reviewer", "status", "due_at"]),
            models.Index(fields=["organization", "status", "due_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "rule", "period_start"], name="review_assignment_unique_per_period"
            ),
            models.CheckConstraint(condition=Q(status__in=AssignmentStatus.values), name="assignment_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.conversation} → {self.reviewer}"

    def is_overdue(self, at=None) -> bool:
        return self.status == AssignmentStatus.OPEN and self.due_at < (at or now())


class AutoQASuggestion(models.Model):
    conversation = models.ForeignKey("qa_scoring.Conversation", on_delete=models.CASCADE, related_name="autoqa")
    check_key = models.CharField(max_length=40)
    criterion_key = models.CharField(max_length=60)
    value = models.SmallIntegerField()
    confidence = models.DecimalField(max_digits=4, decimal_places=3)
    explanation = models.CharField(max_length=500, blank=True)
    evidence = models.JSONField(default=list, blank=True, help_text="[{message_id, start, end, quote}]")
    created_at = models.DateTimeField(default=now, editable=False)

    class Meta:
        ordering = ["conversation", "check_key"]
        constraints = [
            models.UniqueConstraint(fields=["conversation", "check_key"], name="autoqa_suggestion_unique_check"),
        ]

    def __str__(self) -> str:
        return f"{self.check_key}: {self.criterion_key}={self.value}"

    @property
    def flagged(self) -> bool:
        """Checks suggest 0 when the agent fails the criterion."""
        return self.value == 0


class AutoQARun(models.Model):
    """One per conversation: claimed before the checks run, so a sweep and an import task never both run."""

    conversation = models.OneToOneField(
        "qa_scoring.Conversation", on_delete=models.CASCADE, related_name="autoqa_run", primary_key=True
    )
    claimed_at = models.DateTimeField(default=now)
    finished_at = models.DateTimeField(null=True, blank=True)
    suggestion_count = models.PositiveSmallIntegerField(default=0)

    def __str__(self) -> str:
        return f"AutoQA run for {self.conversation_id}"


class AutoQACheckSetting(models.Model):
    """A check switched off here stops suggesting (existing suggestions stay for the record)."""

    check_key = models.CharField(max_length=40, unique=True)
    enabled = models.BooleanField(default=True)
    updated_at = models.DateTimeField(default=now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.check_key}: {'on' if self.enabled else 'off'}"


class Baseline(models.TextChoices):
    CONSENSUS = "consensus", "Consensus (median)"
    EXPERT = "expert", "Expert's grade"


class CalibrationStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class CalibrationSession(models.Model):
    """Several reviewers grade the same conversations blind; the results measure how much they agree.

    Grades are stored here, not as qa_scoring Reviews, so they never reach IQS or any freelancer's record.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="calibration_sessions"
    )
    title = models.CharField(max_length=160)
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    rubric_version = models.ForeignKey("qa_scoring.RubricVersion", on_delete=models.PROTECT, related_name="+")
    conversations = models.ManyToManyField("qa_scoring.Conversation", related_name="calibration_sessions")
    baseline = models.CharField(max_length=12, choices=Baseline.choices, default=Baseline.CONSENSUS)
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    deadline = models.DateTimeField()
    status = models.CharField(max_length=8, choices=CalibrationStatus.choices, default=CalibrationStatus.OPEN)
    created_at = models.DateTimeField(default=now, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True)
    results = models.JSONField(default=dict, blank=True, help_text="Figures frozen when the session closes")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(baseline="consensus") | Q(expert__isnull=False), name="calibration_expert_baseline"
            ),
            models.CheckConstraint(condition=Q(status__in=CalibrationStatus.values), name="calibration_status_valid"),
        ]

    def __str__(self) -> str:
        return self.title


class CalibrationParticipant(models.Model):
    session = models.ForeignKey(CalibrationSession, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="calibrations")
    submitted_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["session", "user_id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="calibration_participant_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.session}"


class CalibrationGrade(models.Model):
    participant = models.ForeignKey(CalibrationParticipant, on_delete=models.CASCADE, related_name="grades")
    conversation = models.ForeignKey("qa_scoring.Conversation", on_delete=models.CASCADE, related_name="+")
    criterion = models.ForeignKey("qa_scoring.Criterion", on_delete=models.PROTECT, related_name="+")
    value = models.SmallIntegerField(null=True, blank=True, help_text="Empty = N/A")

    class Meta:
        ordering = ["participant", "conversation", "criterion"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "conversation", "criterion"], name="calibration_grade_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}={self.value}"
