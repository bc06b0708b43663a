import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import AuditEvent
from marketplace import services
from marketplace.models import Contract, MatchIndex, Offer, OfferStatus
from tests.marketplace.factories import ContractFactory, OfferFactory

pytestmark = pytest.mark.django_db


def _offer(org, seller, profile, **extra):
    data = {
        "title": "E-mail support",
        "pay_rate": Decimal("10.00"),
        "weekly_hour_cap": 20,
        "start_date": dt.date(2026, 12, 1),
    }
    data.update(extra)
    return services.offer_create(actor=seller, organization=org, freelancer=profile, **data)


def test_send_offer_emails_the_freelancer(
    org, seller_owner, freelancer_no_contract, django_capture_on_commit_callbacks
):
    profile = freelancer_no_contract.freelancer_profile
    with django_capture_on_commit_callbacks(execute=True):
        offer = _offer(org, seller_owner, profile, message="Welcome aboard")
    assert offer.status == OfferStatus.PENDING
    assert offer.expires_at - offer.created_at == pytest.approx(dt.timedelta(days=7), abs=dt.timedelta(seconds=5))
    assert mail.outbox[0].to == ["erin@freelance.test"]
    assert mail.outbox[0].subject == "[Shiftdesk] New offer from Acme Store: E-mail support"
    assert AuditEvent.objects.filter(action="offer.sent", target_id=str(offer.pk)).count() == 1


def test_accept_creates_contract_with_bill_rate(org, seller_owner, freelancer_no_contract):
    profile = freelancer_no_contract.freelancer_profile
    offer = _offer(org, seller_owner, profile, pay_rate=Decimal("9.99"))
    contract = services.offer_accept(offer=offer, actor=freelancer_no_contract)
    assert (contract.status, contract.pay_rate, contract.bill_rate) == ("active", Decimal("9.99"), Decimal("11.99"))
    assert contract.offer_id == offer.pk
    assert Offer.objects.get(pk=offer.pk).status == OfferStatus.ACCEPTED
    assert services.remaining_hours(profile) == 20


def test_double_acceptance_creates_one_contract(org, seller_owner, freelancer_no_contract):
    offer = _offer(org, seller_owner, freelancer_no_contract.freelancer_profile)
    services.offer_accept(offer=offer, actor=freelancer_no_contract)
    with pytest.raises(ValidationError, match="already accepted"):
        services.offer_accept(offer=offer, actor=freelancer_no_contract)
    assert Contract.objects.filter(offer=offer).count() == 1


def test_expired_offer_cannot_be_accepted(org, freelancer_no_contract):
    offer = OfferFactory(
        organization=org,
        freelancer=freelancer_no_contract.freelancer_profile,
        expires_at=timezone.now() - dt.timedelta(seconds=1),
    )
    with pytest.raises(ValidationError, match="expired"):
        services.offer_accept(offer=offer, actor=freelancer_no_contract)
    assert not Contract.objects.exists()
    assert Offer.objects.get(pk=offer.pk).status == OfferStatus.PENDING
    assert services.offers_expire() == 1
    assert services.offers_expire() == 0
    assert Offer.objects.get(pk=offer.pk).status == OfferStatus.EXPIRED
    with pytest.raises(ValidationError, match="already expired"):
        services.offer_accept(offer=offer, actor=freelancer_no_contract)


def test_only_the_addressee_accepts(org, seller_owner, freelancer, freelancer_no_contract):
    offer = _offer(org, seller_owner, freelancer_no_contract.freelancer_profile)
    for actor in (freelancer, seller_owner):
        with pytest.raises(PermissionDenied):
            services.offer_accept(offer=offer, actor=actor)
    assert Offer.objects.get(pk=offer.pk).status == OfferStatus.PENDING
    assert not Contract.objects.filter(offer=offer).exists()


def test_offer_respects_remaining_hours(org, seller_owner, freelancer, contract):
    # dana works 40 h/week and her Acme contract takes 40: nothing left
    with pytest.raises(ValidationError) as exc:
        _offer(org, seller_owner, freelancer.freelancer_profile, weekly_hour_cap=5)
    assert exc.value.message_dict == {
        "weekly_hour_cap": [f"{freelancer.freelancer_profile} has only 0 weekly hours left."]
    }
    assert not Offer.objects.exists()
    services.contract_end(contract=contract, actor=seller_owner, reason="done")
    assert services.remaining_hours(freelancer.freelancer_profile) == 40


def test_accept_rechecks_hours(org, seller_owner, freelancer_no_contract):
    profile = freelancer_no_contract.freelancer_profile
    first = _offer(org, seller_owner, profile, weekly_hour_cap=30)
    second = _offer(org, seller_owner, profile, weekly_hour_cap=30)
    services.offer_accept(offer=first, actor=freelancer_no_contract)
    with pytest.raises(ValidationError):
        services.offer_accept(offer=second, actor=freelancer_no_contract)
    assert Contract.objects.filter(freelancer=profile).count() == 1


def test_outsider_cannot_send_offers_for_acme(org, outsider, freelancer_no_contract):
    with pytest.raises(PermissionDenied):
        _offer(org, outsider, freelancer_no_contract.freelancer_profile)
    assert not Offer.objects.exists()


def test_decline_and_withdraw(org, seller_owner, freelancer_no_contract):
    profile = freelancer_no_contract.freelancer_profile
    offer = _offer(org, seller_owner, profile)
    services.offer_decline(offer=offer, actor=freelancer_no_contract, reason="Found another job")
    assert Offer.objects.get(pk=offer.pk).decline_reason == "Found another job"
    other = _offer(org, seller_owner, profile)
    services.offer_withdraw(offer=other, actor=seller_owner)
    assert Offer.objects.get(pk=other.pk).status == OfferStatus.WITHDRAWN
    with pytest.raises(ValidationError):
        services.offer_accept(offer=other, actor=freelancer_no_contract)


def test_ended_contract_cannot_log_new_work(contract, seller_owner, freelancer):
    from timesheets import services as timesheet_services
    from timesheets.models import TimeEntry

    services.contract_end(contract=contract, actor=seller_owner, reason="done")
    contract.refresh_from_db()
    assert contract.is_active is False
    with pytest.raises(ValidationError, match="does not accept new time"):
        timesheet_services.time_entry_clock_in(actor=freelancer, contract=contract)
    assert not TimeEntry.objects.filter(contract=contract).exists()


@given(pay=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999.99"), places=2))
def test_bill_rate_is_pay_times_fee_rounded_half_up(pay):
    expected = (pay * Decimal("1.20") * 100 + Decimal("0.5")).to_integral_value(rounding="ROUND_FLOOR") / 100
    assert services.bill_rate_for(pay) == expected


def test_paused_contract_counts_no_hours(org, freelancer, contract, seller_owner):
    services.contract_pause(contract=contract, actor=seller_owner, reason="Holiday")
    assert services.remaining_hours(freelancer.freelancer_profile) == 40
    ContractFactory(organization=org, freelancer=freelancer.freelancer_profile, weekly_hour_cap=15)
    assert services.remaining_hours(freelancer.freelancer_profile) == 25


def _committed(profile) -> int:
    return MatchIndex.objects.get(profile=profile).committed


def test_committed_hours_on_the_index_follow_every_contract_transition(
    org, seller_owner, freelancer_no_contract, outsider
):
    profile = freelancer_no_contract.freelancer_profile
    assert _committed(profile) == 0
    contract = services.offer_accept(
        offer=_offer(org, seller_owner, profile, weekly_hour_cap=15), actor=freelancer_no_contract
    )
    assert _committed(profile) == 15
    second = services.offer_accept(
        offer=_offer(org, seller_owner, profile, weekly_hour_cap=10), actor=freelancer_no_contract
    )
    assert _committed(profile) == 25
    services.contract_pause(contract=contract, actor=seller_owner, reason="Holiday")
    assert _committed(profile) == 10
    with pytest.raises(PermissionDenied):
        services.contract_resume(contract=contract, actor=outsider)
    assert _committed(profile) == 10  # a refused transition changes nothing
    services.contract_resume(contract=contract, actor=seller_owner)
    assert _committed(profile) == 25
    services.contract_end(contract=second, actor=freelancer_no_contract, reason="Moving on")
    assert _committed(profile) == 15
    services.contract_pause(contract=contract, actor=seller_owner, reason="Holiday")
    services.contract_end(contract=contract, actor=seller_owner, reason="Done")  # ending a paused one
    assert _committed(profile) == 0
    assert services.committed_hours(profile.pk) == 0
