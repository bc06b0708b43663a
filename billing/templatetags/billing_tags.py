"""A contract's QA bonus rule, in plain words, for the contract page."""

from __future__ import annotations

from decimal import Decimal

from django import template

from billing import selectors

register = template.Library()


def _plain(value) -> str:
    return format(Decimal(str(value)).normalize(), "f")


@register.simple_tag(takes_context=True)
def bonus_rule_of(context, contract):
    """The active rule of the contract, if the viewer may see it (the view has already resolved the contract)."""
    request = context.get("request")
    return selectors.bonus_rule_of(actor=getattr(request, "user", None), contract=contract)


@register.filter
def rule_in_words(rule) -> str:
    """e.g. "IQS at least 90 → 5 % of the week's earnings; IQS at least 95 → 50.00 USD. Paid for a week with at
    least 5 reviews and no critical fail."""
    if rule is None:
        return ""
    currency = rule.contract.currency
    tiers = sorted(rule.tiers or [], key=lambda t: Decimal(str(t["min_iqs"])))
    parts = []
    for tier in tiers:
        if tier.get("percent") not in (None, ""):
            bonus = f"{_plain(tier['percent'])} % of the week's earnings"
        else:
            bonus = f"{Decimal(str(tier['fixed'])):.2f} {currency}"
        parts.append(f"IQS at least {_plain(tier['min_iqs'])} → {bonus}")
    conditions = [f"at least {rule.min_reviews} review{'s' if rule.min_reviews != 1 else ''}"]
    if rule.require_no_critical_fail:
        conditions.append("no critical fail")
    if rule.min_schedule_adherence is not None:
        conditions.append(f"schedule adherence of at least {_plain(rule.min_schedule_adherence)} %")
    joined = ", ".join(conditions[:-1]) + (" and " if len(conditions) > 1 else "") + conditions[-1]
    return f"{'; '.join(parts)}. Paid for a week with {joined}."
