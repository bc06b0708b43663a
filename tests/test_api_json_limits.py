"""Every JSON body the API accepts is bounded (config/parsers.py): a clear 400 naming the bound, nothing stored."""

import io
import json

import pytest
from rest_framework.exceptions import ParseError

from config.parsers import BoundedJSONParser
from qa_scoring.models import Dispute

DISPUTES = "/api/qa/disputes/"


def parse(body: bytes, encoding: str = "utf-8"):
    return BoundedJSONParser().parse(io.BytesIO(body), parser_context={"encoding": encoding})


def test_within_the_bounds_the_body_is_parsed():
    assert parse(b'{"review": 1, "items": [{"criterion": "greeting", "reason": "It was there [sic] {ok}"}]}') == {
        "review": 1,
        "items": [{"criterion": "greeting", "reason": "It was there [sic] {ok}"}],
    }
    assert parse('{"reason": "Teşekkürler"}'.encode("utf-16"), encoding="utf-16") == {"reason": "Teşekkürler"}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            b"[" * 100_000 + b"]" * 100_000,
            "The JSON body is nested more than 32 levels deep at byte 32 (line 1), past the limit "
            "(API_JSON_MAX_DEPTH).",
        ),
        (
            b'{"a":' * 33 + b"1" + b"}" * 33,
            "The JSON body is nested more than 32 levels deep at byte 160 (line 1), past the limit "
            "(API_JSON_MAX_DEPTH).",
        ),
        (
            json.dumps({"reason": "x" * (100 * 1024 + 1)}).encode(),
            "The JSON body holds a text value longer than 102,400 bytes at byte 102,412 (line 1), past the limit "
            "(API_JSON_MAX_STRING_BYTES).",
        ),
        (
            json.dumps(list(range(10_001))).encode(),
            "The JSON body holds more than 10,000 values, past the limit (API_JSON_MAX_ITEMS).",
        ),
        (
            b'{"reason": "' + b"y" * (1024 * 1024) + b'"}',
            "The JSON body is larger than 1 MB, past the limit (API_JSON_MAX_BYTES).",
        ),
    ],
)
def test_past_a_bound_is_a_parse_error_naming_it(body, message):
    with pytest.raises(ParseError) as caught:
        parse(body)
    assert str(caught.value.detail) == message


@pytest.mark.django_db
def test_the_api_answers_400_and_stores_nothing(client, seller_owner, settings):
    client.force_login(seller_owner)  # opening a dispute is a person's act (an API key is refused before parsing)
    headers = {}
    before = Dispute.objects.count()
    deep = b'{"review": 1, "items": ' + b"[" * 200_000 + b"]" * 200_000 + b"}"
    response = client.post(DISPUTES, deep, content_type="application/json", **headers)
    assert response.status_code == 400
    assert response.json() == {
        "detail": "The JSON body is nested more than 32 levels deep at byte 54 (line 1), past the limit "
        "(API_JSON_MAX_DEPTH)."
    }
    settings.API_JSON_MAX_BYTES = 100
    response = client.post(
        DISPUTES, json.dumps({"review": 1, "items": ["x" * 200]}), content_type="application/json", **headers
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "The JSON body is larger than 100 bytes, past the limit (API_JSON_MAX_BYTES)."}
    assert Dispute.objects.count() == before
