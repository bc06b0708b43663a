import datetime as dt
from decimal import Decimal

import pytest

from qa_scoring.importers.values import RecordError, csat_from_scale, csat_good_bad, full_name, parse_time, text_id

UTC = dt.UTC


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-03-02T10:00:00Z", dt.datetime(2026, 3, 2, 10, tzinfo=UTC)),
        ("2026-03-02T12:00:00+02:00", dt.datetime(2026, 3, 2, 10, tzinfo=UTC)),
        ("2026-03-02 10:00", dt.datetime(2026, 3, 2, 10, tzinfo=UTC)),  # naive = UTC
        (1772445600, dt.datetime(2026, 3, 2, 10, tzinfo=UTC)),  # unix seconds (Intercom)
        ("1772445600", dt.datetime(2026, 3, 2, 10, tzinfo=UTC)),
        (1772445600.0, dt.datetime(2026, 3, 2, 10, tzinfo=UTC)),
    ],
)
def test_parse_time(value, expected):
    parsed = parse_time(value, what="Message 1")
    assert parsed == expected
    assert parsed.tzinfo == UTC


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "Message 1 has no time."),
        ("  ", "Message 1 has no time."),
        (True, "Message 1 has no time."),
        ("next Tuesday", "Message 1 has an unreadable time 'next Tuesday': use ISO 8601"),
        (10**20, "Message 1 has an unreadable time"),
    ],
)
def test_parse_time_errors(value, message):
    with pytest.raises(RecordError, match=message):
        parse_time(value, what="Message 1")


def test_csat_normalisation():
    assert [csat_from_scale(v) for v in (1, 2, 3, 4, 5)] == [
        Decimal(0),
        Decimal(25),
        Decimal(50),
        Decimal(75),
        Decimal(100),
    ]
    assert [csat_from_scale(v) for v in ("3", 3.0, 0, 6, 2.5, "x", None, True)] == [
        Decimal(50),
        Decimal(50),
        None,
        None,
        None,
        None,
        None,
        None,
    ]
    assert (csat_good_bad("good"), csat_good_bad("BAD"), csat_good_bad("offered"), csat_good_bad(None)) == (
        Decimal(100),
        Decimal(0),
        None,
        None,
    )


def test_ids_and_names():
    assert (text_id(123), text_id(123.0), text_id(" a1 "), text_id(None), text_id(False)) == (
        "123",
        "123",
        "a1",
        "",
        "",
    )
    assert full_name({"first": "Jānis", "last": "Bērziņš"}) == "Jānis Bērziņš"
    assert full_name({"firstname": "Sam", "lastname": "Lee"}) == "Sam Lee"
    assert full_name({"name": " Dana "}) == "Dana"
    assert full_name(None) == ""
