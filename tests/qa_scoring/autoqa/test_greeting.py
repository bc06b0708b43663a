from qa_scoring.autoqa import run_checks

from .conftest import span_text, thread


def check(agent_text, customer_name="Ayşe Yılmaz"):
    messages = thread(("customer", "Where is my order?", 0), ("agent", agent_text, 10))
    result = run_checks(messages, enabled=["greeting"], customer_name=customer_name)
    return (result[0], span_text(messages, result[0].evidence)) if result else (None, [])


def test_greeting_with_name_passes():
    suggestion, spans = check("Hi Ayşe,\nyour parcel is on its way.")
    assert (suggestion.criterion_key, suggestion.value, suggestion.confidence) == ("greeting", 1, 0.7)
    assert spans == ["Hi", "Ayşe"]
    assert suggestion.explanation == "The first reply opens with a greeting using the customer's name (Ayşe)."


def test_name_without_accents_still_matches():
    suggestion, spans = check("Hello Ayse, thanks for waiting.")
    assert (suggestion.value, spans) == (1, ["Hello", "Ayse"])


def test_greeting_without_name_fails():
    suggestion, spans = check("Hi there, your parcel is on its way.")
    assert (suggestion.value, spans) == (0, ["Hi"])
    assert suggestion.explanation == "The first reply greets without the customer's name (Ayşe)."


def test_name_only_further_down_does_not_count():
    suggestion, _ = check("Good morning,\nthe order for Ayşe Yılmaz shipped today.")
    assert suggestion.value == 0


def test_no_greeting_fails():
    suggestion, _ = check("Your parcel is on its way.")
    assert (suggestion.value, suggestion.explanation) == (0, "The first reply has no greeting.")


def test_name_taken_from_customer_messages_and_unknown_name_gives_no_suggestion():
    messages = thread(("customer", "Hi", 0), ("agent", "Hi Ayşe!", 10))
    (suggestion,) = run_checks(messages, enabled=["greeting"])  # author_name "Ayşe Yılmaz"
    assert suggestion.value == 1
    suggestion, _ = check("Hi there!", customer_name="")
    assert suggestion.value == 0  # conftest gives the customer a name; an unknown one:
    for message in messages:
        message.author_name = ""
    assert run_checks(messages, enabled=["greeting"]) == []


def test_word_inside_another_word_is_not_a_greeting():
    suggestion, _ = check("Ship date: Ayşe, this is your update.")
    assert suggestion.value == 0
    assert suggestion.explanation == "The first reply has no greeting."
