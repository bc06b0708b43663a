"""Small value readers shared by the parsers: times, CSAT, ids, names."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from .html import HtmlLimitError, html_to_text
from .limits import ImportLimits


class RecordError(ValueError):
    """One record is unusable; the parser turns it into a RejectedRecord and goes on.

    ``path`` is where in the record (``comments[2].created_at``); the registry puts the record's own place in
    the file before it (``tickets[3].comments[2].created_at: expected a date-time string, got a number``).
    """

    def __init__(self, reason: str, external_id: str = "", path: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.external_id = external_id
        self.path = path


# --- typed reads: a field of the wrong type rejects the record with its path, never becomes a string


def join(path: str, key: str | int) -> str:
    """``join("comments", 2)`` → ``comments[2]``; ``join("comments[2]", "body")`` → ``comments[2].body``."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def wrong_type(path: str, expected: str, value: Any) -> RecordError:
    return RecordError(f"expected {expected}, got {type_name(value)}.", path=path)


def get_str(obj: dict[str, Any], key: str, path: str = "") -> str:
    """A text field: '' when absent or null; RecordError when it is not a string."""
    value = obj.get(key)
    if type(value) is str:
        return value
    if value is None:
        return ""
    if not isinstance(value, str):
        raise wrong_type(join(path, key), "a string", value)
    return value


def get_id(obj: dict[str, Any], key: str, path: str = "") -> str:
    """An id (a number or a string) as text; '' when absent or null."""
    value = obj.get(key)
    if type(value) is int:
        return str(value)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise wrong_type(join(path, key), "an id (a number or a string)", value)
    return text_id(value)


def get_bool(obj: dict[str, Any], key: str, path: str = "") -> bool | None:
    value = obj.get(key)
    if value is not None and not isinstance(value, bool):
        raise wrong_type(join(path, key), "true or false", value)
    return value


def get_list(obj: dict[str, Any], key: str, path: str = "") -> list[Any]:
    value = obj.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise wrong_type(join(path, key), "a list", value)
    return value


def get_dict(obj: dict[str, Any], key: str, path: str = "") -> dict[str, Any]:
    value = obj.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise wrong_type(join(path, key), "an object", value)
    return value


def get_objects(obj: dict[str, Any], key: str, path: str = "") -> list[tuple[str, dict[str, Any]]]:
    """A list of objects, each with its path; RecordError on an item that is not an object."""
    base = f"{path}.{key}" if path else key
    items = []
    for index, item in enumerate(get_list(obj, key, path)):
        if type(item) is not dict:
            raise wrong_type(f"{base}[{index}]", "an object", item)
        items.append((f"{base}[{index}]", item))
    return items


def get_iso_time(obj: dict[str, Any], key: str, path: str = "") -> dt.datetime:
    """An ISO 8601 date-time string (the vendor's documented type) → an aware UTC datetime."""
    value = obj.get(key)
    where = join(path, key)
    if value is None or value == "":
        raise RecordError("the date-time is missing.", path=where)
    if not isinstance(value, str):
        raise wrong_type(where, "a date-time string", value)
    try:
        parsed = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise RecordError(
            f"unreadable date-time {value[:40]!r}: expected ISO 8601, e.g. 2026-03-02T14:05:00Z.", path=where
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)


def get_unix_time(obj: dict[str, Any], key: str, path: str = "") -> dt.datetime:
    """Unix seconds (a number, the vendor's documented type) → an aware UTC datetime."""
    value = obj.get(key)
    where = join(path, key)
    if value is None:
        raise RecordError("the time is missing.", path=where)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise wrong_type(where, "a unix timestamp (a number)", value)
    try:
        return dt.datetime.fromtimestamp(int(value), tz=dt.UTC)
    except (ValueError, OverflowError, OSError):
        raise RecordError(f"the timestamp {value!r} is out of range.", path=where) from None


def text_id(value: Any) -> str:
    """An id as text ('' when missing). Numbers from JSON become '123', never '123.0'."""
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def require_id(record: dict[str, Any], key: str = "id", *, what: str = "record") -> str:
    value = get_id(record, key)
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


def get_html(obj: dict[str, Any], key: str, path: str, limits: ImportLimits) -> str:
    """An HTML body reduced to text; RecordError (with the field's path) when it is not text or past a bound."""
    value = get_str(obj, key, path)
    try:
        return html_to_text(value, limits)
    except HtmlLimitError as exc:
        raise RecordError(str(exc), path=join(path, key)) from None


def get_text(obj: dict[str, Any], key: str, path: str, limits: ImportLimits) -> str:
    """A plain-text body (line breaks normalised); RecordError when it is not text or past the message limit."""
    value = get_str(obj, key, path)
    if len(value) > limits.max_message_chars:
        raise RecordError(
            f"the text is longer than {limits.max_message_chars:,} characters, past the limit "
            "(QA_IMPORT_MAX_MESSAGE_CHARS).",
            path=join(path, key),
        )
    return value.replace("\r\n", "\n").strip()
