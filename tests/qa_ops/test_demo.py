import io

import pytest

from qa_ops.models import AutoQASuggestion, CalibrationSession, ReviewAssignment, SamplingRule

pytestmark = pytest.mark.django_db


def _counts():
    return (
        SamplingRule.objects.count(),
        ReviewAssignment.objects.count(),
        AutoQASuggestion.objects.count(),
        CalibrationSession.objects.count(),
    )


def test_demo_seed_is_idempotent_and_has_figures():
    from accounts import demo as accounts_demo
    from marketplace import demo as marketplace_demo
    from qa_ops import demo

    accounts_demo.seed(io.StringIO())
    marketplace_demo.seed(io.StringIO())
    demo.seed(io.StringIO())
    first = _counts()
    demo.seed(io.StringIO())
    assert _counts() == first
    assert first[0] == 1 and first[3] == 1
    assert first[1] > 0
    assert set(ReviewAssignment.objects.values_list("reviewer__email", flat=True)) == {"qa@shiftdesk.example"}
    assert first[2] > 0
    session = CalibrationSession.objects.get()
    assert session.status == "closed"
    assert [c["key"] for c in session.results["criteria"]] == ["greeting", "response_24h", "no_personal_data"]
    assert session.results["raters"] == 2
