from decimal import Decimal

import pytest

from qa_scoring.models import Criterion, Rubric

pytestmark = pytest.mark.django_db


def test_default_rubric_is_a_published_shared_template():
    rubric = Rubric.objects.get(name="E-commerce support (default)")
    assert rubric.organization is None
    assert rubric.pass_mark == Decimal("80.00")
    version = rubric.versions.get()
    assert (version.number, version.status) == (1, "published")
    keys = list(
        Criterion.objects.filter(version=version)
        .order_by("section__position", "position")
        .values_list("key", flat=True)
    )
    assert keys == [
        "greeting",
        "real_need",
        "correct_resolution",
        "first_contact_resolution",
        "explains_next_steps",
        "sets_expectations",
        "empathy_patience",
        "positive_wording",
        "stays_calm",
        "confirmed_closing",
        "response_24h",
        "no_personal_data",
        "marketplace_policy",
        "refund_authority",
    ]
    critical = set(Criterion.objects.filter(version=version, critical=True).values_list("key", flat=True))
    assert critical == {"no_personal_data", "marketplace_policy", "refund_authority"}
    assert sum(Criterion.objects.filter(version=version).values_list("weight", flat=True)) == 100
