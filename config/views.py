"""Project-level pages: the home dashboard for each role and friendly error pages (JSON ones under /api/)."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import render
from django.utils import timezone
from django.views import defaults

from accounts import selectors as account_selectors
from accounts.access import has_org_role, is_platform_staff, staff_groups
from accounts.models import MANAGE_ROLES
from billing.selectors import latest_earnings, week_spend
from marketplace.models import ContractStatus
from marketplace.selectors import freelancer_profile_for, offer_list
from qa_scoring.selectors import dispute_list, freelancer_iqs, my_reviews, organization_iqs, period_iqs_filters
from timesheets.selectors import freelancer_contracts, pending_approvals, week_timesheets

from . import api_errors

IQS_PERIOD_DAYS = 30  # the seller's home shows the IQS of the reviews submitted in the last 30 days
OFFERS_SHOWN = 10
REVIEWS_SHOWN = 3
EARNINGS_SHOWN = 3


def _week_start() -> dt.date:
    today = timezone.now().astimezone(dt.UTC).date()
    return today - dt.timedelta(days=today.weekday())


def _seller_figures(user, org) -> dict:
    """How the seller is doing: this week's hours and spend, timesheets to approve, active contracts, the period's
    IQS and open disputes; each read through the selector of the page its link opens. Constant queries."""

    since = timezone.now().astimezone(dt.UTC).date() - dt.timedelta(days=IQS_PERIOD_DAYS - 1)
    week = week_spend(actor=user, organization_id=org.pk, week_start=_week_start())
    return {
        "week": week,
        "active_contracts": sum(1 for row in week.rows if row.contract.status == ContractStatus.ACTIVE),
        "can_manage": has_org_role(user, org.pk, MANAGE_ROLES),
        "pending_timesheets": pending_approvals(actor=user, organization_id=org.pk).count(),
        "iqs": organization_iqs(actor=user, organization_id=org.pk, since=since),
        "iqs_filters": period_iqs_filters(organization_id=org.pk, since=since),
        "iqs_days": IQS_PERIOD_DAYS,
        "open_disputes": dispute_list(actor=user, filters={"status": "open"}).count(),
    }


def _freelancer_figures(user, profile) -> dict:
    """How the freelancer is doing: this week's hours against each contract's cap, pending offers, the latest
    reviews and earnings; each read through the selector of the page its link opens. Constant queries."""

    week = _week_start()
    timesheets = {t.contract_id: t for t in week_timesheets(actor=user, week_start=week)}
    contracts = []
    for contract in freelancer_contracts(actor=user):
        timesheet = timesheets.get(contract.pk)
        minutes = (timesheet.total_minutes or 0) if timesheet else 0
        contracts.append({"contract": contract, "timesheet": timesheet, "minutes": minutes})
    offers = offer_list(actor=user, filters={"status": "pending"}).filter(freelancer__user=user)
    return {
        "week_start": week,
        "contracts": contracts,
        "offers": list(offers.order_by("expires_at", "pk")[: OFFERS_SHOWN + 1]),
        "offers_shown": OFFERS_SHOWN,
        "reviews": list(my_reviews(actor=user).prefetch_related(None).order_by("-submitted_at", "-pk")[:REVIEWS_SHOWN]),
        "iqs": freelancer_iqs(profile),
        "earnings": latest_earnings(actor=user, limit=EARNINGS_SHOWN),
    }


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
        context["seller"] = _seller_figures(user, org)
    profile = freelancer_profile_for(user)
    if profile is not None:
        context["profile"] = profile
        context["freelancer"] = _freelancer_figures(user, profile)
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
