"""What a freelancer reads on an offer before accepting it: the job's coverage hours in their own zone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from .coverage import ZonedRange, weekly_hours, windows_in_zone
from .matching.availability import week_start_of
from .models import Offer


@dataclass(frozen=True)
class OfferCoverage:
    zone: str  # the freelancer's zone, where ``ranges`` are
    job_zone: str
    week_start: dt.date  # the real week converted (DST as that week has it)
    ranges: list[ZonedRange]
    job_windows: list  # the job's own windows, in ``job_zone``
    hours: str  # hours the windows cover in that week


def offer_coverage(offer: Offer) -> OfferCoverage | None:
    """The job's windows in the freelancer's zone for the week the contract would start (or this week, if that
    is past); None for an offer without a job. One query (the windows)."""
    job = offer.job
    if job is None:
        return None
    windows = list(job.windows.all())
    week = week_start_of(max(offer.start_date, timezone.now().date()))
    hours = weekly_hours(windows, zone=job.timezone, week_start=week) if windows else 0
    return OfferCoverage(
        zone=offer.freelancer.timezone,
        job_zone=job.timezone,
        week_start=week,
        ranges=windows_in_zone(
            windows, source_zone=job.timezone, target_zone=offer.freelancer.timezone, week_start=week
        )
        if windows
        else [],
        job_windows=windows,
        hours=f"{hours:g}",
    )
