"""QA operations pages: sampling rules, assignments, AutoQA agreement, calibration, dashboards. Thin views."""

from __future__ import annotations

import csv
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.access import get_for_actor
from qa_scoring.autoqa import CHECKS
from qa_scoring.models import Conversation, CriterionKind
from qa_scoring.selectors import is_qa_staff

from . import charts, dashboards, selectors, services
from .calibration_form import CalibrationSessionForm
from .filters import AssignmentFilter, SamplingRuleFilter
from .forms import DashboardFilterForm, ReasonForm, ReassignForm, SamplingRuleForm
from .models import CalibrationSession, CalibrationStatus, ReviewAssignment, SamplingRule

PAGE_SIZE = 25


def _page(request, qs):
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def csv_safe(value: object) -> str:
    """Neutralise spreadsheet formulas so exported text stays text."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv(filename: str, columns: list[str], rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_safe(v) for v in row])
    return response


# --- sampling rules


@login_required
def rule_list(request):
    return render(
        request,
        "qa_ops/rule_list.html",
        {
            "page": _page(request, selectors.rule_list(actor=request.user, filters=request.GET)),
            "filter": SamplingRuleFilter(request.GET),
            "can_create": is_qa_staff(request.user)
            or bool(selectors.organization_ids(request.user, ("owner", "manager"))),
        },
    )


_RULE_VALUES = [f for f in SamplingRuleForm.Meta.fields if f != "organization"]


@login_required
def rule_create(request):
    form = SamplingRuleForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        values = {k: form.cleaned_data[k] for k in _RULE_VALUES}
        try:
            rule = services.sampling_rule_create(
                actor=request.user, organization=form.cleaned_data["organization"], **values
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"Sampling rule “{rule.name}” created.")
            return redirect("qa_ops:rule_list")
    return render(request, "qa_ops/rule_form.html", {"form": form})


@login_required
def rule_edit(request, pk: int):
    rule = get_for_actor(SamplingRule, request.user, pk=pk)
    if not selectors.can_manage_org(request.user, rule.organization_id):
        raise PermissionDenied("Only QA staff or the seller's owners and managers change sampling rules.")
    form = SamplingRuleForm(request.POST or None, instance=rule, actor=request.user)
    if request.method == "POST" and form.is_valid():
        values = {k: form.cleaned_data[k] for k in _RULE_VALUES}
        try:
            services.sampling_rule_update(actor=request.user, rule=rule, **values)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Sampling rule saved.")
            return redirect("qa_ops:rule_list")
    return render(request, "qa_ops/rule_form.html", {"form": form, "rule": rule})


@login_required
@require_POST
def rule_run(request, pk: int):
    rule = get_for_actor(SamplingRule, request.user, pk=pk)
    if not selectors.can_manage_org(request.user, rule.organization_id):
        raise PermissionDenied("Only QA staff or the seller's owners and managers run sampling rules.")
    result = services.sampling_run(rule=rule, period_start=timezone.now().date(), actor=request.user)
    if result.already_ran:
        messages.info(request, "This period was already sampled; nothing new was assigned.")
    else:
        messages.success(request, f"{result.created} assignment(s) created; {len(result.unassigned)} left unassigned.")
    return redirect("qa_ops:assignment_list")


# --- assignments


@login_required
def assignment_list(request):
    qs = selectors.assignment_list(actor=request.user, filters=request.GET)
    return render(
        request,
        "qa_ops/assignment_list.html",
        {"page": _page(request, qs), "filter": AssignmentFilter(request.GET), "title": "Review assignments"},
    )


@login_required
def my_assignments(request):
    qs = selectors.my_assignments(actor=request.user, filters=request.GET)
    return render(request, "qa_ops/my_assignments.html", {"page": _page(request, qs), "now": timezone.now()})


@login_required
def overdue(request):
    qs = selectors.overdue_assignments(actor=request.user)
    return render(
        request,
        "qa_ops/assignment_list.html",
        {"page": _page(request, qs), "title": "Overdue assignments", "overdue": True},
    )


def _manageable_assignment(request, pk: int) -> ReviewAssignment:
    assignment = get_for_actor(selectors.assignment_list(actor=request.user), request.user, pk=pk)
    if not selectors.can_manage_org(request.user, assignment.organization_id):
        raise PermissionDenied("Only QA staff or the seller's owners and managers change assignments.")
    return assignment


@login_required
def assignment_reassign(request, pk: int):
    assignment = _manageable_assignment(request, pk)
    form = ReassignForm(request.POST or None, organization_id=assignment.organization_id)
    if request.method == "POST" and form.is_valid():
        try:
            services.assignment_reassign(
                actor=request.user,
                assignment=assignment,
                reviewer=form.cleaned_data["reviewer"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Assignment reassigned.")
            return redirect("qa_ops:assignment_list")
    return render(
        request, "qa_ops/assignment_action.html", {"form": form, "assignment": assignment, "action": "Reassign"}
    )


@login_required
def assignment_remove(request, pk: int):
    assignment = _manageable_assignment(request, pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.assignment_remove(actor=request.user, assignment=assignment, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Assignment removed.")
            return redirect("qa_ops:assignment_list")
    return render(
        request, "qa_ops/assignment_action.html", {"form": form, "assignment": assignment, "action": "Remove"}
    )


# --- AutoQA


@login_required
def autoqa_agreement(request):
    if not (is_qa_staff(request.user) or selectors.organization_ids(request.user, selectors.REVIEW_ROLES)):
        raise PermissionDenied("AutoQA agreement is for reviewers.")
    rows = selectors.check_agreement(actor=request.user)
    if request.GET.get("format") == "csv":
        columns = ["check", "enabled", "compared", "tp", "fp", "fn", "tn", "precision", "recall", "agreement"]
        return _csv("autoqa-agreement.csv", columns, [[r[c] for c in columns] for r in rows])
    return render(request, "qa_ops/autoqa.html", {"rows": rows, "can_toggle": is_qa_staff(request.user)})


@login_required
@require_POST
def autoqa_toggle(request, check: str):
    if check not in CHECKS:
        raise Http404("No such check.")
    try:
        setting = services.autoqa_check_set(
            actor=request.user, check_key=check, enabled=request.POST.get("enabled") == "on"
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{CHECKS[check].label}: {'on' if setting.enabled else 'off'}.")
    return redirect("qa_ops:autoqa")


@login_required
def conversation_suggestions(request, pk: int):
    conversation = get_for_actor(Conversation, request.user, pk=pk)
    if not selectors.can_review_org(request.user, conversation.organization_id):
        raise Http404("No conversation matches the given query.")
    return render(
        request,
        "qa_ops/includes/suggestions.html",
        {"suggestions": selectors.suggestions_for(conversation), "conversation": conversation},
    )


# --- calibration


@login_required
def session_list(request):
    return render(
        request,
        "qa_ops/session_list.html",
        {
            "page": _page(request, selectors.session_list(actor=request.user)),
            "can_create": is_qa_staff(request.user)
            or bool(selectors.organization_ids(request.user, ("owner", "manager"))),
        },
    )


@login_required
def session_create(request):
    searching = request.method == "POST" and (request.POST.get("action") == "search" or "page" in request.POST)
    if searching:
        form = CalibrationSessionForm.kept(request.POST, actor=request.user, page=request.POST.get("page"))
    else:
        form = CalibrationSessionForm(request.POST or None, actor=request.user)
    if request.method == "POST" and not searching and form.is_valid():
        data = form.cleaned_data
        try:
            session = services.calibration_session_create(
                actor=request.user,
                organization=data["organization"],
                title=data["title"],
                rubric_version=data["rubric_version"],
                conversations=data["conversations"],
                participants=list(data["participants"]),
                deadline=data["deadline"],
                baseline=data["baseline"],
                expert=data["expert"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error("organization", str(exc))
        else:
            messages.success(request, "Calibration session created; participants are being notified.")
            return redirect("qa_ops:session_detail", pk=session.pk)
    return render(request, "qa_ops/session_form.html", {"form": form, "picker": form.picker})


def _grades_from_post(post, session, criteria) -> services.GradeMap:
    grades: services.GradeMap = {}
    for conversation in session.conversations.all():
        for c in criteria:
            raw = post.get(f"g_{conversation.pk}_{c.key}", "")
            if raw == "":
                continue
            try:
                grades.setdefault(conversation.pk, {})[c.key] = None if raw == "na" else int(raw)
            except ValueError:
                grades.setdefault(conversation.pk, {})[c.key] = -1  # out of range: reported by the service
    return grades


def _grade_choices(criterion) -> list[tuple[str, str]]:
    """Radio choices in the criterion's own terms: Yes/No for a yes/no criterion, the numbers of a scale."""
    if criterion.kind == CriterionKind.BINARY:
        choices = [("1", "Yes"), ("0", "No")]
    else:
        choices = [(str(v), str(v)) for v in criterion.values]
    if criterion.allow_na:
        choices.append(("na", "N/A"))
    return choices


def _submit_question(ungraded: int) -> str:
    if ungraded:
        return (
            f"Submit your grades? They are final. {ungraded} criteri{'on is' if ungraded == 1 else 'a are'} "
            "still ungraded, so the submission will be refused until every criterion has a grade."
        )
    return "Submit your grades? They are final: you cannot change them afterwards."


@login_required
def session_detail(request, pk: int):
    session = selectors.session_detail(actor=request.user, pk=pk)
    criteria = selectors.session_criteria(session)
    participant = next((p for p in session.participants.all() if p.user_id == request.user.pk), None)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        if participant is None:
            raise PermissionDenied("Only the session's participants grade in it.")
        grades = _grades_from_post(request.POST, session, criteria)
        try:
            services.calibration_grades_save(
                actor=request.user, session=session, grades=grades, submit=request.POST.get("action") == "submit"
            )
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        else:
            messages.success(request, "Grades submitted." if request.POST.get("action") == "submit" else "Draft saved.")
            return redirect("qa_ops:session_detail", pk=session.pk)
    can_see = selectors.can_see_all_grades(request.user, session)
    results = None
    if can_see:
        results = (
            session.results
            if session.status == CalibrationStatus.CLOSED
            else services.calibration_results(session=session)
        )
    mine = selectors.my_grades(actor=request.user, session=session) if participant else {}
    grading = participant is not None and participant.submitted_at is None and session.status == CalibrationStatus.OPEN
    units = [
        {
            "conversation": conversation,
            "rows": [
                {
                    "criterion": c,
                    "name": f"g_{conversation.pk}_{c.key}",
                    "value": request.POST.get(f"g_{conversation.pk}_{c.key}")
                    if request.method == "POST"
                    else (
                        ("na" if mine[(conversation.pk, c.pk)] is None else str(mine[(conversation.pk, c.pk)]))
                        if (conversation.pk, c.pk) in mine
                        else ""
                    ),
                    "choices": _grade_choices(c),
                    "errors": errors.get(f"{conversation.pk}:{c.key}", []),
                }
                for c in criteria
            ],
        }
        for conversation in session.conversations.all()
    ]
    ungraded = sum(1 for unit in units for row in unit["rows"] if not row["value"])
    emails = {str(p.user_id): p.user.email for p in session.participants.all()}
    reviewers = []
    if results:
        reviewers = [{"email": emails.get(uid, uid), **row} for uid, row in results.get("reviewers", {}).items()]
    return render(
        request,
        "qa_ops/session_detail.html",
        {
            "session": session,
            "participant": participant,
            "grading": grading,
            "units": units,
            "form_errors": errors.get("__all__", []),
            "has_errors": bool(errors),
            "submit_question": _submit_question(ungraded),
            "results": results,
            "reviewers": reviewers,
            "can_close": session.status == CalibrationStatus.OPEN
            and (session.lead_id == request.user.pk or is_qa_staff(request.user)),
        },
    )


@login_required
@require_POST
def session_close(request, pk: int):
    session = get_for_actor(CalibrationSession, request.user, pk=pk)
    try:
        services.calibration_close(actor=request.user, session=session)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Session closed; the results are frozen.")
    return redirect("qa_ops:session_detail", pk=session.pk)


@login_required
def session_results_csv(request, pk: int):
    session = get_for_actor(CalibrationSession, request.user, pk=pk)
    if not selectors.can_see_all_grades(request.user, session):
        raise PermissionDenied("Submit your own grades first; others' grades stay hidden until then.")
    results = (
        session.results if session.status == CalibrationStatus.CLOSED else services.calibration_results(session=session)
    )
    rows = [
        [
            c["key"],
            c["level"],
            c["agreement"]["value"],
            c["alpha"]["value"],
            c["alpha"]["error"],
            c["fleiss"]["value"],
            c["fleiss"]["error"],
        ]
        for c in results.get("criteria", [])
    ]
    rows.append(
        [
            "(overall)",
            "ordinal",
            "",
            results.get("alpha", {}).get("value"),
            results.get("alpha", {}).get("error"),
            "",
            "",
        ]
    )
    return _csv(
        f"calibration-{session.pk}.csv",
        ["criterion", "level", "agreement_percent", "alpha", "alpha_note", "fleiss_kappa", "fleiss_note"],
        rows,
    )


@login_required
def reviewer_drift(request):
    rows = selectors.reviewer_drift(actor=request.user)
    if request.GET.get("format") == "csv":
        return _csv(
            "calibration-drift.csv",
            ["reviewer", "session", "closed", "mean_abs_deviation", "mean_deviation"],
            [[r["reviewer"], r["session"], r["closed"], r["mean_abs_deviation"], r["mean_deviation"]] for r in rows],
        )
    return render(request, "qa_ops/drift.html", {"rows": rows})


# --- dashboards


def _filters(request) -> tuple[DashboardFilterForm, dashboards.Filters]:
    form = DashboardFilterForm(request.GET or None, actor=request.user)
    f = dashboards.Filters.default()
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        start = dt.datetime.combine(d["start"], dt.time(), tzinfo=dt.UTC) if d.get("start") else f.start
        end = dt.datetime.combine(d["end"] + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC) if d.get("end") else f.end
        f = dashboards.Filters(
            start=start,
            end=end,
            organization_id=d["organization"].pk if d.get("organization") else None,
            freelancer_id=d.get("freelancer"),
            rubric_version_id=d["rubric_version"].pk if d.get("rubric_version") else None,
            group=d.get("group") or "overall",
        )
    return form, f


@login_required
def dashboard(request):
    form, f = _filters(request)
    items = [(c, charts.draw(c)) for c in dashboards.charts_for(request.user, f)]
    return render(
        request,
        "qa_ops/dashboard.html",
        {
            "form": form,
            "items": items,
            "query": request.GET.urlencode(),
            "filters": f,
            "headline": dashboards.headline(request.user, f),
        },
    )


@login_required
def dashboard_csv(request, chart: str):
    if chart not in dashboards.allowed_charts(request.user):
        raise Http404("No such chart.")
    _, f = _filters(request)
    data = dashboards.chart(request.user, chart, f)
    return _csv(f"{chart}.csv", data.columns, data.rows)
