import datetime as dt

from qa_scoring.autoqa import BusinessHours, run_checks

from .conftest import T0, span_text, thread

DAY = 24 * 60


def check(messages, **options):
    result = run_checks(messages, enabled=["response_time"], options={"response_time": options})
    return result[0] if result else None


def test_all_replies_within_24_hours_pass():
    messages = thread(
        ("customer", "Where is it?", 0), ("agent", "On its way", 75), ("customer", "ok?", 100), ("agent", "Yes", 160)
    )
    suggestion = check(messages)
    assert (suggestion.criterion_key, suggestion.value, suggestion.confidence) == ("response_24h", 1, 0.95)
    assert suggestion.explanation == (
        "All 2 customer waits answered within 24 hours; first response after 1 h 15 min, longest wait 1 h 15 min."
    )
    assert suggestion.evidence == ()


def test_a_late_reply_fails_with_the_reply_as_evidence():
    messages = thread(("customer", "Hello?", 0), ("agent", "Sorry for the wait", DAY + 30))
    suggestion = check(messages)
    assert suggestion.value == 0
    assert suggestion.explanation == (
        "1 of 1 customer waits exceeded 24 hours; first response after 24 h 30 min, longest wait 24 h 30 min."
    )
    assert span_text(messages, suggestion.evidence) == ["Sorry for the wait"]


def test_exactly_24_hours_is_in_time():
    assert check(thread(("customer", "Hi", 0), ("agent", "Hello", DAY))).value == 1


def test_bot_auto_reply_does_not_stop_the_clock():
    messages = thread(("customer", "Hi", 0), ("bot", "We got your message", 1), ("agent", "Hello", DAY + 60))
    assert check(messages).value == 0


def test_follow_ups_wait_from_the_first_unanswered_message():
    messages = thread(
        ("customer", "Hi", 0),
        ("customer", "Anyone?", DAY - 10),
        ("agent", "Here", DAY + 10),
    )
    assert check(messages).value == 0


def test_trailing_customer_message_is_not_judged_and_no_reply_means_no_suggestion():
    assert check(thread(("customer", "Hi", 0), ("agent", "Hello", 10), ("customer", "Thanks!", 20))).value == 1
    assert check(thread(("customer", "Hi", 0), ("customer", "Hello?", 5 * DAY))) is None


def test_internal_note_is_not_a_response():
    messages = thread(("customer", "Hi", 0), ("agent", "checking", 5, True), ("agent", "Hello", DAY + 5))
    assert check(messages).value == 0


def test_business_hours_skip_the_weekend():
    friday_evening = T0 + dt.timedelta(days=4, hours=6)  # Friday 16:00 UTC
    monday_morning = T0 + dt.timedelta(days=7)  # Monday 10:00 UTC
    minutes = int((monday_morning - T0).total_seconds() // 60)
    start = int((friday_evening - T0).total_seconds() // 60)
    messages = thread(("customer", "Hi", start), ("agent", "Hello", minutes))
    assert check(messages).value == 0  # 66 calendar hours
    hours = BusinessHours(start=dt.time(9), end=dt.time(17))
    suggestion = check(messages, business_hours=hours)
    assert suggestion.value == 1  # Friday 16–17 + Monday 9–10 = 2 business hours
    assert "first response after 2 h 00 min" in suggestion.explanation
    assert "business hours" in suggestion.explanation


def test_business_hours_elapsed_in_a_timezone():
    hours = BusinessHours(start=dt.time(9), end=dt.time(17), timezone="Europe/Riga")
    since = dt.datetime(2026, 3, 2, 6, 0, tzinfo=dt.UTC)  # 08:00 in Riga
    until = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)  # 10:00 in Riga
    assert hours.elapsed(since, until) == dt.timedelta(hours=1)
    assert hours.elapsed(until, since) == dt.timedelta(0)


def test_custom_limit():
    messages = thread(("customer", "Hi", 0), ("agent", "Hello", 120))
    assert check(messages, limit_hours=1).value == 0
