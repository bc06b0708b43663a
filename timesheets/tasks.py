"""Thin Celery wrappers around timesheet services. Every task is safe to run twice or concurrently."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import ROUND_HALF_UP, Decimal

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Sum
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import MANAGE_ROLES, Membership
from accounts.timezones import viewer_timezone_name

from . import services
from .models import FINAL_STATUSES, Timesheet, TimesheetStatus, week_start_of


@shared_task
def auto_submit_timesheets() -> int:
    return services.timesheets_auto_submit()


@shared_task
def auto_approve_timesheets() -> int:
    return services.timesheets_auto_approve()


def _link(name: str, *args) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, args=args)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_timesheet_reminders() -> dict[str, int]:
    """One e-mail per timesheet before it is auto-submitted, and one before it is auto-approved.

    The claim (a conditional update of ``*_reminder_sent_at``) and the send share a transaction: a failed send
    rolls the claim back for the retry, and a concurrent run waits on the row and then finds it claimed.
    """
    now = timezone.now()
    sent = {"submit": 0, "approve": 0}
    week_end = dt.datetime.combine(week_start_of(now), dt.time(0), tzinfo=dt.UTC) + dt.timedelta(days=7)
    if week_end - now <= dt.timedelta(hours=settings.TIMESHEETS_SUBMIT_REMINDER_HOURS):
        for ts in Timesheet.objects.filter(
            status=TimesheetStatus.OPEN, week_start=week_start_of(now), submit_reminder_sent_at__isnull=True
        ).select_related("contract__freelancer__user", "contract__organization"):
            with transaction.atomic():
                if not services.timesheet_claim_reminder(timesheet_id=ts.pk, kind="submit"):
                    continue
                zone = viewer_timezone_name(ts.contract.freelancer.user)
                context = {"timesheet": ts, "due": week_end, "zone": zone, "link": _link("timesheets:week")}
                with timezone.override(zoneinfo.ZoneInfo(zone)):
                    body = render_to_string("timesheets/email/submit_reminder.txt", context)
                send_mail(
                    subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}Your timesheet for {ts.contract.title} "
                    "is submitted automatically at week end",
                    message=body,
                    from_email=None,
                    recipient_list=[ts.contract.freelancer.user.email],
                )
                sent["submit"] += 1
    soon = now + dt.timedelta(hours=settings.TIMESHEETS_APPROVE_REMINDER_HOURS)
    for ts in Timesheet.objects.filter(
        status=TimesheetStatus.SUBMITTED,
        review_due_at__gt=now,
        review_due_at__lte=soon,
        approve_reminder_sent_at__isnull=True,
    ).select_related("contract__freelancer__user", "contract__organization"):
        managers = list(
            Membership.objects.filter(organization_id=ts.contract.organization_id, role__in=MANAGE_ROLES)
            .order_by("user__email")
            .values_list("user__email", flat=True)
        )
        with transaction.atomic():
            if not services.timesheet_claim_reminder(timesheet_id=ts.pk, kind="approve"):
                continue
            context = {
                "timesheet": ts,
                "due": ts.review_due_at,
                "zone": "UTC",  # several managers, possibly in several zones: the zone is named
                "link": _link("timesheets:detail", ts.pk),
            }
            if managers:
                send_mail(
                    subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{ts.contract.freelancer}'s hours are "
                    "approved automatically soon",
                    message=render_to_string("timesheets/email/approve_reminder.txt", context),
                    from_email=None,
                    recipient_list=managers,
                )
            sent["approve"] += 1
    return sent


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_timesheet_decision(timesheet_id: int, event: str) -> int:
    """E-mail the freelancer that their week was approved, disputed or resolved."""
    from .notifications import timesheet_decision_email

    return timesheet_decision_email(timesheet_id=timesheet_id, event=event)


@shared_task
def update_reliability(profile_id: int) -> str:
    """Reliability = share of the last 12 weeks' final timesheets the freelancer submitted themselves; also pushes
    the approved minutes of all final timesheets (the hours worked on candidate cards)."""
    from marketplace import services as marketplace_services

    worked = Timesheet.objects.filter(contract__freelancer_id=profile_id, status__in=FINAL_STATUSES).aggregate(
        total=Sum("approved_minutes")
    )["total"]
    marketplace_services.freelancer_worked_minutes_update(profile_id=profile_id, minutes=worked or 0)
    update = getattr(marketplace_services, "freelancer_reliability_update", None)
    if update is None:  # the marketplace does not keep reliability yet
        return "skipped"
    since = week_start_of(timezone.now()) - dt.timedelta(weeks=12)
    final = Timesheet.objects.filter(
        contract__freelancer_id=profile_id, status__in=FINAL_STATUSES, week_start__gte=since
    )
    total = final.count()
    if not total:
        return "skipped"
    on_time = final.filter(auto_submitted=False).count()
    reliability = (Decimal(on_time) * 100 / Decimal(total)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    update(profile_id=profile_id, reliability=reliability)
    return "updated"
