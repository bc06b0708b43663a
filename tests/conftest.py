"""Personas shared by every test (after healthchecks' alice/bob/charlie).

- ``seller_owner`` (alice) owns ``org`` (Acme); ``seller_member`` (bob) is a manager of Acme.
- ``outsider`` (charlie) owns ``other_org`` (Globex) and must never see Acme's data.
- ``freelancer`` (dana) has an active ``contract`` with Acme; ``freelancer_no_contract`` (erin) has none.
- ``reviewer`` (quinn) is platform QA staff; ``staff`` (olivia) is platform ops. Both have TOTP on.
"""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group
from django.test import Client

from accounts.models import Role
from tests.accounts.factories import MembershipFactory, OrganizationFactory, UserFactory
from tests.marketplace.factories import ContractFactory, FreelancerProfileFactory

PASSWORD = "correct-horse-battery"


def give_totp(user) -> None:
    from allauth.mfa.totp.internal.auth import TOTP

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")


def make_staff(email: str, group: str, *, totp: bool = True):
    user = UserFactory(email=email, is_staff=True)
    user.groups.add(Group.objects.get_or_create(name=group)[0])
    if totp:
        give_totp(user)
    return user


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate limits and API budgets live in the cache, which outlives a test: each test starts with none."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def org(db):
    return OrganizationFactory(name="Acme Store", slug="acme")


@pytest.fixture
def other_org(db):
    return OrganizationFactory(name="Globex Shop", slug="globex")


@pytest.fixture
def seller_owner(org):
    return MembershipFactory(user__email="alice@acme.test", organization=org, role=Role.OWNER).user


@pytest.fixture
def seller_member(org):
    return MembershipFactory(user__email="bob@acme.test", organization=org, role=Role.MANAGER).user


@pytest.fixture
def outsider(other_org):
    return MembershipFactory(user__email="charlie@globex.test", organization=other_org, role=Role.OWNER).user


@pytest.fixture
def freelancer_profile(db):
    return FreelancerProfileFactory(user__email="dana@freelance.test")


@pytest.fixture
def freelancer(freelancer_profile):
    return freelancer_profile.user


@pytest.fixture
def contract(org, freelancer_profile):
    return ContractFactory(organization=org, freelancer=freelancer_profile)


@pytest.fixture
def freelancer_no_contract(db):
    return FreelancerProfileFactory(user__email="erin@freelance.test").user


@pytest.fixture
def reviewer(db):
    return make_staff("quinn@shiftdesk.test", "qa")


@pytest.fixture
def staff(db):
    return make_staff("olivia@shiftdesk.test", "ops")


@pytest.fixture
def client_for(db):
    """``client_for(user)`` → a test client logged in as that user."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


# --- localstripe, a real local Stripe server (the billing tests and the browser's card pages) ---------------
@pytest.fixture(scope="session")
def localstripe_url(tmp_path_factory):
    """``localstripe`` started once per test process on a free port; each test wipes it (see ``stripe_on``)."""
    import socket
    import subprocess
    import sys
    import time
    import urllib.request
    from pathlib import Path

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    workdir = tmp_path_factory.mktemp("localstripe")
    exe = Path(sys.executable).with_name("localstripe")
    log = open(workdir / "localstripe.log", "w")  # noqa: SIM115 - closed at teardown
    proc = subprocess.Popen([str(exe), "--port", str(port), "--from-scratch"], cwd=workdir, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            urllib.request.urlopen(urllib.request.Request(f"{url}/_config/data", method="DELETE"), timeout=1)  # noqa: S310
            break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError(f"localstripe did not start; see {log.name}") from None
            time.sleep(0.2)
    yield url
    proc.terminate()
    proc.wait(timeout=10)
    log.close()


@pytest.fixture
def stripe_on(settings, localstripe_url):
    """Stripe gateway against a freshly wiped localstripe."""
    import urllib.request

    urllib.request.urlopen(urllib.request.Request(f"{localstripe_url}/_config/data", method="DELETE"))  # noqa: S310
    settings.BILLING_GATEWAY = "stripe"
    settings.STRIPE_SECRET_KEY = "sk_test_shiftdesk"
    settings.STRIPE_API_BASE = localstripe_url
    settings.STRIPE_WEBHOOK_SECRET = "whsec_test_shiftdesk"
    from billing.gateways.stripe import StripeGateway

    return StripeGateway.from_settings()
