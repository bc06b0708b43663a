"""The one scoring expression: hard filters, signals and total over a profile row ``m`` and a job row ``j``.

``m`` is a ``MatchIndex`` row, ``j`` a ``JobIndex`` row. The live ranking, the head build and the head
maintenance all use the SQL built here, on PostgreSQL and SQLite alike; only two primitives are spelled per
database (a popcount of an integer mask and the overlap of two 672-bit strings — ``bit_count`` on PostgreSQL,
functions registered on each SQLite connection by ``marketplace.apps``).

Each signal is an integer 0–10,000 (hundredths of a percent, truncated), the total is Σ weight × signal with
integer weights summing to 100, i.e. 0–1,000,000 = 0–100.0000 points. The weights are read from ``j``, so a
head is always scored with the terms it was built with. Ties are broken by the profile id (older profiles
first), so a ranking never depends on the database's row order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from ..models import JobIndex, MatchIndex

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
LEVELS = range(1, 7)  # CEFR A1..C2


def weights() -> dict[str, int]:
    w = dict(settings.MATCHING_WEIGHTS)
    if set(w) != set(SIGNALS) or any(not isinstance(v, int) or v < 0 for v in w.values()) or sum(w.values()) != 100:
        raise ImproperlyConfigured(f"MATCHING_WEIGHTS needs non-negative integers for {SIGNALS} summing to 100.")
    return w


@dataclass(frozen=True)
class Terms:
    """The settings a ranking depends on besides the data: weights and the two filter/default settings."""

    weights: tuple[int, ...]  # in SIGNALS order
    default_reliability_bp: int
    min_hours_percent: int

    def as_fields(self) -> dict[str, int]:
        out = {f"w_{k}": w for k, w in zip(SIGNALS, self.weights, strict=True)}
        out["default_reliability_bp"] = self.default_reliability_bp
        out["min_hours_percent"] = self.min_hours_percent
        return out

    @classmethod
    def of(cls, row: JobIndex) -> Terms:
        return cls(
            weights=tuple(getattr(row, f"w_{k}") for k in SIGNALS),
            default_reliability_bp=row.default_reliability_bp,
            min_hours_percent=row.min_hours_percent,
        )

    def weight_map(self) -> dict[str, int]:
        return dict(zip(SIGNALS, self.weights, strict=True))


def current_terms() -> Terms:
    w = weights()
    return Terms(
        weights=tuple(w[k] for k in SIGNALS),
        default_reliability_bp=int(settings.MATCHING_DEFAULT_RELIABILITY) * 100,
        min_hours_percent=int(settings.MATCHING_MIN_HOURS_PERCENT),
    )


# --- SQL --------------------------------------------------------------------------------------------------

PROFILES = MatchIndex._meta.db_table
JOBS = JobIndex._meta.db_table


def _popcount(expr: str) -> str:
    if connection.vendor == "postgresql":
        return f"bit_count(CAST({expr} AS bit(64)))"
    return f"sd_popcount({expr})"


def _overlap(a: str, b: str) -> str:
    if connection.vendor == "postgresql":
        return f"bit_count({a} & {b})"
    return f"sd_overlap({a}, {b})"


def passes_sql() -> str:
    """The hard filters: approved, same currency, a rate at or under the ceiling, every required language at its
    level, and remaining weekly hours (hours − committed) ≥ the job's hours × MATCHING_MIN_HOURS_PERCENT."""
    languages = " AND ".join(f"(m.lang_{n} & j.lang_{n}) = j.lang_{n}" for n in LEVELS)
    return (
        "(m.approved AND m.currency = j.currency AND m.rate_cents IS NOT NULL AND m.rate_cents <= j.rate_max_cents"
        f" AND {languages} AND (m.hours_per_week - m.committed) * 100 >= j.hours * j.min_hours_percent)"
    )


def signals_sql() -> dict[str, str]:
    remaining = "(m.hours_per_week - m.committed)"
    skills = f"2 * {_popcount('m.skill_mask & j.required_mask')} + {_popcount('m.skill_mask & j.nice_mask')}"
    known = f"{_popcount('m.channel_mask & j.channel_mask')} + {_popcount('m.tool_mask & j.tool_mask')}"
    return {
        # required skills count twice, nice-to-have once
        "skills": f"CASE WHEN j.skill_den = 0 THEN {FULL} ELSE (({skills}) * {FULL}) / j.skill_den END",
        # the job's quarter-hours of the week the freelancer also covers
        "overlap": f"CASE WHEN j.slots = 0 THEN {FULL} "
        f"ELSE ({_overlap('m.availability', 'j.availability')} * {FULL}) / j.slots END",
        # at or under the range's floor is full marks, the ceiling half marks, linear between
        "rate": f"CASE WHEN m.rate_cents <= j.rate_min_cents OR j.rate_max_cents = j.rate_min_cents THEN {FULL} "
        f"ELSE {FULL} - (5000 * (m.rate_cents - j.rate_min_cents)) / (j.rate_max_cents - j.rate_min_cents) END",
        "quality": "m.quality_bp",
        "reliability": "COALESCE(m.reliability_bp, j.default_reliability_bp)",
        "experience": f"CASE WHEN j.experience_den = 0 THEN {FULL} ELSE (({known}) * {FULL}) / j.experience_den END",
        "hours": f"(CASE WHEN {remaining} >= j.hours THEN j.hours ELSE {remaining} END) * {FULL} / j.hours",
    }


SCORED_COLUMNS = ("profile_id", "job_id", *(f"s_{k}" for k in SIGNALS), "total")


def scored_sql(where: str) -> str:
    """``SCORED_COLUMNS`` of every (m, j) pair passing the hard filters and ``where`` (SQL over m and j).

    Only fixed identifiers and integers are interpolated; callers pass values as parameters in ``where``."""
    signals = signals_sql()
    inner = ", ".join(
        ["m.profile_id AS profile_id", "j.job_id AS job_id"]
        + [f"{signals[k]} AS s_{k}" for k in SIGNALS]
        + [f"j.w_{k} AS w_{k}" for k in SIGNALS]
    )
    total = " + ".join(f"w_{k} * s_{k}" for k in SIGNALS)
    return (
        f"SELECT profile_id, job_id, {', '.join(f's_{k}' for k in SIGNALS)}, {total} AS total "  # noqa: S608
        f"FROM (SELECT {inner} FROM {PROFILES} m CROSS JOIN {JOBS} j WHERE {passes_sql()} AND {where}) s"
    )


RANK_ORDER = "ORDER BY total DESC, profile_id ASC"


def count_sql(where: str) -> str:
    return f"SELECT COUNT(*) FROM {PROFILES} m CROSS JOIN {JOBS} j WHERE {passes_sql()} AND {where}"  # noqa: S608


def pass_counts_sql(where: str) -> str:
    """(job id, candidates passing) for the pairs selected by ``where``."""
    return (
        f"SELECT j.job_id, COUNT(*) FROM {PROFILES} m CROSS JOIN {JOBS} j "  # noqa: S608
        f"WHERE {passes_sql()} AND {where} GROUP BY j.job_id"
    )


def in_list(column: str, values) -> tuple[str, list]:
    values = list(values)
    if not values:
        return "1 = 0", []
    return f"{column} IN ({', '.join(['%s'] * len(values))})", values


def above_floor(total: int, profile_id: int, floor_total: int | None, floor_profile_id: int | None) -> bool:
    """Whether the rank key (total desc, profile id asc) is strictly better than the floor; no floor: always."""
    if floor_total is None:
        return True
    return total > floor_total or (total == floor_total and profile_id < floor_profile_id)


# --- Results ----------------------------------------------------------------------------------------------


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
    # where the page came from: "head" (the materialized head), "built" (the head was built for it) or "live"
    source: str = "live"


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


def candidate(profile_id: int, signal_values, total: int, w: dict[str, int]) -> Candidate:
    signals = dict(zip(SIGNALS, (int(x) for x in signal_values), strict=True))
    return Candidate(
        profile_id=profile_id,
        total=(Decimal(int(total)) / FULL).quantize(Decimal("0.01"), rounding="ROUND_DOWN"),
        total_exact=int(total),
        signals=signals,
        breakdown=breakdown(signals, w),
    )
