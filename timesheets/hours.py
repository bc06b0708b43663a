"""Minutes ↔ hours. Hours are Decimal with two places, rounded half-up (the only rounding used for time)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

TWO_PLACES = Decimal("0.01")


def minutes_to_hours(minutes: int) -> Decimal:
    return (Decimal(minutes) / Decimal(60)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def format_minutes(minutes: int | None) -> str:
    """``125`` → ``"2 h 05 min"``."""
    if minutes is None:
        return "—"
    hours, rest = divmod(int(minutes), 60)
    return f"{hours} h {rest:02d} min"


def bill_amount(minutes: int | None, contract) -> Decimal:
    """What ``minutes`` on ``contract`` bill the seller: the invoice's own formula (hours × bill rate, one
    rounding to the currency's minor unit, see ``billing.issuing``), so the page and the invoice agree."""
    from billing.money import round_money

    return round_money(Decimal(minutes or 0) / Decimal(60) * contract.bill_rate, contract.currency)
