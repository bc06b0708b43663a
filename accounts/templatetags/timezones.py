"""``{{ moment|local }}``: a moment in the active (viewer's) zone with the zone named."""

from __future__ import annotations

import datetime as dt

from django import template

from accounts.timezones import local_time

register = template.Library()


@register.filter
def local(moment, fmt: str = "Y-m-d H:i") -> str:
    """``moment`` as ``"2026-11-18 09:25 Asia/Manila"`` (``fmt`` is a Django date format); empty for no moment."""
    if not isinstance(moment, dt.datetime):
        return ""
    return local_time(moment, fmt)
