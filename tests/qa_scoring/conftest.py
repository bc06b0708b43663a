import pytest

from accounts.models import Role
from qa_scoring.models import Rubric, RubricVersion
from tests.accounts.factories import MembershipFactory
from tests.qa_scoring.factories import ConversationFactory


@pytest.fixture
def default_version(db):
    return RubricVersion.objects.get(rubric__name="E-commerce support (default)", number=1)


@pytest.fixture
def default_rubric(default_version) -> Rubric:
    return default_version.rubric


@pytest.fixture
def conversation(org, contract, freelancer_profile):
    """An Acme conversation handled by dana under her contract."""
    return ConversationFactory(organization=org, freelancer=freelancer_profile, contract=contract, external_id="A-1")


@pytest.fixture
def other_conversation(other_org):
    return ConversationFactory(organization=other_org, external_id="G-1", subject="Globex private")


@pytest.fixture
def seller_reviewer(org):
    """A seller-side reviewer of Acme (membership role reviewer)."""
    return MembershipFactory(user__email="rita@acme.test", organization=org, role=Role.REVIEWER).user


@pytest.fixture
def second_reviewer(db):
    from tests.conftest import make_staff

    return make_staff("quentin@shiftdesk.test", "qa")
