"""The AutoQA checks, registered in one place, and ``run_checks`` to run them on one conversation."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from . import closing, empathy, greeting, marketplace_policy, negative_wording, personal_data, response_time
from .base import Check, Suggestion, view

CHECKS: dict[str, Check] = {
    check.key: check
    for check in (
        response_time.CHECK,
        greeting.CHECK,
        closing.CHECK,
        empathy.CHECK,
        negative_wording.CHECK,
        personal_data.CHECK,
        marketplace_policy.CHECK,
    )
}


def criterion_keys() -> dict[str, tuple[str, ...]]:
    """Check key → the default-rubric criterion keys it can suggest values for."""
    return {key: check.criterion_keys for key, check in CHECKS.items()}


def run_checks(
    messages: Iterable[Any],
    *,
    customer_name: str = "",
    language: str = "en",
    enabled: Iterable[str] | None = None,
    options: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[Suggestion]:
    """Run the enabled checks (all when None) on a conversation's messages; internal notes are ignored.

    Messages need ``author_role``, ``author_name``, ``sent_at``, ``text``, ``is_internal_note`` and an ``id``
    (or ``external_id``). ``options`` gives per-check settings, e.g. ``{"response_time": {"limit_hours": 24,
    "business_hours": BusinessHours(...)}, "marketplace_policy": {"allowed_domains": [...]}}``.
    Checks that cannot judge give no suggestion.
    """
    keys = list(CHECKS) if enabled is None else list(enabled)
    unknown = [key for key in keys if key not in CHECKS]
    if unknown:
        raise ValueError(f"Unknown AutoQA check(s): {', '.join(unknown)}. Known: {', '.join(CHECKS)}.")
    base = view(messages, customer_name=customer_name, language=language, options={})
    suggestions = []
    for key in keys:
        suggestion = CHECKS[key].run(replace(base, options=dict((options or {}).get(key, {}))))
        if suggestion is not None:
            suggestions.append(suggestion)
    return suggestions
