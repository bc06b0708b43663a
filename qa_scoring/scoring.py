"""The QA score formula (DESIGN §6), as pure functions shared by QA reviews and vetting assessments.

criterion score = (value − min) / (max − min)
review score    = Σ(weight × criterion score) / Σ(weight of rated criteria) × 100, N/A criteria left out
critical fail   = any critical criterion rated with a criterion score below 0.5 → review score 0
IQS             = mean of review scores over a period

Scores are Decimals rounded half-up to two places (the stored precision); the sums are exact fractions until
that single rounding, so the same grades always give the same digits — and the scorecard's running score
(``static/js/scorecard_score.js``, the same sums in exact integer arithmetic) shows the digits the server stores.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import NamedTuple

HUNDRED = Decimal(100)
HALF = Decimal("0.5")
CENT = Decimal("0.01")
DEFAULT_PASS_MARK = Decimal(80)


class CriterionKind:
    BINARY = "binary"
    SCALE = "scale"
    ALL = (BINARY, SCALE)


class ScoreItem(NamedTuple):
    """One graded criterion. A plain tuple in this order works too. ``value`` None means N/A."""

    kind: str
    min: int
    max: int
    weight: int | Decimal
    value: int | Decimal | None
    critical: bool = False


@dataclass(frozen=True)
class ScoreResult:
    score: Decimal | None  # 0.00–100.00; None when nothing with weight was rated
    critical_fail: bool
    rated_weight: Decimal  # Σ weight of rated (non-N/A) criteria
    earned_weight: Decimal  # Σ weight × criterion score, unrounded
    fractions: tuple[Decimal | None, ...]  # per item: criterion score 0–1, None for N/A

    def passed(self, pass_mark: Decimal | int = DEFAULT_PASS_MARK) -> bool | None:
        return passes(self.score, pass_mark)


def quantize_score(value: Decimal) -> Decimal:
    """The one rounding rule for scores: half-up to 0.01."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def criterion_fraction(value: int | Decimal, lo: int, hi: int) -> Decimal:
    """(value − min) / (max − min), exact. Raises ValueError for an impossible scale or value."""
    if hi <= lo:
        raise ValueError(f"The scale maximum ({hi}) must be above its minimum ({lo}).")
    value = Decimal(value)
    if value < lo or value > hi:
        raise ValueError(f"{value} is outside the scale {lo}–{hi}.")
    return (value - Decimal(lo)) / (Decimal(hi) - Decimal(lo))


def round_half_up(value: Fraction) -> Decimal:
    """An exact non-negative fraction to 0.01, half up (the ``quantize_score`` rule, without a 28-digit step)."""
    cents = (value * 100 * 2 + 1) // 2  # floor(value × 100 + ½)
    return Decimal(int(cents)).scaleb(-2).quantize(CENT)


def review_score(items: Iterable[ScoreItem | tuple]) -> ScoreResult:
    rated = Fraction(0)
    earned = Fraction(0)
    critical_fail = False
    fractions: list[Decimal | None] = []
    for raw in items:
        item = ScoreItem(*raw)
        if item.kind not in CriterionKind.ALL:
            raise ValueError(f"Unknown criterion kind “{item.kind}”.")
        lo, hi = (0, 1) if item.kind == CriterionKind.BINARY else (item.min, item.max)
        weight = Decimal(item.weight)
        if weight < 0 or weight > HUNDRED:
            raise ValueError(f"A weight must be between 0 and 100, not {weight}.")
        if item.value is None:
            fractions.append(None)
            continue
        fractions.append(criterion_fraction(item.value, lo, hi))  # range-checked
        fraction = (Fraction(Decimal(item.value)) - lo) / (hi - lo)
        rated += Fraction(weight)
        earned += Fraction(weight) * fraction
        if item.critical and fraction < Fraction(1, 2):
            critical_fail = True
    if critical_fail:
        score: Decimal | None = Decimal("0.00")
    elif rated == 0:
        score = None
    else:
        score = round_half_up(earned / rated * 100)
    return ScoreResult(
        score=score,
        critical_fail=critical_fail,
        rated_weight=Decimal(rated.numerator) / Decimal(rated.denominator),
        earned_weight=Decimal(earned.numerator) / Decimal(earned.denominator),
        fractions=tuple(fractions),
    )


def iqs(scores: Iterable[Decimal | None]) -> Decimal | None:
    """Mean of the review scores (reviews without a score are left out); None when there are none."""
    values = [Decimal(s) for s in scores if s is not None]
    if not values:
        return None
    return quantize_score(sum(values, Decimal(0)) / len(values))


def passes(score: Decimal | None, pass_mark: Decimal | int = DEFAULT_PASS_MARK) -> bool | None:
    if score is None:
        return None
    return score >= Decimal(pass_mark)
