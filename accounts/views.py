"""Organization administration: members, invitations, API keys, audit log. Views stay thin."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from . import selectors, services
from .access import get_for_actor, has_org_role
from .audit_text import audit_sentence
from .forms import ApiKeyForm, InvitationForm, RoleForm
from .middleware import SESSION_ORG_KEY
from .models import MANAGE_ROLES, ApiKey, Invitation, InvitationStatus, Membership, Organization


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _org(request, slug: str) -> Organization:
    return get_for_actor(Organization, request.user, slug=slug)


def _owner_org(request, slug: str) -> Organization:
    org = _org(request, slug)
    if not selectors.can_admin_organization(request.user, org):
        raise PermissionDenied("Only an owner of this organization can do that.")
    return org


@login_required
def members(request, slug: str):
    org = _org(request, slug)
    can_admin = selectors.can_admin_organization(request.user, org)
    context = {
        "organization": org,
        "memberships": selectors.organization_members(actor=request.user, organization=org),
        "can_admin": can_admin,
        "invite_form": InvitationForm(),
        "role_choices": RoleForm.base_fields["role"].choices,
    }
    if can_admin:
        context["invitations"] = selectors.organization_invitations(actor=request.user, organization=org)
    return render(request, "accounts/members.html", context)


@login_required
@require_POST
def invitation_create(request, slug: str):
    org = _owner_org(request, slug)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            inv = services.invitation_create(actor=request.user, organization=org, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, f"Invitation sent to {inv.email}.")
            return redirect("accounts:members", slug=org.slug)
    context = {
        "organization": org,
        "memberships": selectors.organization_members(actor=request.user, organization=org),
        "invitations": selectors.organization_invitations(actor=request.user, organization=org),
        "can_admin": True,
        "invite_form": form,
        "role_choices": RoleForm.base_fields["role"].choices,
    }
    return render(request, "accounts/members.html", context, status=400)


@login_required
@require_POST
def invitation_revoke(request, slug: str, pk: int):
    org = _owner_org(request, slug)
    invitation = get_for_actor(Invitation, request.user, pk=pk, organization=org)
    try:
        services.invitation_revoke(actor=request.user, invitation=invitation)
        messages.success(request, f"Invitation for {invitation.email} revoked.")
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect("accounts:members", slug=org.slug)


@login_required
@require_POST
def membership_role(request, slug: str, pk: int):
    org = _owner_org(request, slug)
    membership = get_for_actor(Membership, request.user, pk=pk, organization=org)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the listed roles.")
    else:
        try:
            services.membership_change_role(actor=request.user, membership=membership, role=form.cleaned_data["role"])
            messages.success(request, f"{membership.user} is now {membership.get_role_display().lower()}.")
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
    return redirect("accounts:members", slug=org.slug)


@login_required
@require_POST
def membership_remove(request, slug: str, pk: int):
    org = _org(request, slug)
    membership = get_for_actor(Membership, request.user, pk=pk, organization=org)
    leaving = membership.user_id == request.user.pk
    try:
        services.membership_remove(actor=request.user, membership=membership)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("accounts:members", slug=org.slug)
    if leaving:
        messages.success(request, f"You left {org}.")
        return redirect("home")
    messages.success(request, f"{membership.user} was removed from {org}.")
    return redirect("accounts:members", slug=org.slug)


@login_required
def api_keys(request, slug: str):
    org = _owner_org(request, slug)
    form = ApiKeyForm(request.POST or None)
    new_key = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                _, new_key = services.api_key_create(
                    actor=request.user, organization=org, name=form.cleaned_data["name"]
                )
                form = ApiKeyForm()
            except ValidationError as exc:
                form.add_error("name", _error_text(exc))
                status = 400
        else:
            status = 400
    context = {
        "organization": org,
        "keys": selectors.organization_api_keys(actor=request.user, organization=org),
        "form": form,
        "new_key": new_key,
    }
    response = render(request, "accounts/api_keys.html", context, status=status)
    response["Cache-Control"] = "no-store"  # the page may show a key's only plain-text copy
    return response


@login_required
@require_POST
def api_key_revoke(request, slug: str, pk: int):
    org = _owner_org(request, slug)
    key = get_for_actor(ApiKey, request.user, pk=pk, organization=org)
    services.api_key_revoke(actor=request.user, api_key=key)
    messages.success(request, f"Key “{key.name}” revoked: it no longer works.")
    return redirect("accounts:api_keys", slug=org.slug)


@login_required
def audit_log(request, slug: str):
    org = _org(request, slug)
    if not has_org_role(request.user, org, MANAGE_ROLES):
        raise PermissionDenied("Only owners and managers can read the audit log.")
    events = selectors.organization_audit_events(actor=request.user, organization=org)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    for event in page.object_list:
        event.sentence = audit_sentence(event)
    return render(request, "accounts/audit_log.html", {"organization": org, "page": page})


@login_required
@require_POST
def organization_switch(request):
    org = get_for_actor(Organization, request.user, pk=request.POST.get("organization"))
    request.session[SESSION_ORG_KEY] = org.pk
    messages.info(request, f"Now working in {org}.")
    target = request.POST.get("next") or reverse("home")
    if not target.startswith("/") or target.startswith("//"):
        target = reverse("home")
    return HttpResponseRedirect(target)


@login_required
def invitation_detail(request, token: str):
    """The link from the invitation e-mail. Only the invited address can accept it."""
    found = Invitation.id_from_token(token)
    if found is None:
        raise Http404("This invitation link is not valid.")
    invitation = (
        Invitation.objects.select_related("organization", "invited_by").filter(pk=found[0], nonce=found[1]).first()
    )
    if invitation is None or invitation.email.lower() != request.user.email.lower():
        raise Http404("This invitation link is not valid for your account.")
    if request.method == "POST":
        try:
            services.invitation_accept(user=request.user, invitation=invitation)
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            request.session[SESSION_ORG_KEY] = invitation.organization_id
            messages.success(request, f"Welcome to {invitation.organization}.")
            return redirect("home")
    return render(
        request,
        "accounts/invitation.html",
        {"invitation": invitation, "pending": invitation.status == InvitationStatus.PENDING},
    )
