"""Calibration results from a session's grades — pure, no database.

Units are conversations; each criterion is measured separately (Krippendorff's alpha nominal for yes/no
criteria, ordinal for scales). The overall alpha treats every (conversation, criterion) pair as one unit, its
values normalised to the criterion score 0–1 ((value − min) / (max − min)), at the ordinal level.

The baseline of a unit is the expert's grade, or the median of the submitted participants' grades. Deviation
is measured in criterion-score points (0–100), so yes/no and scale criteria are comparable: a reviewer's
mean absolute deviation says how far from the baseline they grade, the signed mean whether they are harsher
(negative) or more lenient (positive).
"""

from __future__ import annotations

import statistics
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from qa_scoring.agreement import fleiss_kappa, krippendorff_alpha, percent_agreement


@dataclass(frozen=True)
class CriterionInfo:
    key: str
    label: str
    kind: str  # binary | scale
    scale_min: int
    scale_max: int


def _fraction(value: int | float, c: CriterionInfo) -> Fraction:
    return (Fraction(value) - c.scale_min) / (c.scale_max - c.scale_min)


def _stat(fn, *args) -> dict[str, Any]:
    try:
        return {"value": round(fn(*args), 3), "error": ""}
    except ValueError as exc:
        return {"value": None, "error": str(exc)}


def _baseline(values: Sequence[int], expert_value: int | None, expert: bool) -> float | None:
    if expert:
        return None if expert_value is None else float(expert_value)
    return float(statistics.median(values)) if values else None


def results(
    *,
    criteria: Sequence[CriterionInfo],
    units: Sequence[Hashable],
    raters: Sequence[Hashable],
    grades: Mapping[tuple[Hashable, Hashable, str], int | None],
    expert: Hashable | None = None,
) -> dict[str, Any]:
    """``grades``: (rater, unit, criterion key) → value (None = N/A); only submitted raters are passed."""
    out: dict[str, Any] = {"raters": len(raters), "units": len(units), "criteria": [], "reviewers": {}}
    deviations: dict[Hashable, list[float]] = {r: [] for r in raters}
    overall_rows: list[list[float | None]] = [[] for _ in raters]
    for c in criteria:
        rows = [[grades.get((r, u, c.key)) for u in units] for r in raters]
        level = "nominal" if c.kind == "binary" else "ordinal"
        entry: dict[str, Any] = {"key": c.key, "label": c.label, "level": level}
        entry["agreement"] = _stat(percent_agreement, rows)
        if entry["agreement"]["value"] is not None:
            entry["agreement"]["value"] = round(entry["agreement"]["value"] * 100, 1)
        entry["alpha"] = _stat(krippendorff_alpha, rows, level)
        present_per_unit = {sum(1 for row in rows if row[i] is not None) for i in range(len(units))}
        if len(present_per_unit) == 1 and units:
            categories = list(range(c.scale_min, c.scale_max + 1))
            counts = [[sum(1 for row in rows if row[i] == k) for k in categories] for i in range(len(units))]
            entry["fleiss"] = _stat(fleiss_kappa, counts)
        else:
            entry["fleiss"] = {
                "value": None,
                "error": "Not every conversation has the same number of raters; see Krippendorff's alpha.",
            }
        for i, unit in enumerate(units):
            present = [row[i] for row in rows if row[i] is not None]
            expert_value = grades.get((expert, unit, c.key)) if expert is not None else None
            base = _baseline(present, expert_value, expert is not None)
            for r, row in zip(raters, rows, strict=True):
                value = row[i]
                if value is not None and base is not None:
                    deviations[r].append(float(_fraction(value, c) - _fraction(base, c)) * 100)
        for r_index, row in enumerate(rows):
            overall_rows[r_index].extend(None if v is None else float(_fraction(v, c)) for v in row)
        out["criteria"].append(entry)
    out["alpha"] = _stat(krippendorff_alpha, overall_rows, "ordinal") if criteria else {"value": None, "error": ""}
    for r in raters:
        devs = deviations[r]
        out["reviewers"][str(r)] = {
            "graded": len(devs),
            "mean_abs_deviation": round(sum(abs(d) for d in devs) / len(devs), 1) if devs else None,
            "mean_deviation": round(sum(devs) / len(devs), 1) if devs else None,
        }
    return out
