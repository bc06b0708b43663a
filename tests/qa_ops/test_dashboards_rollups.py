"""The dashboards read the weekly roll-ups; their rows equal the raw aggregation they replaced.

``reference_*`` below is the previous implementation (every chart aggregated the raw reviews per request),
kept as the specification: over whole ISO weeks the roll-up charts must give exactly its rows.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
from django.db.models import Avg, Count, Max, Q, QuerySet
from django.db.models.functions import TruncWeek
from django.utils import timezone

from accounts.access import forget_cached_access, is_user, organization_ids, scoped
from qa_ops import dashboards
from qa_ops.dashboards import Chart, Filters, is_freelancer_only
from qa_ops.models import AssignmentStatus, ReviewAssignment
from qa_scoring import services
from qa_scoring.models import Conversation, CriterionScore, Dispute, Review, ReviewKind, ReviewStatus
from qa_scoring.rollups import period_pieces
from qa_scoring.scoring import DEFAULT_PASS_MARK
from qa_scoring.selectors import _freelancer_conversation_q, is_qa_staff
from qa_scoring.services import Grade
from tests.marketplace.factories import ContractFactory, FreelancerProfileFactory
from tests.qa_scoring.factories import ConversationFactory
from tests.qa_scoring.grades import MIXED, PERFECT

pytestmark = pytest.mark.django_db

MON = dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC)

# --- the reference: raw aggregation per request (the previous qa_ops/dashboards.py)


def reference_reviews(actor: Any, f: Filters) -> QuerySet[Review]:
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


def reference_iqs_trend(actor: Any, f: Filters) -> Chart:
    group = f.group if f.group in ("overall", "seller", "freelancer") else "overall"
    if is_freelancer_only(actor):
        group = "overall"
    fields = {
        "overall": [],
        "seller": ["conversation__organization__name"],
        "freelancer": ["conversation__freelancer__user__email"],
    }[group]
    rows = (
        reference_reviews(actor, f)
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


def reference_heatmap(actor: Any, f: Filters) -> Chart:
    """Average points lost per criterion and freelancer: weight × (max − avg value) / (max − min).

    Points lost are linear in the value, so the database averages raw values per (freelancer, criterion) —
    one narrow GROUP BY over the joined scores — and the weights are applied to the few result rows.
    """
    from marketplace.models import FreelancerProfile
    from qa_scoring.models import Criterion

    rows = list(
        CriterionScore.objects.filter(review__in=reference_reviews(actor, f), value__isnull=False)
        .values("review__conversation__freelancer_id", "criterion_id")
        .annotate(avg=Avg("value"), n=Count("id"))
        .order_by()
    )
    criteria = {
        c.pk: c
        for c in Criterion.objects.filter(pk__in={r["criterion_id"] for r in rows}).only(
            "key", "label", "weight", "scale_min", "scale_max"
        )
    }
    profiles = FreelancerProfile.objects.filter(pk__in={r["review__conversation__freelancer_id"] for r in rows})
    people = dict(profiles.values_list("pk", "user__email"))
    names = dict(profiles.values_list("user__email", "user__full_name"))
    out = []
    for r in rows:
        c = criteria[r["criterion_id"]]
        lost = Decimal(c.weight) * (c.scale_max - Decimal(r["avg"])) / (c.scale_max - c.scale_min)
        out.append([people.get(r["review__conversation__freelancer_id"], "—"), c.key, _dec(lost), r["n"]])
    out.sort(key=lambda row: (row[0], row[1]))
    extra = {
        "labels": {c.key: c.label for c in criteria.values()},
        "names": {row[0]: names.get(row[0]) or row[0] for row in out},
    }
    return Chart(
        "heatmap", "Points lost by criterion", ["freelancer", "criterion", "avg_points_lost", "scores"], out, extra
    )


def reference_critical_fails(actor: Any, f: Filters) -> Chart:
    rows = (
        reference_reviews(actor, f)
        .annotate(week=TruncWeek("submitted_at"))
        .values("week")
        .annotate(n=Count("id"), fails=Count("id", filter=Q(critical_fail=True)))
        .order_by("week")
    )
    out = [
        [_week(r["week"]), r["fails"], r["n"], _dec(Decimal(r["fails"] * 100) / r["n"], "0.1")] for r in rows if r["n"]
    ]
    return Chart("critical_fails", "Critical fails", ["week", "critical_fails", "reviews", "percent"], out, {})


def reference_throughput(actor: Any, f: Filters) -> Chart:
    """Reviews submitted per reviewer in the period, with their open backlog and overdue assignments."""
    done = {
        r["reviewer__email"]: r["n"]
        for r in reference_reviews(actor, f).values("reviewer__email").annotate(n=Count("id")).order_by()
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


def reference_disputes(actor: Any, f: Filters) -> Chart:
    per_week = {
        _week(r["week"]): r["n"]
        for r in reference_reviews(actor, f)
        .annotate(week=TruncWeek("submitted_at"))
        .values("week")
        .annotate(n=Count("id"))
    }
    rows = (
        Dispute.objects.filter(review__in=reference_reviews(actor, f).values("pk"))
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


REFERENCE = {
    "iqs_trend": reference_iqs_trend,
    "heatmap": reference_heatmap,
    "critical_fails": reference_critical_fails,
    "throughput": reference_throughput,
    "disputes": reference_disputes,
}


# --- a history through the services


def at(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def submit(reviewer, conversation, grades, moment):
    with at(moment):
        review = services.review_start(actor=reviewer, conversation=conversation)
        return services.review_submit(actor=reviewer, review=review, grades=grades)


@pytest.fixture
def history(org, other_org, contract, freelancer_profile, freelancer, reviewer, second_reviewer, seller_owner):
    finn = FreelancerProfileFactory(user__email="finn@freelance.test")
    ContractFactory(organization=org, freelancer=finn)
    ContractFactory(organization=other_org, freelancer=freelancer_profile)
    people = [freelancer_profile, finn, None]
    conversations = []
    for i in range(9):
        organization = other_org if i % 4 == 3 else org
        conversations.append(
            ConversationFactory(
                organization=organization, freelancer=people[i % 3], external_id=f"h{i}", csat=Decimal(10 * i)
            )
        )
    worse = {**MIXED, "correct_resolution": Grade(2), "no_personal_data": Grade(0)}  # a critical fail
    reviews = []
    for i, conversation in enumerate(conversations):
        for j, actor in enumerate((reviewer, second_reviewer)):
            if (i + j) % 3 == 2:
                continue
            grades = (PERFECT, MIXED, worse)[(i * 2 + j) % 3]
            reviews.append(submit(actor, conversation, grades, MON + dt.timedelta(days=i * 2 + j, hours=i)))
    # Disputes: one accepted (rescored), one rejected, one still open; one review deleted.
    for review, outcome in zip(reviews[:3], ["accepted", "rejected", None], strict=True):
        review = Review.objects.get(pk=review.pk)
        greeting = CriterionScore.objects.get(review=review, criterion__key="greeting").value
        with at(review.submitted_at + dt.timedelta(days=1)):
            dispute = services.dispute_open(actor=seller_owner, review=review, items={"greeting": "Not so."})
            if outcome:
                services.dispute_resolve(
                    actor=second_reviewer if review.reviewer_id == reviewer.pk else reviewer,
                    dispute=dispute,
                    outcome=outcome,
                    comment="Decided.",
                    new_values={"greeting": Grade(1 - greeting)} if outcome == "accepted" else {},
                )
    Review.objects.get(pk=reviews[4].pk).delete()
    # Calibration reviews never count.
    with at(MON):
        calibration = services.review_start(actor=reviewer, conversation=conversations[5], kind=ReviewKind.CALIBRATION)
        services.review_submit(actor=reviewer, review=calibration, grades=PERFECT)
    return {"finn": finn, "conversations": conversations}


def _actors(reviewer, seller_owner, outsider, freelancer, freelancer_no_contract):
    return {
        "staff": reviewer,
        "seller": seller_owner,
        "other seller": outsider,
        "freelancer": freelancer,
        "freelancer without contract": freelancer_no_contract,
    }


def _same(actor, f):
    for key, reference in REFERENCE.items():
        forget_cached_access(actor)
        got = dashboards.chart(actor, key, f)
        want = reference(actor, f.whole_weeks())
        assert (key, got.columns, got.rows, got.extra) == (key, want.columns, want.rows, want.extra)


def test_charts_equal_the_raw_aggregation(
    history,
    org,
    other_org,
    freelancer_profile,
    default_version,
    reviewer,
    seller_owner,
    outsider,
    freelancer,
    freelancer_no_contract,
):
    assert Review.objects.filter(kind="production", status="submitted").count() == 11
    start, end = MON + dt.timedelta(days=3, hours=5), MON + dt.timedelta(days=15, hours=1)  # not whole weeks
    variants = [
        Filters(start=start, end=end),
        Filters(start=MON - dt.timedelta(days=30), end=MON + dt.timedelta(days=60)),
        Filters(start=start, end=end, group="seller"),
        Filters(start=MON, end=MON + dt.timedelta(days=60), group="freelancer"),
        Filters(start=MON, end=MON + dt.timedelta(days=60), organization_id=org.pk),
        Filters(start=MON, end=MON + dt.timedelta(days=60), organization_id=other_org.pk, group="seller"),
        Filters(start=MON, end=MON + dt.timedelta(days=60), freelancer_id=freelancer_profile.pk),
        Filters(start=MON, end=MON + dt.timedelta(days=60), freelancer_id=history["finn"].pk, group="freelancer"),
        Filters(start=MON, end=MON + dt.timedelta(days=60), rubric_version_id=default_version.pk),
        Filters(start=MON, end=MON + dt.timedelta(days=60), rubric_version_id=default_version.pk + 1000),
        Filters(start=MON + dt.timedelta(days=90), end=MON + dt.timedelta(days=100)),
        # Long periods: the history lies inside whole 16-week blocks, or in 4-week blocks and edge weeks.
        Filters(start=MON - dt.timedelta(days=200), end=MON + dt.timedelta(days=200)),
        Filters(start=MON + dt.timedelta(days=8), end=MON + dt.timedelta(days=150), organization_id=org.pk),
        Filters(start=MON - dt.timedelta(days=120), end=MON + dt.timedelta(days=10)),
    ]
    # The long variants read the history from blocks: a 16-week one, and a 4-week one beside edge weeks.
    assert (16, dt.date(2026, 10, 5)) in period_pieces(*variants[-3].weeks)[0]
    assert period_pieces(*variants[-2].weeks)[0][0] == (4, dt.date(2026, 11, 30))
    actors = _actors(reviewer, seller_owner, outsider, freelancer, freelancer_no_contract)
    for f in variants:
        for actor in actors.values():
            _same(actor, f)
    # The data is not trivial: every chart has rows for QA staff over the whole history.
    wide = variants[1]
    for key in REFERENCE:
        assert dashboards.chart(reviewer, key, wide).rows
    assert dashboards.disputes(reviewer, wide).rows and sum(r[2] for r in dashboards.disputes(reviewer, wide).rows) == 3
    assert sum(r[1] for r in dashboards.critical_fails(reviewer, wide).rows) > 0


def test_the_period_covers_whole_iso_weeks(history, reviewer):
    narrow = Filters(start=MON + dt.timedelta(days=2), end=MON + dt.timedelta(days=2, hours=1))
    assert narrow.weeks == (dt.date(2026, 11, 2), dt.date(2026, 11, 2))
    assert narrow.whole_weeks() == Filters(
        start=dt.datetime(2026, 11, 2, tzinfo=dt.UTC), end=dt.datetime(2026, 11, 9, tzinfo=dt.UTC)
    )
    week = dashboards.critical_fails(reviewer, narrow).rows
    in_week = Review.objects.filter(
        kind="production",
        status="submitted",
        submitted_at__gte=dt.datetime(2026, 11, 2, tzinfo=dt.UTC),
        submitted_at__lt=dt.datetime(2026, 11, 9, tzinfo=dt.UTC),
    ).count()
    assert [row[0] for row in week] == ["2026-11-02"] and week[0][2] == in_week


def test_default_period_is_the_last_weeks_including_this_one(settings):
    settings.QA_OPS_DASHBOARD_WEEKS = 12
    f = Filters.default(now=dt.datetime(2026, 12, 2, 15, tzinfo=dt.UTC))  # a Wednesday
    assert (f.start, f.end) == (dt.datetime(2026, 9, 14, tzinfo=dt.UTC), dt.datetime(2026, 12, 7, tzinfo=dt.UTC))
    assert f.weeks == (dt.date(2026, 9, 14), dt.date(2026, 11, 30))
