import datetime as dt
from decimal import Decimal

import factory

from marketplace.models import Contract, ContractStatus, FreelancerProfile, VettingStatus
from tests.accounts.factories import OrganizationFactory, UserFactory


class FreelancerProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FreelancerProfile

    user = factory.SubFactory(UserFactory)
    headline = "Amazon customer support"
    timezone = "Asia/Manila"
    country = "PH"
    hourly_rate = Decimal("10.00")
    hours_per_week = 40
    vetting_status = VettingStatus.APPROVED
    vetting_score = Decimal("85.00")


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract

    organization = factory.SubFactory(OrganizationFactory)
    freelancer = factory.SubFactory(FreelancerProfileFactory)
    title = "Customer support (e-mail)"
    status = ContractStatus.ACTIVE
    pay_rate = Decimal("10.00")
    bill_rate = Decimal("12.00")
    currency = "USD"
    weekly_hour_cap = 40
    starts_on = factory.LazyFunction(lambda: dt.date(2026, 1, 5))
