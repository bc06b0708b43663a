import pytest

from qa_scoring.autoqa import run_checks
from qa_scoring.autoqa.personal_data import card_spans, luhn_valid, phone_spans

from .conftest import span_text, thread


def check(text, role="agent"):
    messages = thread(("customer", "Hello", 0), (role, text, 5))
    (suggestion,) = run_checks(messages, enabled=["personal_data"])
    return suggestion, span_text(messages, suggestion.evidence)


@pytest.mark.parametrize(
    "text",
    [
        "Your card 4242 4242 4242 4242 was charged.",
        "Card on file: 4242424242424242",
        "Amex 3782-822463-10005 refunded",
        "Card 5555-5555-5555-4444.",
    ],
)
def test_card_numbers_by_luhn_fail(text):
    suggestion, spans = check(text)
    assert (suggestion.criterion_key, suggestion.value, suggestion.confidence) == ("no_personal_data", 0, 0.9)
    assert suggestion.explanation == "The agent wrote personal data: card number."
    assert len(spans) == 1
    assert spans[0].replace(" ", "").replace("-", "") in text.replace(" ", "").replace("-", "")


@pytest.mark.parametrize(
    "text",
    [
        "Your order 113-4567890-1234567 has shipped.",  # Amazon order id, 17 digits
        "Tracking 1Z999AA10123456784",  # UPS tracking number
        "Card ending **** **** **** 4242 was refunded.",  # masked
        "Reference 4242 4242 4242 4241",  # fails Luhn
        "Invoice 1234567890123456",  # fails Luhn
        "Loyalty number 1234567890123452",  # Luhn-valid but starts with 1: no card network
    ],
)
def test_numbers_that_are_not_cards_pass(text):
    suggestion, spans = check(text)
    assert (suggestion.value, spans) == (1, [])
    assert suggestion.explanation == "No card numbers, e-mail addresses or phone numbers written."


def test_luhn():
    assert luhn_valid("4242424242424242")
    assert luhn_valid("378282246310005")
    assert not luhn_valid("4242424242424241")


def test_order_id_that_looks_like_a_phone_is_not_a_phone():
    assert phone_spans("Order 113-4567890-1234567 and 250-4567890-1234567") == []
    assert card_spans("Order 113-4567890-1234567") == []
    suggestion, spans = check("Your replacement order is 111-2223334-4445556, dispatched today.")
    assert (suggestion.value, spans) == (1, [])


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Call me on +44 20 7946 0958 any time", "+44 20 7946 0958"),
        ("Our number is (555) 123-4567.", "(555) 123-4567"),
        ("Text 555-123-4567 please", "555-123-4567"),
        ("WhatsApp 0049 30 12345678", "0049 30 12345678"),
    ],
)
def test_phone_numbers_fail(text, found):
    suggestion, spans = check(text)
    assert (suggestion.value, suggestion.confidence, spans) == (0, 0.75, [found])
    assert suggestion.explanation == "The agent wrote personal data: phone number."


@pytest.mark.parametrize(
    "text",
    [
        "It will arrive on 2026-03-05 between 10:00 and 12:00.",
        "The refund of $1,234.56 was sent.",
        "Your ZIP 90210 is correct.",
        "Order 113-4567890-1234567.",
    ],
)
def test_dates_amounts_and_order_ids_are_not_phones(text):
    suggestion, spans = check(text)
    assert (suggestion.value, spans) == (1, [])


def test_email_address_fails():
    suggestion, spans = check("Write to ayse.yilmaz+orders@example.com.tr and we will check.")
    assert (suggestion.value, spans) == (0, ["ayse.yilmaz+orders@example.com.tr"])
    assert suggestion.explanation == "The agent wrote personal data: e-mail address."


def test_several_kinds_are_listed_together():
    suggestion, spans = check("Card 4242424242424242, mail a@b.co, phone +1 415 555 2671")
    assert suggestion.explanation == "The agent wrote personal data: card number, e-mail address, phone number."
    assert spans == ["4242424242424242", "a@b.co", "+1 415 555 2671"]


def test_customer_writing_their_own_card_is_not_the_agents_leak():
    messages = thread(("customer", "My card is 4242 4242 4242 4242", 0), ("agent", "Thanks, please never share it.", 5))
    (result,) = run_checks(messages, enabled=["personal_data"])
    assert (result.value, result.evidence) == (1, ())


def test_no_agent_message_no_suggestion():
    assert run_checks(thread(("customer", "4242 4242 4242 4242")), enabled=["personal_data"]) == []
