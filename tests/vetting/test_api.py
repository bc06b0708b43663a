"""The staff API: scoped reads, field-keyed errors, constant query counts."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.vetting.conftest import make_candidate
from vetting import services
from vetting.models import Application, ApplicationStatus, Stage

pytestmark = pytest.mark.django_db

URL = "/api/vetting/applications/"


@pytest.fixture
def application(candidate, candidate_profile):
    return services.application_submit(actor=candidate, profile=candidate_profile)


def test_staff_list_applications_with_stage_results(client_for, vetting_staff, application):
    response = client_for(vetting_staff).get(URL)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["freelancer_email"] == "carl@freelance.test"
    assert row["stage"] == "profile_screen"
    assert row["results"][0]["stage"] == "profile_screen"
    assert row["results"][0]["pass_mark"] == "60.00"
    assert [c["ok"] for c in row["results"][0]["auto_checks"]] == [True, True, True, True]


def test_candidates_get_nothing_from_the_staff_api(client_for, application, freelancer_no_contract):
    client = client_for(application.freelancer.user)

    assert client.get(URL).json()["count"] == 0
    assert client.get(f"{URL}{application.pk}/").status_code == 404
    assert client_for(freelancer_no_contract).get(URL).json()["count"] == 0


@pytest.mark.parametrize("persona", ["seller_owner", "outsider", "reviewer"])
def test_sellers_and_qa_staff_see_nothing(request, client_for, application, persona):
    client = client_for(request.getfixturevalue(persona))

    assert client.get(URL).json()["count"] == 0
    assert client.get(f"{URL}{application.pk}/").status_code == 404
    assert client.get("/api/vetting/funnel/").status_code == 404
    assert client.post(f"{URL}{application.pk}/screen/", {"score": "90"}).status_code == 404
    application.refresh_from_db()
    assert application.stage == Stage.PROFILE_SCREEN


def test_api_key_sees_nothing(application, org, seller_owner):
    from rest_framework.test import APIClient

    from accounts.services import api_key_create

    _, secret = api_key_create(actor=seller_owner, organization=org, name="helpdesk")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {secret}")

    assert client.get(URL).json()["count"] == 0
    assert client.get(f"{URL}{application.pk}/").status_code == 404


def test_candidate_cannot_move_own_application(client_for, application):
    response = client_for(application.freelancer.user).post(f"{URL}{application.pk}/screen/", {"score": "90"})

    assert response.status_code == 404
    application.refresh_from_db()
    assert application.stage == Stage.PROFILE_SCREEN


def test_screen_errors_are_field_keyed_and_change_nothing(client_for, vetting_staff, application):
    client = client_for(vetting_staff)

    response = client.post(f"{URL}{application.pk}/screen/", {"score": "101"}, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"score": ["Ensure this value is less than or equal to 100."]}
    application.refresh_from_db()
    assert application.stage == Stage.PROFILE_SCREEN


def test_screen_and_reject_through_the_api(client_for, vetting_staff, application):
    client = client_for(vetting_staff)
    moved = client.post(f"{URL}{application.pk}/screen/", {"score": "20"}, content_type="application/json")
    assert moved.status_code == 200
    assert moved.json()["stage"] == "decision"

    again = client.post(f"{URL}{application.pk}/screen/", {"score": "90"}, content_type="application/json")
    assert again.status_code == 400
    assert again.json() == {"non_field_errors": ["This application is not at the profile screen stage."]}

    approve = client.post(f"{URL}{application.pk}/approve/", {}, content_type="application/json")
    assert approve.status_code == 400
    assert "not passed" in approve.json()["non_field_errors"][0]

    rejected = client.post(
        f"{URL}{application.pk}/reject/", {"rejection_reason": "profile"}, content_type="application/json"
    )
    assert rejected.status_code == 200
    assert rejected.json()["status"] == "rejected"
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED
    assert application.results.get(stage="profile_screen").score == Decimal("20.00")


def test_api_list_query_count_is_constant(client_for, vetting_staff, django_assert_num_queries):
    client = client_for(vetting_staff)
    for i in range(2):
        p = make_candidate(f"a{i}@freelance.test")
        services.application_submit(actor=p.user, profile=p)
    client.get(URL)
    with django_assert_num_queries(8) as ctx:
        client.get(URL)
    for i in range(6):
        p = make_candidate(f"b{i}@freelance.test")
        services.application_submit(actor=p.user, profile=p)
    with django_assert_num_queries(len(ctx.captured_queries)):
        response = client.get(URL)
    assert response.json()["count"] == Application.objects.count() == 8


def test_funnel_api_validates_dates(client_for, vetting_staff):
    client = client_for(vetting_staff)
    assert client.get("/api/vetting/funnel/?since=yesterday").json() == {
        "since": ["Use an ISO date-time with a time zone, e.g. 2026-01-01T00:00Z."]
    }
    assert client.get("/api/vetting/funnel/").json()["applied"] == 0


def test_staff_drive_every_stage_through_the_api(client_for, vetting_staff, application, scenarios):
    from tests.vetting.conftest import GOOD_GRADES, GOOD_RATINGS
    from tests.vetting.factories import InterviewSlotFactory

    client = client_for(vetting_staff)
    candidate = application.freelancer.user

    def post(action, data):
        return client.post(f"{URL}{application.pk}/{action}/", data, content_type="application/json")

    assert post("screen", {"score": "85"}).json()["stage"] == "assessment"
    attempt = services.assessment_start(actor=candidate, application=application)
    services.assessment_submit(
        actor=candidate, attempt=attempt, answers={a.scenario_id: "Sorry, fixing it." for a in attempt.answers.all()}
    )
    missing = post("grade", {"values": {"empathy": 3}})
    assert missing.status_code == 400
    assert missing.json()["understands_issue"] == ["Grade this criterion."]
    assert post("grade", {"values": GOOD_GRADES}).json()["stage"] == "interview"
    services.interview_slot_book(
        actor=candidate, application=application, slot=InterviewSlotFactory(interviewer=vetting_staff)
    )
    bad = post("scorecard", {**GOOD_RATINGS, "english": 9})
    assert bad.status_code == 400
    assert bad.json() == {"english": ["Ensure this value is less than or equal to 5."]}
    assert post("scorecard", GOOD_RATINGS).json()["stage"] == "checks"
    assert (
        post("checks", {"identity_confirmed": True, "tax_form": "w8ben", "payout_method_set": True}).status_code == 200
    )
    for i in range(2):
        ref = {"name": f"R{i}", "relationship": "lead", "contact": f"r{i}@example.test"}
        assert post("references", ref).status_code == 200
    duplicate = post("references", {"name": "R0", "relationship": "lead", "contact": "r0@example.test"})
    assert duplicate.json() == {"contact": ["This reference is already recorded."]}
    assert post("checks-complete", {}).json()["stage"] == "decision"
    approved = post("approve", {"notes": "Great"}).json()
    assert approved["status"] == "approved"
    assert approved["vetting_score"] == "92.88"  # (850 + 4812.5 + 2625 + 1000) / 100
