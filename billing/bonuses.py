"""Bonus rules: parsing tiers and deciding a period's bonus, with the reason. Pure functions, no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .breakdown import bonus_amount
from .money import round_money


@dataclass(frozen=True)
class Tier:
    min_iqs: Decimal
    percent: Decimal | None = None
    fixed: Decimal | None = None


def parse_tiers(raw) -> list[Tier]:
    """``[{"min_iqs": "90", "percent": "5"}, …]`` → tiers sorted by threshold. Raises ValueError when malformed."""
    if not isinstance(raw, list) or not raw:
        raise ValueError("Give at least one tier, e.g. IQS ≥ 90 → 5 %.")
    tiers = []
    for i, item in enumerate(raw, 1):
        if not isinstance(item, dict):
            raise ValueError(f"Tier {i} must be an object.")
        try:
            min_iqs = Decimal(str(item["min_iqs"]))
            percent = Decimal(str(item["percent"])) if item.get("percent") not in (None, "") else None
            fixed = Decimal(str(item["fixed"])) if item.get("fixed") not in (None, "") else None
        except (KeyError, InvalidOperation) as exc:
            raise ValueError(f"Tier {i} needs a numeric min_iqs and a percent or a fixed amount.") from exc
        if not Decimal(0) <= min_iqs <= Decimal(100):
            raise ValueError(f"Tier {i}: the IQS threshold must be between 0 and 100.")
        if (percent is None) == (fixed is None):
            raise ValueError(f"Tier {i}: give either a percent or a fixed amount, not both.")
        if (percent is not None and not Decimal(0) < percent <= Decimal(100)) or (fixed is not None and fixed <= 0):
            raise ValueError(f"Tier {i}: the bonus must be positive (percent at most 100).")
        tiers.append(Tier(min_iqs, percent, fixed))
    tiers.sort(key=lambda t: t.min_iqs)
    if len({t.min_iqs for t in tiers}) != len(tiers):
        raise ValueError("Two tiers have the same IQS threshold.")
    return tiers


@dataclass(frozen=True)
class Decision:
    amount: Decimal
    reason: str
    tier: Tier | None


def decide(
    *,
    tiers: list[Tier],
    min_reviews: int,
    require_no_critical_fail: bool,
    min_schedule_adherence: Decimal | None,
    iqs: Decimal | None,
    review_count: int,
    critical_fails: int,
    adherence: Decimal | None,
    earnings: Decimal,
    currency: str,
) -> Decision:
    """The bonus for one period, or zero with the reason it was missed."""
    zero = Decimal("0.00")
    if iqs is None or review_count < min_reviews:
        return Decision(zero, f"Only {review_count} review(s) in the period; the rule needs {min_reviews}.", None)
    if require_no_critical_fail and critical_fails:
        return Decision(zero, f"{critical_fails} critical fail(s) in the period.", None)
    if min_schedule_adherence is not None and (adherence is None or adherence < min_schedule_adherence):
        shown = "unknown" if adherence is None else f"{adherence} %"
        return Decision(zero, f"Schedule adherence {shown} is below {min_schedule_adherence} %.", None)
    reached = [t for t in tiers if iqs >= t.min_iqs]
    if not reached:
        return Decision(zero, f"IQS {iqs} is below the first tier ({tiers[0].min_iqs}).", None)
    tier = reached[-1]
    if tier.percent is not None:
        amount = bonus_amount(base=earnings, percent=tier.percent, currency=currency)
        why = f"IQS {iqs} ≥ {tier.min_iqs} over {review_count} reviews → {tier.percent} % of {earnings} {currency}."
    else:
        amount = round_money(tier.fixed, currency)
        why = f"IQS {iqs} ≥ {tier.min_iqs} over {review_count} reviews → fixed {amount} {currency}."
    return Decision(amount, why, tier)
