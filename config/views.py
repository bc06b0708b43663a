"""Project-level pages: the home dashboard for each role and friendly error pages."""

from __future__ import annotations

from django.shortcuts import render

from accounts import selectors as account_selectors
from accounts.access import is_platform_staff, staff_groups
from marketplace.selectors import freelancer_profile_for


def home(request):
    user = request.user
    if not user.is_authenticated:
        return render(request, "home/landing.html")
    context: dict = {"panels": []}
    org = request.organization
    if org is not None:
        context["organization"] = org
        context["members"] = account_selectors.organization_members(actor=user, organization=org)
        context["can_admin"] = account_selectors.can_admin_organization(user, org)
    profile = freelancer_profile_for(user)
    if profile is not None:
        context["profile"] = profile
    if is_platform_staff(user):
        context["staff_groups"] = sorted(staff_groups(user))
    return render(request, "home/dashboard.html", context)


def error_403(request, exception=None):
    return render(request, "errors/403.html", {"reason": str(exception or "")}, status=403)


def error_404(request, exception=None):
    return render(request, "errors/404.html", status=404)


def error_500(request):
    return render(request, "errors/500.html", status=500)
