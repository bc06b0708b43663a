"""Demo billing, made by the billing cycle's own steps over the demo's weeks of time and reviews.

For each past week, oldest first: the beat's issuing step (``cycle.issue``) bills the week's approved and
resolved timesheets (a disputed or submitted week has nothing final, so nothing is billed for it), then the
beat's bonus step (``cycle.evaluate_bonuses``) decides the QA bonuses whose dispute window has closed by then
from the stored reviews; an earned bonus is billed on the next invoice, and so is the seller's one-off bonus.
Then the older invoices are marked paid by ops, with their payouts and one payout batch sent. Idempotent: the
services' own once-only guards (one invoice per seller and week, one bonus per contract and period, one payout
per invoice and freelancer) and natural keys.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from marketplace.models import Contract, ContractStatus

from . import cycle, services
from .models import Bonus, BonusKind, BonusRule, Invoice, InvoiceStatus, PayoutBatch

TIERS = [{"min_iqs": "90", "percent": "5"}, {"min_iqs": "95", "percent": "8"}]
WEEKS_BACK = 6  # the oldest week the demo's time covers
PAID_WEEKS = 2  # the oldest invoices, paid by bank transfer; the later ones stay open
ONE_OFF = "Thank you for covering the holiday rush!"
ONE_OFF_WEEKS_BACK = 3  # the seller's one-off bonus is given before this week's invoice is issued


def _ops():
    User = get_user_model()  # noqa: N806
    return User.objects.filter(Q(groups__name="ops") | Q(is_superuser=True)).order_by("pk").first()


def _owner(contract: Contract):
    membership = contract.organization.memberships.filter(role="owner").select_related("user").first()
    return membership.user if membership else None


def _one_off(contract: Contract) -> None:
    owner = _owner(contract)
    if (
        owner is not None
        and not Bonus.objects.filter(contract=contract, kind=BonusKind.ONE_OFF, message=ONE_OFF).exists()
    ):
        services.bonus_one_off_create(actor=owner, contract=contract, amount=Decimal("25.00"), message=ONE_OFF)


def seed(out) -> list[tuple[str, str]]:
    contracts = list(
        Contract.objects.filter(status=ContractStatus.ACTIVE)
        .select_related("organization", "freelancer")
        .order_by("pk")[:4]
    )
    ops = _ops()
    if not contracts or ops is None:
        out.write("billing: no active contracts yet, skipped")
        return []
    for contract in contracts:
        owner = _owner(contract)
        if owner is not None and not BonusRule.objects.filter(contract=contract).exists():
            services.bonus_rule_set(actor=owner, contract=contract, tiers=TIERS, min_reviews=5)

    today = timezone.now().date()
    this_week = services.week_start_of(today)
    weeks = [this_week - dt.timedelta(weeks=back) for back in range(WEEKS_BACK, 0, -1)]
    for week in weeks:
        if week == this_week - dt.timedelta(weeks=ONE_OFF_WEEKS_BACK):
            _one_off(contracts[0])  # billed on this week's invoice, the latest one the demo issues
        cycle.issue(week_start=week)
        # The beat's bonus step as it ran once the week's dispute window had closed (never later than today).
        cycle.evaluate_bonuses(min(week + dt.timedelta(days=14), today))

    paid_weeks = weeks[:PAID_WEEKS]
    for invoice in Invoice.objects.filter(week_start__in=paid_weeks, status=InvoiceStatus.OPEN).order_by("pk"):
        services.invoice_mark_paid(invoice=invoice, actor=ops, via="manual")
    for invoice in Invoice.objects.filter(week_start__in=paid_weeks, status=InvoiceStatus.PAID).order_by("pk"):
        services.payouts_create(invoice_id=invoice.pk)
    if not PayoutBatch.objects.exists():
        batch = services.payout_batch_create(actor=ops)
        if batch is not None:
            services.payout_batch_mark_sent(actor=ops, batch=batch)
    out.write(f"billing: {Invoice.objects.count()} invoices, {Bonus.objects.count()} bonuses")
    return []
