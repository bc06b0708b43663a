"""Time tracking pages. Thin: resolve through the actor's scope, validate with a form, act with a service."""

from __future__ import annotations

import csv
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.access import get_for_actor, has_org_role
from accounts.models import MANAGE_ROLES
from accounts.timezones import request_timezone_name
from marketplace.models import Contract

from . import selectors, services
from .forms import DisputeForm, ManualEntryForm, PeriodForm, PlannedShiftForm, ResolveForm, RespondForm
from .hours import bill_amount, format_minutes, minutes_to_hours
from .models import PlannedShift, TimeEntry, Timesheet, TimesheetStatus, week_start_of


def _profile(request):
    """The user's freelancer profile (or None), read once per request."""
    try:
        return request.user.freelancer_profile  # cached on the user; the viewer's zone reads it too
    except ObjectDoesNotExist:
        return None


def _viewer_tz(request) -> str:
    return request_timezone_name(request)


def _errors_to_form(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            field = form.error_field(field) if hasattr(form, "error_field") else field
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for error in exc.messages:
            form.add_error(None, error)


def _seller_org_id(request) -> int:
    org = request.organization
    if org is None:
        raise Http404("No seller organization.")
    return org.pk


def _parse_week(value: str | None) -> dt.date:
    try:
        day = dt.date.fromisoformat(value) if value else timezone.now().date()
    except ValueError:
        day = timezone.now().date()
    return day - dt.timedelta(days=day.weekday())


# --- Freelancer ----------------------------------------------------------------------------------------------


def _clock_context(request) -> dict:
    contracts = list(selectors.freelancer_contracts(actor=request.user))
    return {
        "running": selectors.running_entry(actor=request.user),
        "contracts": contracts,
        "viewer_tz": _viewer_tz(request),
    }


@login_required
def today(request):
    if not _profile(request):
        return redirect("timesheets:approvals") if request.organization else redirect("home")
    context = _clock_context(request)
    week = week_start_of(timezone.now())
    context["timesheets"] = selectors.week_timesheets(actor=request.user, week_start=week)
    context["week_start"] = week
    return render(request, "timesheets/today.html", context)


def _clock_response(request, error: str | None = None, notice: str | None = None):
    if request.htmx:
        context = _clock_context(request)
        week = week_start_of(timezone.now())
        context.update(
            clock_error=error,
            clock_notice=notice,
            week_start=week,
            timesheets=selectors.week_timesheets(actor=request.user, week_start=week),
        )
        return render(request, "timesheets/_clock_response.html", context, status=400 if error else 200)
    if error:
        messages.error(request, error)
    elif notice:
        messages.success(request, notice)
    return redirect("timesheets:today")


@login_required
@require_POST
def clock_in(request):
    try:
        contract_id = int(request.POST.get("contract", ""))
    except ValueError:
        return _clock_response(request, "Choose a contract to clock in on.")
    contract = get_for_actor(selectors.freelancer_contracts(actor=request.user), request.user, pk=contract_id)
    try:
        services.time_entry_clock_in(actor=request.user, contract=contract)
    except ValidationError as exc:
        return _clock_response(request, " ".join(exc.messages))
    return _clock_response(request)


@login_required
@require_POST
def clock_out(request):
    if not _profile(request):
        raise Http404
    try:
        stored = services.time_entry_clock_out(actor=request.user)
    except ValidationError as exc:
        return _clock_response(request, " ".join(exc.messages))
    return _clock_response(request, notice=f"Clocked out: {format_minutes(sum(e.minutes for e in stored))} recorded.")


@login_required
def week(request):
    if not _profile(request):
        raise Http404
    week_start = _parse_week(request.GET.get("week"))
    timesheets = list(selectors.week_timesheets(actor=request.user, week_start=week_start))
    context = {
        "week_start": week_start,
        "week_end": week_start + dt.timedelta(days=6),
        "previous": week_start - dt.timedelta(days=7),
        "next": week_start + dt.timedelta(days=7),
        "entries": selectors.week_entries(actor=request.user, week_start=week_start),
        "timesheets": timesheets,
        "week_total": sum(t.total_minutes or 0 for t in timesheets),
        "viewer_tz": _viewer_tz(request),
    }
    return render(request, "timesheets/week.html", context)


@login_required
def entry_new(request):
    if not _profile(request):
        raise Http404
    tz_name = _viewer_tz(request)
    contracts = selectors.freelancer_contracts(actor=request.user)
    form = ManualEntryForm(request.POST or None, contracts=contracts, timezone_name=tz_name)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.time_entry_create_manual(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, f"Added {format_minutes(entry.minutes)} on {entry.contract.title}.")
            return redirect(f"{_week_url()}?week={entry.timesheet.week_start:%Y-%m-%d}")
    status = 400 if request.method == "POST" else 200
    return render(request, "timesheets/entry_form.html", {"form": form, "viewer_tz": tz_name}, status=status)


def _week_url() -> str:
    from django.urls import reverse

    return reverse("timesheets:week")


@login_required
@require_POST
def entry_delete(request, pk: int):
    entry = get_for_actor(TimeEntry, request.user, pk=pk, freelancer__user=request.user)
    week_start = entry.timesheet.week_start
    try:
        services.time_entry_delete(actor=request.user, entry=entry)
        messages.success(request, "Entry deleted.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(f"{_week_url()}?week={week_start:%Y-%m-%d}")


# --- One timesheet ------------------------------------------------------------------------------------------


def _timesheet(request, pk: int) -> Timesheet:
    return get_for_actor(Timesheet, request.user, pk=pk)


def _detail(request, timesheet: Timesheet, status: int = 200, **forms):
    is_freelancer = timesheet.contract.freelancer.user_id == request.user.pk
    can_manage = has_org_role(request.user, timesheet.contract.organization_id, MANAGE_ROLES)
    entries = list(selectors.timesheet_entries(actor=request.user, timesheet=timesheet))
    context = {
        "timesheet": timesheet,
        "entries": entries,
        "total_minutes": sum(e.minutes or 0 for e in entries),
        "is_freelancer": is_freelancer,
        "can_manage": can_manage,
        "dispute_form": forms.get("dispute_form") or DisputeForm(),
        "respond_form": forms.get("respond_form") or RespondForm(),
        "resolve_form": forms.get("resolve_form") or ResolveForm(initial=_hours_minutes(timesheet.submitted_minutes)),
        "pending_amount": bill_amount(timesheet.submitted_minutes, timesheet.contract),
        "approved_amount": bill_amount(timesheet.approved_minutes, timesheet.contract),
        "viewer_tz": _viewer_tz(request),
    }
    return render(request, "timesheets/detail.html", context, status=status)


def _hours_minutes(minutes: int | None) -> dict:
    hours, rest = divmod(minutes or 0, 60)
    return {"hours": hours, "mins": rest}


@login_required
def detail(request, pk: int):
    return _detail(request, _timesheet(request, pk))


def _act(request, pk: int, action, done: str):
    timesheet = _timesheet(request, pk)
    try:
        action(timesheet)
        messages.success(request, done)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
    return timesheet


@login_required
@require_POST
def submit(request, pk: int):
    ts = _act(request, pk, lambda t: services.timesheet_submit(actor=request.user, timesheet=t), "Timesheet submitted.")
    return redirect("timesheets:detail", pk=ts.pk)


@login_required
@require_POST
def approve(request, pk: int):
    ts = _act(request, pk, lambda t: services.timesheet_approve(actor=request.user, timesheet=t), "Timesheet approved.")
    if request.POST.get("next") == "approvals":
        return redirect("timesheets:approvals")
    return redirect("timesheets:detail", pk=ts.pk)


def _form_action(request, pk: int, form_class, form_name: str, action, done: str):
    timesheet = _timesheet(request, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            action(timesheet, form.cleaned_data)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, done)
            return redirect("timesheets:detail", pk=timesheet.pk)
    return _detail(request, timesheet, status=400, **{form_name: form})


@login_required
@require_POST
def dispute(request, pk: int):
    return _form_action(
        request,
        pk,
        DisputeForm,
        "dispute_form",
        lambda t, d: services.timesheet_dispute(actor=request.user, timesheet=t, **d),
        "Hours disputed. The freelancer is asked to answer.",
    )


@login_required
@require_POST
def respond(request, pk: int):
    return _form_action(
        request,
        pk,
        RespondForm,
        "respond_form",
        lambda t, d: services.timesheet_respond(actor=request.user, timesheet=t, **d),
        "Your answer is recorded.",
    )


@login_required
@require_POST
def resolve(request, pk: int):
    return _form_action(
        request,
        pk,
        ResolveForm,
        "resolve_form",
        lambda t, d: services.timesheet_resolve(actor=request.user, timesheet=t, **d),
        "Dispute resolved.",
    )


# --- Seller --------------------------------------------------------------------------------------------------


@login_required
def approvals(request):
    org_id = _seller_org_id(request)
    filterset, qs = selectors.approvals_page(actor=request.user, organization_id=org_id, filters=request.GET)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    for ts in page.object_list:
        ts.committed_minutes = ts.approved_minutes if ts.is_final else ts.submitted_minutes
        ts.amount = bill_amount(ts.committed_minutes, ts.contract)
    context = {
        "page": page,
        "filter": filterset,
        "history": filterset.showing_history,
        "can_manage": has_org_role(request.user, org_id, MANAGE_ROLES),
        "statuses": TimesheetStatus,
    }
    return render(request, "timesheets/approvals.html", context)


@login_required
def chart(request):
    org = request.organization
    if org is None and not _profile(request):
        raise Http404
    rows = selectors.weekly_hours(actor=request.user, organization_id=org.pk if org else None)
    for i, row in enumerate(rows):
        row["hours"] = minutes_to_hours(row["minutes"])
        row["height"] = row["percent"] * 2  # the tallest bar is 200 units high
        row["x"], row["label_x"] = i * 80 + 10, i * 80 + 40
        row["y"] = 220 - row["height"]
        row["value_y"] = max(row["y"] - 4, 14)
    context = {"rows": rows, "organization": org, "width": len(rows) * 80 + 20}
    return render(request, "timesheets/chart.html", context)


def _cell(value) -> str:
    """Text that a spreadsheet would run as a formula is prefixed with an apostrophe."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@login_required
def export_csv(request):
    org_id = _seller_org_id(request)
    today_week = week_start_of(timezone.now())
    form = PeriodForm(request.GET or {"start": today_week - dt.timedelta(weeks=4), "end": today_week})
    if not form.is_valid():
        return render(request, "timesheets/export.html", {"form": form}, status=400)
    rows = selectors.approved_hours_rows(
        actor=request.user, organization_id=org_id, start=form.cleaned_data["start"], end=form.cleaned_data["end"]
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"approved-hours-{form.cleaned_data['start']:%Y%m%d}-{form.cleaned_data['end']:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "week_start",
            "contract_id",
            "contract",
            "freelancer",
            "status",
            "approved_minutes",
            "approved_hours",
            "bill_rate",
            "currency",
        ]
    )
    for ts in rows:
        writer.writerow(
            [
                ts.week_start.isoformat(),
                ts.contract_id,
                _cell(ts.contract.title),
                _cell(ts.contract.freelancer.user.email),
                ts.status,
                ts.approved_minutes,
                ts.approved_hours,
                ts.contract.bill_rate,
                ts.contract.currency,
            ]
        )
    return response


@login_required
def shifts(request):
    org_id = _seller_org_id(request)
    can_manage = has_org_role(request.user, org_id, MANAGE_ROLES)
    tz_name = _viewer_tz(request)
    contracts = Contract.objects.filter(organization_id=org_id, status="active").select_related("freelancer__user")
    status = 200
    form = PlannedShiftForm(request.POST or None, contracts=contracts)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied("Only an owner or manager can plan shifts.")
        if form.is_valid():
            try:
                services.planned_shift_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _errors_to_form(form, exc)
            else:
                messages.success(request, "Shift planned.")
                return redirect("timesheets:shifts")
        status = 400
    week_start = _parse_week(request.GET.get("week"))
    start = dt.datetime.combine(week_start, dt.time(0), tzinfo=dt.UTC)
    board = selectors.shift_board(
        actor=request.user, organization_id=org_id, start=start, end=start + dt.timedelta(days=7)
    )
    adherence = []
    for contract in {row["shift"].contract for row in board}:
        adherence.append((contract, selectors.schedule_adherence(contract, week_start)))
    context = {
        "form": form,
        "board": board,
        "adherence": sorted(adherence, key=lambda pair: pair[0].title),
        "can_manage": can_manage,
        "week_start": week_start,
        "previous": week_start - dt.timedelta(days=7),
        "next": week_start + dt.timedelta(days=7),
        "viewer_tz": tz_name,
    }
    return render(request, "timesheets/shifts.html", context, status=status)


@login_required
@require_POST
def shift_delete(request, pk: int):
    shift = get_for_actor(PlannedShift, request.user, pk=pk)
    try:
        services.planned_shift_delete(actor=request.user, shift=shift)
        messages.success(request, "Planned shift removed.")
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    return redirect("timesheets:shifts")
