"""How a criterion's stored value reads to people: Yes/No for yes/no criteria, "3 of 1–5" on a scale.

The stored numbers (1/0, the scale value) are internal; pages show these words instead.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _


def grade_label(value: int | None, criterion: Any) -> str:
    if value is None:
        return _("N/A")
    if criterion.kind == "binary":
        return _("Yes") if value else _("No")
    return _("%(value)s of %(low)s–%(high)s") % {
        "value": value,
        "low": criterion.scale_min,
        "high": criterion.scale_max,
    }


def lost_points(value: int | None, criterion: Any) -> bool:
    """True when the grade is below the criterion's best value (N/A loses nothing)."""
    return value is not None and value < criterion.scale_max


def lost_first(rows: list, value_of) -> list:
    """``rows`` with those that lost points first, each group in its rubric order (a stable sort)."""
    return sorted(rows, key=lambda row: not lost_points(*value_of(row)))
