"""Reads in billing, scoped from the actor. Sellers see their organization's invoices (owners and managers);
freelancers see their own payouts and bonuses; platform ops see everything."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from accounts.access import is_platform_staff, is_user, organization_ids, register_scope
from accounts.models import MANAGE_ROLES

from .filters import InvoiceFilter, PayoutFilter
from .models import (
    BillingProfile,
    Bonus,
    BonusRule,
    Invoice,
    InvoiceCounter,
    InvoiceLine,
    JournalEntry,
    LedgerAccount,
    PaymentAttempt,
    Payout,
    PayoutAccount,
    PayoutBatch,
    Posting,
    StripeEvent,
)


def _ops(actor: Any) -> bool:
    return is_platform_staff(actor, "ops")


def _managed(actor: Any) -> set[int]:
    return organization_ids(actor, MANAGE_ROLES)


@register_scope(Invoice)
def _invoices(actor: Any) -> QuerySet[Invoice]:
    qs = Invoice.objects.select_related("organization")
    return qs if _ops(actor) else qs.filter(organization_id__in=_managed(actor))


@register_scope(InvoiceLine)
def _lines(actor: Any) -> QuerySet[InvoiceLine]:
    qs = InvoiceLine.objects.select_related("invoice", "contract")
    return qs if _ops(actor) else qs.filter(invoice__organization_id__in=_managed(actor))


@register_scope(PaymentAttempt)
def _attempts(actor: Any) -> QuerySet[PaymentAttempt]:
    qs = PaymentAttempt.objects.select_related("invoice")
    return qs if _ops(actor) else qs.filter(invoice__organization_id__in=_managed(actor))


@register_scope(BillingProfile)
def _profiles(actor: Any) -> QuerySet[BillingProfile]:
    qs = BillingProfile.objects.select_related("organization")
    return qs if _ops(actor) else qs.filter(organization_id__in=_managed(actor))


def _freelancer_q(actor: Any, path: str) -> Q:
    return Q(**{f"{path}__user": actor}) if is_user(actor) else Q(pk__in=[])


@register_scope(Payout)
def _payouts(actor: Any) -> QuerySet[Payout]:
    qs = Payout.objects.select_related("invoice", "freelancer__user")
    return qs if _ops(actor) else qs.filter(_freelancer_q(actor, "freelancer"))


@register_scope(PayoutAccount)
def _payout_accounts(actor: Any) -> QuerySet[PayoutAccount]:
    qs = PayoutAccount.objects.select_related("freelancer__user")
    return qs if _ops(actor) else qs.filter(_freelancer_q(actor, "freelancer"))


@register_scope(Bonus)
def _bonuses(actor: Any) -> QuerySet[Bonus]:
    qs = Bonus.objects.select_related("contract__organization", "contract__freelancer__user")
    if _ops(actor):
        return qs
    return qs.filter(Q(contract__organization_id__in=_managed(actor)) | _freelancer_q(actor, "contract__freelancer"))


@register_scope(BonusRule)
def _rules(actor: Any) -> QuerySet[BonusRule]:
    qs = BonusRule.objects.select_related("contract__organization", "contract__freelancer__user")
    if _ops(actor):
        return qs
    return qs.filter(Q(contract__organization_id__in=_managed(actor)) | _freelancer_q(actor, "contract__freelancer"))


def _ops_only(model):
    def scope(actor: Any) -> QuerySet:
        qs = model._default_manager.all()
        return qs if _ops(actor) else qs.none()

    return scope


for _model in (PayoutBatch, StripeEvent, LedgerAccount, JournalEntry, Posting, InvoiceCounter):
    register_scope(_model)(_ops_only(_model))


# ---------------------------------------------------------------- list selectors
def invoice_list(*, actor: Any, organization_id: int | None = None, filters: dict | None = None) -> QuerySet[Invoice]:
    qs = _invoices(actor) if actor is not None and actor.is_authenticated else Invoice.objects.none()
    if organization_id is not None:
        qs = qs.filter(organization_id=organization_id)
    return InvoiceFilter(filters or {}, queryset=qs).qs.order_by("-week_start", "-id")


def invoice_detail(*, actor: Any, pk: int) -> QuerySet[Invoice]:
    """The invoice with its lines (their contracts and bonuses) and attempts, for get_for_actor."""
    lines = InvoiceLine.objects.select_related("contract__freelancer__user", "bonus").order_by("id")
    return _invoices(actor).filter(pk=pk).prefetch_related(Prefetch("lines", queryset=lines), "attempts")


def payout_list(*, actor: Any, filters: dict | None = None) -> QuerySet[Payout]:
    qs = _payouts(actor) if actor is not None and actor.is_authenticated else Payout.objects.none()
    return PayoutFilter(filters or {}, queryset=qs).qs.order_by("-created_at", "-id")


def bonus_list(*, actor: Any, freelancer_only: bool = False) -> QuerySet[Bonus]:
    qs = _bonuses(actor) if actor is not None and actor.is_authenticated else Bonus.objects.none()
    if freelancer_only:
        qs = qs.filter(_freelancer_q(actor, "contract__freelancer"))
    return qs.order_by("-period_start", "-id")


def earnings_lines(*, actor: Any) -> QuerySet[InvoiceLine]:
    """A freelancer's billed work: their lines on issued invoices (pay amounts only are shown)."""
    if not is_user(actor):
        return InvoiceLine.objects.none()
    return (
        InvoiceLine.objects.filter(contract__freelancer__user=actor)
        .exclude(invoice__status__in=["draft", "void"])
        .select_related("invoice", "contract__organization")
        .order_by("-invoice__week_start", "id")
    )


# ---------------------------------------------------------------- billing screens
def seller_invoice(*, actor: Any, pk: int) -> QuerySet[Invoice]:
    """An issued invoice of an organization the actor manages (not ops: paying is the seller's act)."""
    if not is_user(actor):
        return Invoice.objects.none()
    return (
        Invoice.objects.select_related("organization")
        .filter(pk=pk, organization_id__in=_managed(actor))
        .exclude(status="draft")
    )


def invoices_for_ops(*, actor: Any, ids: list[int]) -> list[Invoice]:
    """The chosen invoices that can still be marked paid, in number order (ops only)."""
    if not _ops(actor) or not ids:
        return []
    return list(
        Invoice.objects.filter(pk__in=ids, status__in=["open", "payment_failed"])
        .select_related("organization")
        .order_by("number", "pk")
    )


def bonus_rule_of(*, actor: Any, contract) -> BonusRule | None:
    """The contract's QA bonus rule, if the actor may see it (its seller's managers, its freelancer, ops)."""
    if actor is None or not actor.is_authenticated:
        return None
    return _rules(actor).filter(contract=contract, active=True).first()


def bonus_evidence_reviews(*, actor: Any, bonuses) -> dict[int, Any]:
    """The reviews named in the evidence of bonuses (or their invoice lines) that the actor may open, by id, in
    one query."""
    from accounts.access import scoped
    from qa_scoring.models import Review

    ids = {int(i) for b in bonuses for i in (b.evidence or {}).get("review_ids", []) if str(i).isdigit()}
    if not ids:
        return {}
    reviews = scoped(Review, actor).filter(pk__in=ids).select_related(None)
    return {r.pk: r for r in reviews.only("pk", "score", "submitted_at", "critical_fail")}
