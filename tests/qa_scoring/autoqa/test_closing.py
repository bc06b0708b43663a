from qa_scoring.autoqa import run_checks

from .conftest import span_text, thread


def check(*items):
    messages = thread(*items)
    result = run_checks(messages, enabled=["closing"])
    return (result[0], span_text(messages, result[0].evidence)) if result else (None, [])


def test_agent_asks_if_anything_else_passes():
    suggestion, spans = check(
        ("customer", "Where is it?"), ("agent", "Shipped today. Is there anything else I can help with?")
    )
    assert (suggestion.criterion_key, suggestion.value, suggestion.confidence) == ("confirmed_closing", 1, 0.7)
    assert spans == ["Is there anything else"]
    assert suggestion.explanation == "The last reply checks that the customer is satisfied."


def test_customer_confirms_satisfaction_passes():
    suggestion, spans = check(
        ("customer", "Broken mug"), ("agent", "Replacement sent."), ("customer", "Perfect, thanks!")
    )
    assert (suggestion.value, spans) == (1, ["Perfect"])
    assert suggestion.explanation == "The customer confirmed."


def test_agent_closes_without_checking_fails():
    suggestion, spans = check(("customer", "Where is it?"), ("agent", "It shipped. Closing this ticket."))
    assert (suggestion.value, spans) == (0, [])
    assert (
        suggestion.explanation
        == "The conversation ends with the agent without checking that the customer is satisfied."
    )


def test_earlier_question_then_unanswered_complaint_fails():
    suggestion, _ = check(
        ("customer", "Where is it?"),
        ("agent", "Does that help?"),
        ("customer", "No, it still hasn't arrived"),
        ("agent", "The carrier says it is delivered."),
    )
    assert suggestion.value == 0


def test_thanks_before_the_last_reply_does_not_count():
    suggestion, _ = check(("customer", "Thanks for the info"), ("agent", "Closing now."))
    assert suggestion.value == 0


def test_let_me_know_counts_but_a_refusal_does_not():
    assert check(("customer", "x"), ("agent", "Let me know if you need anything else."))[0].value == 1
    assert check(("customer", "x"), ("agent", "There isn't anything else we can do."))[0].value == 0
