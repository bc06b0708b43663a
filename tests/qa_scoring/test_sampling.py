import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa_scoring.sampling import (
    Assignment,
    Candidate,
    Period,
    Reviewer,
    Rule,
    Strategy,
    assign,
    period_bounds,
    pick,
)


def conv(id, freelancer=1, agent=None, **kwargs):
    kwargs.setdefault("message_count", 4)
    return Candidate(
        id=id, freelancer_id=freelancer, agent_user_id=agent if agent is not None else 100 + freelancer, **kwargs
    )


def ids(picks, freelancer=1):
    return [c.id for c in picks.get(freelancer, [])]


def test_rule_needs_count_or_percent():
    with pytest.raises(ValueError, match="either a count or a percentage"):
        Rule()
    with pytest.raises(ValueError, match="either a count or a percentage"):
        Rule(count=1, percent=Decimal(5))
    with pytest.raises(ValueError, match="between 0 and 100"):
        Rule(percent=Decimal(120))
    with pytest.raises(ValueError, match="cannot be negative"):
        Rule(count=-1)


def test_exclusions_reviewed_bot_only_and_too_short():
    candidates = [
        conv(1),
        conv(2, already_reviewed=True),
        conv(3, bot_only=True),
        conv(4, message_count=1),
        conv(5),
    ]
    assert sorted(ids(pick(candidates, Rule(count=10)))) == [1, 5]
    loose = Rule(count=10, exclude_reviewed=False, exclude_bot_only=False, min_messages=0)
    assert sorted(ids(pick(candidates, loose))) == [1, 2, 3, 4, 5]


def test_random_is_reproducible_and_seed_dependent():
    candidates = [conv(i) for i in range(50)]
    first = ids(pick(candidates, Rule(count=5, seed=42)))
    again = ids(pick(list(reversed(candidates)), Rule(count=5, seed=42)))
    other = ids(pick(candidates, Rule(count=5, seed=43)))
    assert first == again
    assert len(first) == len(set(first)) == 5
    assert first != other


def test_percentage_rounds_up():
    candidates = [conv(i) for i in range(11)]
    assert len(ids(pick(candidates, Rule(percent=Decimal(10))))) == 2  # 1.1 → 2
    assert ids(pick(candidates, Rule(percent=Decimal(0)))) == []
    assert len(ids(pick(candidates, Rule(percent=Decimal(100))))) == 11


def test_low_csat_first_unrated_last():
    candidates = [conv(1, csat=Decimal(100)), conv(2), conv(3, csat=Decimal(0)), conv(4, csat=Decimal(50))]
    assert ids(pick(candidates, Rule(strategy=Strategy.LOW_CSAT, count=4))) == [3, 4, 1, 2]


def test_longest_by_messages_then_duration():
    candidates = [
        conv(1, message_count=3, duration=dt.timedelta(hours=5)),
        conv(2, message_count=9),
        conv(3, message_count=3, duration=dt.timedelta(hours=9)),
    ]
    assert ids(pick(candidates, Rule(strategy=Strategy.LONGEST, count=2))) == [2, 3]


def test_targeted_takes_only_matches():
    candidates = [
        conv(1, tags=frozenset({"a-to-z"})),
        conv(2, text_match=True),
        conv(3),
        conv(4, tags=frozenset({"vip"})),
    ]
    rule = Rule(strategy=Strategy.TARGETED, count=10, tags=frozenset({"a-to-z"}))
    assert sorted(ids(pick(candidates, rule))) == [1, 2]


def test_autoqa_flagged_first_then_filled():
    candidates = [conv(i, autoqa_flagged=i in (7, 9)) for i in range(10)]
    chosen = ids(pick(candidates, Rule(strategy=Strategy.AUTOQA_FLAGGED, count=4, seed=1)))
    assert sorted(chosen[:2]) == [7, 9]
    assert len(chosen) == 4


def test_assign_balances_by_goal_share_and_never_self():
    picks = [conv(i, freelancer=1, agent=10) for i in range(6)]
    reviewers = [Reviewer(10, weekly_goal=10), Reviewer(20, weekly_goal=4), Reviewer(30, weekly_goal=2)]
    plan = assign(picks, reviewers)
    assert plan.unassigned == []
    counts = Counter(a.reviewer_id for a in plan.assignments)
    assert counts == {20: 4, 30: 2}  # reviewer 10 handled these conversations


def test_assign_respects_current_load_and_reports_the_rest():
    picks = [conv(i) for i in range(5)]
    plan = assign(picks, [Reviewer(1, weekly_goal=5, current_load=3), Reviewer(2, weekly_goal=1)])
    assert Counter(a.reviewer_id for a in plan.assignments) == {1: 2, 2: 1}
    assert plan.unassigned == [
        (3, "No eligible reviewer has room left in their weekly goal."),
        (4, "No eligible reviewer has room left in their weekly goal."),
    ]
    assert assign(picks[:1], []).unassigned == [(0, "No reviewers.")]


def test_assign_is_deterministic_and_skips_duplicates():
    picks = [conv(1), conv(2), conv(1)]
    reviewers = [Reviewer(7, 3), Reviewer(8, 3)]
    plan = assign(picks, reviewers)
    assert plan.assignments == [Assignment(1, 7), Assignment(2, 8)]
    assert assign(picks, list(reversed(reviewers))).assignments == plan.assignments


def test_assign_extra_restriction():
    plan = assign([conv(1)], [Reviewer(7, 3), Reviewer(8, 3)], can_review=lambda r, c: r.id == 8)
    assert plan.assignments == [Assignment(1, 8)]


def test_assign_takes_the_per_freelancer_dict_from_pick():
    picks = pick([conv(1, freelancer=2), conv(2, freelancer=1)], Rule(count=1))
    assert [a.conversation_id for a in assign(picks, [Reviewer(9, 5)]).assignments] == [2, 1]


def test_period_bounds():
    assert period_bounds(Period.WEEK, dt.date(2026, 3, 5)) == (
        dt.datetime(2026, 3, 2, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 9, tzinfo=dt.UTC),
    )
    assert period_bounds("month", dt.date(2026, 12, 31)) == (
        dt.datetime(2026, 12, 1, tzinfo=dt.UTC),
        dt.datetime(2027, 1, 1, tzinfo=dt.UTC),
    )


candidate_lists = st.lists(
    st.builds(
        Candidate,
        id=st.integers(0, 60),
        freelancer_id=st.integers(1, 4),
        agent_user_id=st.integers(1, 6),
        csat=st.none() | st.sampled_from([Decimal(0), Decimal(25), Decimal(100)]),
        message_count=st.integers(0, 8),
        tags=st.frozensets(st.sampled_from(["a", "b"])),
        text_match=st.booleans(),
        autoqa_flagged=st.booleans(),
        already_reviewed=st.booleans(),
        bot_only=st.booleans(),
        already_assigned=st.booleans(),
    ),
    max_size=40,
    unique_by=lambda c: c.id,
)
rules = st.builds(
    Rule,
    strategy=st.sampled_from(list(Strategy)),
    count=st.integers(0, 6),
    seed=st.integers(0, 3),
    tags=st.frozensets(st.sampled_from(["a", "b"])),
)
reviewer_lists = st.lists(
    st.builds(Reviewer, id=st.integers(1, 6), weekly_goal=st.integers(0, 6), current_load=st.integers(0, 4)),
    max_size=5,
    unique_by=lambda r: r.id,
)


@settings(max_examples=150, deadline=None)
@given(candidate_lists, rules, reviewer_lists, st.randoms(use_true_random=False))
def test_properties(candidates, rule, reviewers, shuffler):
    picks = pick(candidates, rule)
    shuffled = list(candidates)
    shuffler.shuffle(shuffled)
    assert pick(shuffled, rule) == picks  # reproducible from the seed, whatever the input order
    chosen = [c for items in picks.values() for c in items]
    assert len([c.id for c in chosen]) == len({c.id for c in chosen})  # never picked twice
    chosen_ids = {c.id for c in chosen}
    rerun = [
        Candidate(**{**c.__dict__, "already_assigned": c.already_assigned or c.id in chosen_ids}) for c in candidates
    ]
    assert pick(rerun, rule) == {}  # running twice picks nothing new
    for freelancer_id, items in picks.items():
        earlier = sum(1 for c in candidates if c.freelancer_id == freelancer_id and c.already_assigned)
        assert len(items) + earlier <= rule.count
        assert not any(c.already_assigned for c in items)
        assert all(c.freelancer_id == freelancer_id and c.message_count >= rule.min_messages for c in items)
        assert not any(c.already_reviewed or c.bot_only for c in items)
    plan = assign(picks, reviewers)
    assert assign(picks, list(reversed(reviewers))) == plan  # deterministic
    by_id = {c.id: c for c in chosen}
    assigned = [a.conversation_id for a in plan.assignments]
    assert len(assigned) == len(set(assigned))  # never twice
    for assignment in plan.assignments:
        assert assignment.reviewer_id != by_id[assignment.conversation_id].agent_user_id  # never self-review
    load = Counter(a.reviewer_id for a in plan.assignments)
    for reviewer in reviewers:
        assert load[reviewer.id] <= reviewer.capacity  # goals respected
    for conversation_id, _reason in plan.unassigned:  # left over only when nobody eligible had room
        agent = by_id[conversation_id].agent_user_id
        assert all(load[r.id] >= r.capacity for r in reviewers if r.id != agent)


def test_second_run_in_the_period_picks_nothing_new():
    candidates = [conv(i) for i in range(20)]
    rule = Rule(count=3, seed=5)
    first = ids(pick(candidates, rule))
    marked = [Candidate(**{**c.__dict__, "already_assigned": c.id in first}) for c in candidates]
    newcomers = [conv(i) for i in range(20, 30)]
    assert pick(marked + newcomers, rule) == {}
    # one of the three was reviewed since: it still counts, nothing new is picked
    reviewed = [Candidate(**{**c.__dict__, "already_reviewed": c.id == first[0]}) for c in marked]
    assert pick(reviewed, rule) == {}
    # a bigger quota tops up without repeating
    assert sorted(set(ids(pick(marked, Rule(count=5, seed=5)))) & set(first)) == []
    assert len(ids(pick(marked, Rule(count=5, seed=5)))) == 2


def test_percentage_counts_earlier_assignments():
    candidates = [conv(i, already_assigned=i < 1) for i in range(10)]
    assert len(ids(pick(candidates, Rule(percent=Decimal(30))))) == 2  # 30 % of 10 = 3, one already assigned
