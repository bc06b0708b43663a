"""Project-level pages: the home dashboard for each role and friendly error pages (JSON ones under /api/)."""

from __future__ import annotations

from django.shortcuts import render
from django.views import defaults

from accounts import selectors as account_selectors
from accounts.access import is_platform_staff, staff_groups
from marketplace.selectors import freelancer_profile_for

from . import api_errors


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


def error_400(request, exception=None):
    if api_errors.is_api_request(request):
        return api_errors.api_bad_request()
    return defaults.bad_request(request, exception)


def error_403(request, exception=None):
    if api_errors.is_api_request(request):
        return api_errors.api_forbidden(str(exception or ""))
    return render(request, "errors/403.html", {"reason": str(exception or "")}, status=403)


def error_404(request, exception=None):
    if api_errors.is_api_request(request):
        return api_errors.api_not_found()
    return render(request, "errors/404.html", status=404)


def error_500(request):
    if api_errors.is_api_request(request):
        return api_errors.api_server_error()
    return render(request, "errors/500.html", status=500)
