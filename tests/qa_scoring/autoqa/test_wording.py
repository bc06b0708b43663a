from qa_scoring.autoqa import run_checks

from .conftest import span_text, thread


def suggest(check, agent_text, *more):
    messages = thread(("customer", "My parcel never arrived and I'm upset."), ("agent", agent_text), *more)
    result = run_checks(messages, enabled=[check])
    return (result[0], span_text(messages, result[0].evidence)) if result else (None, [])


def test_empathy_found():
    suggestion, spans = suggest("empathy", "I’m so sorry about this, that must be frustrating. I reshipped it.")
    assert (suggestion.criterion_key, suggestion.value, suggestion.confidence) == ("empathy_patience", 4, 0.5)
    assert spans == ["I’m so sorry", "that must be frustrating"]


def test_empathy_in_several_replies_scores_higher():
    suggestion, _ = suggest("empathy", "I apologise for the delay.", ("agent", "Thank you for your patience!"))
    assert suggestion.value == 5
    assert suggestion.explanation == "Apology or empathy phrasing in 2 of 2 agent replies."


def test_no_empathy():
    suggestion, spans = suggest("empathy", "Tracking says delivered.")
    assert (suggestion.value, spans) == (2, [])


def test_sorry_inside_another_phrase_is_not_empathy():
    suggestion, _ = suggest("empathy", "Sorrybot replied already.")
    assert suggestion.value == 2


def test_blaming_wording_found():
    suggestion, spans = suggest("negative_wording", "As I already said, it's your fault you didn't check the address.")
    assert (suggestion.criterion_key, suggestion.value, suggestion.confidence) == ("positive_wording", 1, 0.7)
    assert spans == ["As I already said", "it's your fault", "you didn't check"]


def test_single_negative_phrase():
    suggestion, spans = suggest("negative_wording", "Unfortunately we cannot refund this order.")
    assert (suggestion.value, spans) == (2, ["Unfortunately we cannot"])
    assert suggestion.explanation == "Negative or blaming wording: “Unfortunately we cannot”."


def test_refusal_with_an_alternative_is_fine():
    suggestion, spans = suggest(
        "negative_wording", "Unfortunately we can't refund it, but we can send a replacement today."
    )
    assert (suggestion.value, spans) == (4, [])


def test_you_should_have_received_is_not_blaming():
    suggestion, _ = suggest("negative_wording", "You should have received a confirmation e-mail.")
    assert suggestion.value == 4
    suggestion, spans = suggest("negative_wording", "You should have ordered the bigger size.")
    assert (suggestion.value, spans) == (2, ["You should have"])


def test_customer_wording_is_not_judged():
    messages = thread(("customer", "It's your fault!"), ("agent", "I understand how annoying this is."))
    (suggestion,) = run_checks(messages, enabled=["negative_wording"])
    assert suggestion.value == 4
