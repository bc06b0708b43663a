import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from billing import cycle, services, sources
from billing.bonuses import decide, parse_tiers
from billing.models import Bonus, BonusRule, BonusStatus
from tests.billing.factories import WEEK, approved_timesheet

pytestmark = pytest.mark.django_db

TIERS = [{"min_iqs": "90", "percent": "5"}, {"min_iqs": "95", "percent": "8"}]
AFTER_WINDOW = WEEK + dt.timedelta(days=14)  # period ends Sunday; 7-day dispute window


@pytest.fixture
def qa(monkeypatch):
    """What the QA engine reports for the period (IQS, review ids, critical fails), set per test."""
    state = {"value": (Decimal("92.0"), [11, 12, 13, 14, 15], 0)}
    monkeypatch.setattr(sources, "iqs", lambda freelancer, contract, start, end: state["value"])
    return state


@pytest.fixture
def worked(contract):
    approved_timesheet(contract, 2400)  # 40 h → 400.00 earned
    services.invoices_generate(week_start=WEEK)
    return contract


def _rule(contract, actor, **kw):
    return services.bonus_rule_set(actor=actor, contract=contract, tiers=TIERS, **kw)


def _decide(iqs, reviews=5, critical=0, adherence=None, min_adherence=None, tiers=TIERS):
    return decide(
        tiers=parse_tiers(tiers),
        min_reviews=5,
        require_no_critical_fail=True,
        min_schedule_adherence=min_adherence,
        iqs=iqs,
        review_count=reviews,
        critical_fails=critical,
        adherence=adherence,
        earnings=Decimal("400.00"),
        currency="USD",
    )


def test_thresholds_and_tiers():
    assert _decide(Decimal("89.99")).amount == Decimal("0.00")
    assert _decide(Decimal("90")).amount == Decimal("20.00")
    assert _decide(Decimal("94.99")).amount == Decimal("20.00")
    assert _decide(Decimal("95")).amount == Decimal("32.00")
    fixed = _decide(Decimal("91"), tiers=[{"min_iqs": "90", "fixed": "15"}])
    assert (fixed.amount, fixed.reason) == (Decimal("15.00"), "IQS 91 ≥ 90 over 5 reviews → fixed 15.00 USD.")


def test_min_reviews_critical_fail_and_adherence():
    assert _decide(Decimal("99"), reviews=4).reason == "Only 4 review(s) in the period; the rule needs 5."
    assert _decide(Decimal("99"), critical=1).reason == "1 critical fail(s) in the period."
    low = _decide(Decimal("99"), adherence=Decimal("80.0"), min_adherence=Decimal("90"))
    assert (low.amount, low.reason) == (Decimal("0.00"), "Schedule adherence 80.0 % is below 90 %.")
    assert _decide(Decimal("99"), adherence=Decimal("95.0"), min_adherence=Decimal("90")).amount == Decimal("32.00")


@pytest.mark.parametrize(
    ("tiers", "error"),
    [
        ([], "Give at least one tier, e.g. IQS ≥ 90 → 5 %."),
        ([{"min_iqs": "90"}], "Tier 1: give either a percent or a fixed amount, not both."),
        ([{"min_iqs": "120", "percent": "5"}], "Tier 1: the IQS threshold must be between 0 and 100."),
        ([{"min_iqs": "90", "percent": "-5"}], "Tier 1: the bonus must be positive (percent at most 100)."),
    ],
)
def test_bad_rules_are_refused_and_nothing_stored(contract, seller_owner, tiers, error):
    with pytest.raises(ValidationError) as exc:
        services.bonus_rule_set(actor=seller_owner, contract=contract, tiers=tiers)
    assert exc.value.message_dict == {"tiers": [error]}
    assert BonusRule.objects.count() == 0


def test_only_the_seller_sets_rules(contract, outsider, freelancer):
    for actor in (outsider, freelancer):
        with pytest.raises(PermissionDenied):
            services.bonus_rule_set(actor=actor, contract=contract, tiers=TIERS)
    assert BonusRule.objects.count() == 0


def test_evaluated_only_after_the_dispute_window_with_evidence(worked, seller_owner, qa):
    rule = _rule(worked, seller_owner)
    assert services.bonuses_evaluate(period_start=WEEK, today=AFTER_WINDOW - dt.timedelta(days=1)) == []
    (bonus,) = services.bonuses_evaluate(period_start=WEEK, today=AFTER_WINDOW)
    assert (bonus.status, bonus.amount) == (BonusStatus.EARNED, Decimal("20.00"))
    assert bonus.reason == "IQS 92.0 ≥ 90 over 5 reviews → 5 % of 400.00 USD."
    assert bonus.evidence["review_ids"] == [11, 12, 13, 14, 15]
    assert bonus.evidence["iqs"] == "92.0"
    assert bonus.evidence["rule"]["id"] == rule.pk
    assert services.bonuses_evaluate(period_start=WEEK, today=AFTER_WINDOW) == []
    assert Bonus.objects.count() == 1


def test_dispute_won_after_period_end_raises_the_bonus(worked, seller_owner, qa):
    _rule(worked, seller_owner)
    qa["value"] = (Decimal("93.0"), [11, 12, 13, 14, 15], 0)  # during the week
    assert services.bonuses_evaluate(period_start=WEEK, today=WEEK + dt.timedelta(days=9)) == []
    qa["value"] = (Decimal("96.0"), [11, 12, 13, 14, 15], 0)  # a review regraded after a won dispute
    (bonus,) = services.bonuses_evaluate(period_start=WEEK, today=AFTER_WINDOW)
    assert bonus.amount == Decimal("32.00")


def test_missed_bonus_keeps_the_reason_and_earned_one_is_invoiced(worked, seller_owner, qa, contract):
    _rule(worked, seller_owner)
    qa["value"] = (Decimal("97.0"), [1, 2, 3], 0)
    (missed,) = services.bonuses_evaluate(period_start=WEEK, today=AFTER_WINDOW)
    assert (missed.status, missed.amount) == (BonusStatus.MISSED, Decimal("0.00"))
    assert missed.reason == "Only 3 review(s) in the period; the rule needs 5."

    next_week = WEEK + dt.timedelta(days=7)
    qa["value"] = (Decimal("95.5"), [4, 5, 6, 7, 8], 0)
    approved_timesheet(contract, 600, week_start=next_week)
    services.invoices_generate(week_start=next_week)
    (earned,) = services.bonuses_evaluate(period_start=next_week, today=next_week + dt.timedelta(days=14))
    assert earned.amount == Decimal("8.00")  # 8 % of 100.00
    third = next_week + dt.timedelta(days=7)
    approved_timesheet(contract, 60, week_start=third)
    (invoice,) = services.invoices_generate(week_start=third)
    bonus_line = invoice.lines.get(kind="bonus")
    assert (bonus_line.amount, bonus_line.pay_amount) == (Decimal("9.60"), Decimal("8.00"))
    assert bonus_line.evidence["review_ids"] == [4, 5, 6, 7, 8]


def test_beat_step_looks_back_and_is_idempotent(worked, seller_owner, qa):
    _rule(worked, seller_owner)
    assert cycle.evaluate_bonuses(today=AFTER_WINDOW) == 1
    assert cycle.evaluate_bonuses(today=AFTER_WINDOW) == 0
