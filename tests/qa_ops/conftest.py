import datetime as dt

import pytest

from accounts.models import Role
from qa_scoring.models import RubricVersion
from tests.accounts.factories import MembershipFactory
from tests.conftest import make_staff
from tests.marketplace.factories import ContractFactory, FreelancerProfileFactory
from tests.qa_scoring.factories import ConversationFactory

from .factories import WEEK, ReviewerGoalFactory, SamplingRuleFactory


@pytest.fixture
def default_version(db):
    return RubricVersion.objects.get(rubric__name="E-commerce support (default)", number=1)


@pytest.fixture
def second_reviewer(db):
    return make_staff("quentin@shiftdesk.test", "qa")


@pytest.fixture
def seller_reviewer(org):
    return MembershipFactory(user__email="rita@acme.test", organization=org, role=Role.REVIEWER).user


@pytest.fixture
def second_freelancer(org):
    profile = FreelancerProfileFactory(user__email="finn@freelance.test")
    ContractFactory(organization=org, freelancer=profile)
    return profile


@pytest.fixture
def week_conversations(org, contract, freelancer_profile, second_freelancer):
    """Six conversations per freelancer in the week of 2026-11-02 at Acme."""
    made = []
    for profile in (freelancer_profile, second_freelancer):
        for i in range(6):
            made.append(
                ConversationFactory(
                    organization=org,
                    freelancer=profile,
                    started_at=WEEK + dt.timedelta(days=i % 5, hours=i),
                    csat=10 * i,
                    external_id=f"W-{profile.pk}-{i}",
                )
            )
    return made


@pytest.fixture
def rule(org):
    return SamplingRuleFactory(organization=org, name="Acme weekly", count=2, seed=7)


@pytest.fixture
def goals(reviewer, second_reviewer):
    return [
        ReviewerGoalFactory(reviewer=reviewer, weekly_goal=3),
        ReviewerGoalFactory(reviewer=second_reviewer, weekly_goal=3),
    ]
