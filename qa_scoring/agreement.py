"""Inter-rater agreement statistics for calibration sessions.

Krippendorff's alpha comes from the ``krippendorff`` package (0.9.0), which implements all four levels of
measurement and missing data; Fleiss' and Cohen's kappa are short closed formulas written out here. Each is
proven against published values in ``tests/qa_scoring/test_agreement.py``.

Degenerate input raises ``ValueError`` with a message for the calibration report: fewer than two raters,
no unit rated by two raters ("no pairable values"), a single value everywhere (agreement by chance is total,
so the statistic is undefined), or — for Fleiss — subjects with different numbers of raters.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Sequence
from typing import Literal

import krippendorff
import numpy as np

Level = Literal["nominal", "ordinal", "interval", "ratio"]
LEVELS: tuple[str, ...] = ("nominal", "ordinal", "interval", "ratio")
Rating = Hashable | None


def _pairable_units(rows: Sequence[Sequence[Rating]]) -> int:
    return sum(1 for unit in zip(*rows, strict=True) if sum(v is not None for v in unit) >= 2)


def _check_rows(rows: Sequence[Sequence[Rating]]) -> None:
    if len(rows) < 2:
        raise ValueError("Agreement needs at least two raters; this has " + str(len(rows)) + ".")
    lengths = {len(row) for row in rows}
    if len(lengths) != 1:
        raise ValueError("Every rater's row must list the same units (rows of different lengths were given).")
    if _pairable_units(rows) == 0:
        raise ValueError("No pairable values: no unit was rated by at least two raters.")


def krippendorff_alpha(rows: Sequence[Sequence[Rating]], level: Level = "nominal") -> float:
    """Krippendorff's alpha. ``rows``: one list per rater, one entry per unit, ``None`` when missing.

    Nominal data may be any hashable labels (e.g. "pass"/"fail"); ordinal, interval and ratio need numbers.
    """
    if level not in LEVELS:
        raise ValueError(f"Unknown level {level!r}; use one of {', '.join(LEVELS)}.")
    _check_rows(rows)
    values = [v for row in rows for v in row if v is not None]
    if level == "nominal":
        codes = {value: index for index, value in enumerate(dict.fromkeys(values))}
        data = [[math.nan if v is None else float(codes[v]) for v in row] for row in rows]
    else:
        if any(isinstance(v, bool) or not isinstance(v, int | float) for v in values):
            raise ValueError(f"{level.capitalize()} alpha needs numeric ratings.")
        if level == "ratio" and any(v < 0 for v in values):
            raise ValueError("Ratio alpha needs ratings of zero or more.")
        data = [[math.nan if v is None else float(v) for v in row] for row in rows]
    paired = {v for unit in zip(*rows, strict=True) if sum(x is not None for x in unit) >= 2 for v in unit}
    paired.discard(None)
    if len(paired) < 2:
        raise ValueError("Every paired rating has the same value, so alpha is undefined (no variation to agree on).")
    with np.errstate(invalid="ignore", divide="ignore"):
        alpha = float(krippendorff.alpha(reliability_data=np.array(data, dtype=float), level_of_measurement=level))
    if math.isnan(alpha):  # pragma: no cover - guarded above; kept so a NaN never reaches a report
        raise ValueError("Alpha is undefined for these ratings (no variation to agree on).")
    return alpha


def fleiss_kappa(counts: Sequence[Sequence[int]]) -> float:
    """Fleiss' kappa from a subjects × categories table of how many raters chose each category."""
    if not counts:
        raise ValueError("Fleiss' kappa needs at least one subject.")
    widths = {len(row) for row in counts}
    if len(widths) != 1 or widths == {0}:
        raise ValueError("Every subject must have a count for each category (rows of different lengths).")
    if any(c < 0 for row in counts for c in row):
        raise ValueError("Counts cannot be negative.")
    raters = {sum(row) for row in counts}
    if len(raters) != 1:
        raise ValueError(
            "Fleiss' kappa needs the same number of raters for every subject; got "
            + ", ".join(str(n) for n in sorted(raters))
            + ". Use Krippendorff's alpha instead."
        )
    n = raters.pop()
    if n < 2:
        raise ValueError("Fleiss' kappa needs at least two raters per subject.")
    subjects = len(counts)
    p_j = [sum(row[j] for row in counts) / (subjects * n) for j in range(len(counts[0]))]
    p_i = [(sum(c * c for c in row) - n) / (n * (n - 1)) for row in counts]
    p_bar = sum(p_i) / subjects
    p_e = sum(p * p for p in p_j)
    if math.isclose(p_e, 1.0):
        raise ValueError("Every rating is in one category, so kappa is undefined (no variation to agree on).")
    return (p_bar - p_e) / (1 - p_e)


def cohen_kappa(a: Sequence[Rating], b: Sequence[Rating]) -> float:
    """Cohen's kappa for two raters over the same units; units where either rating is ``None`` are skipped."""
    if len(a) != len(b):
        raise ValueError("Both raters must rate the same units (the lists have different lengths).")
    pairs = [(x, y) for x, y in zip(a, b, strict=True) if x is not None and y is not None]
    if not pairs:
        raise ValueError("No pairable values: no unit was rated by both raters.")
    total = len(pairs)
    observed = sum(1 for x, y in pairs if x == y) / total
    count_a = Counter(x for x, _ in pairs)
    count_b = Counter(y for _, y in pairs)
    expected = sum(count_a[k] * count_b[k] for k in count_a) / (total * total)
    if math.isclose(expected, 1.0):
        raise ValueError("Both raters used one and the same category throughout, so kappa is undefined.")
    return (observed - expected) / (1 - expected)


def percent_agreement(rows: Sequence[Sequence[Rating]]) -> float:
    """Share of agreeing rater pairs over all pairable units (0–1), the plain 'agreement %'."""
    _check_rows(rows)
    agree = pairs = 0
    for unit in zip(*rows, strict=True):
        present = [v for v in unit if v is not None]
        for i in range(len(present)):
            for j in range(i + 1, len(present)):
                pairs += 1
                agree += present[i] == present[j]
    return agree / pairs
