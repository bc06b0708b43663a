"""Money: ``Decimal`` amounts with an ISO 4217 currency, and the one rounding helper.

Amounts are always ``Decimal`` in major units (12.34 USD). Integer minor units (cents) exist only inside
the Stripe gateway, which converts with :func:`minor_exponent`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

# ISO 4217 minor-unit exponents for the currencies we bill in; anything else defaults to 2.
_EXPONENTS = {"JPY": 0, "KRW": 0, "VND": 0, "CLP": 0, "BHD": 3, "KWD": 3, "JOD": 3, "OMR": 3, "TND": 3}
SUPPORTED_CURRENCIES = ("USD", "EUR", "GBP", "CAD", "AUD", "PHP", "JPY")


def minor_exponent(currency: str) -> int:
    """Digits after the decimal point in the currency's minor unit (USD 2, JPY 0)."""
    return _EXPONENTS.get(currency.upper(), 2)


def round_money(amount: Decimal | int | str, currency: str) -> Decimal:
    """THE rounding helper: half-up to the currency's minor unit. Never pass floats."""
    if isinstance(amount, float):
        raise TypeError("Money is never a float; pass a Decimal or a string.")
    exp = Decimal(1).scaleb(-minor_exponent(currency))
    return Decimal(amount).quantize(exp, rounding=ROUND_HALF_UP)


def is_rounded(amount: Decimal, currency: str) -> bool:
    return round_money(amount, currency) == amount


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if isinstance(self.amount, float):
            raise TypeError("Money is never a float.")
        if len(self.currency) != 3 or not self.currency.isalpha() or not self.currency.isupper():
            raise ValueError(f"“{self.currency}” is not an ISO 4217 currency code.")

    def rounded(self) -> Money:
        return Money(round_money(self.amount, self.currency), self.currency)

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise ValueError(f"Cannot mix {self.currency} and {other.currency}.")

    def __str__(self) -> str:
        return f"{self.rounded().amount} {self.currency}"
