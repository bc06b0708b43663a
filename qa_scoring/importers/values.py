"""Small value readers shared by the parsers: times, CSAT, ids, names."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any


class RecordError(ValueError):
    """One record is unusable; the parser turns it into a RejectedRecord and goes on."""

    def __init__(self, reason: str, external_id: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.external_id = external_id


def text_id(value: Any) -> str:
    """An id as text ('' when missing). Numbers from JSON become '123', never '123.0'."""
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def require_id(record: dict[str, Any], key: str = "id", *, what: str = "record") -> str:
    value = text_id(record.get(key))
    if not value:
        raise RecordError(f"The {what} has no {key!r}: every conversation needs the helpdesk's id.")
    return value


def parse_time(value: Any, *, what: str) -> dt.datetime:
    """ISO 8601 text (naive = UTC) or unix seconds → an aware UTC datetime; RecordError otherwise."""
    if isinstance(value, str):
        text = value.strip()
        if not text:
            raise RecordError(f"{what} has no time.")
        try:
            parsed = (
                dt.datetime.fromtimestamp(int(text), tz=dt.UTC) if text.isdigit() else dt.datetime.fromisoformat(text)
            )
        except (ValueError, OverflowError, OSError):
            raise RecordError(
                f"{what} has an unreadable time {value!r}: use ISO 8601, e.g. 2026-03-02T14:05:00Z."
            ) from None
    elif isinstance(value, int | float) and not isinstance(value, bool):
        try:
            parsed = dt.datetime.fromtimestamp(int(value), tz=dt.UTC)
        except (ValueError, OverflowError, OSError):
            raise RecordError(f"{what} has an unreadable time {value!r}.") from None
    else:
        raise RecordError(f"{what} has no time.")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)


def csat_from_scale(value: Any) -> Decimal | None:
    """A 1–5 rating → 0/25/50/75/100; None when absent or out of range."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    if number != value and str(number) != str(value).strip():
        return None
    if not 1 <= number <= 5:
        return None
    return Decimal((number - 1) * 25)


def csat_good_bad(value: Any) -> Decimal | None:
    """Zendesk's good/bad → 100/0; offered/unoffered (no answer) → None."""
    return {"good": Decimal(100), "bad": Decimal(0)}.get(str(value or "").lower())


def full_name(person: dict[str, Any] | None) -> str:
    if not isinstance(person, dict):
        return ""
    name = person.get("name")
    if name:
        return str(name).strip()
    parts = [person.get(k) for k in ("first", "last")] + [person.get(k) for k in ("firstname", "lastname")]
    return " ".join(str(p).strip() for p in parts if p).strip()


def email_of(person: dict[str, Any] | None) -> str:
    if not isinstance(person, dict):
        return ""
    return str(person.get("email") or "").strip()
