"""The calibration grading page: grades in the criteria's own terms, the transcript, a question before Submit."""

import datetime as dt

import pytest
from django.utils import timezone

from qa_ops import services
from qa_ops.models import CalibrationGrade
from tests.qa_scoring.factories import ConversationFactory, CriterionFactory, RubricVersionFactory, SectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(reviewer, second_reviewer, seller_owner, org):
    version = RubricVersionFactory(rubric__organization=None, status="published")
    section = SectionFactory(version=version)
    CriterionFactory(section=section, version=version, key="greet", label="Greets by name", kind="binary", position=0)
    CriterionFactory(
        section=section, version=version, key="tone", label="Tone", kind="scale", scale_min=1, scale_max=5, position=1
    )
    units = [
        ConversationFactory(
            organization=org,
            external_id="cal-1",
            messages=[("customer", "Sam", "Where is my parcel?"), ("agent", "Dana", "Hi Sam, it ships today.")],
        )
    ]
    return services.calibration_session_create(
        actor=seller_owner,
        organization=org,
        title="November calibration",
        rubric_version=version,
        conversations=units,
        participants=[reviewer, second_reviewer],
        deadline=timezone.now() + dt.timedelta(days=3),
    )


def test_yes_no_criteria_are_yes_no_radios_and_scales_their_numbers(client_for, reviewer, session):
    unit = session.conversations.get()
    page = client_for(reviewer).get(f"/qa-ops/calibration/{session.pk}/").content.decode()
    name = f"g_{unit.pk}_greet"
    assert (
        f'<legend>Greets by name</legend>\n        \n        <label for="id_{name}_1"><input type="radio" '
        f'name="{name}" id="id_{name}_1" value="1"> Yes</label>\n        \n        <label for="id_{name}_0">'
        f'<input type="radio" name="{name}" id="id_{name}_0" value="0"> No</label>'
    ) in page
    tone = f"g_{unit.pk}_tone"
    shown = [v for v in range(1, 6) if f'name="{tone}" id="id_{tone}_{v}" value="{v}"> {v}<' in page]
    assert shown == [1, 2, 3, 4, 5]
    assert "<select" not in page
    # The transcript is on the grading page.
    assert "Where is my parcel?" in page and "Hi Sam, it ships today." in page
    # Grades are final: the question says so and counts what is still ungraded.
    assert (
        'data-confirm="Submit your grades? They are final. 2 criteria are still ungraded, so the submission will be '
        'refused until every criterion has a grade."'
    ) in page


def test_the_question_counts_the_saved_draft(client_for, reviewer, session):
    unit = session.conversations.get()
    client = client_for(reviewer)
    client.post(f"/qa-ops/calibration/{session.pk}/", {"action": "draft", f"g_{unit.pk}_greet": "1"})
    page = client.get(f"/qa-ops/calibration/{session.pk}/").content.decode()
    assert f'id="id_g_{unit.pk}_greet_1" value="1" checked> Yes' in page
    assert "1 criterion is still ungraded" in page


def test_a_missing_grade_is_reported_next_to_its_criterion_and_nothing_is_stored(client_for, reviewer, session):
    unit = session.conversations.get()
    response = client_for(reviewer).post(
        f"/qa-ops/calibration/{session.pk}/", {"action": "submit", f"g_{unit.pk}_greet": "1"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    name = f"g_{unit.pk}_tone"
    assert f'data-criterion-grade aria-describedby="id_{name}_error">\n        <legend>Tone</legend>' in page
    assert f'<small class="error" id="id_{name}_error">Grade this criterion.</small>' in page
    assert f'id="id_g_{unit.pk}_greet_1" value="1" checked> Yes' in page  # what was entered stays
    assert CalibrationGrade.objects.count() == 0
    assert session.participants.get(user=reviewer).submitted_at is None
