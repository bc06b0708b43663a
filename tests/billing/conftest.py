import pytest

from tests.marketplace.factories import ContractFactory


@pytest.fixture(autouse=True)
def _manual_gateway(settings):
    settings.BILLING_GATEWAY = "manual"
    settings.STRIPE_SECRET_KEY = ""


@pytest.fixture
def other_contract(other_org):
    """Globex's contract with its own freelancer."""
    return ContractFactory(organization=other_org, freelancer__user__email="fay@freelance.test")
