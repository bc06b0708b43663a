"""Properties of the vetting score arithmetic (pure; no database)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from vetting.services import scorecard_score, weighted_vetting_score

SCORE = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)
STAGES = ["profile_screen", "assessment", "interview", "checks"]


@given(st.fixed_dictionaries(dict.fromkeys(STAGES, SCORE)))
def test_vetting_score_lies_between_the_lowest_and_highest_stage_score(scores):
    result = weighted_vetting_score(scores)

    assert min(scores.values()) <= result <= max(scores.values())
    assert result == result.quantize(Decimal("0.01"))


@given(SCORE)
def test_equal_stage_scores_give_that_score(score):
    assert weighted_vetting_score(dict.fromkeys(STAGES, score)) == score


def test_vetting_score_uses_the_configured_weights(settings):
    settings.VETTING_WEIGHTS = {"profile_screen": 0, "assessment": 1, "interview": 1, "checks": 0}
    scores = {"profile_screen": Decimal(0), "assessment": Decimal("90"), "interview": Decimal("71"), "checks": 0}

    assert weighted_vetting_score(scores) == Decimal("80.50")


@given(st.lists(st.integers(1, 5), min_size=4, max_size=4))
def test_scorecard_is_the_mean_of_four_equal_scales(ratings):
    keys = ["communication", "english", "reliability", "customer_mindset"]
    expected = (sum(Decimal(r - 1) / 4 for r in ratings) / 4 * 100).quantize(Decimal("0.01"))

    assert scorecard_score(dict(zip(keys, ratings, strict=True))) == expected
