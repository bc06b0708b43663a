"""Reads of playbooks, scoped from the actor.

Shared templates (no owner organization) are readable by approved freelancers, platform staff and every seller
member; a seller's playbooks by its members and by freelancers with an *active* contract with it (the contract
check is a subquery, so access goes the moment the contract ends). Only live pages are ever read here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import django_filters
from django.db.models import Exists, F, Q, QuerySet, Value
from django.db.models.functions import Length, Substr
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page

from accounts.access import is_platform_staff, is_user, organization_ids, register_scope, scoped
from accounts.models import MANAGE_ROLES, Organization
from marketplace.models import Contract, ContractStatus, FreelancerProfile, VettingStatus

from .models import PageCopyLink, PlaybookIndexPage, PlaybookPage, PlaybookSpace, ReviewReminder, SOPPage


def _playbook_visibility(actor: Any) -> Q:
    if is_user(actor) and actor.is_superuser:
        return Q()
    org_ids = organization_ids(actor)
    own = Q(owner_organization_id__in=org_ids)
    if org_ids or is_platform_staff(actor):
        shared = Q(owner_organization__isnull=True)
    elif is_user(actor):
        approved = FreelancerProfile.objects.filter(user_id=actor.pk, vetting_status=VettingStatus.APPROVED)
        shared = Q(owner_organization__isnull=True) & Q(Exists(approved))
    else:
        shared = Q(pk__in=[])
    if is_user(actor):
        contracted = Contract.objects.filter(freelancer__user_id=actor.pk, status=ContractStatus.ACTIVE).values(
            "organization_id"
        )
        own |= Q(owner_organization_id__in=contracted)
    return shared | own


@register_scope(PlaybookIndexPage)
def _indexes(actor: Any) -> QuerySet[PlaybookIndexPage]:
    return PlaybookIndexPage.objects.live()


@register_scope(PlaybookPage)
def _playbooks(actor: Any) -> QuerySet[PlaybookPage]:
    return PlaybookPage.objects.live().filter(_playbook_visibility(actor)).select_related("owner_organization")


@register_scope(SOPPage)
def _sop_pages(actor: Any) -> QuerySet[SOPPage]:
    # A SOP page's parent is always a playbook (parent_page_types), so its parent path is its playbook's path.
    visible_paths = scoped(PlaybookPage, actor).values("path")
    return (
        SOPPage.objects.live()
        .annotate(_parent_path=Substr("path", 1, Length("path") - Value(Page.steplen)))
        .filter(_parent_path__in=visible_paths)
    )


@register_scope(PageCopyLink)
def _copy_links(actor: Any) -> QuerySet[PageCopyLink]:
    visible = Q(page__in=scoped(PlaybookPage, actor).values("pk")) | Q(page__in=scoped(SOPPage, actor).values("pk"))
    return PageCopyLink.objects.filter(visible).select_related("origin")


@register_scope(PlaybookSpace)
def _spaces(actor: Any) -> QuerySet[PlaybookSpace]:
    return PlaybookSpace.objects.filter(organization_id__in=organization_ids(actor, MANAGE_ROLES))


@register_scope(ReviewReminder)
def _reminders(actor: Any) -> QuerySet[ReviewReminder]:
    return ReviewReminder.objects.filter(page__in=editable_sop_pages(actor=actor).values("pk"))


def serve_path(page: Page) -> str:
    """The public path of a playbook page without a query: the index is mounted at /playbooks/."""
    parts = page.url_path.strip("/").split("/")[1:]
    return reverse("wagtail_serve", args=["/".join(parts) + "/" if parts else ""])


class PlaybookFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label="Title contains")
    kind = django_filters.ChoiceFilter(
        choices=[("shared", "Shared templates"), ("own", "Seller playbooks")], method="filter_kind", label="Kind"
    )

    class Meta:
        model = PlaybookPage
        fields = ["q", "kind"]

    def filter_kind(self, queryset, name, value):
        return queryset.filter(owner_organization__isnull=(value == "shared"))


def playbook_list(*, actor: Any, filters: dict | None = None) -> QuerySet[PlaybookPage]:
    qs = scoped(PlaybookPage, actor).order_by(F("owner_organization").asc(nulls_first=True), "title")
    if filters is not None:
        qs = PlaybookFilter(filters, queryset=qs).qs
    return qs


def playbook_filter(*, actor: Any, filters: dict) -> PlaybookFilter:
    qs = scoped(PlaybookPage, actor).order_by(F("owner_organization").asc(nulls_first=True), "title")
    return PlaybookFilter(filters, queryset=qs)


def sop_page_list(*, actor: Any, playbook: PlaybookPage) -> QuerySet[SOPPage]:
    return scoped(SOPPage, actor).child_of(playbook).prefetch_related("tags").select_related("owner").order_by("path")


def sop_search(*, actor: Any, query: str):
    """Wagtail search restricted to the SOP pages the actor may read (ids computed first, one query)."""
    query = (query or "").strip()
    if not query:
        return SOPPage.objects.none()
    ids = list(scoped(SOPPage, actor).values_list("pk", flat=True))
    return SOPPage.objects.live().filter(pk__in=ids).search(query)


def playbook_templates(*, actor: Any) -> QuerySet[PlaybookPage]:
    return scoped(PlaybookPage, actor).filter(owner_organization__isnull=True).order_by("title")


def editable_sop_pages(*, actor: Any) -> QuerySet[SOPPage]:
    """SOP pages (live or draft) the actor is responsible for: its organizations' (owners/managers), or the shared
    ones for platform ops."""
    if not is_user(actor):
        return SOPPage.objects.none()
    playbooks = PlaybookPage.objects.filter(owner_organization_id__in=organization_ids(actor, MANAGE_ROLES))
    if is_platform_staff(actor, "ops"):
        playbooks = PlaybookPage.objects.filter(
            Q(owner_organization_id__in=organization_ids(actor, MANAGE_ROLES)) | Q(owner_organization__isnull=True)
        )
    return SOPPage.objects.annotate(_parent_path=Substr("path", 1, Length("path") - Value(Page.steplen))).filter(
        _parent_path__in=playbooks.values("path")
    )


def overdue_sop_pages(
    *, actor: Any, organization: Organization | None = None, today: dt.date | None = None
) -> QuerySet[SOPPage]:
    """Pages past their review-by date that the actor looks after (one organization's, or shared when None)."""
    today = today or timezone.now().date()
    qs = editable_sop_pages(actor=actor).filter(review_by__lt=today)
    if organization is not None:
        paths = PlaybookPage.objects.filter(owner_organization=organization).values("path")
    else:
        paths = PlaybookPage.objects.filter(owner_organization__isnull=True).values("path")
    return qs.filter(_parent_path__in=paths).order_by("review_by", "title")


def copy_links_for(*, actor: Any, pages: Iterable[Page]) -> dict[int, PageCopyLink]:
    ids = [p.pk for p in pages]
    return {link.page_id: link for link in PageCopyLink.objects.filter(page_id__in=ids).select_related("origin")}


@dataclass(frozen=True)
class SopLink:
    title: str
    url: str


def sop_links_for_criteria(criteria: Iterable[Any], actor: Any) -> dict[int, SopLink]:
    """{criterion pk: SopLink} for criteria whose SOP page the actor may read; one query whatever the count.

    A criterion has ``sop_page_id`` (a Wagtail page, may be null) and an optional ``sop_anchor``.
    """
    criteria = [c for c in criteria if getattr(c, "sop_page_id", None)]
    if not criteria:
        return {}
    pages = {
        p.pk: p
        for p in scoped(SOPPage, actor)
        .filter(pk__in={c.sop_page_id for c in criteria})
        .only("pk", "title", "url_path", "path")
    }
    links = {}
    for c in criteria:
        page = pages.get(c.sop_page_id)
        if page is None:
            continue
        anchor = (getattr(c, "sop_anchor", "") or "").strip().lstrip("#")
        links[c.pk] = SopLink(title=page.title, url=serve_path(page) + (f"#{anchor}" if anchor else ""))
    return links


@dataclass(frozen=True)
class CoachingItem:
    key: str
    label: str
    mean_percent: int
    rated: int
    link: SopLink | None


def coaching_for(*, actor: Any, since: dt.datetime | None = None, limit: int = 5) -> list[CoachingItem]:
    """The freelancer's weakest criteria (lowest mean criterion score over their submitted production reviews,
    only criteria that lost points) with the SOP section that teaches each. A fixed number of queries."""
    from django.db.models import Avg, Count, ExpressionWrapper, FloatField, Max

    from qa_scoring.models import Criterion, CriterionScore, ReviewKind, ReviewStatus

    if not is_user(actor):
        return []
    scores = scoped(CriterionScore, actor).filter(
        review__conversation__freelancer__user_id=actor.pk,
        review__status=ReviewStatus.SUBMITTED,
        review__kind=ReviewKind.PRODUCTION,
        value__isnull=False,
    )
    if since is not None:
        scores = scores.filter(review__submitted_at__gte=since)
    normalised = ExpressionWrapper(
        (F("value") - F("criterion__scale_min")) * Value(1.0) / (F("criterion__scale_max") - F("criterion__scale_min")),
        output_field=FloatField(),
    )
    rows = list(
        scores.order_by()
        .values("criterion__key")
        .annotate(mean=Avg(normalised), rated=Count("pk"), latest=Max("criterion_id"))
        .filter(mean__lt=1)
        .order_by("mean", "criterion__key")[:limit]
    )
    criteria = {c.pk: c for c in Criterion.objects.filter(pk__in=[r["latest"] for r in rows])}
    links = sop_links_for_criteria(criteria.values(), actor)
    return [
        CoachingItem(
            key=r["criterion__key"],
            label=criteria[r["latest"]].label,
            mean_percent=round(r["mean"] * 100),
            rated=r["rated"],
            link=links.get(r["latest"]),
        )
        for r in rows
    ]
