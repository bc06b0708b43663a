"""E-mails to the freelancer when the seller decides on a week: approved, disputed or resolved.

Sent by :func:`timesheets.tasks.send_timesheet_decision`, enqueued by the services on commit. Times and
amounts are written in the freelancer's own zone, with the zone named.
"""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.timezones import viewer_timezone_name

from .hours import bill_amount, format_minutes
from .models import Timesheet

EVENTS = ("approved", "disputed", "resolved")


def _subject(event: str, timesheet: Timesheet) -> str:
    week = f"{timesheet.week_start:%d %b %Y}"
    title = timesheet.contract.title
    if event == "approved":
        return _("Your week of %(week)s on %(title)s is approved") % {"week": week, "title": title}
    if event == "disputed":
        return _("Hours disputed: your week of %(week)s on %(title)s") % {"week": week, "title": title}
    return _("Dispute resolved: your week of %(week)s on %(title)s") % {"week": week, "title": title}


def timesheet_decision_email(*, timesheet_id: int, event: str) -> int:
    """Send the one e-mail about ``event`` to the contract's freelancer. Returns the number sent (0 or 1)."""
    if event not in EVENTS:
        return 0
    timesheet = (
        Timesheet.objects.select_related("contract__organization", "contract__freelancer__user")
        .filter(pk=timesheet_id)
        .first()
    )
    if timesheet is None:
        return 0
    user = timesheet.contract.freelancer.user
    with timezone.override(zoneinfo.ZoneInfo(viewer_timezone_name(user))):
        context = {
            "event": event,
            "timesheet": timesheet,
            "freelancer": user,
            "approved": format_minutes(timesheet.approved_minutes),
            "submitted": format_minutes(timesheet.submitted_minutes),
            "disputed": format_minutes(timesheet.disputed_minutes),
            "amount": bill_amount(timesheet.approved_minutes, timesheet.contract),
            "zone": timezone.get_current_timezone_name(),
            "link": settings.SITE_URL.rstrip("/") + reverse("timesheets:detail", args=[timesheet.pk]),
        }
        body = render_to_string("timesheets/email/decision.txt", context)
    return send_mail(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + _subject(event, timesheet),
        message=body,
        from_email=None,
        recipient_list=[user.email],
    )
