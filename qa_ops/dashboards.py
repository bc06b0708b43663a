"""Dashboard data: every chart is one aggregate in SQL over the actor's scope, returned as columns + rows.

The same rows feed the SVG chart, the CSV export and the API, so what is drawn is what is downloaded.
Scope: QA staff see everything; a seller's members see their seller's reviews; a freelancer sees reviews of
their own conversations at sellers they work (or worked) for. Calibration and vetting reviews never count.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import (
    Avg,
    Count,
    Max,
    Q,
    QuerySet,
)
from django.db.models.functions import TruncWeek
from django.utils import timezone

from accounts.access import is_user, organization_ids, scoped
from qa_scoring.models import Conversation, CriterionScore, Dispute, Review, ReviewKind, ReviewStatus
from qa_scoring.scoring import DEFAULT_PASS_MARK
from qa_scoring.selectors import _freelancer_conversation_q, is_qa_staff

from .models import AssignmentStatus, CalibrationSession, CalibrationStatus, ReviewAssignment

CHARTS = ("iqs_trend", "heatmap", "critical_fails", "throughput", "disputes", "csat_scatter", "calibration_alpha")
SCATTER_LIMIT = 2000  # newest points drawn on the CSAT scatter


@dataclass(frozen=True)
class Filters:
    start: dt.datetime
    end: dt.datetime
    organization_id: int | None = None
    freelancer_id: int | None = None
    rubric_version_id: int | None = None
    group: str = "overall"  # iqs_trend: overall | seller | freelancer

    @classmethod
    def default(cls, *, now: dt.datetime | None = None, **kw: Any) -> Filters:
        end = (now or timezone.now()) + dt.timedelta(seconds=1)
        return cls(start=end - dt.timedelta(weeks=settings.QA_OPS_DASHBOARD_WEEKS), end=end, **kw)


@dataclass
class Chart:
    key: str
    title: str
    columns: list[str]
    rows: list[list[Any]]
    extra: dict[str, Any]


def is_freelancer_only(actor: Any) -> bool:
    return not is_qa_staff(actor) and not organization_ids(actor)


def reviews(actor: Any, f: Filters) -> QuerySet[Review]:
    """Submitted production reviews the actor may see, filtered."""
    qs = Review.objects.filter(
        kind=ReviewKind.PRODUCTION,
        status=ReviewStatus.SUBMITTED,
        submitted_at__gte=f.start,
        submitted_at__lt=f.end,
    )
    if not is_qa_staff(actor):
        orgs = organization_ids(actor)
        if orgs:
            # Seller members: their sellers' reviews (an OR with the freelancer clause would defeat the indexes).
            qs = qs.filter(conversation__organization_id__in=orgs)
        elif is_user(actor):
            own = Conversation.objects.filter(_freelancer_conversation_q(actor)).values("pk")
            qs = qs.filter(conversation_id__in=own)
        else:
            qs = qs.none()
    if f.organization_id:
        qs = qs.filter(conversation__organization_id=f.organization_id)
    if f.freelancer_id:
        qs = qs.filter(conversation__freelancer_id=f.freelancer_id)
    if f.rubric_version_id:
        qs = qs.filter(rubric_version_id=f.rubric_version_id)
    return qs


def _week(value: dt.datetime | dt.date | None) -> str:
    return value.date().isoformat() if isinstance(value, dt.datetime) else (value.isoformat() if value else "")


def _dec(value: Any, places: str = "0.01") -> Decimal | None:
    return None if value is None else Decimal(value).quantize(Decimal(places))


def iqs_trend(actor: Any, f: Filters) -> Chart:
    group = f.group if f.group in ("overall", "seller", "freelancer") else "overall"
    if is_freelancer_only(actor):
        group = "overall"
    fields = {
        "overall": [],
        "seller": ["conversation__organization__name"],
        "freelancer": ["conversation__freelancer__user__email"],
    }[group]
    rows = (
        reviews(actor, f)
        .annotate(week=TruncWeek("submitted_at"))
        .values("week", *fields)
        .annotate(iqs=Avg("score"), n=Count("id"), pass_mark=Max("rubric_version__rubric__pass_mark"))
        .order_by("week", *fields)
    )
    out = []
    pass_mark = None
    for row in rows:
        pass_mark = row["pass_mark"] if pass_mark is None else max(pass_mark, row["pass_mark"])
        label = row[fields[0]] if fields else "All"
        out.append([_week(row["week"]), label or "—", _dec(row["iqs"]), row["n"]])
    return Chart(
        "iqs_trend",
        "IQS trend",
        ["week", group, "iqs", "reviews"],
        out,
        {"pass_mark": pass_mark if pass_mark is not None else DEFAULT_PASS_MARK, "group": group},
    )


def heatmap(actor: Any, f: Filters) -> Chart:
    """Average points lost per criterion and freelancer: weight × (max − avg value) / (max − min).

    Points lost are linear in the value, so the database averages raw values per (freelancer, criterion) —
    one narrow GROUP BY over the joined scores — and the weights are applied to the few result rows.
    """
    from marketplace.models import FreelancerProfile
    from qa_scoring.models import Criterion

    rows = list(
        CriterionScore.objects.filter(review__in=reviews(actor, f), value__isnull=False)
        .values("review__conversation__freelancer_id", "criterion_id")
        .annotate(avg=Avg("value"), n=Count("id"))
        .order_by()
    )
    criteria = {
        c.pk: c
        for c in Criterion.objects.filter(pk__in={r["criterion_id"] for r in rows}).only(
            "key", "weight", "scale_min", "scale_max"
        )
    }
    people = dict(
        FreelancerProfile.objects.filter(pk__in={r["review__conversation__freelancer_id"] for r in rows}).values_list(
            "pk", "user__email"
        )
    )
    out = []
    for r in rows:
        c = criteria[r["criterion_id"]]
        lost = Decimal(c.weight) * (c.scale_max - Decimal(r["avg"])) / (c.scale_max - c.scale_min)
        out.append([people.get(r["review__conversation__freelancer_id"], "—"), c.key, _dec(lost), r["n"]])
    out.sort(key=lambda row: (row[0], row[1]))
    return Chart(
        "heatmap", "Points lost by criterion", ["freelancer", "criterion", "avg_points_lost", "scores"], out, {}
    )


def critical_fails(actor: Any, f: Filters) -> Chart:
    rows = (
        reviews(actor, f)
        .annotate(week=TruncWeek("submitted_at"))
        .values("week")
        .annotate(n=Count("id"), fails=Count("id", filter=Q(critical_fail=True)))
        .order_by("week")
    )
    out = [
        [_week(r["week"]), r["fails"], r["n"], _dec(Decimal(r["fails"] * 100) / r["n"], "0.1")] for r in rows if r["n"]
    ]
    return Chart("critical_fails", "Critical fails", ["week", "critical_fails", "reviews", "percent"], out, {})


def throughput(actor: Any, f: Filters) -> Chart:
    """Reviews submitted per reviewer in the period, with their open backlog and overdue assignments."""
    done = {
        r["reviewer__email"]: r["n"]
        for r in reviews(actor, f).values("reviewer__email").annotate(n=Count("id")).order_by()
    }
    assignments = scoped(ReviewAssignment, actor).filter(status=AssignmentStatus.OPEN, reviewed=False)
    if f.organization_id:
        assignments = assignments.filter(organization_id=f.organization_id)
    now = timezone.now()
    backlog = {
        r["reviewer__email"]: (r["open"], r["overdue"])
        for r in assignments.values("reviewer__email")
        .annotate(open=Count("id"), overdue=Count("id", filter=Q(due_at__lt=now)))
        .order_by()
    }
    out = [
        [email, done.get(email, 0), backlog.get(email, (0, 0))[0], backlog.get(email, (0, 0))[1]]
        for email in sorted(set(done) | set(backlog))
    ]
    return Chart("throughput", "Reviewer throughput and backlog", ["reviewer", "submitted", "open", "overdue"], out, {})


def disputes(actor: Any, f: Filters) -> Chart:
    per_week = {
        _week(r["week"]): r["n"]
        for r in reviews(actor, f).annotate(week=TruncWeek("submitted_at")).values("week").annotate(n=Count("id"))
    }
    rows = (
        Dispute.objects.filter(review__in=reviews(actor, f).values("pk"))
        .annotate(week=TruncWeek("review__submitted_at"))
        .values("week")
        .annotate(
            n=Count("id"),
            open=Count("id", filter=Q(status="open")),
            accepted=Count("id", filter=Q(status="accepted")),
            partly=Count("id", filter=Q(status="partly_accepted")),
            rejected=Count("id", filter=Q(status="rejected")),
        )
        .order_by("week")
    )
    found = {_week(r["week"]): r for r in rows}
    out = []
    for week in sorted(set(per_week) | set(found)):
        r = found.get(week, {"n": 0, "open": 0, "accepted": 0, "partly": 0, "rejected": 0})
        n_reviews = per_week.get(week, 0)
        rate = _dec(Decimal(r["n"] * 100) / n_reviews, "0.1") if n_reviews else None
        out.append([week, n_reviews, r["n"], rate, r["open"], r["accepted"], r["partly"], r["rejected"]])
    return Chart(
        "disputes",
        "Dispute rate and outcomes",
        ["week", "reviews", "disputes", "rate_percent", "open", "accepted", "partly_accepted", "rejected"],
        out,
        {},
    )


def csat_scatter(actor: Any, f: Filters) -> Chart:
    rows = (
        reviews(actor, f)
        .filter(conversation__csat__isnull=False)
        .order_by("-submitted_at", "-id")
        .values_list("conversation_id", "conversation__csat", "score")[:SCATTER_LIMIT]
    )
    out = [[cid, csat, score] for cid, csat, score in rows]
    return Chart("csat_scatter", "CSAT vs QA score", ["conversation", "csat", "score"], out, {"limit": SCATTER_LIMIT})


def calibration_alpha(actor: Any, f: Filters) -> Chart:
    qs = scoped(CalibrationSession, actor).filter(
        status=CalibrationStatus.CLOSED, closed_at__gte=f.start, closed_at__lt=f.end
    )
    if f.organization_id:
        qs = qs.filter(organization_id=f.organization_id)
    if f.rubric_version_id:
        qs = qs.filter(rubric_version_id=f.rubric_version_id)
    out = []
    for pk, title, closed_at, results in qs.order_by("closed_at", "id").values_list(
        "pk", "title", "closed_at", "results"
    ):
        alpha = (results or {}).get("alpha", {}).get("value")
        out.append([closed_at.date().isoformat(), pk, title, alpha, (results or {}).get("raters")])
    return Chart(
        "calibration_alpha", "Calibration alpha over time", ["closed", "session", "title", "alpha", "raters"], out, {}
    )


BUILDERS = {
    "iqs_trend": iqs_trend,
    "heatmap": heatmap,
    "critical_fails": critical_fails,
    "throughput": throughput,
    "disputes": disputes,
    "csat_scatter": csat_scatter,
    "calibration_alpha": calibration_alpha,
}


def chart(actor: Any, key: str, f: Filters) -> Chart:
    return BUILDERS[key](actor, f)


def charts_for(actor: Any, f: Filters) -> list[Chart]:
    """A freelancer sees only their own IQS trend against the pass mark."""
    if is_freelancer_only(actor):
        return [iqs_trend(actor, f)]
    return [BUILDERS[key](actor, f) for key in CHARTS]


def allowed_charts(actor: Any) -> tuple[str, ...]:
    return ("iqs_trend",) if is_freelancer_only(actor) else CHARTS
