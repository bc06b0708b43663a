"""Billing: invoices, payments, payouts, bonuses and the double-entry ledger."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.timezone import now

from accounts.models import Organization
from marketplace.models import Contract, FreelancerProfile

MONEY = {"max_digits": 14, "decimal_places": 2}


# ---------------------------------------------------------------- ledger
class AccountType(models.TextChoices):
    SELLER_RECEIVABLE = "seller_receivable", "Seller receivable"
    PLATFORM_REVENUE = "platform_revenue", "Platform revenue"
    FREELANCER_PAYABLE = "freelancer_payable", "Freelancer payable"
    GATEWAY_CLEARING = "gateway_clearing", "Gateway clearing"
    BONUS_EXPENSE = "bonus_expense", "Bonus expense"


class LedgerAccount(models.Model):
    """One account of the chart; party accounts carry their organization or freelancer. ``key`` is natural."""

    key = models.CharField(max_length=120, unique=True)
    type = models.CharField(max_length=32, choices=AccountType.choices)
    currency = models.CharField(max_length=3)
    organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    freelancer = models.ForeignKey(FreelancerProfile, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["key"]
        constraints = [
            models.CheckConstraint(condition=models.Q(type__in=AccountType.values), name="ledger_account_type_valid")
        ]

    def __str__(self) -> str:
        return self.key


class JournalEntry(models.Model):
    """Append-only. Written only through ``billing.ledger.post_entry``; corrections are reversing entries."""

    idempotency_key = models.CharField(max_length=160, unique=True)
    memo = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=now, editable=False)
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by")
    invoice = models.ForeignKey("Invoice", null=True, blank=True, on_delete=models.PROTECT, related_name="entries")
    payout = models.ForeignKey("Payout", null=True, blank=True, on_delete=models.PROTECT, related_name="entries")

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "journal entries"

    def __str__(self) -> str:
        return f"{self.idempotency_key}: {self.memo}"


class Posting(models.Model):
    """One leg of an entry: positive = debit, negative = credit. Legs of an entry sum to zero per currency."""

    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="postings")
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="postings")
    amount = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3)

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=~models.Q(amount=0), name="posting_amount_non_zero")]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} on account {self.account_id}"


# ---------------------------------------------------------------- payment set-up
class BillingProfile(models.Model):
    """A seller's payment set-up: the Stripe customer and saved card, and the run of failed charges."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="billing_profile")
    stripe_customer_id = models.CharField(max_length=64, blank=True)
    payment_method_id = models.CharField(max_length=64, blank=True)
    card_brand = models.CharField(max_length=20, blank=True)
    card_last4 = models.CharField(max_length=4, blank=True)
    card_exp_month = models.PositiveSmallIntegerField(null=True, blank=True)
    card_exp_year = models.PositiveSmallIntegerField(null=True, blank=True)
    consecutive_failures = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Billing profile of {self.organization}"

    @property
    def has_card(self) -> bool:
        return bool(self.payment_method_id)


class PayoutRail(models.TextChoices):
    STRIPE_CONNECT = "stripe_connect", "Stripe Connect transfer"
    MANUAL = "manual", "Manual payout batch (bank / e-wallet)"


class PayoutAccount(models.Model):
    freelancer = models.OneToOneField(FreelancerProfile, on_delete=models.CASCADE, related_name="payout_account")
    rail = models.CharField(max_length=20, choices=PayoutRail.choices, default=PayoutRail.MANUAL)
    stripe_account_id = models.CharField(max_length=64, blank=True)
    manual_details = models.CharField(max_length=200, blank=True, help_text="e.g. GCash 0917… or IBAN")

    def __str__(self) -> str:
        return f"{self.freelancer} via {self.get_rail_display()}"

    def clean(self) -> None:
        if self.rail == PayoutRail.STRIPE_CONNECT and not self.stripe_account_id.startswith("acct_"):
            raise ValidationError({"stripe_account_id": "A Connect payout needs the account id (acct_…)."})


# ---------------------------------------------------------------- invoices
class InvoiceCounter(models.Model):
    """Gap-free numbering: one row per year, locked with select_for_update when a number is taken."""

    year = models.PositiveSmallIntegerField(unique=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open"
    PAID = "paid", "Paid"
    PAYMENT_FAILED = "payment_failed", "Payment failed"
    VOID = "void", "Void"


class Invoice(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="invoices")
    week_start = models.DateField(help_text="Monday of the billed week (UTC)")
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=20, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT)
    number = models.CharField(max_length=20, blank=True)
    subtotal = models.DecimalField(**MONEY, default=Decimal("0"))
    fee = models.DecimalField(**MONEY, default=Decimal("0"))
    total = models.DecimalField(**MONEY, default=Decimal("0"))
    created_at = models.DateTimeField(default=now, editable=False)
    issued_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    payment_attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_payment_error = models.CharField(max_length=300, blank=True)
    paid_via = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["-week_start", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "week_start", "currency"], name="invoice_one_per_week"),
            models.UniqueConstraint(fields=["number"], condition=~models.Q(number=""), name="invoice_number_unique"),
            models.CheckConstraint(condition=models.Q(status__in=InvoiceStatus.values), name="invoice_status_valid"),
            models.CheckConstraint(condition=models.Q(total=models.F("subtotal")), name="invoice_total_is_subtotal"),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return self.number or f"Draft invoice {self.pk} ({self.organization}, week of {self.week_start})"


class LineKind(models.TextChoices):
    TIME = "time", "Hours"
    BONUS = "bonus", "Bonus"


class InvoiceLine(models.Model):
    """``amount`` is billed to the seller; ``pay_amount`` goes to the freelancer; the difference is our fee."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(max_length=10, choices=LineKind.choices)
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="invoice_lines")
    description = models.CharField(max_length=300)
    quantity = models.DecimalField(max_digits=10, decimal_places=4, default=Decimal("1"))
    unit_price = models.DecimalField(max_digits=12, decimal_places=4)
    amount = models.DecimalField(**MONEY)
    pay_amount = models.DecimalField(**MONEY)
    evidence = models.JSONField(default=dict, blank=True)
    source_key = models.CharField(max_length=80, help_text="what produced the line, unique per invoice")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "source_key"], name="invoice_line_source_unique"),
            models.CheckConstraint(condition=models.Q(amount__gte=models.F("pay_amount")), name="line_covers_pay"),
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def fee_amount(self) -> Decimal:
        return self.amount - self.pay_amount


class AttemptStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SUCCEEDED = "succeeded", "Succeeded"
    REQUIRES_ACTION = "requires_action", "Needs 3-D Secure"
    FAILED = "failed", "Failed"


class PaymentAttempt(models.Model):
    """Our record of one charge attempt at the gateway; the idempotency key is what the gateway sees."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="attempts")
    number = models.PositiveSmallIntegerField()
    gateway = models.CharField(max_length=20)
    idempotency_key = models.CharField(max_length=120, unique=True)
    amount = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=20, choices=AttemptStatus.choices, default=AttemptStatus.PENDING)
    payment_intent_id = models.CharField(max_length=64, blank=True)
    charge_id = models.CharField(max_length=64, blank=True)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=now, editable=False)

    class Meta:
        ordering = ["invoice", "number"]
        constraints = [models.UniqueConstraint(fields=["invoice", "number"], name="attempt_number_unique")]

    def __str__(self) -> str:
        return f"Attempt {self.number} on invoice {self.invoice_id}: {self.status}"


# ---------------------------------------------------------------- payouts
class PayoutStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    CONFIRMED = "confirmed", "Confirmed"
    FAILED = "failed", "Failed"


class PayoutBatch(models.Model):
    """A CSV of manual payouts for other rails, marked sent and then confirmed by ops."""

    created_at = models.DateTimeField(default=now, editable=False)
    status = models.CharField(max_length=20, choices=PayoutStatus.choices, default=PayoutStatus.PENDING)
    sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "payout batches"

    def __str__(self) -> str:
        return f"Payout batch {self.pk}"


class Payout(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payouts")
    freelancer = models.ForeignKey(FreelancerProfile, on_delete=models.PROTECT, related_name="payouts")
    amount = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3)
    rail = models.CharField(max_length=20, choices=PayoutRail.choices)
    status = models.CharField(max_length=20, choices=PayoutStatus.choices, default=PayoutStatus.PENDING)
    transfer_id = models.CharField(max_length=64, blank=True)
    batch = models.ForeignKey(PayoutBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="payouts")
    created_at = models.DateTimeField(default=now, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "freelancer"], name="payout_one_per_invoice_freelancer"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payout_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"Payout {self.pk} to {self.freelancer}"

    @property
    def idempotency_key(self) -> str:
        return f"payout-{self.pk}"


# ---------------------------------------------------------------- bonuses
class BonusRule(models.Model):
    """Tiers on the period's IQS: ``[{"min_iqs": "90", "percent": "5"}, {"min_iqs": "95", "fixed": "50"}]``."""

    contract = models.OneToOneField(Contract, on_delete=models.CASCADE, related_name="bonus_rule")
    tiers = models.JSONField(default=list)
    min_reviews = models.PositiveSmallIntegerField(default=5)
    require_no_critical_fail = models.BooleanField(default=True)
    min_schedule_adherence = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"Bonus rule for {self.contract}"

    def clean(self) -> None:
        from .bonuses import parse_tiers

        try:
            parse_tiers(self.tiers)
        except ValueError as exc:
            raise ValidationError({"tiers": str(exc)}) from exc


class BonusKind(models.TextChoices):
    RULE = "rule", "QA bonus"
    ONE_OFF = "one_off", "One-off bonus"


class BonusStatus(models.TextChoices):
    EARNED = "earned", "Earned"
    MISSED = "missed", "Missed"


class Bonus(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="bonuses")
    kind = models.CharField(max_length=10, choices=BonusKind.choices)
    status = models.CharField(max_length=10, choices=BonusStatus.choices, default=BonusStatus.EARNED)
    period_start = models.DateField()
    amount = models.DecimalField(**MONEY, default=Decimal("0"))
    currency = models.CharField(max_length=3)
    message = models.CharField(max_length=300, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    evidence = models.JSONField(default=dict, blank=True)
    invoice_line = models.OneToOneField(
        InvoiceLine, null=True, blank=True, on_delete=models.SET_NULL, related_name="bonus"
    )
    created_at = models.DateTimeField(default=now, editable=False)

    class Meta:
        ordering = ["-period_start", "-id"]
        verbose_name_plural = "bonuses"
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "period_start"], condition=models.Q(kind="rule"), name="bonus_rule_once_per_period"
            ),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="bonus_amount_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} {self.currency}, week of {self.period_start}"

    @property
    def iqs_note(self) -> str:
        """The week's IQS when the reason does not already state it (a bonus missed for too few reviews)."""
        iqs = (self.evidence or {}).get("iqs")
        return "" if not iqs or f"IQS {iqs}" in self.reason else f"IQS {iqs}"


# ---------------------------------------------------------------- webhooks
class StripeEvent(models.Model):
    event_id = models.CharField(max_length=80, unique=True)
    type = models.CharField(max_length=80)
    object_id = models.CharField(max_length=80, blank=True)
    payload = models.JSONField()
    received_at = models.DateTimeField(default=now, editable=False)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"
