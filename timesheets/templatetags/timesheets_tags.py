from __future__ import annotations

from django import template

from timesheets.hours import format_minutes

register = template.Library()


@register.filter
def minutes(value) -> str:
    """``125`` → ``2 h 05 min``."""
    return format_minutes(value)


@register.inclusion_tag("timesheets/_seller_panel.html", takes_context=True)
def seller_time_panel(context) -> dict:
    """Pending timesheets and late/missed shifts of the current organization (dashboard panel)."""
    from timesheets import selectors

    request = context.get("request")
    org = getattr(request, "organization", None) if request else None
    if org is None:
        return {"organization": None}
    pending = selectors.pending_approvals(actor=request.user, organization_id=org.pk).count()
    flagged = selectors.flagged_shifts(actor=request.user, organization_id=org.pk)
    return {"organization": org, "pending": pending, "flagged": flagged}
