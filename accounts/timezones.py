"""The viewer's time zone: one rule for every page that shows a time.

Every signed-in user reads times in their account's zone (``User.timezone``; a freelancer's profile zone is
kept equal to it by the profile services); an unknown name falls back to UTC. ``ViewerTimezoneMiddleware``
activates that zone for the whole request, so forms read and templates write local times, and pages name the
zone next to every time they show (``{{ moment|local }}``). E-mails use the recipient's zone.
"""

from __future__ import annotations

import zoneinfo
from typing import Any

from django.utils import dateformat, timezone


def _valid(name: str | None) -> str | None:
    if not name:
        return None
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None
    return name


def viewer_timezone_name(user: Any) -> str:
    """IANA name of the zone ``user`` reads times in (``"UTC"`` for anonymous users and bad names)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return "UTC"
    return _valid(getattr(user, "timezone", None)) or "UTC"


def request_timezone_name(request) -> str:
    """The viewer's zone, read once per request."""
    if not hasattr(request, "viewer_tz"):
        request.viewer_tz = viewer_timezone_name(getattr(request, "user", None))
    return request.viewer_tz


class ViewerTimezoneMiddleware:
    """Run every page request in the viewer's zone (reads only the already loaded user: no query of its own).

    The JSON API is a machine interface: its moments stay ISO 8601 in UTC whoever asks.
    """

    machine_prefixes = ("/api/",)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(self.machine_prefixes):
            return self.get_response(request)
        with timezone.override(zoneinfo.ZoneInfo(request_timezone_name(request))):
            return self.get_response(request)


def local_time(moment, fmt: str = "D j M H:i") -> str:
    """``moment`` in the active zone with the zone named, e.g. ``"Mon 16 Mar 09:00 Asia/Manila"``."""
    return f"{dateformat.format(timezone.localtime(moment), fmt)} {timezone.get_current_timezone_name()}"
