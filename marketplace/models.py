from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.timezone import now

from accounts.models import Organization


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
