"""QA pages: queue, transcripts with the scorecard, reviews, disputes, imports, rubric builder. Thin views."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.access import get_for_actor, scoped
from accounts.audit_text import audit_sentence
from accounts.models import Organization
from accounts.throttles import IMPORT_SCOPE, throttle_posts

from . import selectors, services
from .filters import ConversationFilter, DisputeFilter, ReviewFilter
from .forms import CriterionForm, DisputeForm, ImportForm, ResolveForm, RubricForm, ScorecardForm, SectionForm
from .grades import lost_first
from .models import Conversation, Criterion, ImportJob, Review, ReviewStatus, Rubric, RubricVersion, Section
from .scoring import ScoreItem, review_score

PAGE_SIZE = 25


def _page(request, qs):
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def _hx_redirect(url: str) -> HttpResponse:
    """Send an HTMX request on to another page (HTMX follows HX-Redirect, not a 302)."""
    response = HttpResponse(status=204)
    response["HX-Redirect"] = url
    return response


def _messages_error(request, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


# --- queue and conversations


@login_required
def queue(request):
    qs = selectors.review_queue(actor=request.user, filters=request.GET)
    return render(
        request,
        "qa_scoring/queue.html",
        {"page": _page(request, qs), "filter": ConversationFilter(request.GET), "can_review": _can_review_any(request)},
    )


def _can_review_any(request) -> bool:
    return selectors.is_qa_staff(request.user) or bool(selectors.organization_ids(request.user, selectors.REVIEW_ROLES))


@login_required
def conversation_list(request):
    qs = selectors.conversation_list(actor=request.user, filters=request.GET)
    return render(
        request,
        "qa_scoring/conversation_list.html",
        {"page": _page(request, qs), "filter": ConversationFilter(request.GET)},
    )


@login_required
def conversation_detail(request, pk: int):
    conversation = selectors.conversation_transcript(actor=request.user, pk=pk)
    reviews = scoped(Review, request.user).filter(conversation=conversation)
    can_review = selectors.can_review_org(request.user, conversation.organization_id) and not (
        conversation.freelancer_id and conversation.freelancer.user_id == request.user.pk
    )
    return render(
        request,
        "qa_scoring/conversation_detail.html",
        {"conversation": conversation, "reviews": reviews, "can_review": can_review},
    )


def csv_safe(value: object) -> str:
    """Neutralise spreadsheet formulas (=, +, -, @, tab, CR) so exported text stays text."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@login_required
def conversation_export(request, pk: int):
    conversation = selectors.conversation_transcript(actor=request.user, pk=pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="conversation-{conversation.pk}.csv"'
    writer = csv.writer(response)
    writer.writerow(["conversation_id", "sent_at", "sender_type", "sender_name", "text", "is_internal_note"])
    for m in conversation.messages.all():
        writer.writerow(
            [
                csv_safe(conversation.external_id),
                m.sent_at.isoformat(),
                m.author_role,
                csv_safe(m.author_name),
                csv_safe(m.text),
                "yes" if m.is_internal_note else "no",
            ]
        )
    return response


@login_required
@require_POST
def review_start(request, pk: int):
    conversation = get_for_actor(Conversation, request.user, pk=pk)
    try:
        review = services.review_start(actor=request.user, conversation=conversation)
    except ValidationError as exc:
        _messages_error(request, exc)
        return redirect("qa_scoring:conversation_detail", pk=conversation.pk)
    return redirect("qa_scoring:review_detail", pk=review.pk)


# --- reviews


def _scorecard_form(review: Review, data=None) -> ScorecardForm:
    criteria = list(
        Criterion.objects.filter(version=review.rubric_version)
        .select_related("section", "sop_page")
        .order_by("section__position", "position", "id")
    )
    scores = {s.criterion_id: s for s in review.scores.all()}
    return ScorecardForm(
        data, criteria=criteria, initial_scores=scores, initial={"comment": review.comment, "action": "draft"}
    )


def _provisional(review: Review):
    items = [
        ScoreItem(
            s.criterion.kind,
            s.criterion.scale_min,
            s.criterion.scale_max,
            s.criterion.weight,
            s.value,
            s.criterion.critical,
        )
        for s in review.scores.all()
    ]
    return review_score(items) if items else None


@login_required
def review_detail(request, pk: int):
    review = selectors.review_detail(actor=request.user, pk=pk)
    editable = review.status == ReviewStatus.DRAFT and review.reviewer_id == request.user.pk
    if request.method == "POST":
        if not editable:
            raise PermissionDenied("This review is locked.")
        return _review_post(request, review)
    context = _review_context(request, review, _scorecard_form(review) if editable else None)
    return render(request, "qa_scoring/review_detail.html", context)


def _sop_links(request, criteria) -> dict:
    """Only SOP pages the viewer may read get a link (a freelancer whose contract ended, a seller without access)."""
    from cms.selectors import sop_links_for_criteria

    return sop_links_for_criteria(criteria, request.user)


def _with_sentence(event):
    event.sentence = audit_sentence(event)
    return event


def _review_context(request, review: Review, form: ScorecardForm | None) -> dict:
    conversation = selectors.conversation_transcript(actor=request.user, pk=review.conversation_id)
    scores = list(review.scores.all())
    result = _provisional(review)
    rows = []
    if result is not None:
        for s, fraction in zip(scores, result.fractions, strict=True):
            lost = None
            if fraction is not None and result.rated_weight:
                lost = (1 - fraction) * s.criterion.weight / result.rated_weight * 100
            rows.append(
                {
                    "score": s,
                    "fraction": fraction,
                    "lost": lost,
                    "missed": fraction is not None and fraction < 1,  # a critical criterion (weight 0) too
                    "failed_critical": s.criterion.critical and fraction is not None and fraction < 0.5,
                }
            )
    open_dispute = next((d for d in review.disputes.all() if d.is_open), None)
    criteria = [s.criterion for s in scores] + (form.criteria if form is not None else [])
    return {
        "sop_links": _sop_links(request, criteria),
        "review": review,
        "conversation": conversation,
        "form": form,
        "rows": rows,
        "provisional": result,
        "events": [_with_sentence(e) for e in selectors.review_audit_events(review=review)],
        "can_dispute": services.can_dispute(request.user, review) and open_dispute is None,
        "dispute_deadline": services.dispute_deadline(review),
        "window_open": (services.dispute_deadline(review) or timezone.now()) > timezone.now(),
        "open_dispute": open_dispute,
        "can_resolve": open_dispute is not None and services.can_resolve(request.user, open_dispute),
        "pass_mark": review.rubric_version.rubric.pass_mark,
    }


def _review_post(request, review: Review):
    form = _scorecard_form(review, request.POST)
    htmx = request.headers.get("HX-Request") == "true"
    status = 200
    if form.is_valid():
        submit = form.cleaned_data["action"] == "submit"
        fn = services.review_submit if submit else services.review_save_draft
        try:
            fn(actor=request.user, review=review, grades=form.grades(), comment=form.cleaned_data["comment"])
        except ValidationError as exc:
            form.add_service_errors(exc)
            status = 400
        else:
            if submit:
                messages.success(request, "Review submitted. The freelancer and the seller are notified.")
                response = redirect("qa_scoring:review_detail", pk=review.pk)
                if htmx:
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = request.build_absolute_uri()
                return response
            if not htmx:
                messages.success(request, "Draft saved.")
                return redirect("qa_scoring:review_detail", pk=review.pk)
    else:
        status = 400
    review = selectors.review_detail(actor=request.user, pk=review.pk)
    if status == 200:
        form = _scorecard_form(review)
    context = _review_context(request, review, form)
    context["saved"] = status == 200
    template = "qa_scoring/_scorecard.html" if htmx else "qa_scoring/review_detail.html"
    return render(request, template, context, status=status)


@login_required
def review_list(request):
    qs = selectors.review_list(actor=request.user, filters=request.GET)
    return render(
        request, "qa_scoring/review_list.html", {"page": _page(request, qs), "filter": ReviewFilter(request.GET)}
    )


@login_required
def my_reviews(request):
    from marketplace.selectors import freelancer_profile_for

    profile = freelancer_profile_for(request.user)
    if profile is None:
        raise PermissionDenied("Only freelancers have QA reviews of their own.")
    page = _page(request, selectors.my_reviews(actor=request.user))
    cards = []
    for review in page:
        scores = list(review.scores.all())
        result = _provisional(review)
        lost = []
        if result is not None:
            for s, fraction in zip(scores, result.fractions, strict=True):
                if fraction is not None and fraction < 1 and result.rated_weight:
                    points = (1 - fraction) * s.criterion.weight / result.rated_weight * 100
                    lost.append({"score": s, "points": points, "critical": s.criterion.critical and fraction < 0.5})
        cards.append({"review": review, "lost": lost})
    iqs = selectors.freelancer_iqs(profile)
    sop_links = _sop_links(request, [item["score"].criterion for card in cards for item in card["lost"]])
    return render(
        request, "qa_scoring/my_reviews.html", {"page": page, "cards": cards, "iqs": iqs, "sop_links": sop_links}
    )


# --- disputes


@login_required
def dispute_create(request, pk: int):
    review = selectors.review_detail(actor=request.user, pk=pk)
    if not services.can_dispute(request.user, review):
        raise PermissionDenied("Only the freelancer or the seller can dispute this review.")
    scores = lost_first(list(review.scores.all()), lambda s: (s.value, s.criterion))
    form = DisputeForm(request.POST or None, scores=scores)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                dispute = services.dispute_open(actor=request.user, review=review, items=form.cleaned_data["items"])
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, "Dispute sent. A reviewer other than the original one will decide.")
                return redirect("qa_scoring:dispute_detail", pk=dispute.pk)
    context = {"review": review, "form": form, "deadline": services.dispute_deadline(review)}
    return render(request, "qa_scoring/dispute_form.html", context, status=status)


@login_required
def dispute_list(request):
    qs = selectors.dispute_list(actor=request.user, filters=request.GET)
    return render(
        request, "qa_scoring/dispute_list.html", {"page": _page(request, qs), "filter": DisputeFilter(request.GET)}
    )


@login_required
def dispute_detail(request, pk: int):
    dispute = get_for_actor(
        selectors.dispute_list(actor=request.user).prefetch_related("items__criterion"), request.user, pk=pk
    )
    can_resolve = dispute.is_open and services.can_resolve(request.user, dispute)
    items = lost_first(list(dispute.items.all()), lambda i: (i.original_value, i.criterion))
    form = ResolveForm(request.POST or None, items=items) if can_resolve else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("You cannot resolve this dispute.")
        status = 400
        if form.is_valid():
            try:
                services.dispute_resolve(
                    actor=request.user,
                    dispute=dispute,
                    outcome=form.cleaned_data["outcome"],
                    comment=form.cleaned_data["comment"],
                    new_values=form.new_values(),
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, "Dispute resolved; the review score is recomputed.")
                return redirect("qa_scoring:review_detail", pk=dispute.review_id)
    return render(
        request, "qa_scoring/dispute_detail.html", {"dispute": dispute, "items": items, "form": form}, status=status
    )


# --- imports


def _import_orgs(request):
    if selectors.is_qa_staff(request.user):
        return Organization.objects.order_by("name")
    return Organization.objects.filter(
        pk__in=selectors.organization_ids(request.user, selectors.IMPORT_ROLES)
    ).order_by("name")


@login_required
@throttle_posts(IMPORT_SCOPE)
def import_page(request):
    organizations = _import_orgs(request)
    if not organizations.exists():
        raise PermissionDenied("Only a seller's owners, managers and reviewers import conversations.")
    initial = {"organization": request.organization} if getattr(request, "organization", None) else {}
    form = ImportForm(request.POST or None, request.FILES or None, organizations=organizations, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                job = services.import_job_create(
                    actor=request.user,
                    organization=form.cleaned_data["organization"],
                    upload=upload,
                    filename=upload.name,
                    format=form.cleaned_data["format"],
                    freelancer=form.cleaned_data["freelancer"],
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                if request.headers.get("HX-Request") == "true":  # the upload went up with its progress bar
                    return _hx_redirect(reverse("qa_scoring:import_detail", args=[job.pk]))
                return redirect("qa_scoring:import_detail", pk=job.pk)
    jobs = selectors.import_job_list(actor=request.user)[:10]
    return render(request, "qa_scoring/import.html", {"form": form, "jobs": jobs}, status=status)


@login_required
def import_detail(request, pk: int):
    job = get_for_actor(ImportJob, request.user, pk=pk)
    template = (
        "qa_scoring/_import_progress.html"
        if request.headers.get("HX-Request") == "true"
        else "qa_scoring/import_detail.html"
    )
    return render(request, template, {"job": job})


# --- rubrics


@login_required
def rubric_list(request):
    rubrics = selectors.rubric_list(actor=request.user).prefetch_related("versions")
    return render(request, "qa_scoring/rubric_list.html", {"page": _page(request, rubrics)})


def _rubric_orgs(request):
    if selectors.is_qa_staff(request.user):
        return Organization.objects.order_by("name")
    return Organization.objects.filter(pk__in=selectors.organization_ids(request.user, selectors.REVIEW_ROLES))


@login_required
def rubric_create(request):
    organizations = _rubric_orgs(request)
    if not selectors.is_qa_staff(request.user) and not organizations.exists():
        raise PermissionDenied("Only reviewers and seller managers build rubrics.")
    form = RubricForm(request.POST or None, organizations=organizations)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                rubric = services.rubric_create(
                    actor=request.user,
                    organization=data["organization"],
                    name=data["name"],
                    kind=data["kind"],
                    pass_mark=data["pass_mark"],
                    description=data["description"],
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            except PermissionDenied as exc:
                form.add_error("organization", str(exc))
            else:
                return redirect("qa_scoring:rubric_version", pk=rubric.versions.get().pk)
    return render(request, "qa_scoring/rubric_form.html", {"form": form}, status=status)


@login_required
def rubric_version(request, pk: int):
    version = selectors.rubric_version_detail(actor=request.user, pk=pk)
    can_edit = not version.is_published and selectors.can_edit_rubric(request.user, version.rubric)
    context = {
        "version": version,
        "can_edit": can_edit,
        "can_draft": version.is_published and selectors.can_edit_rubric(request.user, version.rubric),
        "section_form": SectionForm(),
        "criterion_form": CriterionForm(),
        "versions": version.rubric.versions.order_by("-number"),
        "preview": request.GET.get("preview") == "1",
    }
    return render(request, "qa_scoring/rubric_version.html", context)


def _editable_version(request, pk: int) -> RubricVersion:
    version = get_for_actor(RubricVersion, request.user, pk=pk)
    if not selectors.can_edit_rubric(request.user, version.rubric):
        raise PermissionDenied("You cannot edit this rubric.")
    return version


@login_required
@require_POST
def rubric_publish(request, pk: int):
    version = _editable_version(request, pk)
    try:
        services.rubric_version_publish(actor=request.user, version=version)
        messages.success(request, f"Version {version.number} is published and can no longer change.")
    except ValidationError as exc:
        _messages_error(request, exc)
    return redirect("qa_scoring:rubric_version", pk=version.pk)


@login_required
@require_POST
def rubric_new_draft(request, pk: int):
    rubric = get_for_actor(Rubric, request.user, pk=pk)
    if not selectors.can_edit_rubric(request.user, rubric):
        raise PermissionDenied("You cannot edit this rubric.")
    draft = services.rubric_version_new_draft(actor=request.user, rubric=rubric)
    return redirect("qa_scoring:rubric_version", pk=draft.pk)


@login_required
@require_POST
def section_add(request, pk: int):
    version = _editable_version(request, pk)
    form = SectionForm(request.POST)
    if form.is_valid():
        try:
            services.section_add(actor=request.user, version=version, title=form.cleaned_data["title"])
        except ValidationError as exc:
            _messages_error(request, exc)
    else:
        messages.error(request, "Give the section a title.")
    return redirect("qa_scoring:rubric_version", pk=version.pk)


@login_required
def criterion_add(request, pk: int):
    section = get_for_actor(
        Section.objects.filter(version__in=scoped(RubricVersion, request.user)), request.user, pk=pk
    )
    version = _editable_version(request, section.version_id)
    form = CriterionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.criterion_add(
                    actor=request.user, section=section, **{f: form.cleaned_data[f] for f in services.CRITERION_FIELDS}
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                return redirect("qa_scoring:rubric_version", pk=version.pk)
    return render(
        request, "qa_scoring/criterion_form.html", {"form": form, "section": section, "version": version}, status=status
    )


@login_required
@require_POST
def criterion_move(request, pk: int):
    criterion = get_for_actor(Criterion, request.user, pk=pk)
    _editable_version(request, criterion.version_id)
    try:
        services.criterion_move(actor=request.user, criterion=criterion, direction=request.POST.get("direction", ""))
    except ValidationError as exc:
        _messages_error(request, exc)
    return redirect("qa_scoring:rubric_version", pk=criterion.version_id)


@login_required
@require_POST
def criterion_delete(request, pk: int):
    criterion = get_for_actor(Criterion, request.user, pk=pk)
    _editable_version(request, criterion.version_id)
    try:
        services.criterion_delete(actor=request.user, criterion=criterion)
    except ValidationError as exc:
        _messages_error(request, exc)
    return redirect("qa_scoring:rubric_version", pk=criterion.version_id)
