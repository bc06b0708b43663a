import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from accounts.models import Membership, Organization, Role, User
from marketplace.models import FreelancerProfile

pytestmark = pytest.mark.django_db


def _signup(client, **extra):
    data = {
        "email": "new@example.test",
        "password1": "a-long-safe-passphrase",
        "password2": "a-long-safe-passphrase",
        "full_name": "New Person",
        "timezone": "Europe/Riga",
        **extra,
    }
    return client.post("/accounts/signup/", data)


def _confirm_link(body: str) -> str:
    return re.search(r"https?://testserver(/accounts/confirm-email/\S+/)", body).group(1)


def test_seller_signup_creates_organization_owned_by_the_user_and_requires_verification(client):
    response = _signup(client, account_type="seller", organization_name="Baltic Socks")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get(email="new@example.test")
    assert user.full_name == "New Person" and user.timezone == "Europe/Riga"
    org = Organization.objects.get(name="Baltic Socks")
    assert org.slug == "baltic-socks"
    assert list(Membership.objects.filter(organization=org).values_list("user__email", "role")) == [
        ("new@example.test", Role.OWNER)
    ]
    assert not FreelancerProfile.objects.filter(user=user).exists()
    # Not logged in until the address is verified.
    assert client.get("/orgs/baltic-socks/members/").status_code == 302
    assert len(mail.outbox) == 1
    link = _confirm_link(mail.outbox[0].body)
    response = client.post(link)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified is True
    assert client.get("/orgs/baltic-socks/members/").status_code == 200


def test_freelancer_signup_creates_an_empty_profile_and_no_organization(client):
    response = _signup(client, account_type="freelancer")

    assert response.status_code == 302
    user = User.objects.get(email="new@example.test")
    profile = FreelancerProfile.objects.get(user=user)
    assert profile.vetting_status == "not_applied"
    assert profile.timezone == "Europe/Riga"
    assert Organization.objects.count() == 0


def test_seller_signup_without_company_name_shows_the_error_next_to_the_field_and_stores_nothing(client):
    response = _signup(client, account_type="seller", organization_name="  ")

    assert response.status_code == 200
    assert response.context["form"].errors["organization_name"] == ["Sellers need a company name."]
    assert b'id="id_organization_name_error"' in response.content
    assert User.objects.count() == 0
    assert Organization.objects.count() == 0


def test_invited_member_signup_creates_neither_organization_nor_profile(client):
    _signup(client, account_type="member")

    user = User.objects.get(email="new@example.test")
    assert Organization.objects.count() == 0
    assert not FreelancerProfile.objects.filter(user=user).exists()


def test_password_reset_sends_a_reset_link(client, seller_owner):
    response = client.post("/accounts/password/reset/", {"email": seller_owner.email})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


@pytest.mark.parametrize(("side", "checked"), [("seller", "id_account_type_0"), ("freelancer", "id_account_type_1")])
def test_the_landing_links_pre_select_the_side(client, side, checked):
    landing = client.get("/").content.decode()
    assert f'href="/accounts/signup/?as={side}"' in landing
    page = client.get(f"/accounts/signup/?as={side}").content.decode()
    assert re.findall(r'<input type="radio" name="account_type" value="\w+" id="(\w+)"[^>]* checked', page) == [checked]


def test_an_unknown_side_selects_nothing_and_a_posted_form_keeps_its_own_choice(client):
    page = client.get("/accounts/signup/?as=admin").content.decode()
    assert " checked" not in re.search(r"<fieldset id=\"id_account_type\".*?</fieldset>", page, re.S).group(0)
    response = client.post("/accounts/signup/?as=seller", {"account_type": "freelancer", "email": "x"})
    body = response.content.decode()
    assert response.status_code == 200
    assert re.findall(r'name="account_type" value="(\w+)"[^>]* checked', body) == ["freelancer"]
    assert User.objects.count() == 0
