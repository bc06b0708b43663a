"""Every write about playbooks: the page tree, per-seller editing spaces, template copies, reviews, reminders.

Per-seller Wagtail groups and page permissions follow the organizations without accounts importing cms:
``playbook_space_ensure`` is idempotent and runs (a) lazily when a seller opens the playbooks area and (b) for
every organization in the hourly ``cms.tasks.reconcile_playbook_spaces`` beat task, which also removes people
who are no longer owners/managers from the editing group.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.models import (
    GroupApprovalTask,
    GroupPagePermission,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from accounts.access import has_org_role, is_platform_staff, is_user
from accounts.audit import audit_record
from accounts.models import MANAGE_ROLES, Organization, User

from .models import (
    RESERVED_SLUGS,
    PageCopyLink,
    PlaybookIndexPage,
    PlaybookPage,
    PlaybookSpace,
    ReviewReminder,
    SOPPage,
)

# What a seller's editing group may do on its own playbooks; publishing goes through the review workflow.
SELLER_PAGE_PERMISSIONS = ("add_page", "change_page", "lock_page", "unlock_page")
# What platform ops may do on the shared templates.
OPS_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")
OPS_GROUP = "ops"
INDEX_SLUG = "playbooks"


def _page_permissions(codenames: tuple[str, ...]) -> list[Permission]:
    return list(Permission.objects.filter(content_type__app_label="wagtailcore", codename__in=codenames))


def _grant(group: Group, page: Page, permissions: list[Permission]) -> None:
    for permission in permissions:
        GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)


def _admin_access(group: Group) -> None:
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))


def _workflow_ensure(*, name: str, group: Group, page: Page) -> Workflow:
    """draft → review by ``group`` → publish, on ``page`` and its subtree."""
    workflow, _ = Workflow.objects.get_or_create(name=name, defaults={"active": True})
    task = GroupApprovalTask.objects.filter(name=f"{name}: approve").first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=f"{name}: approve")
    task.groups.add(group)
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=page, defaults={"workflow": workflow})
    return workflow


def _publish(page: Page, user: Any = None) -> None:
    page.save_revision(user=user if is_user(user) else None, log_action=False).publish(
        user=user if is_user(user) else None, log_action=False
    )


def _unique_slug(parent: Page, base: str) -> str:
    base = slugify(base)[:200] or "playbook"
    slug, n = base, 1
    while slug in RESERVED_SLUGS or parent.get_children().filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _tree_root_create() -> Page:
    """Wagtail's migrations create the tree root; a flushed database (transactional tests) may lack it."""
    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Locale

    locale, _ = Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    return Page.add_root(instance=Page(title="Root", slug="root", locale=locale))


@transaction.atomic
def playbooks_root_ensure() -> PlaybookIndexPage:
    """The one Playbooks index, live, as the root of the default Wagtail site; ops edit the shared templates."""
    index = PlaybookIndexPage.objects.first()
    if index is None:
        root = Page.get_first_root_node() or _tree_root_create()
        index = root.add_child(
            instance=PlaybookIndexPage(
                title="Playbooks",
                slug=_unique_slug(root, INDEX_SLUG),
                intro="Standard operating procedures for customer support.",
            )
        )
        _publish(index)
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost", port=80, root_page=index, is_default_site=True, site_name=settings.WAGTAIL_SITE_NAME
        )
    elif site.root_page_id != index.pk:
        site.root_page = index
        site.save(update_fields=["root_page"])
    ops, _ = Group.objects.get_or_create(name=OPS_GROUP)
    _admin_access(ops)
    _workflow_ensure(name="Shared playbooks review", group=ops, page=index)
    permissions = _page_permissions(OPS_PAGE_PERMISSIONS)
    for playbook in PlaybookPage.objects.filter(owner_organization__isnull=True):
        _grant(ops, playbook, permissions)
    return index


@transaction.atomic
def playbook_space_ensure(*, organization: Organization) -> PlaybookSpace:
    """Idempotent: the seller's editing group (its owners and managers, exactly), its default playbook, page
    permissions on every playbook it owns, and its review workflow."""
    index = playbooks_root_ensure()
    group, _ = Group.objects.get_or_create(name=f"Playbook editors: {organization.slug}")
    space, _ = PlaybookSpace.objects.get_or_create(organization=organization, defaults={"group": group})
    group = space.group
    _admin_access(group)
    editors = User.objects.filter(
        memberships__organization=organization, memberships__role__in=MANAGE_ROLES, is_active=True
    )
    group.user_set.set(editors)
    if space.playbook_id is None:
        playbook = PlaybookPage.objects.filter(owner_organization=organization).order_by("pk").first()
        if playbook is None:
            playbook = index.add_child(
                instance=PlaybookPage(
                    title=f"{organization.name} playbook",
                    slug=_unique_slug(index, organization.slug),
                    owner_organization=organization,
                    description=f"Procedures specific to {organization.name}.",
                )
            )
            _publish(playbook)
        space.playbook = playbook
        space.save(update_fields=["playbook"])
    permissions = _page_permissions(SELLER_PAGE_PERMISSIONS)
    for playbook in PlaybookPage.objects.filter(owner_organization=organization):
        _grant(group, playbook, permissions)
        _workflow_ensure(name=f"{organization.name} ({organization.slug}) review", group=group, page=playbook)
    return space


def playbook_spaces_reconcile() -> int:
    """Run ``playbook_space_ensure`` for every organization; returns how many were checked."""
    playbooks_root_ensure()
    n = 0
    for organization in Organization.objects.order_by("pk"):
        playbook_space_ensure(organization=organization)
        n += 1
    return n


def _require_manager(actor: Any, organization: Organization) -> None:
    if not is_user(actor) or not has_org_role(actor, organization, MANAGE_ROLES):
        raise PermissionDenied("Only an owner or manager of this organization can do that.")


def playbook_copy_template(
    *, actor: Any, template: PlaybookPage, organization: Organization, title: str = ""
) -> tuple[PlaybookPage, bool]:
    """Copy a shared template (and its SOP pages) into a new playbook owned by ``organization``.

    Returns ``(playbook, created)``. A seller holds one copy per template: when it exists already (a second
    click, or a double submit that lost the race on the unique constraint) that copy comes back, unchanged.
    Each copied page remembers its origin (PageCopyLink), so later template edits are flagged on the copy.
    """
    _require_manager(actor, organization)
    existing = template_copy_of(template=template, organization=organization)
    if existing is not None:
        return existing, False
    try:
        return _playbook_copy(actor=actor, template=template, organization=organization, title=title), True
    except IntegrityError:
        existing = template_copy_of(template=template, organization=organization)
        if existing is None:
            raise
        return existing, False


def template_copy_of(*, template: Page, organization: Organization) -> PlaybookPage | None:
    link = PageCopyLink.objects.filter(origin=template, organization=organization).select_related("page").first()
    return link.page.specific if link else None


@transaction.atomic
def _playbook_copy(*, actor: Any, template: PlaybookPage, organization: Organization, title: str) -> PlaybookPage:
    if template.owner_organization_id is not None or not template.live:
        raise ValidationError({"template": _("Only published shared templates can be copied.")})
    index = template.get_parent()
    title = (title or "").strip() or f"{organization.name}: {template.title}"
    if len(title) > 255:
        raise ValidationError({"title": _("Keep the title under 255 characters.")})
    now = timezone.now()
    copy = template.copy(
        recursive=True,
        to=index,
        update_attrs={
            "title": title,
            "draft_title": title,
            "slug": _unique_slug(index, title),  # the address follows the title
            "owner_organization": organization,
        },
        copy_revisions=False,
        keep_live=True,
        user=actor,
    ).specific
    # The claim: a concurrent copy of the same template for the same seller fails here and rolls back whole.
    PageCopyLink.objects.create(page=copy, origin=template, organization=organization, synced_at=now)
    originals = {p.slug: p for p in template.get_children()}
    for child in copy.get_children():
        if child.slug in originals:
            PageCopyLink.objects.create(page=child, origin=originals[child.slug], synced_at=now)
    playbook_space_ensure(organization=organization)
    audit_record(
        actor=actor,
        action="playbook.copied",
        target=copy,
        organization=organization,
        data={"template_id": template.pk, "template": template.title},
    )
    return copy


@transaction.atomic
def page_copy_acknowledge(*, actor: Any, link: PageCopyLink) -> PageCopyLink:
    """The editor has looked at the template's changes: the copy counts as in step again."""
    playbook = _owning_playbook(link.page)
    if playbook is None or playbook.owner_organization is None:
        raise PermissionDenied("Only copies in a seller's playbook can be acknowledged.")
    _require_manager(actor, playbook.owner_organization)
    link.synced_at = timezone.now()
    link.full_clean()
    link.save(update_fields=["synced_at"])
    audit_record(
        actor=actor, action="playbook.copy_acknowledged", target=link.page, organization=playbook.owner_organization
    )
    return link


def _owning_playbook(page: Page) -> PlaybookPage | None:
    page = page.specific
    if isinstance(page, PlaybookPage):
        return page
    parent = page.get_parent()
    return parent.specific if parent and isinstance(parent.specific, PlaybookPage) else None


def can_maintain(actor: Any, page: SOPPage) -> bool:
    """Owners/managers of the owning seller, or platform ops for shared templates."""
    playbook = _owning_playbook(page)
    if playbook is None or not is_user(actor):
        return False
    if playbook.owner_organization_id is None:
        return is_platform_staff(actor, "ops")
    return has_org_role(actor, playbook.owner_organization_id, MANAGE_ROLES)


@transaction.atomic
def sop_page_reverify(*, actor: Any, page: SOPPage, today: dt.date | None = None) -> SOPPage:
    """Confirm a procedure is still right: review-by moves to today + SOP_REVIEW_INTERVAL_DAYS.

    The date is also written into the latest revision so publishing an older draft does not bring it back.
    """
    if not can_maintain(actor, page):
        raise PermissionDenied("You cannot re-verify this page.")
    page = SOPPage.objects.select_for_update().get(pk=page.pk)
    today = today or timezone.now().date()
    page.review_by = today + dt.timedelta(days=settings.SOP_REVIEW_INTERVAL_DAYS)
    page.reviewed_at = timezone.now()
    page.full_clean()
    SOPPage.objects.filter(pk=page.pk).update(review_by=page.review_by, reviewed_at=page.reviewed_at)
    for revision in page.revisions.filter(pk__gte=page.live_revision_id or 0):
        revision.content["review_by"] = page.review_by.isoformat()
        revision.save(update_fields=["content"])
    playbook = _owning_playbook(page)
    audit_record(
        actor=actor,
        action="sop_page.reverified",
        target=page,
        organization=playbook.owner_organization if playbook else None,
        data={"review_by": page.review_by},
    )
    return page


def _week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _recipients_for(playbook: PlaybookPage) -> list[str]:
    if playbook.owner_organization_id is None:
        users = User.objects.filter(Q(groups__name=OPS_GROUP) | Q(is_superuser=True), is_active=True)
    else:
        users = User.objects.filter(
            memberships__organization_id=playbook.owner_organization_id,
            memberships__role__in=MANAGE_ROLES,
            is_active=True,
        )
    return sorted(set(users.values_list("email", flat=True)))


def review_reminders_send(*, today: dt.date | None = None) -> int:
    """E-mail the people who look after each live SOP page past its review-by date, at most once per page per
    week. The ReviewReminder row (unique per page and week) is the claim, so reruns and concurrent runs send
    nothing twice. Returns the number of pages reminded in this run."""
    today = today or timezone.now().date()
    period = _week_start(today)
    overdue = (
        SOPPage.objects.live().filter(review_by__lt=today).exclude(review_reminders__period=period).order_by("path")
    )
    by_recipient: dict[str, list[SOPPage]] = {}
    reminded = 0
    for page in overdue:
        with transaction.atomic():
            _, created = ReviewReminder.objects.get_or_create(
                page=page, period=period, defaults={"review_by": page.review_by}
            )
        if not created:
            continue
        reminded += 1
        playbook = _owning_playbook(page)
        if playbook is None:
            continue
        for email in _recipients_for(playbook):
            by_recipient.setdefault(email, []).append(page)
    for email, pages in by_recipient.items():
        from .selectors import serve_path

        links = [(p, settings.SITE_URL.rstrip("/") + serve_path(p)) for p in pages]
        body = render_to_string("cms/email/review_reminder.txt", {"links": links, "today": today})
        send_mail(
            f"[Shiftdesk] {len(pages)} SOP page{'s' if len(pages) != 1 else ''} to re-verify",
            body,
            settings.DEFAULT_FROM_EMAIL,
            [email],
        )
    return reminded
