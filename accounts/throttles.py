"""Request budgets for the API and for heavy pages: one budget per API key, one per signed-in person.

Rates are ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` (documented in the README), read on each request. The API
answers an exhausted budget with 429, a JSON ``detail`` and ``Retry-After``; pages (``throttle_posts``) with 429,
a page that says when to try again, and ``Retry-After``. Anonymous requests are not counted here: the API refuses
them before throttling, and login has its own limits (``accounts/login_limits.py``).
"""

from __future__ import annotations

import math
from functools import wraps
from types import SimpleNamespace

from django.shortcuts import render
from django.utils.translation import gettext as _
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from .access import is_api_key

IMPORT_SCOPE = "conversation_import"


def _client_ident(request) -> str | None:
    actor = getattr(request, "user", None)
    if is_api_key(actor):
        return f"key-{actor.api_key.pk}"
    if actor is not None and actor.is_authenticated:
        return f"user-{actor.pk}"
    return None


class _PerClientThrottle(SimpleRateThrottle):
    """The scope (and so the rate) is chosen per request; ``scope_for`` returning None means not counted."""

    def __init__(self):  # the rate is looked up per request, not once
        pass

    def scope_for(self, request, view) -> str | None:
        raise NotImplementedError

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view) -> bool:
        self.scope = self.scope_for(request, view)
        if self.scope is None or _client_ident(request) is None:
            return True
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": _client_ident(request)}


class ClientRateThrottle(_PerClientThrottle):
    """Every API request: scope ``api_key`` per organization API key, ``user`` per signed-in person."""

    def scope_for(self, request, view) -> str | None:
        return "api_key" if is_api_key(request.user) else "user"


class ScopedClientThrottle(_PerClientThrottle):
    """Views naming a ``throttle_scope`` (e.g. imports) get that extra budget, per key or person."""

    def scope_for(self, request, view) -> str | None:
        return getattr(view, "throttle_scope", None)


def throttle_posts(scope: str):
    """Count a page's POSTs against ``scope`` (the same budget as the API's, per key or person)."""
    view_like = SimpleNamespace(throttle_scope=scope)

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method == "POST":
                throttle = ScopedClientThrottle()
                if not throttle.allow_request(request, view_like):
                    wait = math.ceil(throttle.wait() or 1)
                    message = _("Too many requests. Try again in %(seconds)s seconds.") % {"seconds": wait}
                    response = render(request, "errors/429.html", {"reason": message}, status=429)
                    response["Retry-After"] = str(wait)
                    return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
