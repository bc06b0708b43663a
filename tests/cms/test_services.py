"""Editing spaces, template copies, re-verification and review reminders."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from wagtail.models import GroupPagePermission, WorkflowPage

from accounts.models import Membership, Role
from cms import services
from cms.models import PageCopyLink, PlaybookPage, PlaybookSpace, ReviewReminder, SOPPage
from tests.accounts.factories import MembershipFactory
from tests.cms.factories import make_sop, publish

pytestmark = pytest.mark.django_db


def _state(org):
    space = PlaybookSpace.objects.get(organization=org)
    return (
        Group.objects.count(),
        GroupPagePermission.objects.count(),
        PlaybookPage.objects.count(),
        WorkflowPage.objects.count(),
        sorted(space.group.user_set.values_list("email", flat=True)),
    )


def test_space_ensure_creates_group_permissions_and_playbook_idempotently(org, seller_owner, seller_member):
    MembershipFactory(user__email="vic@acme.test", organization=org, role=Role.VIEWER)
    space = services.playbook_space_ensure(organization=org)
    assert space.playbook.owner_organization == org
    assert space.playbook.live
    assert space.group.name == "Playbook editors: acme"
    assert sorted(space.group.user_set.values_list("email", flat=True)) == ["alice@acme.test", "bob@acme.test"]
    codenames = set(
        GroupPagePermission.objects.filter(group=space.group, page=space.playbook).values_list(
            "permission__codename", flat=True
        )
    )
    assert codenames == {"add_page", "change_page", "lock_page", "unlock_page"}
    assert space.group.permissions.filter(codename="access_admin").exists()
    assert WorkflowPage.objects.get(page=space.playbook).workflow.name == "Acme Store (acme) review"
    before = _state(org)
    services.playbook_space_ensure(organization=org)
    assert _state(org) == before


def test_space_ensure_follows_membership_changes(org, seller_owner, seller_member):
    space = services.playbook_space_ensure(organization=org)
    Membership.objects.filter(user=seller_member).update(role=Role.VIEWER)
    services.playbook_spaces_reconcile()
    assert list(space.group.user_set.values_list("email", flat=True)) == ["alice@acme.test"]


def test_reconcile_task_covers_every_organization(org, other_org, seller_owner, outsider):
    from cms.tasks import reconcile_playbook_spaces

    assert reconcile_playbook_spaces.delay().get() == 2
    assert set(PlaybookSpace.objects.values_list("organization__slug", flat=True)) == {"acme", "globex"}


def test_copy_template_links_every_page_and_flags_later_template_changes(
    org, seller_owner, shared_playbook, shared_sop
):
    copy, created = services.playbook_copy_template(actor=seller_owner, template=shared_playbook, organization=org)
    assert created is True
    assert copy.owner_organization == org
    assert copy.title == "Acme Store: Starter template"
    assert copy.slug == "acme-store-starter-template"  # the address follows the title
    assert copy.live
    copied_sop = copy.get_children().get().specific
    assert copied_sop.title == "Refund requests"
    assert copied_sop.live
    playbook_link = PageCopyLink.objects.get(page=copy)
    sop_link = PageCopyLink.objects.get(page=copied_sop)
    assert (playbook_link.origin_id, sop_link.origin_id) == (shared_playbook.pk, shared_sop.pk)
    assert sop_link.origin_changed() is False
    # The seller's group may edit the copy.
    group = PlaybookSpace.objects.get(organization=org).group
    assert GroupPagePermission.objects.filter(group=group, page=copy, permission__codename="change_page").exists()
    # Ops edit the template and publish it again: the copy is flagged until acknowledged.
    shared_sop.summary = "New refund rule"
    publish(shared_sop)
    sop_link.refresh_from_db()
    assert sop_link.origin_changed() is True
    services.page_copy_acknowledge(actor=seller_owner, link=sop_link)
    sop_link.refresh_from_db()
    assert sop_link.origin_changed() is False


def test_copy_keeps_ownership_even_when_an_old_revision_is_published(org, seller_owner, shared_playbook):
    copy, _ = services.playbook_copy_template(actor=seller_owner, template=shared_playbook, organization=org)
    revision = copy.get_latest_revision()
    revision.content["owner_organization"] = None
    revision.save()
    revision.publish()
    copy.refresh_from_db()
    assert copy.owner_organization_id == org.pk


def test_copy_template_denied_to_outsiders_and_non_managers(org, outsider, shared_playbook, freelancer):
    before = PlaybookPage.objects.count()
    for actor in (outsider, freelancer):
        with pytest.raises(PermissionDenied):
            services.playbook_copy_template(actor=actor, template=shared_playbook, organization=org)
    assert PlaybookPage.objects.count() == before
    assert PageCopyLink.objects.count() == 0


def test_only_shared_templates_can_be_copied(org, other_org, outsider, seller_owner, acme_playbook):
    with pytest.raises(ValidationError) as exc:
        services.playbook_copy_template(actor=outsider, template=acme_playbook, organization=other_org)
    assert exc.value.message_dict == {"template": ["Only published shared templates can be copied."]}
    assert PlaybookPage.objects.filter(owner_organization=other_org).count() == 0


def test_copy_template_view(client_for, seller_owner, org, shared_playbook, shared_sop):
    client = client_for(seller_owner)
    response = client.post("/playbooks/copy/", {"template": shared_playbook.pk, "title": "Our refunds"})
    assert response.status_code == 302
    copy = PlaybookPage.objects.get(title="Our refunds")
    assert copy.owner_organization == org
    bad = client.post("/playbooks/copy/", {"template": 999999, "title": ""})
    assert bad.status_code == 400
    assert "Select a valid choice" in bad.context["copy_form"].errors["template"][0]
    assert PlaybookPage.objects.filter(owner_organization=org).count() == 1  # the copy is also its space playbook


def test_copying_a_template_twice_yields_the_first_copy(org, seller_owner, shared_playbook, shared_sop):
    first, created = services.playbook_copy_template(
        actor=seller_owner, template=shared_playbook, organization=org, title="Our refunds"
    )
    again, created_again = services.playbook_copy_template(
        actor=seller_owner, template=shared_playbook, organization=org, title="Another name"
    )
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert again.title == "Our refunds"
    assert first.slug == "our-refunds"
    assert PlaybookPage.objects.filter(owner_organization=org).count() == 1
    assert PageCopyLink.objects.filter(origin=shared_playbook).count() == 1


def test_a_copy_that_loses_the_race_rolls_back_and_returns_the_winner(
    monkeypatch, org, seller_owner, shared_playbook, shared_sop
):
    """A double submit: both requests saw no copy yet; the second's claim breaks the unique constraint."""
    winner, _ = services.playbook_copy_template(actor=seller_owner, template=shared_playbook, organization=org)
    pages_before = PlaybookPage.objects.count(), SOPPage.objects.count(), PageCopyLink.objects.count()
    real_lookup = services.template_copy_of
    lookups = []

    def unseen_at_first(**kwargs):
        lookups.append(kwargs)
        return None if len(lookups) == 1 else real_lookup(**kwargs)

    monkeypatch.setattr(services, "template_copy_of", unseen_at_first)
    copy, created = services.playbook_copy_template(actor=seller_owner, template=shared_playbook, organization=org)
    assert (copy.pk, created) == (winner.pk, False)
    assert len(lookups) == 2
    # Nothing of the losing copy is left: no second playbook, no copied SOP page, no link.
    assert (PlaybookPage.objects.count(), SOPPage.objects.count(), PageCopyLink.objects.count()) == pages_before


def test_a_copy_never_takes_a_reserved_address(org, seller_owner, shared_playbook):
    copy, _ = services.playbook_copy_template(
        actor=seller_owner, template=shared_playbook, organization=org, title="Search"
    )
    assert copy.slug == "search-2"


def test_copy_template_view_a_second_click_says_already_copied(client_for, seller_owner, org, shared_playbook):
    client = client_for(seller_owner)
    first = client.post("/playbooks/copy/", {"template": shared_playbook.pk, "title": "Our refunds"}, follow=True)
    copy = PlaybookPage.objects.get(owner_organization=org, title="Our refunds")
    edit = f"/cms-admin/pages/{copy.pk}/edit/"
    assert [str(m) for m in first.context["messages"]] == [
        f'Copied into “Our refunds”. <a href="{edit}">Open it in the playbook editor</a>.'
    ]
    second = client.post("/playbooks/copy/", {"template": shared_playbook.pk, "title": "Our refunds"}, follow=True)
    assert second.redirect_chain == [("/playbooks/", 302)]
    assert [str(m) for m in second.context["messages"]] == [
        f'You already copied this template: “Our refunds”. <a href="{edit}">Open it</a>.'
    ]
    assert f'<a href="{edit}">Open it</a>' in second.content.decode()  # a link, not escaped text
    assert PlaybookPage.objects.filter(owner_organization=org).count() == 1


def test_copy_template_view_refused_to_freelancers(client_for, freelancer, contract, shared_playbook):
    before = PlaybookPage.objects.count()
    assert client_for(freelancer).post("/playbooks/copy/", {"template": shared_playbook.pk}).status_code == 403
    assert PlaybookPage.objects.count() == before


def test_reverify_sets_next_review_date_and_patches_the_draft(settings, org, seller_owner, acme_sop):
    settings.SOP_REVIEW_INTERVAL_DAYS = 90
    draft = acme_sop.save_revision()  # an unpublished edit in progress
    page = services.sop_page_reverify(actor=seller_owner, page=acme_sop, today=dt.date(2026, 3, 1))
    assert page.review_by == dt.date(2026, 5, 30)
    draft.refresh_from_db()
    assert draft.content["review_by"] == "2026-05-30"
    draft.publish()
    assert SOPPage.objects.get(pk=acme_sop.pk).review_by == dt.date(2026, 5, 30)


@pytest.mark.parametrize("persona", ["outsider", "freelancer", "reviewer", "staff"])
def test_reverify_denied_to_others(request, contract, acme_sop, persona):
    actor = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        services.sop_page_reverify(actor=actor, page=acme_sop, today=dt.date(2026, 3, 1))
    assert SOPPage.objects.get(pk=acme_sop.pk).review_by == dt.date(2030, 1, 1)


def test_ops_reverify_shared_pages(staff, shared_sop):
    page = services.sop_page_reverify(actor=staff, page=shared_sop, today=dt.date(2026, 3, 1))
    assert page.review_by == dt.date(2026, 5, 30)


def test_reverify_view(client_for, seller_owner, acme_sop, outsider):
    assert client_for(outsider).post(f"/playbooks/pages/{acme_sop.pk}/reverify/").status_code == 404
    assert SOPPage.objects.get(pk=acme_sop.pk).review_by == dt.date(2030, 1, 1)
    response = client_for(seller_owner).post(f"/playbooks/pages/{acme_sop.pk}/reverify/")
    assert response.status_code == 302
    assert response["Location"] == "/playbooks/acme-playbook/acme-damaged/"
    assert SOPPage.objects.get(pk=acme_sop.pk).review_by > dt.date.today()


def test_review_reminders_fire_once_per_page_per_week(
    org, seller_owner, seller_member, staff, acme_playbook, shared_playbook
):
    overdue = make_sop(playbook=acme_playbook, title="Old returns", slug="old", review_by=dt.date(2026, 2, 1))
    make_sop(playbook=acme_playbook, title="Fresh", slug="fresh", review_by=dt.date(2026, 12, 1))
    shared_old = make_sop(
        playbook=shared_playbook, title="Old shared", slug="old-shared", review_by=dt.date(2026, 1, 1)
    )
    make_sop(playbook=acme_playbook, title="Draft", slug="draft", review_by=dt.date(2026, 1, 1), live=False)
    monday, wednesday, next_monday = dt.date(2026, 3, 2), dt.date(2026, 3, 4), dt.date(2026, 3, 9)

    assert services.review_reminders_send(today=monday) == 2
    recipients = sorted((m.to[0], m.body.count("review by")) for m in mail.outbox)
    assert recipients == [("alice@acme.test", 1), ("bob@acme.test", 1), ("olivia@shiftdesk.test", 1)]
    assert "/playbooks/acme-playbook/old/" in next(m.body for m in mail.outbox if m.to == ["alice@acme.test"])

    assert services.review_reminders_send(today=wednesday) == 0  # same week: nothing again
    assert len(mail.outbox) == 3
    assert ReviewReminder.objects.count() == 2

    services.sop_page_reverify(actor=seller_owner, page=overdue, today=next_monday)
    assert services.review_reminders_send(today=next_monday) == 1  # only the shared page is still overdue
    assert mail.outbox[-1].to == ["olivia@shiftdesk.test"]
    assert sorted(ReviewReminder.objects.values_list("page_id", "period")) == sorted(
        [(overdue.pk, monday), (shared_old.pk, monday), (shared_old.pk, next_monday)]
    )


def test_reminder_task_and_beat_schedule():
    from config.celery import BEAT_SCHEDULE

    tasks = {entry["task"] for entry in BEAT_SCHEDULE.values()}
    assert {"cms.tasks.send_review_reminders", "cms.tasks.reconcile_playbook_spaces"} <= tasks


def test_editing_group_follows_organization_creation_and_role_changes(django_capture_on_commit_callbacks, db):
    from django.contrib.auth.models import Group

    from accounts import services as account_services
    from accounts.models import Membership
    from tests.accounts.factories import MembershipFactory, UserFactory

    owner = UserFactory(email="nina@baltic.test")
    with django_capture_on_commit_callbacks(execute=True):
        org = account_services.organization_create(owner=owner, name="Baltic Socks")
    group = Group.objects.get(name="Playbook editors: baltic-socks")
    assert list(group.user_set.values_list("email", flat=True)) == ["nina@baltic.test"]

    viewer = MembershipFactory(organization=org, role="viewer", user__email="vic@baltic.test")
    with django_capture_on_commit_callbacks(execute=True):
        account_services.membership_change_role(actor=owner, membership=viewer, role="manager")
    assert sorted(group.user_set.values_list("email", flat=True)) == ["nina@baltic.test", "vic@baltic.test"]

    with django_capture_on_commit_callbacks(execute=True):
        account_services.membership_remove(actor=owner, membership=Membership.objects.get(pk=viewer.pk))
    assert list(group.user_set.values_list("email", flat=True)) == ["nina@baltic.test"]
