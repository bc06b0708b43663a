"""A job post reduced to the numbers ranking needs: the ``JobIndex`` row's values for one week."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection

from ..models import Channel, CoverageWindow, JobLanguage, JobPost, JobSkill, Language, Skill, Tool
from . import availability
from .availability import as_window, week_bits
from .scoring import LEVELS, Terms


@dataclass(frozen=True)
class JobVector:
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
    languages: tuple[tuple[int, int], ...]  # (CEFR level, mask of languages required at that minimum level)
    availability: int  # bit i = UTC quarter-hour i of the week
    slots: int

    def index_values(self, terms: Terms) -> dict:
        """Field values of the ``JobIndex`` row, with the ranking terms it is scored with."""
        by_level = dict(self.languages)
        values = {
            "week_start": self.week_start,
            "stale": False,
            "currency": self.currency,
            "rate_min_cents": self.rate_min_cents,
            "rate_max_cents": self.rate_max_cents,
            "hours": self.hours,
            "required_mask": self.required_mask,
            "nice_mask": self.nice_mask,
            "skill_den": self.skill_den,
            "channel_mask": self.channel_mask,
            "tool_mask": self.tool_mask,
            "experience_den": self.experience_den,
            "availability": self.availability,
            "slots": self.slots,
            **{f"lang_{n}": by_level.get(n, 0) for n in LEVELS},
            **terms.as_fields(),
        }
        return values


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
    """Reads the job's skills, languages, windows, channels and tools in one query (its own fields from ``job``)."""
    week_start = week_start or availability.current_week_start()
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
