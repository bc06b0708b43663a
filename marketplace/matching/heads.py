"""Materialized ranking heads: the exact top of each job's ranking, kept current row by row.

**Invariant.** For a job whose ``JobIndex`` row has ``head_ready``, ``MatchHeadRow`` holds exactly the
candidates that pass the hard filters and whose rank key (total desc, profile id asc) is strictly above the
floor ``(floor_total, floor_profile_id)`` — each with its current signals — and ``candidates`` is the exact
number of candidates passing the hard filters. No floor (``floor_total`` null) means every candidate is held.
Those rows are therefore a prefix of the live ranking: any page lying within them is the live page.

- **Build** (``job_index_refresh(build=True)``): one scan of ``MatchIndex`` for the top
  ``MATCHING_HEAD_SIZE + 1`` and one count; the first ``MATCHING_HEAD_SIZE`` rows are stored and the next one
  becomes the floor. Lazily, by the first ranking that finds the head missing, stale (another week, other
  terms, the job edited — job services set ``stale``) or too short for the page asked.
- **Maintenance** (``maintain``), run by every ``MatchIndex`` change: the changed profiles are scored against
  every ready head in one statement; rows passing and above the floor are written, every other row of those
  profiles is deleted, and each head's count moves by (passing after − passing before).
- **Locks** (PostgreSQL, READ COMMITTED). A build takes ``SHARE`` on the ``MatchIndex`` table before it scans,
  and every writer of ``MatchIndex`` (the refresh) takes ``ROW EXCLUSIVE`` before it reads which heads are
  ready. The two conflict, so a build never misses a profile change committed after its scan, and a change
  never misses a head built after it looked: one of them waits for the other to commit. Builds of different
  jobs share the lock. A build also takes ``FOR SHARE`` on the job post, which job edits lock ``FOR UPDATE``,
  so the vector it stores is the job as committed. Head counts are updated after locking the changed
  ``JobIndex`` rows in job-id order, so concurrent refreshes cannot deadlock; the same profile is refreshed
  by one transaction at a time (its profile row is locked first).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from ..models import JobIndex, JobPost, JobStatus, MatchHeadRow
from .jobs import job_vector
from .scoring import (
    JOBS,
    PROFILES,
    RANK_ORDER,
    SIGNALS,
    Candidate,
    Terms,
    above_floor,
    candidate,
    count_sql,
    in_list,
    pass_counts_sql,
    scored_sql,
)

# Jobs sellers are still working on get a head; filled and closed jobs are ranked live (they are rarely viewed,
# and every head costs each profile change a little).
HEAD_STATUSES = frozenset({JobStatus.DRAFT, JobStatus.OPEN})
SIGNAL_COLUMNS = tuple(f"s_{k}" for k in SIGNALS)


def head_size() -> int:
    size = settings.MATCHING_HEAD_SIZE
    if not isinstance(size, int) or size < 1:
        raise ImproperlyConfigured("MATCHING_HEAD_SIZE must be a positive integer.")
    return size


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _lock_profile_index(mode: str) -> None:
    """``SHARE`` for a build, ``ROW EXCLUSIVE`` for a refresh (see the module docstring). SQLite serializes
    writers by itself."""
    if _postgres():
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {PROFILES} IN {mode} MODE")


def lock_for_index_writes() -> None:
    _lock_profile_index("ROW EXCLUSIVE")


def is_current(row: JobIndex | None, week_start: dt.date, terms: Terms) -> bool:
    return row is not None and not row.stale and row.week_start == week_start and Terms.of(row) == terms


def state_of(job_id: int) -> JobIndex | None:
    return JobIndex.objects.filter(pk=job_id).first()


def _candidates(rows, row: JobIndex) -> list[Candidate]:
    w = Terms.of(row).weight_map()
    return [candidate(r[0], r[1:-1], r[-1], w) for r in rows]


# --- Reads ------------------------------------------------------------------------------------------------


def read(row: JobIndex, *, limit: int, offset: int) -> list[Candidate] | None:
    """The page from the head (one index range scan), or None when the page reaches past the rows above the floor."""
    rows = list(
        MatchHeadRow.objects.filter(job_id=row.pk)
        .order_by("-total", "profile_id")
        .values_list("profile_id", *SIGNAL_COLUMNS, "total")[offset : offset + limit]
    )
    if len(rows) < limit and row.floor_total is not None:
        return None
    return _candidates(rows, row)


def scan(row: JobIndex, *, limit: int, offset: int = 0) -> tuple[list[Candidate], int]:
    """The live ranking: every ``MatchIndex`` row scored against the job's ``JobIndex`` row, and the number of
    candidates passing the hard filters, in one query (a second one only for a page past the end)."""
    sql = f"SELECT t.*, COUNT(*) OVER () FROM ({scored_sql('j.job_id = %s')}) t {RANK_ORDER} LIMIT %s OFFSET %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [row.pk, limit, offset])
        rows = cursor.fetchall()
    total = rows[0][-1] if rows else (count(row) if offset else 0)
    return _candidates([(r[0], *r[2:-1]) for r in rows], row), total


def count(row: JobIndex) -> int:
    with connection.cursor() as cursor:
        cursor.execute(count_sql("j.job_id = %s"), [row.pk])
        return cursor.fetchone()[0]


# --- Build ------------------------------------------------------------------------------------------------


def _lock_job(job_id: int) -> JobPost | None:
    """The job post as committed, locked against edits (job services lock it FOR UPDATE) until we commit."""
    table = JobPost._meta.db_table
    lock = " FOR SHARE" if _postgres() else ""
    return next(iter(JobPost.objects.raw(f"SELECT * FROM {table} WHERE id = %s{lock}", [job_id])), None)  # noqa: S608


def _lock_row(job_id: int) -> JobIndex | None:
    return JobIndex.objects.select_for_update(no_key=True).filter(pk=job_id).first()


@transaction.atomic
def job_index_refresh(
    *, job_id: int, week_start: dt.date, terms: Terms, build: bool, seen_built_at: dt.datetime | None = None
) -> tuple[JobIndex, list[Candidate] | None]:
    """Recompute the job's ``JobIndex`` row for the week and terms; with ``build``, (re)build its head too.

    Returns the row and, when this call built the head, its top ``MATCHING_HEAD_SIZE`` candidates (so the caller
    serves its page without reading them back). When another transaction rebuilt the head since the caller saw
    it (``seen_built_at``), that head is kept and None is returned. Raises ``JobPost.DoesNotExist``.
    """
    if build:
        _lock_profile_index("SHARE")
    job = _lock_job(job_id)
    if job is None:
        raise JobPost.DoesNotExist(f"No job post {job_id}.")
    build = build and job.status in HEAD_STATUSES
    row = _lock_row(job_id)
    if (
        build
        and row is not None
        and row.head_ready
        and row.head_built_at != seen_built_at
        and is_current(row, week_start, terms)
    ):
        return row, None
    values = job_vector(job, week_start).index_values(terms)
    values.update(head_ready=False, floor_total=None, floor_profile_id=None, candidates=0, head_built_at=None)
    if row is None:
        JobIndex.objects.bulk_create([JobIndex(job_id=job_id, **values)], ignore_conflicts=True)
        row = _lock_row(job_id)
    for name, value in values.items():
        setattr(row, name, value)
    row.save()  # the scan below reads the vector from this row
    if not build:
        return row, None
    size = head_size()
    top, row.candidates = scan(row, limit=size + 1)
    MatchHeadRow.objects.filter(job_id=job_id).delete()
    MatchHeadRow.objects.bulk_create([_head_row(job_id, c) for c in top[:size]])
    row.head_ready = True
    if len(top) > size:
        row.floor_total, row.floor_profile_id = top[size].total_exact, top[size].profile_id
    row.head_built_at = timezone.now()
    row.save(update_fields=["head_ready", "floor_total", "floor_profile_id", "candidates", "head_built_at"])
    return row, top[:size]


def _head_row(job_id: int, c: Candidate) -> MatchHeadRow:
    return MatchHeadRow(
        job_id=job_id,
        profile_id=c.profile_id,
        total=c.total_exact,
        **{f"s_{k}": c.signals[k] for k in SIGNALS},
    )


def job_index_invalidate(*, job_id: int) -> None:
    """Job services call this after any change to the job: its vector and head are recomputed on next ranking."""
    JobIndex.objects.filter(pk=job_id).update(stale=True, head_ready=False)


# --- Maintenance ------------------------------------------------------------------------------------------


def ready_heads() -> list[tuple[int, int | None, int | None]]:
    """(job id, floor total, floor profile id) of every ready head, in job-id order."""
    return list(
        JobIndex.objects.filter(head_ready=True).order_by("pk").values_list("pk", "floor_total", "floor_profile_id")
    )


def pass_counts(profile_ids: list[int], heads: list[tuple]) -> dict[int, int]:
    """How many of the profiles pass each head's hard filters, per job id (one query)."""
    where_m, p_m = in_list("m.profile_id", profile_ids)
    where_j, p_j = in_list("j.job_id", [h[0] for h in heads])
    with connection.cursor() as cursor:
        cursor.execute(pass_counts_sql(f"{where_m} AND {where_j}"), p_m + p_j)
        return dict(cursor.fetchall())


def maintain(profile_ids: list[int], heads: list[tuple], before: dict[int, int]) -> None:
    """Bring every ready head in step with the profiles' new ``MatchIndex`` rows (see the module docstring).

    Runs in the refresh's transaction, after ``lock_for_index_writes``, with ``heads`` and ``before``
    (``pass_counts``) read before the rows changed."""
    if not heads:
        return
    floors = {job_id: (floor_total, floor_pid) for job_id, floor_total, floor_pid in heads}
    where_m, p_m = in_list("m.profile_id", profile_ids)
    where_j, p_j = in_list("j.job_id", floors)
    with connection.cursor() as cursor:
        cursor.execute(scored_sql(f"{where_m} AND {where_j}"), p_m + p_j)
        rows = cursor.fetchall()
    after = Counter(r[1] for r in rows)
    keep = [
        MatchHeadRow(job_id=r[1], profile_id=r[0], total=r[-1], **dict(zip(SIGNAL_COLUMNS, r[2:-1], strict=True)))
        for r in rows
        if above_floor(r[-1], r[0], *floors[r[1]])
    ]
    MatchHeadRow.objects.filter(profile_id__in=profile_ids).delete()
    if keep:
        MatchHeadRow.objects.bulk_create(keep)
    deltas = {job_id: after[job_id] - before.get(job_id, 0) for job_id in floors}
    deltas = {job_id: d for job_id, d in deltas.items() if d}
    if deltas:
        list(JobIndex.objects.select_for_update(no_key=True).filter(pk__in=deltas).order_by("pk").values_list("pk"))
        JobIndex.objects.filter(pk__in=deltas).update(
            candidates=F("candidates") + Case(*(When(pk=j, then=Value(d)) for j, d in deltas.items()), default=0)
        )


def drop_heads(*, except_week: dt.date) -> int:
    """Drop the heads of other weeks (the weekly index rebuild) and sweep rows no ready head owns."""
    dropped = JobIndex.objects.filter(head_ready=True).exclude(week_start=except_week).update(head_ready=False)
    table = MatchHeadRow._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} WHERE job_id NOT IN (SELECT job_id FROM {JOBS} WHERE head_ready)"  # noqa: S608
        )
    return dropped
