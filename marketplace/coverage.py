"""Weekly coverage windows as people write them, and as another time zone reads them.

``parse_windows`` reads the job form's lines ("Mon-Fri 9-17", "Mon–Fri 09:00–17:00", "Sat 10-14",
"Mon,Wed,Fri 8:30-12", "Sat 22:00-06:00" past midnight, "Sun 18-24") into (weekday, start, end) rows,
deduplicated and capped. ``windows_in_zone`` shows a job's windows in a freelancer's zone for a real week, so
DST is whatever that week's calendar says.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .matching.availability import as_window, bits_to_utc_intervals, week_bits

MAX_WINDOWS = 50  # per job or profile, after day ranges are expanded
MAX_TEXT = 2000  # characters of the coverage textarea
EXAMPLES = "“Mon-Fri 09:00-17:00”, “Sat 10-14” or “Mon,Wed,Fri 8:30-12”"
DAY_NAMES = {
    0: ("mon", "monday"),
    1: ("tue", "tues", "tuesday"),
    2: ("wed", "weds", "wednesday"),
    3: ("thu", "thur", "thurs", "thursday"),
    4: ("fri", "friday"),
    5: ("sat", "saturday"),
    6: ("sun", "sunday"),
}
DAYS = {name: day for day, names in DAY_NAMES.items() for name in names}
SHORT = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_DASHES = re.compile(r"\s*[-‐‑‒–—−]\s*")  # hyphen, the Unicode hyphens, en and em dash, minus sign
_LINE = re.compile(r"(?P<days>[a-z][a-z,\- ]*?)\s+(?P<start>\d{1,2}(?:[:.]\d{2})?)-(?P<end>\d{1,2}(?:[:.]\d{2})?)")
_TIME = re.compile(r"(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))?")

Window = tuple[int, dt.time, dt.time]


class _LineError(Exception):
    pass


def _days(text: str) -> list[int]:
    out: list[int] = []
    for item in text.replace(" ", "").split(","):
        first, _sep, last = item.partition("-")
        if first not in DAYS or (last and last not in DAYS):
            raise _LineError(
                _("“%(days)s” is not a day or a range of days: write e.g. Mon, Mon-Fri or Mon,Wed,Fri.")
                % {"days": item or text}
            )
        a, b = DAYS[first], DAYS[last or first]
        out += list(range(a, b + 1)) if b >= a else [*range(a, 7), *range(0, b + 1)]
    return list(dict.fromkeys(out))


def _time(text: str, *, is_end: bool) -> dt.time:
    m = _TIME.fullmatch(text)
    hour, minute = int(m.group("h")), int(m.group("m") or 0)
    if hour == 24 and minute == 0 and is_end:
        return dt.time(0)  # "until midnight": an end at 00:00 runs to the end of the day
    if hour > 23 or minute > 59:
        raise _LineError(_("“%(time)s” is not a 24-hour time (00:00 to 23:59, or 24 as an end).") % {"time": text})
    if minute % 15:
        raise _LineError(_("use quarter-hours (:00, :15, :30 or :45), not “%(time)s”.") % {"time": text})
    return dt.time(hour, minute)


def _line(line: str) -> list[Window]:
    m = _LINE.fullmatch(_DASHES.sub("-", line.strip().lower()))
    if not m:
        raise _LineError(_("write the days, then 24-hour times, e.g. %(examples)s.") % {"examples": EXAMPLES})
    start, end = _time(m.group("start"), is_end=False), _time(m.group("end"), is_end=True)
    if start == end:
        raise _LineError(_("the window needs a length: the end differs from the start."))
    return [(day, start, end) for day in _days(m.group("days").strip())]


def parse_windows(text: str, *, limit: int = MAX_WINDOWS) -> list[Window]:
    """One window per line and day, in order, duplicates dropped; every unreadable line is named."""
    out: list[Window] = []
    errors: list[str] = []
    for n, raw in enumerate((text or "").splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            out += _line(raw)
        except _LineError as exc:
            shown = raw.strip() if len(raw.strip()) <= 40 else raw.strip()[:39] + "…"
            errors.append(_("Line %(n)s (“%(line)s”): %(reason)s") % {"n": n, "line": shown, "reason": exc})
    if errors:
        raise ValidationError(errors[:3])
    out = list(dict.fromkeys(out))
    if len(out) > limit:
        raise ValidationError(
            _("At most %(limit)s coverage windows: these lines make %(count)s (each day of a range counts).")
            % {"limit": limit, "count": len(out)}
        )
    return out


def format_windows(windows) -> str:
    """The job form's text for stored windows, consecutive days with the same hours on one line
    ("Mon-Fri 09:00-17:00"); it parses back to the same rows."""
    lines: list[list] = []  # [first day, last day, start, end]
    for w in sorted(windows, key=lambda w: (w.start, w.end, w.weekday)):
        last = lines[-1] if lines else None
        if last and (last[2], last[3]) == (w.start, w.end) and w.weekday == last[1] + 1:
            last[1] = w.weekday
        else:
            lines.append([w.weekday, w.weekday, w.start, w.end])
    lines.sort(key=lambda line: (line[0], line[2]))
    return "\n".join(
        f"{SHORT[a] if a == b else f'{SHORT[a]}-{SHORT[b]}'} {start:%H:%M}-{end:%H:%M}" for a, b, start, end in lines
    )


# --- Another zone's view ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ZonedRange:
    days: str  # "Mon" or "Mon–Fri"
    start: dt.time
    end: dt.time
    next_day: bool  # the range ends on the following day

    def __str__(self) -> str:
        text = f"{self.days} {self.start:%H:%M}–{self.end:%H:%M}"
        return text + (" " + _("(ends the next day)") if self.next_day else "")


def _merged_week(intervals: list[tuple[dt.datetime, dt.datetime]], week_start: dt.date):
    """A weekly pattern: a range cut by the week's end continues at its start."""
    begin = dt.datetime.combine(week_start, dt.time(0), tzinfo=dt.UTC)
    finish = begin + dt.timedelta(days=7)
    if len(intervals) > 1 and intervals[0][0] == begin and intervals[-1][1] == finish:
        head, tail = intervals[0], intervals[-1]
        intervals = [*intervals[1:-1], (tail[0], head[1] + dt.timedelta(days=7))]
    return sorted(intervals)


def windows_in_zone(windows, *, source_zone: str, target_zone: str, week_start: dt.date) -> list[ZonedRange]:
    """The windows (local to ``source_zone``) as ranges of ``target_zone`` wall-clock time, for that real week;
    consecutive days with the same hours are grouped ("Mon–Fri 21:00–05:00")."""
    bits = week_bits(source_zone, [as_window(w.weekday, w.start, w.end) for w in windows], week_start)
    zone = ZoneInfo(target_zone)
    rows = []
    for start, end in _merged_week(bits_to_utc_intervals(bits, week_start), week_start):
        a, b = start.astimezone(zone), end.astimezone(zone)
        while b - a > dt.timedelta(hours=24):  # round-the-clock coverage: one range per day
            midnight = dt.datetime.combine(a.date() + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
            rows.append((a.weekday(), a.time(), dt.time(0), False))
            a = midnight
        rows.append((a.weekday(), a.time(), b.time(), b.date() > a.date() and b.time() != dt.time(0)))
    rows.sort()
    grouped: list[list] = []
    for day, start, end, next_day in rows:
        last = grouped[-1] if grouped else None
        if last and (last[2], last[3], last[4]) == (start, end, next_day) and day == last[1] + 1:
            last[1] = day
        else:
            grouped.append([day, day, start, end, next_day])
    return [
        ZonedRange(SHORT[a] if a == b else f"{SHORT[a]}–{SHORT[b]}", start, end, next_day)
        for a, b, start, end, next_day in grouped
    ]


def weekly_hours(windows, *, zone: str, week_start: dt.date) -> float:
    """Hours the windows cover in that real week (quarter-hours / 4)."""
    return week_bits(zone, [as_window(w.weekday, w.start, w.end) for w in windows], week_start).bit_count() / 4
