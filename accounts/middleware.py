from __future__ import annotations

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from .access import is_platform_staff
from .models import Organization

SESSION_ORG_KEY = "current_organization_id"


def user_has_totp(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class StaffMFARequiredMiddleware:
    """Platform staff (vetting, qa, ops groups and superusers) must turn on TOTP before doing anything else."""

    ALLOWED_URL_NAMES = (
        "mfa_activate_totp",
        "mfa_index",
        "mfa_authenticate",
        "mfa_reauthenticate",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_download_recovery_codes",
        "account_logout",
        "account_login",
        "account_reauthenticate",
        "account_confirm_email",
        "account_email_verification_sent",
    )

    def __init__(self, get_response):
        self.get_response = get_response
        self._allowed_paths: tuple[str, ...] | None = None

    def allowed_paths(self) -> tuple[str, ...]:
        if self._allowed_paths is None:
            paths = []
            for name in self.ALLOWED_URL_NAMES:
                try:
                    paths.append(reverse(name))
                except Exception:  # noqa: S112 - a name that needs arguments is matched by prefix below
                    continue
            self._allowed_paths = tuple(paths)
        return self._allowed_paths

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and is_platform_staff(user)
            and not request.path.startswith(("/static/", "/accounts/confirm-email/"))
            and request.path not in self.allowed_paths()
            and not user_has_totp(user)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": "Platform staff must turn on two-factor authentication (TOTP) first."},
                    status=403,
                )
            messages.warning(request, "Platform staff must turn on two-factor authentication before continuing.")
            return redirect("mfa_activate_totp")
        return self.get_response(request)


def _current_organization(request) -> Organization | None:
    from .access import organization_ids

    user = request.user
    if not user.is_authenticated:
        return None
    ids = organization_ids(user)
    if not ids:
        return None
    chosen = request.session.get(SESSION_ORG_KEY)
    if chosen in ids:
        return Organization.objects.filter(pk=chosen).first()
    return Organization.objects.filter(pk__in=ids).order_by("name", "pk").first()


class CurrentOrganizationMiddleware:
    """``request.organization``: the seller organization the user is working in (None for freelancers/staff)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.organization = _current_organization(request)
        return self.get_response(request)
