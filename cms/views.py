"""Playbooks area outside Wagtail's page serving: listing, search, copy a template, re-verify, coaching."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail import views as wagtail_views

from accounts.access import get_for_actor, has_org_role
from accounts.models import MANAGE_ROLES

from . import selectors, services
from .forms import CopyTemplateForm, SearchForm
from .models import PageCopyLink, SOPPage


@login_required
def serve(request, path: str = ""):
    """Wagtail page serving behind login; each page's ``serve`` then checks the viewer's scope (404 otherwise)."""
    return wagtail_views.serve(request, path)


def _seller_org(request):
    org = getattr(request, "organization", None)
    if org is not None and has_org_role(request.user, org, MANAGE_ROLES):
        return org
    return None


@login_required
def playbook_list(request):
    org = _seller_org(request)
    if org is not None:
        # Lazily make sure the seller's editing space exists (also reconciled hourly by a beat task).
        services.playbook_space_ensure(organization=org)
    filterset = selectors.playbook_filter(actor=request.user, filters=request.GET)
    page = Paginator(filterset.qs, 25).get_page(request.GET.get("page"))
    links = selectors.copy_links_for(actor=request.user, pages=page.object_list)
    rows = [(p, selectors.serve_path(p), links.get(p.pk)) for p in page.object_list]
    context = {
        "filter": filterset,
        "page_obj": page,
        "rows": rows,
        "copy_form": CopyTemplateForm(templates=selectors.playbook_templates(actor=request.user)) if org else None,
        "organization": org,
        "search_form": SearchForm(auto_id="search-%s"),  # the filter form beside it has its own q
    }
    return render(request, "cms/playbook_list.html", context)


@login_required
def search(request):
    form = SearchForm(request.GET)
    results, page = [], None
    if form.is_valid() and form.cleaned_data["q"]:
        page = Paginator(selectors.sop_search(actor=request.user, query=form.cleaned_data["q"]), 20).get_page(
            request.GET.get("page")
        )
        results = [(p, selectors.serve_path(p)) for p in page.object_list]
    return render(request, "cms/search.html", {"form": form, "results": results, "page_obj": page})


@login_required
@require_POST
def copy_template(request):
    org = _seller_org(request)
    if org is None:
        raise PermissionDenied("Only an owner or manager of a seller can copy a template.")
    templates = selectors.playbook_templates(actor=request.user)
    form = CopyTemplateForm(request.POST, templates=templates)
    if form.is_valid():
        try:
            copy, created = services.playbook_copy_template(
                actor=request.user,
                template=form.cleaned_data["template"],
                organization=org,
                title=form.cleaned_data["title"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            edit_url = reverse("wagtailadmin_pages:edit", args=[copy.pk])
            if created:
                text = _('Copied into “{title}”. <a href="{url}">Open it in the playbook editor</a>.')
                messages.success(request, format_html(text, title=copy.title, url=edit_url))
            else:
                text = _('You already copied this template: “{title}”. <a href="{url}">Open it</a>.')
                messages.info(request, format_html(text, title=copy.title, url=edit_url))
            return redirect("cms:playbook_list")
    filterset = selectors.playbook_filter(actor=request.user, filters={})
    page = Paginator(filterset.qs, 25).get_page(1)
    links = selectors.copy_links_for(actor=request.user, pages=page.object_list)
    context = {
        "filter": filterset,
        "page_obj": page,
        "rows": [(p, selectors.serve_path(p), links.get(p.pk)) for p in page.object_list],
        "copy_form": form,
        "organization": org,
        "search_form": SearchForm(auto_id="search-%s"),  # the filter form beside it has its own q
    }
    return render(request, "cms/playbook_list.html", context, status=400)


@login_required
@require_POST
def reverify(request, page_id: int):
    page = get_for_actor(SOPPage, request.user, pk=page_id)
    page = services.sop_page_reverify(actor=request.user, page=page)  # PermissionDenied → 403
    messages.success(request, f"“{page.title}” re-verified; next review by {page.review_by:%d %b %Y}.")
    return redirect(selectors.serve_path(page))


@login_required
def coaching(request):
    """The freelancer's weakest criteria, each with the SOP section that teaches it."""
    items = selectors.coaching_for(actor=request.user)
    return render(request, "cms/coaching.html", {"items": items})


@login_required
@require_POST
def acknowledge_copy(request, page_id: int):
    link = get_for_actor(PageCopyLink, request.user, page_id=page_id)
    services.page_copy_acknowledge(actor=request.user, link=link)
    messages.success(request, "Marked as in step with the template.")
    return redirect("cms:playbook_list")
