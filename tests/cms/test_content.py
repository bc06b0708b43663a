"""SOP page blocks, rendering under a strict CSP, the starter content and the demo seed."""

from __future__ import annotations

import io
import re

import pytest
from django.core.exceptions import ValidationError
from wagtail.blocks import StructBlockValidationError

from cms import demo
from cms.blocks import CannedReplyBlock, unknown_placeholders
from cms.models import PageCopyLink, PlaybookPage, SOPPage
from cms.starter_content import CRITERION_SECTIONS, SOPS
from tests.accounts.factories import MembershipFactory, OrganizationFactory
from tests.cms.factories import make_sop

pytestmark = pytest.mark.django_db

BODY = [
    ("section", {"heading": "Refunds", "anchor": "refunds"}),
    ("step", {"title": "Open the order", "detail": ""}),
    ("step", {"title": "Check the window", "detail": ""}),
    ("decision", {"condition": "inside the window", "action": "Approve", "otherwise": "Escalate"}),
    ("canned_reply", {"title": "Approved", "text": 'Hi {customer_name}, order {order_id} "approved".'}),
    ("do_dont", {"do": ["Be kind"], "dont": ["Share e-mail addresses"]}),
    ("escalation", {"when": "Above limit", "to_whom": "Support lead", "within_hours": 24, "how": ""}),
    ("note", {"kind": "warning", "text": "Mind the limit."}),
    ("section", {"heading": "After", "anchor": ""}),
    ("step", {"title": "Confirm with the buyer", "detail": ""}),
]


def test_sop_page_renders_every_block_without_inline_script_or_style(client_for, seller_owner, acme_playbook):
    page = make_sop(playbook=acme_playbook, title="Refunds", slug="refunds", body=BODY)
    response = client_for(seller_owner).get("/playbooks/acme-playbook/refunds/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h2 id="refunds">Refunds</h2>' in html
    numbers = re.findall(r'<span class="sop-step-number">(\d+)\.</span>', html)
    assert numbers == ["1", "2", "1"]  # numbering restarts after a section
    assert "<strong>If</strong> inside the window" in html
    assert 'data-copy-text="Hi {customer_name}, order {order_id} &quot;approved&quot;."' in html
    assert "<dd>24 hours</dd>" in html
    assert "Warning:" in html
    assert "/static/js/cms.js" in html
    assert "<script>" not in html and " style=" not in html and not re.search(r"\son[a-z]+=", html)
    assert page.anchors() == ["refunds"]


def test_unknown_placeholders_are_refused_inline():
    assert unknown_placeholders("Hi {customer_name} {custmer}") == ["custmer"]
    with pytest.raises(StructBlockValidationError) as exc:
        CannedReplyBlock().clean({"title": "x", "text": "Hi {custmer_name}"})
    assert "Unknown placeholder(s): {custmer_name}" in str(exc.value.block_errors["text"])


def test_channels_must_be_known(shared_playbook):
    shared_playbook.channels = ["amazon", "myspace"]
    with pytest.raises(ValidationError) as exc:
        shared_playbook.full_clean()
    assert "channels" in exc.value.message_dict
    assert PlaybookPage.objects.get(pk=shared_playbook.pk).channels == ["amazon"]


def test_starter_content_is_valid_and_covers_the_topics():
    from cms.blocks import SOPStreamBlock

    block = SOPStreamBlock()
    anchors = {}
    for slug, _title, _summary, _tags, body in SOPS:
        value = block.to_python([{"type": t, "value": v} for t, v in body])
        block.clean(value)  # raises on any invalid block
        anchors[slug] = {v["anchor"] for t, v in body if t == "section" and v["anchor"]}
    for key, (slug, anchor) in CRITERION_SECTIONS.items():
        assert anchor in anchors[slug], key
    text = " ".join(str(s) for s in SOPS).lower()
    for topic in [
        "24 hours",
        "delivered",
        "damaged",
        "refund",
        "a-to-z",
        "feedback",
        "e-mail addresses",
        "review",
        "confirms",
        "calm",
    ]:
        assert topic in text, topic


def test_demo_seed_is_idempotent_and_copies_the_template_for_northwind(db):
    org = OrganizationFactory(name="Northwind Goods", slug="northwind-goods")
    MembershipFactory(user__email="owner@northwind.example", organization=org, role="owner")
    demo.seed(io.StringIO())
    counts = (PlaybookPage.objects.count(), SOPPage.objects.count(), PageCopyLink.objects.count())
    demo.seed(io.StringIO())
    assert (PlaybookPage.objects.count(), SOPPage.objects.count(), PageCopyLink.objects.count()) == counts
    starter = PlaybookPage.objects.get(slug="ecommerce-support-starter")
    assert starter.owner_organization is None
    assert SOPPage.objects.child_of(starter).live().count() == len(SOPS)
    copy = PlaybookPage.objects.get(title="Northwind Goods support playbook")
    assert copy.owner_organization == org
    assert SOPPage.objects.child_of(copy).count() == len(SOPS)
    assert PageCopyLink.objects.filter(page__in=SOPPage.objects.child_of(copy)).count() == len(SOPS)
