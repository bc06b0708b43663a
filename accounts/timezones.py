"""The viewer's time zone: one rule for every page that shows a time.

A freelancer sees times in their profile's zone (where they work), everyone else in their account's zone;
an unknown name falls back to UTC. Pages name the zone next to every time they show.
"""

from __future__ import annotations

import functools
import zoneinfo
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
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
    try:
        profile_zone = user.freelancer_profile.timezone  # the reverse one-to-one is cached on the user
    except (ObjectDoesNotExist, AttributeError):
        profile_zone = None
    return _valid(profile_zone) or _valid(getattr(user, "timezone", None)) or "UTC"


def request_timezone_name(request) -> str:
    """The viewer's zone, read once per request."""
    if not hasattr(request, "viewer_tz"):
        request.viewer_tz = viewer_timezone_name(getattr(request, "user", None))
    return request.viewer_tz


def in_viewer_timezone(view):
    """Run a view with the viewer's zone active (forms read, templates and messages write local times)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        with timezone.override(zoneinfo.ZoneInfo(request_timezone_name(request))):
            return view(request, *args, **kwargs)

    return wrapper


def local_time(moment, fmt: str = "D j M H:i") -> str:
    """``moment`` in the active zone with the zone named, e.g. ``"Mon 16 Mar 09:00 Asia/Manila"``."""
    return f"{dateformat.format(timezone.localtime(moment), fmt)} {timezone.get_current_timezone_name()}"
