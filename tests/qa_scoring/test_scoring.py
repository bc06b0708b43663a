from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qa_scoring.scoring import ScoreItem, criterion_fraction, iqs, passes, review_score


def test_criterion_fraction_is_exact():
    assert criterion_fraction(3, 1, 5) == Decimal("0.5")
    assert criterion_fraction(1, 1, 5) == Decimal(0)
    assert criterion_fraction(5, 1, 5) == Decimal(1)
    assert criterion_fraction(2, 1, 4) == Decimal(1) / Decimal(3)


def test_review_score_weighted_to_the_digit():
    items = [
        ("binary", 0, 1, 10, 1, False),  # 10 × 1
        ("scale", 1, 5, 20, 4, False),  # 20 × 0.75 = 15
        ("scale", 1, 4, 30, 2, False),  # 30 × 1/3 = 10
    ]
    result = review_score(items)
    # (10 + 15 + 10) / 60 × 100 = 58.333… → 58.33
    assert result.score == Decimal("58.33")
    assert result.critical_fail is False
    assert result.rated_weight == Decimal(60)
    assert result.passed() is False


def test_rounding_is_half_up():
    # 1 of 8 equal criteria missed: 87.5 exactly; 1 of 3 scale steps: 2/3 → 66.67
    assert review_score([("binary", 0, 1, 1, 0)] + [("binary", 0, 1, 1, 1)] * 7).score == Decimal("87.50")
    assert review_score([("scale", 1, 4, 50, 3)]).score == Decimal("66.67")
    assert review_score([("scale", 0, 8, 1, 1)]).score == Decimal("12.50")


def test_na_items_are_left_out():
    items = [
        ScoreItem("binary", 0, 1, 40, 1),
        ScoreItem("binary", 0, 1, 60, None),  # N/A
        ScoreItem("scale", 1, 5, 40, 3),
    ]
    result = review_score(items)
    # (40 × 1 + 40 × 0.5) / 80 × 100 = 75
    assert result.score == Decimal("75.00")
    assert result.fractions == (Decimal(1), None, Decimal("0.5"))


def test_critical_fail_zeroes_the_score():
    items = [
        ScoreItem("binary", 0, 1, 50, 1),
        ScoreItem("binary", 0, 1, 0, 0, True),  # critical, failed, weight 0
    ]
    result = review_score(items)
    assert result.score == Decimal("0.00")
    assert result.critical_fail is True
    assert result.passed(80) is False


def test_critical_scale_at_half_is_not_a_fail_but_below_is():
    assert review_score([ScoreItem("scale", 1, 5, 10, 3, True)]).critical_fail is False
    assert review_score([ScoreItem("scale", 1, 5, 10, 3, True)]).score == Decimal("50.00")
    assert review_score([ScoreItem("scale", 1, 5, 10, 2, True)]).critical_fail is True


def test_critical_na_is_not_a_fail():
    result = review_score([ScoreItem("binary", 0, 1, 10, 1), ScoreItem("binary", 0, 1, 10, None, True)])
    assert result.score == Decimal("100.00")
    assert result.critical_fail is False


def test_everything_na_has_no_score():
    result = review_score([ScoreItem("binary", 0, 1, 10, None)])
    assert result.score is None
    assert result.passed() is None


def test_zero_weight_only_has_no_score():
    assert review_score([ScoreItem("binary", 0, 1, 0, 1)]).score is None


@pytest.mark.parametrize(
    "item",
    [
        ("scale", 1, 5, 10, 6),
        ("scale", 5, 5, 10, 5),
        ("binary", 0, 1, 10, 2),
        ("scale", 1, 5, 101, 3),
        ("scale", 1, 5, -1, 3),
        ("stars", 1, 5, 10, 3),
    ],
)
def test_impossible_items_are_refused(item):
    with pytest.raises(ValueError):
        review_score([item])


def test_iqs_is_the_mean_of_scores():
    assert iqs([Decimal("90.00"), Decimal("80.00"), Decimal("75.55")]) == Decimal("81.85")
    assert iqs([Decimal("100"), None, Decimal("0")]) == Decimal("50.00")
    assert iqs([]) is None


def test_pass_mark():
    assert passes(Decimal("80.00")) is True
    assert passes(Decimal("79.99")) is False
    assert passes(Decimal("70"), 70) is True


item_strategy = st.builds(
    lambda lo, span, weight, pick, critical, na: ScoreItem(
        "scale", lo, lo + span, weight, None if na else lo + pick % (span + 1), critical
    ),
    st.integers(0, 3),
    st.integers(1, 9),
    st.integers(0, 100),
    st.integers(0, 100),
    st.booleans(),
    st.booleans(),
)


@given(st.lists(item_strategy, min_size=1, max_size=12))
def test_score_is_bounded_and_critical_fail_means_zero(items):
    result = review_score(items)
    if result.critical_fail:
        assert result.score == Decimal("0.00")
    elif result.score is not None:
        assert Decimal(0) <= result.score <= Decimal(100)
    else:
        assert result.rated_weight == 0


@given(st.lists(item_strategy, min_size=1, max_size=12))
def test_raising_one_value_never_lowers_the_score(items):
    base = review_score(items)
    for i, item in enumerate(items):
        if item.value is not None and item.value < item.max:
            better = list(items)
            better[i] = item._replace(value=item.value + 1)
            improved = review_score(better)
            if base.score is not None and improved.score is not None:
                assert improved.score >= base.score


@given(st.lists(item_strategy, min_size=1, max_size=12), st.integers(1, 5))
def test_scaling_all_weights_changes_nothing(items, factor):
    items = [i._replace(weight=min(i.weight, 100 // factor)) for i in items]
    scaled = [i._replace(weight=i.weight * factor) for i in items]
    assert review_score(items).score == review_score(scaled).score


@given(st.lists(st.decimals(min_value=0, max_value=100, places=2), min_size=1, max_size=30))
def test_iqs_lies_between_min_and_max(scores):
    result = iqs(scores)
    assert min(scores) <= result <= max(scores)


def test_the_sums_are_exact_until_the_one_rounding():
    # 3 × (2 − 1) / (4 − 1) is exactly 1, so the score is exactly 100 × 1 / 160 = 0.625 → 0.63 (half up);
    # 28-digit decimals would carry 0.9999… and round it down to 0.62.
    result = review_score([("scale", 1, 4, 3, 2), ("binary", 0, 1, 100, 0), ("binary", 0, 1, 57, 0)])
    assert result.score == Decimal("0.63")
    assert (result.rated_weight, result.earned_weight) == (Decimal(160), Decimal(1))
