"""Sampling conversations for review and assigning them to reviewers — the pure part, no database.

``pick(candidates, rule)`` chooses, per freelancer, which conversations to review this period;
``assign(picks, reviewers)`` spreads them over reviewers. The beat task loads candidate metadata (marking
conversations already assigned this period with ``already_assigned``), calls these and stores
ReviewAssignments; with a unique constraint per conversation a second run in the period adds nothing.

Guarantees (property-tested): the same candidates, rule and seed give the same picks in any input order; a
freelancer's picks do not depend on other freelancers; no conversation is picked or assigned twice; nobody
reviews a conversation they handled themselves; no reviewer goes past their weekly goal; a second run with
the first run's picks marked ``already_assigned`` picks nothing.
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
import random
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction


class Strategy(StrEnum):
    RANDOM = "random"  # seeded: reproducible from the rule's seed
    LOW_CSAT = "low_csat"  # lowest CSAT first; unrated after rated
    LONGEST = "longest"  # most messages first, then longest duration
    TARGETED = "targeted"  # only conversations matching the rule's keywords (text_match) or tags
    AUTOQA_FLAGGED = "autoqa_flagged"  # AutoQA-flagged first, then seeded random


class Period(StrEnum):
    WEEK = "week"
    MONTH = "month"


@dataclass(frozen=True)
class Candidate:
    id: Hashable
    freelancer_id: Hashable
    agent_user_id: Hashable | None = None  # the user who handled it; never their reviewer
    csat: Decimal | None = None  # 0–100
    message_count: int = 0
    duration: dt.timedelta = dt.timedelta(0)
    tags: frozenset[str] = frozenset()
    text_match: bool = False  # the rule's keywords occur in the text (matched by the database query)
    autoqa_flagged: bool = False
    already_reviewed: bool = False
    already_assigned: bool = False  # picked by this rule earlier in the same period: counts toward the quota
    bot_only: bool = False


@dataclass(frozen=True)
class Rule:
    strategy: Strategy = Strategy.RANDOM
    count: int | None = None  # per freelancer per period …
    percent: Decimal | None = None  # … or a percentage of their eligible conversations (rounded up)
    seed: int = 0
    min_messages: int = 2  # "too short": fewer messages than this
    exclude_reviewed: bool = True
    exclude_bot_only: bool = True
    tags: frozenset[str] = frozenset()  # for TARGETED

    def __post_init__(self) -> None:
        if (self.count is None) == (self.percent is None):
            raise ValueError("A sampling rule takes either a count or a percentage, not both or neither.")
        if self.count is not None and self.count < 0:
            raise ValueError("The count cannot be negative.")
        if self.percent is not None and not Decimal(0) <= Decimal(self.percent) <= Decimal(100):
            raise ValueError("The percentage must be between 0 and 100.")


@dataclass(frozen=True)
class Reviewer:
    id: Hashable
    weekly_goal: int  # how many reviews they take on per week
    current_load: int = 0  # assignments they already have this week

    @property
    def capacity(self) -> int:
        return max(0, self.weekly_goal - self.current_load)


@dataclass(frozen=True)
class Assignment:
    conversation_id: Hashable
    reviewer_id: Hashable


@dataclass
class AssignmentPlan:
    assignments: list[Assignment] = field(default_factory=list)
    unassigned: list[tuple[Hashable, str]] = field(default_factory=list)  # (conversation id, reason)


def period_bounds(period: Period | str, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The UTC [start, end) of the week (Monday 00:00) or calendar month that contains ``day``."""
    if Period(period) == Period.WEEK:
        start = day - dt.timedelta(days=day.weekday())
        end = start + dt.timedelta(days=7)
    else:
        start = day.replace(day=1)
        end = (start + dt.timedelta(days=32)).replace(day=1)
    return (
        dt.datetime.combine(start, dt.time(), tzinfo=dt.UTC),
        dt.datetime.combine(end, dt.time(), tzinfo=dt.UTC),
    )


def _id_key(value: Hashable) -> tuple[int, object]:
    return (0, value) if isinstance(value, int) else (1, str(value))


def eligible(candidate: Candidate, rule: Rule) -> bool:
    if rule.exclude_reviewed and candidate.already_reviewed:
        return False
    if rule.exclude_bot_only and candidate.bot_only:
        return False
    return candidate.message_count >= rule.min_messages


def quota(rule: Rule, available: int) -> int:
    if rule.count is not None:
        return min(rule.count, available)
    return min(available, math.ceil(Decimal(rule.percent) * available / 100))


def _rng(rule: Rule, freelancer_id: Hashable) -> random.Random:
    # One stream per freelancer, so adding a freelancer never changes another one's sample.
    return random.Random(f"{rule.seed}:{freelancer_id!r}")


def _shuffled(items: list[Candidate], rng: random.Random) -> list[Candidate]:
    ordered = sorted(items, key=lambda c: _id_key(c.id))
    rng.shuffle(ordered)
    return ordered


def _ranked(items: list[Candidate], rule: Rule, rng: random.Random) -> list[Candidate]:
    strategy = Strategy(rule.strategy)
    if strategy == Strategy.RANDOM:
        return _shuffled(items, rng)
    if strategy == Strategy.LOW_CSAT:
        return sorted(
            items, key=lambda c: (c.csat is None, c.csat if c.csat is not None else Decimal(0), _id_key(c.id))
        )
    if strategy == Strategy.LONGEST:
        return sorted(items, key=lambda c: (-c.message_count, -c.duration.total_seconds(), _id_key(c.id)))
    if strategy == Strategy.TARGETED:
        return _shuffled([c for c in items if c.text_match or (rule.tags & c.tags)], rng)
    flagged = [c for c in items if c.autoqa_flagged]
    return _shuffled(flagged, rng) + _shuffled([c for c in items if not c.autoqa_flagged], rng)


def pick(candidates: Iterable[Candidate], rule: Rule) -> dict[Hashable, list[Candidate]]:
    """Freelancer id → the conversations to review, in priority order.

    Conversations already assigned this period count toward the freelancer's quota and are not picked again,
    so a second run in the same period picks nothing new (even when new conversations arrived meanwhile).
    """
    by_freelancer: dict[Hashable, dict[Hashable, Candidate]] = defaultdict(dict)
    assigned: dict[Hashable, set[Hashable]] = defaultdict(set)
    for candidate in candidates:
        if candidate.already_assigned:
            assigned[candidate.freelancer_id].add(candidate.id)
        elif eligible(candidate, rule):
            by_freelancer[candidate.freelancer_id].setdefault(candidate.id, candidate)
    picks: dict[Hashable, list[Candidate]] = {}
    for freelancer_id in sorted(by_freelancer, key=_id_key):
        items = [c for c in by_freelancer[freelancer_id].values() if c.id not in assigned[freelancer_id]]
        done = len(assigned[freelancer_id])
        room = quota(rule, len(items) + done) - done
        if room <= 0:
            continue
        ranked = _ranked(items, rule, _rng(rule, freelancer_id))
        if ranked[:room]:
            picks[freelancer_id] = ranked[:room]
    return picks


def assign(
    picks: Sequence[Candidate] | dict[Hashable, list[Candidate]],
    reviewers: Iterable[Reviewer],
    *,
    can_review: Callable[[Reviewer, Candidate], bool] | None = None,
) -> AssignmentPlan:
    """Give each pick to the eligible reviewer with the lowest share of their goal used (ties: lower load,
    then id). Never the conversation's own agent; never past a reviewer's goal; each conversation once.

    ``can_review`` adds restrictions (e.g. the reviewer may see the seller's data).
    """
    if isinstance(picks, dict):
        ordered = [c for freelancer_id in sorted(picks, key=_id_key) for c in picks[freelancer_id]]
    else:
        ordered = list(picks)
    people = {r.id: r for r in reviewers}
    used = {rid: r.current_load for rid, r in people.items()}
    heap = [
        (Fraction(r.current_load, r.weekly_goal), r.current_load, _id_key(rid), rid)
        for rid, r in people.items()
        if r.capacity > 0
    ]
    heapq.heapify(heap)
    plan = AssignmentPlan()
    seen: set[Hashable] = set()
    for candidate in ordered:
        if candidate.id in seen:
            continue
        seen.add(candidate.id)
        skipped = []
        chosen = None
        while heap:
            entry = heapq.heappop(heap)
            reviewer = people[entry[3]]
            if reviewer.id != candidate.agent_user_id and (can_review is None or can_review(reviewer, candidate)):
                chosen = reviewer
                break
            skipped.append(entry)
        for entry in skipped:
            heapq.heappush(heap, entry)
        if chosen is None:
            reason = "No eligible reviewer has room left in their weekly goal." if people else "No reviewers."
            plan.unassigned.append((candidate.id, reason))
            continue
        plan.assignments.append(Assignment(candidate.id, chosen.id))
        used[chosen.id] += 1
        if used[chosen.id] < chosen.weekly_goal:
            heapq.heappush(
                heap, (Fraction(used[chosen.id], chosen.weekly_goal), used[chosen.id], _id_key(chosen.id), chosen.id)
            )
    return plan
