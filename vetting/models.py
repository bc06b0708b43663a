"""The vetting pipeline: an application moves through five fixed stages, each leaving a StageResult.

Rows here only hold facts and row-local guards; every change goes through ``vetting.services``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.timezone import now

from marketplace.models import FreelancerProfile


class Stage(models.TextChoices):
    PROFILE_SCREEN = "profile_screen", "Profile screen"
    ASSESSMENT = "assessment", "Written assessment"
    INTERVIEW = "interview", "Interview"
    CHECKS = "checks", "Checks"
    DECISION = "decision", "Decision"


# The fixed order. The four scored stages come before the decision.
STAGE_ORDER: list[str] = [s.value for s in Stage]
SCORED_STAGES: list[str] = STAGE_ORDER[:-1]


def next_stage(stage: str) -> str:
    return STAGE_ORDER[STAGE_ORDER.index(stage) + 1]


class ApplicationStatus(models.TextChoices):
    OPEN = "open", "Open"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    SUSPENDED = "suspended", "Suspended"


class RejectionReason(models.TextChoices):
    PROFILE = "profile", "Profile does not meet the requirements"
    ASSESSMENT = "assessment", "Written assessment below the bar"
    INTERVIEW = "interview", "Interview below the bar"
    CHECKS = "checks", "Checks could not be completed"
    CAPACITY = "capacity", "No demand for this profile right now"
    OTHER = "other", "Other"


class TaxForm(models.TextChoices):
    NONE = "", "Not on file"
    W8BEN = "w8ben", "W-8BEN (non-US person)"
    W9 = "w9", "W-9 (US person)"


class Application(models.Model):
    freelancer = models.ForeignKey(FreelancerProfile, on_delete=models.PROTECT, related_name="vetting_applications")
    status = models.CharField(max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.OPEN)
    stage = models.CharField(max_length=16, choices=Stage.choices, default=Stage.PROFILE_SCREEN)
    submitted_at = models.DateTimeField(default=now)
    stage_entered_at = models.DateTimeField(default=now)
    # Checks stage facts (no document files are stored).
    identity_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    identity_confirmed_at = models.DateTimeField(null=True, blank=True)
    tax_form = models.CharField(max_length=8, choices=TaxForm.choices, blank=True, default=TaxForm.NONE)
    payout_method_set = models.BooleanField(default=False)
    # Decision.
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rejection_reason = models.CharField(max_length=16, choices=RejectionReason.choices, blank=True)
    decision_notes = models.TextField(blank=True)
    reapply_after = models.DateField(null=True, blank=True)
    vetting_score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    decision_email_sent_at = models.DateTimeField(null=True, blank=True)
    suspended_at = models.DateTimeField(null=True, blank=True)
    suspended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    suspension_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["stage_entered_at", "pk"]
        indexes = [models.Index(fields=["status", "stage", "stage_entered_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["freelancer"],
                condition=Q(status="open"),
                name="vetting_one_open_application_per_freelancer",
            ),
            models.CheckConstraint(condition=Q(status__in=ApplicationStatus.values), name="vetting_status_valid"),
            models.CheckConstraint(condition=Q(stage__in=Stage.values), name="vetting_stage_valid"),
            models.CheckConstraint(
                condition=Q(vetting_score__isnull=True) | Q(vetting_score__gte=0, vetting_score__lte=100),
                name="vetting_score_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"Application #{self.pk} — {self.freelancer}"

    @property
    def is_open(self) -> bool:
        return self.status == ApplicationStatus.OPEN

    @property
    def stage_number(self) -> int:
        return STAGE_ORDER.index(self.stage) + 1


class Outcome(models.TextChoices):
    PENDING = "pending", "In progress"
    PASSED = "passed", "Passed"
    FAILED = "failed", "Failed"


class StageResult(models.Model):
    """One stage of one application. Created when the stage starts, finished once, never reopened."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="results")
    stage = models.CharField(max_length=16, choices=Stage.choices)
    outcome = models.CharField(max_length=8, choices=Outcome.choices, default=Outcome.PENDING)
    score = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    pass_mark = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    notes = models.TextField(blank=True)
    # Automatic checks: a list of {"check", "ok", "reason"} (profile screen).
    auto_checks = models.JSONField(default=list, blank=True)
    started_at = models.DateTimeField(default=now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["application", "started_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["application", "stage"], name="vetting_one_result_per_stage"),
            models.CheckConstraint(condition=Q(stage__in=Stage.values), name="vetting_result_stage_valid"),
            models.CheckConstraint(condition=Q(outcome__in=Outcome.values), name="vetting_result_outcome_valid"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100), name="vetting_result_score_0_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} of application #{self.application_id}"

    @property
    def duration(self):
        return (self.finished_at - self.started_at) if self.finished_at else None


class ScenarioCategory(models.TextChoices):
    LATE_DELIVERED = "late_delivered", "Late parcel marked delivered"
    ATOZ = "atoz", "A-to-z claim threat"
    ANGRY = "angry", "Angry buyer"
    REFUND_POLICY = "refund_policy", "Refund request outside policy"
    DAMAGED = "damaged", "Damaged item"
    OTHER = "other", "Other"


class Scenario(models.Model):
    """A realistic customer message from the assessment bank, managed by vetting staff."""

    title = models.CharField(max_length=140, unique=True)
    category = models.CharField(max_length=16, choices=ScenarioCategory.choices)
    context = models.TextField(blank=True, help_text="What the candidate knows: order, policy, tracking.")
    customer_message = models.TextField()
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["category", "title"]

    def __str__(self) -> str:
        return self.title


class AssessmentAttempt(models.Model):
    """The one attempt of an application (OneToOne), with its drawn scenarios and time limit."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="assessment")
    started_at = models.DateTimeField(default=now)
    deadline = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    # The platform-owned QA conversation and review that grade it (qa_scoring ids; see vetting.grading).
    conversation_id = models.PositiveBigIntegerField(null=True, blank=True)
    review_id = models.PositiveBigIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Assessment of application #{self.application_id}"

    def is_late(self, at=None) -> bool:
        return (at or now()) > self.deadline


class AssessmentAnswer(models.Model):
    attempt = models.ForeignKey(AssessmentAttempt, on_delete=models.CASCADE, related_name="answers")
    scenario = models.ForeignKey(Scenario, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    answer = models.TextField(blank=True)

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "scenario"], name="vetting_answer_once_per_scenario"),
        ]

    def __str__(self) -> str:
        return f"Answer {self.position} of attempt #{self.attempt_id}"


class InterviewSlot(models.Model):
    interviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(
        default=30, validators=[MinValueValidator(15), MaxValueValidator(120)]
    )
    application = models.OneToOneField(
        Application, on_delete=models.SET_NULL, null=True, blank=True, related_name="interview_slot"
    )
    booked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["interviewer", "starts_at"], name="vetting_slot_unique_per_interviewer"),
        ]

    def __str__(self) -> str:
        return f"Interview slot {self.starts_at:%Y-%m-%d %H:%M} UTC with {self.interviewer}"


SCORECARD_CRITERIA = [
    ("communication", "Communication"),
    ("english", "English"),
    ("reliability", "Reliability"),
    ("customer_mindset", "Customer mindset"),
]


def _rating():
    return models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])


class InterviewScorecard(models.Model):
    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="scorecard")
    interviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    communication = _rating()
    communication_notes = models.TextField(blank=True)
    english = _rating()
    english_notes = models.TextField(blank=True)
    reliability = _rating()
    reliability_notes = models.TextField(blank=True)
    customer_mindset = _rating()
    customer_mindset_notes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(communication__range=(1, 5))
                & Q(english__range=(1, 5))
                & Q(reliability__range=(1, 5))
                & Q(customer_mindset__range=(1, 5)),
                name="vetting_scorecard_ratings_1_5",
            ),
        ]

    def __str__(self) -> str:
        return f"Interview scorecard of application #{self.application_id}"


class Reference(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="references")
    name = models.CharField(max_length=120)
    relationship = models.CharField(max_length=120, help_text="e.g. former team lead at …")
    contact = models.CharField(max_length=200, help_text="E-mail or phone used to reach them")
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["application", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["application", "contact"], name="vetting_reference_unique_contact"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.relationship})"
