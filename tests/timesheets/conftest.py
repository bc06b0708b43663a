"""Timesheet fixtures. The clock is frozen at Wednesday 18 March 2026, 12:00 UTC (week of Monday 16 March)."""

import datetime as dt

import pytest

from tests.marketplace.factories import ContractFactory

NOW = dt.datetime(2026, 3, 18, 12, 0, tzinfo=dt.UTC)
THIS_WEEK = dt.date(2026, 3, 16)
LAST_WEEK = dt.date(2026, 3, 9)
CONTRACT_START = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)


class Clock:
    def __init__(self, monkeypatch, moment):
        self.monkeypatch = monkeypatch
        self.set(moment)

    def set(self, moment: dt.datetime) -> None:
        self.now = moment
        self.monkeypatch.setattr("django.utils.timezone.now", lambda: self.now)

    def advance(self, **kwargs) -> None:
        self.set(self.now + dt.timedelta(**kwargs))


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch, NOW)


@pytest.fixture
def contract(org, freelancer_profile, clock):
    """dana's contract with Acme, running since 5 January 2026, 40 h a week."""
    return ContractFactory(
        organization=org, freelancer=freelancer_profile, started_at=CONTRACT_START, title="Acme inbox"
    )


@pytest.fixture
def other_contract(other_org, freelancer_profile, clock):
    """dana's second contract, with Globex (for overlap across contracts)."""
    return ContractFactory(
        organization=other_org, freelancer=freelancer_profile, started_at=CONTRACT_START, title="Globex chat"
    )


@pytest.fixture
def erin_contract(other_org, freelancer_no_contract, clock):
    """Another freelancer's contract (erin with Globex)."""
    return ContractFactory(
        organization=other_org,
        freelancer=freelancer_no_contract.freelancer_profile,
        started_at=CONTRACT_START,
        title="Globex returns",
    )
