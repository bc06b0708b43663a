"""Criterion → SOP links: visibility, anchors, page moves, deletion, and the freelancer's coaching view."""

from __future__ import annotations

import pytest
from django.utils import timezone

from cms import selectors
from qa_scoring.models import Criterion, CriterionScore, Review, ReviewKind, ReviewStatus
from tests.cms.factories import make_playbook, make_sop
from tests.qa_scoring.factories import ConversationFactory, CriterionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def criterion(acme_sop):
    return CriterionFactory(label="Offers a refund within authority", sop_page=acme_sop, sop_anchor="refunds")


def test_link_with_anchor_for_viewers_who_may_read_the_page(criterion, seller_owner, outsider, freelancer, contract):
    expected = selectors.SopLink(title="Acme damaged parcels", url="/playbooks/acme-playbook/acme-damaged/#refunds")
    assert selectors.sop_links_for_criteria([criterion], seller_owner) == {criterion.pk: expected}
    assert selectors.sop_links_for_criteria([criterion], freelancer) == {criterion.pk: expected}
    assert selectors.sop_links_for_criteria([criterion], outsider) == {}


def test_link_survives_page_moves(criterion, seller_owner, org, acme_sop):
    other = make_playbook(title="Acme returns", slug="acme-returns", organization=org)
    acme_sop.move(other, pos="last-child")
    criterion.refresh_from_db()
    assert criterion.sop_page_id == acme_sop.pk
    links = selectors.sop_links_for_criteria([criterion], seller_owner)
    assert links[criterion.pk].url == "/playbooks/acme-returns/acme-damaged/#refunds"


def test_deleting_the_sop_page_clears_the_link_and_keeps_the_criterion(criterion, seller_owner, acme_sop):
    acme_sop.delete()
    criterion = Criterion.objects.get(pk=criterion.pk)
    assert criterion.sop_page_id is None
    criterion.full_clean()
    assert selectors.sop_links_for_criteria([criterion], seller_owner) == {}


def test_links_cost_the_same_queries_for_many_criteria(django_assert_num_queries, seller_owner, acme_playbook):
    pages = [make_sop(playbook=acme_playbook, title=f"SOP {n}", slug=f"sop-{n}") for n in range(4)]
    few = [CriterionFactory(sop_page=pages[0])]
    with django_assert_num_queries(2):  # role map + pages
        assert len(selectors.sop_links_for_criteria(few, seller_owner)) == 1
    many = [CriterionFactory(sop_page=p) for p in pages] + [CriterionFactory()]
    seller_owner.__dict__.pop("_role_map_cache", None)
    with django_assert_num_queries(2):
        assert len(selectors.sop_links_for_criteria(many, seller_owner)) == 4


def test_sop_link_include_renders(criterion, seller_owner):
    from django.template.loader import render_to_string

    link = selectors.sop_links_for_criteria([criterion], seller_owner)[criterion.pk]
    html = render_to_string("cms/includes/sop_link.html", {"link": link})
    assert html.strip() == (
        '<a href="/playbooks/acme-playbook/acme-damaged/#refunds" class="sop-link">'
        "Read the SOP: Acme damaged parcels</a>"
    )
    assert render_to_string("cms/includes/sop_link.html", {"link": None}).strip() == ""


def _review(*, conversation, reviewer, scores, version):
    review = Review.objects.create(
        conversation=conversation,
        rubric_version=version,
        reviewer=reviewer,
        kind=ReviewKind.PRODUCTION,
        status=ReviewStatus.SUBMITTED,
        submitted_at=timezone.now(),
    )
    CriterionScore.objects.bulk_create([CriterionScore(review=review, criterion=c, value=v) for c, v in scores])
    return review


def test_coaching_lists_weakest_criteria_with_their_sop(
    client_for, freelancer, freelancer_profile, contract, org, reviewer, staff, acme_sop, shared_sop
):
    refund = CriterionFactory(label="Refund within authority", sop_page=acme_sop, sop_anchor="refunds")
    version = refund.version
    closing = CriterionFactory(
        label="Confirms satisfaction",
        section=refund.section,
        sop_page=shared_sop,
        kind="scale",
        scale_min=1,
        scale_max=5,
    )
    greeting = CriterionFactory(label="Greets by name", section=refund.section)
    c1 = ConversationFactory(organization=org, freelancer=freelancer_profile, contract=contract)
    c2 = ConversationFactory(organization=org, freelancer=freelancer_profile, contract=contract)
    _review(conversation=c1, reviewer=reviewer, version=version, scores=[(refund, 0), (closing, 4), (greeting, 1)])
    _review(conversation=c2, reviewer=staff, version=version, scores=[(refund, 1), (closing, 2), (greeting, 1)])

    items = selectors.coaching_for(actor=freelancer)
    # Both average 50 % (refund 0 and 1 of 0..1; closing 4 and 2 of 1..5); ties are ordered by key.
    assert sorted((i.label, i.mean_percent, i.rated) for i in items) == [
        ("Confirms satisfaction", 50, 2),
        ("Refund within authority", 50, 2),
    ]
    urls = {i.label: i.link.url for i in items}
    assert urls == {
        "Refund within authority": "/playbooks/acme-playbook/acme-damaged/#refunds",
        "Confirms satisfaction": "/playbooks/starter/refunds/",
    }
    body = client_for(freelancer).get("/playbooks/coaching/").content.decode()
    assert 'href="/playbooks/acme-playbook/acme-damaged/#refunds"' in body
    assert "Greets by name" not in body


def test_coaching_hides_sop_links_once_the_contract_ends(
    freelancer, freelancer_profile, contract, org, reviewer, acme_sop
):
    refund = CriterionFactory(label="Refund within authority", sop_page=acme_sop)
    conv = ConversationFactory(organization=org, freelancer=freelancer_profile, contract=contract)
    _review(conversation=conv, reviewer=reviewer, version=refund.version, scores=[(refund, 0)])
    contract.status = "ended"
    contract.save()
    items = selectors.coaching_for(actor=freelancer)
    assert [(i.label, i.link) for i in items] == [("Refund within authority", None)]


def test_coaching_empty_state(client_for, freelancer_no_contract):
    response = client_for(freelancer_no_contract).get("/playbooks/coaching/")
    assert response.status_code == 200
    assert "No lost points yet" in response.content.decode()
