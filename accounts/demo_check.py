"""The demo's consistency check (``seed_demo --check``): the figures the demo shows agree with each other.

Each invariant is a function that raises :class:`BrokenInvariant` naming itself and the first row that breaks
it. Like ``seed_demo``, it reads every app (imports stay inside the functions): it is an operations tool over the
whole product, not part of any app's domain.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal

from django.apps import apps
from django.db import models
from django.db.models import F, Q, Sum
from django.utils import timezone

# The apps whose rows the demo seeds.
SEEDED_APPS = ("accounts", "marketplace", "cms", "qa_scoring", "qa_ops", "vetting", "timesheets", "billing")
# Date-time fields that hold a planned moment or a deadline, so the future is where they belong.
PLANNED_FIELDS = {
    "expires_at",
    "expire_at",
    "go_live_at",
    "due_at",
    "deadline",
    "review_due_at",
    "next_attempt_at",
    "InterviewSlot.starts_at",
    "PlannedShift.starts_at",
    "PlannedShift.ends_at",
}


class BrokenInvariant(Exception):
    def __init__(self, invariant: str, detail: str):
        super().__init__(f"{invariant}: {detail}")
        self.invariant = invariant
        self.detail = detail


def _hours(minutes: int) -> Decimal:
    return (Decimal(minutes) / Decimal(60)).quantize(Decimal("0.0001"))


def invoice_time_equals_approved_hours() -> None:
    """Each invoice's time lines are exactly its week's final timesheets, at their approved hours."""
    from billing.models import Invoice, InvoiceLine, InvoiceStatus, LineKind
    from timesheets.models import FINAL_STATUSES, Timesheet

    lines = InvoiceLine.objects.filter(kind=LineKind.TIME).exclude(invoice__status__in=[InvoiceStatus.VOID])
    billed: dict[int, dict[str, InvoiceLine]] = defaultdict(dict)
    for line in lines.select_related("invoice", "contract").order_by("invoice_id", "pk"):
        billed[line.invoice_id][line.source_key] = line
    for invoice in Invoice.objects.exclude(status__in=[InvoiceStatus.DRAFT, InvoiceStatus.VOID]).order_by("pk"):
        final = Timesheet.objects.filter(
            contract__organization_id=invoice.organization_id,
            contract__currency=invoice.currency,
            week_start=invoice.week_start,
            status__in=FINAL_STATUSES,
        ).select_related("contract")
        expected = {f"timesheet:{ts.pk}": ts for ts in final}
        lines_of = billed.get(invoice.pk, {})
        if set(lines_of) != set(expected):
            raise BrokenInvariant(
                "invoice_time_equals_approved_hours",
                f"invoice {invoice.number} bills {sorted(lines_of)} but the week's approved timesheets are "
                f"{sorted(expected)}",
            )
        for key, ts in expected.items():
            line = lines_of[key]
            if line.quantity != _hours(ts.approved_minutes) or line.unit_price != ts.contract.bill_rate:
                raise BrokenInvariant(
                    "invoice_time_equals_approved_hours",
                    f"invoice {invoice.number} bills {line.quantity} h × {line.unit_price} for {ts}, whose approved "
                    f"hours are {_hours(ts.approved_minutes)} × {ts.contract.bill_rate}",
                )


def no_invoice_for_unresolved_week() -> None:
    """Nothing is billed for a week whose timesheet is open, submitted or disputed."""
    from billing.models import InvoiceLine, InvoiceStatus, LineKind
    from timesheets.models import FINAL_STATUSES, Timesheet

    unresolved = Timesheet.objects.exclude(status__in=FINAL_STATUSES)
    for ts in unresolved.select_related("contract").order_by("pk"):
        line = (
            InvoiceLine.objects.filter(kind=LineKind.TIME, contract=ts.contract, invoice__week_start=ts.week_start)
            .exclude(invoice__status=InvoiceStatus.VOID)
            .select_related("invoice")
            .first()
        )
        if line is not None or InvoiceLine.objects.filter(source_key=f"timesheet:{ts.pk}").exists():
            raise BrokenInvariant(
                "no_invoice_for_unresolved_week", f"{ts} is {ts.status} but is billed ({line or 'by its key'})"
            )


def weekly_cap_holds() -> None:
    """No week's entries, submitted or approved minutes exceed its contract's weekly cap."""
    from timesheets.models import Timesheet

    weeks = Timesheet.objects.select_related("contract").annotate(entered=Sum("entries__minutes")).order_by("pk")
    for ts in weeks:
        cap = ts.contract.weekly_hour_cap * 60
        over = [
            (name, value)
            for name, value in (
                ("entries", ts.entered or 0),
                ("submitted", ts.submitted_minutes or 0),
                ("approved", ts.approved_minutes or 0),
            )
            if value > cap
        ]
        if over:
            raise BrokenInvariant("weekly_cap_holds", f"{ts}: {over[0][0]} {over[0][1]} min over the cap of {cap} min")
        if ts.submitted_minutes is not None and ts.submitted_minutes != (ts.entered or 0):
            raise BrokenInvariant(
                "weekly_cap_holds",
                f"{ts}: submitted {ts.submitted_minutes} min but its entries hold {ts.entered or 0} min",
            )
        if ts.approved_minutes is not None and ts.approved_minutes > (ts.submitted_minutes or 0):
            raise BrokenInvariant(
                "weekly_cap_holds", f"{ts}: approved {ts.approved_minutes} min of {ts.submitted_minutes} submitted"
            )


def bonus_evidence_matches_reviews() -> None:
    """Each decided QA bonus's evidence is the stored reviews of its period, with their IQS and critical fails."""
    import datetime as dt

    from billing import sources
    from billing.models import Bonus, BonusKind

    for bonus in Bonus.objects.filter(kind=BonusKind.RULE).select_related("contract__freelancer").order_by("pk"):
        evidence = bonus.evidence or {}
        end = bonus.period_start + dt.timedelta(days=6)
        iqs, review_ids, critical = sources.iqs(bonus.contract.freelancer, bonus.contract, bonus.period_start, end)
        stored = (None if iqs is None else str(iqs), review_ids, critical)
        claimed = (evidence.get("iqs"), evidence.get("review_ids"), evidence.get("critical_fails"))
        if stored != claimed:
            raise BrokenInvariant(
                "bonus_evidence_matches_reviews",
                f"bonus {bonus.pk} (week of {bonus.period_start}) claims IQS {claimed[0]} over reviews {claimed[1]} "
                f"with {claimed[2]} critical fail(s); the stored reviews give {stored[0]} over {stored[1]} with "
                f"{stored[2]}",
            )


def no_timestamp_in_the_future() -> None:
    """No seeded row has a moment after now, except the fields that hold plans and deadlines."""
    now = timezone.now()
    for label in SEEDED_APPS:
        for model in apps.get_app_config(label).get_models():
            names = [
                f.name
                for f in model._meta.concrete_fields
                if isinstance(f, models.DateTimeField)
                and f.name not in PLANNED_FIELDS
                and f"{model.__name__}.{f.name}" not in PLANNED_FIELDS
            ]
            if not names:
                continue
            condition = Q()
            for name in names:
                condition |= Q(**{f"{name}__gt": now})
            row = model._base_manager.filter(condition).order_by("pk").first()
            if row is not None:
                field = next(n for n in names if getattr(row, n) and getattr(row, n) > now)
                raise BrokenInvariant(
                    "no_timestamp_in_the_future",
                    f"{model._meta.label} {row.pk}: {field} = {getattr(row, field).isoformat()} is after now",
                )


def open_disputes_have_a_resolver() -> None:
    """Every open QA dispute can be resolved by someone other than its review's grader (the dispute rules)."""
    from django.contrib.auth import get_user_model

    from qa_scoring.models import Dispute, DisputeStatus
    from qa_scoring.selectors import REVIEW_ROLES
    from qa_scoring.services import can_resolve

    User = get_user_model()  # noqa: N806
    for dispute in (
        Dispute.objects.filter(status=DisputeStatus.OPEN)
        .select_related("review__conversation__freelancer")
        .order_by("pk")
    ):
        org_id = dispute.review.conversation.organization_id
        candidates = (
            User.objects.filter(is_active=True)
            .filter(
                Q(groups__name__in=("qa", "ops"))
                | Q(memberships__organization_id=org_id, memberships__role__in=REVIEW_ROLES)
            )
            .exclude(pk=dispute.review.reviewer_id)
            .distinct()
            .order_by("pk")
        )
        if not any(can_resolve(user, dispute) for user in candidates):
            raise BrokenInvariant(
                "open_disputes_have_a_resolver",
                f"dispute {dispute.pk} on review {dispute.review_id}: no reviewer other than its grader can resolve it",
            )


def vetting_timeline_in_order() -> None:
    """Vetting happens in order: each stage ends after it starts, an interview is booked before it takes place
    and scored after it, a decision comes after the application."""
    from vetting.models import Application, InterviewSlot, Stage, StageResult

    result = StageResult.objects.filter(finished_at__lt=F("started_at")).order_by("pk").first()
    if result is not None:
        raise BrokenInvariant(
            "vetting_timeline_in_order", f"stage result {result.pk} ({result.stage}) finished before it started"
        )
    for slot in InterviewSlot.objects.filter(application__isnull=False).order_by("pk"):
        scored = StageResult.objects.filter(
            application_id=slot.application_id, stage=Stage.INTERVIEW, finished_at__isnull=False
        ).first()
        if (slot.booked_at and slot.booked_at >= slot.starts_at) or (scored and scored.finished_at < slot.starts_at):
            raise BrokenInvariant(
                "vetting_timeline_in_order",
                f"interview slot {slot.pk} at {slot.starts_at.isoformat()} was booked at {slot.booked_at} and "
                f"scored at {scored.finished_at if scored else None}",
            )
    application = Application.objects.filter(decided_at__lt=F("submitted_at")).order_by("pk").first()
    if application is not None:
        raise BrokenInvariant(
            "vetting_timeline_in_order", f"application {application.pk} was decided before it was submitted"
        )


INVARIANTS: list[Callable[[], None]] = [
    invoice_time_equals_approved_hours,
    no_invoice_for_unresolved_week,
    weekly_cap_holds,
    bonus_evidence_matches_reviews,
    no_timestamp_in_the_future,
    open_disputes_have_a_resolver,
    vetting_timeline_in_order,
]


def check_demo() -> list[str]:
    """Run every invariant in order; raises :class:`BrokenInvariant` at the first broken one. Returns their names."""
    for invariant in INVARIANTS:
        invariant()
    return [invariant.__name__ for invariant in INVARIANTS]
