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
        "Write to me at dana@example.com",  # an e-mail is personal data, not a link
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
