"""A deliberately plain reference ranking: ORM objects, sets of UTC minutes, no bit tricks, no SQL scoring."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import lru_cache
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.conf import settings

from marketplace.models import ContractStatus, FreelancerProfile, VettingStatus

FULL = 10_000


def utc_minutes(tz_name: str, windows, week_start: dt.date) -> set[int]:
    """Minutes of the UTC week (from Monday 00:00 UTC) whose local wall-clock time lies in a window."""
    return set(_utc_minutes(tz_name, tuple((w.weekday, w.start, w.end) for w in windows), week_start))


@lru_cache(maxsize=1024)  # memoised only to keep the property test quick
def _utc_minutes(tz_name: str, windows, week_start: dt.date) -> frozenset[int]:
    windows = [SimpleNamespace(weekday=d, start=s, end=e) for d, s, e in windows]
    tz = ZoneInfo(tz_name)
    base = dt.datetime.combine(week_start, dt.time(0), tzinfo=dt.UTC)
    out = set()
    for minute in range(7 * 24 * 60):
        local = (base + dt.timedelta(minutes=minute)).astimezone(tz)
        day, clock = local.weekday(), local.time().replace(tzinfo=None)
        for w in windows:
            if w.start < w.end:
                hit = day == w.weekday and w.start <= clock < w.end
            else:  # runs past midnight into the next day
                hit = (day == w.weekday and clock >= w.start) or (day == (w.weekday + 1) % 7 and clock < w.end)
            if hit:
                out.add(minute)
                break
    return frozenset(out)


def _cents(value: Decimal) -> int:
    return int(value * 100)


def reference_rank(job, week_start: dt.date) -> list[tuple[int, int, dict[str, int]]]:
    w = settings.MATCHING_WEIGHTS
    required = {js.skill_id for js in job.skills.all() if js.required}
    nice = {js.skill_id for js in job.skills.all() if not js.required}
    job_langs = [(jl.language_id, jl.min_level) for jl in job.languages.all()]
    job_minutes = utc_minutes(job.timezone, list(job.windows.all()), week_start)
    job_channels = {c.pk for c in job.channels.all()}
    job_tools = {t.pk for t in job.tools.all()}
    lo, hi = _cents(job.rate_min), _cents(job.rate_max)
    out = []
    for p in FreelancerProfile.objects.prefetch_related(
        "skills", "languages", "windows", "channels", "tools", "contracts"
    ):
        if p.vetting_status != VettingStatus.APPROVED or p.currency != job.currency or p.hourly_rate is None:
            continue
        rate = _cents(p.hourly_rate)
        if rate > hi:
            continue
        levels = {pl.language_id: pl.level for pl in p.languages.all()}
        if any(levels.get(lang, 0) < lvl for lang, lvl in job_langs):
            continue
        remaining = p.hours_per_week - sum(
            c.weekly_hour_cap for c in p.contracts.all() if c.status == ContractStatus.ACTIVE
        )
        if remaining * 100 < job.hours_per_week * settings.MATCHING_MIN_HOURS_PERCENT:
            continue
        have = {ps.skill_id for ps in p.skills.all()}
        den = 2 * len(required) + len(nice)
        s = {}
        s["skills"] = FULL if den == 0 else (2 * len(have & required) + len(have & nice)) * FULL // den
        mine = utc_minutes(p.timezone, list(p.windows.all()), week_start)
        s["overlap"] = FULL if not job_minutes else len(job_minutes & mine) * FULL // len(job_minutes)
        s["rate"] = FULL if hi == lo or rate <= lo else FULL - 5000 * (rate - lo) // (hi - lo)
        quality = p.iqs_90d if p.iqs_90d is not None and p.iqs_review_count > 0 else p.vetting_score or Decimal(0)
        s["quality"] = int(quality * 100)
        rel = p.reliability if p.reliability is not None else Decimal(settings.MATCHING_DEFAULT_RELIABILITY)
        s["reliability"] = int(rel * 100)
        exp_den = len(job_channels) + len(job_tools)
        known = len({c.pk for c in p.channels.all()} & job_channels) + len({t.pk for t in p.tools.all()} & job_tools)
        s["experience"] = FULL if exp_den == 0 else known * FULL // exp_den
        s["hours"] = min(remaining, job.hours_per_week) * FULL // job.hours_per_week
        total = sum(w[k] * v for k, v in s.items())
        out.append((p.pk, total, s))
    out.sort(key=lambda r: (-r[1], r[0]))
    return out


def assert_head_matches_reference(job, week_start: dt.date) -> bool:
    """The head invariant, checked against the reference: when the job's head is ready, it holds exactly the
    reference candidates above its floor, with their signals, and the exact candidate count. False: no head."""
    from marketplace.matching.scoring import SIGNALS, above_floor
    from marketplace.models import JobIndex, JobPost, MatchHeadRow

    row = JobIndex.objects.filter(pk=job.pk).first()
    if row is None or not row.head_ready:
        return False
    expected = reference_rank(JobPost.objects.get(pk=job.pk), week_start)
    above = [r for r in expected if above_floor(r[1], r[0], row.floor_total, row.floor_profile_id)]
    stored = [
        (pid, total, dict(zip(SIGNALS, signals, strict=True)))
        for pid, total, *signals in MatchHeadRow.objects.filter(job_id=job.pk)
        .order_by("-total", "profile_id")
        .values_list("profile_id", "total", *(f"s_{k}" for k in SIGNALS))
    ]
    assert stored == above
    assert row.candidates == len(expected)
    return True
