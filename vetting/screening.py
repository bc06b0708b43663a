"""The automatic part of the profile screen: every rule in one place, each result with its reason."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings

from marketplace.models import FreelancerProfile

CEFR = ["A1", "A2", "B1", "B2", "C1", "C2"]
REQUIRED_FIELDS = [("headline", "headline"), ("bio", "bio"), ("country", "country"), ("hourly_rate", "hourly rate")]


def required_fields_missing(profile: FreelancerProfile) -> list[str]:
    missing = [label for field, label in REQUIRED_FIELDS if getattr(profile, field) in (None, "")]
    if not profile.hours_per_week:
        missing.append("hours per week")
    return missing


def language_levels(profile: FreelancerProfile) -> list[tuple[str, str]]:
    """(language, CEFR level) pairs of the profile (marketplace ProfileLanguage rows; levels 1–6 = A1–C2)."""
    related = getattr(profile, "languages", None)
    if related is None or not hasattr(related, "all"):
        return []
    pairs = []
    for row in related.all():
        level = row.level
        code = CEFR[level - 1] if isinstance(level, int) and 1 <= level <= len(CEFR) else str(level).upper()
        pairs.append((str(row.language), code))
    return pairs


def _at_least(level: str, minimum: str) -> bool:
    return level in CEFR and CEFR.index(level) >= CEFR.index(minimum)


def profile_screen_checks(profile: FreelancerProfile) -> list[dict[str, Any]]:
    """Run every automatic rule; return [{check, ok, reason}] in a fixed order."""
    checks: list[dict[str, Any]] = []

    def add(check: str, ok: bool, reason: str) -> None:
        checks.append({"check": check, "ok": bool(ok), "reason": reason})

    missing = required_fields_missing(profile)
    add(
        "required_fields",
        not missing,
        "All required fields are filled in." if not missing else f"Missing: {', '.join(missing)}.",
    )
    minimum_level = settings.VETTING_MIN_LANGUAGE_LEVEL
    good = [f"{name} {level}" for name, level in language_levels(profile) if _at_least(level, minimum_level)]
    add(
        "language",
        bool(good),
        f"Speaks {', '.join(good)}." if good else f"No language at {minimum_level} or above.",
    )
    minimum_hours = settings.VETTING_MIN_HOURS_PER_WEEK
    hours = profile.hours_per_week or 0
    add(
        "hours",
        hours >= minimum_hours,
        f"{hours} hours a week (minimum {minimum_hours}).",
    )
    lo, hi = Decimal(settings.VETTING_RATE_MIN), Decimal(settings.VETTING_RATE_MAX)
    rate = profile.hourly_rate
    add(
        "rate",
        rate is not None and lo <= rate <= hi,
        f"Rate {rate} {profile.currency} an hour (allowed {lo}–{hi})." if rate is not None else "No hourly rate given.",
    )
    return checks
