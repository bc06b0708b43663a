from __future__ import annotations

from django import template
from django.conf import settings

from cms import selectors
from cms.models import PageCopyLink

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``{{ mapping|get_item:key }}`` for dicts such as ``sop_links_for_criteria`` results."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.inclusion_tag("cms/includes/copy_notice.html")
def sop_copy_notice(page):
    link = PageCopyLink.objects.filter(page_id=page.pk).select_related("origin").first()
    return {"link": link}


@register.inclusion_tag("cms/includes/review_panel.html", takes_context=True)
def playbook_review_panel(context, organization=None):
    """Pages past their review-by date for the viewer: one seller's (organization) or the shared templates."""
    request = context.get("request")
    user = getattr(request, "user", None)
    rows = []
    if user is not None and user.is_authenticated:
        pages = list(selectors.overdue_sop_pages(actor=user, organization=organization)[:10])
        rows = [(p, selectors.serve_path(p)) for p in pages]
    return {"rows": rows, "organization": organization, "interval": settings.SOP_REVIEW_INTERVAL_DAYS}


@register.simple_tag(takes_context=True)
def shared_overdue_count(context) -> int:
    """How many shared SOP pages are past their review-by date (for platform ops)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return selectors.overdue_sop_pages(actor=user, organization=None).count()
