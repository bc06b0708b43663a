"""Keeping ``MatchIndex`` rows, and with them every materialized ranking head, in step with profiles."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Prefetch, Sum

from ..models import (
    Contract,
    ContractStatus,
    FreelancerProfile,
    MatchIndex,
    ProfileLanguage,
    ProfileSkill,
    VettingStatus,
)
from . import availability, heads
from .availability import as_window, week_bits
from .scoring import LEVELS

INDEX_FIELDS = [f.name for f in MatchIndex._meta.concrete_fields if f.name != "profile"]


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
    return qs.prefetch_related(
        Prefetch("languages", ProfileLanguage.objects.select_related("language")),
        Prefetch("skills", ProfileSkill.objects.select_related("skill")),
        "windows",
        "channels",
        "tools",
    )


@transaction.atomic
def match_index_refresh_many(*, profile_ids: list[int], week_start: dt.date) -> list[MatchIndex]:
    """Recompute the rows of these profiles and maintain every ready head; a constant number of queries.

    Lock order (see ``heads``): the ``MatchIndex`` table for writes, then the profile rows (callers that locked
    a profile row already hold it), then, for heads whose count moves, their ``JobIndex`` rows by job id."""
    heads.lock_for_index_writes()
    profiles = list(
        _prefetched(FreelancerProfile.objects.filter(pk__in=profile_ids).order_by("pk").select_for_update())
    )
    ids = [p.pk for p in profiles]
    if not ids:
        return []
    committed = committed_by_profile(ids)
    ready = heads.ready_heads()
    before = heads.pass_counts(ids, ready) if ready else {}
    rows = [MatchIndex(profile=p, **index_values(p, week_start, committed.get(p.pk, 0))) for p in profiles]
    MatchIndex.objects.bulk_create(rows, update_conflicts=True, unique_fields=["profile"], update_fields=INDEX_FIELDS)
    heads.maintain(ids, ready, before)
    return rows


@transaction.atomic
def match_index_remove(*, profile_ids: list[int]) -> None:
    """Before profiles are deleted: drop their rows, taking them out of every head and its count."""
    heads.lock_for_index_writes()
    ready = heads.ready_heads()
    before = heads.pass_counts(profile_ids, ready) if ready else {}
    MatchIndex.objects.filter(profile_id__in=profile_ids).delete()
    heads.maintain(profile_ids, ready, before)


def match_index_refresh(*, profile: FreelancerProfile, week_start: dt.date | None = None) -> MatchIndex:
    week_start = week_start or availability.current_week_start()
    rows = match_index_refresh_many(profile_ids=[profile.pk], week_start=week_start)
    if not rows:
        raise FreelancerProfile.DoesNotExist(f"No freelancer profile {profile.pk}.")
    return rows[0]


def match_index_rebuild(*, week_start: dt.date | None = None, only_stale: bool = True, chunk: int = 500) -> int:
    """Recompute rows (all, or only those of another week). Run weekly by beat so DST follows the calendar.

    Heads of other weeks are dropped first (the next ranking of their job rebuilds them for this week); heads
    built meanwhile are maintained chunk by chunk like any profile change, so every head stays exact."""
    week_start = week_start or availability.current_week_start()
    heads.drop_heads(except_week=week_start)
    qs = FreelancerProfile.objects.order_by("pk")
    if only_stale:
        fresh = MatchIndex.objects.filter(week_start=week_start).values("profile_id")
        qs = qs.exclude(pk__in=fresh)
    done, last = 0, 0
    while True:
        ids = list(qs.filter(pk__gt=last).values_list("pk", flat=True)[:chunk])
        if not ids:
            return done
        done += len(match_index_refresh_many(profile_ids=ids, week_start=week_start))
        last = ids[-1]
