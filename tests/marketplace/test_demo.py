import io

import pytest

from accounts import demo as accounts_demo
from marketplace import demo
from marketplace.models import Contract, FreelancerProfile, JobPost, MatchIndex, Offer

pytestmark = pytest.mark.django_db


def _counts():
    return [m.objects.count() for m in (FreelancerProfile, JobPost, Offer, Contract, MatchIndex)]


def test_seed_is_idempotent_and_builds_a_market():
    accounts_demo.seed(io.StringIO())
    demo.seed(io.StringIO())
    first = _counts()
    demo.seed(io.StringIO())
    assert _counts() == first
    assert first[0] == 50
    assert first[1] == 3
    maria = Contract.objects.get(freelancer__user__email="maria@freelancers.example")
    assert (maria.organization.slug, maria.status) == ("northwind-goods", "active")
    countries = set(FreelancerProfile.objects.values_list("country", flat=True))
    assert {"PH", "IN", "CO", "BR", "UA", "PL"} <= countries
