"""Weekly local windows → UTC quarter-hour bits for one real calendar week.

The week is Monday 00:00 UTC + 7 days (``week_start``). A UTC quarter-hour is "covered" when the local
wall-clock time at its first minute falls inside a window of that local weekday; a window whose end is not
after its start runs past local midnight into the next day. Every offset in use today is a multiple of
15 minutes and windows start/end on quarter-hours, so this is exact to the minute. DST needs no special
case: each quarter-hour is converted with the rules of its own date, so a 09:00–17:00 window lasts 7 or 9
UTC hours on the night the clocks change, and a wall-clock time skipped by the spring change simply has no
UTC instant.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache
from zoneinfo import ZoneInfo

SLOT_MINUTES = 15
SLOTS_PER_WEEK = 7 * 24 * 60 // SLOT_MINUTES  # 672

Window = tuple[int, int, int]  # (weekday 0=Monday, start minute of day, end minute of day)


def week_start_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def current_week_start(now: dt.datetime | None = None) -> dt.date:
    """The reference week matching uses: the current week, Monday 00:00 UTC onwards."""
    now = now or dt.datetime.now(dt.UTC)
    return week_start_of(now.astimezone(dt.UTC).date())


def as_window(weekday: int, start: dt.time, end: dt.time) -> Window:
    return (int(weekday), start.hour * 60 + start.minute, end.hour * 60 + end.minute)


def in_window(weekday: int, minute: int, window: Window) -> bool:
    day, start, end = window
    if start < end:
        return weekday == day and start <= minute < end
    return (weekday == day and minute >= start) or (weekday == (day + 1) % 7 and minute < end)


@lru_cache(maxsize=512)
def _local_slots(tz_name: str, week_start: dt.date) -> tuple[tuple[int, int], ...]:
    """(local weekday, local minute of day) at the start of each UTC quarter-hour of the week."""
    tz = ZoneInfo(tz_name)
    base = dt.datetime.combine(week_start, dt.time(0), tzinfo=dt.UTC)
    out = []
    for slot in range(SLOTS_PER_WEEK):
        local = (base + dt.timedelta(minutes=SLOT_MINUTES * slot)).astimezone(tz)
        out.append((local.weekday(), local.hour * 60 + local.minute))
    return tuple(out)


@lru_cache(maxsize=8192)
def _week_bits(tz_name: str, windows: tuple[Window, ...], week_start: dt.date) -> int:
    bits = 0
    for slot, (weekday, minute) in enumerate(_local_slots(tz_name, week_start)):
        if any(in_window(weekday, minute, w) for w in windows):
            bits |= 1 << slot
    return bits


def week_bits(tz_name: str, windows: Iterable[Window], week_start: dt.date) -> int:
    return _week_bits(tz_name, tuple(sorted(set(windows))), week_start)


def bits_to_utc_intervals(bits: int, week_start: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
    """Contiguous covered ranges as aware UTC datetimes (for display)."""
    base = dt.datetime.combine(week_start, dt.time(0), tzinfo=dt.UTC)
    out, slot = [], 0
    while slot < SLOTS_PER_WEEK:
        if bits >> slot & 1:
            start = slot
            while slot < SLOTS_PER_WEEK and bits >> slot & 1:
                slot += 1
            out.append((base + dt.timedelta(minutes=15 * start), base + dt.timedelta(minutes=15 * slot)))
        else:
            slot += 1
    return out
