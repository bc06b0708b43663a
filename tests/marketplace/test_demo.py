import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts import demo as accounts_demo
from accounts.models import AuditEvent
from marketplace import demo
from marketplace.models import Contract, FreelancerProfile, JobPost, MatchIndex, Offer, OfferStatus

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


def test_seed_makes_jobs_offers_and_the_contract_through_the_services():
    accounts_demo.seed(io.StringIO())
    demo.seed(io.StringIO())
    owner = "owner@northwind.example"
    jobs = JobPost.objects.filter(organization__slug="northwind-goods").order_by("role")
    assert [(j.role, j.created_by.email, j.status) for j in jobs] == [
        ("Amazon buyer-message agent (US hours)", owner, "open"),
        ("Weekend live chat (Shopify)", owner, "open"),
    ]
    amazon = jobs[0]
    assert sorted((s.skill.slug, s.required) for s in amazon.skills.all()) == [
        ("a-to-z-claims", True),
        ("customer-e-mail-support", True),
        ("returns-and-refunds", False),
    ]
    assert [(w.weekday, w.start, w.end) for w in amazon.windows.order_by("weekday")] == [
        (d, dt.time(9), dt.time(17)) for d in range(5)
    ]
    assert AuditEvent.objects.filter(action="job_post.created").count() == 3

    today = timezone.now().date()
    monday = today - dt.timedelta(days=today.weekday(), weeks=7)
    maria = Contract.objects.select_related("offer__created_by").get(
        freelancer__user__email="maria@freelancers.example"
    )
    assert (maria.pay_rate, maria.bill_rate, maria.weekly_hour_cap) == (Decimal("9.00"), Decimal("10.80"), 30)
    assert (maria.starts_on, maria.started_at) == (monday, dt.datetime.combine(monday, dt.time(0), tzinfo=dt.UTC))
    assert (maria.offer.created_by.email, maria.offer.status) == (owner, OfferStatus.ACCEPTED)
    assert maria.offer.created_at < maria.started_at == maria.offer.responded_at
    assert AuditEvent.objects.filter(action="contract.started", target_id=str(maria.pk)).count() == 1
    pending = Offer.objects.filter(status=OfferStatus.PENDING).order_by("title")
    assert [(o.title, o.created_by.email) for o in pending] == [
        ("Overnight e-mail support", "owner@lumenhome.example"),
        ("Weekend live chat", owner),
    ]
    assert AuditEvent.objects.filter(action="offer.sent").count() == 3
