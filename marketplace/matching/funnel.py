"""Why a job has no (or few) candidates: how many freelancers each hard filter removes, counted in SQL.

The filters are applied in order — approved, languages at level, hours available, rate ceiling (with the
currency) — over every ``MatchIndex`` row against the job's ``JobIndex`` row, in one query of ``SUM(CASE …)``
columns; no profile is loaded. Together the four fragments are exactly ``scoring.passes_sql()`` (a test holds
them to it), so the last step's count is the number of candidates the ranking shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

from .scoring import JOBS, LEVELS, PROFILES

FILTERS = (
    ("approved", "m.approved"),
    ("languages", " AND ".join(f"(m.lang_{n} & j.lang_{n}) = j.lang_{n}" for n in LEVELS)),
    ("hours", "(m.hours_per_week - m.committed) * 100 >= j.hours * j.min_hours_percent"),
    ("rate", "m.currency = j.currency AND m.rate_cents IS NOT NULL AND m.rate_cents <= j.rate_max_cents"),
)


@dataclass(frozen=True)
class Step:
    key: str  # one of FILTERS' keys
    kept: int  # freelancers passing this filter and every one before it
    removed: int  # freelancers the previous step kept that this filter removes


@dataclass(frozen=True)
class Funnel:
    profiles: int  # freelancers with a profile
    steps: tuple[Step, ...]

    @property
    def candidates(self) -> int:
        return self.steps[-1].kept


def funnel_sql() -> str:
    sums, conditions = [], []
    for _key, fragment in FILTERS:
        conditions.append(f"({fragment})")
        sums.append(f"SUM(CASE WHEN {' AND '.join(conditions)} THEN 1 ELSE 0 END)")
    return f"SELECT COUNT(*), {', '.join(sums)} FROM {PROFILES} m CROSS JOIN {JOBS} j WHERE j.job_id = %s"  # noqa: S608


def job_funnel(job_id: int) -> Funnel:
    """One query. Needs the job's current ``JobIndex`` row (any ranking of the job leaves it current)."""
    with connection.cursor() as cursor:
        cursor.execute(funnel_sql(), [job_id])
        profiles, *kept = (int(v or 0) for v in cursor.fetchone())
    steps, before = [], profiles
    for (key, _fragment), count in zip(FILTERS, kept, strict=True):
        steps.append(Step(key=key, kept=count, removed=before - count))
        before = count
    return Funnel(profiles=profiles, steps=tuple(steps))
