"""Every write in billing: invoices, charges, payouts, bonuses, webhook events.

Issuing lives in ``billing.issuing``, marking paid in ``billing.payments`` and payouts in ``billing.payouts``;
their services are re-exported here under the same names.

Money paths are idempotent: rows are claimed with conditional updates or row locks, unique constraints back
every "once" (one invoice per seller per week, one payout per invoice and freelancer, one ledger entry per
key, one webhook event per id), and gateway calls carry stable idempotency keys so a retry after a timeout,
a 5xx or a crash cannot charge or pay twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import Organization
from marketplace.models import Contract, ContractStatus, FreelancerProfile

from . import sources
from .bonuses import decide, parse_tiers
from .gateways import ChargeResult, get_gateway
from .issuing import _invoice_build as _invoice_build
from .issuing import invoice_finalize, invoices_generate, week_start_of
from .issuing import invoices_issue as invoices_issue
from .models import (
    AttemptStatus,
    BillingProfile,
    Bonus,
    BonusKind,
    BonusRule,
    BonusStatus,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    LineKind,
    PaymentAttempt,
    StripeEvent,
)
from .money import round_money
from .payments import CHARGEABLE, _require_manager, invoice_mark_paid, invoice_void
from .payments import _require_ops as _require_ops
from .payments import invoices_mark_paid as invoices_mark_paid
from .payouts import (
    payout_batch_create,
    payout_batch_mark_confirmed,
    payout_batch_mark_sent,
    payout_send,
    payouts_create,
)
from .payouts import payouts_create_many as payouts_create_many


# ================================================================ charging
def _claim_attempt(invoice_id: int, gateway_name: str) -> tuple[Invoice, PaymentAttempt] | None:
    with transaction.atomic():
        invoice = (
            Invoice.objects.select_for_update()
            .filter(pk=invoice_id, status__in=CHARGEABLE)
            .filter(next_attempt_at__lte=timezone.now())
            .first()
        )
        if invoice is None:
            return None
        pending = invoice.attempts.filter(status=AttemptStatus.PENDING).first()
        if pending is not None:  # a previous run died mid-call: retry with the SAME idempotency key
            return invoice, pending
        number = invoice.attempts.count() + 1
        attempt = PaymentAttempt.objects.create(
            invoice=invoice,
            number=number,
            gateway=gateway_name,
            idempotency_key=f"invoice-{invoice.pk}-{invoice.number}-attempt-{number}",
            amount=invoice.total,
            currency=invoice.currency,
        )
        return invoice, attempt


def invoice_charge(*, invoice_id: int, gateway=None) -> str:
    """Charge an open invoice off-session. Returns what happened. Raises GatewayUnavailable to be retried."""
    gateway = gateway or get_gateway()
    if gateway.name == "manual":
        return "manual"  # ops mark it paid when the transfer arrives
    claimed = _claim_attempt(invoice_id, gateway.name)
    if claimed is None:
        return "skipped"
    invoice, attempt = claimed
    profile = BillingProfile.objects.filter(organization_id=invoice.organization_id).first()
    result = gateway.charge(invoice=invoice, profile=profile, idempotency_key=attempt.idempotency_key)
    return payment_result_record(attempt_id=attempt.pk, result=result)


@transaction.atomic
def payment_result_record(*, attempt_id: int, result: ChargeResult) -> str:
    """Apply a gateway answer to our attempt and invoice, once (the attempt row is the claim)."""
    attempt = PaymentAttempt.objects.select_for_update().select_related("invoice").get(pk=attempt_id)
    if attempt.status == AttemptStatus.SUCCEEDED or result.status == "pending":
        return attempt.status
    if attempt.status == AttemptStatus.FAILED and result.status != "succeeded":
        return attempt.status
    was_failed = attempt.status in (AttemptStatus.FAILED, AttemptStatus.REQUIRES_ACTION)
    attempt.payment_intent_id = result.payment_intent_id or attempt.payment_intent_id
    attempt.charge_id = result.charge_id or attempt.charge_id
    attempt.error = result.error[:300]
    invoice = attempt.invoice
    if result.status == "succeeded":
        attempt.status = AttemptStatus.SUCCEEDED
        attempt.save()
        invoice_mark_paid(invoice=invoice, via=attempt.gateway, charge_id=attempt.charge_id)
        return "succeeded"
    attempt.status = AttemptStatus.REQUIRES_ACTION if result.status == "requires_action" else AttemptStatus.FAILED
    attempt.save()
    if was_failed:
        return attempt.status
    _payment_failed(invoice=invoice, error=result.error, attempt_number=attempt.number)
    return attempt.status


def _payment_failed(*, invoice: Invoice, error: str, attempt_number: int) -> None:
    schedule = settings.BILLING_RETRY_SCHEDULE_HOURS
    next_at = (
        timezone.now() + dt.timedelta(hours=schedule[attempt_number - 1]) if attempt_number <= len(schedule) else None
    )
    Invoice.objects.filter(pk=invoice.pk, status__in=CHARGEABLE).update(
        status=InvoiceStatus.PAYMENT_FAILED,
        payment_attempts=attempt_number,
        next_attempt_at=next_at,
        last_payment_error=error[:300],
    )
    profile, _ = BillingProfile.objects.get_or_create(organization_id=invoice.organization_id)
    BillingProfile.objects.filter(pk=profile.pk).update(consecutive_failures=profile.consecutive_failures + 1)
    failures = profile.consecutive_failures + 1
    audit_record(
        actor=None,
        action="invoice.payment_failed",
        target=invoice,
        organization=invoice.organization,
        data={"attempt": attempt_number, "error": error, "next_attempt_at": next_at},
    )
    from .tasks import notify_payment_failed

    notify_payment_failed.delay_on_commit(invoice.pk)
    if failures >= settings.BILLING_PAUSE_AFTER_FAILURES:
        _pause_contracts(organization_id=invoice.organization_id, failures=failures)


def _pause_contracts(*, organization_id: int, failures: int) -> None:
    reason = f"Paused after {failures} failed payments."
    contracts = Contract.objects.filter(organization_id=organization_id, status=ContractStatus.ACTIVE)
    try:
        from marketplace.services import contract_pause
    except ImportError:
        contract_pause = None
    for contract in contracts:
        if contract_pause is not None:
            contract_pause(contract=contract, actor=None, reason=reason)
        elif Contract.objects.filter(pk=contract.pk, status=ContractStatus.ACTIVE).update(
            status=ContractStatus.PAUSED, end_reason=reason
        ):
            audit_record(
                actor=None,
                action="contract.paused",
                target=contract,
                organization=contract.organization,
                data={"reason": reason},
            )


# ================================================================ cards (Stripe)
@transaction.atomic
def billing_profile_ensure(*, organization: Organization) -> BillingProfile:
    profile, _ = BillingProfile.objects.get_or_create(organization=organization)
    return profile


def card_setup_start(*, actor: Any, organization: Organization, gateway=None) -> tuple[str, str]:
    """Start saving a card: a Stripe customer (once) and a SetupIntent. Returns (setup intent id, client secret)."""
    _require_manager(actor, organization.pk)
    gateway = gateway or get_gateway()
    if gateway.name != "stripe":
        raise ValidationError("Card payments are not configured; invoices are paid by bank transfer.")
    profile = billing_profile_ensure(organization=organization)
    if not profile.stripe_customer_id:
        customer_id = gateway.customer_create(email=getattr(actor, "email", ""), organization_id=organization.pk)
        BillingProfile.objects.filter(pk=profile.pk, stripe_customer_id="").update(stripe_customer_id=customer_id)
        profile.refresh_from_db()
    return gateway.setup_intent_create(customer_id=profile.stripe_customer_id)


# ================================================================ bonuses
@transaction.atomic
def bonus_rule_set(
    *,
    actor: Any,
    contract: Contract,
    tiers: list[dict],
    min_reviews: int = 5,
    require_no_critical_fail: bool = True,
    min_schedule_adherence: Decimal | None = None,
) -> BonusRule:
    _require_manager(actor, contract.organization_id)
    try:
        parse_tiers(tiers)
    except ValueError as exc:
        raise ValidationError({"tiers": str(exc)}) from exc
    rule = BonusRule.objects.filter(contract=contract).first() or BonusRule(contract=contract)
    rule.contract = contract  # already loaded with its seller and freelancer: the audit label reads them
    rule.tiers = tiers
    rule.min_reviews = min_reviews
    rule.require_no_critical_fail = require_no_critical_fail
    rule.min_schedule_adherence = min_schedule_adherence
    rule.active = True
    rule.full_clean()
    rule.save()
    audit_record(
        actor=actor,
        action="bonus_rule.set",
        target=rule,
        organization=contract.organization,
        data={"tiers": tiers, "min_reviews": min_reviews},
    )
    return rule


@transaction.atomic
def bonus_one_off_create(*, actor: Any, contract: Contract, amount: Decimal, message: str) -> Bonus:
    """A seller's one-off bonus with a message; billed on the next invoice."""
    _require_manager(actor, contract.organization_id)
    if not message.strip():
        raise ValidationError({"message": "Tell the freelancer what the bonus is for."})
    if amount is None or amount <= 0:
        raise ValidationError({"amount": "The bonus must be more than zero."})
    rounded = round_money(amount, contract.currency)
    if rounded != amount:
        raise ValidationError({"amount": f"Use at most the {contract.currency} minor unit (e.g. 12.50)."})
    bonus = Bonus(
        contract=contract,
        kind=BonusKind.ONE_OFF,
        status=BonusStatus.EARNED,
        period_start=week_start_of(timezone.now().date()),
        amount=rounded,
        currency=contract.currency,
        message=message.strip()[:300],
        reason=message.strip()[:300],
    )
    bonus.full_clean()
    bonus.save()
    audit_record(
        actor=actor,
        action="bonus.one_off",
        target=bonus,
        organization=contract.organization,
        data={"amount": rounded, "message": bonus.message},
    )
    return bonus


def bonus_evaluation_due(period_start: dt.date, today: dt.date | None = None) -> bool:
    """A period's bonus is decided only once its dispute window has closed, so a won dispute counts."""
    today = today or timezone.now().date()
    window = getattr(settings, "QA_DISPUTE_WINDOW_DAYS", 7)
    return today >= period_start + dt.timedelta(days=7 + window)


def bonuses_evaluate(*, period_start: dt.date, today: dt.date | None = None) -> list[Bonus]:
    """Decide every active rule's bonus for the week, once (unique per contract and period)."""
    if not bonus_evaluation_due(period_start, today):
        return []
    period_end = period_start + dt.timedelta(days=6)
    decided = set(
        Bonus.objects.filter(kind=BonusKind.RULE, period_start=period_start).values_list("contract_id", flat=True)
    )
    rules = (
        BonusRule.objects.filter(active=True).exclude(contract_id__in=decided).select_related("contract__freelancer")
    )
    out = []
    for rule in rules:
        bonus = _bonus_decide(rule=rule, period_start=period_start, period_end=period_end)
        if bonus is not None:
            out.append(bonus)
    return out


def _bonus_decide(*, rule: BonusRule, period_start: dt.date, period_end: dt.date) -> Bonus | None:
    contract = rule.contract
    earnings = sum(
        InvoiceLine.objects.filter(contract=contract, kind=LineKind.TIME, invoice__week_start=period_start)
        .exclude(invoice__status=InvoiceStatus.VOID)
        .values_list("pay_amount", flat=True),
        Decimal("0"),
    )
    if earnings <= 0:
        return None
    score, review_ids, critical = sources.iqs(contract.freelancer, contract, period_start, period_end)
    adherence = sources.schedule_adherence(contract, period_start) if rule.min_schedule_adherence else None
    decision = decide(
        tiers=parse_tiers(rule.tiers),
        min_reviews=rule.min_reviews,
        require_no_critical_fail=rule.require_no_critical_fail,
        min_schedule_adherence=rule.min_schedule_adherence,
        iqs=score,
        review_count=len(review_ids),
        critical_fails=critical,
        adherence=adherence,
        earnings=earnings,
        currency=contract.currency,
    )
    evidence = {
        "iqs": None if score is None else str(score),
        "review_ids": review_ids,
        "critical_fails": critical,
        "schedule_adherence": None if adherence is None else str(adherence),
        "earnings": str(earnings),
        "rule": {
            "id": rule.pk,
            "tiers": rule.tiers,
            "min_reviews": rule.min_reviews,
            "require_no_critical_fail": rule.require_no_critical_fail,
            "min_schedule_adherence": None if rule.min_schedule_adherence is None else str(rule.min_schedule_adherence),
        },
    }
    try:
        with transaction.atomic():
            return Bonus.objects.create(
                contract=contract,
                kind=BonusKind.RULE,
                status=BonusStatus.EARNED if decision.amount > 0 else BonusStatus.MISSED,
                period_start=period_start,
                amount=decision.amount,
                currency=contract.currency,
                reason=decision.reason[:300],
                evidence=evidence,
            )
    except IntegrityError:  # decided concurrently
        return None


# ================================================================ webhooks
def stripe_event_record(*, event: dict) -> StripeEvent | None:
    """Store a verified event once. Returns None for a duplicate (already stored)."""
    obj = (event.get("data") or {}).get("object") or {}
    try:
        with transaction.atomic():
            stored = StripeEvent.objects.create(
                event_id=str(event["id"])[:80],
                type=str(event.get("type", ""))[:80],
                object_id=str(obj.get("id", ""))[:80],
                payload=event,
            )
    except IntegrityError:
        return None
    from .tasks import process_stripe_event

    transaction.on_commit(lambda: process_stripe_event.delay(stored.pk))
    return stored


def stripe_event_process(*, event_pk: int, gateway=None) -> str:
    """Act on the CURRENT state of the event's object (re-read from Stripe), so order and repeats do not matter."""
    event = StripeEvent.objects.get(pk=event_pk)
    if event.processed_at is not None:
        return "done"
    outcome = "ignored"
    if event.type.startswith("payment_intent.") and event.object_id:
        attempt = PaymentAttempt.objects.filter(payment_intent_id=event.object_id).first()
        if attempt is None:
            invoice_id = ((event.payload.get("data") or {}).get("object") or {}).get("metadata", {}).get("invoice")
            attempt = (
                PaymentAttempt.objects.filter(invoice_id=invoice_id).order_by("-number").first()
                if str(invoice_id or "").isdigit()
                else None
            )
        if attempt is not None:
            gateway = gateway or get_gateway("stripe")
            result = gateway.payment_status(event.object_id)
            outcome = payment_result_record(attempt_id=attempt.pk, result=result)
    StripeEvent.objects.filter(pk=event.pk, processed_at=None).update(processed_at=timezone.now())
    return outcome


__all__ = [
    "FreelancerProfile",
    "bonus_one_off_create",
    "bonus_rule_set",
    "bonuses_evaluate",
    "card_save_from_setup_intent",
    "card_setup_start",
    "invoice_charge",
    "invoice_finalize",
    "invoice_mark_paid",
    "invoice_void",
    "invoices_generate",
    "payout_batch_create",
    "payout_batch_mark_confirmed",
    "payout_batch_mark_sent",
    "payout_send",
    "payouts_create",
    "stripe_event_process",
    "stripe_event_record",
]


# --- UI helpers
# Writes behind the billing screens: a card saved from a SetupIntent the browser confirmed, "Pay now" with its
# 3-D Secure follow-up, and marking several invoices paid at once on the ops desk.
@dataclass(frozen=True)
class PayNow:
    """What "Pay now" did: ``status`` is succeeded, failed, requires_action or not_chargeable."""

    status: str
    error: str = ""
    client_secret: str = ""


def card_save_from_setup_intent(
    *, actor: Any, organization: Organization, setup_intent_id: str, gateway=None
) -> BillingProfile:
    """Keep the card of a SetupIntent that Stripe.js confirmed in the browser.

    The id comes from the browser, so the SetupIntent is re-read from Stripe: it must have succeeded and belong
    to this seller's Stripe customer, or nothing is stored.
    """
    _require_manager(actor, organization.pk)
    gateway = gateway or get_gateway()
    if gateway.name != "stripe":
        raise ValidationError({"card": "Card payments are not configured; invoices are paid by bank transfer."})
    profile = BillingProfile.objects.filter(organization=organization).first()
    setup_intent_id = (setup_intent_id or "").strip()
    si = gateway.setup_intent_retrieve(setup_intent_id) if setup_intent_id.startswith("seti_") else None
    if profile is None or not profile.stripe_customer_id or si is None or si["customer"] != profile.stripe_customer_id:
        raise ValidationError({"card": "This card set-up is not your organization's. Start again with “Add a card”."})
    if si["status"] != "succeeded" or not si["payment_method"]:
        raise ValidationError({"card": "The card is not confirmed yet. Enter it again and follow your bank's steps."})
    card = gateway.payment_method_details(si["payment_method"])
    with transaction.atomic():
        profile = BillingProfile.objects.select_for_update().get(pk=profile.pk)
        if profile.payment_method_id == si["payment_method"]:
            return profile  # the same set-up sent twice
        profile.payment_method_id = si["payment_method"]
        profile.card_brand, profile.card_last4 = card["brand"][:20], card["last4"][:4]
        profile.card_exp_month, profile.card_exp_year = card["exp_month"], card["exp_year"]
        profile.consecutive_failures = 0
        profile.full_clean()
        profile.save()
        audit_record(
            actor=actor,
            action="billing.card_saved",
            target=profile,
            organization=organization,
            data={"brand": profile.card_brand, "last4": profile.card_last4, "setup_intent": si["id"]},
        )
        # Failed invoices are retried with the new card right away.
        Invoice.objects.filter(organization=organization, status=InvoiceStatus.PAYMENT_FAILED).update(
            next_attempt_at=timezone.now()
        )
    return profile


def _awaiting_authentication(invoice: Invoice) -> PaymentAttempt | None:
    last = invoice.attempts.order_by("-number").first()
    if last is not None and last.status == AttemptStatus.REQUIRES_ACTION and last.payment_intent_id:
        return last
    return None


def invoice_pay_now(*, actor: Any, invoice: Invoice, gateway=None) -> PayNow:
    """The seller retries a failed invoice now, with the saved card.

    When the bank asks for 3-D Secure, the answer carries the PaymentIntent's client secret for Stripe.js; the
    result is recorded later by ``invoice_payment_confirm`` from Stripe's own state. A double submit cannot
    charge twice: the attempt row is claimed under a lock and its idempotency key is what Stripe sees.
    """
    _require_manager(actor, invoice.organization_id)
    gateway = gateway or get_gateway()
    if gateway.name != "stripe":
        raise ValidationError("Invoices are paid by bank transfer; there is no card to charge.")
    invoice.refresh_from_db()
    if invoice.status not in CHARGEABLE:
        return PayNow(status="not_chargeable")
    waiting = _awaiting_authentication(invoice)
    if waiting is not None:
        # The bank's question is still open on the last PaymentIntent: answer it rather than charge again.
        outcome = payment_result_record(attempt_id=waiting.pk, result=gateway.payment_status(waiting.payment_intent_id))
        if outcome == AttemptStatus.REQUIRES_ACTION:
            secret = gateway.payment_intent_client_secret(waiting.payment_intent_id)
            return PayNow(status="requires_action", client_secret=secret)
        if outcome == AttemptStatus.SUCCEEDED:
            _audit_pay_now(actor, invoice, "succeeded")
            return PayNow(status="succeeded")
    Invoice.objects.filter(pk=invoice.pk, status__in=CHARGEABLE).update(next_attempt_at=timezone.now())
    outcome = invoice_charge(invoice_id=invoice.pk, gateway=gateway)
    _audit_pay_now(actor, invoice, outcome)
    invoice.refresh_from_db()
    if outcome == "succeeded":
        return PayNow(status="succeeded")
    if outcome == AttemptStatus.REQUIRES_ACTION:
        waiting = _awaiting_authentication(invoice)
        secret = gateway.payment_intent_client_secret(waiting.payment_intent_id) if waiting else ""
        return PayNow(status="requires_action", client_secret=secret, error=invoice.last_payment_error)
    if outcome == "skipped":
        return PayNow(status="not_chargeable")
    return PayNow(status="failed", error=invoice.last_payment_error or "The payment failed.")


def _audit_pay_now(actor: Any, invoice: Invoice, outcome: str) -> None:
    audit_record(
        actor=actor,
        action="invoice.pay_now",
        target=invoice,
        organization=invoice.organization,
        data={"outcome": str(outcome), "total": invoice.total},
    )


def invoice_payment_confirm(*, actor: Any, invoice: Invoice, gateway=None) -> str:
    """After Stripe.js ran the bank's authentication: re-read the PaymentIntent and record what Stripe says.

    Nothing from the browser is trusted; the PaymentIntent is the one on our last attempt.
    """
    _require_manager(actor, invoice.organization_id)
    gateway = gateway or get_gateway()
    waiting = _awaiting_authentication(invoice) if gateway.name == "stripe" else None
    if waiting is None:
        invoice.refresh_from_db()
        return "succeeded" if invoice.status == InvoiceStatus.PAID else "nothing_to_confirm"
    outcome = payment_result_record(attempt_id=waiting.pk, result=gateway.payment_status(waiting.payment_intent_id))
    audit_record(
        actor=actor,
        action="invoice.payment_confirmed",
        target=invoice,
        organization=invoice.organization,
        data={"outcome": str(outcome), "payment_intent": waiting.payment_intent_id},
    )
    return str(outcome)
