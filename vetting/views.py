"""Vetting screens: the candidate's own page, and the staff pipeline. Views stay thin."""

from __future__ import annotations

import csv
from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.access import get_for_actor, is_platform_staff, scoped
from marketplace.selectors import freelancer_profile_for

from . import grading, selectors, services
from .forms import (
    AnswersForm,
    ChecksForm,
    FunnelForm,
    GradeForm,
    NotesForm,
    ReferenceForm,
    RejectForm,
    RequiredNotesForm,
    ScenarioForm,
    ScorecardForm,
    ScoreNotesForm,
    SlotForm,
    SuspendForm,
)
from .guidance import stage_guidance
from .models import Application, AssessmentAttempt, InterviewSlot, Scenario, Stage
from .selectors import is_vetting_staff


def _copy_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for error in exc.messages:
            form.add_error(None, error)


def _local(dt: datetime, tz: str) -> datetime:
    """Wall-clock time in ``tz``, naive so templates show it as is (they would convert aware ones to UTC)."""
    try:
        zone = ZoneInfo(tz)
    except Exception:  # noqa: BLE001 - an unknown zone name falls back to UTC
        zone = ZoneInfo("UTC")
    return timezone.make_naive(dt, zone)


# --- candidate ------------------------------------------------------------------------------------------


def _own_open_application(request) -> Application:
    application = selectors.my_applications(actor=request.user).filter(status="open").first()
    if application is None:
        raise Http404("You have no application in progress.")
    return application


@login_required
def mine(request):
    profile = freelancer_profile_for(request.user)
    if profile is None:
        if selectors.can_read_pipeline(request.user):
            return redirect("vetting:board")
        raise Http404("Vetting is for freelancers.")
    applications = list(selectors.my_applications(actor=request.user)[:5])
    current = applications[0] if applications else None
    context = {
        "profile": profile,
        "application": current,
        "history": applications[1:],
        "guidance": stage_guidance(current, profile),
        "blocked_until": services.reapply_blocked_until(profile),
        "missing": services.required_fields_missing(profile),
    }
    if current is not None and current.is_open and current.stage == Stage.ASSESSMENT:
        attempt = AssessmentAttempt.objects.filter(application=current).first()
        context["attempt"] = attempt
        context["attempt_late"] = attempt is not None and attempt.is_late()
    if current is not None and current.is_open and current.stage == Stage.INTERVIEW:
        booked = scoped(InterviewSlot, request.user).filter(application=current).first()
        context["booked"] = booked and (booked, _local(booked.starts_at, profile.timezone))
    return render(request, "vetting/mine.html", context)


@login_required
@require_POST
def apply(request):
    profile = freelancer_profile_for(request.user)
    if profile is None:
        raise Http404("Vetting is for freelancers.")
    try:
        services.application_submit(actor=request.user, profile=profile)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Application submitted. The profile screen has started.")
    return redirect("vetting:mine")


@login_required
def assessment(request):
    application = _own_open_application(request)
    attempt = get_for_actor(AssessmentAttempt, request.user, application=application)
    answers = list(attempt.answers.select_related("scenario").order_by("position"))
    form = AnswersForm(request.POST or None, answers=answers)
    status = 200
    if request.method == "POST" and attempt.submitted_at is None:
        if form.is_valid():
            try:
                services.assessment_submit(actor=request.user, attempt=attempt, answers=form.answers())
            except ValidationError as exc:
                _copy_errors(form, exc)
                status = 400
            else:
                messages.success(request, "Answers submitted. A vetting reviewer will grade them.")
                return redirect("vetting:mine")
        else:
            status = 400
    return render(
        request,
        "vetting/assessment.html",
        {"attempt": attempt, "form": form, "application": application, "late": attempt.is_late()},
        status=status,
    )


@login_required
@require_POST
def assessment_start(request):
    application = _own_open_application(request)
    try:
        services.assessment_start(actor=request.user, application=application)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("vetting:mine")
    return redirect("vetting:assessment")


@login_required
def interview(request):
    application = _own_open_application(request)
    if application.stage != Stage.INTERVIEW:
        messages.info(request, "Interview booking opens when you reach the interview stage.")
        return redirect("vetting:mine")
    profile = application.freelancer
    slots = [(s, _local(s.starts_at, profile.timezone)) for s in selectors.open_slots(actor=request.user)[:50]]
    return render(
        request, "vetting/interview.html", {"application": application, "slots": slots, "tz": profile.timezone}
    )


@login_required
@require_POST
def interview_book(request, pk: int):
    application = _own_open_application(request)
    slot = get_for_actor(InterviewSlot, request.user, pk=pk)
    try:
        services.interview_slot_book(actor=request.user, application=application, slot=slot)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("vetting:interview")
    messages.success(request, "Interview booked.")
    return redirect("vetting:mine")


# --- staff ----------------------------------------------------------------------------------------------


def _require_reader(request) -> None:
    if not selectors.can_read_pipeline(request.user):
        raise Http404


def _require_vetting(request) -> None:
    if not is_vetting_staff(request.user):
        raise Http404


@login_required
def board(request):
    _require_reader(request)
    qs, filterset = selectors.application_list(actor=request.user, filters=request.GET)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [(a, (now - a.stage_entered_at).days) for a in page]
    return render(
        request,
        "vetting/board.html",
        {
            "counts": selectors.stage_counts(actor=request.user),
            "filter": filterset,
            "page": page,
            "rows": rows,
        },
    )


def _form(form_class, name: str, *args, **kwargs):
    """The staff page shows several small forms at once: each gets its own element ids (``grade-notes``, …)."""
    return form_class(*args, auto_id=f"{name.removesuffix('_form')}-%s", **kwargs)


def _detail_context(request, application: Application, **forms) -> dict:
    grade_criteria = []
    if application.is_open and application.stage == Stage.ASSESSMENT:
        grade_criteria = grading.vetting_criteria()
    context = {
        "application": application,
        "results": list(application.results.all()),
        "answers": selectors.assessment_answers(actor=request.user, application=application),
        "attempt": getattr(application, "assessment", None),
        "slot": InterviewSlot.objects.filter(application=application).select_related("interviewer").first(),
        "events": selectors.application_events(actor=request.user, application=application),
        "checks_missing": services.checks_missing(application) if application.stage == Stage.CHECKS else [],
        "can_act": is_vetting_staff(request.user) and application.is_open,
        "can_suspend": is_platform_staff(request.user, "ops") and application.status == "approved",
        "screen_form": _form(ScoreNotesForm, "screen_form"),
        "grade_form": _form(GradeForm, "grade_form", criteria=grade_criteria) if grade_criteria else None,
        "scorecard_form": _form(ScorecardForm, "scorecard_form"),
        "checks_form": _form(
            ChecksForm,
            "checks_form",
            initial={
                "identity_confirmed": application.identity_confirmed_at is not None,
                "tax_form": application.tax_form,
                "payout_method_set": application.payout_method_set,
            },
        ),
        "reference_form": _form(ReferenceForm, "reference_form"),
        "complete_form": _form(NotesForm, "complete_form"),
        "fail_form": _form(RequiredNotesForm, "fail_form"),
        "approve_form": _form(NotesForm, "approve_form"),
        "reject_form": _form(RejectForm, "reject_form"),
        "suspend_form": _form(SuspendForm, "suspend_form"),
    }
    context.update(forms)
    return context


def _application(request, pk: int) -> Application:
    _require_reader(request)
    return selectors.application_detail(actor=request.user, pk=pk)


@login_required
def detail(request, pk: int):
    application = _application(request, pk)
    return render(request, "vetting/detail.html", _detail_context(request, application))


def _act(request, pk: int, form_name: str, form, action, success: str, *, ops: bool = False):
    """Shared POST handling: validate the form, call the service, or re-render the page with inline errors."""
    application = _application(request, pk)
    if not ops:
        _require_vetting(request)
    elif not is_platform_staff(request.user, "ops"):
        raise Http404
    if form.is_valid():
        try:
            action(application, form)
        except ValidationError as exc:
            _copy_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect("vetting:detail", pk=application.pk)
    application = selectors.application_detail(actor=request.user, pk=pk)
    return render(
        request, "vetting/detail.html", _detail_context(request, application, **{form_name: form}), status=400
    )


@login_required
@require_POST
def screen(request, pk: int):
    return _act(
        request,
        pk,
        "screen_form",
        _form(ScoreNotesForm, "screen_form", request.POST),
        lambda app, f: services.profile_screen_judge(
            actor=request.user, application=app, score=f.cleaned_data["score"], notes=f.cleaned_data["notes"]
        ),
        "Profile screen recorded.",
    )


@login_required
@require_POST
def grade(request, pk: int):
    _require_vetting(request)
    form = _form(GradeForm, "grade_form", request.POST, criteria=grading.vetting_criteria())
    return _act(
        request,
        pk,
        "grade_form",
        form,
        lambda app, f: services.assessment_grade(
            actor=request.user, application=app, values=f.values(), notes=f.cleaned_data["notes"]
        ),
        "Assessment graded.",
    )


@login_required
@require_POST
def scorecard(request, pk: int):
    return _act(
        request,
        pk,
        "scorecard_form",
        _form(ScorecardForm, "scorecard_form", request.POST),
        lambda app, f: services.interview_scorecard_submit(
            actor=request.user, application=app, ratings=f.ratings(), notes=f.notes()
        ),
        "Interview scorecard recorded.",
    )


@login_required
@require_POST
def checks(request, pk: int):
    return _act(
        request,
        pk,
        "checks_form",
        _form(ChecksForm, "checks_form", request.POST),
        lambda app, f: services.checks_record(actor=request.user, application=app, **f.cleaned_data),
        "Checks updated.",
    )


@login_required
@require_POST
def reference(request, pk: int):
    return _act(
        request,
        pk,
        "reference_form",
        _form(ReferenceForm, "reference_form", request.POST),
        lambda app, f: services.reference_add(actor=request.user, application=app, **f.cleaned_data),
        "Reference recorded.",
    )


@login_required
@require_POST
def checks_complete(request, pk: int):
    return _act(
        request,
        pk,
        "complete_form",
        _form(NotesForm, "complete_form", request.POST),
        lambda app, f: services.checks_complete(actor=request.user, application=app, notes=f.cleaned_data["notes"]),
        "Checks passed.",
    )


@login_required
@require_POST
def stage_fail(request, pk: int):
    return _act(
        request,
        pk,
        "fail_form",
        _form(RequiredNotesForm, "fail_form", request.POST),
        lambda app, f: services.stage_fail(actor=request.user, application=app, notes=f.cleaned_data["notes"]),
        "Stage failed; the application moved to the decision.",
    )


@login_required
@require_POST
def approve(request, pk: int):
    return _act(
        request,
        pk,
        "approve_form",
        _form(NotesForm, "approve_form", request.POST),
        lambda app, f: services.application_approve(actor=request.user, application=app, notes=f.cleaned_data["notes"]),
        "Approved. The candidate is told by e-mail.",
    )


@login_required
@require_POST
def reject(request, pk: int):
    return _act(
        request,
        pk,
        "reject_form",
        _form(RejectForm, "reject_form", request.POST),
        lambda app, f: services.application_reject(
            actor=request.user,
            application=app,
            reason=f.cleaned_data["reason"],
            notes=f.cleaned_data["notes"],
            reapply_after=f.cleaned_data["reapply_after"],
        ),
        "Rejected. The candidate is told by e-mail.",
    )


@login_required
@require_POST
def suspend(request, pk: int):
    return _act(
        request,
        pk,
        "suspend_form",
        _form(SuspendForm, "suspend_form", request.POST),
        lambda app, f: services.freelancer_suspend(
            actor=request.user, application=app, reason=f.cleaned_data["reason"]
        ),
        "Freelancer suspended.",
        ops=True,
    )


@login_required
def scenarios(request):
    _require_vetting(request)
    form = ScenarioForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.scenario_save(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _copy_errors(form, exc)
            else:
                messages.success(request, "Scenario added to the bank.")
                return redirect("vetting:scenarios")
        status = 400
    page = Paginator(selectors.scenario_list(actor=request.user), 25).get_page(request.GET.get("page"))
    return render(request, "vetting/scenarios.html", {"form": form, "page": page}, status=status)


@login_required
def scenario_edit(request, pk: int):
    _require_vetting(request)
    scenario = get_for_actor(Scenario, request.user, pk=pk)
    form = ScenarioForm(request.POST or None, instance=scenario)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.scenario_save(
                    actor=request.user, scenario=Scenario.objects.get(pk=scenario.pk), **form.cleaned_data
                )
            except ValidationError as exc:
                _copy_errors(form, exc)
            else:
                messages.success(request, "Scenario saved.")
                return redirect("vetting:scenarios")
        return render(request, "vetting/scenario_edit.html", {"form": form, "scenario": scenario}, status=400)
    return render(request, "vetting/scenario_edit.html", {"form": form, "scenario": scenario})


@login_required
def slots(request):
    _require_vetting(request)
    tz = request.user.timezone or "UTC"
    form = SlotForm(request.POST or None, tz=tz)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.interview_slot_publish(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _copy_errors(form, exc)
            else:
                messages.success(request, "Slot published.")
                return redirect("vetting:slots")
        status = 400
    page = Paginator(selectors.slot_list(actor=request.user), 25).get_page(request.GET.get("page"))
    rows = [(s, _local(s.starts_at, tz)) for s in page]
    return render(request, "vetting/slots.html", {"form": form, "page": page, "rows": rows, "tz": tz}, status=status)


def _funnel_from(request):
    _require_reader(request)
    form = FunnelForm(request.GET or None)
    since = until = None
    if form.is_bound and form.is_valid():
        utc = ZoneInfo("UTC")
        since = form.cleaned_data["since"] and datetime.combine(form.cleaned_data["since"], time.min, tzinfo=utc)
        until = form.cleaned_data["until"] and datetime.combine(form.cleaned_data["until"], time.min, tzinfo=utc)
    return form, selectors.funnel(actor=request.user, since=since or None, until=until or None)


@login_required
def funnel(request):
    form, data = _funnel_from(request)
    bars = []
    for label, n in [
        ("Applied", data.applied),
        *[(r.label, r.reached) for r in data.rows],
        ("Approved", data.approved),
    ]:
        bars.append({"label": label, "n": n, "pct": data.percent_of_applied(n)})
    for i, bar in enumerate(bars):
        bar["y"] = i * 34
        bar["width"] = float(bar["pct"]) * 5  # 500 px = 100 %
        bar["text_x"] = bar["width"] + 210
    return render(
        request,
        "vetting/funnel.html",
        {"form": form, "funnel": data, "bars": bars, "chart_height": len(bars) * 34, "query": request.GET.urlencode()},
        status=200 if not form.is_bound or form.is_valid() else 400,
    )


@login_required
def funnel_csv(request):
    _, data = _funnel_from(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="vetting-funnel.csv"'
    writer = csv.writer(response)
    writer.writerow(["step", "reached", "passed", "failed", "in_progress", "pass_rate_percent", "median_hours"])
    writer.writerow(["applied", data.applied, "", "", "", "", ""])
    for r in data.rows:
        writer.writerow(
            [
                r.stage,
                r.reached,
                r.passed,
                r.failed,
                r.in_progress,
                "" if r.pass_rate is None else r.pass_rate,
                "" if r.median_hours is None else r.median_hours,
            ]
        )
    writer.writerow(["approved", data.approved, "", "", "", "", ""])
    return response
