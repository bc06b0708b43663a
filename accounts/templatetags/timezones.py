"""``{{ moment|local }}``: a moment in the active (viewer's) zone with the zone named."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

from accounts.timezones import local_time

register = template.Library()


@register.filter
def local(moment, fmt: str = "Y-m-d H:i") -> str:
    """``moment`` as ``"2026-11-18 09:25 Asia/Manila"`` (``fmt`` is a Django date format); empty for no moment."""
    if not isinstance(moment, dt.datetime):
        return ""
    if timezone.is_naive(moment):  # never expected with USE_TZ; read as UTC rather than fail the page
        moment = timezone.make_aware(moment, dt.UTC)
    return local_time(moment, fmt)
