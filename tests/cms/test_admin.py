"""The Wagtail admin: sellers edit only their own playbooks; ops edit the shared templates."""

from __future__ import annotations

import pytest

from cms import services
from cms.models import PlaybookPage, SOPPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def spaces(org, other_org, seller_owner, outsider, shared_playbook, shared_sop, acme_sop, globex_sop):
    services.playbook_spaces_reconcile()


def _edit(client, page, title):
    return client.post(
        f"/cms-admin/pages/{page.pk}/edit/",
        {
            "title": title,
            "slug": page.slug,
            "summary": "changed",
            "body-count": "0",
            "tags": "",
            "review_by": "2031-01-01",
            "description": "changed",
            "action-publish": "action-publish",
        },
    )


def test_seller_opens_own_playbook_in_the_admin(client_for, seller_owner, spaces, acme_sop):
    client = client_for(seller_owner)
    assert client.get("/cms-admin/").status_code == 200
    assert client.get(f"/cms-admin/pages/{acme_sop.pk}/edit/").status_code == 200


def test_seller_saves_a_draft_of_own_page(client_for, seller_owner, spaces, acme_sop):
    response = client_for(seller_owner).post(
        f"/cms-admin/pages/{acme_sop.pk}/edit/",
        {
            "title": "Acme damaged v2",
            "slug": acme_sop.slug,
            "summary": "",
            "body-count": "0",
            "tags": "",
            "review_by": "2031-01-01",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    page = SOPPage.objects.get(pk=acme_sop.pk)
    assert page.draft_title == "Acme damaged v2"  # a draft revision, not yet published
    assert page.title == "Acme damaged parcels"
    assert page.has_unpublished_changes


@pytest.mark.parametrize("target", ["globex_sop", "globex_playbook", "shared_sop", "shared_playbook"])
def test_seller_cannot_edit_another_sellers_or_shared_pages(request, client_for, seller_owner, spaces, target):
    page = request.getfixturevalue(target)
    client = client_for(seller_owner)
    before = (page.title, page.latest_revision_id)
    assert client.get(f"/cms-admin/pages/{page.pk}/edit/").status_code in (302, 403)
    response = _edit(client, page, "Hijacked")
    assert response.status_code in (302, 403)
    page.refresh_from_db()
    assert (page.title, page.draft_title, page.latest_revision_id) == (before[0], before[0], before[1])


def test_seller_cannot_add_pages_under_another_sellers_playbook(client_for, seller_owner, spaces, globex_playbook):
    client = client_for(seller_owner)
    before = globex_playbook.get_children().count()
    response = client.get(f"/cms-admin/pages/add/cms/soppage/{globex_playbook.pk}/")
    assert response.status_code in (302, 403)
    assert globex_playbook.get_children().count() == before


def test_seller_admin_listing_hides_other_sellers(client_for, seller_owner, spaces, globex_playbook):
    client = client_for(seller_owner)
    index = globex_playbook.get_parent()
    response = client.get(f"/cms-admin/pages/{index.pk}/")
    body = response.content.decode() if response.status_code == 200 else ""
    assert "Globex playbook" not in body
    search = client.get("/cms-admin/pages/search/", {"q": "Globex"})
    assert "Globex refund secrets" not in search.content.decode()


def test_ops_edit_shared_templates_but_not_seller_playbooks(client_for, staff, spaces, shared_sop, acme_sop):
    client = client_for(staff)
    response = _edit(client, shared_sop, "Refund requests (v2)")
    assert response.status_code == 302
    assert SOPPage.objects.get(pk=shared_sop.pk).title == "Refund requests (v2)"
    before = acme_sop.latest_revision_id
    assert _edit(client, acme_sop, "Ops was here").status_code in (302, 403)
    acme_sop.refresh_from_db()
    assert (acme_sop.title, acme_sop.latest_revision_id) == ("Acme damaged parcels", before)


def test_freelancers_have_no_admin(client_for, freelancer, contract, spaces, acme_sop):
    client = client_for(freelancer)
    assert client.get("/cms-admin/").status_code in (302, 403)
    assert client.get(f"/cms-admin/pages/{acme_sop.pk}/edit/").status_code in (302, 403)


def test_admin_login_goes_through_allauth(client):
    response = client.get("/cms-admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    login = client.get("/cms-admin/login/")
    assert login.status_code == 302
    assert login["Location"].startswith("/accounts/login/")


def test_playbook_slug_reserved_for_area_views(shared_playbook):
    from django.core.exceptions import ValidationError

    shared_playbook.slug = "search"
    with pytest.raises(ValidationError):
        shared_playbook.full_clean()
    assert PlaybookPage.objects.get(pk=shared_playbook.pk).slug == "starter"


def test_seller_changes_go_through_the_sellers_review_workflow(client_for, seller_owner, org, spaces, acme_sop):
    workflow = acme_sop.get_workflow()
    assert workflow.name == "Acme Store (acme) review"
    task = workflow.tasks.get().specific
    assert list(task.groups.values_list("name", flat=True)) == ["Playbook editors: acme"]
    response = client_for(seller_owner).post(
        f"/cms-admin/pages/{acme_sop.pk}/edit/",
        {
            "title": "Acme damaged v3",
            "slug": acme_sop.slug,
            "summary": "",
            "body-count": "0",
            "tags": "",
            "review_by": "2031-01-01",
            "action-submit": "action-submit",
        },
    )
    assert response.status_code == 302
    page = SOPPage.objects.get(pk=acme_sop.pk)
    state = page.current_workflow_state
    assert state is not None and state.workflow_id == workflow.pk
    assert page.title == "Acme damaged parcels"  # not published until the review approves it


def test_shared_templates_use_the_ops_review_workflow(spaces, shared_sop):
    workflow = shared_sop.get_workflow()
    assert workflow.name == "Shared playbooks review"
    assert list(workflow.tasks.get().specific.groups.values_list("name", flat=True)) == ["ops"]


def test_sop_editor_has_no_inline_script_for_the_review_date(client_for, seller_owner, spaces, acme_sop):
    html = client_for(seller_owner).get(f"/cms-admin/pages/{acme_sop.pk}/edit/").content.decode()
    assert 'type="date"' in html
    assert "initDateChooser" not in html


def test_the_admin_is_named_shiftdesk_shows_people_by_name_and_links_back_to_the_app(
    client_for, seller_owner, spaces, acme_sop
):
    seller_owner.full_name = "Alice Archer"
    seller_owner.save(update_fields=["full_name"])
    acme_sop.save_revision(user=seller_owner, log_action=True)
    client = client_for(seller_owner)
    home = client.get("/cms-admin/").content.decode()
    assert "<title>Dashboard - Shiftdesk</title>" in home
    assert '{"name": "Alice Archer", "avatarUrl": "/static/wagtailadmin/images/default-user-avatar.png' in home
    assert '"name": "back-to-app", "label": "Back to Shiftdesk"' in home
    assert '"url": "/playbooks/"' in home
    history = client.get(f"/cms-admin/pages/{acme_sop.pk}/history/").content.decode()
    assert "Alice Archer" in history
    assert "alice@acme.test" not in history  # the name, not the e-mail address
    seller_owner.full_name = ""
    seller_owner.save(update_fields=["full_name"])
    assert "alice@acme.test" in client.get(f"/cms-admin/pages/{acme_sop.pk}/history/").content.decode()


def test_the_admin_requests_no_avatar_from_another_site(client_for, seller_owner, spaces, acme_sop):
    acme_sop.save_revision(user=seller_owner, log_action=True)
    client = client_for(seller_owner)
    for url in ("/cms-admin/", f"/cms-admin/pages/{acme_sop.pk}/history/", "/cms-admin/account/"):
        body = client.get(url).content.decode()
        assert "gravatar" not in body, url
        assert "avatar" in body  # the avatar is there, drawn from our own static files
