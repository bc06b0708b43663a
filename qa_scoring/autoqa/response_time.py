"""First-response and reply times against the 24-hour marketplace standard.

Every customer message that starts a wait (the first one after an agent's reply) must get an agent reply
within the limit. Bots and auto-replies do not stop the clock. Customer messages after the agent's last reply
are not judged: the file cannot tell whether a reply was due (e.g. a closing "thanks"). Calendar hours by
default (Amazon counts weekends); pass ``business_hours`` to count only working time.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from .base import AGENT, CUSTOMER, Check, Conversation, Evidence, Suggestion

DEFAULT_LIMIT_HOURS = 24


@dataclass(frozen=True)
class BusinessHours:
    """Working time: ``start``–``end`` on ``weekdays`` (0 = Monday) in ``timezone``."""

    start: dt.time = dt.time(9)
    end: dt.time = dt.time(17)
    weekdays: frozenset[int] = frozenset(range(5))
    timezone: str = "UTC"

    def elapsed(self, since: dt.datetime, until: dt.datetime) -> dt.timedelta:
        if until <= since:
            return dt.timedelta(0)
        zone = zoneinfo.ZoneInfo(self.timezone)
        local_since, local_until = since.astimezone(zone), until.astimezone(zone)
        total = dt.timedelta(0)
        day = local_since.date()
        while day <= local_until.date():
            if day.weekday() in self.weekdays:
                opens = dt.datetime.combine(day, self.start, tzinfo=zone)
                closes = dt.datetime.combine(day, self.end, tzinfo=zone)
                lo, hi = max(opens, local_since), min(closes, local_until)
                if hi > lo:
                    total += hi - lo
            day += dt.timedelta(days=1)
        return total


def _human(delta: dt.timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    if hours >= 48:
        return f"{hours // 24} days {hours % 24} h"
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def run(conversation: Conversation) -> Suggestion | None:
    limit = dt.timedelta(hours=conversation.options.get("limit_hours", DEFAULT_LIMIT_HOURS))
    hours: BusinessHours | None = conversation.options.get("business_hours")
    waits: list[tuple[object, object, dt.timedelta]] = []  # (customer message, agent reply, wait)
    waiting_since = None
    for message in conversation.messages:
        if message.author_role == CUSTOMER and waiting_since is None:
            waiting_since = message
        elif message.author_role == AGENT and waiting_since is not None:
            wait = (
                hours.elapsed(waiting_since.sent_at, message.sent_at)
                if hours
                else message.sent_at - waiting_since.sent_at
            )
            waits.append((waiting_since, message, wait))
            waiting_since = None
    if not waits:
        return None
    first = waits[0][2]
    longest = max(w for _, _, w in waits)
    late = [(customer, reply, wait) for customer, reply, wait in waits if wait > limit]
    clock = "business hours" if hours else "hours"
    if late:
        return Suggestion(
            check=CHECK.key,
            criterion_key="response_24h",
            value=0,
            confidence=0.95,
            explanation=(
                f"{len(late)} of {len(waits)} customer waits exceeded {int(limit.total_seconds() // 3600)} {clock}; "
                f"first response after {_human(first)}, longest wait {_human(longest)}."
            ),
            evidence=tuple(Evidence(reply.id, 0, len(reply.text)) for _, reply, _ in late),
        )
    return Suggestion(
        check=CHECK.key,
        criterion_key="response_24h",
        value=1,
        confidence=0.95,
        explanation=(
            f"All {len(waits)} customer waits answered within {int(limit.total_seconds() // 3600)} {clock}; "
            f"first response after {_human(first)}, longest wait {_human(longest)}."
        ),
    )


CHECK = Check(
    key="response_time",
    criterion_keys=("response_24h",),
    label="First response and reply times",
    run=run,
    uses_language=False,
)
