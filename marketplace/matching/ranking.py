"""Ranking: hard filters and the weighted score in one SQL statement.

Each signal is an integer 0–10,000 (hundredths of a percent, floor-divided), the total is
Σ weight × signal with integer weights summing to 100, i.e. 0–1,000,000 = 0–100.0000 points. Ties are broken by
the profile id (older profiles first), so a ranking never depends on the database's row order.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from ..fields import int_to_bitstring
from ..models import (
    Channel,
    CoverageWindow,
    JobLanguage,
    JobPost,
    JobSkill,
    Language,
    MatchIndex,
    Skill,
    Tool,
)
from .availability import SLOTS_PER_WEEK, as_window, current_week_start, week_bits

SIGNALS = ("skills", "overlap", "rate", "quality", "reliability", "experience", "hours")
SIGNAL_LABELS = {
    "skills": "Skill coverage",
    "overlap": "Coverage-window overlap",
    "rate": "Rate fit",
    "quality": "QA score",
    "reliability": "Reliability",
    "experience": "Channel and tool experience",
    "hours": "Remaining weekly hours",
}
FULL = 10_000


def weights() -> dict[str, int]:
    w = dict(settings.MATCHING_WEIGHTS)
    if set(w) != set(SIGNALS) or any(not isinstance(v, int) or v < 0 for v in w.values()) or sum(w.values()) != 100:
        raise ImproperlyConfigured(f"MATCHING_WEIGHTS needs non-negative integers for {SIGNALS} summing to 100.")
    return w


@dataclass(frozen=True)
class JobVector:
    """A job post reduced to the numbers ranking needs."""

    week_start: dt.date
    currency: str
    rate_min_cents: int
    rate_max_cents: int
    hours: int
    required_mask: int
    nice_mask: int
    skill_den: int
    channel_mask: int
    tool_mask: int
    experience_den: int
    languages: tuple[tuple[int, int], ...]  # (CEFR level, mask of languages required at >= that level)
    availability: int  # bit i = UTC quarter-hour i of the week
    slots: int


def _time(value) -> dt.time:
    return value if isinstance(value, dt.time) else dt.time.fromisoformat(str(value))


def _job_rows(job_id: int) -> list[tuple]:
    """(kind, a, b, start, end) rows: skills (bit, required), languages (bit, level), windows (weekday, -, times),
    channels and tools (bit)."""
    t = {m.__name__: m._meta.db_table for m in (JobSkill, JobLanguage, CoverageWindow, Skill, Language, Channel, Tool)}
    channels, tools = JobPost.channels.through._meta.db_table, JobPost.tools.through._meta.db_table
    sql = (
        f"SELECT 'w', w.weekday, 0, w.start, w.\"end\" FROM {t['CoverageWindow']} w WHERE w.job_id = %s "  # noqa: S608
        f"UNION ALL SELECT 's', k.bit, CASE WHEN j.required THEN 1 ELSE 0 END, NULL, NULL "
        f"FROM {t['JobSkill']} j JOIN {t['Skill']} k ON k.id = j.skill_id WHERE j.job_id = %s "
        f"UNION ALL SELECT 'l', k.bit, j.min_level, NULL, NULL "
        f"FROM {t['JobLanguage']} j JOIN {t['Language']} k ON k.id = j.language_id WHERE j.job_id = %s "
        f"UNION ALL SELECT 'c', k.bit, 0, NULL, NULL "
        f"FROM {channels} j JOIN {t['Channel']} k ON k.id = j.channel_id WHERE j.jobpost_id = %s "
        f"UNION ALL SELECT 't', k.bit, 0, NULL, NULL "
        f"FROM {tools} j JOIN {t['Tool']} k ON k.id = j.tool_id WHERE j.jobpost_id = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [job_id] * 5)
        return cursor.fetchall()


def _cents(value: Decimal) -> int:
    return int((Decimal(value) * 100).to_integral_value())


def job_vector(job: JobPost, week_start: dt.date | None = None) -> JobVector:
    """Reads the job's skills, languages, windows, channels and tools in one query."""
    week_start = week_start or current_week_start()
    required = nice = channel_mask = tool_mask = 0
    by_level: dict[int, int] = {}
    windows = []
    for kind, a, b, start, end in _job_rows(job.pk):
        if kind == "s":
            if b:
                required |= 1 << a
            else:
                nice |= 1 << a
        elif kind == "l":
            by_level[b] = by_level.get(b, 0) | (1 << a)
        elif kind == "c":
            channel_mask |= 1 << a
        elif kind == "t":
            tool_mask |= 1 << a
        else:
            windows.append(as_window(a, _time(start), _time(end)))
    bits = week_bits(job.timezone, windows, week_start)
    return JobVector(
        week_start=week_start,
        currency=job.currency,
        rate_min_cents=_cents(job.rate_min),
        rate_max_cents=_cents(job.rate_max),
        hours=job.hours_per_week,
        required_mask=required,
        nice_mask=nice,
        skill_den=2 * required.bit_count() + nice.bit_count(),
        channel_mask=channel_mask,
        tool_mask=tool_mask,
        experience_den=channel_mask.bit_count() + tool_mask.bit_count(),
        languages=tuple(sorted(by_level.items())),
        availability=bits,
        slots=bits.bit_count(),
    )


@dataclass
class Signal:
    key: str
    label: str
    weight: int
    value: Decimal  # 0–100, how well this signal is met
    points: Decimal  # weight × value / 100, its share of the total


@dataclass
class Candidate:
    profile_id: int
    total: Decimal  # 0–100, two decimals (rounded down from the exact integer total)
    total_exact: int  # 0–1,000,000, what the ranking sorts by
    signals: dict[str, int]
    breakdown: list[Signal] = field(default_factory=list)
    profile: object | None = None


@dataclass
class MatchPage:
    count: int
    candidates: list[Candidate]


def _bits(mask: int) -> list[int]:
    return [b for b in range(mask.bit_length()) if mask >> b & 1]


def _count_bits_sql(column: str, mask: int) -> str:
    """How many of ``mask``'s bits are set in the integer column: plain integer shifts, no casts or allocations.
    Only integers from the taxonomy (0–62) are interpolated."""
    return "(" + " + ".join(f"(({column} >> {int(b)}) & 1)" for b in _bits(mask)) + ")" if mask else "0"


def _signal_sql(v: JobVector, params: list) -> list[str]:
    exprs = []
    # skills: required skills count twice, nice-to-have once
    if v.skill_den:
        req, nice = _count_bits_sql("m.skill_mask", v.required_mask), _count_bits_sql("m.skill_mask", v.nice_mask)
        exprs.append(f"((2 * {req} + {nice}) * {FULL}) / {v.skill_den}")
    else:
        exprs.append(str(FULL))
    # overlap: the job's quarter-hours of the week the freelancer also covers
    if v.slots:
        if connection.vendor == "postgresql":
            exprs.append(f"(bit_count(m.availability & CAST(%s AS bit({SLOTS_PER_WEEK}))) * {FULL}) / {v.slots}")
        else:
            exprs.append(f"(sd_overlap(m.availability, %s) * {FULL}) / {v.slots}")
        params.append(int_to_bitstring(v.availability, SLOTS_PER_WEEK))
    else:
        exprs.append(str(FULL))
    # rate fit: at or under the range's floor is full marks, the ceiling half marks, linear between
    span = v.rate_max_cents - v.rate_min_cents
    if span > 0:
        exprs.append(
            f"CASE WHEN m.rate_cents <= %s THEN {FULL} ELSE {FULL} - (5000 * (m.rate_cents - %s)) / {span} END"
        )
        params += [v.rate_min_cents, v.rate_min_cents]
    else:
        exprs.append(str(FULL))
    exprs.append("m.quality_bp")
    exprs.append(f"COALESCE(m.reliability_bp, {int(settings.MATCHING_DEFAULT_RELIABILITY) * 100})")
    if v.experience_den:
        known = f"{_count_bits_sql('m.channel_mask', v.channel_mask)} + {_count_bits_sql('m.tool_mask', v.tool_mask)}"
        exprs.append(f"(({known}) * {FULL}) / {v.experience_den}")
    else:
        exprs.append(str(FULL))
    exprs.append(
        f"(CASE WHEN m.hours_per_week - m.committed >= {v.hours} THEN {v.hours}"
        f" ELSE m.hours_per_week - m.committed END) * {FULL} / {v.hours}"
    )
    return exprs


def _filtered_sql(v: JobVector, params: list) -> str:
    """Rows passing the hard filters (remaining hours use the committed hours kept on the index row)."""
    table = MatchIndex._meta.db_table
    where = ["m.approved", "m.currency = %s", "m.rate_cents IS NOT NULL", "m.rate_cents <= %s"]
    params += [v.currency, v.rate_max_cents]
    for level, mask in v.languages:
        where.append(f"(m.lang_{level} & %s) = %s")
        params += [mask, mask]
    min_percent = int(settings.MATCHING_MIN_HOURS_PERCENT)
    # Only integers and fixed identifiers are interpolated into the SQL; every value is a parameter.
    return (
        f"SELECT m.* FROM {table} m WHERE {' AND '.join(where)} "  # noqa: S608
        f"AND (m.hours_per_week - m.committed) * 100 >= {v.hours * min_percent}"
    )


def rank_vector(v: JobVector, *, limit: int = 20, offset: int = 0, with_count: bool = False) -> MatchPage:
    """Top ``limit`` candidates after ``offset``: 1 query (2 with the count)."""
    w = weights()
    params: list = []
    base = _filtered_sql(v, params)
    signal_params: list = []
    exprs = _signal_sql(v, signal_params)
    inner = "SELECT m.profile_id, " + ", ".join(f"{e} AS s_{k}" for e, k in zip(exprs, SIGNALS, strict=True))
    total = " + ".join(f"{w[k]} * s_{k}" for k in SIGNALS)
    sql = (
        f"SELECT profile_id, {', '.join('s_' + k for k in SIGNALS)}, {total} AS total "  # noqa: S608
        f"FROM ({inner} FROM ({base}) m) s ORDER BY total DESC, profile_id ASC LIMIT %s OFFSET %s"
    )
    count = 0
    with connection.cursor() as cursor:
        cursor.execute(sql, signal_params + params + [int(limit), int(offset)])
        rows = cursor.fetchall()
        if with_count:
            count_params: list = []
            cursor.execute(f"SELECT COUNT(*) FROM ({_filtered_sql(v, count_params)}) f", count_params)  # noqa: S608
            count = cursor.fetchone()[0]
    candidates = [_candidate(row, w) for row in rows]
    return MatchPage(count=count, candidates=candidates)


def _candidate(row, w: dict[str, int]) -> Candidate:
    profile_id, *values, total = row
    signals = dict(zip(SIGNALS, (int(x) for x in values), strict=True))
    return Candidate(
        profile_id=profile_id,
        total=(Decimal(int(total)) / FULL).quantize(Decimal("0.01"), rounding="ROUND_DOWN"),
        total_exact=int(total),
        signals=signals,
        breakdown=breakdown(signals, w),
    )


def breakdown(signals: dict[str, int], w: dict[str, int] | None = None) -> list[Signal]:
    w = w or weights()
    return [
        Signal(
            key=k,
            label=SIGNAL_LABELS[k],
            weight=w[k],
            value=(Decimal(signals[k]) / 100).quantize(Decimal("0.01")),
            points=(Decimal(w[k] * signals[k]) / FULL).quantize(Decimal("0.01")),
        )
        for k in SIGNALS
    ]


def rank_job(job: JobPost, *, limit: int = 20, offset: int = 0, with_count: bool = False, week_start=None):
    return rank_vector(job_vector(job, week_start), limit=limit, offset=offset, with_count=with_count)
