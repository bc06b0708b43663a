"""When a step happens: now, or an earlier moment given by a caller that replays past work (beat, the demo)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _


def step_moment(now: dt.datetime | None) -> dt.datetime:
    """``now`` if given and not in the future, else the real now. A step dated in the future is refused."""
    real = timezone.now()
    if now is None:
        return real
    if now > real:
        raise ValidationError(_("This step cannot happen in the future."), code="future")
    return now
