import pytest

from qa_scoring.autoqa import run_checks

from .conftest import span_text, thread


def check(agent_text, **options):
    messages = thread(("customer", "Where is my order?"), ("agent", agent_text))
    result = run_checks(messages, enabled=["marketplace_policy"], options={"marketplace_policy": options})
    return result[0], span_text(messages, result[0].evidence)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Track it at https://track.example-carrier.com/123.", ["https://track.example-carrier.com/123."]),
        ("Visit www.our-shop.com for 10% off", ["www.our-shop.com"]),
        ("Order directly on acme-store.shop/deals next time", ["acme-store.shop/deals"]),
    ],
)
def test_external_links_fail(text, found):
    suggestion, spans = check(text)
    assert (suggestion.criterion_key, suggestion.value, suggestion.confidence) == ("marketplace_policy", 0, 0.85)
    assert suggestion.explanation == "Marketplace-policy risk: external links."
    assert [s.rstrip(".") for s in spans] == [f.rstrip(".") for f in found]


@pytest.mark.parametrize(
    "text",
    [
        "Please leave us a 5-star review!",
        "Could you remove your negative feedback now that it is solved?",
        "We'll send a $10 gift card if you leave a review.",
        "Would you give us a positive rating?",
    ],
)
def test_review_requests_fail(text):
    suggestion, spans = check(text)
    assert suggestion.value == 0
    assert suggestion.explanation == "Marketplace-policy risk: a review request."
    assert len(spans) >= 1


@pytest.mark.parametrize(
    "text",
    [
        "You can see it under Your Orders on amazon.com or https://www.amazon.co.uk/gp/your-account.",
        "I have reviewed your order and it shipped.",
        "Your feedback helps us improve our packaging.",
        "Version 2.0 of the manual is attached; the size is 3.5cm.",
    ],
)
def test_allowed_links_and_innocent_wording_pass(text):
    suggestion, spans = check(text)
    assert (suggestion.value, spans) == (1, [])


def test_allowed_domains_option():
    suggestion, _ = check("Track at https://www.dhl.com/track?id=1", allowed_domains=["dhl.com"])
    assert suggestion.value == 1


def test_links_and_review_request_together():
    suggestion, _ = check("Leave a positive review at www.reviews-site.com")
    assert suggestion.explanation == "Marketplace-policy risk: external links and a review request."


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Call our London office on +44 20 7946 0958.", "+44 20 7946 0958"),
        ("WhatsApp me: +90 532 123 45 67", "+90 532 123 45 67"),
        ("Our number is (555) 123-4567, any time.", "(555) 123-4567"),
        ("Shanghai team: +86 138 0013 8000", "+86 138 0013 8000"),
        ("Ring 0044 20 7946 0958 from abroad", "0044 20 7946 0958"),
        ("US line +1 (555) 123-4567", "+1 (555) 123-4567"),
    ],
)
def test_phone_numbers_shared_with_the_buyer_fail(text, found):
    suggestion, spans = check(text)
    assert (suggestion.criterion_key, suggestion.value, suggestion.confidence) == ("marketplace_policy", 0, 0.85)
    assert suggestion.explanation == "Marketplace-policy risk: a phone number."
    assert spans == [found]


def test_email_address_shared_with_the_buyer_fails_with_its_quote():
    suggestion, spans = check("Write to me at dana@example.com and I will sort it out.")
    assert (suggestion.value, suggestion.explanation) == (0, "Marketplace-policy risk: an e-mail address.")
    assert spans == ["dana@example.com"]  # the address, not its domain as a link


def test_every_kind_is_listed_with_its_evidence_in_text_order():
    suggestion, spans = check(
        "Mail dana@example.com or ops@example.org, call +44 20 7946 0958, see www.our-shop.com"
        " and leave a 5-star review"
    )
    assert suggestion.explanation == (
        "Marketplace-policy risk: external links, e-mail addresses, a phone number and a review request."
    )
    assert spans[:4] == ["dana@example.com", "ops@example.org", "+44 20 7946 0958", "www.our-shop.com"]
    assert len(spans) == 5 and "review" in spans[4]


@pytest.mark.parametrize(
    "text",
    [
        "Your order 113-4567890-1234567 has shipped.",
        "Orders 113-4567890-1234567 and 250-4567890-1234567 were merged.",
        "It will arrive on 2026-03-05 between 10:00 and 12:00.",
        "Delivered 05.03.2026, refund on 03/09/2026.",
        "The refund of $1,234.56 was sent; the new price is 1.299,00 EUR.",
        "USPS tracking 9400 1000 0012 3456 7890 12 shows it at the depot.",
        "UPS tracking 1Z999AA10123456784, FedEx 1234 5678 9012.",
        "Royal Mail tracking AB123456789GB, DHL 1234567890.",
    ],
)
def test_order_ids_dates_prices_and_tracking_numbers_are_not_contact_details(text):
    suggestion, spans = check(text)
    assert (suggestion.value, spans) == (1, [])
    assert (
        suggestion.explanation
        == "No external links, e-mail addresses, phone numbers or review requests in the replies."
    )


def test_the_customer_writing_their_own_number_is_no_breach():
    messages = thread(("customer", "Call me on +44 20 7946 0958 or a@b.co"), ("agent", "Thanks, we will write here."))
    result = run_checks(messages, enabled=["marketplace_policy"])
    assert (result[0].value, result[0].evidence) == (1, ())
