"""Who may call an endpoint: a signed-in person, or also an organization API key.

An API-key request has no user: DRF's ``request.user`` is an ``accounts.access.ApiKeyActor`` with a manager's
reach inside its organization (reads through the scopes, and the writes whose services accept it). Endpoints
that act *as a person* (clock in, dispute a review, grade a calibration session, …) say so with
``PersonRequired``, so an API key gets a 403 with a JSON message instead of reaching code that needs a user.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import IsAuthenticated

from accounts.access import is_api_key


class PersonRequired(IsAuthenticated):
    message = _("This endpoint acts for a signed-in person; an organization API key cannot use it.")

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and not is_api_key(request.user)
