"""Resource limits of every import parser, read from settings (defaults below; README "Settings worth knowing").

Each bound keeps one import's memory and time small whatever the file holds. Past a bound the file (or the one
record / JSON Lines line) is refused with a message that names the bound and where it was crossed.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

MAX_MESSAGES = 5000  # messages in one conversation (the pipeline refuses more; the CSV parser stops keeping rows)

DEFAULTS = {
    "QA_IMPORT_MAX_BYTES": 200 * 1024 * 1024,  # the whole file
    "QA_IMPORT_MAX_RECORDS": 1_000_000,  # records (JSON) or conversations (CSV) in one file
    "QA_IMPORT_MAX_RECORD_BYTES": 16 * 1024 * 1024,  # one record, one JSON Lines line or one CSV line
    "QA_IMPORT_MAX_DEPTH": 64,  # JSON nesting
    "QA_IMPORT_MAX_FIELD_BYTES": 1024 * 1024,  # one JSON text value or one CSV cell
    "QA_IMPORT_CSV_MAX_COLUMNS": 100,
    "QA_IMPORT_CSV_MAX_ROWS": 5_000_000,
    "QA_IMPORT_HTML_MAX_CHARS": 1_000_000,  # one HTML body before it is reduced to text
    "QA_IMPORT_HTML_MAX_DEPTH": 256,  # nesting of HTML elements
    "QA_IMPORT_MAX_MESSAGE_CHARS": 100_000,  # one message's text (HTML reduced to text included)
}


@dataclass(frozen=True)
class ImportLimits:
    max_bytes: int = DEFAULTS["QA_IMPORT_MAX_BYTES"]
    max_records: int = DEFAULTS["QA_IMPORT_MAX_RECORDS"]
    max_record_bytes: int = DEFAULTS["QA_IMPORT_MAX_RECORD_BYTES"]
    max_depth: int = DEFAULTS["QA_IMPORT_MAX_DEPTH"]
    max_field_bytes: int = DEFAULTS["QA_IMPORT_MAX_FIELD_BYTES"]
    csv_max_columns: int = DEFAULTS["QA_IMPORT_CSV_MAX_COLUMNS"]
    csv_max_rows: int = DEFAULTS["QA_IMPORT_CSV_MAX_ROWS"]
    html_max_chars: int = DEFAULTS["QA_IMPORT_HTML_MAX_CHARS"]
    html_max_depth: int = DEFAULTS["QA_IMPORT_HTML_MAX_DEPTH"]
    max_message_chars: int = DEFAULTS["QA_IMPORT_MAX_MESSAGE_CHARS"]

    @classmethod
    def from_settings(cls, **overrides: int) -> ImportLimits:
        """The configured limits (settings when Django is configured, else the defaults)."""
        values = {}
        try:
            from django.conf import settings

            configured = settings.configured
        except ImportError:  # pragma: no cover - Django is always installed here
            configured = False
        for item in fields(cls):
            name = setting_name(item.name)
            values[item.name] = int(getattr(settings, name, DEFAULTS[name])) if configured else DEFAULTS[name]
        values.update(overrides)
        return cls(**values)


def setting_name(field_name: str) -> str:
    return "QA_IMPORT_" + field_name.upper()


def human_size(size: int) -> str:
    if size >= 1024 * 1024 and size % (1024 * 1024) == 0:
        return f"{size // (1024 * 1024)} MB"
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024 and size % 1024 == 0:
        return f"{size // 1024} KB"
    if size >= 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size} bytes"


def current() -> ImportLimits:
    return ImportLimits.from_settings()
