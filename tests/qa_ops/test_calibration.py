import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.access import scoped
from qa_ops import calibration, selectors, services
from qa_ops.models import CalibrationGrade, CalibrationSession
from qa_scoring.models import Review
from tests.qa_scoring.factories import ConversationFactory, CriterionFactory, RubricVersionFactory, SectionFactory

pytestmark = pytest.mark.django_db

# Krippendorff's worked example: 4 raters × 12 units, None = missing.
A = [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None]
B = [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3]
C = [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None]
D = [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None]


def test_results_reproduce_the_published_ordinal_and_nominal_alpha():
    grades = {}
    for rater, row in zip("ABCD", (A, B, C, D), strict=True):
        for unit, value in enumerate(row):
            if value is not None:
                grades[(rater, unit, "tone")] = value
                grades[(rater, unit, "tone_nominal")] = value
    criteria = [
        calibration.CriterionInfo("tone", "Tone", "scale", 1, 5),
    ]
    out = calibration.results(criteria=criteria, units=list(range(12)), raters=list("ABCD"), grades=grades)
    assert out["criteria"][0]["alpha"] == {"value": 0.815, "error": ""}
    assert out["criteria"][0]["fleiss"]["value"] is None  # units have 1–4 raters
    nominal = calibration.results(
        criteria=[calibration.CriterionInfo("tone_nominal", "Tone", "binary_like", 1, 5)],
        units=list(range(12)),
        raters=list("ABCD"),
        grades=grades,
    )
    assert nominal["criteria"][0]["level"] == "ordinal"
    assert out["alpha"] == {"value": 0.815, "error": ""}  # one criterion: the overall equals it


def test_degenerate_input_gives_clear_errors_not_crashes():
    criteria = [calibration.CriterionInfo("greet", "Greeting", "binary", 0, 1)]
    out = calibration.results(criteria=criteria, units=[1], raters=["solo"], grades={("solo", 1, "greet"): 1})
    assert out["criteria"][0]["alpha"] == {
        "value": None,
        "error": "Agreement needs at least two raters; this has 1.",
    }


@pytest.fixture
def version(db):
    v = RubricVersionFactory(rubric__organization=None, status="published")
    section = SectionFactory(version=v)
    CriterionFactory(section=section, version=v, key="greet", kind="binary", scale_min=0, scale_max=1, position=0)
    CriterionFactory(section=section, version=v, key="tone", kind="scale", scale_min=1, scale_max=5, position=1)
    return v


@pytest.fixture
def units(org):
    return [ConversationFactory(organization=org, external_id=f"cal-{i}") for i in range(3)]


@pytest.fixture
def session(reviewer, second_reviewer, seller_owner, version, units, org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.calibration_session_create(
            actor=seller_owner,
            organization=org,
            title="November calibration",
            rubric_version=version,
            conversations=units,
            participants=[reviewer, second_reviewer],
            deadline=timezone.now() + dt.timedelta(days=3),
        )


def grades(units, greet, tone):
    return {u.pk: {"greet": g, "tone": t} for u, g, t in zip(units, greet, tone, strict=True)}


def test_participants_are_notified_once(session):
    assert sorted(m.to[0] for m in mail.outbox) == ["quentin@shiftdesk.test", "quinn@shiftdesk.test"]
    from qa_ops.tasks import send_calibration_invites

    assert send_calibration_invites(session.pk) == 0
    assert len(mail.outbox) == 2


def test_lead_must_manage_the_seller(outsider, org, version, units, reviewer, second_reviewer):
    with pytest.raises(PermissionDenied):
        services.calibration_session_create(
            actor=outsider,
            organization=org,
            title="x",
            rubric_version=version,
            conversations=units,
            participants=[reviewer, second_reviewer],
            deadline=timezone.now() + dt.timedelta(days=1),
        )
    assert CalibrationSession.objects.count() == 0


def test_bad_setup_is_reported_per_field(seller_owner, org, version, units, reviewer):
    with pytest.raises(ValidationError) as exc:
        services.calibration_session_create(
            actor=seller_owner,
            organization=org,
            title="x",
            rubric_version=version,
            conversations=units,
            participants=[reviewer],
            deadline=timezone.now() - dt.timedelta(days=1),
            baseline="expert",
        )
    assert exc.value.message_dict == {
        "participants": ["Invite at least two participants."],
        "expert": ["The expert must be one of the participants."],
        "deadline": ["The deadline must be in the future."],
    }
    assert CalibrationSession.objects.count() == 0


def test_incomplete_submission_stores_nothing(session, reviewer, units):
    with pytest.raises(ValidationError) as exc:
        services.calibration_grades_save(
            actor=reviewer, session=session, grades={units[0].pk: {"greet": 1, "tone": 9}}, submit=True
        )
    errors = exc.value.message_dict
    assert errors[f"{units[0].pk}:tone"] == ["Choose a value from 1 to 5."]
    assert errors[f"{units[1].pk}:greet"] == ["Grade this criterion."]
    assert CalibrationGrade.objects.count() == 0


def test_blind_grading_in_selectors_ui_and_api(session, reviewer, second_reviewer, units, client_for):
    services.calibration_grades_save(
        actor=reviewer, session=session, grades=grades(units, [1, 1, 0], [5, 4, 2]), submit=True
    )
    services.calibration_grades_save(actor=second_reviewer, session=session, grades=grades(units, [1, 0, 0], [4, 4, 1]))

    # quentin has saved a draft but not submitted: he sees only his own grades.
    visible = scoped(CalibrationGrade, second_reviewer).filter(participant__session=session)
    assert {g.participant.user_id for g in visible} == {second_reviewer.pk}
    assert selectors.can_see_all_grades(second_reviewer, session) is False
    client = client_for(second_reviewer)
    page = client.get(f"/qa-ops/calibration/{session.pk}/").content.decode()
    assert "<h2>Results</h2>" not in page and "quinn@shiftdesk.test —" in page
    assert "Others' grades stay hidden until you submit yours." in page
    assert client.get(f"/qa-ops/calibration/{session.pk}/results.csv").status_code == 403
    assert client.get(f"/api/qa-ops/calibration/{session.pk}/results/").status_code == 403
    rows = client.get(f"/api/qa-ops/calibration/{session.pk}/grades/").json()
    assert {r["reviewer"] for r in rows} == {"quentin@shiftdesk.test"}

    # quinn submitted: sees everything that is submitted.
    assert client_for(reviewer).get(f"/api/qa-ops/calibration/{session.pk}/results/").json()["raters"] == 1

    services.calibration_grades_save(
        actor=second_reviewer, session=session, grades=grades(units, [1, 0, 0], [4, 4, 1]), submit=True
    )
    rows = client.get(f"/api/qa-ops/calibration/{session.pk}/grades/").json()
    assert {r["reviewer"] for r in rows} == {"quinn@shiftdesk.test", "quentin@shiftdesk.test"}
    assert Review.objects.count() == 0  # calibration never creates reviews, so never reaches IQS


def test_results_and_close(session, reviewer, second_reviewer, seller_owner, units):
    services.calibration_grades_save(
        actor=reviewer, session=session, grades=grades(units, [1, 1, 0], [5, 4, 2]), submit=True
    )
    services.calibration_grades_save(
        actor=second_reviewer, session=session, grades=grades(units, [1, 0, 0], [4, 4, 1]), submit=True
    )
    closed = services.calibration_close(actor=seller_owner, session=session)
    r = closed.results
    by_key = {c["key"]: c for c in r["criteria"]}
    assert by_key["greet"]["agreement"]["value"] == 66.7
    assert by_key["greet"]["level"] == "nominal"
    assert by_key["tone"]["level"] == "ordinal"
    assert by_key["tone"]["agreement"]["value"] == 33.3
    assert by_key["greet"]["fleiss"]["value"] == 0.333  # (2/3 − 1/2) / (1 − 1/2)
    # consensus = median of two: each reviewer is half the gap away, in opposite directions
    assert (
        r["reviewers"][str(reviewer.pk)]["mean_deviation"] == -r["reviewers"][str(second_reviewer.pk)]["mean_deviation"]
    )
    assert r["reviewers"][str(reviewer.pk)]["mean_abs_deviation"] == 12.5
    drift = selectors.reviewer_drift(actor=seller_owner)
    assert [(d["reviewer"], d["mean_abs_deviation"]) for d in drift] == [
        ("quentin@shiftdesk.test", 12.5),
        ("quinn@shiftdesk.test", 12.5),
    ]
    with pytest.raises(ValidationError):
        services.calibration_grades_save(actor=reviewer, session=closed, grades={})


def test_outsider_gets_404(session, outsider, client_for):
    client = client_for(outsider)
    assert client.get(f"/qa-ops/calibration/{session.pk}/").status_code == 404
    assert client.get(f"/api/qa-ops/calibration/{session.pk}/results/").status_code == 404
    assert (
        client.post(
            f"/api/qa-ops/calibration/{session.pk}/grade/", {"grades": {}}, content_type="application/json"
        ).status_code
        == 404
    )


def test_grading_through_the_page(session, reviewer, units, client_for):
    client = client_for(reviewer)
    data = {"action": "submit"}
    for u in units:
        data[f"g_{u.pk}_greet"] = "1"
    data[f"g_{units[0].pk}_tone"] = "3"
    response = client.post(f"/qa-ops/calibration/{session.pk}/", data)
    assert response.status_code == 200
    assert "Grade this criterion." in response.content.decode()
    assert CalibrationGrade.objects.count() == 0
    for u in units:
        data[f"g_{u.pk}_tone"] = "3"
    assert client.post(f"/qa-ops/calibration/{session.pk}/", data).status_code == 302
    assert CalibrationGrade.objects.count() == 6
