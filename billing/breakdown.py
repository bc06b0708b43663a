"""What a money line is made of — pay to the freelancer, the platform fee, the amount billed — for the screens.

The stored line is the truth: pay, fee and billed are always its ``pay_amount``, ``amount − pay_amount`` and
``amount``. The figures that explain them (hours × pay rate, percent of the base earnings) are recomputed here
with the issuing code's own formulas (:func:`time_amounts`, :func:`bonus_amount`, :func:`bonus_billed`) and are
shown only when they give back the stored figures to the cent, so a screen never shows arithmetic that does not
add up. Pure functions, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .money import round_money

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


# ---------------------------------------------------------------- the formulas (issuing and bonuses use them)
def time_amounts(*, hours: Decimal, pay_rate: Decimal, bill_rate: Decimal, currency: str) -> tuple[Decimal, Decimal]:
    """(pay, billed) for hours at a contract's rates."""
    return round_money(hours * pay_rate, currency), round_money(hours * bill_rate, currency)


def bonus_amount(*, base: Decimal, percent: Decimal, currency: str) -> Decimal:
    """A percent bonus: ``percent`` % of the period's earnings."""
    return round_money(base * percent / HUNDRED, currency)


def bonus_billed(*, amount: Decimal, fee_rate: Decimal, currency: str) -> Decimal:
    """What the seller is billed for a bonus: the bonus plus the platform fee."""
    return round_money(amount * (1 + fee_rate), currency)


# ---------------------------------------------------------------- the breakdown shown on a line
@dataclass(frozen=True)
class Breakdown:
    kind: str  # "time" or "bonus"
    currency: str
    pay: Decimal  # to the freelancer
    fee: Decimal  # the platform's
    billed: Decimal  # to the seller
    hours: Decimal | None = None  # time: the hours billed (as on the line)
    pay_rate: Decimal | None = None
    bill_rate: Decimal | None = None
    percent: Decimal | None = None  # bonus: percent of ``base``
    base: Decimal | None = None  # bonus: the period's earnings it is a percent of
    fixed: bool = False  # bonus: a fixed amount (a tier's or a one-off)
    fee_percent: Decimal | None = None  # the fee as a percent of the pay, when it reproduces the line

    @property
    def parts_add_up(self) -> bool:
        return self.pay + self.fee == self.billed

    @property
    def hours_text(self) -> str:
        """Hours as on the line's description: ``7.75``, ``10``."""
        return plain(self.hours)

    @property
    def percent_text(self) -> str:
        return plain(self.percent)

    @property
    def fee_percent_text(self) -> str:
        return plain(self.fee_percent)


def plain(value: Decimal | None) -> str:
    """``Decimal("10.00")`` → ``"10"``, ``Decimal("7.7500")`` → ``"7.75"``; None → ``""``."""
    return "" if value is None else format(value.normalize(), "f")


def _fee_percent(*, pay: Decimal, billed: Decimal, fee_rate: Decimal | None, currency: str) -> Decimal | None:
    if fee_rate is None or bonus_billed(amount=pay, fee_rate=fee_rate, currency=currency) != billed:
        return None
    return fee_rate * HUNDRED


def _as_money(rate: Decimal, currency: str) -> Decimal:
    """A rate stored with 4 places (12.0000) in the currency's places (12.00) when that loses nothing."""
    rounded = round_money(rate, currency)
    return rounded if rounded == rate else rate


def _exact_hours(quantity: Decimal) -> Decimal:
    """The line keeps hours to 4 places; they were whole minutes / 60, so give those back when they fit."""
    minutes = (quantity * 60).to_integral_value()
    exact = minutes / Decimal(60)
    return exact if exact.quantize(Decimal("0.0001")) == quantity else quantity


def time_breakdown(
    *,
    quantity: Decimal,
    unit_price: Decimal,
    amount: Decimal,
    pay_amount: Decimal,
    pay_rate: Decimal | None,
    currency: str,
    fee_rate: Decimal | None = None,
) -> Breakdown:
    """An hours line: hours × pay rate = pay, the fee, hours × bill rate = billed."""
    hours = _exact_hours(quantity)
    shown_rate = None
    if pay_rate is not None:
        pay, billed = time_amounts(hours=hours, pay_rate=pay_rate, bill_rate=unit_price, currency=currency)
        shown_rate = pay_rate if (pay, billed) == (pay_amount, amount) else None
    fee_percent = None
    # A contract's bill rate is its pay rate × (1 + fee) to the cent (``marketplace.services.bill_rate_for``).
    if (
        shown_rate is not None
        and fee_rate is not None
        and (shown_rate * (1 + fee_rate)).quantize(CENT, rounding=ROUND_HALF_UP) == unit_price
    ):
        fee_percent = fee_rate * HUNDRED
    return Breakdown(
        kind="time",
        currency=currency,
        pay=pay_amount,
        fee=amount - pay_amount,
        billed=amount,
        hours=quantity,
        pay_rate=shown_rate,
        bill_rate=_as_money(unit_price, currency) if shown_rate is not None else None,
        fee_percent=fee_percent,
    )


def _reached_percent(evidence: dict) -> Decimal | None:
    """The percent of the tier the evidence's IQS reached, from the rule as it was when the bonus was decided."""
    from .bonuses import parse_tiers  # bonuses computes its amounts with this module's formulas

    try:
        iqs = Decimal(str(evidence["iqs"]))
        tiers = parse_tiers((evidence.get("rule") or {}).get("tiers"))
    except (KeyError, TypeError, ValueError, InvalidOperation):
        return None
    reached = [t for t in tiers if iqs >= t.min_iqs]
    return reached[-1].percent if reached else None


def bonus_parts(*, pay: Decimal, evidence: dict | None, currency: str) -> tuple[Decimal | None, Decimal | None]:
    """(percent, base earnings) of a bonus of ``pay`` when its evidence reproduces it; (None, None) otherwise."""
    evidence = evidence or {}
    percent = _reached_percent(evidence)
    try:
        base = Decimal(str(evidence["earnings"]))
    except (KeyError, InvalidOperation):
        return None, None
    if percent is None or bonus_amount(base=base, percent=percent, currency=currency) != pay:
        return None, None
    return percent, base


def bonus_breakdown(
    *, amount: Decimal, pay_amount: Decimal, evidence: dict | None, currency: str, fee_rate: Decimal | None = None
) -> Breakdown:
    """A bonus line: percent of base earnings = pay (or a fixed pay), the fee, the amount billed."""
    percent, base = bonus_parts(pay=pay_amount, evidence=evidence, currency=currency)
    return Breakdown(
        kind="bonus",
        currency=currency,
        pay=pay_amount,
        fee=amount - pay_amount,
        billed=amount,
        percent=percent,
        base=base,
        fixed=percent is None,
        fee_percent=_fee_percent(pay=pay_amount, billed=amount, fee_rate=fee_rate, currency=currency),
    )


def line_breakdown(line, *, fee_rate: Decimal | None = None) -> Breakdown:
    """The breakdown of a stored invoice line (its contract already loaded)."""
    currency = line.invoice.currency
    if line.kind == "time":
        contract = line.contract
        pay_rate = contract.pay_rate if contract.bill_rate == line.unit_price else None
        return time_breakdown(
            quantity=line.quantity,
            unit_price=line.unit_price,
            amount=line.amount,
            pay_amount=line.pay_amount,
            pay_rate=pay_rate,
            currency=currency,
            fee_rate=fee_rate,
        )
    return bonus_breakdown(
        amount=line.amount, pay_amount=line.pay_amount, evidence=line.evidence, currency=currency, fee_rate=fee_rate
    )
