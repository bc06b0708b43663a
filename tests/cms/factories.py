"""Builders for playbook pages (Wagtail pages are added to the tree, not created flat)."""

from __future__ import annotations

import datetime as dt

from cms import services
from cms.models import PlaybookPage, SOPPage


def publish(page):
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def make_playbook(*, title: str, organization=None, slug: str | None = None, live: bool = True) -> PlaybookPage:
    index = services.playbooks_root_ensure()
    page = index.add_child(
        instance=PlaybookPage(
            title=title,
            slug=slug or title.lower().replace(" ", "-"),
            owner_organization=organization,
            channels=["amazon"],
            live=live,
        )
    )
    return publish(page) if live else page


def make_sop(
    *,
    playbook: PlaybookPage,
    title: str,
    slug: str | None = None,
    body=None,
    review_by: dt.date = dt.date(2030, 1, 1),
    live: bool = True,
    summary: str = "",
) -> SOPPage:
    page = playbook.add_child(
        instance=SOPPage(
            title=title,
            slug=slug or title.lower().replace(" ", "-"),
            body=body or [("step", {"title": "Read the order", "detail": "Open the order first."})],
            review_by=review_by,
            summary=summary,
            live=live,
        )
    )
    return publish(page) if live else page
