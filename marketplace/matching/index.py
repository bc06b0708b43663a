"""Keeping ``MatchIndex`` rows in step with profiles."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from ..models import Contract, ContractStatus, FreelancerProfile, MatchIndex, VettingStatus
from .availability import as_window, current_week_start, week_bits

LEVELS = range(1, 7)


def _bp(value: Decimal | None) -> int | None:
    return None if value is None else int((Decimal(value) * 100).to_integral_value())


def quality_of(profile: FreelancerProfile) -> Decimal | None:
    """Live IQS when there are reviews, else the vetting score."""
    if profile.iqs_90d is not None and profile.iqs_review_count > 0:
        return profile.iqs_90d
    return profile.vetting_score


def _mask(bits: list[int]) -> int:
    out = 0
    for b in bits:
        out |= 1 << b
    return out


def committed_by_profile(profile_ids) -> dict[int, int]:
    """Σ weekly hour caps of the active contracts, per freelancer (one query)."""
    rows = (
        Contract.objects.filter(freelancer_id__in=profile_ids, status=ContractStatus.ACTIVE)
        .values("freelancer_id")
        .annotate(total=Sum("weekly_hour_cap"))
        .values_list("freelancer_id", "total")
    )
    return dict(rows)


def index_values(profile: FreelancerProfile, week_start: dt.date, committed: int = 0) -> dict:
    """The row for one profile; reads its skills, languages, channels, tools and windows (prefetch them).

    ``committed`` is Σ weekly caps of its active contracts, so ranking never joins contracts."""
    languages = [(pl.language.bit, pl.level) for pl in profile.languages.all()]
    windows = [as_window(w.weekday, w.start, w.end) for w in profile.windows.all()]
    values = {
        "week_start": week_start,
        "approved": profile.vetting_status == VettingStatus.APPROVED,
        "currency": profile.currency,
        "rate_cents": _bp(profile.hourly_rate),
        "hours_per_week": profile.hours_per_week,
        "committed": committed,
        "quality_bp": _bp(quality_of(profile)) or 0,
        "has_iqs": profile.iqs_90d is not None and profile.iqs_review_count > 0,
        "reliability_bp": _bp(profile.reliability),
        "skill_mask": _mask([ps.skill.bit for ps in profile.skills.all()]),
        "channel_mask": _mask([c.bit for c in profile.channels.all()]),
        "tool_mask": _mask([t.bit for t in profile.tools.all()]),
    }
    for level in LEVELS:
        values[f"lang_{level}"] = _mask([bit for bit, lvl in languages if lvl >= level])
    values["availability"] = week_bits(profile.timezone, windows, week_start) if windows else 0
    return values


def _prefetched(qs):
    return qs.prefetch_related("languages__language", "windows", "skills__skill", "channels", "tools")


@transaction.atomic
def match_index_refresh(*, profile: FreelancerProfile, week_start: dt.date | None = None) -> MatchIndex:
    week_start = week_start or current_week_start()
    profile = _prefetched(FreelancerProfile.objects.filter(pk=profile.pk)).get()
    committed = committed_by_profile([profile.pk]).get(profile.pk, 0)
    row, _ = MatchIndex.objects.update_or_create(profile=profile, defaults=index_values(profile, week_start, committed))
    return row


def match_index_rebuild(*, week_start: dt.date | None = None, only_stale: bool = True, chunk: int = 500) -> int:
    """Recompute rows (all, or only those of another week). Run weekly by beat so DST follows the calendar."""
    week_start = week_start or current_week_start()
    qs = FreelancerProfile.objects.order_by("pk")
    if only_stale:
        fresh = MatchIndex.objects.filter(week_start=week_start).values("profile_id")
        qs = qs.exclude(pk__in=fresh)
    done, last = 0, 0
    while True:
        batch = list(_prefetched(qs.filter(pk__gt=last))[:chunk])
        if not batch:
            return done
        committed = committed_by_profile([p.pk for p in batch])
        with transaction.atomic():
            for profile in batch:
                MatchIndex.objects.update_or_create(
                    profile=profile, defaults=index_values(profile, week_start, committed.get(profile.pk, 0))
                )
        done += len(batch)
        last = batch[-1].pk
