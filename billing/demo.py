"""Demo billing data: invoices paid and unpaid, payouts (one batch sent), QA bonuses earned and missed with the
reasons, and a one-off bonus. Idempotent: natural keys and the services' own once-only guards."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from marketplace.models import Contract, ContractStatus

from . import services
from .bonuses import decide, parse_tiers
from .models import Bonus, BonusKind, BonusRule, BonusStatus, Invoice, InvoiceStatus, PayoutBatch
from .sources import ApprovedTime

TIERS = [{"min_iqs": "90", "percent": "5"}, {"min_iqs": "95", "percent": "8"}]


def _ops():
    User = get_user_model()  # noqa: N806
    return User.objects.filter(Q(groups__name="ops") | Q(is_superuser=True)).order_by("pk").first()


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
    this_week = services.week_start_of(timezone.now().date())
    paid_week, open_week = this_week - dt.timedelta(days=21), this_week - dt.timedelta(days=14)
    hours = [Decimal("32.5"), Decimal("18.25"), Decimal("40"), Decimal("12")]

    # QA bonuses for the paid week, decided with the same rule logic as the beat task (evidence kept).
    outcomes = [
        (Decimal("96.4"), [101, 102, 103, 104, 105, 106], 0),
        (Decimal("97.0"), [107, 108, 109], 0),
        (Decimal("91.2"), [110, 111, 112, 113, 114], 1),
    ]
    for contract, (iqs, reviews, critical), h in zip(contracts, outcomes, hours, strict=False):
        rule, _ = BonusRule.objects.get_or_create(contract=contract, defaults={"tiers": TIERS, "min_reviews": 5})
        earnings = (h * contract.pay_rate).quantize(Decimal("0.01"))
        decision = decide(
            tiers=parse_tiers(rule.tiers),
            min_reviews=rule.min_reviews,
            require_no_critical_fail=rule.require_no_critical_fail,
            min_schedule_adherence=None,
            iqs=iqs,
            review_count=len(reviews),
            critical_fails=critical,
            adherence=None,
            earnings=earnings,
            currency=contract.currency,
        )
        Bonus.objects.get_or_create(
            contract=contract,
            kind=BonusKind.RULE,
            period_start=paid_week - dt.timedelta(days=7),
            defaults={
                "status": BonusStatus.EARNED if decision.amount else BonusStatus.MISSED,
                "amount": decision.amount,
                "currency": contract.currency,
                "reason": decision.reason,
                "evidence": {
                    "iqs": str(iqs),
                    "review_ids": reviews,
                    "critical_fails": critical,
                    "earnings": str(earnings),
                    "rule": {"id": rule.pk, "tiers": rule.tiers},
                },
            },
        )
    Bonus.objects.get_or_create(
        contract=contracts[0],
        kind=BonusKind.ONE_OFF,
        message="Thank you for covering the Black Friday rush!",
        defaults={
            "amount": Decimal("25.00"),
            "currency": contracts[0].currency,
            "period_start": paid_week,
            "reason": "Thank you for covering the Black Friday rush!",
        },
    )

    for week in (paid_week, open_week):
        groups: dict = {}
        for contract, h in zip(contracts, hours, strict=False):
            item = ApprovedTime(contract_id=contract.pk, hours=h, source_key=f"demo:{contract.pk}:{week}")
            groups.setdefault((contract.organization_id, contract.currency), []).append((item, contract))
        for (org_id, currency), items in groups.items():
            services._invoice_build(organization_id=org_id, currency=currency, week_start=week, items=items)

    for invoice in Invoice.objects.filter(week_start=paid_week, status=InvoiceStatus.OPEN):
        services.invoice_mark_paid(invoice=invoice, actor=ops, via="manual")
    for invoice in Invoice.objects.filter(week_start=paid_week, status=InvoiceStatus.PAID):
        services.payouts_create(invoice_id=invoice.pk)
    if not PayoutBatch.objects.exists():
        batch = services.payout_batch_create(actor=ops)
        if batch is not None:
            services.payout_batch_mark_sent(actor=ops, batch=batch)
    out.write(f"billing: {Invoice.objects.count()} invoices, {Bonus.objects.count()} bonuses")
    return []
