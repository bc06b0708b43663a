"""SOP links on review pages: only pages the viewer may read are linked, and each link shown opens."""

import re

import pytest
from django.urls import reverse

from marketplace.models import ContractStatus
from qa_scoring import services
from qa_scoring.models import Criterion
from tests.cms.factories import make_playbook, make_sop
from tests.qa_scoring.grades import MIXED

pytestmark = pytest.mark.django_db


@pytest.fixture
def greeting_sop(org, default_version):
    playbook = make_playbook(title="Acme playbook", slug="acme-playbook", organization=org)
    page = make_sop(playbook=playbook, title="Greet by name", slug="greet", summary="Use the name")
    Criterion.objects.filter(version=default_version, key="greeting").update(sop_page=page, sop_anchor="by-name")
    return page


@pytest.fixture
def submitted(reviewer, conversation, default_version, greeting_sop):
    review = services.review_start(actor=reviewer, conversation=conversation)
    return services.review_submit(actor=reviewer, review=review, grades=MIXED)


def sop_hrefs(html: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)">(?:read the SOP|What the SOP says|SOP)</a>', html)


def test_each_sop_link_shown_opens_for_the_viewer(client_for, freelancer, seller_owner, submitted):
    for user, url in [
        (freelancer, reverse("qa_scoring:my_reviews")),
        (freelancer, reverse("qa_scoring:review_detail", args=[submitted.pk])),
        (seller_owner, reverse("qa_scoring:review_detail", args=[submitted.pk])),
    ]:
        client = client_for(user)
        hrefs = sop_hrefs(client.get(url).content.decode())
        assert hrefs == ["/playbooks/acme-playbook/greet/#by-name"], url
        assert [client.get(h.split("#")[0]).status_code for h in hrefs] == [200]


def test_no_sop_link_once_the_freelancers_contract_ended(client_for, freelancer, contract, submitted):
    contract.status = ContractStatus.ENDED
    contract.save(update_fields=["status"])
    client = client_for(freelancer)
    assert client.get("/playbooks/acme-playbook/greet/").status_code == 404  # the page is no longer theirs to read
    assert sop_hrefs(client.get(reverse("qa_scoring:my_reviews")).content.decode()) == []
    assert sop_hrefs(client.get(reverse("qa_scoring:review_detail", args=[submitted.pk])).content.decode()) == []


def test_no_sop_link_on_the_scorecard_for_a_reviewer_without_access(client_for, reviewer, conversation, greeting_sop):
    """Platform QA reviewers may not read a seller's private playbook: the draft scorecard links no SOP."""
    review = services.review_start(actor=reviewer, conversation=conversation)
    client = client_for(reviewer)
    hrefs = sop_hrefs(client.get(reverse("qa_scoring:review_detail", args=[review.pk])).content.decode())
    assert [client.get(h.split("#")[0]).status_code for h in hrefs] == [200] * len(hrefs)


def test_a_breached_critical_criterion_links_its_sop_though_it_weighs_nothing(
    client_for, freelancer, reviewer, conversation, default_version, org
):
    """Critical criteria are gates (weight 0): breaching one loses the review, and its SOP section is linked."""
    from tests.qa_scoring.grades import PERFECT

    playbook = make_playbook(title="Acme rules", slug="acme-rules", organization=org)
    page = make_sop(playbook=playbook, title="No personal data", slug="no-data", summary="Never share contacts")
    Criterion.objects.filter(version=default_version, key="no_personal_data").update(sop_page=page, sop_anchor="data")
    assert Criterion.objects.get(version=default_version, key="no_personal_data").weight == 0
    review = services.review_start(actor=reviewer, conversation=conversation)
    review = services.review_submit(
        actor=reviewer, review=review, grades={**PERFECT, "no_personal_data": services.Grade(0)}
    )
    assert (review.score, review.critical_fail) == (0, True)
    html = client_for(freelancer).get(reverse("qa_scoring:review_detail", args=[review.pk])).content.decode()
    assert sop_hrefs(html) == ["/playbooks/acme-rules/no-data/#data"]
