"""The seller's ranked candidates for a job: compact cards, each signal saying what is missing, and, for a job
without candidates, which hard filter removed how many freelancers.

Everything here reads what the page has already loaded (the job and the profiles with their prefetched
relations, the ranking's signals), so a page costs the same queries with one candidate or twenty. Two figures
are recovered exactly from the stored integer signals instead of being recomputed: a signal is
``floor(part × 10,000 / whole)`` with ``whole`` below 10,000, so ``part = ceil(signal × whole / 10,000)``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .matching import availability
from .matching.funnel import Funnel, job_funnel
from .matching.index import quality_of
from .matching.scoring import FULL, Candidate, Signal
from .models import CEFR, JobPost


def recovered(signal: int, whole: int) -> int:
    """The ``part`` of ``signal = floor(part × FULL / whole)`` (exact for ``0 < whole < FULL``)."""
    return -(-signal * whole // FULL)


def _hours(quarters: int) -> str:
    return str(quarters // 4) if quarters % 4 == 0 else str(Decimal(quarters) / 4)


def _names(items) -> str:
    return ", ".join(sorted(str(x) for x in items))


@dataclass
class Explained:
    signal: Signal
    detail: str


@dataclass
class Card:
    candidate: Candidate
    languages: list[str]
    signals: list[Explained] = field(default_factory=list)

    @property
    def profile(self):
        return self.candidate.profile


def _level(level: int) -> str:
    return CEFR(level).label.split(" ")[0]


class JobFacts:
    """The job's side of every explanation, read once per page from the prefetched job."""

    def __init__(self, job: JobPost, week_start: dt.date):
        skills = list(job.skills.all())
        self.job = job
        self.required = {js.skill_id: js.skill.name for js in skills if js.required}
        self.nice = {js.skill_id: js.skill.name for js in skills if not js.required}
        self.channels = {c.pk: c.name for c in job.channels.all()}
        self.tools = {t.pk: t.name for t in job.tools.all()}
        windows = [availability.as_window(w.weekday, w.start, w.end) for w in job.windows.all()]
        self.slots = availability.week_bits(job.timezone, windows, week_start).bit_count() if windows else 0

    def skills(self, profile, value: int) -> str:
        held = {ps.skill_id for ps in profile.skills.all()}
        if not self.required and not self.nice:
            return _("The job lists no skills.")
        missing = [name for pk, name in self.required.items() if pk not in held]
        missing_nice = [name for pk, name in self.nice.items() if pk not in held]
        if not missing and not missing_nice:
            return _("Has every required and nice-to-have skill.")
        parts = []
        if missing:
            parts.append(_("Missing required: %(names)s.") % {"names": _names(missing)})
        if missing_nice:
            parts.append(_("Missing nice-to-have: %(names)s.") % {"names": _names(missing_nice)})
        return " ".join(parts)

    def overlap(self, profile, value: int) -> str:
        if not self.slots:
            return _("The job has no coverage windows yet.")
        covered = recovered(value, self.slots)
        return _("Available for %(covered)s of the %(total)s coverage hours a week.") % {
            "covered": _hours(covered),
            "total": _hours(self.slots),
        }

    def rate(self, profile, value: int) -> str:
        job = self.job
        return _("Asks %(rate)s %(currency)s an hour; the range is %(low)s–%(high)s.") % {
            "rate": profile.hourly_rate,
            "currency": profile.currency,
            "low": job.rate_min,
            "high": job.rate_max,
        }

    def quality(self, profile, value: int) -> str:
        if profile.iqs_90d is not None and profile.iqs_review_count > 0:
            return ngettext(
                "IQS %(iqs)s over %(n)s QA review (90 days).",
                "IQS %(iqs)s over %(n)s QA reviews (90 days).",
                profile.iqs_review_count,
            ) % {"iqs": profile.iqs_90d, "n": profile.iqs_review_count}
        if quality_of(profile) is None:
            return _("No QA reviews and no vetting score yet.")
        return _("Vetting score %(score)s (no QA reviews in 90 days yet).") % {"score": profile.vetting_score}

    def reliability(self, profile, value: int) -> str:
        if profile.reliability is None:
            return _("No final timesheets yet: counted as %(default)s %%.") % {
                "default": settings.MATCHING_DEFAULT_RELIABILITY
            }
        return _("Submitted %(share)s %% of the last 12 weeks' timesheets themselves.") % {"share": profile.reliability}

    def experience(self, profile, value: int) -> str:
        if not self.channels and not self.tools:
            return _("The job lists no channels or tools.")
        known_c = {c.pk for c in profile.channels.all()}
        known_t = {t.pk for t in profile.tools.all()}
        missing_c = [name for pk, name in self.channels.items() if pk not in known_c]
        missing_t = [name for pk, name in self.tools.items() if pk not in known_t]
        if not missing_c and not missing_t:
            return _("Knows every channel and tool of the job.")
        parts = []
        if missing_c:
            parts.append(_("Missing channels: %(names)s.") % {"names": _names(missing_c)})
        if missing_t:
            parts.append(_("Missing tools: %(names)s.") % {"names": _names(missing_t)})
        return " ".join(parts)

    def hours(self, profile, value: int) -> str:
        hours = self.job.hours_per_week
        if value >= FULL:
            return _("Has the job's %(hours)s weekly hours free.") % {"hours": hours}
        return _("Has %(free)s of the job's %(hours)s weekly hours free.") % {
            "free": recovered(value, hours),
            "hours": hours,
        }

    def card(self, candidate: Candidate) -> Card:
        profile = candidate.profile
        languages = [f"{pl.language.name} {_level(pl.level)}" for pl in profile.languages.all()]
        card = Card(candidate=candidate, languages=languages)
        for signal in candidate.breakdown:
            detail = getattr(self, signal.key)(profile, candidate.signals[signal.key])
            card.signals.append(Explained(signal=signal, detail=detail))
        return card


def cards(job: JobPost, candidates: list[Candidate], week_start: dt.date) -> list[Card]:
    facts = JobFacts(job, week_start)
    return [facts.card(c) for c in candidates]


@dataclass(frozen=True)
class FunnelLine:
    key: str
    text: str
    kept: int
    removed: int


def explain_funnel(job: JobPost) -> tuple[Funnel, list[FunnelLine]]:
    """The hard filters in order, each with how many freelancers it kept and removed (one query)."""
    funnel = job_funnel(job.pk)
    languages = ", ".join(f"{jl.language.name} {_level(jl.min_level)}" for jl in job.languages.all())
    need = -(-job.hours_per_week * settings.MATCHING_MIN_HOURS_PERCENT // 100)
    texts = {
        "approved": _("approved by vetting"),
        "languages": (_("speak %(languages)s or better") % {"languages": languages})
        if languages
        else _("no language required"),
        "hours": _("have at least %(need)s weekly hours free (%(percent)s %% of the job's %(hours)s)")
        % {"need": need, "percent": settings.MATCHING_MIN_HOURS_PERCENT, "hours": job.hours_per_week},
        "rate": _("ask at most %(ceiling)s %(currency)s an hour") % {"ceiling": job.rate_max, "currency": job.currency},
    }
    lines = [FunnelLine(s.key, texts[s.key], s.kept, s.removed) for s in funnel.steps]
    return funnel, lines
