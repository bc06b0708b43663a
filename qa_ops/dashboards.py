"""Dashboard data: every chart is one aggregate in SQL over the actor's scope, returned as columns + rows.

The same rows feed the SVG chart, the CSV export and the API, so what is drawn is what is downloaded.
Scope: QA staff see everything; a seller's members see their seller's reviews; a freelancer sees reviews of
their own conversations at sellers they work (or worked) for. Calibration and vetting reviews never count.

The review charts read the weekly roll-ups (``qa_scoring.rollups``), never the raw reviews, so their cost
depends on the number of weeks × sellers × freelancers in the period, not on the number of reviews; a period
therefore covers whole ISO weeks: every week that overlaps it counts in full. The CSAT scatter reads its capped
raw points and calibration alpha its closed sessions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from accounts.access import is_user, organization_ids, scoped
from qa_scoring.models import CriterionRollup, Review, ReviewKind, ReviewRollup, ReviewStatus
from qa_scoring.rollups import period_pieces, week_of
from qa_scoring.scoring import DEFAULT_PASS_MARK
from qa_scoring.selectors import _freelancer_conversation_q, is_qa_staff

from .models import AssignmentStatus, CalibrationSession, CalibrationStatus, ReviewAssignment

CHARTS = ("iqs_trend", "heatmap", "critical_fails", "throughput", "disputes", "csat_scatter", "calibration_alpha")
HEATMAP_TITLE = "Points lost by criterion"
HEATMAP_COLUMNS = ["freelancer", "criterion", "avg_points_lost", "scores"]
SCATTER_LIMIT = 2000  # newest points drawn on the CSAT scatter
WEEK = dt.timedelta(days=7)


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
        """The last ``QA_OPS_DASHBOARD_WEEKS`` ISO weeks, the current one included."""
        monday = week_of(now or timezone.now())
        end = timezone.make_aware(dt.datetime.combine(monday + WEEK, dt.time()))
        return cls(start=end - WEEK * settings.QA_OPS_DASHBOARD_WEEKS, end=end, **kw)

    @property
    def weeks(self) -> tuple[dt.date, dt.date]:
        """First and last Monday of the ISO weeks the period overlaps."""
        return week_of(self.start), week_of(max(self.start, self.end - dt.timedelta(microseconds=1)))

    def whole_weeks(self) -> Filters:
        """The same filters with the period widened to the whole ISO weeks it overlaps."""
        first, last = self.weeks
        start = timezone.make_aware(dt.datetime.combine(first, dt.time()))
        return replace(self, start=start, end=timezone.make_aware(dt.datetime.combine(last + WEEK, dt.time())))


@dataclass
class Chart:
    key: str
    title: str
    columns: list[str]
    rows: list[list[Any]]
    extra: dict[str, Any]


def is_freelancer_only(actor: Any) -> bool:
    return not is_qa_staff(actor) and not organization_ids(actor)


def rollups(model: type[ReviewRollup] | type[CriterionRollup], actor: Any, f: Filters) -> QuerySet:
    """Roll-up rows of the weeks in the period that the actor may see, filtered."""
    first, last = f.weeks
    return scoped_rollups(model.objects.filter(week__gte=first, week__lte=last), actor, f)


def scoped_rollups(qs: QuerySet, actor: Any, f: Filters) -> QuerySet:
    """Roll-up rows (weekly or block) the actor may see, narrowed by the seller, freelancer and version filters."""
    from marketplace.models import Contract, FreelancerProfile

    if not is_qa_staff(actor):
        orgs = organization_ids(actor)
        if orgs:
            qs = qs.filter(organization_id__in=orgs)
        elif is_user(actor):
            # Their own conversations at sellers they have (or had) a contract with.
            qs = qs.filter(
                freelancer_id__in=FreelancerProfile.objects.filter(user=actor).values("pk"),
                organization_id__in=Contract.objects.filter(freelancer__user=actor).values("organization_id"),
            )
        else:
            qs = qs.none()
    if f.organization_id:
        qs = qs.filter(organization_id=f.organization_id)
    if f.freelancer_id:
        qs = qs.filter(freelancer_id=f.freelancer_id)
    if f.rubric_version_id:
        qs = qs.filter(rubric_version_id=f.rubric_version_id)
    return qs


def _week(value: dt.datetime | dt.date | None) -> str:
    return value.date().isoformat() if isinstance(value, dt.datetime) else (value.isoformat() if value else "")


def _dec(value: Any, places: str = "0.01") -> Decimal | None:
    return None if value is None else Decimal(value).quantize(Decimal(places))


def _mean(total: Any, n: int) -> Decimal | None:
    return _dec(Decimal(total) / n) if n else None


def iqs_trend(actor: Any, f: Filters) -> Chart:
    from accounts.models import Organization
    from marketplace.models import FreelancerProfile
    from qa_scoring.models import RubricVersion

    group = f.group if f.group in ("overall", "seller", "freelancer") else "overall"
    if is_freelancer_only(actor):
        group = "overall"
    qs = rollups(ReviewRollup, actor, f)
    fields: list[str] = []
    if group == "seller":
        qs = qs.annotate(label=Subquery(Organization.objects.filter(pk=OuterRef("organization_id")).values("name")))
        fields = ["label"]
    elif group == "freelancer":
        qs = qs.annotate(
            label=Subquery(FreelancerProfile.objects.filter(pk=OuterRef("freelancer_id")).values("user__email"))
        )
        fields = ["label"]
    rows = (
        qs.values("week", *fields)
        .annotate(n=Sum("reviews"), scored=Sum("scored"), total=Sum("score_sum"))
        .filter(n__gt=0)
        .order_by("week", *fields)
    )
    out = [
        [_week(row["week"]), (row["label"] or "—") if fields else "All", _mean(row["total"], row["scored"]), row["n"]]
        for row in rows
    ]
    pass_mark = None
    if out:
        versions = rollups(ReviewRollup, actor, f).filter(reviews__gt=0).values("rubric_version_id")
        pass_mark = RubricVersion.objects.filter(pk__in=versions).aggregate(m=Max("rubric__pass_mark"))["m"]
    return Chart(
        "iqs_trend",
        "IQS trend",
        ["week", group, "iqs", "reviews"],
        out,
        {"pass_mark": pass_mark if pass_mark is not None else DEFAULT_PASS_MARK, "group": group},
    )


def heatmap(actor: Any, f: Filters) -> Chart:
    """Average points lost per criterion and freelancer: weight × (max − avg value) / (max − min).

    Points lost are linear in the value, so the roll-ups keep the sum and count of rated values. The period's
    weeks are read as whole 16- and 4-week blocks plus the single weeks at its edges (``period_pieces``); the
    database sums those rows per (freelancer, criterion) and joins the criteria and e-mails to the result
    rows; the exact fraction is rounded to cents here (half to even, as ``Decimal.quantize``).
    """
    from django.contrib.auth import get_user_model
    from django.db import connection

    from marketplace.models import FreelancerProfile
    from qa_scoring.models import Criterion, CriterionBlockRollup

    blocks, singles = period_pieces(*f.weeks)
    parts = []
    if singles:
        parts.append(scoped_rollups(CriterionRollup.objects.filter(week__in=singles), actor, f))
    for size in sorted({n for n, _ in blocks}):
        starts = [start for n, start in blocks if n == size]
        parts.append(scoped_rollups(CriterionBlockRollup.objects.filter(weeks=size, start__in=starts), actor, f))
    if not parts:
        return Chart("heatmap", HEATMAP_TITLE, HEATMAP_COLUMNS, [], {})
    queries = [p.values_list("freelancer_id", "criterion_id", "scores", "value_sum").order_by().query for p in parts]
    compiled = [query.sql_with_params() for query in queries]
    # The ORM's own SQL for each piece; every value is a parameter.
    union = " UNION ALL ".join(f"SELECT * FROM ({sql}) p{i}" for i, (sql, _) in enumerate(compiled))  # noqa: S608
    params = [param for _, ps in compiled for param in ps]
    q = connection.ops.quote_name
    tables = {
        "criteria": q(Criterion._meta.db_table),
        "profiles": q(FreelancerProfile._meta.db_table),
        "users": q(get_user_model()._meta.db_table),
    }
    # Code-point order, as Python sorts strings (PostgreSQL's "C" collation; SQLite compares bytes anyway).
    binary = ' COLLATE "C"' if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COALESCE(u.email, %s), c.key, c.weight, c.scale_min, c.scale_max, s.n, s.total, "  # noqa: S608
            "c.label, u.full_name "
            "FROM (SELECT r.freelancer_id, r.criterion_id, CAST(SUM(r.scores) AS BIGINT) AS n, "
            "CAST(SUM(r.value_sum) AS BIGINT) AS total "
            f"FROM ({union}) r GROUP BY r.freelancer_id, r.criterion_id) s "
            f"JOIN {tables['criteria']} c ON c.id = s.criterion_id "
            f"LEFT JOIN {tables['profiles']} p ON p.id = s.freelancer_id "
            f"LEFT JOIN {tables['users']} u ON u.id = p.user_id "
            f"ORDER BY COALESCE(u.email, %s){binary}, c.key{binary}, c.id",
            ["—", *params, "—"],
        )
        rows = cursor.fetchall()
    rows = [row for row in rows if row[5]]  # n = 0: every rated value of the cell was taken back
    out = [
        [label, key, points_lost(weight, bottom, top, n, total), n]
        for label, key, weight, bottom, top, n, total, _, _ in rows
    ]
    # What the drawn heat map shows: criterion labels and freelancer names (the CSV keeps keys and e-mails).
    labels = {row[1]: row[7] for row in rows}
    names = {row[0]: row[8] or row[0] for row in rows}
    return Chart("heatmap", HEATMAP_TITLE, HEATMAP_COLUMNS, out, {"labels": labels, "names": names})


def points_lost(weight: int, bottom: int, top: int, n: int, total: int) -> Decimal:
    """weight × (top − total / n) / (top − bottom) to the cent, exactly: integer arithmetic, half to even."""
    numerator, denominator = 100 * weight * (top * n - total), (top - bottom) * n
    cents, rest = divmod(numerator, denominator)
    if 2 * rest > denominator or (2 * rest == denominator and cents % 2):
        cents += 1
    return Decimal(cents).scaleb(-2)


@dataclass(frozen=True)
class Headline:
    """The period at a glance: the same sums as the IQS trend and dispute charts, over the whole period."""

    iqs: Decimal | None
    reviews: int
    passed: int
    pass_rate: Decimal | None  # percent of reviews at or above their rubric's pass mark
    disputes: int
    dispute_rate: Decimal | None  # percent of reviews disputed


def headline(actor: Any, f: Filters) -> Headline:
    """IQS, reviews and disputes from the weekly roll-ups (as the charts); reviews passed from the reviews.

    The roll-ups keep no count of passed reviews (a rubric's pass mark may change), so that one figure counts
    the period's reviews against their rubric's pass mark, in the same scope and whole weeks.
    """
    from django.db.models import F

    sums = rollups(ReviewRollup, actor, f).aggregate(
        n=Sum("reviews"),
        scored=Sum("scored"),
        total=Sum("score_sum"),
        disputes=Sum(F("disputes_open") + F("disputes_accepted") + F("disputes_partly") + F("disputes_rejected")),
    )
    n = sums["n"] or 0
    passed = 0
    if n:
        passed = (
            reviews(actor, f.whole_weeks())
            .filter(score__gte=F("rubric_version__rubric__pass_mark"))
            .aggregate(k=Count("pk"))["k"]
        )
    disputed = sums["disputes"] or 0
    return Headline(
        iqs=_mean(sums["total"], sums["scored"] or 0),
        reviews=n,
        passed=passed,
        pass_rate=_dec(Decimal(passed * 100) / n, "0.1") if n else None,
        disputes=disputed,
        dispute_rate=_dec(Decimal(disputed * 100) / n, "0.1") if n else None,
    )


def critical_fails(actor: Any, f: Filters) -> Chart:
    rows = (
        rollups(ReviewRollup, actor, f)
        .values("week")
        .annotate(n=Sum("reviews"), fails=Sum("critical_fails"))
        .filter(n__gt=0)
        .order_by("week")
    )
    out = [[_week(r["week"]), r["fails"], r["n"], _dec(Decimal(r["fails"] * 100) / r["n"], "0.1")] for r in rows]
    return Chart("critical_fails", "Critical fails", ["week", "critical_fails", "reviews", "percent"], out, {})


def throughput(actor: Any, f: Filters) -> Chart:
    """Reviews submitted per reviewer in the period, with their open backlog and overdue assignments."""
    from django.contrib.auth import get_user_model

    counts = dict(
        rollups(ReviewRollup, actor, f).values_list("reviewer_id").annotate(n=Sum("reviews")).filter(n__gt=0).order_by()
    )
    emails = dict(get_user_model().objects.filter(pk__in=counts).values_list("pk", "email"))
    done = {emails[pk]: n for pk, n in counts.items()}
    # Open assignments not yet reviewed ("reviewed" is an EXISTS on the reviews), counted per reviewer in SQL.
    assignments = scoped(ReviewAssignment, actor).filter(status=AssignmentStatus.OPEN, reviewed=False)
    if f.organization_id:
        assignments = assignments.filter(organization_id=f.organization_id)
    backlog: dict[str, tuple[int, int]] = {
        email: (n_open, n_overdue)
        for email, n_open, n_overdue in assignments.values("reviewer__email")
        .annotate(n_open=Count("pk"), n_overdue=Count("pk", filter=Q(due_at__lt=timezone.now())))
        .values_list("reviewer__email", "n_open", "n_overdue")
        .order_by()
    }
    out = [
        [email, done.get(email, 0), backlog.get(email, (0, 0))[0], backlog.get(email, (0, 0))[1]]
        for email in sorted(set(done) | set(backlog))
    ]
    return Chart("throughput", "Reviewer throughput and backlog", ["reviewer", "submitted", "open", "overdue"], out, {})


def disputes(actor: Any, f: Filters) -> Chart:
    rows = (
        rollups(ReviewRollup, actor, f)
        .values("week")
        .annotate(
            n_reviews=Sum("reviews"),
            open=Sum("disputes_open"),
            accepted=Sum("disputes_accepted"),
            partly=Sum("disputes_partly"),
            rejected=Sum("disputes_rejected"),
        )
        .filter(n_reviews__gt=0)
        .order_by("week")
    )
    out = []
    for r in rows:
        n = r["open"] + r["accepted"] + r["partly"] + r["rejected"]
        rate = _dec(Decimal(n * 100) / r["n_reviews"], "0.1")
        out.append([_week(r["week"]), r["n_reviews"], n, rate, r["open"], r["accepted"], r["partly"], r["rejected"]])
    return Chart(
        "disputes",
        "Dispute rate and outcomes",
        ["week", "reviews", "disputes", "rate_percent", "open", "accepted", "partly_accepted", "rejected"],
        out,
        {},
    )


def reviews(actor: Any, f: Filters):
    """Submitted production reviews the actor may see, filtered (raw; the CSAT scatter's capped points)."""
    from qa_scoring.models import Conversation

    qs = Review.objects.filter(
        kind=ReviewKind.PRODUCTION,
        status=ReviewStatus.SUBMITTED,
        submitted_at__gte=f.start,
        submitted_at__lt=f.end,
    )
    if not is_qa_staff(actor):
        orgs = organization_ids(actor)
        if orgs:
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


def csat_scatter(actor: Any, f: Filters) -> Chart:
    rows = (
        reviews(actor, f.whole_weeks())
        .filter(conversation__csat__isnull=False)
        .order_by("-submitted_at", "-id")
        .values_list("conversation_id", "conversation__csat", "score")[:SCATTER_LIMIT]
    )
    out = [[cid, csat, score] for cid, csat, score in rows]
    return Chart("csat_scatter", "CSAT vs QA score", ["conversation", "csat", "score"], out, {"limit": SCATTER_LIMIT})


def calibration_alpha(actor: Any, f: Filters) -> Chart:
    f = f.whole_weeks()
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
