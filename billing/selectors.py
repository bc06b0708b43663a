"""Reads in billing, scoped from the actor. Sellers see their organization's invoices (owners and managers);
freelancers see their own payouts and bonuses; platform ops see everything."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet

from accounts.access import is_platform_staff, is_user, organization_ids, register_scope, scoped
from accounts.models import MANAGE_ROLES
from marketplace.models import Contract

from .breakdown import bonus_parts, line_breakdown, plain, time_amounts
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
    from qa_scoring.models import Review

    ids = {int(i) for b in bonuses for i in (b.evidence or {}).get("review_ids", []) if str(i).isdigit()}
    if not ids:
        return {}
    reviews = scoped(Review, actor).filter(pk__in=ids).select_related(None)
    return {r.pk: r for r in reviews.only("pk", "score", "submitted_at", "critical_fail")}


# ---------------------------------------------------------------- money that explains itself
def explain_lines(lines: Iterable[InvoiceLine]) -> list[InvoiceLine]:
    """Each line (invoice and contract loaded) gets ``breakdown``: pay, fee and billed with the arithmetic behind
    them, recomputed with the issuing formulas (``billing.breakdown``). No queries."""
    fee_rate = Decimal(settings.PLATFORM_FEE_RATE)
    out = list(lines)
    for line in out:
        line.breakdown = line_breakdown(line, fee_rate=fee_rate)
    return out


def explain_bonuses(bonuses: Iterable[Bonus]) -> list[Bonus]:
    """Each bonus gets ``percent`` (and ``percent_text``) and ``base`` when its evidence reproduces its amount (a
    percent tier); None otherwise (a fixed tier, a one-off bonus, a missed one)."""
    out = list(bonuses)
    for bonus in out:
        bonus.percent, bonus.base = bonus_parts(pay=bonus.amount, evidence=bonus.evidence, currency=bonus.currency)
        bonus.percent_text = plain(bonus.percent)
    return out


@dataclass
class ContractWeek:
    """One contract's recorded time in a week and what it costs at the contract's bill rate."""

    contract: Any
    minutes: int
    spend: Decimal

    @property
    def hours(self) -> Decimal:
        from timesheets.hours import minutes_to_hours

        return minutes_to_hours(self.minutes)


@dataclass
class WeekSpend:
    week_start: dt.date
    rows: list[ContractWeek]
    minutes: int
    spend: list[tuple[str, Decimal]]  # per currency, sorted

    @property
    def hours(self) -> Decimal:
        """The week's hours as the hours chart shows them (two places)."""
        from timesheets.hours import minutes_to_hours

        return minutes_to_hours(self.minutes)


def week_spend(*, actor: Any, organization_id: int, week_start: dt.date) -> WeekSpend:
    """The week's recorded hours of an organization per contract (its active contracts, and any other with time
    in the week) and the spend so far: hours × bill rate per contract, rounded as the invoice line will be
    (``breakdown.time_amounts``). Hours are counted as the hours chart counts them. Two queries (and the
    actor's roles, cached per request)."""
    from marketplace.models import ContractStatus
    from timesheets.selectors import week_minutes_by_contract

    minutes = week_minutes_by_contract(actor=actor, week_start=week_start, organization_id=organization_id)
    contracts = (
        scoped(Contract, actor)
        .filter(organization_id=organization_id)
        .filter(Q(status=ContractStatus.ACTIVE) | Q(pk__in=list(minutes)))
        .order_by("title", "pk")
    )
    rows, totals = [], defaultdict(Decimal)
    for contract in contracts:
        worked = minutes.get(contract.pk, 0)
        hours = Decimal(worked) / 60
        _, spend = time_amounts(
            hours=hours, pay_rate=contract.pay_rate, bill_rate=contract.bill_rate, currency=contract.currency
        )
        rows.append(ContractWeek(contract=contract, minutes=worked, spend=spend))
        totals[contract.currency] += spend
    return WeekSpend(
        week_start=week_start,
        rows=rows,
        minutes=sum(row.minutes for row in rows),
        spend=sorted(totals.items()),
    )


def latest_earnings(*, actor: Any, limit: int = 3) -> list[InvoiceLine]:
    """The freelancer's newest billed lines with their breakdown (as on the earnings page). One query."""
    return explain_lines(earnings_lines(actor=actor)[:limit])
