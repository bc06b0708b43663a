"""Demo data for playbooks: the shared starter playbook and Northwind Goods' copy. Idempotent."""

from __future__ import annotations

from accounts.models import Organization, Role, User

from . import services
from .models import PageCopyLink, PlaybookPage, SOPPage
from .starter_content import SOPS, STARTER_DESCRIPTION, STARTER_SLUG, STARTER_TITLE


def _starter_playbook() -> PlaybookPage:
    index = services.playbooks_root_ensure()
    playbook = PlaybookPage.objects.child_of(index).filter(slug=STARTER_SLUG).first()
    if playbook is None:
        playbook = index.add_child(
            instance=PlaybookPage(
                title=STARTER_TITLE,
                slug=STARTER_SLUG,
                description=STARTER_DESCRIPTION,
                channels=["amazon", "shopify", "ebay", "email"],
            )
        )
        playbook.save_revision().publish()
    existing = set(SOPPage.objects.child_of(playbook).values_list("slug", flat=True))
    for slug, title, summary, tags, body in SOPS:
        if slug in existing:
            continue
        page = playbook.add_child(instance=SOPPage(title=title, slug=slug, summary=summary, body=body))
        page.tags.add(*tags)
        page.save_revision().publish()
    playbook.refresh_from_db()
    return playbook


def seed(out) -> list[tuple[str, str]]:
    """Return extra (role, e-mail) demo logins to print, if any."""
    template = _starter_playbook()
    services.playbook_spaces_reconcile()
    northwind = Organization.objects.filter(slug="northwind-goods").first()
    if northwind is not None:
        already = PageCopyLink.objects.filter(
            origin=template, page__in=PlaybookPage.objects.filter(owner_organization=northwind).values("pk")
        ).exists()
        owner = User.objects.filter(memberships__organization=northwind, memberships__role=Role.OWNER).first()
        if not already and owner is not None:
            services.playbook_copy_template(
                actor=owner, template=template, organization=northwind, title="Northwind Goods support playbook"
            )
    out.write(f"Playbooks: {PlaybookPage.objects.count()} playbooks, {SOPPage.objects.count()} SOP pages.")
    return []
