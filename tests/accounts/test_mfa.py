import pytest
from allauth.mfa.models import Authenticator

from tests.conftest import give_totp, make_staff

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("group", ["vetting", "qa", "ops"])
def test_staff_without_totp_are_sent_to_set_it_up(client_for, group):
    user = make_staff(f"{group}@shiftdesk.test", group, totp=False)
    client = client_for(user)

    page = client.get("/")
    api = client.get("/api/me/")
    setup = client.get("/accounts/2fa/totp/activate/", follow=True)

    assert page.status_code == 302 and page["Location"] == "/accounts/2fa/totp/activate/"
    assert api.status_code == 403
    assert "two-factor" in api.json()["detail"]
    # Turning TOTP on asks for the password again; that page is reachable.
    assert setup.status_code == 200
    assert setup.redirect_chain[-1][0].startswith("/accounts/reauthenticate/")


def test_staff_with_totp_pass(client_for):
    user = make_staff("ops2@shiftdesk.test", "ops", totp=False)
    give_totp(user)

    assert client_for(user).get("/").status_code == 200
    assert Authenticator.objects.filter(user=user, type="totp").count() == 1


def test_sellers_and_freelancers_are_not_forced_but_may_enable_totp(client_for, seller_owner, freelancer):
    assert client_for(seller_owner).get("/").status_code == 200
    assert client_for(freelancer).get("/").status_code == 200
    assert client_for(freelancer).get("/accounts/2fa/").status_code == 200
