"""The QA operations menu: only the pages the user may open, so no link answers 403."""

from __future__ import annotations

from typing import Any, NamedTuple

from django.urls import reverse

from accounts.access import is_user, organization_ids
from qa_scoring.selectors import REVIEW_ROLES, is_qa_staff


class NavLink(NamedTuple):
    label: str
    url: str


def qa_ops_links(actor: Any) -> list[NavLink]:
    """QA staff and a seller's owners, managers and reviewers get the reviewing pages; a seller's viewer gets the
    dashboards; a freelancer (with no seller role) gets their own QA trend only."""
    if not is_user(actor):
        return []
    staff = is_qa_staff(actor)
    members = organization_ids(actor)
    if not staff and not members:
        return [NavLink("My QA trend", reverse("qa_ops:dashboard"))]
    links = []
    if staff or organization_ids(actor, REVIEW_ROLES):
        links += [
            NavLink("My assignments", reverse("qa_ops:my_assignments")),
            NavLink("Assignments", reverse("qa_ops:assignment_list")),
            NavLink("Overdue", reverse("qa_ops:overdue")),
            NavLink("Sampling rules", reverse("qa_ops:rule_list")),
            NavLink("AutoQA agreement", reverse("qa_ops:autoqa")),
            NavLink("Calibration", reverse("qa_ops:session_list")),
        ]
    links.append(NavLink("Dashboards", reverse("qa_ops:dashboard")))
    return links
