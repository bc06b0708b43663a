import pytest

from qa_scoring.autoqa import CHECKS, criterion_keys, run_checks
from qa_scoring.autoqa.base import Suggestion

from .conftest import thread


def test_every_check_is_registered_with_its_criterion():
    assert criterion_keys() == {
        "response_time": ("response_24h",),
        "greeting": ("greeting",),
        "closing": ("confirmed_closing",),
        "empathy": ("empathy_patience",),
        "negative_wording": ("positive_wording",),
        "personal_data": ("no_personal_data",),
        "marketplace_policy": ("marketplace_policy",),
    }


@pytest.mark.django_db
def test_suggestions_fit_the_default_rubric_criteria():
    from qa_scoring.models import Criterion, Rubric

    version = Rubric.objects.get(name="E-commerce support (default)").versions.get()
    scales = {c.key: (c.scale_min, c.scale_max) for c in Criterion.objects.filter(version=version)}
    good = thread(("customer", "Where is it?", 0), ("agent", "Hi Ayşe, I'm sorry. Does that help?", 5))
    bad = thread(("customer", "Where?", 0), ("agent", "Your fault. Call +44 20 7946 0958, www.x-shop.com", 3000))
    for messages in (good, bad):
        suggestions = run_checks(messages)
        assert len(suggestions) == 7
        for suggestion in suggestions:
            low, high = scales[suggestion.criterion_key]
            assert low <= suggestion.value <= high


def test_run_checks_on_a_good_conversation():
    messages = thread(
        ("customer", "Siparişim nerede? My parcel says delivered but it is not here.", 0),
        ("agent", "Hi Ayşe,\nI'm so sorry about this. I opened a claim with the carrier. Does that help?", 60),
        ("customer", "Thanks, that's great!", 90),
    )
    results = {s.check: s for s in run_checks(messages, customer_name="Ayşe Yılmaz")}
    assert {k: (s.criterion_key, s.value) for k, s in results.items()} == {
        "response_time": ("response_24h", 1),
        "greeting": ("greeting", 1),
        "closing": ("confirmed_closing", 1),
        "empathy": ("empathy_patience", 4),
        "negative_wording": ("positive_wording", 4),
        "personal_data": ("no_personal_data", 1),
        "marketplace_policy": ("marketplace_policy", 1),
    }
    assert all(isinstance(s, Suggestion) and 0 < s.confidence <= 1 for s in results.values())


def test_enabled_subset_and_unknown_checks():
    messages = thread(("customer", "Hello"), ("agent", "Hi Ayşe, call +44 20 7946 0958"))
    assert [s.check for s in run_checks(messages, enabled=["personal_data"])] == ["personal_data"]
    with pytest.raises(ValueError, match="Unknown AutoQA check"):
        run_checks(messages, enabled=["telepathy"])


def test_internal_notes_are_ignored_by_every_check():
    messages = thread(
        ("customer", "Where is my order?", 0),
        ("agent", "Card 4242 4242 4242 4242, see https://evil.example.com, your fault, ask 5-star review", 5, True),
        ("agent", "Hello Ayşe, your order ships today. Is there anything else I can help with?", 30),
    )
    results = {s.check: s.value for s in run_checks(messages)}
    assert results["personal_data"] == 1
    assert results["marketplace_policy"] == 1
    assert results["negative_wording"] == 4
    assert results["response_time"] == 1  # the note did not count as the first response: 30 min


def test_unknown_language_leaves_phrase_checks_silent():
    messages = thread(("customer", "Wo ist mein Paket?"), ("agent", "Hallo Ayşe, +49 30 1234 5678"))
    results = {s.check: s.value for s in run_checks(messages, language="de")}
    # A phone number breaks the marketplace policy in any language; the phrase checks stay silent.
    assert results == {"response_time": 1, "personal_data": 0, "marketplace_policy": 0}


def test_all_checks_registered():
    assert list(CHECKS) == [
        "response_time",
        "greeting",
        "closing",
        "empathy",
        "negative_wording",
        "personal_data",
        "marketplace_policy",
    ]


def test_adding_a_language_is_a_data_change(monkeypatch):
    from qa_scoring.autoqa import base
    from qa_scoring.autoqa.phrases import PHRASES

    latvian = dict(PHRASES["en"], greeting=[r"sveiki", r"labdien"], empathy=[r"atvainojiet", r"man ļoti žēl"])
    monkeypatch.setitem(PHRASES, "lv", latvian)
    base._compiled.cache_clear()
    messages = thread(
        ("customer", "Paka nav atnākusi.", 0),
        ("agent", "Sveiki, Ayşe! Man ļoti žēl par kavēšanos.", 30),
    )
    results = {s.check: s.value for s in run_checks(messages, language="lv", enabled=["greeting", "empathy"])}
    assert results == {"greeting": 1, "empathy": 4}
    base._compiled.cache_clear()
