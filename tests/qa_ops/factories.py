import datetime as dt

import factory

from qa_ops.models import ReviewAssignment, ReviewerGoal, SamplingRule
from tests.accounts.factories import OrganizationFactory

WEEK = dt.datetime(2026, 11, 2, tzinfo=dt.UTC)  # a Monday


class SamplingRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SamplingRule

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Rule {n}")
    count = 2
    seed = 42


class ReviewerGoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewerGoal

    weekly_goal = 10


class ReviewAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewAssignment

    rule = factory.SubFactory(SamplingRuleFactory)
    organization = factory.SelfAttribute("rule.organization")
    period_start = WEEK
    due_at = WEEK + dt.timedelta(days=12)
