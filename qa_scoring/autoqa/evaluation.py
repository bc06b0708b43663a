"""How well each AutoQA check agrees with the final human grades, so bad checks can be turned off.

A check "flags" a conversation when its suggested value is a fail: a normalised score below 0.5 on the
criterion's scale (the same threshold as a critical fail, DESIGN §6). Against the final human grades:
precision = flagged and really failed / flagged; recall = flagged and really failed / really failed;
agreement = share of suggestions equal to the final value.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction


def is_fail(value: int, low: int = 0, high: int = 1) -> bool:
    if high <= low:
        raise ValueError("The scale maximum must be above the minimum.")
    return Fraction(value - low, high - low) < Fraction(1, 2)


@dataclass(frozen=True)
class CheckAgreement:
    compared: int  # suggestions with a final human grade
    flagged: int
    failed: int  # final grades that are fails
    true_flags: int
    precision: float | None  # None when the check flagged nothing
    recall: float | None  # None when no final grade failed
    agreement: float | None  # exact value match; None when nothing was compared


def check_agreement(pairs: Iterable[tuple[int, int | None]], *, low: int = 0, high: int = 1) -> CheckAgreement:
    """``pairs``: (suggested value, final human value) for one check; a final N/A (None) is left out."""
    compared = flagged = failed = true_flags = equal = 0
    for suggested, final in pairs:
        if final is None:
            continue
        compared += 1
        flag, fail = is_fail(suggested, low, high), is_fail(final, low, high)
        flagged += flag
        failed += fail
        true_flags += flag and fail
        equal += suggested == final
    return CheckAgreement(
        compared=compared,
        flagged=flagged,
        failed=failed,
        true_flags=true_flags,
        precision=true_flags / flagged if flagged else None,
        recall=true_flags / failed if failed else None,
        agreement=equal / compared if compared else None,
    )
