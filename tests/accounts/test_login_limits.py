"""Failed logins: an attacker's client is stopped, the account's owner elsewhere is not; many clients together
meet a per-account ceiling. Limits live in the (locmem) cache, emptied before each test (tests/conftest.py)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.accounts.factories import UserFactory
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NOT_CORRECT = "The email address and/or password you specified are not correct."
TOO_MANY = "Too many failed login attempts. Try again later."
ATTACKER, OWNER = "203.0.113.66", "198.51.100.7"


@pytest.fixture
def alice(db):
    return UserFactory(email="alice@acme.test")


def _log_in(email: str, password: str, ip: str) -> tuple[Client, str]:
    client = Client(REMOTE_ADDR=ip)
    response = client.post("/accounts/login/", {"login": email, "password": password})
    return client, response.content.decode() if response.status_code == 200 else f"redirect {response['Location']}"


def _logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_the_configured_limits():
    from allauth.account import app_settings

    assert app_settings.RATE_LIMITS["login_failed"] == "10/m/ip,5/5m/key"
    assert app_settings.RATE_LIMITS["login_failed_account"] == "100/h/key"
    assert app_settings.RATE_LIMITS["login"] == "30/m/ip"


def test_an_attackers_client_is_stopped_while_the_owner_logs_in_from_her_own(alice):
    for _ in range(5):
        client, page = _log_in(alice.email, "wrong-guess-123", ATTACKER)
        assert NOT_CORRECT in page
    # The sixth guess is refused before the password is checked, even the right one.
    client, page = _log_in(alice.email, PASSWORD, ATTACKER)
    assert TOO_MANY in page
    assert not _logged_in(client)

    owner, page = _log_in(alice.email, PASSWORD, OWNER)
    assert page == "redirect /"
    assert _logged_in(owner)
    assert int(owner.session["_auth_user_id"]) == alice.pk
    # The attacker stays blocked meanwhile.
    client, page = _log_in(alice.email, PASSWORD, ATTACKER)
    assert TOO_MANY in page and not _logged_in(client)


def test_the_owners_own_failed_attempts_do_not_count_against_another_client(alice):
    for _ in range(5):
        _log_in(alice.email, "wrong-guess-123", OWNER)
    assert TOO_MANY in _log_in(alice.email, PASSWORD, OWNER)[1]
    other_laptop, page = _log_in(alice.email, PASSWORD, "198.51.100.8")
    assert _logged_in(other_laptop)


def test_one_client_trying_many_accounts_is_stopped_per_client(db):
    users = [UserFactory(email=f"user{n}@acme.test") for n in range(11)]
    for user in users[:10]:
        assert NOT_CORRECT in _log_in(user.email, "wrong-guess-123", ATTACKER)[1]
    client, page = _log_in(users[10].email, PASSWORD, ATTACKER)
    assert TOO_MANY in page and not _logged_in(client)
    assert _logged_in(_log_in(users[10].email, PASSWORD, OWNER)[0])


def test_an_attack_spread_over_many_clients_meets_the_per_account_ceiling(alice):
    for n in range(100):
        assert NOT_CORRECT in _log_in(alice.email, "wrong-guess-123", f"10.0.{n // 250}.{n % 250 + 1}")[1]
    client, page = _log_in(alice.email, PASSWORD, "10.9.9.9")
    assert TOO_MANY in page and not _logged_in(client)
    # Other accounts are unaffected.
    bob = UserFactory(email="bob@acme.test")
    assert _logged_in(_log_in(bob.email, PASSWORD, "10.9.9.9")[0])


def test_a_successful_login_gives_back_its_attempt(alice):
    for _ in range(4):
        _log_in(alice.email, "wrong-guess-123", OWNER)
    assert _logged_in(_log_in(alice.email, PASSWORD, OWNER)[0])
    assert NOT_CORRECT in _log_in(alice.email, "wrong-guess-123", OWNER)[1]  # the fifth failure still counts
    assert TOO_MANY in _log_in(alice.email, PASSWORD, OWNER)[1]
