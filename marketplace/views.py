"""Marketplace pages. Each view resolves objects through the access layer, a form validates, a service acts."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import get_for_actor, has_org_role, organization_ids
from accounts.models import MANAGE_ROLES, Organization

from . import candidates, selectors, services
from .coverage import format_windows
from .filters import ContractFilter, JobFilter, OfferFilter, ProfileFilter
from .forms import (
    ContractReasonForm,
    JobForm,
    LanguageForm,
    OfferForm,
    ProfileForm,
    ReasonForm,
    SkillForm,
    WindowForm,
)
from .matching.availability import current_week_start
from .models import Contract, FreelancerProfile, JobPost, JobStatus, Offer
from .offer_terms import offer_coverage
from .services import JobSpec

PAGE_SIZE = 20


def _page(request, qs, size: int = PAGE_SIZE):
    return Paginator(qs, size).get_page(request.GET.get("page"))


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for error in exc.messages:
            form.add_error(None, error)


def _own_profile(request) -> FreelancerProfile:
    profile = selectors.freelancer_profile_for(request.user)
    if profile is None:
        raise Http404("You have no freelancer profile.")
    return profile


def _seller_org(request) -> Organization:
    org = getattr(request, "organization", None)
    if org is None or not has_org_role(request.user, org):
        raise Http404("Choose a seller organization first.")
    return org


# --- Freelancer profile ----------------------------------------------------------------------------------


def _profile_context(profile, **extra):
    profile = selectors.profile_detail_qs(profile.user).get(pk=profile.pk)
    context = {
        "profile": profile,
        "skill_form": SkillForm(),
        "language_form": LanguageForm(),
        "window_form": WindowForm(),
    }
    context.update(extra)
    return context


@login_required
def profile_edit(request):
    profile = _own_profile(request)
    initial = {
        "headline": profile.headline,
        "bio": profile.bio,
        "timezone": profile.timezone,
        "country": profile.country,
        "hourly_rate": profile.hourly_rate,
        "currency": profile.currency,
        "hours_per_week": profile.hours_per_week,
        "channels": list(profile.channels.all()),
        "tools": list(profile.tools.all()),
    }
    status = 200
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES, initial=initial)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.freelancer_profile_update(
                    profile=profile,
                    actor=request.user,
                    headline=data["headline"],
                    bio=data["bio"],
                    timezone_name=data["timezone"],
                    country=data["country"],
                    hourly_rate=data["hourly_rate"],
                    currency=data["currency"],
                    hours_per_week=data["hours_per_week"],
                    channels=list(data["channels"]),
                    tools=list(data["tools"]),
                    photo=data["photo"] or None,
                    clear_photo=data["clear_photo"],
                )
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, "Profile saved.")
                return redirect("marketplace:profile_edit")
        status = 400
    else:
        form = ProfileForm(initial=initial)
    return render(request, "marketplace/profile_edit.html", _profile_context(profile, form=form), status=status)


def _partial(request, profile, name: str, status: int = 200, **forms):
    """HTMX gets the section back; a plain form post goes back to the editor."""
    if request.headers.get("HX-Request") or status != 200:
        return render(request, f"marketplace/_{name}.html", _profile_context(profile, **forms), status=status)
    return redirect("marketplace:profile_edit")


@login_required
@require_POST
def profile_skill_add(request):
    profile = _own_profile(request)
    form = SkillForm(request.POST)
    if not form.is_valid():
        return _partial(request, profile, "skills", status=400, skill_form=form)
    services.profile_skill_set(profile=profile, actor=request.user, **form.cleaned_data)
    return _partial(request, profile, "skills")


@login_required
@require_POST
def profile_skill_remove(request, skill_id: int):
    profile = _own_profile(request)
    services.profile_skill_remove(profile=profile, actor=request.user, skill_id=skill_id)
    return _partial(request, profile, "skills")


@login_required
@require_POST
def profile_language_add(request):
    profile = _own_profile(request)
    form = LanguageForm(request.POST)
    if not form.is_valid():
        return _partial(request, profile, "languages", status=400, language_form=form)
    services.profile_language_set(profile=profile, actor=request.user, **form.cleaned_data)
    return _partial(request, profile, "languages")


@login_required
@require_POST
def profile_language_remove(request, language_id: int):
    profile = _own_profile(request)
    services.profile_language_remove(profile=profile, actor=request.user, language_id=language_id)
    return _partial(request, profile, "languages")


@login_required
@require_POST
def profile_window_add(request):
    profile = _own_profile(request)
    form = WindowForm(request.POST)
    if form.is_valid():
        try:
            services.profile_window_add(profile=profile, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
    if form.errors:
        return _partial(request, profile, "windows", status=400, window_form=form)
    return _partial(request, profile, "windows")


@login_required
@require_POST
def profile_window_remove(request, window_id: int):
    profile = _own_profile(request)
    services.profile_window_remove(profile=profile, actor=request.user, window_id=window_id)
    return _partial(request, profile, "windows")


@login_required
def freelancer_list(request):
    if not organization_ids(request.user):
        raise Http404("Only sellers search freelancers.")
    filterset = ProfileFilter(request.GET or None, queryset=selectors.profile_detail_qs(request.user).order_by("pk"))
    return render(
        request, "marketplace/freelancer_list.html", {"filter": filterset, "page": _page(request, filterset.qs)}
    )


@login_required
def freelancer_detail(request, pk: int):
    profile = get_for_actor(selectors.profile_detail_qs(request.user), request.user, pk=pk)
    return render(
        request,
        "marketplace/freelancer_detail.html",
        {"profile": profile, "remaining_hours": services.remaining_hours(profile)},
    )


# --- Jobs ------------------------------------------------------------------------------------------------


@login_required
def job_list(request):
    org = _seller_org(request)
    qs = selectors.job_detail_qs(request.user).filter(organization=org)
    filterset = JobFilter(request.GET or None, queryset=qs)
    return render(request, "marketplace/job_list.html", {"filter": filterset, "page": _page(request, filterset.qs)})


def _spec(data) -> JobSpec:
    return JobSpec(
        role=data["role"],
        description=data["description"],
        timezone_name=data["timezone"],
        hours_per_week=data["hours_per_week"],
        rate_min=data["rate_min"],
        rate_max=data["rate_max"],
        currency=data["currency"],
        start_date=data["start_date"],
        status=data["status"],
        required_skills=list(data["required_skills"]),
        nice_skills=list(data["nice_skills"]),
        languages=data["languages"],
        windows=data["windows"],
        channels=list(data["channels"]),
        tools=list(data["tools"]),
    )


def _job_initial(job: JobPost) -> dict:
    return {
        "role": job.role,
        "description": job.description,
        "timezone": job.timezone,
        "windows": format_windows(job.windows.all()),
        "hours_per_week": job.hours_per_week,
        "rate_min": job.rate_min,
        "rate_max": job.rate_max,
        "currency": job.currency,
        "start_date": job.start_date,
        "status": job.status,
        "required_skills": [js.skill for js in job.skills.all() if js.required],
        "nice_skills": [js.skill for js in job.skills.all() if not js.required],
        "languages": "\n".join(
            f"{jl.language.name} {jl.get_min_level_display().split()[0]}" for jl in job.languages.all()
        ),
        "channels": list(job.channels.all()),
        "tools": list(job.tools.all()),
    }


@login_required
def job_edit(request, pk: int | None = None):
    org = _seller_org(request)
    job = get_for_actor(selectors.job_detail_qs(request.user), request.user, pk=pk, organization=org) if pk else None
    if not has_org_role(request.user, org, MANAGE_ROLES):
        raise PermissionDenied("Only owners and managers edit job posts.")
    initial = _job_initial(job) if job else {"timezone": org.timezone, "currency": org.currency}
    status = 200
    if request.method == "POST":
        form = JobForm(request.POST, initial=initial)
        if form.is_valid():
            try:
                if job:
                    job = services.job_post_update(actor=request.user, job=job, spec=_spec(form.cleaned_data))
                else:
                    job = services.job_post_create(actor=request.user, organization=org, spec=_spec(form.cleaned_data))
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, f"Job “{job.role}” saved.")
                return redirect("marketplace:job_detail", pk=job.pk)
        status = 400
    else:
        form = JobForm(initial=initial)
    return render(request, "marketplace/job_edit.html", {"form": form, "job": job}, status=status)


@login_required
def job_detail(request, pk: int):
    job = get_for_actor(selectors.job_detail_qs(request.user), request.user, pk=pk)
    page_number = max(1, int(request.GET.get("page", "1")) if request.GET.get("page", "1").isdigit() else 1)
    matches = selectors.job_matches(actor=request.user, job=job, limit=PAGE_SIZE, offset=(page_number - 1) * PAGE_SIZE)
    pages = max(1, -(-matches.count // PAGE_SIZE))
    week = current_week_start()
    return render(
        request,
        "marketplace/job_detail.html",
        {
            "job": job,
            "matches": matches,
            "cards": candidates.cards(job, matches.candidates, week),
            "funnel": None if matches.count else candidates.explain_funnel(job),
            "page_number": page_number,
            "pages": pages,
            "week_start": week,
            "rank_offset": (page_number - 1) * PAGE_SIZE,
            "can_manage": has_org_role(request.user, job.organization_id, MANAGE_ROLES),
            "status_choices": JobStatus.choices,
        },
    )


@login_required
@require_POST
def job_status(request, pk: int):
    job = get_for_actor(JobPost, request.user, pk=pk)
    try:
        services.job_post_set_status(actor=request.user, job=job, status=request.POST.get("status", ""))
        messages.success(request, "Job status changed.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("marketplace:job_detail", pk=job.pk)


# --- Offers ----------------------------------------------------------------------------------------------


@login_required
def offer_create(request, job_pk: int, profile_pk: int):
    job = get_for_actor(JobPost, request.user, pk=job_pk)
    profile = get_for_actor(FreelancerProfile, request.user, pk=profile_pk)
    if not has_org_role(request.user, job.organization_id, MANAGE_ROLES):
        raise PermissionDenied("Only owners and managers send offers.")
    remaining = services.remaining_hours(profile)
    initial = {
        "title": job.role,
        "pay_rate": profile.hourly_rate,
        # What the freelancer can still take, and no more than the job asks for.
        "weekly_hour_cap": min(remaining, job.hours_per_week) if job.hours_per_week else remaining,
        "start_date": job.start_date,
    }
    committed = services.committed_hours(profile.pk)
    form_kwargs = {
        "initial": initial,
        "bill_rate_url": reverse("marketplace:offer_bill_rate", args=[job.pk]),
        "cap_help": _(
            "%(name)s can still take %(left)s h a week: %(hours)s h minus %(committed)s h on active contracts."
        )
        % {
            "name": profile.user.display_name,
            "left": remaining,
            "hours": profile.hours_per_week,
            "committed": committed,
        },
    }
    status = 200
    if request.method == "POST":
        form = OfferForm(request.POST, **form_kwargs)
        if form.is_valid():
            try:
                offer = services.offer_create(
                    actor=request.user, organization=job.organization, freelancer=profile, job=job, **form.cleaned_data
                )
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, f"Offer sent to {profile.user}.")
                return redirect("marketplace:offer_detail", pk=offer.pk)
        status = 400
    else:
        form = OfferForm(**form_kwargs)
    context = {
        "form": form,
        "job": job,
        "profile": profile,
        "remaining_hours": remaining,
        **_bill_rate_context(form, job),
    }
    return render(request, "marketplace/offer_create.html", context, status=status)


def _bill_rate_context(form: OfferForm, job: JobPost) -> dict:
    pay_rate, bill_rate = form.bill_rate()
    fee = format((Decimal(settings.PLATFORM_FEE_RATE) * 100).normalize(), "f")
    return {"pay_rate": pay_rate, "bill_rate": bill_rate, "currency": job.currency, "fee_percent": fee}


@login_required
def offer_bill_rate(request, job_pk: int):
    """The bill rate for the pay rate being typed on the offer form (an HTMX partial)."""
    job = get_for_actor(JobPost, request.user, pk=job_pk)
    if not has_org_role(request.user, job.organization_id, MANAGE_ROLES):
        raise PermissionDenied("Only owners and managers send offers.")
    form = OfferForm(request.GET)
    return render(request, "marketplace/_offer_bill_rate.html", _bill_rate_context(form, job))


@login_required
def offer_list(request):
    filterset = OfferFilter(request.GET or None, queryset=selectors.offer_list(actor=request.user))
    return render(request, "marketplace/offer_list.html", {"filter": filterset, "page": _page(request, filterset.qs)})


@login_required
def offer_detail(request, pk: int):
    offer = get_for_actor(Offer, request.user, pk=pk)
    context = {
        "offer": offer,
        "coverage": offer_coverage(offer),
        "is_freelancer": offer.freelancer.user_id == request.user.pk,
        "can_manage": has_org_role(request.user, offer.organization_id, MANAGE_ROLES),
        "reason_form": ReasonForm(),
    }
    return render(request, "marketplace/offer_detail.html", context)


@login_required
@require_POST
def offer_respond(request, pk: int, action: str):
    offer = get_for_actor(Offer, request.user, pk=pk)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        if action == "accept":
            contract = services.offer_accept(offer=offer, actor=request.user)
            if contract.starts_later:
                day = date_format(contract.starts_on, "j F Y")
                messages.success(request, _("Offer accepted. Your contract starts on %(day)s.") % {"day": day})
            else:
                messages.success(request, _("Offer accepted. Your contract is active."))
            return redirect("marketplace:contract_detail", pk=contract.pk)
        if action == "decline":
            services.offer_decline(offer=offer, actor=request.user, reason=reason)
            messages.success(request, "Offer declined.")
        elif action == "withdraw":
            services.offer_withdraw(offer=offer, actor=request.user)
            messages.success(request, "Offer withdrawn.")
        else:
            raise Http404
    except PermissionDenied:
        raise
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("marketplace:offer_detail", pk=offer.pk)


# --- Contracts -------------------------------------------------------------------------------------------


@login_required
def contract_list(request):
    filterset = ContractFilter(request.GET or None, queryset=selectors.contract_list(actor=request.user))
    return render(
        request, "marketplace/contract_list.html", {"filter": filterset, "page": _page(request, filterset.qs)}
    )


def _contract_page(request, contract: Contract, reason_form: ContractReasonForm, status: int = 200):
    context = {
        "contract": contract,
        "is_freelancer": contract.freelancer.user_id == request.user.pk,
        "can_manage": has_org_role(request.user, contract.organization_id, MANAGE_ROLES),
        "reason_form": reason_form,
    }
    return render(request, "marketplace/contract_detail.html", context, status=status)


@login_required
def contract_detail(request, pk: int):
    return _contract_page(request, get_for_actor(Contract, request.user, pk=pk), ContractReasonForm())


@login_required
@require_POST
def contract_transition(request, pk: int, action: str):
    contract = get_for_actor(Contract, request.user, pk=pk)
    form = ContractReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    fn = {"pause": services.contract_pause, "resume": services.contract_resume, "end": services.contract_end}.get(
        action
    )
    if fn is None:
        raise Http404
    try:
        fn(contract=contract, actor=request.user, reason=reason)
        messages.success(request, f"Contract {contract.title}: {action} done.")
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):  # e.g. the missing reason: shown next to its field, nothing changed
            _form_errors(form, exc)
            return _contract_page(request, get_for_actor(Contract, request.user, pk=pk), form, status=400)
        messages.error(request, " ".join(exc.messages))
    return redirect("marketplace:contract_detail", pk=contract.pk)
