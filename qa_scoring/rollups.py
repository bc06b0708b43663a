"""Weekly QA roll-ups: exact sums of submitted production reviews, kept by the writers.

Invariant: ``ReviewRollup`` and ``CriterionRollup`` equal ``fresh_review_rows()`` / ``fresh_criterion_rows()``
(a full aggregation of the reviews) at every commit. Each write path takes a ``snapshot`` of the contributions
of the reviews it changes (after locking them), changes them, then ``record_change`` adds the difference in the
same transaction with one ``INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n`` per table, keys in a fixed
order (so two writers never deadlock on roll-up rows, and two increments of one row both count).

Only submitted production reviews count (calibration and vetting never do). A review counts in the ISO week of
its ``submitted_at`` (``TruncWeek`` in the current time zone), under its conversation's seller and freelancer
(0 when there is none), its rubric version and its reviewer. ``rebuild()`` recomputes everything.

``CriterionBlockRollup`` holds the same criterion sums over aligned blocks of ``BLOCK_WEEKS`` weeks, written with
every weekly change; ``period_pieces`` splits a run of weeks into the fewest whole blocks and single weeks.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, DateField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, TruncDate, TruncWeek
from django.utils import timezone

from .models import (
    CriterionBlockRollup,
    CriterionRollup,
    CriterionScore,
    Dispute,
    Review,
    ReviewKind,
    ReviewRollup,
    ReviewStatus,
)

REVIEW_KEY = ("week", "organization_id", "freelancer_id", "rubric_version_id", "reviewer_id")
REVIEW_SUMS = (
    "reviews",
    "scored",
    "score_sum",
    "critical_fails",
    "disputes_open",
    "disputes_accepted",
    "disputes_partly",
    "disputes_rejected",
)
CRITERION_KEY = ("week", "organization_id", "freelancer_id", "rubric_version_id", "criterion_id")
CRITERION_SUMS = ("scores", "value_sum")
BLOCK_KEY = ("weeks", "start", "organization_id", "freelancer_id", "rubric_version_id", "criterion_id")
BLOCK_WEEKS = (16, 4)  # longest first: a period takes the longest whole blocks that fit
BLOCK_EPOCH = dt.date(2001, 1, 1)  # a Monday; every block starts BLOCK_EPOCH + k × its length
WEEK = dt.timedelta(days=7)
DISPUTE_FIELD = {
    "open": "disputes_open",
    "accepted": "disputes_accepted",
    "partly_accepted": "disputes_partly",
    "rejected": "disputes_rejected",
}

Key = tuple[Any, ...]


def week_of(moment: dt.datetime) -> dt.date:
    """Monday of the ISO week of ``moment`` in the current time zone (as ``TruncWeek`` does)."""
    day = timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()
    return day - dt.timedelta(days=day.weekday())


def block_of(week: dt.date, weeks: int) -> dt.date:
    """First Monday of the ``weeks``-long block that holds the ISO week starting on ``week``."""
    return week - WEEK * (((week - BLOCK_EPOCH).days // 7) % weeks)


def period_pieces(first: dt.date, last: dt.date) -> tuple[list[tuple[int, dt.date]], list[dt.date]]:
    """The weeks from Monday ``first`` to Monday ``last`` (both included) as whole blocks and single weeks.

    Walking forward, each step takes the longest block that starts at the current week and ends within the
    period, else the single week; the pieces cover every week exactly once.
    """
    blocks: list[tuple[int, dt.date]] = []
    singles: list[dt.date] = []
    week = first
    while week <= last:
        size = next((n for n in BLOCK_WEEKS if block_of(week, n) == week and week + WEEK * (n - 1) <= last), 1)
        if size == 1:
            singles.append(week)
        else:
            blocks.append((size, week))
        week += WEEK * size
    return blocks, singles


def blocks_of(criteria: dict[Key, list[Any]] | dict[Key, tuple]) -> dict[Key, list[int]]:
    """Weekly criterion rows (or deltas) added up into their blocks, for every block length."""
    out: dict[Key, list[int]] = {}
    for (week, *rest), (scores, value_sum) in criteria.items():
        for size in BLOCK_WEEKS:
            sums = out.setdefault((size, block_of(week, size), *rest), [0, 0])
            sums[0] += scores
            sums[1] += value_sum
    return out


def _counted(prefix: str = "") -> dict[str, Any]:
    return {
        f"{prefix}kind": ReviewKind.PRODUCTION,
        f"{prefix}status": ReviewStatus.SUBMITTED,
        f"{prefix}submitted_at__isnull": False,
    }


def counted_reviews() -> QuerySet[Review]:
    return Review.objects.filter(**_counted())


# --- contributions of single reviews (the writers)


@dataclass
class Contributions:
    reviews: dict[Key, list[Any]] = field(default_factory=dict)
    criteria: dict[Key, list[int]] = field(default_factory=dict)


@dataclass
class Snapshot:
    review_ids: list[int] | None
    conversation_ids: list[int] | None
    before: Contributions


def _contributions(*, review_ids: Iterable[int] | None = None, conversation_ids: Iterable[int] | None = None):
    """What the given reviews (or the reviews of the given conversations) add to the roll-ups now (3 queries)."""
    qs = counted_reviews()
    if review_ids is not None:
        qs = qs.filter(pk__in=list(review_ids))
    else:
        qs = qs.filter(conversation_id__in=list(conversation_ids or []))
    rows = list(
        qs.values_list(
            "pk",
            "submitted_at",
            "conversation__organization_id",
            "conversation__freelancer_id",
            "rubric_version_id",
            "reviewer_id",
            "score",
            "critical_fail",
        )
    )
    out = Contributions()
    if not rows:
        return out
    keys: dict[int, tuple[dt.date, int, int, int]] = {}
    reviewer_of: dict[int, int] = {}
    for pk, submitted_at, org_id, freelancer_id, version_id, reviewer_id, score, critical in rows:
        base = (week_of(submitted_at), org_id or 0, freelancer_id or 0, version_id)
        keys[pk], reviewer_of[pk] = base, reviewer_id
        sums = out.reviews.setdefault((*base, reviewer_id), [0, 0, Decimal(0), 0, 0, 0, 0, 0])
        sums[0] += 1
        if score is not None:
            sums[1] += 1
            sums[2] += Decimal(score)
        sums[3] += 1 if critical else 0
    for review_id, status in Dispute.objects.filter(review_id__in=keys).values_list("review_id", "status"):
        sums = out.reviews[(*keys[review_id], reviewer_of[review_id])]
        sums[REVIEW_SUMS.index(DISPUTE_FIELD[status])] += 1
    for review_id, criterion_id, value in CriterionScore.objects.filter(
        review_id__in=keys, value__isnull=False
    ).values_list("review_id", "criterion_id", "value"):
        sums = out.criteria.setdefault((*keys[review_id], criterion_id), [0, 0])
        sums[0] += 1
        sums[1] += value
    return out


def snapshot(*, review_ids: Iterable[int] | None = None, conversation_ids: Iterable[int] | None = None) -> Snapshot:
    """Before a change: the current contributions of the reviews about to change (lock them first)."""
    review_ids = None if review_ids is None else list(review_ids)
    conversation_ids = None if conversation_ids is None else list(conversation_ids)
    before = _contributions(review_ids=review_ids, conversation_ids=conversation_ids)
    return Snapshot(review_ids, conversation_ids, before)


def nothing_yet(*, review_ids: Iterable[int]) -> Snapshot:
    """The snapshot of reviews that count nowhere yet (drafts being submitted), without a query."""
    return Snapshot(list(review_ids), None, Contributions())


def record_change(before: Snapshot) -> None:
    """After the change, in the same transaction: add (new contributions − old) to the roll-ups."""
    after = _contributions(review_ids=before.review_ids, conversation_ids=before.conversation_ids)
    _add(_diff(after.reviews, before.before.reviews), _diff(after.criteria, before.before.criteria))


def subtract(before: Snapshot) -> None:
    """The reviews of the snapshot are going away (deleted)."""
    _add(_diff({}, before.before.reviews), _diff({}, before.before.criteria))


def _diff(after: dict[Key, list[Any]], before: dict[Key, list[Any]]) -> dict[Key, list[Any]]:
    out = {}
    for key in set(after) | set(before):
        a, b = after.get(key), before.get(key)
        width = len(a or b)
        delta = [(a[i] if a else 0) - (b[i] if b else 0) for i in range(width)]
        if any(delta):
            out[key] = delta
    return out


def _upsert(table: str, key: tuple[str, ...], sums: tuple[str, ...], rows: dict[Key, list[Any]]) -> None:
    if not rows:
        return
    q = connection.ops.quote_name
    columns = ", ".join(q(c) for c in (*key, *sums))
    one = "(" + ", ".join(["%s"] * (len(key) + len(sums))) + ")"
    updates = ", ".join(f"{q(c)} = {q(table)}.{q(c)} + excluded.{q(c)}" for c in sums)
    ordered = sorted(rows.items())
    # Identifiers are the models' own; every value is a parameter.
    values = ", ".join([one] * len(ordered))
    target = ", ".join(q(c) for c in key)
    sql = f"INSERT INTO {q(table)} ({columns}) VALUES {values} ON CONFLICT ({target}) DO UPDATE SET {updates}"  # noqa: S608
    params: list[Any] = []
    for row_key, row_sums in ordered:
        params.extend(row_key)
        params.extend(row_sums)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _add(reviews: dict[Key, list[Any]], criteria: dict[Key, list[int]]) -> None:
    _upsert(ReviewRollup._meta.db_table, REVIEW_KEY, REVIEW_SUMS, reviews)
    _upsert(CriterionRollup._meta.db_table, CRITERION_KEY, CRITERION_SUMS, criteria)
    _upsert(
        CriterionBlockRollup._meta.db_table,
        BLOCK_KEY,
        CRITERION_SUMS,
        {key: sums for key, sums in blocks_of(criteria).items() if any(sums)},
    )


def on_review_delete(sender: Any, instance: Review, **kwargs: Any) -> None:
    """``pre_delete`` of a Review (also in a cascade): its scores and disputes still exist; take it out."""
    if instance.pk is not None and instance.kind == ReviewKind.PRODUCTION and instance.status == ReviewStatus.SUBMITTED:
        subtract(snapshot(review_ids=[instance.pk]))


# --- full aggregation (rebuild and check)


def _week_expr(path: str):
    return TruncDate(TruncWeek(path), output_field=DateField())


def fresh_review_queryset() -> QuerySet:
    """Review roll-up rows from the raw reviews; dispute counts come from ``fresh_dispute_queryset``."""
    return (
        counted_reviews()
        .annotate(
            r_week=_week_expr("submitted_at"),
            r_org=Coalesce("conversation__organization_id", Value(0)),
            r_freelancer=Coalesce("conversation__freelancer_id", Value(0)),
        )
        .values("r_week", "r_org", "r_freelancer", "rubric_version_id", "reviewer_id")
        .annotate(
            r_reviews=Count("id"),
            r_scored=Count("score"),
            r_score_sum=Coalesce(Sum("score"), Value(Decimal(0))),
            r_critical_fails=Count("id", filter=Q(critical_fail=True)),
        )
        .order_by()
    )


def fresh_dispute_queryset() -> QuerySet:
    return (
        Dispute.objects.filter(**_counted("review__"))
        .annotate(
            r_week=_week_expr("review__submitted_at"),
            r_org=Coalesce("review__conversation__organization_id", Value(0)),
            r_freelancer=Coalesce("review__conversation__freelancer_id", Value(0)),
        )
        .values("r_week", "r_org", "r_freelancer", "review__rubric_version_id", "review__reviewer_id")
        .annotate(**{f"r_{name}": Count("id", filter=Q(status=status)) for status, name in DISPUTE_FIELD.items()})
        .order_by()
    )


def fresh_criterion_queryset() -> QuerySet:
    return (
        CriterionScore.objects.filter(**_counted("review__"), value__isnull=False)
        .annotate(
            r_week=_week_expr("review__submitted_at"),
            r_org=Coalesce("review__conversation__organization_id", Value(0)),
            r_freelancer=Coalesce("review__conversation__freelancer_id", Value(0)),
        )
        .values("r_week", "r_org", "r_freelancer", "review__rubric_version_id", "criterion_id")
        .annotate(r_scores=Count("id"), r_value_sum=Sum("value"))
        .order_by()
    )


def _normalize(rows: Iterable[dict[str, Any]], key: tuple[str, ...], sums: tuple[str, ...]) -> dict[Key, tuple]:
    out = {}
    for row in rows:
        values = tuple(row[s] for s in sums)
        if any(values):
            week = row[key[0]]
            week = week.date() if isinstance(week, dt.datetime) else week
            out[(week, *(int(row[k]) for k in key[1:]))] = tuple(
                Decimal(v).quantize(Decimal("0.01")) if isinstance(v, Decimal | float) else int(v) for v in values
            )
    return out


def fresh_review_rows() -> dict[Key, tuple]:
    """Roll-up rows a full aggregation gives (rows that sum to nothing left out)."""
    rows: dict[Key, dict[str, Any]] = {}
    names = ("r_week", "r_org", "r_freelancer", "rubric_version_id", "reviewer_id")
    for row in fresh_review_queryset():
        key = tuple(row[n] for n in names)
        rows[key] = {s: row[f"r_{s}"] for s in REVIEW_SUMS[:4]} | dict.fromkeys(REVIEW_SUMS[4:], 0)
    dispute_names = ("r_week", "r_org", "r_freelancer", "review__rubric_version_id", "review__reviewer_id")
    for row in fresh_dispute_queryset():
        key = tuple(row[n] for n in dispute_names)
        for name in REVIEW_SUMS[4:]:
            rows[key][name] = row[f"r_{name}"]
    return _normalize([dict(zip(REVIEW_KEY, k, strict=True)) | v for k, v in rows.items()], REVIEW_KEY, REVIEW_SUMS)


def fresh_criterion_rows() -> dict[Key, tuple]:
    names = ("r_week", "r_org", "r_freelancer", "review__rubric_version_id", "criterion_id")
    return _normalize(
        [
            dict(zip(CRITERION_KEY, (row[n] for n in names), strict=True))
            | {"scores": row["r_scores"], "value_sum": row["r_value_sum"]}
            for row in fresh_criterion_queryset()
        ],
        CRITERION_KEY,
        CRITERION_SUMS,
    )


def fresh_block_rows(criteria: dict[Key, tuple] | None = None) -> dict[Key, tuple]:
    """Block rows a full aggregation gives (from ``fresh_criterion_rows()`` unless given)."""
    blocks = blocks_of(fresh_criterion_rows() if criteria is None else criteria)
    return {key: tuple(sums) for key, sums in blocks.items() if any(sums)}


def stored_block_rows() -> dict[Key, tuple]:
    return {
        (weeks, start, *(int(v) for v in rest)): (scores, value_sum)
        for weeks, start, *rest, scores, value_sum in CriterionBlockRollup.objects.values_list(
            *BLOCK_KEY, *CRITERION_SUMS
        )
        if scores or value_sum
    }


def stored_review_rows() -> dict[Key, tuple]:
    return _normalize(ReviewRollup.objects.values(*REVIEW_KEY, *REVIEW_SUMS), REVIEW_KEY, REVIEW_SUMS)


def stored_criterion_rows() -> dict[Key, tuple]:
    return _normalize(CriterionRollup.objects.values(*CRITERION_KEY, *CRITERION_SUMS), CRITERION_KEY, CRITERION_SUMS)


def differences() -> dict[str, list[tuple[Key, tuple | None, tuple | None]]]:
    """(key, stored, fresh) for every roll-up row that differs from a full aggregation; empty when exact."""
    out: dict[str, list] = defaultdict(list)
    fresh_criteria = fresh_criterion_rows()
    for name, stored, fresh in (
        ("reviews", stored_review_rows(), fresh_review_rows()),
        ("criteria", stored_criterion_rows(), fresh_criteria),
        ("blocks", stored_block_rows(), fresh_block_rows(fresh_criteria)),
    ):
        for key in sorted(set(stored) | set(fresh)):
            if stored.get(key) != fresh.get(key):
                out[name].append((key, stored.get(key), fresh.get(key)))
    return dict(out)


def _insert_select(
    model: Any, columns: tuple[str, ...], aliases: tuple[str, ...], qs: QuerySet, zeros: tuple[str, ...] = ()
) -> None:
    q = connection.ops.quote_name
    sql, params = qs.query.sql_with_params()
    select = ", ".join([*(f"s.{q(a)}" for a in aliases), *("0" for _ in zeros)])
    columns = (*columns, *zeros)
    with connection.cursor() as cursor:
        cursor.execute(
            # The ORM's own SQL and parameters.
            f"INSERT INTO {q(model._meta.db_table)} ({', '.join(q(c) for c in columns)}) SELECT {select} FROM ({sql}) s",  # noqa: S608, E501
            params,
        )


@transaction.atomic
def rebuild() -> tuple[int, int]:
    """Recompute the roll-ups from the reviews in one transaction. Writers wait for it on PostgreSQL."""
    q = connection.ops.quote_name
    if connection.vendor == "postgresql":
        tables = ", ".join(q(m._meta.db_table) for m in (ReviewRollup, CriterionRollup, CriterionBlockRollup))
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {tables} IN EXCLUSIVE MODE")
    ReviewRollup.objects.all().delete()
    CriterionRollup.objects.all().delete()
    CriterionBlockRollup.objects.all().delete()
    zeros = (0, 0, 0, 0)
    _insert_select(
        ReviewRollup,
        (*REVIEW_KEY, *REVIEW_SUMS[:4]),
        (
            "r_week",
            "r_org",
            "r_freelancer",
            "rubric_version_id",
            "reviewer_id",
            "r_reviews",
            "r_scored",
            "r_score_sum",
            "r_critical_fails",
        ),
        fresh_review_queryset(),
        zeros=REVIEW_SUMS[4:],
    )
    for key, counts in _disputes_by_key().items():
        if counts != zeros:
            ReviewRollup.objects.filter(**dict(zip(REVIEW_KEY, key, strict=True))).update(
                **dict(zip(REVIEW_SUMS[4:], counts, strict=True))
            )
    _insert_select(
        CriterionRollup,
        (*CRITERION_KEY, *CRITERION_SUMS),
        ("r_week", "r_org", "r_freelancer", "review__rubric_version_id", "criterion_id", "r_scores", "r_value_sum"),
        fresh_criterion_queryset(),
    )
    build_blocks(CriterionRollup, CriterionBlockRollup)
    return ReviewRollup.objects.count(), CriterionRollup.objects.count()


def build_blocks(weekly: Any, block: Any) -> None:
    """Fill the (empty) block table from the weekly criterion rows: one INSERT … SELECT per block.

    Takes the model classes so that the migration that adds the blocks can fill them too.
    """
    group = ("organization_id", "freelancer_id", "rubric_version_id", "criterion_id")
    weeks = sorted(weekly.objects.values_list("week", flat=True).distinct().order_by())
    for size in BLOCK_WEEKS:
        for start in sorted({block_of(w, size) for w in weeks}):
            sums = (
                weekly.objects.filter(week__gte=start, week__lt=start + WEEK * size)
                .values(*group)
                .annotate(b_scores=Sum("scores"), b_value_sum=Sum("value_sum"))
                .filter(Q(b_scores__gt=0) | ~Q(b_value_sum=0))
                .annotate(b_weeks=Value(size), b_start=Value(start, output_field=DateField()))
                .values("b_weeks", "b_start", *group, "b_scores", "b_value_sum")
                .order_by()
            )
            _insert_select(
                block, (*BLOCK_KEY, *CRITERION_SUMS), ("b_weeks", "b_start", *group, "b_scores", "b_value_sum"), sums
            )


def _disputes_by_key() -> dict[Key, tuple[int, int, int, int]]:
    names = ("r_week", "r_org", "r_freelancer", "review__rubric_version_id", "review__reviewer_id")
    out = {}
    for row in fresh_dispute_queryset():
        week = row["r_week"]
        week = week.date() if isinstance(week, dt.datetime) else week
        out[(week, *(row[n] for n in names[1:]))] = tuple(row[f"r_{n}"] for n in REVIEW_SUMS[4:])
    return out
