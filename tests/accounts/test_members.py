import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from accounts import services
from accounts.models import AuditEvent, Invitation, Membership, Role
from tests.accounts.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_owner_invites_by_email_after_commit(client_for, seller_owner, org, django_capture_on_commit_callbacks):
    client = client_for(seller_owner)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post("/orgs/acme/invitations/", {"email": "Zoe@Acme.test", "role": "reviewer"})

    assert response.status_code == 302
    assert len(callbacks) == 1
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.status) == ("zoe@acme.test", "reviewer", "pending")
    assert invitation.sent_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["zoe@acme.test"]
    assert f"/invitations/{invitation.token}/" in mail.outbox[0].body
    assert AuditEvent.objects.filter(action="invitation.created", organization=org).count() == 1


def test_invited_user_accepts_and_gets_the_role(client_for, seller_owner, org):
    invitation = services.invitation_create(
        actor=seller_owner, organization=org, email="zoe@acme.test", role="reviewer"
    )
    zoe = UserFactory(email="zoe@acme.test")

    response = client_for(zoe).post(f"/invitations/{invitation.token}/")

    assert response.status_code == 302
    assert Membership.objects.get(user=zoe, organization=org).role == Role.REVIEWER
    invitation.refresh_from_db()
    assert invitation.status == "accepted" and invitation.accepted_by == zoe


def test_invitation_link_is_404_for_another_address_and_changes_nothing(client_for, seller_owner, org, outsider):
    invitation = services.invitation_create(actor=seller_owner, organization=org, email="zoe@acme.test", role="owner")

    response = client_for(outsider).post(f"/invitations/{invitation.token}/")

    assert response.status_code == 404
    assert not Membership.objects.filter(user=outsider, organization=org).exists()
    invitation.refresh_from_db()
    assert invitation.status == "pending"


def test_tampered_or_revoked_invitation_links_do_not_work(client_for, seller_owner, org):
    invitation = services.invitation_create(actor=seller_owner, organization=org, email="zoe@acme.test", role="viewer")
    zoe = UserFactory(email="zoe@acme.test")
    token = invitation.token
    services.invitation_revoke(actor=seller_owner, invitation=invitation)

    assert client_for(zoe).post(f"/invitations/{token[:-2]}xx/").status_code == 404
    response = client_for(zoe).post(f"/invitations/{token}/")
    assert response.status_code == 200
    assert b"was already revoked" in response.content
    assert not Membership.objects.filter(user=zoe).exists()


def test_expired_invitation_cannot_be_accepted(client_for, seller_owner, org):
    invitation = services.invitation_create(actor=seller_owner, organization=org, email="zoe@acme.test", role="viewer")
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    zoe = UserFactory(email="zoe@acme.test")

    response = client_for(zoe).post(f"/invitations/{invitation.token}/")

    assert b"has expired" in response.content
    assert not Membership.objects.filter(user=zoe).exists()
    assert services.invitations_expire() == 1
    assert services.invitations_expire() == 0


def test_non_owner_cannot_invite_and_nothing_is_stored(client_for, seller_member):
    response = client_for(seller_member).post("/orgs/acme/invitations/", {"email": "x@acme.test", "role": "owner"})

    assert response.status_code == 403
    assert Invitation.objects.count() == 0
    assert len(mail.outbox) == 0


def test_inviting_an_existing_member_is_an_inline_error(client_for, seller_owner, seller_member):
    response = client_for(seller_owner).post("/orgs/acme/invitations/", {"email": "BOB@acme.test", "role": "viewer"})

    assert response.status_code == 400
    assert response.context["invite_form"].errors["email"] == ["bob@acme.test is already a member of Acme Store."]
    assert Invitation.objects.count() == 0


def test_owner_changes_a_role_with_an_audit_event(client_for, seller_owner, seller_member, org):
    membership = Membership.objects.get(user=seller_member)

    response = client_for(seller_owner).post(f"/orgs/acme/members/{membership.pk}/role/", {"role": "viewer"})

    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.VIEWER
    event = AuditEvent.objects.get(action="membership.role_changed")
    assert event.data == {"from": "manager", "to": "viewer", "user": "bob@acme.test"}
    assert event.actor == seller_owner


def test_manager_cannot_change_roles(client_for, seller_owner, seller_member):
    owner_membership = Membership.objects.get(user=seller_owner)

    response = client_for(seller_member).post(f"/orgs/acme/members/{owner_membership.pk}/role/", {"role": "viewer"})

    assert response.status_code == 403
    owner_membership.refresh_from_db()
    assert owner_membership.role == Role.OWNER


def test_last_owner_can_be_neither_demoted_nor_removed(client_for, seller_owner, org):
    membership = Membership.objects.get(user=seller_owner)
    client = client_for(seller_owner)

    client.post(f"/orgs/acme/members/{membership.pk}/role/", {"role": "manager"})
    client.post(f"/orgs/acme/members/{membership.pk}/remove/")

    membership.refresh_from_db()
    assert membership.role == Role.OWNER
    assert AuditEvent.objects.filter(action__startswith="membership.").count() == 0


def test_second_owner_makes_demotion_possible(seller_owner, org):
    other = MembershipFactory(organization=org, role=Role.OWNER)
    mine = Membership.objects.get(user=seller_owner)

    services.membership_change_role(actor=other.user, membership=mine, role=Role.MANAGER)

    mine.refresh_from_db()
    assert mine.role == Role.MANAGER


def test_owner_removes_a_member_and_a_member_may_leave(client_for, seller_owner, seller_member, org):
    viewer = MembershipFactory(organization=org, role=Role.VIEWER)
    bob = Membership.objects.get(user=seller_member)

    assert client_for(seller_owner).post(f"/orgs/acme/members/{bob.pk}/remove/").status_code == 302
    assert client_for(viewer.user).post(f"/orgs/acme/members/{viewer.pk}/remove/").status_code == 302

    assert list(Membership.objects.filter(organization=org).values_list("user__email", flat=True)) == [
        "alice@acme.test"
    ]


def test_member_cannot_remove_someone_else(client_for, seller_owner, seller_member, org):
    owner = Membership.objects.get(user=seller_owner)

    response = client_for(seller_member).post(f"/orgs/acme/members/{owner.pk}/remove/")

    assert response.status_code == 403
    assert Membership.objects.filter(organization=org).count() == 2


def test_members_page_lists_members_with_constant_queries(client_for, seller_owner, org, django_assert_num_queries):
    client = client_for(seller_owner)
    client.get("/orgs/acme/members/")  # warm session and caches
    with django_assert_num_queries(9) as ctx:
        client.get("/orgs/acme/members/")
    baseline = len(ctx.captured_queries)
    MembershipFactory.create_batch(15, organization=org)
    with django_assert_num_queries(baseline):
        response = client.get("/orgs/acme/members/")
    assert response.content.count(b'id="member-') == 16


def test_invitation_link_is_stable_and_bound_to_its_nonce(seller_owner, org):
    invitation = services.invitation_create(actor=seller_owner, organization=org, email="zoe@acme.test", role="viewer")
    token = invitation.token

    assert Invitation.objects.get(pk=invitation.pk).token == token
    assert Invitation.id_from_token(token) == (invitation.pk, invitation.nonce)
    assert Invitation.id_from_token(token.replace(":", ";")) is None
