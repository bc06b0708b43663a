"""What billing reads from the other apps (time and QA), behind one small seam.

The timesheets and QA apps own these reads; billing calls them here so the rest of billing does not care how
they are shaped, and tests can stand in for them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet


@dataclass(frozen=True)
class ApprovedTime:
    contract_id: int
    hours: Decimal
    source_key: str  # unique per invoice, e.g. "timesheet:12"


def _hours_of(ts: Any) -> Decimal:
    for attr, divisor in (("approved_minutes", 60), ("approved_hours", 1), ("minutes", 60), ("hours", 1)):
        value = getattr(ts, attr, None)
        if value is not None:
            return Decimal(value) / divisor
    raise AttributeError("timesheet has no approved minutes/hours")


def approved_time(
    *, week_start: dt.date, organization_id: int | None = None, organization_ids: Iterable[int] | None = None
) -> list[ApprovedTime]:
    """Approved (or resolved) hours per contract for the week, from ``timesheets.selectors``."""
    try:
        from timesheets.selectors import approved_timesheets
    except ImportError:  # the timesheets app has not published its selector yet
        return []
    qs = approved_timesheets(week_start=week_start, organization_id=organization_id)
    if organization_ids is not None:
        qs = qs.filter(contract__organization_id__in=list(organization_ids))
    return [ApprovedTime(contract_id=ts.contract_id, hours=_hours_of(ts), source_key=f"timesheet:{ts.pk}") for ts in qs]


def approved_time_sellers(*, week_start: dt.date) -> QuerySet:
    """Ids of the sellers with final time in the week, unordered: the caller narrows, orders and pages it."""
    try:
        from timesheets.selectors import approved_timesheets
    except ImportError:
        from accounts.models import Organization

        return Organization.objects.none().values_list("pk", flat=True)
    return approved_timesheets(week_start=week_start).order_by().values_list("contract__organization_id", flat=True)


def schedule_adherence(contract, week_start: dt.date) -> Decimal | None:
    try:
        from timesheets.selectors import schedule_adherence as adherence
    except ImportError:
        return None
    value = adherence(contract, week_start)
    return None if value is None else Decimal(value)


def iqs(freelancer, contract, start: dt.date, end: dt.date) -> tuple[Decimal | None, list[int], int]:
    """(IQS, review ids, critical fails) for the freelancer on the contract over the days [start, end]."""
    try:
        from qa_scoring.selectors import iqs_for
    except ImportError:
        return None, [], 0
    start_at = dt.datetime.combine(start, dt.time.min, tzinfo=dt.UTC)
    end_at = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)
    score, review_ids, critical = iqs_for(freelancer, contract=contract, start=start_at, end=end_at)
    return (None if score is None else Decimal(score)), list(review_ids), int(critical)
