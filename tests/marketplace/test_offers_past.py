"""Offers sent and accepted at an earlier moment (the demo replays its past through the services)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import AuditEvent
from marketplace import services
from marketplace.models import Contract, Offer, OfferStatus

pytestmark = pytest.mark.django_db


def _offer(org, seller, profile, **extra):
    data = {
        "title": "E-mail support",
        "pay_rate": Decimal("9.00"),
        "weekly_hour_cap": 20,
        "start_date": dt.date(2026, 10, 19),
    }
    data.update(extra)
    return services.offer_create(actor=seller, organization=org, freelancer=profile, **data)


def test_offer_sent_and_accepted_in_the_past_dates_offer_and_contract(org, seller_owner, freelancer_no_contract):
    sent = timezone.now().replace(microsecond=0) - dt.timedelta(weeks=7, days=2)
    accepted = sent + dt.timedelta(days=2)
    offer = _offer(org, seller_owner, freelancer_no_contract.freelancer_profile, now=sent)
    assert (offer.created_at, offer.expires_at) == (sent, sent + dt.timedelta(days=7))
    contract = services.offer_accept(offer=offer, actor=freelancer_no_contract, now=accepted)
    contract.refresh_from_db()
    assert (contract.started_at, contract.pay_rate, contract.bill_rate) == (accepted, Decimal("9.00"), Decimal("10.80"))
    offer.refresh_from_db()
    assert (offer.status, offer.responded_at) == (OfferStatus.ACCEPTED, accepted)


def test_offer_cannot_be_sent_in_the_future(org, seller_owner, freelancer_no_contract):
    with pytest.raises(ValidationError, match="cannot happen in the future"):
        _offer(org, seller_owner, freelancer_no_contract.freelancer_profile, now=timezone.now() + dt.timedelta(hours=1))
    assert not Offer.objects.exists()
    assert not AuditEvent.objects.filter(action="offer.sent").exists()


def test_offer_cannot_be_accepted_in_the_future(org, seller_owner, freelancer_no_contract):
    offer = _offer(org, seller_owner, freelancer_no_contract.freelancer_profile)
    with pytest.raises(ValidationError, match="cannot happen in the future"):
        services.offer_accept(offer=offer, actor=freelancer_no_contract, now=timezone.now() + dt.timedelta(hours=1))
    assert not Contract.objects.exists()
    assert Offer.objects.get(pk=offer.pk).status == OfferStatus.PENDING


def test_offer_cannot_be_accepted_before_it_was_sent(org, seller_owner, freelancer_no_contract):
    sent = timezone.now() - dt.timedelta(days=3)
    offer = _offer(org, seller_owner, freelancer_no_contract.freelancer_profile, now=sent)
    with pytest.raises(ValidationError, match="before it was sent"):
        services.offer_accept(offer=offer, actor=freelancer_no_contract, now=sent - dt.timedelta(minutes=1))
    assert not Contract.objects.exists()
    assert Offer.objects.get(pk=offer.pk).status == OfferStatus.PENDING


def test_offer_sent_in_the_past_expires_from_that_moment(org, seller_owner, freelancer_no_contract):
    offer = _offer(
        org, seller_owner, freelancer_no_contract.freelancer_profile, now=timezone.now() - dt.timedelta(days=8)
    )
    with pytest.raises(ValidationError, match="expired"):
        services.offer_accept(offer=offer, actor=freelancer_no_contract)
    assert not Contract.objects.exists()
