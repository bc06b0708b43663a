"""Ranking a job: served from its materialized head when the page lies within it, else scanned live.

A served page costs two queries whatever the number of freelancers: the job's ``JobIndex`` row (which also
holds the exact candidate count) and an index range scan of its head. The first ranking of a job in a week
(or after the job, the weights or the filter settings changed) builds the head: a constant number of queries
with one scan of ``MatchIndex``. Pages reaching past the head (deep pages) are scanned live.
"""

from __future__ import annotations

import datetime as dt

from ..models import JobPost
from . import availability, heads
from .scoring import MatchPage, Terms, current_terms


def _week(week_start: dt.date | None) -> dt.date:
    return week_start or availability.current_week_start()


def _live(row, *, limit: int, offset: int, with_count: bool) -> MatchPage:
    candidates, total = heads.scan(row, limit=limit, offset=offset)
    return MatchPage(count=total if with_count else 0, candidates=candidates, source="live")


def _current_row(job: JobPost, week: dt.date, terms: Terms, row=None):
    if heads.is_current(row, week, terms):
        return row
    row, _ = heads.job_index_refresh(job_id=job.pk, week_start=week, terms=terms, build=False)
    return row


def rank_job(
    job: JobPost, *, limit: int = 20, offset: int = 0, with_count: bool = False, week_start: dt.date | None = None
) -> MatchPage:
    """Candidates ``offset`` … ``offset + limit`` for the job (with the count of all candidates if asked)."""
    limit, offset = max(1, int(limit)), max(0, int(offset))
    week, terms = _week(week_start), current_terms()
    row = heads.state_of(job.pk)
    headable = job.status in heads.HEAD_STATUSES and offset + limit <= heads.head_size()
    current = heads.is_current(row, week, terms)
    if current and row.head_ready:
        candidates = heads.read(row, limit=limit, offset=offset)
        if candidates is not None:
            return MatchPage(count=row.candidates if with_count else 0, candidates=candidates, source="head")
        if not headable:  # a deep page: past the head's rows, and a rebuild would not reach it either
            return _live(row, limit=limit, offset=offset, with_count=with_count)
    elif current and not headable:
        return _live(row, limit=limit, offset=offset, with_count=with_count)
    if not headable:
        row = _current_row(job, week, terms, row)
        return _live(row, limit=limit, offset=offset, with_count=with_count)
    seen = row.head_built_at if row is not None and row.head_ready else None
    row, top = heads.job_index_refresh(job_id=job.pk, week_start=week, terms=terms, build=True, seen_built_at=seen)
    if top is not None:
        return MatchPage(
            count=row.candidates if with_count else 0, candidates=top[offset : offset + limit], source="built"
        )
    if row.head_ready:  # built by another request meanwhile
        candidates = heads.read(row, limit=limit, offset=offset)
        if candidates is not None:
            return MatchPage(count=row.candidates if with_count else 0, candidates=candidates, source="head")
        return _live(row, limit=limit, offset=offset, with_count=with_count)
    return _live(row, limit=limit, offset=offset, with_count=with_count)  # the job is no longer open


def rank_job_live(
    job: JobPost, *, limit: int = 20, offset: int = 0, with_count: bool = False, week_start: dt.date | None = None
) -> MatchPage:
    """The same ranking by a full scan, never reading or building a head (the fallback, and what tests and the
    benchmark compare heads with)."""
    week, terms = _week(week_start), current_terms()
    row = _current_row(job, week, terms, heads.state_of(job.pk))
    return _live(row, limit=max(1, int(limit)), offset=max(0, int(offset)), with_count=with_count)
