"""Audit events in plain words: "Nora approved Maria's week of 30 Nov: 18 h 40 min".

One sentence builder per event type; any other type gets a readable fallback built from its name and target,
so the audit log never shows raw action codes or JSON.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import dateformat
from django.utils.translation import gettext as _

from .models import AuditEvent


def _duration(minutes: Any) -> str:
    try:
        hours, rest = divmod(int(minutes), 60)
    except (TypeError, ValueError):
        return "—"
    return f"{hours} h {rest:02d} min"


def _week(event: AuditEvent) -> str:
    raw = event.data.get("week_start")
    try:
        return dateformat.format(dt.date.fromisoformat(raw), "j M Y")
    except (TypeError, ValueError):
        return ""


def _whose_week(event: AuditEvent) -> str:
    """ "Maria's week of 9 Mar 2026", or the target's own label for older events that lack those details."""
    freelancer, week = event.data.get("freelancer"), _week(event)
    if freelancer and week:
        return _("%(name)s's week of %(week)s") % {"name": freelancer, "week": week}
    return event.target_label or _("a timesheet")


def _quote(text: Any, limit: int = 120) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def actor_name(event: AuditEvent) -> str:
    if event.actor_id and event.actor is not None:
        return event.actor.full_name or event.actor.email
    if event.actor_label in ("", "system"):
        return _("Shiftdesk")
    return event.actor_label


Sentence = Callable[[AuditEvent, str], str]

_DISPUTE_OUTCOMES = {"accepted": _("accepted"), "partly_accepted": _("partly accepted"), "rejected": _("rejected")}

SENTENCES: dict[str, Sentence] = {
    "timesheet.submitted": lambda e, who: (
        _("%(who)s submitted %(week)s: %(time)s")
        % {"who": who, "week": _whose_week(e), "time": _duration(e.data.get("minutes"))}
    ),
    "timesheet.auto_submitted": lambda e, who: (
        _("%(week)s was submitted automatically at week end: %(time)s")
        % {"week": _whose_week(e), "time": _duration(e.data.get("minutes"))}
    ),
    "timesheet.approved": lambda e, who: (
        _("%(who)s approved %(week)s: %(time)s")
        % {"who": who, "week": _whose_week(e), "time": _duration(e.data.get("approved_minutes"))}
    ),
    "timesheet.auto_approved": lambda e, who: (
        _("%(week)s was approved automatically after the review window: %(time)s")
        % {"week": _whose_week(e), "time": _duration(e.data.get("approved_minutes"))}
    ),
    "timesheet.disputed": lambda e, who: (
        _("%(who)s disputed %(time)s of %(week)s: “%(reason)s”")
        % {
            "who": who,
            "week": _whose_week(e),
            "time": _duration(e.data.get("disputed_minutes")),
            "reason": _quote(e.data.get("reason")),
        }
    ),
    "timesheet.dispute_answered": lambda e, who: (
        _("%(who)s answered the dispute on %(week)s: “%(text)s”")
        % {"who": who, "week": _whose_week(e), "text": _quote(e.data.get("response"))}
    ),
    "timesheet.resolved": lambda e, who: (
        _("%(who)s resolved the dispute on %(week)s: %(approved)s of %(submitted)s approved")
        % {
            "who": who,
            "week": _whose_week(e),
            "approved": _duration(e.data.get("approved_minutes")),
            "submitted": _duration(e.data.get("submitted_minutes")),
        }
    ),
    "time_entry.clocked_in": lambda e, who: _("%(who)s clocked in") % {"who": who},
    "time_entry.clocked_out": lambda e, who: (
        _("%(who)s clocked out on %(target)s: %(time)s recorded")
        % {"who": who, "target": e.target_label, "time": _duration(e.data.get("minutes"))}
    ),
    "time_entry.manual_added": lambda e, who: (
        _("%(who)s added %(time)s of manual time: “%(note)s”")
        % {"who": who, "time": _duration(e.data.get("minutes")), "note": _quote(e.data.get("note"))}
    ),
    "time_entry.deleted": lambda e, who: (
        _("%(who)s deleted a time entry of %(time)s") % {"who": who, "time": _duration(e.data.get("minutes"))}
    ),
    "planned_shift.created": lambda e, who: (
        _("%(who)s planned a shift: %(target)s") % {"who": who, "target": e.target_label}
    ),
    "planned_shift.deleted": lambda e, who: (
        _("%(who)s removed a planned shift: %(target)s") % {"who": who, "target": e.target_label}
    ),
    "membership.role_changed": lambda e, who: (
        _("%(who)s changed the role of %(user)s from %(old)s to %(new)s")
        % {"who": who, "user": e.data.get("user") or e.target_label, "old": e.data.get("from"), "new": e.data.get("to")}
    ),
    "offer.sent": lambda e, who: _("%(who)s sent the offer %(target)s") % {"who": who, "target": e.target_label},
    "offer.accepted": lambda e, who: (
        _("%(who)s accepted the offer %(target)s") % {"who": who, "target": e.target_label}
    ),
    "offer.declined": lambda e, who: (
        _("%(who)s declined the offer %(target)s") % {"who": who, "target": e.target_label}
    ),
    "offer.withdrawn": lambda e, who: (
        _("%(who)s withdrew the offer %(target)s") % {"who": who, "target": e.target_label}
    ),
    "contract.started": lambda e, who: _("The contract %(target)s started") % {"target": e.target_label},
    "contract.paused": lambda e, who: (
        _("%(who)s paused the contract %(target)s") % {"who": who, "target": e.target_label}
    ),
    "contract.ended": lambda e, who: (
        _("%(who)s ended the contract %(target)s") % {"who": who, "target": e.target_label}
    ),
    "qa.dispute.opened": lambda e, who: (
        _("%(who)s disputed a QA review: %(target)s") % {"who": who, "target": e.target_label}
    ),
    "qa.dispute.resolved": lambda e, who: (
        _("%(who)s resolved a QA dispute (%(outcome)s): %(target)s — score %(before)s → %(after)s")
        % {
            "who": who,
            "outcome": _DISPUTE_OUTCOMES.get(e.data["outcome"], e.data["outcome"]),
            "target": e.target_label,
            "before": e.data["score_before"],
            "after": e.data["score_after"],
        }
    ),
    "qa.review.started": lambda e, who: (
        _("%(who)s started grading: %(target)s") % {"who": who, "target": e.target_label}
    ),
    "qa.review.submitted": lambda e, who: (
        (
            _("%(who)s submitted a QA review: %(target)s — score %(score)s, critical fail")
            if e.data.get("critical_fail")
            else _("%(who)s submitted a QA review: %(target)s — score %(score)s")
        )
        % {"who": who, "target": e.target_label, "score": e.data["score"]}
    ),
    "qa.review.rescored": lambda e, who: (
        _("The review was rescored after the dispute: %(before)s → %(after)s")
        % {"before": e.data["score_before"], "after": e.data["score_after"]}
    ),
}


def _fallback(event: AuditEvent, who: str) -> str:
    """ "alice@acme.test: api key revoked — Zendesk push" from the action's own words."""
    words = event.action.replace("_", " ").split(".")
    what = " ".join(w for w in words if w).strip() or _("did something")
    line = f"{who}: {what}"
    return f"{line} — {event.target_label}" if event.target_label else line


def audit_sentence(event: AuditEvent) -> str:
    who = actor_name(event)
    build = SENTENCES.get(event.action)
    if build is None:
        return _fallback(event, who)
    try:
        return build(event, who)
    except (KeyError, TypeError, ValueError):  # an older event without the expected details
        return _fallback(event, who)
